/* SPDX-License-Identifier: MIT */
/* Simulator benchmark: a large omni-channel center simulated for a day.
 *
 * 1,200 agents on staggered 8.5-hour shifts (06:00 - 24:00) with a 30-minute
 * break each, 60 queues each requiring one of 60 skills (an agent has 4),
 * 3 channels (voice exclusive; chat 3 at a time; email 5 at a time),
 * 180 streams (every queue x channel) whose 15-minute volumes follow the
 * staffed-agent curve at about 85% target utilisation. Voice and chat
 * customers abandon (exponential patience); email never does. Agents answer
 * after 2-8 s (gamma) and reject 2% of offers; queues have wrap-up.
 *
 *   bench_sim [--quick] [--agents N] [--queues N] [--hours H] [--reps N] [--seed S]
 *
 * --quick: 200 agents, 50 queues, 4 hours, 1 replication (a CI smoke run).
 * Prints a table and one JSON object per line. Not a test: no assertions on
 * time. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "omniq/omniq.h"

#define N_CHANNELS 3
#define SKILLS_PER_AGENT 4
#define INTERVAL_S 900.0

typedef struct center {
    int32_t agents, queues;
} center;

static const char *CH_ID[N_CHANNELS] = {"voice", "chat", "email"};
static const double CH_AHT[N_CHANNELS] = {300, 600, 480};
static const double CH_SHARE[N_CHANNELS] = {0.55, 0.30, 0.02};  /* agent-equivalents per staffed agent */
static const double CH_SESSIONS[N_CHANNELS] = {1, 3, 5};        /* items an agent holds at once */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define TRY(x)               \
    do {                     \
        oq_status st_ = (x); \
        if (st_ != OQ_OK)    \
            return st_;      \
    } while (0)

static oq_status build(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    const center *c = user;
    for (int k = 0; k < N_CHANNELS; k++) {
        oq_channel_spec ch;
        oq_channel_spec_init(&ch);
        ch.id = CH_ID[k];
        ch.exclusive = k == 0;
        ch.synchronous = k != 2;
        ch.capacity_cost = k == 0 ? 100 : k == 1 ? 30 : 10;
        ch.max_per_agent = (int32_t)CH_SESSIONS[k];
        TRY(oq_channel_add(e, &ch));
    }
    char id[32], skill[32];
    for (int32_t q = 0; q < c->queues; q++) {
        snprintf(skill, sizeof skill, "s%d", (int)q);
        TRY(oq_skill_add(e, skill, 10));
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        snprintf(id, sizeof id, "q%d", (int)q);
        qs.id = id;
        qs.offer_timeout_s = 20;
        qs.wrapup_s = 10 + q % 3 * 5;
        qs.sla_threshold_s = 20;
        qs.priority = q % 4 == 0 ? 5 : 0;
        qs.strategy = q % 2 ? OQ_STRATEGY_BEST_SKILL : OQ_STRATEGY_LONGEST_IDLE;
        TRY(oq_queue_add(e, &qs));
        for (int k = 0; k < N_CHANNELS; k++)
            TRY(oq_queue_add_channel(e, 0, id, CH_ID[k]));
        TRY(oq_queue_require_skill(e, 0, id, skill, 1));
    }
    for (int32_t a = 0; a < c->agents; a++) {
        snprintf(id, sizeof id, "a%d", (int)a);
        TRY(oq_agent_add(e, id, 100));
        for (int k = 0; k < SKILLS_PER_AGENT; k++) {
            snprintf(skill, sizeof skill, "s%d", (int)((a * 7 + k * 13) % c->queues));
            TRY(oq_agent_set_skill(e, 0, id, skill, 1 + (a + k) % 10));
        }
    }
    return OQ_OK;
}

