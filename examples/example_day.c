/* SPDX-License-Identifier: MIT */
/* example_day: a small omni-channel contact center routed for one working
 * day, with this program playing the host (CRM / telephony / chat gateway).
 *
 * It shows the embedding contract end to end: the host owns the clock, tells
 * the engine what happened (arrivals, accepts, hang-ups, completions), calls
 * oq_engine_advance() at oq_engine_next_deadline(), and learns every decision
 * through the event callback. At the end it prints per-queue service levels
 * from the statistics module (omniq/stats.h), under two service-level
 * definitions.
 *
 * Usage: example_day [seed]      (deterministic for a given seed) */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/omniq.h"

#define DAY_MS (8LL * 3600 * 1000) /* 09:00 - 17:00 */
#define MAX_CONTACTS 20000
#define N_QUEUES 6

/* ---- the center ---------------------------------------------------------- */

typedef struct channel_def {
    const char *id;
    int exclusive, cost, max_per_agent;
    double handle_s;     /* mean handling time */
    double patience_s;   /* mean customer patience (0 = never abandons) */
} channel_def;

static const channel_def CHANNELS[] = {
    {"voice", 1, 100, 1, 240, 90},
    {"callback", 1, 100, 1, 300, 0},
    {"chat", 0, 30, 3, 420, 240},
    {"wechat", 0, 30, 3, 480, 600},
    {"email", 0, 10, 5, 600, 0},
    {"weibo", 0, 20, 2, 360, 0},
};
#define N_CHANNELS (int)(sizeof CHANNELS / sizeof CHANNELS[0])

typedef struct queue_def {
    const char *id;
    const char *skill;     /* required skill (level >= 3) */
    int priority;
    double threshold_s;
    double wrapup_s;
    const char *channels[4];
    double per_hour;       /* arrivals per hour, spread over its channels */
} queue_def;

static const queue_def QUEUES[N_QUEUES] = {
    {"sales", "sales", 0, 20, 15, {"voice", "chat", "wechat", NULL}, 150},
    {"billing", "billing", 0, 20, 20, {"voice", "email", NULL, NULL}, 110},
    {"complaints", "complaints", 5, 30, 30, {"voice", "weibo", "email", NULL}, 40},
    {"cantonese", "yue", 0, 20, 15, {"voice", "wechat", NULL, NULL}, 30},
    {"callbacks", "sales", -5, 3600, 10, {"callback", NULL, NULL, NULL}, 20},
    {"tier2", "tier2", 3, 60, 30, {"voice", "email", NULL, NULL}, 15},
};

/* ---- a tiny deterministic PRNG (the host's, not the engine's) ----------- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return ((rng_state * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static double exponential(double mean) { return -mean * log(1.0 - uniform()); }

/* ---- the host's own pending actions (a min-heap by time) ----------------- */

enum { ACT_ACCEPT, ACT_COMPLETE, ACT_ABANDON };

typedef struct action {
    int64_t t;
    int kind;
    int contact;
    char agent[16];
} action;

static action *heap;
static int heap_n, heap_cap;

static void push_action(action a)
{
    if (heap_n == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 1024;
        heap = realloc(heap, (size_t)heap_cap * sizeof *heap);
        if (!heap) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    int i = heap_n++;
    while (i > 0 && heap[(i - 1) / 2].t > a.t) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = a;
}

static action pop_action(void)
{
    action top = heap[0], last = heap[--heap_n];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= heap_n)
            break;
        if (c + 1 < heap_n && heap[c + 1].t < heap[c].t)
            c++;
        if (heap[c].t >= last.t)
            break;
        heap[i] = heap[c];
        i = c;
    }
    if (heap_n > 0)
        heap[i] = last;
    return top;
}

/* ---- per-contact and per-queue bookkeeping from events ------------------- */

typedef struct contact_rec {
    int queue, channel;
    int done;
} contact_rec;

static contact_rec contacts[MAX_CONTACTS];
static int64_t event_counts[16];

static int contact_index(const char *id) { return atoi(id + 1); } /* "c123" */

static void on_event(const oq_event *ev, void *user)
{
    (void)user;
    if (ev->type > 0 && ev->type < 16)
        event_counts[ev->type]++;
    if (!ev->contact)
        return;
    int c = contact_index(ev->contact);
    switch (ev->type) {
    case OQ_EV_OFFERED: {
        /* The agent's desktop rings; it answers 2-8 s later. */
        action a = {ev->time_ms + 2000 + (int64_t)(uniform() * 6000), ACT_ACCEPT, c, {0}};
        snprintf(a.agent, sizeof a.agent, "%s", ev->agent);
        push_action(a);
        break;
    }
    case OQ_EV_ASSIGNED: {
        double handle_s = exponential(CHANNELS[contacts[c].channel].handle_s);
        push_action((action){ev->time_ms + (int64_t)(handle_s * 1000), ACT_COMPLETE, c, {0}});
        break;
    }
    case OQ_EV_ABANDONED:
    case OQ_EV_COMPLETED:
    case OQ_EV_REMOVED:
        contacts[c].done = 1;
        break;
    default:
        break;
    }
}

