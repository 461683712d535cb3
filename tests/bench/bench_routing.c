/* SPDX-License-Identifier: MIT */
/* Routing benchmark: a large multi-skill center in steady state.
 *
 * Agents have 5-20 skills with levels out of 500; 200 queues each require
 * 1-3 skills at minimum levels; 4 channels (voice exclusive, chat x3,
 * email x5, sms x4). Every agent is kept busy and a fixed number of contacts
 * wait. One step = complete a random contact in service (its agent frees up
 * and takes the best waiting contact it can: an agent->contact decision),
 * accept that offer, and a new contact arrives (a contact->agent search that
 * finds nobody free, so it queues). The steady state runs --steps steps
 * for throughput without reading a clock around each call, then --steps
 * more timing both calls for the latencies (so an instruction count per step
 * by the difference of two --steps values divides by twice that difference).
 *
 *   bench_routing [--quick] [--runs N] [--agents N] [--waiting N] [--steps N]
 *                 [--skills-per-contact K] [--queues-per-agent Q] [--growth [--group G]]
 *                 [--no-probe] [--call-clock cpu] [--case second-signature [--waiting N]]
 *
 * Each case runs --runs times (default 3) on a fresh engine; the table gives
 * the median [min .. max] of the runs, decisions per wall second and per CPU
 * second. --skills-per-contact K: every contact requires K skills beyond its
 * queue's (taken from the skills of one agent who covers that queue, level 1).
 * --queues-per-agent Q: every agent covers Q home queues (default: 1-4 at
 * random). --growth: the growth table of docs/performance.md (agents 1k ->
 * 50k, waiting 1k -> 1M, skills per contact 0 -> 4 at 10k agents / 100k
 * waiting, queues per agent 1 -> 200 at 1k agents / 100k waiting; a quarter
 * of an hour). --quick: one small case (CI smoke run). After each run of a
 * case without extra skills, the bare probe (routing_probe.h) makes the same
 * decisions on the same center; --no-probe leaves it out (for instruction
 * counts of the engine alone). --call-clock cpu: each call's latency by this
 * thread's CPU clock rather than the wall clock (on a shared machine the
 * wall clock's p99.9 and max are the scheduler's slices; the CPU clock is
 * slower to read). --case
 * second-signature: one lane of --waiting one-signature contacts receiving
 * a second signature (below).
 *
 * Prints a table and one JSON object per case. Not a test: no assertions
 * on time. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/omniq.h"

typedef struct counting_alloc {
    int64_t live;
    int64_t peak;
} counting_alloc;

static void *count_alloc(void *ptr, size_t old_size, size_t new_size, void *user)
{
    counting_alloc *c = user;
    if (new_size == 0) {
        if (ptr)
            c->live -= (int64_t)old_size;
        free(ptr);
        return NULL;
    }
    void *p = realloc(ptr, new_size);
    if (p) {
        c->live += (int64_t)new_size - (int64_t)(ptr ? old_size : 0);
        if (c->live > c->peak)
            c->peak = c->live;
    }
    return p;
}

/* Offers made during a call, accepted by the host right after it. */
typedef struct pending {
    int64_t ids[64];
    char agents[64][16];
    int n;
} pending;

static void on_event(const oq_event *ev, void *user)
{
    pending *p = user;
    if (ev->type == OQ_EV_OFFERED && p->n < 64) {
        p->ids[p->n] = atoll(ev->contact + 1);
        size_t n = strlen(ev->agent);
        if (n >= sizeof p->agents[0])
            n = sizeof p->agents[0] - 1;
        memcpy(p->agents[p->n], ev->agent, n);
        p->agents[p->n][n] = '\0';
        p->n++;
    }
}

/* A contact's id, "c<n>". A host holds its ids as strings already; made
 * with snprintf they cost about 3,600 instructions per step (a fifth of a
 * step at 2k agents / 20k waiting), which the decisions per CPU second
 * would charge to the engine. buf holds at least 21 bytes. */
