/* SPDX-License-Identifier: MIT */
/* The bare probe of bench_routing: the same decisions as the engine's steady
 * state, made with nothing but heaps and bitsets, so the benchmark can print
 * how far the full engine is from the bare cost of the decision (issue #22:
 * within 4x).
 *
 * Same center: the agents' skill levels and the queues' required skills,
 * levels and channels are the ones the benchmark gave the engine; the same
 * channel capacities (cost out of 100, at most n per agent, voice
 * exclusive). An agent qualifies for a queue when it has every required
 * skill at the minimum level (a list per agent of the queues it qualifies
 * for, and a bitset per queue of the qualified agents with room). Each
 * queue keeps its waiting contacts in a binary heap of 16-byte items (key,
 * id). One step does what bench_routing's step does: a random contact in
 * service completes, its agent takes the best heads of its queues while it
 * has room (an agent->contact decision per offer), and a contact arrives in
 * a random queue and takes a qualified agent with room if there is one
 * (a contact->agent decision), else waits.
 *
 * What it leaves out is what the engine is for beyond the decision: ids,
 * events, statistics, timers, the journal, escalation, exclusions, profiles,
 * states. Header-only, included by bench_routing.c after its queue_def. */
#ifndef OMNIQ_ROUTING_PROBE_H
#define OMNIQ_ROUTING_PROBE_H

#include <stdint.h>
#include <stdlib.h>

typedef struct probe_item {
    int64_t key; /* arrival time, earlier first; priority ordering subtracts a bonus */
    int64_t id;  /* ties and identity */
} probe_item;

typedef struct probe_heap {
    probe_item *v;
    int32_t n, cap;
} probe_heap;

static int probe_less(const probe_item *a, const probe_item *b)
{
    return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void probe_push(probe_heap *h, probe_item it)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = realloc(h->v, (size_t)h->cap * sizeof *h->v);
        if (!h->v)
            exit(1);
    }
    int32_t i = h->n++;
    while (i > 0 && probe_less(&it, &h->v[(i - 1) / 2])) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = it;
}

static probe_item probe_pop(probe_heap *h)
{
    probe_item top = h->v[0], last = h->v[--h->n];
    int32_t i = 0;
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && probe_less(&h->v[c + 1], &h->v[c]))
            c++;
        if (!probe_less(&h->v[c], &last))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

typedef struct probe_agent {
    int32_t used, ch_count[4];
} probe_agent;

typedef struct probe {
    const queue_def *qd;
    const int32_t *cost, *maxn;
    int32_t n_agents, awords;
    probe_agent *agents;
    int16_t (*quals)[N_QUEUES + 1]; /* per agent: its queues, as a list (-1 ends, also after all of them) */
    uint64_t *room;             /* [queue][awords]: qualified agents with room for its channel */
    probe_heap *waiting;        /* [queue] */
    int64_t *active_agent;      /* contacts in service: their agent and channel */
    int32_t *active_ch;
    int64_t n_active, cap_active, next_id;
    uint64_t rng;
} probe;

static uint64_t probe_rand(probe *p)
{
    p->rng ^= p->rng << 13;
    p->rng ^= p->rng >> 7;
    p->rng ^= p->rng << 17;
    return p->rng;
}

static int probe_fits(const probe *p, const probe_agent *a, int32_t ch)
{
    if (ch == 0)
        return a->used == 0;
    return a->ch_count[0] == 0 && a->used + p->cost[ch] <= 100 && a->ch_count[ch] < p->maxn[ch];
}

/* The agent's room changed: its bit in each of its queues' room sets. */
static void probe_room(probe *p, int32_t ai)
{
    probe_agent *a = &p->agents[ai];
    for (const int16_t *q = p->quals[ai]; *q >= 0; q++) {
        uint64_t *w = &p->room[(size_t)*q * (size_t)p->awords + (size_t)(ai >> 6)];
        uint64_t bit = 1ull << (ai & 63);
        *w = probe_fits(p, a, p->qd[*q].channel) ? *w | bit : *w & ~bit;
    }
}

static void probe_take(probe *p, int32_t ai, int32_t ch)
{
    probe_agent *a = &p->agents[ai];
    a->used += p->cost[ch];
    a->ch_count[ch]++;
    p->active_agent[p->n_active] = ai;
    p->active_ch[p->n_active++] = ch;
}

/* A freed agent: the best head among its queues whose channel fits, while
 * one does. Returns the offers made. */