int main(int argc, char **argv)
{
    center c = {1200, 60};
    double hours = 24;
    int32_t reps = 1;
    uint64_t seed = 1;
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
            c.agents = 200;
            c.queues = 50;
            hours = 4;
        } else if (strcmp(argv[i], "--agents") == 0 && i + 1 < argc) {
            c.agents = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--queues") == 0 && i + 1 < argc) {
            c.queues = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc) {
            hours = atof(argv[++i]);
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [--quick] [--agents N] [--queues N] [--hours H] [--reps N] [--seed S]\n",
                    argv[0]);
            return 2;
        }
    }
    if (c.agents < 1 || c.queues < 1 || c.queues < SKILLS_PER_AGENT || hours <= 0 || reps < 1) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    int32_t nint = (int32_t)ceil(hours * 3600 / INTERVAL_S);

    /* Shifts: 8.5 h starting between 06:00 and 15:30 (spread evenly), a
     * 30-minute break in the middle. A run shorter than a day starts at 06:00. */
    double day0 = hours < 24 ? 6 * 3600.0 : 0.0;
    oq_sim_agent *agents = calloc((size_t)c.agents, sizeof *agents);
    oq_sim_window *win = calloc((size_t)c.agents * 2, sizeof *win);
    char (*ids)[16] = calloc((size_t)c.agents, sizeof *ids);
    double *staffed = calloc((size_t)nint, sizeof *staffed);
    if (!agents || !win || !ids || !staffed)
        return 1;
    for (int32_t a = 0; a < c.agents; a++) {
        double start = 6 * 3600.0 + 9.5 * 3600.0 * ((double)a / c.agents) - day0;
        if (start < 0)
            start = 0;
        double end = start + 8.5 * 3600.0;
        double brk = start + 4 * 3600.0 + (a % 4) * 600.0;
        win[2 * a] = (oq_sim_window){start, end, NULL};
        win[2 * a + 1] = (oq_sim_window){brk, brk + 1800.0, "break"};
        snprintf(ids[a], sizeof ids[a], "a%d", (int)a);
        agents[a].id = ids[a];
        agents[a].accept_prob = 0.98;
        agents[a].response = (oq_sim_dist){OQ_DIST_GAMMA, 0, 5, 4, NULL};
        agents[a].n_shifts = 1;
        agents[a].shifts = &win[2 * a];
        agents[a].n_breaks = 1;
        agents[a].breaks = &win[2 * a + 1];
        for (int32_t i = 0; i < nint; i++) {
            double t0 = i * INTERVAL_S, t1 = t0 + INTERVAL_S;
            double on = fmax(0, fmin(t1, end) - fmax(t0, start)) - fmax(0, fmin(t1, brk + 1800) - fmax(t0, brk));
            staffed[i] += on / INTERVAL_S;
        }
    }

    /* Streams: every queue x channel; queue weights 0.5..1.5. */
    int32_t ns = c.queues * N_CHANNELS;
    oq_sim_stream *streams = calloc((size_t)ns, sizeof *streams);
    double *vol = calloc((size_t)ns * (size_t)nint, sizeof *vol);
    char (*qids)[16] = calloc((size_t)c.queues, sizeof *qids);
    if (!streams || !vol || !qids)
        return 1;
    double wsum = 0;
    for (int32_t q = 0; q < c.queues; q++)
        wsum += 0.5 + (q % 5) / 4.0;
    double expected = 0;
    for (int32_t q = 0; q < c.queues; q++) {
        snprintf(qids[q], sizeof qids[q], "q%d", (int)q);
        double w = (0.5 + (q % 5) / 4.0) / wsum;
        for (int k = 0; k < N_CHANNELS; k++) {
            oq_sim_stream *x = &streams[q * N_CHANNELS + k];
            double *v = &vol[(size_t)(q * N_CHANNELS + k) * (size_t)nint];
            for (int32_t i = 0; i < nint; i++) {
                /* Erlangs of this channel = share x staffed x sessions. */
                double erl = CH_SHARE[k] * staffed[i] * CH_SESSIONS[k] * w;
                v[i] = erl * INTERVAL_S / CH_AHT[k];
                expected += v[i];
            }
            x->queue = qids[q];
            x->channel = CH_ID[k];
            x->n_volumes = nint;
            x->volumes = v;
            x->handle = k == 1 ? (oq_sim_dist){OQ_DIST_LOGNORMAL, 0, CH_AHT[k], CH_AHT[k] * 0.8, NULL}
                               : (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, CH_AHT[k], 0, NULL};
            if (k == 0)
                x->patience = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, 180, 0, NULL};
            else if (k == 1)
                x->patience = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, 400, 0, NULL};
        }
    }

    oq_sim_options o;
    oq_sim_options_init(&o);
    o.replications = reps;
    o.seed = seed;
    o.duration_s = hours * 3600;
    o.drain_s = 4 * 3600;
    o.interval_s = INTERVAL_S;
    o.build = build;
    o.build_user = &c;
    o.n_streams = ns;
    o.streams = streams;
    o.n_agents = c.agents;
    o.agents = agents;
    oq_sim *sim = NULL;
    char msg[256];
    if (oq_sim_options_check(&o, msg, sizeof msg) != OQ_OK || oq_sim_create(&o, &sim) != OQ_OK) {
        fprintf(stderr, "options: %s\n", msg);
        return 1;
    }
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    oq_status st = oq_sim_run(sim);
    double wall = clock_s(CLOCK_MONOTONIC) - t0;
    /* Rates are per CPU second of this process (the machine may be shared). */
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (cpu <= 0)
        cpu = wall;
    if (st != OQ_OK) {
        fprintf(stderr, "run: %s\n", oq_sim_last_error(sim));
        return 1;
    }
    int64_t contacts = 0, sim_events = 0, engine_events = 0, abandoned = 0, stale = 0;
    for (int32_t r = 0; r < reps; r++) {
        oq_sim_run_info ri;
        oq_sim_run_info_get(sim, r, &ri);
        contacts += ri.contacts;
        sim_events += ri.sim_events;
        engine_events += ri.engine_events;
        abandoned += ri.abandoned;
        stale += ri.stale;
    }
    oq_sim_summary sum;
    oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &sum);

    printf("omniq %s simulator benchmark%s: %d agents, %d queues, %d streams, %.1f h x %d replication(s)\n\n",
           oq_version(), quick ? " (quick)" : "", (int)c.agents, (int)c.queues, (int)ns, hours, (int)reps);
    printf("%-28s %14s\n", "figure", "value");
    printf("%-28s %14.0f\n", "expected arrivals / rep", expected);
    printf("%-28s %14" PRId64 "\n", "contacts simulated", contacts);
    printf("%-28s %14" PRId64 "\n", "simulator events", sim_events);
    printf("%-28s %14" PRId64 "\n", "engine events", engine_events);
    printf("%-28s %14" PRId64 "\n", "stale actions", stale);
    printf("%-28s %14.3f\n", "wall time (s)", wall);
    printf("%-28s %14.3f\n", "CPU time (s)", cpu);
    printf("%-28s %14.0f\n", "simulator events / CPU s", sim_events / cpu);
    printf("%-28s %14.0f\n", "engine events / CPU s", engine_events / cpu);
    printf("%-28s %14.0f\n", "contacts / CPU s", contacts / cpu);
    printf("%-28s %14.0f\n", "simulated s per CPU s", hours * 3600 * reps / cpu);
    printf("%-28s %13.1f%%\n", "service level (20 s)", 100 * sum.service_level.mean);
    printf("%-28s %13.1f%%\n", "abandoned", 100 * sum.abandon_rate.mean);
    printf("%-28s %14.1f\n", "ASA (s)", sum.asa_s.mean);
    printf("%-28s %13.1f%%\n", "occupancy", 100 * sum.occupancy.mean);
    printf("\nservice level = answered within 20 s / (answered + abandoned)\n");
    printf("{\"bench\":\"sim\",\"quick\":%d,\"agents\":%d,\"queues\":%d,\"streams\":%d,\"hours\":%.2f,"
           "\"replications\":%d,\"contacts\":%" PRId64 ",\"sim_events\":%" PRId64 ",\"engine_events\":%" PRId64
           ",\"wall_s\":%.4f,\"cpu_s\":%.4f,\"sim_events_per_s\":%.0f,\"engine_events_per_s\":%.0f,\"contacts_per_s\":%.0f,"
           "\"service_level\":%.4f,\"abandon_rate\":%.4f,\"asa_s\":%.2f,\"occupancy\":%.4f}\n",
           quick, (int)c.agents, (int)c.queues, (int)ns, hours, (int)reps, contacts, sim_events,
           engine_events, wall, cpu, sim_events / cpu, engine_events / cpu, contacts / cpu,
           sum.service_level.mean, sum.abandon_rate.mean, sum.asa_s.mean, sum.occupancy.mean);
    (void)abandoned;
    oq_sim_destroy(sim);
    free(agents);
    free(win);
    free(ids);
    free(staffed);
    free(streams);
    free(vol);
    free(qids);
    return 0;
}