/* ---- building the center --------------------------------------------------- */

static void must(oq_engine *e, oq_status st, const char *what)
{
    if (st != OQ_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, oq_status_str(st), oq_engine_last_error(e));
        exit(1);
    }
}

static void build_center(oq_engine *e)
{
    for (int i = 0; i < N_CHANNELS; i++) {
        oq_channel_spec c;
        oq_channel_spec_init(&c);
        c.id = CHANNELS[i].id;
        c.synchronous = CHANNELS[i].patience_s > 0;
        c.exclusive = CHANNELS[i].exclusive;
        c.capacity_cost = CHANNELS[i].cost;
        c.max_per_agent = CHANNELS[i].max_per_agent;
        must(e, oq_channel_add(e, &c), "channel");
    }
    const char *skills[] = {"sales", "billing", "complaints", "yue", "tier2", "mandarin"};
    for (int i = 0; i < 6; i++)
        must(e, oq_skill_add(e, skills[i], 10), "skill");
    for (int i = 0; i < N_QUEUES; i++) {
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = QUEUES[i].id;
        q.priority = QUEUES[i].priority;
        q.sla_threshold_s = QUEUES[i].threshold_s;
        q.wrapup_s = QUEUES[i].wrapup_s;
        q.offer_timeout_s = 20;
        q.strategy = i == 5 ? OQ_STRATEGY_BEST_SKILL : OQ_STRATEGY_LONGEST_IDLE;
        q.ordering = i == 2 ? OQ_ORDER_PRIORITY : OQ_ORDER_FIFO;
        must(e, oq_queue_add(e, &q), "queue");
        for (int k = 0; k < 4 && QUEUES[i].channels[k]; k++)
            must(e, oq_queue_add_channel(e, 0, q.id, QUEUES[i].channels[k]), "queue channel");
        must(e, oq_queue_require_skill(e, 0, q.id, QUEUES[i].skill, 3), "queue skill");
        must(e, oq_queue_prefer_skill(e, 0, q.id, "mandarin", 5), "queue preference");
    }
    /* 28 agents: generalists, specialists, a Cantonese team and tier 2. */
    for (int i = 0; i < 28; i++) {
        char id[16];
        snprintf(id, sizeof id, "agent%02d", i);
        must(e, oq_agent_add(e, id, 100), "agent");
        must(e, oq_agent_set_skill(e, 0, id, "mandarin", 4 + i % 6), "agent skill");
        must(e, oq_agent_set_skill(e, 0, id, "sales", i < 16 ? 3 + i % 7 : 0), "agent skill");
        must(e, oq_agent_set_skill(e, 0, id, "billing", i >= 8 && i < 22 ? 3 + i % 5 : 0), "agent skill");
        must(e, oq_agent_set_skill(e, 0, id, "complaints", i % 4 == 0 ? 6 : 0), "agent skill");
        must(e, oq_agent_set_skill(e, 0, id, "yue", i >= 20 ? 8 : 0), "agent skill");
        must(e, oq_agent_set_skill(e, 0, id, "tier2", i >= 24 ? 9 : 0), "agent skill");
        must(e, oq_agent_login(e, 0, id, 1), "login");
    }
}