static int32_t probe_agent_free(probe *p, int32_t ai)
{
    probe_agent *a = &p->agents[ai];
    int32_t offers = 0;
    for (;;) {
        int32_t best = -1;
        for (const int16_t *q = p->quals[ai]; *q >= 0; q++) {
            const probe_heap *h = &p->waiting[*q];
            if (h->n > 0 && probe_fits(p, a, p->qd[*q].channel) &&
                (best < 0 || probe_less(&h->v[0], &p->waiting[best].v[0])))
                best = *q;
        }
        if (best < 0)
            break;
        probe_pop(&p->waiting[best]);
        probe_take(p, ai, p->qd[best].channel);
        offers++;
    }
    probe_room(p, ai);
    return offers;
}

/* An arrival: the first qualified agent with room, else it waits. */
static void probe_arrive(probe *p, int32_t q, int64_t t, int32_t priority)
{
    const uint64_t *room = &p->room[(size_t)q * (size_t)p->awords];
    for (int32_t w = 0; w < p->awords; w++)
        if (room[w]) {
            int32_t ai = w * 64 + __builtin_ctzll(room[w]);
            probe_take(p, ai, p->qd[q].channel);
            probe_room(p, ai);
            return;
        }
    probe_item it = {t - (q % 4 == 0 ? (int64_t)priority * 1000 : 0), p->next_id++};
    probe_push(&p->waiting[q], it);
}

typedef struct probe_result {
    double decisions_per_cpu_s;
} probe_result;

/* level[a * N_SKILLS + s]: agent a's level in skill s (0: none). */
static probe_result probe_run(const queue_def *qd, const uint8_t *level, int32_t n_agents,
                              int32_t n_waiting, int64_t steps, const int32_t *cost, const int32_t *maxn)
{
    probe p = {0};
    p.qd = qd;
    p.cost = cost;
    p.maxn = maxn;
    p.n_agents = n_agents;
    p.awords = (n_agents + 63) / 64;
    p.rng = 0x9e3779b97f4a7c15ull;
    p.agents = calloc((size_t)n_agents, sizeof *p.agents);
    p.quals = malloc((size_t)n_agents * sizeof *p.quals);
    p.room = calloc((size_t)N_QUEUES * (size_t)p.awords, sizeof *p.room);
    p.waiting = calloc(N_QUEUES, sizeof *p.waiting);
    p.cap_active = (int64_t)n_agents * 6 + 16;
    p.active_agent = malloc((size_t)p.cap_active * sizeof *p.active_agent);
    p.active_ch = malloc((size_t)p.cap_active * sizeof *p.active_ch);
    if (!p.agents || !p.quals || !p.room || !p.waiting || !p.active_agent || !p.active_ch)
        exit(1);
    for (int32_t a = 0; a < n_agents; a++) {
        int32_t n = 0;
        for (int32_t q = 0; q < N_QUEUES; q++) {
            int ok = 1;
            for (int32_t k = 0; k < qd[q].n_req; k++)
                ok &= level[(size_t)a * N_SKILLS + (size_t)qd[q].skill[k]] >= qd[q].level[k];
            if (ok)
                p.quals[a][n++] = (int16_t)q;
        }
        p.quals[a][n] = -1; /* an agent qualified for every queue too (--queues-per-agent 200) */
    }
    /* As the benchmark: contacts wait, agents become ready and take work,
     * arrivals top the waiting count up. */
    int64_t t = 1, waiting = 0;
    for (; waiting < n_waiting; waiting++)
        probe_arrive(&p, (int32_t)(probe_rand(&p) % N_QUEUES), t, (int32_t)(probe_rand(&p) % 3));
    for (int32_t a = 0; a < n_agents; a++)
        waiting -= probe_agent_free(&p, a);
    while (waiting < n_waiting) {
        int64_t before = p.n_active;
        probe_arrive(&p, (int32_t)(probe_rand(&p) % N_QUEUES), t, (int32_t)(probe_rand(&p) % 3));
        waiting += p.n_active == before;
    }
    int64_t decisions = 0;
    double c0 = bench_cpu();
    for (int64_t s = 0; s < steps && p.n_active > 0; s++) {
        t++;
        int64_t k = (int64_t)(probe_rand(&p) % (uint64_t)p.n_active);
        int32_t ai = (int32_t)p.active_agent[k], ch = p.active_ch[k];
        p.active_agent[k] = p.active_agent[--p.n_active];
        p.active_ch[k] = p.active_ch[p.n_active];
        p.agents[ai].used -= cost[ch];
        p.agents[ai].ch_count[ch]--;
        decisions += probe_agent_free(&p, ai);
        probe_arrive(&p, (int32_t)(probe_rand(&p) % N_QUEUES), t, 0);
        decisions++;
    }
    double cpu = bench_cpu() - c0;
    probe_result r = {decisions / (cpu > 0 ? cpu : 1e-9)};
    for (int32_t q = 0; q < N_QUEUES; q++)
        free(p.waiting[q].v);
    free(p.agents);
    free(p.quals);
    free(p.room);
    free(p.waiting);
    free(p.active_agent);
    free(p.active_ch);
    return r;
}

#endif
