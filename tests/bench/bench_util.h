/* SPDX-License-Identifier: MIT */
/* What every benchmark in tests/bench shares: CPU and wall clocks, the
 * median and spread of several runs, and the header that says when and on
 * what machine the figures were taken (the development machine is shared and
 * noisy: a figure without its spread, date and load means little).
 *
 * Header-only (static inline), included by each bench_*.c; the benchmarks
 * are separate programs and link only the library. */
#ifndef OMNIQ_BENCH_UTIL_H
#define OMNIQ_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "omniq/omniq.h"

/* Seconds on a clock: CLOCK_MONOTONIC (wall) or CLOCK_PROCESS_CPUTIME_ID. */
static inline double bench_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_wall(void) { return bench_clock(CLOCK_MONOTONIC); }
static inline double bench_cpu(void) { return bench_clock(CLOCK_PROCESS_CPUTIME_ID); }
/* This thread's CPU time: one call's own work, without the scheduler's
 * slices that a shared machine adds to its wall-clock time. */
static inline double bench_thread_cpu(void) { return bench_clock(CLOCK_THREAD_CPUTIME_ID); }

/* A set-up call that must succeed: otherwise the figures mean nothing, so
 * say which call and why, and stop. */
static inline void bench_must(oq_engine *e, oq_status st, const char *what)
{
    if (st != OQ_OK) {
        fprintf(stderr, "%s: %s: %s\n", what, oq_status_str(st), oq_engine_last_error(e));
        exit(1);
    }
}

/* Median, min and max of n >= 1 values (v is sorted in place). */
typedef struct bench_spread {
    double med, min, max;
} bench_spread;

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline bench_spread bench_spread_of(double *v, int n)
{
    bench_spread s = {0, 0, 0};
    if (n < 1)
        return s;
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    s.min = v[0];
    s.max = v[n - 1];
    s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

/* The run's date (UTC) and machine, for the header and the JSON lines. */
typedef struct bench_env {
    char date[32];     /* 2026-12-05T16:40:43Z */
    char machine[512]; /* Linux 6.1.0 x86_64, <cpu model> */
    int nproc;
    double load[3];    /* 1, 5, 15-minute load averages (-1 unknown) */
} bench_env;

static inline void bench_env_get(bench_env *env)
{
    memset(env, 0, sizeof *env);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(env->date, sizeof env->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    struct utsname u;
    char model[96] = "";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                const char *p = strchr(line, ':');
                if (p) {
                    p++;
                    while (*p == ' ' || *p == '\t')
                        p++;
                    snprintf(model, sizeof model, "%s", p);
                    model[strcspn(model, "\n")] = '\0';
                }
                break;
            }
        fclose(f);
    }
    if (uname(&u) == 0)
        snprintf(env->machine, sizeof env->machine, "%s %s %s%s%s", u.sysname, u.release,
                 u.machine, model[0] ? ", " : "", model);
    else
        snprintf(env->machine, sizeof env->machine, "unknown");
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    env->nproc = np > 0 ? (int)np : 0;
    env->load[0] = env->load[1] = env->load[2] = -1;
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &env->load[0], &env->load[1], &env->load[2]) != 3)
            env->load[0] = env->load[1] = env->load[2] = -1;
        fclose(f);
    }
}

/* "# omniq bench_x, 2026-12-05T16:40:43Z, Linux ... (2 CPUs), load 7.2 6.7 6.3, 5 runs per case" */
static inline void bench_env_print(const char *bench, const bench_env *env, int runs, int quick)
{
    printf("# %s, %s, %s (%d CPUs), load average %.2f %.2f %.2f; %d run%s per case%s\n", bench,
           env->date, env->machine, env->nproc, env->load[0], env->load[1], env->load[2], runs,
           runs == 1 ? "" : "s", quick ? " (--quick: small cases, not figures to quote)" : "");
    printf("# times: median [min .. max] over the runs; CPU = this process's CPU time, wall = "
           "elapsed (the machine may be shared)\n");
}

/* The JSON fields every benchmark line carries: ,"date":...,"machine":... */
static inline void bench_env_json(const bench_env *env)
{
    printf(",\"date\":\"%s\",\"machine\":\"", env->date);
    for (const char *p = env->machine; *p; p++)
        if (*p != '"' && *p != '\\')
            putchar(*p);
    printf("\",\"nproc\":%d,\"load1\":%.2f", env->nproc, env->load[0]);
}

/* ,"<name>":{"med":..,"min":..,"max":..} */
static inline void bench_spread_json(const char *name, bench_spread s)
{
    printf(",\"%s\":{\"med\":%.6g,\"min\":%.6g,\"max\":%.6g}", name, s.med, s.min, s.max);
}

/* --runs N (>= 1): returns 1 and stores it when argv[*i] is that option. */
static inline int bench_runs_arg(int argc, char **argv, int *i, int *runs)
{
    if (strcmp(argv[*i], "--runs") != 0 || *i + 1 >= argc)
        return 0;
    int n = atoi(argv[++*i]);
    if (n < 1) {
        fprintf(stderr, "--runs: need a number >= 1\n");
        exit(2);
    }
    *runs = n;
    return 1;
}

/* The whole command line of a benchmark that takes only [--quick] [--runs N]:
 * exits with the usage on anything else; runs is clamped to 1..max_runs. */
static inline void bench_quick_runs_args(int argc, char **argv, int *quick, int *runs, int max_runs)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            *quick = 1;
        else if (!bench_runs_arg(argc, argv, &i, runs)) {
            fprintf(stderr, "usage: %s [--quick] [--runs N]\n", argv[0]);
            exit(2);
        }
    }
    if (*runs > max_runs)
        *runs = max_runs;
}

#endif
