/* SPDX-License-Identifier: MIT */
/* Benchmark of the erlang module: time per service-level evaluation and per
 * staffing search (Erlang C and A) at loads 1 .. 100,000 Erlangs, and a
 * 96-interval day plan. Prints a table, then one JSON object per line.
 * Usage: bench_erlang [--quick]   (--quick: few iterations, CI smoke test) */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "omniq/erlang.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile double sink;

#define AHT 180.0
#define T 20.0
#define PATIENCE 120.0

typedef struct row {
    const char *what;
    double load;
    int32_t agents;
    double ns;
    long iters;
} row;

/* Runs body until min_time has passed (at least min_iters), returns ns/iter. */
#define TIME_IT(min_time, min_iters, iters_out, body)                                         \
    do {                                                                                      \
        long it_ = 0;                                                                         \
        double t0_ = now_s(), el_;                                                            \
        do {                                                                                  \
            for (int k_ = 0; k_ < 16; k_++, it_++) {                                          \
                body;                                                                         \
            }                                                                                 \
            el_ = now_s() - t0_;                                                              \
        } while (el_ < (min_time) || it_ < (min_iters));                                      \
        (iters_out) = it_;                                                                    \
        ns_ = el_ / it_ * 1e9;                                                                \
    } while (0)

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    double min_time = quick ? 0.01 : 0.3;
    long min_iters = quick ? 16 : 200;
    const double loads[] = {1, 10, 100, 1000, 10000, 100000};
    row rows[64];
    int nr = 0;
    double ns_ = 0;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        double a = loads[i];
        int32_t nc = 0, na = 0;
        oq_erlang_c_agents(a, AHT, T, 0.8, &nc);
        oq_erlang_a_agents(a, AHT, PATIENCE, T, 0.8, &na);
        long it;
        TIME_IT(min_time, min_iters, it, {
            double sl;
            oq_erlang_c_service_level(a, nc, AHT, T, &sl);
            sink = sl;
        });
        rows[nr++] = (row){"erlang_c_sl", a, nc, ns_, it};
        TIME_IT(min_time, min_iters, it, {
            int32_t n;
            oq_erlang_c_agents(a, AHT, T, 0.8, &n);
            sink = n;
        });
        rows[nr++] = (row){"erlang_c_staffing_80_20", a, nc, ns_, it};
        TIME_IT(min_time, min_iters, it, {
            oq_erlang_a_result r;
            oq_erlang_a(a, na, AHT, PATIENCE, T, &r);
            sink = r.service_level;
        });
        rows[nr++] = (row){"erlang_a_eval", a, na, ns_, it};
        TIME_IT(min_time, quick ? 4 : 20, it, {
            int32_t n;
            oq_erlang_a_agents(a, AHT, PATIENCE, T, 0.8, &n);
            sink = n;
        });
        rows[nr++] = (row){"erlang_a_staffing_80_20", a, na, ns_, it};
    }
    /* a 96-interval day, 15-minute intervals, peak ~ 1,000 Erlangs */
    enum { NI = 96 };
    double contacts[NI], aht[NI];
    for (int i = 0; i < NI; i++) {
        double h = i / 4.0;
        contacts[i] = h < 7 || h >= 22 ? 20 : 2000 + 3000 * sin((h - 7) / 15 * 3.14159265);
        aht[i] = 240 + 30 * cos(i / 10.0);
    }
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.threshold_s = T;
    o.target_sl = 0.8;
    o.shrinkage = 0.35;
    o.max_occupancy = 0.9;
    oq_plan_interval prow[NI];
    oq_plan_totals tot;
    long it;
    TIME_IT(min_time, quick ? 4 : 50, it, {
        oq_erlang_plan(contacts, aht, NI, 900, &o, prow, &tot);
        sink = tot.required_agent_hours;
    });
    rows[nr++] = (row){"plan_96_erlang_c", 0, tot.peak_required, ns_, it};
    o.patience_s = PATIENCE;
    o.max_abandon = 0.05;
    TIME_IT(min_time, quick ? 2 : 10, it, {
        oq_erlang_plan(contacts, aht, NI, 900, &o, prow, &tot);
        sink = tot.required_agent_hours;
    });
    rows[nr++] = (row){"plan_96_erlang_a", 0, tot.peak_required, ns_, it};

    printf("%-26s %10s %8s %14s %10s\n", "case", "load", "agents", "time/call", "iters");
    for (int i = 0; i < nr; i++)
        printf("%-26s %10g %8d %11.3f us %10ld\n", rows[i].what, rows[i].load, rows[i].agents,
               rows[i].ns / 1000.0, rows[i].iters);
    for (int i = 0; i < nr; i++)
        printf("{\"bench\":\"erlang\",\"case\":\"%s\",\"load\":%g,\"agents\":%d,\"ns_per_call\":%.1f,"
               "\"iterations\":%ld,\"aht_s\":%g,\"threshold_s\":%g,\"patience_s\":%g}\n",
               rows[i].what, rows[i].load, rows[i].agents, rows[i].ns, rows[i].iters, AHT, T,
               PATIENCE);
    return 0;
}
