/* SPDX-License-Identifier: MIT */
/* Benchmark of calendars: creating one (reading a TZif file), open/closed
 * queries, and business-time arithmetic over short and long spans, on a
 * London desk (Mon-Fri 08:00-20:00, Sat 09:00-17:00, bank holidays 2026-2035,
 * DST changes twice a year). Each case runs in 5 rounds (--runs N); the
 * table gives the median and the spread (min..max) of the per-call wall time
 * and CPU time, then one JSON object per case.
 * Usage: bench_calendar [--quick] [--runs N]   (--quick: short rounds, CI smoke test) */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/calendar.h"

#define ROUNDS_MAX 64
#define HOUR 3600000LL
#define DAY 86400000LL

static double clock_s(clockid_t id) { return bench_clock(id); }

static volatile int64_t sink;

typedef struct kase {
    const char *name;
    const char *what;
} kase;

static oq_calendar *london(void)
{
    oq_calendar *cal = NULL;
    if (oq_calendar_create("london", "Europe/London", NULL, &cal, NULL) != OQ_OK) {
        fprintf(stderr, "cannot create Europe/London (tzdata installed?)\n");
        exit(1);
    }
    for (int wd = 0; wd < 5; wd++)
        oq_calendar_add_hours(cal, wd, 8 * 3600000, 20 * 3600000, NULL);
    oq_calendar_add_hours(cal, 5, 9 * 3600000, 17 * 3600000, NULL);
    static const int md[][2] = {{1, 1}, {4, 3}, {4, 6}, {5, 4}, {5, 25}, {8, 31}, {12, 25}, {12, 28}};
    for (int y = 2026; y < 2036; y++)
        for (size_t i = 0; i < sizeof md / sizeof md[0]; i++) {
            int32_t d;
            oq_date_from_ymd(y, md[i][0], md[i][1], &d);
            oq_calendar_add_holiday(cal, "uk", d, NULL, NULL); /* dates need not be real bank holidays */
        }
    return cal;
}

int main(int argc, char **argv)
{
    int quick = 0, rounds = 5;
    bench_quick_runs_args(argc, argv, &quick, &rounds, ROUNDS_MAX);
    long n_calls = quick ? 200 : 20000;
    const kase cases[] = {
        {"create_london", "oq_calendar_create + hours + 80 holidays"},
        {"is_open", "one instant"},
        {"next_open", "from a random instant"},
        {"next_close", "from a random instant"},
        {"business_ms_1d", "a random day"},
        {"business_ms_1y", "a random year"},
        {"business_ms_10y", "ten years"},
        {"deadline_2h", "add_business_ms 2 h"},
        {"deadline_30_days", "add_business_ms 30 business days of 12 h"},
        {"deadline_1_year", "add_business_ms 3,500 business hours"},
    };
    enum { NC = sizeof cases / sizeof cases[0] };
    static double wall[NC][ROUNDS_MAX], cpu[NC][ROUNDS_MAX];
    oq_calendar *cal = london();
    int64_t base = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    for (int c = 0; c < NC; c++) {
        long calls = c == 0 ? (quick ? 5 : 200) : c == 6 ? n_calls / 20 : n_calls;
        for (int r = 0; r < rounds; r++) {
            uint64_t x = 88172645463325252ull + (uint64_t)r;
            double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
            for (long i = 0; i < calls; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                int64_t t = base + (int64_t)(x % (uint64_t)(365 * DAY)), out = 0;
                int32_t open;
                switch (c) {
                case 0: {
                    oq_calendar *k = london();
                    oq_calendar_destroy(k);
                    break;
                }
                case 1: oq_calendar_is_open(cal, t, &open); out = open; break;
                case 2: oq_calendar_next_open(cal, t, &out); break;
                case 3: oq_calendar_next_close(cal, t, &out); break;
                case 4: oq_calendar_business_ms(cal, t, t + DAY, &out); break;
                case 5: oq_calendar_business_ms(cal, t, t + 365 * DAY, &out); break;
                case 6: oq_calendar_business_ms(cal, t, t + 3652 * DAY, &out); break;
                case 7: oq_calendar_add_business_ms(cal, t, 2 * HOUR, &out); break;
                case 8: oq_calendar_add_business_ms(cal, t, 30 * 12 * HOUR, &out); break;
                case 9: oq_calendar_add_business_ms(cal, t, 3500 * HOUR, &out); break;
                }
                sink = out;
            }
            wall[c][r] = (clock_s(CLOCK_MONOTONIC) - w0) / (double)calls * 1e9;
            cpu[c][r] = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / (double)calls * 1e9;
        }
    }
    oq_calendar_destroy(cal);

    bench_env env;
    bench_env_get(&env);
    printf("calendar benchmark; per call\n");
    bench_env_print("bench_calendar", &env, rounds, quick);
    printf("%-18s %28s %28s  %s\n", "case", "wall ns", "cpu ns", "what");
    bench_spread sw[NC], sc[NC];
    for (int c = 0; c < NC; c++) {
        sw[c] = bench_spread_of(wall[c], rounds);
        sc[c] = bench_spread_of(cpu[c], rounds);
        printf("%-18s %10.0f [%6.0f .. %6.0f] %10.0f [%6.0f .. %6.0f]  %s\n", cases[c].name, sw[c].med,
               sw[c].min, sw[c].max, sc[c].med, sc[c].min, sc[c].max, cases[c].what);
    }
    for (int c = 0; c < NC; c++) {
        printf("{\"bench\":\"calendar\",\"case\":\"%s\",\"wall_ns_median\":%.0f,"
               "\"wall_ns_min\":%.0f,\"wall_ns_max\":%.0f,\"cpu_ns_median\":%.0f,\"cpu_ns_min\":%.0f,"
               "\"cpu_ns_max\":%.0f,\"rounds\":%d,\"quick\":%s",
               cases[c].name, sw[c].med, sw[c].min, sw[c].max, sc[c].med, sc[c].min, sc[c].max, rounds,
               quick ? "true" : "false");
        bench_env_json(&env);
        printf("}\n");
    }
    return 0;
}