static void contact_id(char *buf, int64_t n)
{
    char digits[20];
    int k = 0;
    uint64_t v = (uint64_t)n;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    *buf++ = 'c';
    while (k)
        *buf++ = digits[--k];
    *buf = '\0';
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int32_t uniform(int32_t n) { return (int32_t)(next_rand() % (uint64_t)n); }

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* This thread's CPU time: a call's own work, not the scheduler's 4 ms
 * slices that a shared machine adds to wall-clock maxima. */
static double call_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* --call-clock cpu: time each call by this thread's CPU clock (its tail
 * without the scheduler's slices, at the cost of a slower clock read). */
static int cpu_calls;
static double one_call_ns(void) { return cpu_calls ? call_ns() : now_ns(); }

#define N_SKILLS 500
#define N_QUEUES 200
#define REQ_MAX 3

static const char *CHANNELS[] = {"voice", "chat", "email", "sms"};

typedef struct queue_def {
    int32_t n_req;
    int32_t skill[REQ_MAX];
    int32_t level[REQ_MAX];
    int32_t channel;
} queue_def;

#include "routing_probe.h"

typedef struct sample {
    double *v;
    int64_t n, cap;
} sample;

static void sample_add(sample *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
        if (!s->v)
            exit(1);
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(sample *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_double);
    int64_t i = (int64_t)(p * (double)(s->n - 1));
    return s->v[i];
}

static void accept_pending(oq_engine *e, pending *p, int64_t t, int64_t *active, int64_t *n_active)
{
    for (int i = 0; i < p->n; i++) {
        char cid[32];
        contact_id(cid, p->ids[i]);
        bench_must(e, oq_offer_accept(e, t, cid, p->agents[i]), "accept");
        active[(*n_active)++] = p->ids[i];
    }
    p->n = 0;
}

typedef struct bench_case {
    int32_t agents, waiting;
    int64_t steps;
    int32_t skills_per_contact; /* extra required skills per contact */
    int32_t queues_per_agent;   /* home queues per agent; 0: 1-4 at random */
    const char *group;          /* growth-table row group, NULL outside --growth */
} bench_case;

#define EXTRA_MAX 8

typedef struct result {
    int32_t agents, waiting;
    int64_t steps;
    double decisions_per_s, decisions_per_cpu_s;
    double arrive_p50, arrive_p99, arrive_p999, arrive_max;
    double free_p50, free_p99, free_p999, free_max;
    double bytes_per_waiting, bytes_per_agent;
    double setup_cpu_s; /* building the center (channels, queues, agents, skills; with this program's own bookkeeping) */
    double probe_per_cpu_s; /* the bare probe (routing_probe.h), same center and steps */
    int64_t measured; /* waiting contacts the memory figure was measured over */
} result;

/* Fill cs's extra required skills (K of one home agent's skills, level 1). */
typedef struct extra_pick {
    int32_t *home_agent;   /* [queue]: an agent covering it, -1 none */
    int32_t *agent_skills; /* [agent][EXTRA_MAX + REQ_MAX * 4 + 20] skill numbers */
    int32_t *agent_n;
    int32_t stride;
    char names[EXTRA_MAX][16];
    const char *ptr[EXTRA_MAX];
    int32_t levels[EXTRA_MAX];
} extra_pick;

static void pick_extra(extra_pick *x, const queue_def *d, int32_t q, int32_t k, oq_contact_spec *cs)
{
    int32_t a = x->home_agent[q];
    if (k <= 0 || a < 0)
        return;
    const int32_t *sk = &x->agent_skills[(size_t)a * (size_t)x->stride];
    int32_t n = 0;
    for (int32_t i = 0; i < x->agent_n[a] && n < k; i++) {
        int dup = 0;
        for (int j = 0; j < d->n_req; j++)
            dup |= d->skill[j] == sk[i];
        if (dup)
            continue;
        snprintf(x->names[n], sizeof x->names[n], "s%d", sk[i]);
        x->ptr[n] = x->names[n];
        x->levels[n] = 1;
        n++;
    }
    cs->n_required = n;
    cs->required_skills = x->ptr;
    cs->required_levels = x->levels;
}

static result run(const bench_case *bc, int with_probe)
{
    int32_t n_agents = bc->agents, n_waiting = bc->waiting;
    int64_t steps = bc->steps;
    result r = {0};
    rng = 88172645463325252ull; /* every run of a case: the same center and traffic */
    r.agents = n_agents;
    r.waiting = n_waiting;
    counting_alloc mem = {0};
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = count_alloc;
    o.alloc_user = &mem;
    o.seed = 7;
    pending pend = {0};
    o.on_event = on_event;
    o.event_user = &pend;
    oq_engine *e = NULL;
    double setup_cpu0 = bench_cpu();
    if (oq_engine_create(&o, &e) != OQ_OK)
        exit(1);
    char id[64];
    const int32_t cost[] = {100, 30, 10, 25}, maxn[] = {1, 3, 5, 4};
    for (int c = 0; c < 4; c++) {
        oq_channel_spec cs;
        oq_channel_spec_init(&cs);
        cs.id = CHANNELS[c];
        cs.exclusive = c == 0;
        cs.capacity_cost = cost[c];
        cs.max_per_agent = maxn[c];
        bench_must(e, oq_channel_add(e, &cs), "channel");
    }
    for (int s = 0; s < N_SKILLS; s++) {
        snprintf(id, sizeof id, "s%d", s);
        bench_must(e, oq_skill_add(e, id, 10), "skill");
    }
    queue_def *qd = calloc(N_QUEUES, sizeof *qd);
    char queue_ids[N_QUEUES][8];
    for (int q = 0; q < N_QUEUES; q++) {
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        snprintf(queue_ids[q], sizeof queue_ids[q], "q%d", q);
        qs.id = queue_ids[q];
        qs.offer_timeout_s = 0;
        qs.strategy = q % 3 == 0 ? OQ_STRATEGY_BEST_SKILL : OQ_STRATEGY_LONGEST_IDLE;
        qs.ordering = q % 4 == 0 ? OQ_ORDER_PRIORITY : OQ_ORDER_FIFO;
        qs.aging_per_s = 0.1;
        bench_must(e, oq_queue_add(e, &qs), "queue");
        qd[q].channel = q % 4;
        bench_must(e, oq_queue_add_channel(e, 0, queue_ids[q], CHANNELS[qd[q].channel]), "queue channel");
        qd[q].n_req = 1 + uniform(REQ_MAX);
        for (int k = 0; k < qd[q].n_req; k++) {
            qd[q].skill[k] = uniform(N_SKILLS);
            qd[q].level[k] = 1 + uniform(5);
            char sk[16];
            snprintf(sk, sizeof sk, "s%d", qd[q].skill[k]);
            bench_must(e, oq_queue_require_skill(e, 0, queue_ids[q], sk, qd[q].level[k]), "require");
        }
    }
    /* Each agent covers 1-4 home queues (their skills at good levels), plus
     * random skills up to 5-20 in all. With --queues-per-agent Q, Q home
     * queues (the first at random, then the following ones). */
    extra_pick xp = {0};
    xp.stride = REQ_MAX * (bc->queues_per_agent > 4 ? bc->queues_per_agent : 4) + 20;
    xp.home_agent = malloc(N_QUEUES * sizeof *xp.home_agent);
    xp.agent_n = calloc((size_t)n_agents, sizeof *xp.agent_n);
    xp.agent_skills = malloc((size_t)n_agents * (size_t)xp.stride * sizeof *xp.agent_skills);
    if (!xp.home_agent || !xp.agent_n || !xp.agent_skills)
        exit(1);
    for (int q = 0; q < N_QUEUES; q++)
        xp.home_agent[q] = -1;
    uint8_t *levels = calloc((size_t)n_agents * N_SKILLS, 1); /* for the probe */
    if (!levels)
        exit(1);
    for (int a = 0; a < n_agents; a++) {
        snprintf(id, sizeof id, "a%d", a);
        bench_must(e, oq_agent_add(e, id, 100), "agent");
        int32_t want = 5 + uniform(16), have = 0;
        int32_t homes = bc->queues_per_agent > 0 ? bc->queues_per_agent : 1 + uniform(4);
        int32_t first = bc->queues_per_agent > 0 ? uniform(N_QUEUES) : 0;
        int32_t *mine = &xp.agent_skills[(size_t)a * (size_t)xp.stride];
        for (int h = 0; h < homes; h++) {
            int32_t hq = bc->queues_per_agent > 0 ? (first + h) % N_QUEUES : uniform(N_QUEUES);
            const queue_def *d = &qd[hq];
            xp.home_agent[hq] = a; /* the last agent to cover it (no draw: same center) */
            for (int k = 0; k < d->n_req; k++) {
                char sk[16];
                snprintf(sk, sizeof sk, "s%d", d->skill[k]);
                int32_t lv = 0;
                oq_agent_get_skill(e, id, sk, &lv);
                if (lv < d->level[k] + 2) {
                    int32_t nl = d->level[k] + 2 + uniform(4);
                    bench_must(e, oq_agent_set_skill(e, 0, id, sk, nl), "skill");
                    levels[(size_t)a * N_SKILLS + (size_t)d->skill[k]] = (uint8_t)nl;
                    have += lv == 0;
                    if (lv == 0 && xp.agent_n[a] < xp.stride)
                        mine[xp.agent_n[a]++] = d->skill[k];
                }
            }
        }
        while (have < want) {
            char sk[16];
            snprintf(sk, sizeof sk, "s%d", uniform(N_SKILLS));
            int32_t lv = 0;
            oq_agent_get_skill(e, id, sk, &lv);
            if (lv == 0) {
                int32_t nl = 1 + uniform(10);
                bench_must(e, oq_agent_set_skill(e, 0, id, sk, nl), "skill");
                levels[(size_t)a * N_SKILLS + (size_t)atoi(sk + 1)] = (uint8_t)nl;
                have++;
                if (xp.agent_n[a] < xp.stride)
                    mine[xp.agent_n[a]++] = atoi(sk + 1);
            }
        }
    }
    int64_t bytes_config = mem.live;
    r.bytes_per_agent = (double)bytes_config / n_agents;
    r.setup_cpu_s = bench_cpu() - setup_cpu0;
    int64_t cap = (int64_t)n_agents * 6 + n_waiting + 16;
    int64_t *active = malloc((size_t)cap * sizeof *active);
    int64_t n_active = 0, next_id = 0, t = 1;
    oq_engine_counts cnt = OQ_OUTPUT_INIT(oq_engine_counts);
    /* Memory per waiting contact: agents log in not ready, n_waiting contacts
     * arrive and only wait, and the allocator's live bytes are compared
     * before and after (array growth included, as a host would see it).
     * Then agents become ready and take work, and arrivals top the waiting
     * count up again. In-service contacts are tracked to complete. */
    for (int a = 0; a < n_agents; a++) {
        snprintf(id, sizeof id, "a%d", a);
        bench_must(e, oq_agent_login(e, 0, id, 0), "login");
    }
    /* The first contact of each queue also creates that queue's statistics
     * blocks (tens of kB, per queue, not per contact): the mark comes after. */
    int64_t bytes_mark = -1, queued_mark = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (;;) {
            oq_engine_get_counts(e, &cnt);
            if (bytes_mark < 0 && next_id == N_QUEUES) {
                bytes_mark = mem.live;
                queued_mark = cnt.contacts_queued;
            }
            if (cnt.contacts_queued >= n_waiting || n_active >= cap - 1)
                break;
            oq_contact_spec cs;
            oq_contact_spec_init(&cs);
            int32_t q = next_id < N_QUEUES ? (int32_t)next_id : uniform(N_QUEUES);
            char cid[32];
            contact_id(cid, next_id++);
            cs.id = cid;
            cs.queue = queue_ids[q];
            cs.channel = CHANNELS[qd[q].channel];
            cs.priority = uniform(3);
            pick_extra(&xp, &qd[q], q, bc->skills_per_contact, &cs);
            pend.n = 0;
            bench_must(e, oq_contact_arrive(e, t, &cs), "arrive");
            accept_pending(e, &pend, t, active, &n_active);
        }
        if (pass == 1)
            break;
        r.measured = cnt.contacts_queued - queued_mark;
        r.bytes_per_waiting = r.measured > 0 ? (double)(mem.live - bytes_mark) / (double)r.measured : 0;
        for (int a = 0; a < n_agents; a++) {
            snprintf(id, sizeof id, "a%d", a);
            pend.n = 0;
            bench_must(e, oq_agent_ready(e, t, id), "ready");
            accept_pending(e, &pend, t, active, &n_active);
        }
    }

    /* Steady state, twice: first without reading a clock around each call,
     * for throughput (the clock reads are the benchmark's cost, not the
     * engine's, and the probe pays none), then as many steps again timing
     * every call, for the latencies. */
    sample arrive_ns = {0}, free_ns = {0};
    int64_t decisions = 0, counted_steps = 0;
    double elapsed = 0, cpu = 0;
    for (int timed = 0; timed <= 1; timed++) {
        double t0 = now_ns(), c0 = bench_cpu();
        for (int64_t s = 0; s < steps && n_active > 0; s++) {
            t += 1;
            int64_t k = uniform((int32_t)(n_active < INT32_MAX ? n_active : INT32_MAX));
            char cid[32];
            contact_id(cid, active[k]);
            active[k] = active[--n_active];
            pend.n = 0;
            double a = timed ? one_call_ns() : 0;
            bench_must(e, oq_contact_complete(e, t, cid), "complete"); /* the agent takes a waiting one */
            if (timed)
                sample_add(&free_ns, one_call_ns() - a);
            else
                decisions += pend.n;
            accept_pending(e, &pend, t, active, &n_active);
            /* New arrival keeps the waiting count steady. */
            oq_contact_spec cs;
            oq_contact_spec_init(&cs);
            int32_t q = uniform(N_QUEUES);
            char nid[32];
            contact_id(nid, next_id++);
            cs.id = nid;
            cs.queue = queue_ids[q];
            cs.channel = CHANNELS[qd[q].channel];
            pick_extra(&xp, &qd[q], q, bc->skills_per_contact, &cs);
            pend.n = 0;
            a = timed ? one_call_ns() : 0;
            bench_must(e, oq_contact_arrive(e, t, &cs), "arrive");
            if (timed) {
                sample_add(&arrive_ns, one_call_ns() - a);
            } else {
                decisions++; /* a search, whether or not it found an agent */
                counted_steps++;
            }
            accept_pending(e, &pend, t, active, &n_active);
        }
        if (!timed) {
            elapsed = (now_ns() - t0) / 1e9;
            cpu = bench_cpu() - c0;
        }
    }
    r.steps = counted_steps;
    r.decisions_per_s = decisions / elapsed;
    r.decisions_per_cpu_s = decisions / (cpu > 0 ? cpu : elapsed);
    r.arrive_p50 = pct(&arrive_ns, 0.5) / 1000;
    r.arrive_p99 = pct(&arrive_ns, 0.99) / 1000;
    r.arrive_p999 = pct(&arrive_ns, 0.999) / 1000;
    r.free_p50 = pct(&free_ns, 0.5) / 1000;
    r.free_p99 = pct(&free_ns, 0.99) / 1000;
    r.free_p999 = pct(&free_ns, 0.999) / 1000;
    /* The worst single call: what a host sees as a stall (pct sorted the samples). */
    r.arrive_max = arrive_ns.n ? arrive_ns.v[arrive_ns.n - 1] / 1000 : 0;
    r.free_max = free_ns.n ? free_ns.v[free_ns.n - 1] / 1000 : 0;
    free(arrive_ns.v);
    free(free_ns.v);
    free(active);
    free(xp.home_agent);
    free(xp.agent_n);
    free(xp.agent_skills);
    oq_engine_destroy(e);
    if (bc->skills_per_contact == 0 && with_probe) /* the probe knows no per-contact extra skills */
        r.probe_per_cpu_s = probe_run(qd, levels, n_agents, n_waiting, r.steps, cost, maxn).decisions_per_cpu_s;
    free(qd);
    free(levels);
    return r;
}