/* ---- the day ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc > 1)
        rng_state = strtoull(argv[1], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.on_event = on_event;
    oq_engine *e = NULL;
    if (oq_engine_create(&opts, &e) != OQ_OK)
        return 1;
    build_center(e);

    double total_rate = 0; /* arrivals per ms, all queues */
    for (int i = 0; i < N_QUEUES; i++)
        total_rate += QUEUES[i].per_hour / 3600000.0;
    int n = 0;
    int64_t next_arrival = (int64_t)exponential(1.0 / total_rate);
    for (;;) {
        int64_t deadline = INT64_MAX;
        oq_engine_next_deadline(e, &deadline);
        int64_t next_host = heap_n ? heap[0].t : INT64_MAX;
        int64_t arrival = next_arrival < DAY_MS && n < MAX_CONTACTS ? next_arrival : INT64_MAX;
        int64_t t = arrival < next_host ? arrival : next_host;
        if (deadline < t)
            t = deadline;
        if (t == INT64_MAX)
            break;
        if (t == deadline && deadline < arrival && deadline < next_host) {
            must(e, oq_engine_advance(e, t), "advance");
        } else if (t == arrival) {
            /* Pick a queue by its share of the traffic, then one of its channels. */
            double x = uniform() * total_rate * 3600000.0;
            int q = 0;
            while (q < N_QUEUES - 1 && x >= QUEUES[q].per_hour)
                x -= QUEUES[q++].per_hour;
            int k = 0;
            while (k < 3 && QUEUES[q].channels[k + 1])
                k++;
            const char *ch = QUEUES[q].channels[(int)(uniform() * (k + 1))];
            int ch_idx = 0;
            while (strcmp(CHANNELS[ch_idx].id, ch) != 0)
                ch_idx++;
            char id[16];
            snprintf(id, sizeof id, "c%d", n);
            contacts[n] = (contact_rec){q, ch_idx, 0};
            oq_contact_spec s;
            oq_contact_spec_init(&s);
            s.id = id;
            s.channel = ch;
            s.queue = QUEUES[q].id;
            s.priority = uniform() < 0.05 ? 10 : 0; /* VIPs */
            must(e, oq_contact_arrive(e, t, &s), "arrive");
            if (CHANNELS[ch_idx].patience_s > 0 && !contacts[n].done) {
                int64_t gone = t + (int64_t)(exponential(CHANNELS[ch_idx].patience_s) * 1000);
                push_action((action){gone, ACT_ABANDON, n, {0}});
            }
            n++;
            next_arrival = t + (int64_t)exponential(1.0 / total_rate) + 1;
        } else {
            action a = pop_action();
            char id[16];
            snprintf(id, sizeof id, "c%d", a.contact);
            oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
            if (contacts[a.contact].done || oq_contact_get(e, id, &ci) != OQ_OK)
                continue;
            if (a.kind == ACT_ACCEPT && ci.state == OQ_CONTACT_OFFERED && ci.agent &&
                strcmp(ci.agent, a.agent) == 0)
                must(e, oq_offer_accept(e, a.t, id, a.agent), "accept");
            else if (a.kind == ACT_COMPLETE && ci.state == OQ_CONTACT_ACTIVE)
                must(e, oq_contact_complete(e, a.t, id), "complete");
            else if (a.kind == ACT_ABANDON &&
                     (ci.state == OQ_CONTACT_QUEUED || ci.state == OQ_CONTACT_OFFERED))
                must(e, oq_contact_abandon(e, a.t, id), "abandon");
            else if (a.kind == ACT_ACCEPT || a.kind == ACT_COMPLETE || a.kind == ACT_ABANDON)
                oq_engine_advance(e, a.t); /* stale action: just let time pass */
        }
    }
    must(e, oq_engine_check(e), "self-check");

    printf("omniq %s: one day (09:00-17:00) of a 28-agent omni-channel center, %d contacts\n\n",
           oq_version(), n);
    printf("%-11s %8s %8s %9s %8s %8s %8s %7s %7s\n", "queue", "offered", "answered", "abandoned",
           "SL", "SL2", "ASA(s)", "AHT(s)", "aband%");
    for (int q = 0; q < N_QUEUES; q++) {
        oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
        must(e, oq_stats_queue(e, QUEUES[q].id, OQ_PERIOD_DAY, &st), "stats");
        printf("%-11s %8" PRId64 " %8" PRId64 " %9" PRId64 " %7.1f%% %7.1f%% %8.1f %7.0f %6.1f%%\n",
               QUEUES[q].id, st.offered, st.answered, st.abandoned, 100 * st.sl_answered_abandoned,
               100 * st.sl_asterisk_sl2, st.asa_s, st.aht_s, 100 * st.abandon_rate);
    }
    oq_queue_stats day = OQ_OUTPUT_INIT(oq_queue_stats);
    must(e, oq_stats_center(e, OQ_PERIOD_DAY, &day), "stats");
    printf("%-11s %8" PRId64 " %8" PRId64 " %9" PRId64 " %7.1f%% %7.1f%% %8.1f %7.0f %6.1f%%\n", "center",
           day.offered, day.answered, day.abandoned, 100 * day.sl_answered_abandoned,
           100 * day.sl_asterisk_sl2, day.asa_s, day.aht_s, 100 * day.abandon_rate);
    printf("\nSL = %s; SL2 = %s (T = each queue's threshold).\n",
           oq_sl_definition_name(OQ_SL_ANSWERED_ABANDONED), oq_sl_definition_name(OQ_SL_ASTERISK_SL2));
    printf("events: offered %" PRId64 ", assigned %" PRId64 ", offer time-outs %" PRId64
           ", completed %" PRId64 ", abandoned %" PRId64 "\n",
           event_counts[OQ_EV_OFFERED], event_counts[OQ_EV_ASSIGNED],
           event_counts[OQ_EV_OFFER_TIMEOUT], event_counts[OQ_EV_COMPLETED],
           event_counts[OQ_EV_ABANDONED]);
    oq_engine_destroy(e);
    free(heap);
    return 0;
}
