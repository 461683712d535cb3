/* SPDX-License-Identifier: MIT */
/* The worst single call while the contact count crosses the id table's
 * growth points (0.7 x 2^k contacts: 91,751, 183,501, 367,001) and then
 * its shrink points (issue #22: a call must not stall for a rehash).
 *
 *   bench_idgrowth [--quick] [--contacts N] [--runs R]
 *
 * --quick: 20,000 contacts (CI's smoke run; the figures mean nothing).
 *
 * One queue, no agents: N contacts arrive, then all are removed. Every call
 * is timed by this thread's CPU clock (the scheduler's slices stay out).
 * Prints, per run, the arrivals' and removals' p99.9 and max, and the
 * slowest arrivals with their contact count (so a stall at a growth point
 * shows as its count), and the slowest removals with the count left. Heaps
 * and statistics arrays also grow on the way: compare counts with the
 * table's growth points. Then the median [min .. max] over the runs of each
 * figure and of the whole run's CPU and wall time, and one JSON line. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/omniq.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct top {
    double ns;
    int32_t at;
} top;

static void keep_top(top *t, int n, double ns, int32_t at)
{
    if (ns <= t[n - 1].ns)
        return;
    int i = n - 1;
    for (; i > 0 && t[i - 1].ns < ns; i--)
        t[i] = t[i - 1];
    t[i].ns = ns, t[i].at = at;
}

int main(int argc, char **argv)
{
    int32_t n = 400000, runs = 3, quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1, n = 20000;
        else if (strcmp(argv[i], "--contacts") == 0 && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0)
            runs = 0;
        else
            n = 0;
        if (n < 1 || runs < 1) {
            fprintf(stderr, "usage: %s [--quick] [--contacts N >= 1] [--runs R >= 1]\n", argv[0]);
            return 2;
        }
    }
    bench_env env;
    bench_env_get(&env);
    bench_env_print("bench_idgrowth", &env, runs, quick);
    double *arr = malloc((size_t)n * sizeof *arr), *rem = malloc((size_t)n * sizeof *rem);
    /* per run: arrive p99.9, arrive max, remove p99.9, remove max (us), CPU s, wall s */
    enum { F_AP, F_AMAX, F_RP, F_RMAX, F_CPU, F_WALL, F_N };
    double *fig[F_N];
    for (int f = 0; f < F_N; f++)
        fig[f] = malloc((size_t)runs * sizeof *fig[f]);
    for (int f = 0; f < F_N; f++)
        if (!fig[f])
            return 1;
    if (!arr || !rem)
        return 1;
    printf("# run  arrive p99.9 / max (us)  remove p99.9 / max (us)  slowest arrivals: us @ contact count | removals: us @ count left\n");
    for (int r = 0; r < runs; r++) {
        double cpu0 = bench_cpu(), wall0 = bench_wall();
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.seed = 7;
        oq_engine *e = NULL;
        if (oq_engine_create(&o, &e) != OQ_OK)
            return 1;
        oq_channel_spec ch;
        oq_channel_spec_init(&ch);
        ch.id = "voice";
        bench_must(e, oq_channel_add(e, &ch), "channel");
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        qs.id = "q";
        bench_must(e, oq_queue_add(e, &qs), "queue");
        bench_must(e, oq_queue_add_channel(e, 0, "q", "voice"), "queue channel");
        top ta[6] = {{0, 0}}, tr[4] = {{0, 0}};
        char id[32];
        for (int32_t i = 0; i < n; i++) {
            oq_contact_spec cs;
            oq_contact_spec_init(&cs);
            snprintf(id, sizeof id, "c%d", i);
            cs.id = id;
            cs.queue = "q";
            cs.channel = "voice";
            double a = bench_thread_cpu();
            bench_must(e, oq_contact_arrive(e, 1, &cs), "arrive");
            arr[i] = (bench_thread_cpu() - a) * 1e9;
            keep_top(ta, 6, arr[i], i + 1);
        }
        for (int32_t i = 0; i < n; i++) {
            snprintf(id, sizeof id, "c%d", i);
            double a = bench_thread_cpu();
            bench_must(e, oq_contact_remove(e, 2, id), "remove");
            rem[i] = (bench_thread_cpu() - a) * 1e9;
            keep_top(tr, 4, rem[i], n - i - 1);
        }
        oq_engine_destroy(e);
        fig[F_CPU][r] = bench_cpu() - cpu0;
        fig[F_WALL][r] = bench_wall() - wall0;
        qsort(arr, (size_t)n, sizeof *arr, cmp_d);
        qsort(rem, (size_t)n, sizeof *rem, cmp_d);
        size_t k = (size_t)((double)n * 0.999);
        fig[F_AP][r] = arr[k] / 1e3, fig[F_AMAX][r] = arr[n - 1] / 1e3;
        fig[F_RP][r] = rem[k] / 1e3, fig[F_RMAX][r] = rem[n - 1] / 1e3;
        printf("%5d  %10.1f / %8.1f  %10.1f / %8.1f ", r, arr[k] / 1e3, arr[n - 1] / 1e3, rem[k] / 1e3,
               rem[n - 1] / 1e3);
        for (int i = 0; i < 6; i++)
            printf("  %.0f@%d", ta[i].ns / 1e3, ta[i].at);
        printf("  | slowest removals:");
        for (int i = 0; i < 4; i++)
            printf("  %.0f@%d", tr[i].ns / 1e3, tr[i].at);
        printf("\n");
    }
    static const char *const names[F_N] = {"arrive_p999_us", "arrive_max_us", "remove_p999_us",
                                           "remove_max_us", "run_cpu_s", "run_wall_s"};
    bench_spread sp[F_N];
    for (int f = 0; f < F_N; f++)
        sp[f] = bench_spread_of(fig[f], runs);
    printf("# %d contacts, %d run%s: median [min .. max]\n", n, runs, runs == 1 ? "" : "s");
    printf("arrive p99.9 %.1f [%.1f .. %.1f] us, max %.1f [%.1f .. %.1f] us\n", sp[F_AP].med,
           sp[F_AP].min, sp[F_AP].max, sp[F_AMAX].med, sp[F_AMAX].min, sp[F_AMAX].max);
    printf("remove p99.9 %.1f [%.1f .. %.1f] us, max %.1f [%.1f .. %.1f] us\n", sp[F_RP].med,
           sp[F_RP].min, sp[F_RP].max, sp[F_RMAX].med, sp[F_RMAX].min, sp[F_RMAX].max);
    printf("whole run (arrivals, removals, engine set-up and teardown): CPU %.3f [%.3f .. %.3f] s, "
           "wall %.3f [%.3f .. %.3f] s\n",
           sp[F_CPU].med, sp[F_CPU].min, sp[F_CPU].max, sp[F_WALL].med, sp[F_WALL].min, sp[F_WALL].max);
    printf("{\"bench\":\"idgrowth\",\"contacts\":%d,\"runs\":%d,\"quick\":%s", n, runs,
           quick ? "true" : "false");
    for (int f = 0; f < F_N; f++)
        bench_spread_json(names[f], sp[f]);
    bench_env_json(&env);
    printf("}\n");
    for (int f = 0; f < F_N; f++)
        free(fig[f]);
    free(arr);
    free(rem);
    return 0;
}