/* Prints the case; returns its median decisions per CPU second. */
static double print_case(const bench_case *bc, result *rs, int runs, const bench_env *env)
{
    double v[13][64];
    int n = runs < 64 ? runs : 64;
    for (int i = 0; i < n; i++) {
        v[0][i] = rs[i].decisions_per_s;
        v[1][i] = rs[i].decisions_per_cpu_s;
        v[2][i] = rs[i].arrive_p50;
        v[3][i] = rs[i].arrive_p99;
        v[4][i] = rs[i].arrive_p999;
        v[5][i] = rs[i].free_p50;
        v[6][i] = rs[i].free_p99;
        v[7][i] = rs[i].free_p999;
        v[8][i] = rs[i].bytes_per_waiting;
        v[9][i] = rs[i].probe_per_cpu_s;
        v[10][i] = rs[i].arrive_max;
        v[11][i] = rs[i].free_max;
        v[12][i] = rs[i].setup_cpu_s;
    }
    bench_spread s[13];
    for (int k = 0; k < 13; k++)
        s[k] = bench_spread_of(v[k], n);
    printf("%7d %8d %6d %6d %12.0f [%.0f .. %.0f] %12.0f [%.0f .. %.0f]  %6.2f [%.2f .. %.2f]  %6.2f [%.2f .. %.2f]"
           "  %7.2f [%.2f .. %.2f]  %7.2f [%.2f .. %.2f] %5.0f",
           bc->agents, bc->waiting, bc->skills_per_contact, bc->queues_per_agent, s[0].med, s[0].min,
           s[0].max, s[1].med, s[1].min, s[1].max, s[2].med, s[2].min, s[2].max, s[3].med, s[3].min,
           s[3].max, s[5].med, s[5].min, s[5].max, s[6].med, s[6].min, s[6].max, s[8].med);
    /* The bare probe (routing_probe.h) and how many times faster it is
     * than the engine (issue #22: within 4x); medians of the runs. */
    double ratio = s[9].med > 0 && s[1].med > 0 ? s[9].med / s[1].med : 0;
    if (s[9].med > 0)
        printf(" %12.0f [%.0f .. %.0f] %6.1fx", s[9].med, s[9].min, s[9].max, ratio);
    else
        printf(" %33s %7s", "-", "-");
    /* The tail, medians of the runs: p99.9 and the worst single call. */
    printf("  %7.2f %8.2f %7.2f %8.2f\n", s[4].med, s[10].med, s[7].med, s[11].med);
    printf("{\"bench\":\"routing\",\"group\":\"%s\",\"agents\":%d,\"waiting\":%d,\"steps\":%" PRId64
           ",\"skills_per_contact\":%d,\"queues_per_agent\":%d,\"runs\":%d",
           bc->group ? bc->group : "", bc->agents, bc->waiting, rs[0].steps, bc->skills_per_contact,
           bc->queues_per_agent, n);
    bench_spread_json("decisions_per_wall_s", s[0]);
    bench_spread_json("decisions_per_cpu_s", s[1]);
    bench_spread_json("arrive_p50_us", s[2]);
    bench_spread_json("arrive_p99_us", s[3]);
    bench_spread_json("arrive_p999_us", s[4]);
    bench_spread_json("agent_free_p50_us", s[5]);
    bench_spread_json("agent_free_p99_us", s[6]);
    bench_spread_json("agent_free_p999_us", s[7]);
    bench_spread_json("arrive_max_us", s[10]);
    bench_spread_json("agent_free_max_us", s[11]);
    printf(",\"bytes_per_waiting_contact\":%.0f,\"bytes_per_agent\":%.0f", s[8].med, rs[0].bytes_per_agent);
    bench_spread_json("setup_cpu_s", s[12]);
    if (s[9].med > 0) {
        bench_spread_json("probe_decisions_per_cpu_s", s[9]);
        printf(",\"probe_over_engine\":%.2f", ratio);
    }
    bench_env_json(env);
    printf("}\n");
    fflush(stdout);
    return s[1].med;
}

