/* SPDX-License-Identifier: MIT */
/* Simulator benchmark: three cases, each run several times (median and
 * spread of CPU and wall time are printed, with the date and machine).
 *
 * day     A large omni-channel center simulated for a day: 1,200 agents on
 *         staggered 8.5-hour shifts (06:00 - 24:00) with a 30-minute break
 *         each, 60 queues each requiring one of 60 skills (an agent has 4),
 *         3 channels (voice exclusive; chat 3 at a time; email 5 at a time),
 *         180 streams (every queue x channel) whose 15-minute volumes follow
 *         the staffed-agent curve at about 85% target utilisation. Voice and
 *         chat customers abandon (exponential patience); email never does.
 *         Agents answer after 2-8 s (gamma) and reject 2% of offers; queues
 *         have wrap-up. Figure: simulator events per CPU second (target
 *         3,000,000, issue #22).
 * mm10    M/M/10 at 80 % (8 Erlangs, AHT 180 s, offers accepted at once, no
 *         wrap-up, no abandonment): 5 replications of about 100,000
 *         customers. Figure: customers per CPU second, beside the Python
 *         simulator Ciw on the same model (issue #22) and the target 100x.
 * mm1000  M/M/1000 at 80 % (800 Erlangs), the same way; target 1,000x Ciw.
 *
 *   bench_sim [--quick] [--runs N] [--case day|mm10|mm1000]
 *             [--agents N] [--queues N] [--hours H] [--reps N] [--seed S]
 *             [--engine-stats last|all|none] [--digest]
 *
 * --quick: small cases (day: 200 agents, 50 queues, 4 hours; M/M/c: 5 x
 * 2,000 customers), 3 runs (a CI smoke run). --agents .. --seed change the
 * day case. --engine-stats: oq_sim_options.engine_stats (default last, the
 * library's default; `omniq simulate` and `omniq plan` run with none).
 * --digest: also print, per case, a 64-bit FNV-1a digest of every engine
 * event of the first run (type, states, time, ids, wait) and of every
 * replication's figures per scope, bit for bit: two builds that simulate
 * the same print the same digest (a check for performance work; the
 * digest's own hook costs time, so do not time with it).
 * Prints a table and one JSON object per case. Not a test: no
 * assertions on time. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
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

/* ---- the day case's options ------------------------------------------------ */

typedef struct day_case {
    center c;
    double hours;
    int32_t reps;
    uint64_t seed;
    oq_sim_agent *agents;
    oq_sim_window *win;
    char (*ids)[16];
    oq_sim_stream *streams;
    double *vol;
    char (*qids)[16];
    double expected; /* arrivals per replication */
} day_case;

static void day_free(day_case *d)
{
    free(d->agents);
    free(d->win);
    free(d->ids);
    free(d->streams);
    free(d->vol);
    free(d->qids);
}

