/* SPDX-License-Identifier: MIT */
/* Benchmark of the erlang module: time per service-level evaluation and per
 * staffing search (Erlang C and A) at loads 1 .. 100,000 Erlangs, and a
 * 96-interval day plan. Each case is timed in several runs (each at least
 * 0.3 s of calls); the table gives CPU and wall time per call, median
 * [min .. max] of the runs. Prints a table, then one JSON object per line.
 * Usage: bench_erlang [--quick] [--runs N]   (--quick: few iterations, CI smoke test) */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/erlang.h"

static volatile double sink;

#define AHT 180.0
#define T 20.0
#define PATIENCE 120.0

#define RUNS_MAX 64

typedef struct row {
    const char *what;
    double load;
    int32_t agents;
    double wall_ns[RUNS_MAX], cpu_ns[RUNS_MAX]; /* per call, one per run */
    long iters;                                 /* calls in the last run */
} row;

/* Runs body until min_time has passed (at least min_iters), runs times;
 * stores ns per call (wall and CPU) of each run in row r. */
#define TIME_IT(r, min_time, min_iters, body)                                                 \
    do {                                                                                      \
        for (int run_ = 0; run_ < runs; run_++) {                                             \
            long it_ = 0;                                                                     \
            double t0_ = bench_wall(), c0_ = bench_cpu(), el_;                                \
            do {                                                                              \
                for (int k_ = 0; k_ < 16; k_++, it_++) {                                      \
                    body;                                                                     \
                }                                                                             \
                el_ = bench_wall() - t0_;                                                     \
            } while (el_ < (min_time) || it_ < (min_iters));                                  \
            (r)->iters = it_;                                                                 \
            (r)->wall_ns[run_] = el_ / (double)it_ * 1e9;                                     \
            (r)->cpu_ns[run_] = (bench_cpu() - c0_) / (double)it_ * 1e9;                      \
        }                                                                                     \
    } while (0)

static row *new_row(row *rows, int *nr, const char *what, double load, int32_t agents)
{
    row *r = &rows[(*nr)++];
    r->what = what;
    r->load = load;
    r->agents = agents;
    return r;
}

int main(int argc, char **argv)
{
    int quick = 0, runs = 3;
    bench_quick_runs_args(argc, argv, &quick, &runs, RUNS_MAX);
    double min_time = quick ? 0.01 : 0.3;
    long min_iters = quick ? 16 : 200;
    const double loads[] = {1, 10, 100, 1000, 10000, 100000};
    static row rows[64];
    int nr = 0;
    row *rw;
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        double a = loads[i];
        int32_t nc = 0, na = 0;
        oq_erlang_c_agents(a, AHT, T, 0.8, &nc);
        oq_erlang_a_agents(a, AHT, PATIENCE, T, 0.8, &na);
        rw = new_row(rows, &nr, "erlang_c_sl", a, nc);
        TIME_IT(rw, min_time, min_iters, {
            double sl;
            oq_erlang_c_service_level(a, nc, AHT, T, &sl);
            sink = sl;
        });
        rw = new_row(rows, &nr, "erlang_c_staffing_80_20", a, nc);
        TIME_IT(rw, min_time, min_iters, {
            int32_t n;
            oq_erlang_c_agents(a, AHT, T, 0.8, &n);
            sink = n;
        });
        rw = new_row(rows, &nr, "erlang_a_eval", a, na);
        TIME_IT(rw, min_time, min_iters, {
            oq_erlang_a_result r = OQ_OUTPUT_INIT(oq_erlang_a_result);
            oq_erlang_a(a, na, AHT, PATIENCE, T, &r, NULL);
            sink = r.service_level;
        });
        rw = new_row(rows, &nr, "erlang_a_staffing_80_20", a, na);
        TIME_IT(rw, min_time, quick ? 4 : 20, {
            int32_t n;
            oq_erlang_a_agents(a, AHT, PATIENCE, T, 0.8, &n);
            sink = n;
        });
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
    oq_plan_totals tot = OQ_OUTPUT_INIT(oq_plan_totals);
    rw = new_row(rows, &nr, "plan_96_erlang_c", 0, 0);
    TIME_IT(rw, min_time, quick ? 4 : 50, {
        oq_erlang_plan(contacts, aht, NI, 900, &o, prow, &tot, NULL);
        sink = tot.required_agent_hours;
    });
    rw->agents = tot.peak_required;
    o.patience_s = PATIENCE;
    o.max_abandon = 0.05;
    rw = new_row(rows, &nr, "plan_96_erlang_a", 0, 0);
    TIME_IT(rw, min_time, quick ? 2 : 10, {
        oq_erlang_plan(contacts, aht, NI, 900, &o, prow, &tot, NULL);
        sink = tot.required_agent_hours;
    });
    rw->agents = tot.peak_required;

    bench_env env;
    bench_env_get(&env);
    printf("omniq Erlang benchmark\n");
    bench_env_print("bench_erlang", &env, runs, quick);
    printf("%-26s %10s %8s %30s %30s %10s\n", "case", "load", "agents", "CPU us / call",
           "wall us / call", "iters");
    bench_spread sc[64], sw[64];
    for (int i = 0; i < nr; i++) {
        for (int r = 0; r < runs; r++) {
            rows[i].cpu_ns[r] /= 1000.0; /* us */
            rows[i].wall_ns[r] /= 1000.0;
        }
        sc[i] = bench_spread_of(rows[i].cpu_ns, runs);
        sw[i] = bench_spread_of(rows[i].wall_ns, runs);
        printf("%-26s %10g %8d %9.3f [%7.3f .. %7.3f] %9.3f [%7.3f .. %7.3f] %10ld\n", rows[i].what,
               rows[i].load, rows[i].agents, sc[i].med, sc[i].min, sc[i].max, sw[i].med, sw[i].min,
               sw[i].max, rows[i].iters);
    }
    for (int i = 0; i < nr; i++) {
        printf("{\"bench\":\"erlang\",\"case\":\"%s\",\"load\":%g,\"agents\":%d,\"runs\":%d,"
               "\"iterations\":%ld,\"aht_s\":%g,\"threshold_s\":%g,\"patience_s\":%g",
               rows[i].what, rows[i].load, rows[i].agents, runs, rows[i].iters, AHT, T, PATIENCE);
        bench_spread_json("cpu_us_per_call", sc[i]);
        bench_spread_json("wall_us_per_call", sw[i]);
        bench_env_json(&env);
        printf("}\n");
    }
    return 0;
}