/* --case second-signature: one lane of N waiting contacts that all ask the
 * same thing (one requirement signature), no agent ready. Each round a
 * contact needing an extra skill arrives (the lane's second signature) and
 * is removed again, then N/4 + 8 times the oldest plain contact leaves and
 * a new one arrives (the lane heap and its signature's both change). Every
 * call is timed: the worst single call is the figure (issue #22: a call that
 * pays for the whole lane is a stall the host sees). */
#define SECOND_ROUNDS 5

typedef struct second_result {
    double second_max, second_med, leave_max, dequeue_p50, dequeue_p99, dequeue_max, arrive_p50, arrive_max;
} second_result;

static oq_status arrive_plain(oq_engine *e, int64_t t, int64_t n, const char *skill)
{
    char cid[32];
    snprintf(cid, sizeof cid, "%s%" PRId64, skill ? "d" : "p", n);
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = cid;
    cs.queue = "q";
    cs.channel = "chat";
    const char *req[1] = {skill};
    const int32_t lv[1] = {1};
    if (skill) {
        cs.n_required = 1;
        cs.required_skills = req;
        cs.required_levels = lv;
    }
    return oq_contact_arrive(e, t, &cs);
}

static second_result run_second(int32_t n_waiting)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    oq_engine *e = NULL;
    if (oq_engine_create(&o, &e) != OQ_OK)
        exit(1);
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "chat";
    bench_must(e, oq_channel_add(e, &ch), "channel");
    bench_must(e, oq_skill_add(e, "de", 10), "skill");
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    qs.ordering = OQ_ORDER_FIFO;
    bench_must(e, oq_queue_add(e, &qs), "queue");
    bench_must(e, oq_queue_add_channel(e, 0, "q", "chat"), "queue channel");
    int64_t t = 1, head = 0, next = 0;
    for (; next < n_waiting; next++)
        bench_must(e, arrive_plain(e, t++, next, NULL), "arrive");
    sample second = {0}, leave = {0}, deq = {0}, arr = {0};
    for (int r = 0; r < SECOND_ROUNDS; r++) {
        double a = call_ns();
        bench_must(e, arrive_plain(e, t, r, "de"), "arrive (second signature)");
        sample_add(&second, call_ns() - a);
        char cid[32];
        snprintf(cid, sizeof cid, "d%d", r);
        a = call_ns();
        bench_must(e, oq_contact_remove(e, t++, cid), "remove (second signature)");
        sample_add(&leave, call_ns() - a);
        for (int64_t k = 0; k < n_waiting / 4 + 8; k++) {
            snprintf(cid, sizeof cid, "p%" PRId64, head++);
            a = call_ns();
            bench_must(e, oq_contact_remove(e, t, cid), "remove");
            sample_add(&deq, call_ns() - a);
            a = call_ns();
            bench_must(e, arrive_plain(e, t++, next++, NULL), "arrive");
            sample_add(&arr, call_ns() - a);
        }
    }
    oq_engine_destroy(e);
    second_result x;
    x.second_med = pct(&second, 0.5) / 1000;
    x.second_max = second.v[second.n - 1] / 1000;
    x.leave_max = pct(&leave, 1) / 1000;
    x.dequeue_p50 = pct(&deq, 0.5) / 1000;
    x.dequeue_p99 = pct(&deq, 0.99) / 1000;
    x.dequeue_max = deq.v[deq.n - 1] / 1000;
    x.arrive_p50 = pct(&arr, 0.5) / 1000;
    x.arrive_max = arr.v[arr.n - 1] / 1000;
    free(second.v);
    free(leave.v);
    free(deq.v);
    free(arr.v);
    return x;
}