static int day_options(day_case *d, oq_sim_options *o)
{
    const center *c = &d->c;
    double hours = d->hours;
    int32_t nint = (int32_t)ceil(hours * 3600 / INTERVAL_S);

    /* Shifts: 8.5 h starting between 06:00 and 15:30 (spread evenly), a
     * 30-minute break in the middle. A run shorter than a day starts at 06:00. */
    double day0 = hours < 24 ? 6 * 3600.0 : 0.0;
    d->agents = calloc((size_t)c->agents, sizeof *d->agents);
    d->win = calloc((size_t)c->agents * 2, sizeof *d->win);
    d->ids = calloc((size_t)c->agents, sizeof *d->ids);
    double *staffed = calloc((size_t)nint, sizeof *staffed);
    if (!d->agents || !d->win || !d->ids || !staffed)
        return 0;
    for (int32_t a = 0; a < c->agents; a++) {
        double start = 6 * 3600.0 + 9.5 * 3600.0 * ((double)a / c->agents) - day0;
        if (start < 0)
            start = 0;
        double end = start + 8.5 * 3600.0;
        double brk = start + 4 * 3600.0 + (a % 4) * 600.0;
        d->win[2 * a] = (oq_sim_window){start, end, NULL};
        d->win[2 * a + 1] = (oq_sim_window){brk, brk + 1800.0, "break"};
        snprintf(d->ids[a], sizeof d->ids[a], "a%d", (int)a);
        oq_sim_agent *ag = &d->agents[a];
        ag->id = d->ids[a];
        ag->accept_prob = 0.98;
        ag->response = (oq_sim_dist){OQ_DIST_GAMMA, 0, 5, 4, NULL};
        ag->n_shifts = 1;
        ag->shifts = &d->win[2 * a];
        ag->n_breaks = 1;
        ag->breaks = &d->win[2 * a + 1];
        for (int32_t i = 0; i < nint; i++) {
            double t0 = i * INTERVAL_S, t1 = t0 + INTERVAL_S;
            double on = fmax(0, fmin(t1, end) - fmax(t0, start)) - fmax(0, fmin(t1, brk + 1800) - fmax(t0, brk));
            staffed[i] += on / INTERVAL_S;
        }
    }

    /* Streams: every queue x channel; queue weights 0.5..1.5. */
    int32_t ns = c->queues * N_CHANNELS;
    d->streams = calloc((size_t)ns, sizeof *d->streams);
    d->vol = calloc((size_t)ns * (size_t)nint, sizeof *d->vol);
    d->qids = calloc((size_t)c->queues, sizeof *d->qids);
    if (!d->streams || !d->vol || !d->qids) {
        free(staffed);
        return 0;
    }
    double wsum = 0;
    for (int32_t q = 0; q < c->queues; q++)
        wsum += 0.5 + (q % 5) / 4.0;
    d->expected = 0;
    for (int32_t q = 0; q < c->queues; q++) {
        snprintf(d->qids[q], sizeof d->qids[q], "q%d", (int)q);
        double w = (0.5 + (q % 5) / 4.0) / wsum;
        for (int k = 0; k < N_CHANNELS; k++) {
            oq_sim_stream *x = &d->streams[q * N_CHANNELS + k];
            double *v = &d->vol[(size_t)(q * N_CHANNELS + k) * (size_t)nint];
            for (int32_t i = 0; i < nint; i++) {
                /* Erlangs of this channel = share x staffed x sessions. */
                double erl = CH_SHARE[k] * staffed[i] * CH_SESSIONS[k] * w;
                v[i] = erl * INTERVAL_S / CH_AHT[k];
                d->expected += v[i];
            }
            x->queue = d->qids[q];
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
    free(staffed);

    oq_sim_options_init(o);
    o->replications = d->reps;
    o->seed = d->seed;
    o->duration_s = hours * 3600;
    o->drain_s = 4 * 3600;
    o->interval_s = INTERVAL_S;
    o->build = build;
    o->build_user = &d->c;
    o->n_streams = ns;
    o->streams = d->streams;
    o->n_agents = c->agents;
    o->agents = d->agents;
    return 1;
}

/* ---- the M/M/c cases ---------------------------------------------------------- */

/* One queue, one exclusive channel, c identical agents logged in from the
 * start; offers are accepted at once (offer time-out 0, response 0), no
 * wrap-up: the engine is an M/M/c server (as in tests/unit/test_sim_theory.c). */
static oq_status build_mmc(oq_engine *e, uint64_t seed, void *user)
{
    (void)seed;
    int32_t servers = *(const int32_t *)user;
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    ch.exclusive = 1;
    TRY(oq_channel_add(e, &ch));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = 0;
    q.sla_threshold_s = 20;
    TRY(oq_queue_add(e, &q));
    TRY(oq_queue_add_channel(e, 0, "q", "voice"));
    for (int32_t i = 0; i < servers; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", (int)i);
        TRY(oq_agent_add(e, id, 100));
        TRY(oq_agent_login(e, 0, id, 1));
    }
    return OQ_OK;
}

#define MMC_AHT_S 180.0
#define MMC_LOAD 0.8
#define MMC_REPS 5

static void mmc_options(int32_t *servers, oq_sim_stream *x, double customers, oq_sim_options *o)
{
    double rate_per_hour = MMC_LOAD * *servers / MMC_AHT_S * 3600.0;
    memset(x, 0, sizeof *x);
    x->queue = "q";
    x->channel = "voice";
    x->rate_per_hour = rate_per_hour;
    x->handle = (oq_sim_dist){OQ_DIST_EXPONENTIAL, 0, MMC_AHT_S, 0, NULL};
    oq_sim_options_init(o);
    o->replications = MMC_REPS;
    o->seed = 1;
    o->duration_s = customers / rate_per_hour * 3600.0;
    o->drain_s = 0; /* customers still in at the end are not waited for */
    o->interval_s = 3600;
    o->build = build_mmc;
    o->build_user = servers;
    o->n_streams = 1;
    o->streams = x;
}

/* ---- running and reporting ------------------------------------------------------ */

/* --digest: FNV-1a over the bytes of the run (the event hook and the
 * results). */
static int want_digest = 0;

static void fnv(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 1099511628211ull;
}

static void fnv_str(uint64_t *h, const char *str)
{
    if (str)
        fnv(h, str, strlen(str) + 1);
    else
        fnv(h, "", 1);
}

static void digest_event(const oq_event *ev, void *user)
{
    uint64_t *h = user;
    fnv(h, &ev->type, sizeof ev->type);
    fnv(h, &ev->agent_state, sizeof ev->agent_state);
    fnv(h, &ev->prev_agent_state, sizeof ev->prev_agent_state);
    fnv(h, &ev->time_ms, sizeof ev->time_ms);
    fnv(h, &ev->priority, sizeof ev->priority);
    fnv(h, &ev->wait_ms, sizeof ev->wait_ms);
    fnv_str(h, ev->contact);
    fnv_str(h, ev->agent);
    fnv_str(h, ev->queue);
    fnv_str(h, ev->from_queue);
    fnv_str(h, ev->channel);
    fnv_str(h, ev->detail);
}

/* The results' part of the digest: every replication's figures of every
 * scope, then its run information. */
static void digest_results(oq_sim *sim, int32_t reps, uint64_t *h)
{
    static const int32_t scopes[3] = {OQ_SIM_TOTAL, OQ_SIM_QUEUE, OQ_SIM_CHANNEL};
    for (int32_t r = 0; r < reps; r++) {
        for (int k = 0; k < 3; k++) {
            int32_t n = 0;
            oq_sim_scope_count(sim, scopes[k], &n);
            for (int32_t i = 0; i < n; i++) {
                oq_sim_stats x = OQ_OUTPUT_INIT(oq_sim_stats);
                oq_sim_replication_stats(sim, r, scopes[k], i, &x, NULL);
                fnv(h, &x.offered, sizeof x - offsetof(oq_sim_stats, offered));
            }
        }
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        oq_sim_run_info_get(sim, r, &ri, NULL);
        fnv(h, &ri.contacts, sizeof ri.contacts);
        fnv(h, &ri.sim_events, sizeof ri.sim_events);
        fnv(h, &ri.engine_events, sizeof ri.engine_events);
        fnv(h, &ri.end_ms, sizeof ri.end_ms);
    }
}

typedef struct outcome {
    int64_t contacts, sim_events, engine_events;
    oq_sim_summary sum;
    double cpu, wall;
    uint64_t digest; /* --digest: of this run */
} outcome;

/* Create, run and destroy one simulator; CPU and wall time of the run
 * (building each replication's engine included). */
static int run_once(const oq_sim_options *caller, outcome *out)
{
    oq_sim *sim = NULL;
    oq_error msg = OQ_ERROR_INIT;
    oq_sim_options o_copy = *caller;
    const oq_sim_options *o = &o_copy;
    out->digest = 14695981039346656037ull;
    if (want_digest) {
        o_copy.on_event = digest_event;
        o_copy.event_user = &out->digest;
    }
    if (oq_sim_create(o, &sim, &msg) != OQ_OK) {
        fprintf(stderr, "options: %s\n", msg.message);
        return 0;
    }
    double w0 = bench_wall(), c0 = bench_cpu();
    oq_status st = oq_sim_run(sim);
    out->wall = bench_wall() - w0;
    out->cpu = bench_cpu() - c0;
    if (st != OQ_OK) {
        fprintf(stderr, "run: %s\n", oq_sim_last_error(sim));
        oq_sim_destroy(sim);
        return 0;
    }
    out->contacts = out->sim_events = out->engine_events = 0;
    for (int32_t r = 0; r < o->replications; r++) {
        oq_sim_run_info ri = OQ_OUTPUT_INIT(oq_sim_run_info);
        oq_sim_run_info_get(sim, r, &ri, NULL);
        out->contacts += ri.contacts;
        out->sim_events += ri.sim_events;
        out->engine_events += ri.engine_events;
    }
    out->sum.struct_size = sizeof out->sum;
    oq_sim_summarize(sim, OQ_SIM_TOTAL, 0, &out->sum, NULL);
    if (want_digest)
        digest_results(sim, o->replications, &out->digest);
    oq_sim_destroy(sim);
    return 1;
}

typedef struct report {
    const char *name;       /* JSON "case" */
    const char *title;
    const char *rate_what;  /* "simulator events" or "customers" */
    double target;          /* per CPU second */
    const char *target_why;
    double reference;       /* Ciw's customers per CPU second, 0 = none */
} report;

static int run_case(const report *rp, const oq_sim_options *o, int runs, int quick, const bench_env *env)
{
    double *cpu = calloc((size_t)runs, sizeof *cpu), *wall = calloc((size_t)runs, sizeof *wall);
    double *rate = calloc((size_t)runs, sizeof *rate), *rate_wall = calloc((size_t)runs, sizeof *rate_wall);
    if (!cpu || !wall || !rate || !rate_wall)
        return 0;
    outcome out = {0};
    uint64_t digest = 0;
    int by_events = strcmp(rp->rate_what, "simulator events") == 0;
    for (int r = 0; r < runs; r++) {
        if (!run_once(o, &out))
            return 0;
        if (r == 0)
            digest = out.digest;
        double n = by_events ? (double)out.sim_events : (double)out.contacts;
        cpu[r] = out.cpu;
        wall[r] = out.wall;
        rate[r] = n / (out.cpu > 0 ? out.cpu : out.wall);
        rate_wall[r] = n / out.wall;
    }
    bench_spread sc = bench_spread_of(cpu, runs), sw = bench_spread_of(wall, runs);
    bench_spread sr = bench_spread_of(rate, runs), srw = bench_spread_of(rate_wall, runs);
    printf("\n%s\n", rp->title);
    printf("  %-34s %" PRId64 " contacts, %" PRId64 " simulator events, %" PRId64 " engine events (every run)\n",
           "work", out.contacts, out.sim_events, out.engine_events);
    printf("  %-34s %.3f [%.3f .. %.3f]\n", "CPU s", sc.med, sc.min, sc.max);
    printf("  %-34s %.3f [%.3f .. %.3f]\n", "wall s", sw.med, sw.min, sw.max);
    char what[64];
    snprintf(what, sizeof what, "%s / CPU s", rp->rate_what);
    printf("  %-34s %.0f [%.0f .. %.0f]\n", what, sr.med, sr.min, sr.max);
    snprintf(what, sizeof what, "%s / wall s", rp->rate_what);
    printf("  %-34s %.0f [%.0f .. %.0f]\n", what, srw.med, srw.min, srw.max);
    if (rp->reference > 0)
        printf("  %-34s %.0f customers / CPU s (issue #22, same model on this kind of machine; Ciw "
               "is not installed here)\n  %-34s %.1fx [%.1fx .. %.1fx]\n",
               "Ciw (Python) reference", rp->reference, "against Ciw", sr.med / rp->reference,
               sr.min / rp->reference, sr.max / rp->reference);
    printf("  %-34s %.0f / CPU s (%s): %s", "target", rp->target, rp->target_why,
           quick ? "not judged on --quick\n" : sr.med >= rp->target ? "met\n" : "NOT MET");
    if (!quick && sr.med < rp->target)
        printf(" (%.2fx short)\n", rp->target / sr.med);
    printf("  %-34s SL %.1f%%  abandoned %.1f%%  ASA %.1f s  occupancy %.1f%%\n", "results (mean)",
           100 * out.sum.service_level.mean, 100 * out.sum.abandon_rate.mean, out.sum.asa_s.mean,
           100 * out.sum.occupancy.mean);
    if (want_digest)
        printf("  %-34s %016" PRIx64 "\n", "digest (events and results)", digest);
    printf("{\"bench\":\"sim\",\"case\":\"%s\",\"quick\":%d,\"runs\":%d,\"replications\":%d,\"contacts\":%" PRId64
           ",\"sim_events\":%" PRId64 ",\"engine_events\":%" PRId64,
           rp->name, quick, runs, (int)o->replications, out.contacts, out.sim_events, out.engine_events);
    bench_spread_json("cpu_s", sc);
    bench_spread_json("wall_s", sw);
    printf(",\"rate_what\":\"%s\"", rp->rate_what);
    bench_spread_json("per_cpu_s", sr);
    bench_spread_json("per_wall_s", srw);
    printf(",\"target_per_cpu_s\":%.0f,\"reference_per_cpu_s\":%.0f,\"service_level\":%.4f,"
           "\"abandon_rate\":%.4f,\"asa_s\":%.2f,\"occupancy\":%.4f",
           rp->target, rp->reference, out.sum.service_level.mean, out.sum.abandon_rate.mean,
           out.sum.asa_s.mean, out.sum.occupancy.mean);
    bench_env_json(env);
    printf("}\n");
    fflush(stdout);
    free(cpu);
    free(wall);
    free(rate);
    free(rate_wall);
    return 1;
}

/* Ciw's figures on the same two models (issue #22) and the targets. */
#define CIW_MM10 55000.0
#define CIW_MM1000 9000.0

/* --engine-stats: which replications' engines keep statistics (the
 * library's default, the last one's, unless told). */
static int engine_stats = OQ_SIM_ENGINE_STATS_LAST;

int main(int argc, char **argv)
{
    day_case d = {{1200, 60}, 24, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    int quick = 0, runs = -1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
            d.c.agents = 200;
            d.c.queues = 50;
            d.hours = 4;
        } else if (bench_runs_arg(argc, argv, &i, &runs)) {
        } else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--agents") == 0 && i + 1 < argc) {
            d.c.agents = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--queues") == 0 && i + 1 < argc) {
            d.c.queues = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc) {
            d.hours = atof(argv[++i]);
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            d.reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            d.seed = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--digest") == 0) {
            want_digest = 1;
        } else if (strcmp(argv[i], "--engine-stats") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            engine_stats = strcmp(v, "all") == 0    ? OQ_SIM_ENGINE_STATS_ALL
                           : strcmp(v, "none") == 0 ? OQ_SIM_ENGINE_STATS_NONE
                           : strcmp(v, "last") == 0 ? OQ_SIM_ENGINE_STATS_LAST
                                                    : -1;
        } else {
            fprintf(stderr,
                    "usage: %s [--quick] [--runs N] [--case day|mm10|mm1000] [--agents N] [--queues N] "
                    "[--hours H] [--reps N] [--seed S] [--engine-stats last|all|none] [--digest]\n",
                    argv[0]);
            return 2;
        }
    }
    if (engine_stats < 0 || d.c.agents < 1 || d.c.queues < 1 || d.c.queues < SKILLS_PER_AGENT || d.hours <= 0 || d.reps < 1 ||
        (only && strcmp(only, "day") && strcmp(only, "mm10") && strcmp(only, "mm1000"))) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    if (runs < 0)
        runs = quick ? 3 : 5;
    bench_env env;
    bench_env_get(&env);
    printf("omniq %s simulator benchmark\n", oq_version());
    bench_env_print("bench_sim", &env, runs, quick);

    int ok = 1;
    if (!only || strcmp(only, "day") == 0) {
        oq_sim_options o;
        if (!day_options(&d, &o)) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }
        o.engine_stats = engine_stats;
        char title[160];
        snprintf(title, sizeof title,
                 "day: %d agents, %d queues, %d streams, %.1f h x %d replication(s), %.0f arrivals expected "
                 "per replication",
                 (int)d.c.agents, (int)d.c.queues, (int)(d.c.queues * N_CHANNELS), d.hours, (int)d.reps,
                 d.expected);
        report rp = {"day", title, "simulator events", 3000000, "issue #22", 0};
        ok &= run_case(&rp, &o, runs, quick, &env);
        day_free(&d);
    }
    double customers = quick ? 2000 : 100000;
    int32_t servers[2] = {10, 1000};
    const char *names[2] = {"mm10", "mm1000"};
    double ref[2] = {CIW_MM10, CIW_MM1000}, factor[2] = {100, 1000};
    for (int k = 0; k < 2; k++) {
        if (only && strcmp(only, names[k]) != 0)
            continue;
        oq_sim_stream x;
        oq_sim_options o;
        mmc_options(&servers[k], &x, customers, &o);
        o.engine_stats = engine_stats;
        char title[160], why[64];
        snprintf(title, sizeof title,
                 "M/M/%d at %.0f %% (AHT %.0f s, no abandonment): %d replications x %.0f customers expected",
                 (int)servers[k], 100 * MMC_LOAD, MMC_AHT_S, MMC_REPS, customers);
        snprintf(why, sizeof why, "%.0fx Ciw", factor[k]);
        report rp = {names[k], title, "customers", factor[k] * ref[k], why, ref[k]};
        ok &= run_case(&rp, &o, runs, quick, &env);
    }
    return ok ? 0 : 1;
}
