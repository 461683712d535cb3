/* SPDX-License-Identifier: MIT */
/* The first call after a silence: a center that saw no event over a weekend
 * pays, at the first call on Monday, for closing the statistics' intervals
 * of the weekend (at most ring_size + 2 of them, each with its gauges). A
 * host sees that as one slow call.
 *
 *   bench_silence [--quick] [--queues Q] [--agents A] [--hours H] [--runs R]
 *
 * Defaults: 200 queues on 5 channels, 1,000 agents logged in not ready, a
 * silence of 60 hours (240 intervals of 15 minutes: more than the default
 * ring of 96). Each run builds the center, then 5 times: one contact arrives
 * in each queue (it waits: nobody is ready), the clock moves H hours in one
 * oq_engine_advance (no timer is due: the statistics close nothing yet), and
 * the next call, a read of the center's figures, is timed by this thread's
 * CPU clock. Prints each run's median catch-up, then the median [min .. max]
 * over the runs of that and of the whole run's CPU and wall time, and one
 * JSON line. --quick: 20 queues, 100 agents (CI's smoke run; the figures
 * mean nothing). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/omniq.h"

#define SILENCES 5

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *const channels[] = {"voice", "chat", "email", "sms", "web"};

/* Q queues round-robin on the five channels, A agents logged in not ready. */
static oq_engine *center(int32_t queues, int32_t agents)
{
    oq_engine *e = NULL;
    if (oq_engine_create(NULL, &e) != OQ_OK)
        exit(1);
    for (int c = 0; c < 5; c++) {
        oq_channel_spec cs;
        oq_channel_spec_init(&cs);
        cs.id = channels[c];
        cs.synchronous = c == 0;
        cs.capacity_cost = 20;
        cs.max_per_agent = 5;
        bench_must(e, oq_channel_add(e, &cs), "channel");
    }
    char id[32];
    for (int32_t q = 0; q < queues; q++) {
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        snprintf(id, sizeof id, "q%d", q);
        qs.id = id;
        bench_must(e, oq_queue_add(e, &qs), "queue");
        bench_must(e, oq_queue_add_channel(e, 0, id, channels[q % 5]), "queue channel");
    }
    for (int32_t a = 0; a < agents; a++) {
        snprintf(id, sizeof id, "a%d", a);
        bench_must(e, oq_agent_add(e, id, 100), "agent");
        bench_must(e, oq_agent_login(e, 0, id, 0), "login");
    }
    return e;
}

int main(int argc, char **argv)
{
    int32_t queues = 200, agents = 1000, runs = 3, quick = 0;
    double hours = 60;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1, queues = 20, agents = 100;
        else if (strcmp(argv[i], "--queues") == 0 && more)
            queues = atoi(argv[++i]);
        else if (strcmp(argv[i], "--agents") == 0 && more)
            agents = atoi(argv[++i]);
        else if (strcmp(argv[i], "--hours") == 0 && more)
            hours = atof(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && more)
            runs = atoi(argv[++i]);
        else
            runs = 0;
        if (queues < 1 || agents < 0 || !(hours > 0 && hours <= 1e6) || runs < 1) {
            fprintf(stderr, "usage: %s [--quick] [--queues Q >= 1] [--agents A >= 0] [--hours H in (0, 1e6]] "
                            "[--runs R >= 1]\n", argv[0]);
            return 2;
        }
    }
    bench_env env;
    bench_env_get(&env);
    bench_env_print("bench_silence", &env, runs, quick);
    enum { F_CATCH, F_CPU, F_WALL, F_N };
    double *fig[F_N];
    for (int f = 0; f < F_N; f++)
        if (!(fig[f] = malloc((size_t)runs * sizeof *fig[f])))
            return 1;
    int64_t silence_ms = (int64_t)(hours * 3600000.0);
    printf("# %d queues, %d agents, silences of %.1f h; per run: the catch-up call of each silence (ms CPU)\n",
           queues, agents, hours);
    for (int r = 0; r < runs; r++) {
        double cpu0 = bench_cpu(), wall0 = bench_wall();
        oq_engine *e = center(queues, agents);
        double took[SILENCES];
        int64_t t = 0;
        char id[48], qid[32];
        printf("%5d ", r);
        for (int s = 0; s < SILENCES; s++) {
            for (int32_t q = 0; q < queues; q++) {
                oq_contact_spec cs;
                oq_contact_spec_init(&cs);
                snprintf(id, sizeof id, "c%d_%d", s, q);
                snprintf(qid, sizeof qid, "q%d", q);
                cs.id = id;
                cs.queue = qid;
                cs.channel = channels[q % 5];
                bench_must(e, oq_contact_arrive(e, t, &cs), "arrive");
            }
            t += silence_ms;
            bench_must(e, oq_engine_advance(e, t), "advance");
            oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
            double a = cpu_ms();
            bench_must(e, oq_stats_center(e, OQ_PERIOD_INTERVAL, &st), "read");
            took[s] = cpu_ms() - a;
            printf(" %8.3f", took[s]);
        }
        oq_engine_destroy(e);
        fig[F_CATCH][r] = bench_spread_of(took, SILENCES).med;
        fig[F_CPU][r] = bench_cpu() - cpu0;
        fig[F_WALL][r] = bench_wall() - wall0;
        printf("   median %.3f ms\n", fig[F_CATCH][r]);
    }
    static const char *const names[F_N] = {"catch_up_cpu_ms", "run_cpu_s", "run_wall_s"};
    bench_spread sp[F_N];
    for (int f = 0; f < F_N; f++)
        sp[f] = bench_spread_of(fig[f], runs);
    printf("# %d run%s: median [min .. max]\n", runs, runs == 1 ? "" : "s");
    printf("first call after a silence: %.3f [%.3f .. %.3f] ms of CPU\n", sp[F_CATCH].med, sp[F_CATCH].min,
           sp[F_CATCH].max);
    printf("whole run (set-up, arrivals, silences, teardown): CPU %.3f [%.3f .. %.3f] s, wall %.3f [%.3f .. %.3f] s\n",
           sp[F_CPU].med, sp[F_CPU].min, sp[F_CPU].max, sp[F_WALL].med, sp[F_WALL].min, sp[F_WALL].max);
    printf("{\"bench\":\"silence\",\"queues\":%d,\"agents\":%d,\"hours\":%.3f,\"runs\":%d,\"quick\":%s", queues,
           agents, hours, runs, quick ? "true" : "false");
    for (int f = 0; f < F_N; f++)
        bench_spread_json(names[f], sp[f]);
    bench_env_json(&env);
    printf("}\n");
    for (int f = 0; f < F_N; f++)
        free(fig[f]);
    return 0;
}