static void print_second(int32_t n_waiting, int runs, const bench_env *env)
{
    printf("# --case second-signature: one lane of %d one-signature contacts; a second-signature contact arrives "
           "and leaves %d times, each followed by %d dequeues + arrivals; CPU time of one call in us "
           "(this thread's clock: preemption left out), median [min .. max] of %d runs\n",
           n_waiting, SECOND_ROUNDS, n_waiting / 4 + 8, runs);
    double v[8][64];
    int n = runs < 64 ? runs : 64;
    for (int i = 0; i < n; i++) {
        second_result x = run_second(n_waiting);
        v[0][i] = x.second_max;
        v[1][i] = x.second_med;
        v[2][i] = x.leave_max;
        v[3][i] = x.dequeue_p50;
        v[4][i] = x.dequeue_p99;
        v[5][i] = x.dequeue_max;
        v[6][i] = x.arrive_p50;
        v[7][i] = x.arrive_max;
    }
    static const char *names[8] = {"second_arrive_max_us", "second_arrive_p50_us", "second_leave_max_us",
                                   "dequeue_p50_us", "dequeue_p99_us", "dequeue_max_us", "arrive_p50_us",
                                   "arrive_max_us"};
    bench_spread s[8];
    for (int k = 0; k < 8; k++) {
        s[k] = bench_spread_of(v[k], n);
        printf("%-22s %10.2f [%.2f .. %.2f]\n", names[k], s[k].med, s[k].min, s[k].max);
    }
    printf("{\"bench\":\"routing\",\"case\":\"second-signature\",\"waiting\":%d,\"runs\":%d", n_waiting, n);
    for (int k = 0; k < 8; k++)
        bench_spread_json(names[k], s[k]);
    bench_env_json(env);
    printf("}\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int quick = 0, growth = 0, runs = 3, no_probe = 0;
    const char *group = NULL, *which = NULL;
    bench_case one = {-1, -1, -1, 0, 0, NULL};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--growth") == 0)
            growth = 1;
        else if (strcmp(argv[i], "--no-probe") == 0)
            no_probe = 1;
        else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc)
            group = argv[++i]; /* with --growth: only the rows of that group */
        else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc && strcmp(argv[i + 1], "second-signature") == 0)
            which = argv[++i];
        else if (strcmp(argv[i], "--call-clock") == 0 && i + 1 < argc && strcmp(argv[i + 1], "cpu") == 0) {
            cpu_calls = 1;
            i++;
        }
        else if (bench_runs_arg(argc, argv, &i, &runs))
            continue;
        else if (strcmp(argv[i], "--agents") == 0 && i + 1 < argc)
            one.agents = atoi(argv[++i]);
        else if (strcmp(argv[i], "--waiting") == 0 && i + 1 < argc)
            one.waiting = atoi(argv[++i]);
        else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
            one.steps = atoll(argv[++i]);
        else if (strcmp(argv[i], "--skills-per-contact") == 0 && i + 1 < argc)
            one.skills_per_contact = atoi(argv[++i]);
        else if (strcmp(argv[i], "--queues-per-agent") == 0 && i + 1 < argc)
            one.queues_per_agent = atoi(argv[++i]);
        else {
            fprintf(stderr,
                    "usage: %s [--quick] [--runs N] [--agents N] [--waiting N] [--steps N] "
                    "[--skills-per-contact K] [--queues-per-agent Q] [--growth [--group NAME]] [--no-probe] "
                    "[--call-clock cpu] [--case second-signature [--waiting N]]\n",
                    argv[0]);
            return 1;
        }
    }
    if (one.skills_per_contact < 0 || one.skills_per_contact > EXTRA_MAX || one.queues_per_agent < 0 ||
        one.queues_per_agent > N_QUEUES || runs > 64) {
        fprintf(stderr, "--skills-per-contact: 0..%d; --queues-per-agent: 0..%d; --runs: 1..64\n",
                EXTRA_MAX, N_QUEUES);
        return 1;
    }
    bench_case cases_full[] = {
        {1000, 100000, 200000, 0, 0, NULL}, {10000, 100000, 200000, 0, 0, NULL},
        {50000, 100000, 100000, 0, 0, NULL}, {10000, 1000000, 100000, 0, 0, NULL},
    }, cases_quick[] = {{500, 5000, 5000, 0, 0, NULL}};
    /* The growth table: one dimension at a time around 10k agents / 100k
     * waiting (fewer steps for the slow corners). */
    bench_case cases_growth[] = {
        {1000, 100000, 100000, 0, 0, "agents"}, {5000, 100000, 100000, 0, 0, "agents"},
        {10000, 100000, 100000, 0, 0, "agents"}, {50000, 100000, 50000, 0, 0, "agents"},
        {10000, 1000, 100000, 0, 0, "waiting"}, {10000, 10000, 100000, 0, 0, "waiting"},
        {10000, 1000000, 50000, 0, 0, "waiting"},
        /* blocked searches: a decision costs milliseconds here, so few steps */
        {10000, 100000, 2000, 1, 0, "skills per contact"}, {10000, 100000, 2000, 2, 0, "skills per contact"},
        {10000, 100000, 1000, 4, 0, "skills per contact"},
        /* 1k agents: configuring agents that each cover 200 queues costs
         * seconds per thousand agents (configuration routes: issue #22 item 5) */
        {1000, 100000, 20000, 0, 1, "queues per agent"}, {1000, 100000, 10000, 0, 10, "queues per agent"},
        {1000, 100000, 5000, 0, 50, "queues per agent"}, {1000, 100000, 2000, 0, 200, "queues per agent"},
    };
    int n = quick ? 1 : 4;
    bench_case *cases = quick ? cases_quick : cases_full;
    if (growth) {
        cases = cases_growth;
        n = (int)(sizeof cases_growth / sizeof *cases_growth);
    }
    if (one.agents > 0 || one.waiting > 0 || one.steps > 0 || one.skills_per_contact > 0 ||
        one.queues_per_agent > 0) {
        one.agents = one.agents > 0 ? one.agents : 10000;
        one.waiting = one.waiting > 0 ? one.waiting : 100000;
        one.steps = one.steps > 0 ? one.steps : 100000;
        cases = &one;
        n = 1;
    }
    bench_env env;
    bench_env_get(&env);
    if (which) {
        printf("omniq %s routing benchmark\n", oq_version());
        bench_env_print("bench_routing", &env, runs, 0);
        print_second(one.waiting > 0 ? one.waiting : 100000, runs, &env);
        return 0;
    }
    printf("omniq %s routing benchmark\n", oq_version());
    bench_env_print("bench_routing", &env, runs, quick);
    if (cpu_calls)
        printf("# --call-clock cpu: latencies are this thread's CPU time per call\n");
    printf("# decisions/s per wall and per CPU second; latencies of one call in us (p50, p99; "
           "p99.9 and max, medians of the runs, at the end of the line); B/w = "
           "bytes per waiting contact; probe = the same decisions by bare heaps and bitsets "
           "(tests/bench/routing_probe.h), x = probe / engine per CPU second\n");
    printf("# targets (issue #22): >= 1,000,000 decisions / CPU s at 10k agents and 100k / 1M waiting, "
           "p99 < 5 us, B/w <= 256, x <= 4\n");
    printf("%7s %8s %6s %6s %33s %33s %24s %24s %26s %26s %5s %33s %7s  %7s %8s %7s %8s\n", "agents", "waiting",
           "skills", "q/agt", "decisions / wall s", "decisions / CPU s", "arrive p50", "arrive p99", "agent free p50",
           "agent free p99", "B/w", "probe / CPU s", "x", "arr p999", "arr max", "free p999", "free max");
    result rs[64];
    double one_queue = 0; /* decisions per CPU s with one queue per agent, then with 200 */
    for (int i = 0; i < n; i++) {
        if (group && (!cases[i].group || strcmp(cases[i].group, group) != 0))
            continue;
        for (int r = 0; r < runs; r++)
            rs[r] = run(&cases[i], !no_probe);
        double rate = print_case(&cases[i], rs, runs, &env);
        if (cases[i].queues_per_agent == 1)
            one_queue = rate;
        else if (cases[i].queues_per_agent == 200 && one_queue > 0 && rate > 0)
            printf("# an agent in 200 queues against one in 1 queue: %.2fx the CPU per decision "
                   "(target within 4x, issue #22 item 1): %s\n",
                   one_queue / rate, one_queue / rate <= 4 ? "met" : "NOT MET");
    }
    return 0;
}
