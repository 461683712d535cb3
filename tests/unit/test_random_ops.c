/* SPDX-License-Identifier: MIT */
/* Randomized operation stream: every public call (valid and invalid) mixed at
 * random under fixed seeds, oq_engine_check() after each one, and a shadow
 * model fed only by the events that checks no contact is ever lost, every
 * offer respects presence, capacity, channel limits, exclusivity, skills and
 * groups, and no agent is offered a contact it rejected or let time out
 * within its queue's retry_after_s with no presence change since (unless
 * transferred), nor a contact that missed its queue's max_offers;
 * offer time-outs and wrap-ups end at their exact due times. Failed calls
 * (made at the engine's clock) must return the exact status, name the id or
 * field, emit nothing and change nothing. The same stream also runs with an
 * allocator that fails now and then (OQ_ENOMEM changes nothing, no leak).
 * A watchdog (alarm) turns a call that never returns into a failure.
 *
 * Work orders (park / reopen / escalate / transfer to an agent / history),
 * routing profiles, outbound blending, agent policies, preferred agents,
 * abandon-resume (some seeds) and statistics reads are in the stream too.
 * The model then also checks that a PARKED contact is neither waiting nor
 * held (and not lost); that re-queued contacts (reopened, transferred,
 * overflowed) forget who rejected them; that an offer respects the agent's
 * routing profile (listed queues, queue delay counted from entering the
 * queue, per-channel max_items unless the agent has its own limit, "current
 * channel only"), its policy (reject / no-answer back-off, fair-distribution
 * window) and a preferred-agent / owner reservation; that each contact's
 * history has the expected length, first and newest entry; that an agent
 * going not ready keeps no offer of a queue without keep_offer_on_not_ready;
 * that a kept-place callback stays in its queue on the callback channel and
 * is never rejected for max wait; that a reservation for a named agent ends
 * when that agent rejects, times
 * out, goes not ready or logs out; that state events of a logged-out agent
 * still holding work say "logging out"; and that statistics reads change
 * nothing. Presence calls are made at the engine's clock (an advance first,
 * when the stream picked a later time), so the model knows the presence each
 * one changes. Not asserted (would need the engine's
 * whole lane state): outbound blending, i.e. that an outbound contact goes
 * only to an agent without an inbound candidate; the ordering options of
 * profiles (priority, force_longest_waiting, idle measure); max_no_answer.
 *
 * Environment: OQ_RANDOM_OPS (default 100000) ops per seed; OQ_RANDOM_SEED
 * adds one more seed; OQ_FAILING_SEEDS (default 2) streams with a failing
 * allocator, seeds 7, 8, ... (and seeds 13, 32 and 10, which once failed, always);
 * OQ_RANDOM_VERBOSE=1 prints every call's status. */
#define _POSIX_C_SOURCE 200809L /* alarm(): a hung call fails the test instead of CI */
#include "test_support.h"

#include <math.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG (splitmix64) -------------------------------------------------- */

static uint64_t rnd_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- watchdog: no single call may take OQ_WATCHDOG_S seconds --------------- */

#define OQ_WATCHDOG_S 20
static volatile sig_atomic_t g_watch_op = -1;
static uint64_t g_watch_seed;

static void watchdog_fired(int sig)
{
    (void)sig;
    char msg[160];
    /* async-signal-safe enough for a dying test: format by hand */
    static const char head[] = "\nWATCHDOG: an engine call did not return (infinite loop?) within 64 ops after op ";
    size_t n = 0;
    for (const char *p = head; *p; p++)
        msg[n++] = *p;
    char digits[24];
    int nd = 0;
    long v = (long)g_watch_op;
    if (v < 0) {
        msg[n++] = '-';
        v = -v;
    }
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && nd < 20);
    while (nd)
        msg[n++] = digits[--nd];
    static const char mid[] = ", seed ";
    for (const char *p = mid; *p; p++)
        msg[n++] = *p;
    uint64_t sv = g_watch_seed;
    do {
        digits[nd++] = (char)('0' + sv % 10);
        sv /= 10;
    } while (sv && nd < 20);
    while (nd)
        msg[n++] = digits[--nd];
    msg[n++] = '\n';
    ssize_t ignored = write(2, msg, n);
    (void)ignored;
    _exit(2);
}

static void watchdog_arm(uint64_t seed, int64_t op)
{
    g_watch_seed = seed;
    g_watch_op = (sig_atomic_t)op;
    signal(SIGALRM, watchdog_fired);
    alarm(OQ_WATCHDOG_S);
}

static void watchdog_off(void) { alarm(0); }

/* ---- the world ----------------------------------------------------------- */

#define NCH 5 /* voice, chat, email, callback, tmpch (optional) */
#define NSK 6 /* sales, support, english, french, vip, tmpsk (optional) */
#define NGR 4 /* g1, g2, g3, gtmp (optional) */
#define NQ 8  /* 6 fixed + 2 temporary */
#define MAXA 4096
#define TMP_CH 4
#define TMP_SK 5
#define TMP_GR 3

static const char *const CH_ID[NCH] = {"voice", "chat", "email", "callback", "tmpch"};
static const char *const SK_ID[NSK] = {"sales", "support", "english", "french", "vip", "tmpsk"};
static const char *const GR_ID[NGR] = {"g1", "g2", "g3", "gtmp"};
static const char *const Q_ID[NQ] = {"q_sales", "q_support", "q_email", "q_vip",
                                     "q_general", "q_rand", "qt0", "qt1"};
#define NPR 3 /* routing profiles rp0..rp2 (come and go) */
#define RING_MAX 8 /* valid max_per_window values the stream uses: 1..RING_MAX (API: 1..64) */
static const char *const P_ID[NPR] = {"rp0", "rp1", "rp2"};

/* A routing profile as the model sees it (profile.h). */
typedef struct mprofile {
    int exists;
    int qprio[NQ];      /* 0 = queue not listed */
    int64_t qdelay[NQ]; /* ms */
    int chmax[NCH];     /* -1 = channel default */
    int chcross[NCH];   /* 0 = current channel only */
} mprofile;

typedef struct mchannel {
    int exists, exclusive, cost, max;
} mchannel;

typedef struct mqueue {
    int exists;
    int ch[NCH];
    int req[NSK];
    int pref[NSK];
    int grp[NGR];
    oq_queue_spec spec;
} mqueue;

typedef struct magent {
    int exists;
    int grp[NGR];
    int lim[NCH];  /* -1 = channel default */
    int held[NCH]; /* items held per channel (offered, active, wrap-up) */
    int held_total, held_excl;
    int n_off, n_act, n_wrap;
    int used;        /* capacity units held (cost at offer time) */
    int64_t handled; /* COMPLETED events naming it */
    int profile;         /* own routing profile, -1 none */
    int gorder[NGR];     /* groups in the engine's order (join appends, leave swap-removes) */
    int n_gorder;
    /* policy (profile.h) */
    int pol_max_na, pol_mpw;
    int64_t pol_window, pol_rej_delay, pol_na_delay; /* ms */
    int64_t blocked_until; /* back-off after a reject / time-out */
    int64_t ring[RING_MAX]; /* times of its last pol_mpw offers (fair distribution) */
    int ring_n, ring_head;
    /* Bumped whenever it may have stopped being ready (not_ready, logout, an
     * offer time-out that may pause it): reservations made before end. */
    int64_t pres_epoch;
    uint32_t pgen; /* bumped by each presence change a host call makes: ends its exclusions
                      (the engine's own pauses do not; the model reads the presence before
                      each presence call, made at the engine's clock, so it knows) */
} magent;

/* An agent kept from a contact until `until`, while its presence does not
 * change (pgen: the agent's pgen then); each miss in a row doubles it. */
typedef struct mexcl {
    int32_t agent;
    uint32_t pgen;
    uint32_t misses; /* the agent's misses of the contact in a row (while pgen holds) */
    int64_t until;
    /* The engine may have forgotten it (see check_offer): it existed at an
     * offer time-out of its contact in op cand_op, which an allocation
     * failure then marked forgettable (settle_forgettable). */
    int64_t cand_op;
    int forgettable;
} mexcl;

typedef struct mcontact {
    uint8_t arrived, term, state, excl;
    int8_t queue, channel, n_creq;
    int8_t creq_sk[2];
    int8_t creq_lv[2];
    int32_t agent; /* holder, -1 */
    int32_t live_pos;
    int32_t nrej, caprej;
    int32_t misses_here; /* offers rejected / timed out in its current queue (max_offers) */
    int8_t callback;     /* a kept-place callback (virtual hold) */
    int32_t cost, n_offers;
    int64_t due; /* offer time-out or wrap-up end, INT64_MAX = none */
    struct mexcl *rej; /* agents kept from it for a while (retry_after_s) */
    int64_t entered;    /* entered its current queue (profile delays count from here) */
    int32_t pref_agent; /* preferred agent / owner, -1 none */
    int64_t pref_until; /* reserved for pref_agent while now < pref_until */
    int64_t pref_epoch; /* pref_agent's pres_epoch when the reservation was made */
    /* history (oq_contact_history_*): total entries ever, and the newest */
    int32_t hist_total, hist_agent;
    int8_t hist_type, hist_queue;
    int64_t hist_time, first_time;
} mcontact;

/* A calendar of the stream: open in minutes [open_min, close_min) of every
 * hour of every day, in a zone whose offset is whole hours (so the model's
 * answer is the UTC minute of the hour: independent of the calendar code). */
#define NCAL 2
static const char *const CAL_ID[NCAL] = {"k0", "k1"};
static const char *const CAL_ZONE[] = {"UTC", "Europe/London", "Asia/Shanghai", "America/New_York"};

typedef struct mcal {
    int exists;
    int open_min, close_min;
} mcal;

static int cal_open(const mcal *k, int64_t t)
{
    int64_t m = ((t % 3600000) + 3600000) % 3600000;
    return m >= k->open_min * 60000LL && m < k->close_min * 60000LL;
}

static int cal_index(const char *id)
{
    for (int i = 0; id && i < NCAL; i++)
        if (strcmp(id, CAL_ID[i]) == 0)
            return i;
    return -1;
}

typedef struct world {
    oq_engine *e;
    mcal cal[NCAL];
    int closed_ci, closed_type; /* the last event with detail "closed": contact, type */
    int64_t n_cal_events, n_closed_actions;
    uint64_t rng;
    test_alloc *alloc; /* non-NULL: failing allocator mode */
    int64_t failed_before_op; /* alloc->n_failed when the current op began */
    int enomem_mode;
    mchannel ch[NCH];
    int sk_exists[NSK], sk_max[NSK];
    int gr_exists[NGR];
    mqueue q[NQ];
    magent *ag;
    int n_agent_nums;
    mcontact *c;
    int n_contact_nums, cap_contacts;
    int *live;
    int n_live;
    int n_state[6]; /* model counts by contact state (5 = parked) */
    mprofile prof[NPR];
    int gr_prof[NGR]; /* a group's routing profile, -1 none */
    double abandon_resume_s;
    int arriving_pa;          /* preferred agent of the arriving contact, -1 */
    int64_t arriving_pwait;   /* its preferred_wait_s in ms */
    int pend_ci, pend_agent;  /* reopen / transfer_to_agent in progress */
    int64_t pend_wait;        /* ms */
    int64_t n_hist_checks, n_stats_reads, n_reserved_offers, n_profile_offers, n_last_agent;
    int64_t n_callbacks;
    int arriving, arriving_q, arriving_ch, arriving_nreq;
    int arriving_sk[2], arriving_lv[2];
    int64_t last_ev_time;
    int64_t ev_in_call;
    int64_t total_events;
    int reentry_probe;
    int64_t ev_by_type[32];
    int ending_wrapup;
    int32_t last_priority; /* inside oq_agent_end_wrapup: wrap-ups end early */
    int64_t n_ok, n_err, n_reentry, n_cb_check_fail, n_refused;
    int n_steps[NQ]; /* ladder length per queue */
    char cb_check_msg[512];
    int64_t op;
    char fail[1024];
} world;

#define FAILF(w, ...)                                                   \
    do {                                                                \
        if (!(w)->fail[0])                                              \
            snprintf((w)->fail, sizeof (w)->fail, __VA_ARGS__);         \
    } while (0)

static uint32_t rn(world *w, uint32_t n) { return n ? (uint32_t)(rnd_next(&w->rng) % n) : 0; }
static int pct(world *w, int p) { return (int)rn(w, 100) < p; }

static int64_t clock_now(world *w)
{
    int64_t t = 0;
    assert_oq_ok(w->e, oq_engine_now(w->e, &t));
    return t;
}

static void agent_name(int n, char *buf) { snprintf(buf, 16, "a%d", n); }
static void contact_name(int n, char *buf) { snprintf(buf, 16, "c%d", n); }

static int parse_num(const char *s, char prefix)
{
    if (!s || s[0] != prefix || !s[1])
        return -1;
    long v = 0;
    for (const char *p = s + 1; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

static int queue_index(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < NQ; i++)
        if (strcmp(s, Q_ID[i]) == 0)
            return i;
    return -1;
}

static int channel_index(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < NCH; i++)
        if (strcmp(s, CH_ID[i]) == 0)
            return i;
    return -1;
}

/* ---- model transitions --------------------------------------------------- */

static void set_cstate(world *w, mcontact *c, int st)
{
    w->n_state[c->state]--;
    w->n_state[st]++;
    c->state = (uint8_t)st;
}

static void release(world *w, mcontact *c)
{
    if (c->agent < 0)
        return;
    magent *a = &w->ag[c->agent];
    a->held[(int)c->channel]--;
    a->held_total--;
    a->held_excl -= c->excl;
    if (c->state == OQ_CONTACT_OFFERED)
        a->n_off--;
    else if (c->state == OQ_CONTACT_ACTIVE)
        a->n_act--;
    else if (c->state == OQ_CONTACT_WRAPUP)
        a->n_wrap--;
    a->used -= c->cost;
    c->cost = 0;
    c->due = INT64_MAX;
    c->agent = -1;
    c->excl = 0;
}

static void terminate(world *w, int ci)
{
    mcontact *c = &w->c[ci];
    release(w, c);
    set_cstate(w, c, 0);
    c->term++;
    int pos = c->live_pos;
    int last = w->live[--w->n_live];
    w->live[pos] = last;
    w->c[last].live_pos = pos;
    c->live_pos = -1;
}

static int64_t ms_of(double s) { return (int64_t)(s * 1000.0 + 0.5); }

static int excl_active(const world *w, const mexcl *x, int64_t now)
{
    return x->until > now && w->ag[x->agent].exists && w->ag[x->agent].pgen == x->pgen;
}

/* Is the agent kept from the contact at `now` (a recent reject / time-out,
 * no presence change since)? */
static int rejected_by(const world *w, const mcontact *c, int agent, int64_t now)
{
    for (int i = 0; i < c->nrej; i++)
        if (c->rej[i].agent == agent && excl_active(w, &c->rej[i], now))
            return 1;
    return 0;
}

static int forgettable_by(const mcontact *c, int agent)
{
    for (int i = 0; i < c->nrej; i++)
        if (c->rej[i].agent == agent && c->rej[i].forgettable)
            return 1;
    return 0;
}

static int n_excluded(const world *w, const mcontact *c, int64_t now)
{
    int n = 0;
    for (int i = 0; i < c->nrej; i++)
        n += excl_active(w, &c->rej[i], now);
    return n;
}

/* May the engine have forgotten the exclusion by now? Marked so after an
 * earlier op (settle_forgettable), or a candidate of this op, in which an
 * allocation failed (settled only when the next op begins). */
static int may_be_forgotten(const world *w, const mexcl *x)
{
    return x->forgettable ||
           (x->cand_op == w->op && w->alloc && w->alloc->n_failed > w->failed_before_op);
}

/* An active exclusion of the agent that the engine cannot have forgotten:
 * then a late accept or reject must say the offer timed out or was
 * rejected (a forgotten one says only that it is not offered). */
static int surely_rejected_by(const world *w, const mcontact *c, int agent, int64_t now)
{
    for (int i = 0; i < c->nrej; i++)
        if (c->rej[i].agent == agent && excl_active(w, &c->rej[i], now) && !may_be_forgotten(w, &c->rej[i]))
            return 1;
    return 0;
}

static int n_forgettable(const world *w, const mcontact *c, int64_t now)
{
    int n = 0;
    for (int i = 0; i < c->nrej; i++)
        n += may_be_forgotten(w, &c->rej[i]) && excl_active(w, &c->rej[i], now);
    return n;
}

/* The engine offered c to the agent at `now` although the model still
 * kept it from c (see check_offer): the engine forgot that exclusion, or
 * it had counted fewer misses and its shorter exclusion ended. End the
 * model's exclusion but keep its count: in the second case the engine's
 * next miss counts on from its own (no more than the model's), in the
 * first it starts again at one - fewer either way, which `forgettable`
 * allows (add_rej). */
static void forget_rej(mcontact *c, int agent, int64_t now)
{
    for (int i = 0; i < c->nrej; i++)
        if (c->rej[i].agent == agent) {
            c->rej[i].until = now;
            c->rej[i].forgettable = 1;
        }
}

/* The agent missed an offer of c at `now`: kept from it for its queue's
 * retry_after_s (at least 1 ms), doubled for each earlier miss in a row with
 * the same presence (replacing the agent's earlier exclusion). */
static void add_rej(world *w, mcontact *c, int agent, int64_t now)
{
    int n = 0;
    uint32_t misses = 1;
    int forgettable = 0;
    for (int i = 0; i < c->nrej; i++) {
        if (c->rej[i].agent != agent) {
            c->rej[n++] = c->rej[i];
        } else if (c->rej[i].pgen == w->ag[agent].pgen) {
            misses = c->rej[i].misses + 1;
            /* the engine may have counted from a forgotten one: fewer misses */
            forgettable = c->rej[i].forgettable;
        }
    }
    c->nrej = n;
    if (c->nrej == c->caprej) {
        c->caprej = c->caprej ? 2 * c->caprej : 4;
        c->rej = realloc(c->rej, (size_t)c->caprej * sizeof *c->rej);
        assert_non_null(c->rej);
    }
    mexcl *x = &c->rej[c->nrej++];
    x->agent = agent;
    x->pgen = w->ag[agent].pgen;
    x->misses = misses;
    x->cand_op = -1;
    x->forgettable = forgettable;
    int64_t d = ms_of(w->q[(int)c->queue].spec.retry_after_s);
    if (d < 1)
        d = 1;
    for (uint32_t k = 1; k < misses && d < INT64_MAX / 4; k++)
        d *= 2;
    x->until = now + d;
    c->misses_here++;
}

/* After op `op`: the exclusions that were candidates in it (they existed at
 * an offer time-out) become forgettable if an allocation failed in it. */
static void settle_forgettable(world *w, int64_t op, int failed)
{
    for (int i = 0; i < w->n_contact_nums; i++) {
        mcontact *c = &w->c[i];
        for (int j = 0; j < c->nrej; j++)
            if (c->rej[j].cand_op == op) {
                c->rej[j].forgettable |= failed;
                c->rej[j].cand_op = -1;
            }
    }
}

/* The routing profile in force for an agent: its own, else the first of its
 * groups (in the engine's order) that has one, else none (-1). */
static int eff_profile(const world *w, int an)
{
    const magent *a = &w->ag[an];
    if (a->profile >= 0)
        return a->profile;
    for (int i = 0; i < a->n_gorder; i++)
        if (w->gr_prof[a->gorder[i]] >= 0)
            return w->gr_prof[a->gorder[i]];
    return -1;
}

static void gorder_join(magent *a, int g) { a->gorder[a->n_gorder++] = g; }

static void gorder_leave(magent *a, int g)
{
    for (int i = 0; i < a->n_gorder; i++)
        if (a->gorder[i] == g) {
            a->gorder[i] = a->gorder[--a->n_gorder];
            return;
        }
}

/* Is queue qi listed by any existing profile (then it cannot be removed)? */
static int queue_listed(const world *w, int qi)
{
    for (int p = 0; p < NPR; p++)
        if (w->prof[p].exists && w->prof[p].qprio[qi] > 0)
            return 1;
    return 0;
}

static int profile_refs(const world *w, int p)
{
    int n = 0;
    for (int g = 0; g < NGR; g++)
        n += w->gr_exists[g] && w->gr_prof[g] == p;
    for (int i = 0; i < w->n_agent_nums; i++)
        n += w->ag[i].exists && w->ag[i].profile == p;
    return n;
}

static void hist_add(mcontact *c, int type, int64_t t, int agent)
{
    c->hist_total++;
    c->hist_type = (int8_t)type;
    c->hist_time = t;
    c->hist_agent = agent;
    c->hist_queue = c->queue;
}

/* A reservation for the contact's named agent until `until` (0: none); the
 * engine makes one only for an agent logged in and ready (read from the
 * engine inside the event callback: the presence at the moment). */
static void reserve(world *w, mcontact *c, int64_t until)
{
    c->pref_until = 0;
    if (until <= 0 || c->pref_agent < 0 || c->pref_agent >= w->n_agent_nums ||
        !w->ag[c->pref_agent].exists)
        return;
    char id[16];
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    agent_name(c->pref_agent, id);
    if (oq_agent_get(w->e, id, &ai) != OQ_OK || ai.presence != OQ_AGENT_READY)
        return;
    c->pref_until = until;
    c->pref_epoch = w->ag[c->pref_agent].pres_epoch;
}

/* Is the contact still reserved for its named agent at `now`? */
static int reserved_at(const world *w, const mcontact *c, int64_t now)
{
    return c->pref_until > now && c->pref_agent >= 0 && w->ag[c->pref_agent].exists &&
           w->ag[c->pref_agent].pres_epoch == c->pref_epoch;
}

/* ---- event sink ---------------------------------------------------------- */

static void check_offer(world *w, const oq_event *ev, mcontact *c, int ci, int an)
{
    oq_engine *e = w->e;
    magent *a = &w->ag[an];
    int ch = c->channel;
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    if (oq_agent_get(e, ev->agent, &ai) != OQ_OK) {
        FAILF(w, "OFFERED c%d to %s: oq_agent_get fails in callback", ci, ev->agent);
        return;
    }
    if (ai.presence != OQ_AGENT_READY)
        FAILF(w, "OFFERED c%d to %s whose presence is %d", ci, ev->agent, ai.presence);
    if (ai.used_capacity > ai.capacity)
        FAILF(w, "OFFERED c%d to %s: used %d > capacity %d", ci, ev->agent, ai.used_capacity,
              ai.capacity);
    if (rejected_by(w, c, an, ev->time_ms)) {
        /* Under injected failures an offer time-out that finds no memory for
         * the next exclusion's room forgets the contact's oldest exclusion
         * (absorbed: contact_life.c, exclusion_room_after_timeout). Which
         * allocation fails depends on how many the engine makes, so this is
         * allowed (and the model forgets it too) in an op where an
         * allocation failed, or later for an exclusion that existed at a
         * time-out of such an op (the agent may be in back-off until then). */
        if ((w->enomem_mode && w->alloc && w->alloc->n_failed > w->failed_before_op) ||
            forgettable_by(c, an))
            forget_rej(c, an, ev->time_ms);
        else
            FAILF(w, "OFFERED c%d again to %s which rejected it / timed out", ci, ev->agent);
    }
    int32_t max_offers = w->q[(int)c->queue].spec.max_offers;
    if (max_offers > 0 && c->misses_here >= max_offers)
        FAILF(w, "OFFERED c%d to %s after %d missed offers in %s (max_offers %d)", ci, ev->agent,
              c->misses_here, Q_ID[(int)c->queue], max_offers);
    if (w->ch[ch].exclusive && a->held_total > 0)
        FAILF(w, "OFFERED exclusive c%d to %s holding %d items", ci, ev->agent, a->held_total);
    if (a->held_excl > 0)
        FAILF(w, "OFFERED c%d to %s holding an exclusive item", ci, ev->agent);
    int64_t now = ev->time_ms;
    int qn = c->queue;
    int pi = eff_profile(w, an);
    const mprofile *pr = pi >= 0 ? &w->prof[pi] : NULL;
    int lim = a->lim[ch] >= 0 ? a->lim[ch] : pr && pr->chmax[ch] >= 0 ? pr->chmax[ch] : w->ch[ch].max;
    if (a->held[ch] >= lim)
        FAILF(w, "OFFERED c%d (%s) to %s holding %d, limit %d", ci, CH_ID[ch], ev->agent,
              a->held[ch], lim);
    if (pr) {
        w->n_profile_offers++;
        if (!pr->qprio[qn])
            FAILF(w, "OFFERED c%d of %s to %s whose profile %s does not list the queue", ci,
                  Q_ID[qn], ev->agent, P_ID[pi]);
        else if (now - c->entered < pr->qdelay[qn])
            FAILF(w, "OFFERED c%d to %s after %lld ms in %s, profile %s delay %lld ms", ci,
                  ev->agent, (long long)(now - c->entered), Q_ID[qn], P_ID[pi],
                  (long long)pr->qdelay[qn]);
        for (int x = 0; x < NCH; x++)
            if (x != ch && a->held[x] > 0 && !pr->chcross[x])
                FAILF(w, "OFFERED c%d (%s) to %s holding %s (current channel only in %s)", ci,
                      CH_ID[ch], ev->agent, CH_ID[x], P_ID[pi]);
    }
    if (now < a->blocked_until)
        FAILF(w, "OFFERED c%d to %s at %lld, backing off until %lld", ci, ev->agent,
              (long long)now, (long long)a->blocked_until);
    if (a->pol_mpw > 0 && a->ring_n == a->pol_mpw && a->ring[a->ring_head] + a->pol_window > now)
        FAILF(w, "OFFERED c%d to %s: %d offers since %lld, window %lld ms", ci, ev->agent,
              a->pol_mpw, (long long)a->ring[a->ring_head], (long long)a->pol_window);
    if (reserved_at(w, c, now)) {
        w->n_reserved_offers++;
        if (c->pref_agent != an)
            FAILF(w, "OFFERED c%d to %s while reserved for a%d until %lld", ci, ev->agent,
                  c->pref_agent, (long long)c->pref_until);
    }
    /* Outbound blending (an outbound contact only when the agent has no inbound
     * candidate; under SL_ABOVE_TARGET only while its inbound queues meet their
     * targets) is not asserted: it would need the engine's whole lane state. */
    const mqueue *q = &w->q[(int)c->queue];
    for (int s = 0; s < NSK; s++) {
        if (!q->req[s])
            continue;
        int32_t lv = -1;
        if (oq_agent_get_skill(e, ev->agent, SK_ID[s], &lv) != OQ_OK || lv < q->req[s])
            FAILF(w, "OFFERED c%d to %s: queue %s requires %s %d, agent has %d", ci, ev->agent,
                  Q_ID[(int)c->queue], SK_ID[s], q->req[s], lv);
    }
    for (int k = 0; k < c->n_creq; k++) {
        int32_t lv = -1;
        if (oq_agent_get_skill(e, ev->agent, SK_ID[(int)c->creq_sk[k]], &lv) != OQ_OK ||
            lv < c->creq_lv[k])
            FAILF(w, "OFFERED c%d to %s: contact requires %s %d, agent has %d", ci, ev->agent,
                  SK_ID[(int)c->creq_sk[k]], c->creq_lv[k], lv);
    }
    int any_group = 0, in_group = 0;
    for (int g = 0; g < NGR; g++)
        if (q->grp[g]) {
            any_group = 1;
            in_group |= a->grp[g];
        }
    if (any_group && !in_group)
        FAILF(w, "OFFERED c%d to %s: not in any group queue %s targets", ci, ev->agent,
              Q_ID[(int)c->queue]);
}

static void on_event(const oq_event *ev, void *user)
{
    world *w = user;
    oq_engine *e = w->e;
    w->ev_in_call++;
    w->total_events++;
    if (ev->type > 0 && ev->type < 32)
        w->ev_by_type[ev->type]++;
    int64_t now = 0;
    oq_engine_now(e, &now);
#ifdef OQ_EV_INTERVAL_CLOSED
    if (ev->type == OQ_EV_INTERVAL_CLOSED)
        return; /* statistics: time_ms is the interval's end, no contact */
#endif
    if (ev->time_ms != now)
        FAILF(w, "event %s at %lld, engine clock %lld", oq_event_type_name(ev->type),
              (long long)ev->time_ms, (long long)now);
    if (ev->time_ms < w->last_ev_time)
        FAILF(w, "event %s time went backwards", oq_event_type_name(ev->type));
    w->last_ev_time = ev->time_ms;
    if (w->reentry_probe && (rnd_next(&w->rng) & 63) == 0) {
        /* Mutating calls from the callback must be refused. */
        w->n_reentry++;
        if (oq_engine_advance(e, now) != OQ_EBUSY || oq_agent_add(e, "reentry", 100) != OQ_EBUSY)
            FAILF(w, "mutating call inside callback was not refused with OQ_EBUSY");
        /* Read-only calls must work here. oq_engine_check() may see the
         * engine half-way through an update (reported in /tmp/helper2-bugs.md,
         * asserted strictly in test_api_errors): count, do not fail. */
        if (oq_engine_check(e) != OQ_OK) {
            w->n_cb_check_fail++;
            if (!w->cb_check_msg[0])
                snprintf(w->cb_check_msg, sizeof w->cb_check_msg, "%s during %s",
                         oq_engine_last_error(e), oq_event_type_name(ev->type));
        }
    }

    if (ev->type == OQ_EV_AGENT_STATE) {
        int an = parse_num(ev->agent, 'a');
        if (an < 0 || an >= w->n_agent_nums || !w->ag[an].exists) {
            FAILF(w, "AGENT_STATE for unknown agent %s", ev->agent ? ev->agent : "(null)");
            return;
        }
        oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
        if (oq_agent_get(e, ev->agent, &ai) != OQ_OK || ai.state != ev->agent_state)
            FAILF(w, "AGENT_STATE %s: event says %d, oq_agent_get disagrees", ev->agent,
                  ev->agent_state);
        /* A logged-out agent still holding work says so (a pending logout). */
        int logging_out = ai.presence == OQ_AGENT_OFFLINE && ai.state != OQ_AGENT_OFFLINE;
        if (logging_out != (ev->detail && strcmp(ev->detail, "logging out") == 0))
            FAILF(w, "AGENT_STATE %s: detail '%s' but presence %d state %d", ev->agent,
                  ev->detail ? ev->detail : "", ai.presence, ai.state);
        if (ev->agent_state == ev->prev_agent_state && !logging_out)
            FAILF(w, "AGENT_STATE %s: unchanged state %d without a pending logout", ev->agent,
                  ev->agent_state);
        return;
    }

    if (ev->type == OQ_EV_QUEUE_OPENED || ev->type == OQ_EV_QUEUE_CLOSED) {
        /* the queue names that calendar, and the model agrees it opened / closed now */
        int qi = queue_index(ev->queue);
        int k = cal_index(ev->detail);
        w->n_cal_events++;
        if (qi < 0 || !w->q[qi].exists || cal_index(w->q[qi].spec.calendar) != k || k < 0 ||
            !w->cal[k].exists)
            FAILF(w, "%s for queue %s calendar %s the model does not have",
                  oq_event_type_name(ev->type), ev->queue ? ev->queue : "(null)",
                  ev->detail ? ev->detail : "(null)");
        else if (cal_open(&w->cal[k], ev->time_ms) != (ev->type == OQ_EV_QUEUE_OPENED))
            FAILF(w, "%s %s at %lld: the model's calendar %s is %s", oq_event_type_name(ev->type),
                  ev->queue, (long long)ev->time_ms, ev->detail,
                  cal_open(&w->cal[k], ev->time_ms) ? "open" : "closed");
        return;
    }
    if (ev->contact && ev->detail && strcmp(ev->detail, "closed") == 0) {
        w->closed_ci = parse_num(ev->contact, 'c');
        w->closed_type = ev->type;
    }
    if (ev->type == OQ_EV_ALERT && !ev->contact)
        return; /* a queue-level supervisor alert */
    int ci = parse_num(ev->contact, 'c');
    if (ci < 0 || ci >= w->n_contact_nums) {
        FAILF(w, "event %s names unknown contact %s", oq_event_type_name(ev->type),
              ev->contact ? ev->contact : "(null)");
        return;
    }
    mcontact *c = &w->c[ci];
    if (c->term) {
        FAILF(w, "event %s for c%d after its terminal event", oq_event_type_name(ev->type), ci);
        return;
    }
    if (!c->arrived && ev->type == OQ_EV_QUEUE_REJECTED && ci == w->arriving) {
        /* refused at arrival by a queue limit: reported once, never held */
        c->arrived = 1;
        c->term = 1;
        c->agent = -1;
        c->live_pos = -1;
        w->arriving = -1;
        w->n_refused++;
        return;
    }
    if (!c->arrived) {
        if (ev->type != OQ_EV_CONTACT_QUEUED || ci != w->arriving) {
            FAILF(w, "event %s for c%d which never arrived", oq_event_type_name(ev->type), ci);
            return;
        }
        c->arrived = 1;
        c->queue = (int8_t)w->arriving_q;
        c->channel = (int8_t)w->arriving_ch;
        c->n_creq = (int8_t)w->arriving_nreq;
        for (int k = 0; k < w->arriving_nreq; k++) {
            c->creq_sk[k] = (int8_t)w->arriving_sk[k];
            c->creq_lv[k] = (int8_t)w->arriving_lv[k];
        }
        c->agent = -1;
        c->due = INT64_MAX;
        c->entered = ev->time_ms;
        c->pref_agent = w->arriving_pa;
        reserve(w, c, w->arriving_pwait > 0 ? ev->time_ms + w->arriving_pwait : 0);
        if (c->pref_agent < 0) { /* last-agent routing may have named one */
            oq_contact_info li = OQ_OUTPUT_INIT(oq_contact_info);
            if (oq_contact_get(e, ev->contact, &li) == OQ_OK && li.preferred_agent) {
                c->pref_agent = parse_num(li.preferred_agent, 'a');
                w->n_last_agent++;
                if (c->pref_agent < 0 || !w->q[(int)c->queue].spec.last_agent_window_s)
                    FAILF(w, "c%d arrived preferring %s in %s without last-agent routing", ci,
                          li.preferred_agent, Q_ID[(int)c->queue]);
                reserve(w, c, li.reserved_until_ms);
            }
        }
        c->first_time = ev->time_ms;
        hist_add(c, OQ_EV_CONTACT_QUEUED, ev->time_ms, -1);
        c->live_pos = w->n_live;
        w->live[w->n_live++] = ci;
        w->n_state[0]++; /* set_cstate moves it from "none" */
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        w->arriving = -1;
        if (ev->agent)
            FAILF(w, "arrival QUEUED event for c%d names an agent", ci);
        if (queue_index(ev->queue) != c->queue)
            FAILF(w, "arrival of c%d in queue %s, expected %s", ci, ev->queue, Q_ID[(int)c->queue]);
        return;
    }
#ifdef OQ_EV_OVERFLOWED
    if (ev->type == OQ_EV_OVERFLOWED) {
        /* moved by a limit or a ladder step; a callback changes the channel */
        int to = queue_index(ev->queue), ch = channel_index(ev->channel);
        if (to < 0 || ch < 0 || queue_index(ev->from_queue) != c->queue ||
            c->state == OQ_CONTACT_WRAPUP || c->state == OQ_CONTACT_ACTIVE) {
            FAILF(w, "OVERFLOWED c%d (state %d) from %s to %s", ci, c->state,
                  ev->from_queue ? ev->from_queue : "(null)", ev->queue ? ev->queue : "(null)");
            return;
        }
        release(w, c);
        c->nrej = 0;
        c->misses_here = 0;
        c->queue = (int8_t)to;
        c->channel = (int8_t)ch;
        c->entered = ev->time_ms;
        c->pref_until = 0;
        hist_add(c, OQ_EV_OVERFLOWED, ev->time_ms, -1);
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        return;
    }
#endif
    if (ev->type == OQ_EV_CALLBACK_QUEUED) {
        /* a kept-place callback: same queue and place, the callback channel */
        const mqueue *q = &w->q[(int)c->queue];
        int ch = channel_index(ev->channel);
        if (c->state != OQ_CONTACT_QUEUED || c->callback || queue_index(ev->queue) != c->queue ||
            ch < 0 || !q->spec.callback_channel || strcmp(ev->channel, q->spec.callback_channel) != 0) {
            FAILF(w, "CALLBACK_QUEUED c%d (state %d, callback %d) in %s on %s", ci, c->state,
                  c->callback, ev->queue ? ev->queue : "(null)", ev->channel ? ev->channel : "(null)");
            return;
        }
        c->channel = (int8_t)ch;
        c->callback = 1;
        c->nrej = 0;
        c->misses_here = 0;
        hist_add(c, OQ_EV_CALLBACK_QUEUED, ev->time_ms, -1);
        w->n_callbacks++;
        return;
    }
    if (channel_index(ev->channel) != c->channel)
        FAILF(w, "event %s for c%d: channel %s, expected %s", oq_event_type_name(ev->type), ci,
              ev->channel ? ev->channel : "(null)", CH_ID[(int)c->channel]);
    int moves_queue = ev->type == OQ_EV_TRANSFERRED || ev->type == OQ_EV_REOPENED;
#ifdef OQ_EV_OVERFLOWED
    moves_queue |= ev->type == OQ_EV_OVERFLOWED;
#endif
    if (!moves_queue && ev->queue && queue_index(ev->queue) != c->queue)
        FAILF(w, "event %s for c%d: queue %s, expected %s", oq_event_type_name(ev->type), ci,
              ev->queue ? ev->queue : "(null)", Q_ID[(int)c->queue]);
    int an = parse_num(ev->agent, 'a');
    int holder_ok = c->agent >= 0 && an == c->agent;
    switch (ev->type) {
    case OQ_EV_CONTACT_QUEUED: /* an offer withdrawn (agent logged out) */
        if (c->state != OQ_CONTACT_OFFERED || !holder_ok)
            FAILF(w, "QUEUED (withdraw) for c%d in state %d", ci, c->state);
        release(w, c);
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        break;
    case OQ_EV_OFFERED:
        if (c->state != OQ_CONTACT_QUEUED || an < 0 || an >= w->n_agent_nums || !w->ag[an].exists) {
            FAILF(w, "OFFERED c%d (state %d) to %s", ci, c->state, ev->agent ? ev->agent : "(null)");
            return;
        }
        check_offer(w, ev, c, ci, an);
        {
            magent *a = &w->ag[an];
            c->agent = an;
            c->excl = (uint8_t)w->ch[(int)c->channel].exclusive;
            a->held[(int)c->channel]++;
            a->held_total++;
            a->held_excl += c->excl;
            a->n_off++;
            c->cost = w->ch[(int)c->channel].cost;
            a->used += c->cost;
            c->n_offers++;
            if (a->pol_mpw > 0) { /* the fair-distribution ring, as the engine keeps it */
                int slot = (a->ring_head + a->ring_n) % a->pol_mpw;
                if (a->ring_n == a->pol_mpw) {
                    slot = a->ring_head;
                    a->ring_head = (a->ring_head + 1) % a->pol_mpw;
                } else {
                    a->ring_n++;
                }
                a->ring[slot] = ev->time_ms;
            }
            double to = w->q[(int)c->queue].spec.offer_timeout_s;
            c->due = to > 0 ? ev->time_ms + (int64_t)(to * 1000.0 + 0.5) : INT64_MAX;
            set_cstate(w, c, OQ_CONTACT_OFFERED);
        }
        break;
    case OQ_EV_OFFER_REJECTED:
    case OQ_EV_OFFER_TIMEOUT:
        if (c->state != OQ_CONTACT_OFFERED || !holder_ok) {
            FAILF(w, "%s for c%d (state %d, holder a%d) by %s", oq_event_type_name(ev->type), ci,
                  c->state, c->agent, ev->agent ? ev->agent : "(null)");
            return;
        }
        if (ev->type == OQ_EV_OFFER_TIMEOUT && ev->time_ms != c->due)
            FAILF(w, "OFFER_TIMEOUT c%d at %lld, due %lld", ci, (long long)ev->time_ms,
                  (long long)c->due);
        add_rej(w, c, an, ev->time_ms);
        if (w->enomem_mode && ev->type == OQ_EV_OFFER_TIMEOUT)
            for (int i = 0; i < c->nrej; i++) /* the oldest may go, this one included */
                c->rej[i].cand_op = w->op;
        {
            magent *a = &w->ag[an];
            int64_t d = ev->type == OQ_EV_OFFER_TIMEOUT ? a->pol_na_delay : a->pol_rej_delay;
            if (d > 0)
                a->blocked_until = ev->time_ms + d;
            if (c->pref_agent == an) /* its named agent let it go: anyone's now */
                c->pref_until = 0;
            if (ev->type == OQ_EV_OFFER_TIMEOUT &&
                (w->q[(int)c->queue].spec.timeout_not_ready || a->pol_max_na > 0)) {
                a->pres_epoch++; /* it may be paused ("no answer") */
            }
        }
        release(w, c);
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        break;
    case OQ_EV_ASSIGNED:
        if (c->state != OQ_CONTACT_OFFERED || !holder_ok) {
            FAILF(w, "ASSIGNED c%d in state %d", ci, c->state);
            return;
        }
        w->ag[an].n_off--;
        w->ag[an].n_act++;
        c->due = INT64_MAX;
        c->pref_until = 0;
        hist_add(c, OQ_EV_ASSIGNED, ev->time_ms, an);
        set_cstate(w, c, OQ_CONTACT_ACTIVE);
        break;
    case OQ_EV_WRAPUP_STARTED:
        if (c->state != OQ_CONTACT_ACTIVE || !holder_ok) {
            FAILF(w, "WRAPUP_STARTED c%d in state %d", ci, c->state);
            return;
        }
        w->ag[an].n_act--;
        w->ag[an].n_wrap++;
        {
            double wu = w->q[(int)c->queue].spec.wrapup_s;
            if (!(wu > 0))
                FAILF(w, "WRAPUP_STARTED c%d but queue %s has no wrap-up", ci, Q_ID[(int)c->queue]);
            c->due = ev->time_ms + (int64_t)(wu * 1000.0 + 0.5);
        }
        set_cstate(w, c, OQ_CONTACT_WRAPUP);
        break;
    case OQ_EV_COMPLETED:
        if ((c->state != OQ_CONTACT_ACTIVE && c->state != OQ_CONTACT_WRAPUP) || !holder_ok)
            FAILF(w, "COMPLETED c%d in state %d", ci, c->state);
        if (c->state == OQ_CONTACT_ACTIVE && w->q[(int)c->queue].spec.wrapup_s > 0)
            FAILF(w, "COMPLETED c%d without the wrap-up of queue %s", ci, Q_ID[(int)c->queue]);
        if (c->state == OQ_CONTACT_WRAPUP && !w->ending_wrapup && ev->time_ms != c->due)
            FAILF(w, "wrap-up of c%d ended at %lld, due %lld", ci, (long long)ev->time_ms,
                  (long long)c->due);
        if (holder_ok)
            w->ag[an].handled++;
        terminate(w, ci);
        break;
    case OQ_EV_ABANDONED:
        if (c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED)
            FAILF(w, "ABANDONED c%d in state %d", ci, c->state);
        terminate(w, ci);
        break;
    case OQ_EV_REMOVED:
        terminate(w, ci);
        break;
    case OQ_EV_TRANSFERRED: {
        int to = queue_index(ev->queue);
        if (!ev->from_queue) {
            /* oq_contact_transfer_to_agent: back into its own queue (keeping its
             * place and its wait), reserved for the agent named in detail */
            int ta = parse_num(ev->detail, 'a');
            if (c->state == OQ_CONTACT_WRAPUP || c->state == OQ_CONTACT_PARKED || to != c->queue ||
                ci != w->pend_ci || ta != w->pend_agent) {
                FAILF(w, "TRANSFERRED (to agent %s) c%d state %d to %s", ev->detail ? ev->detail : "(null)",
                      ci, c->state, ev->queue ? ev->queue : "(null)");
                return;
            }
            release(w, c);
            c->nrej = 0;
            c->misses_here = 0;
            c->pref_agent = ta;
            reserve(w, c, ev->time_ms + w->pend_wait);
            hist_add(c, OQ_EV_TRANSFERRED, ev->time_ms, ta);
            set_cstate(w, c, OQ_CONTACT_QUEUED);
            break;
        }
        if (c->state == OQ_CONTACT_WRAPUP || c->state == OQ_CONTACT_PARKED || to < 0 ||
            queue_index(ev->from_queue) != c->queue) {
            FAILF(w, "TRANSFERRED c%d state %d from %s to %s", ci, c->state,
                  ev->from_queue ? ev->from_queue : "(null)", ev->queue ? ev->queue : "(null)");
            return;
        }
        release(w, c);
        c->nrej = 0;
        c->misses_here = 0;
        c->queue = (int8_t)to;
        c->entered = ev->time_ms;
        c->pref_until = 0;
        hist_add(c, OQ_EV_TRANSFERRED, ev->time_ms, -1);
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        break;
    }
    case OQ_EV_PARKED: {
        /* waits for the customer: its agent is released and becomes its owner */
        if (c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED &&
            c->state != OQ_CONTACT_ACTIVE) {
            FAILF(w, "PARKED c%d in state %d", ci, c->state);
            return;
        }
        if (c->agent >= 0 ? !holder_ok : ev->agent != NULL)
            FAILF(w, "PARKED c%d names agent %s, holder a%d", ci, ev->agent ? ev->agent : "(null)",
                  c->agent);
        int owner = c->agent;
        release(w, c);
        if (owner >= 0)
            c->pref_agent = owner;
        c->pref_until = 0;
        hist_add(c, OQ_EV_PARKED, ev->time_ms, owner);
        set_cstate(w, c, OQ_CONTACT_PARKED);
        break;
    }
    case OQ_EV_REOPENED: {
        int to = queue_index(ev->queue);
        if (c->state != OQ_CONTACT_PARKED || to < 0 || !w->q[to].ch[(int)c->channel] ||
            ci != w->pend_ci || ev->agent) {
            FAILF(w, "REOPENED c%d state %d into %s", ci, c->state, ev->queue ? ev->queue : "(null)");
            return;
        }
        c->queue = (int8_t)to;
        c->nrej = 0;
        c->misses_here = 0;
        c->entered = ev->time_ms;
        reserve(w, c, w->pend_wait > 0 ? ev->time_ms + w->pend_wait : 0);
        hist_add(c, OQ_EV_REOPENED, ev->time_ms, -1);
        set_cstate(w, c, OQ_CONTACT_QUEUED);
        break;
    }
    case OQ_EV_PRIORITY_CHANGED:
        break;
#ifdef OQ_EV_QUEUE_REJECTED
    case OQ_EV_QUEUE_REJECTED: /* refused by a queue limit: forgotten, reported once */
        if (c->state != OQ_CONTACT_QUEUED)
            FAILF(w, "QUEUE_REJECTED c%d in state %d", ci, c->state);
        if (c->callback && ev->detail && strcmp(ev->detail, "max wait") == 0)
            FAILF(w, "QUEUE_REJECTED kept-place callback c%d for its max wait", ci);
        w->n_refused++;
        terminate(w, ci);
        break;
#endif
#ifdef OQ_EV_ESCALATED
    case OQ_EV_ESCALATED:
    case OQ_EV_ALERT:
    case OQ_EV_DEADLINE_WARNING:
    case OQ_EV_DEADLINE_BREACH:
        break; /* informational: the contact is live (checked above) */
#endif
    default:
        FAILF(w, "unknown event type %d", ev->type);
    }
}

/* ---- setup --------------------------------------------------------------- */

static oq_status mk_channel(world *w, int i, int sync, int excl, int cost, int max)
{
    oq_channel_spec s;
    oq_channel_spec_init(&s);
    s.id = CH_ID[i];
    s.synchronous = sync;
    s.exclusive = excl;
    s.capacity_cost = cost;
    s.max_per_agent = max;
    oq_status st = oq_channel_add(w->e, &s);
    if (st == OQ_OK) {
        w->ch[i].exists = 1;
        w->ch[i].exclusive = excl;
        w->ch[i].cost = cost;
        w->ch[i].max = max;
    }
    return st;
}

static oq_status mk_skill(world *w, int i, int max)
{
    oq_status st = oq_skill_add(w->e, SK_ID[i], max);
    if (st == OQ_OK) {
        w->sk_exists[i] = 1;
        w->sk_max[i] = max;
    }
    return st;
}

static oq_status mk_group(world *w, int i)
{
    oq_status st = oq_group_add(w->e, GR_ID[i]);
    if (st == OQ_OK)
        w->gr_exists[i] = 1;
    return st;
}

static oq_status mk_queue(world *w, int i, int ordering, int strategy, double timeout,
                          double wrapup, int tnr)
{
    mqueue *q = &w->q[i];
    memset(q, 0, sizeof *q);
    oq_queue_spec_init(&q->spec);
    q->spec.id = Q_ID[i];
    q->spec.ordering = ordering;
    q->spec.strategy = strategy;
    q->spec.offer_timeout_s = timeout;
    q->spec.wrapup_s = wrapup;
    q->spec.timeout_not_ready = tnr;
    q->spec.aging_per_s = ordering == OQ_ORDER_PRIORITY ? 0.5 : 0;
    q->spec.priority = (int32_t)i;
    oq_status st = oq_queue_add(w->e, &q->spec);
    q->exists = st == OQ_OK;
    return st;
}

static oq_status q_channel(world *w, int qi, int ch)
{
    w->q[qi].ch[ch] = 1;
    oq_status st = oq_queue_add_channel(w->e, clock_now(w), Q_ID[qi], CH_ID[ch]);
    if (st != OQ_OK)
        w->q[qi].ch[ch] = 0;
    return st;
}

static oq_status q_req(world *w, int qi, int sk, int lv, int pref)
{
    int *arr = pref ? w->q[qi].pref : w->q[qi].req;
    int old = arr[sk];
    arr[sk] = lv;
    oq_status st = pref ? oq_queue_prefer_skill(w->e, clock_now(w), Q_ID[qi], SK_ID[sk], lv)
                        : oq_queue_require_skill(w->e, clock_now(w), Q_ID[qi], SK_ID[sk], lv);
    if (st != OQ_OK)
        arr[sk] = old;
    return st;
}

static oq_status q_group(world *w, int qi, int g, int add)
{
    int old = w->q[qi].grp[g];
    w->q[qi].grp[g] = add;
    oq_status st = add ? oq_queue_add_group(w->e, clock_now(w), Q_ID[qi], GR_ID[g])
                       : oq_queue_remove_group(w->e, clock_now(w), Q_ID[qi], GR_ID[g]);
    if (st != OQ_OK)
        w->q[qi].grp[g] = old;
    return st;
}

static oq_status mk_agent(world *w, int cap)
{
    char id[16];
    int n = w->n_agent_nums;
    if (n >= MAXA)
        return OQ_ERANGE;
    agent_name(n, id);
    oq_status st = oq_agent_add(w->e, id, cap);
    if (st != OQ_OK)
        return st;
    w->n_agent_nums++;
    magent *a = &w->ag[n];
    memset(a, 0, sizeof *a);
    a->exists = 1;
    a->profile = -1;
    for (int i = 0; i < NCH; i++)
        a->lim[i] = -1;
    /* Skills and groups: failures (ENOMEM) leave the model in step. */
    for (int s = 0; s < 5; s++)
        if (rn(w, 100) < 55)
            if ((st = oq_agent_set_skill(w->e, clock_now(w), id, SK_ID[s],
                                         1 + (int32_t)rn(w, (uint32_t)w->sk_max[s]))) != OQ_OK)
                return st;
    for (int g = 0; g < 3; g++)
        if (rn(w, 100) < 40) {
            a->grp[g] = 1;
            gorder_join(a, g);
            if ((st = oq_agent_join_group(w->e, clock_now(w), id, GR_ID[g])) != OQ_OK) {
                a->grp[g] = 0;
                gorder_leave(a, g);
                return st;
            }
        }
    return OQ_OK;
}

static oq_status setup_center(world *w)
{
    TRY(mk_channel(w, 0, 1, 1, 100, 1));
    TRY(mk_channel(w, 1, 1, 0, 30, 3));
    TRY(mk_channel(w, 2, 0, 0, 10, 5));
    TRY(mk_channel(w, 3, 0, 0, 50, 2));
    TRY(mk_skill(w, 0, 5));
    TRY(mk_skill(w, 1, 5));
    TRY(mk_skill(w, 2, 3));
    TRY(mk_skill(w, 3, 3));
    TRY(mk_skill(w, 4, 1));
    for (int g = 0; g < 3; g++)
        TRY(mk_group(w, g));
    TRY(mk_queue(w, 0, OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, 10, 5, 0));
    TRY(q_channel(w, 0, 0));
    TRY(q_channel(w, 0, 1));
    TRY(q_req(w, 0, 0, 1, 0));
    TRY(mk_queue(w, 1, OQ_ORDER_PRIORITY, OQ_STRATEGY_LEAST_OCCUPIED, 20, 0, 0));
    TRY(q_channel(w, 1, 1));
    TRY(q_channel(w, 1, 2));
    TRY(q_req(w, 1, 1, 2, 0));
    TRY(q_req(w, 1, 2, 1, 1));
    TRY(mk_queue(w, 2, OQ_ORDER_DEADLINE, OQ_STRATEGY_FEWEST_HANDLED, 0, 2, 0));
    TRY(q_channel(w, 2, 2));
    TRY(q_channel(w, 2, 3));
    TRY(mk_queue(w, 3, OQ_ORDER_PRIORITY, OQ_STRATEGY_BEST_SKILL, 8, 1.5, 1));
    TRY(q_channel(w, 3, 0));
    TRY(q_req(w, 3, 4, 1, 0));
    TRY(q_group(w, 3, 0, 1));
    TRY(mk_queue(w, 4, OQ_ORDER_FIFO, OQ_STRATEGY_ROUND_ROBIN, 15, 3, 0));
    for (int ch = 0; ch < 4; ch++)
        TRY(q_channel(w, 4, ch));
    TRY(mk_queue(w, 5, OQ_ORDER_FIFO, OQ_STRATEGY_RANDOM, 12, 0, 1));
    TRY(q_channel(w, 5, 0));
    TRY(q_channel(w, 5, 1));
    TRY(q_req(w, 5, 2, 2, 1));
    TRY(q_group(w, 5, 1, 1));
    TRY(q_group(w, 5, 2, 1));
    for (int i = 0; i < 16; i++)
        TRY(mk_agent(w, i % 5 == 4 ? 60 : i % 7 == 3 ? 200 : 100));
    return OQ_OK;
}

static void world_init(world *w, uint64_t seed, test_alloc *alloc, int max_contacts)
{
    memset(w, 0, sizeof *w);
    w->rng = seed;
    w->alloc = alloc;
    w->arriving = -1;
    w->arriving_pa = -1;
    w->pend_ci = w->pend_agent = -1;
    for (int g = 0; g < NGR; g++)
        w->gr_prof[g] = -1;
    /* Some seeds let a customer who abandons resume their place (engine.h). */
    w->abandon_resume_s = seed % 3 != 0 ? 5.0 * (double)(1 + seed % 7) : 0;
    w->ag = calloc(MAXA, sizeof *w->ag);
    w->cap_contacts = max_contacts + 16;
    w->c = calloc((size_t)w->cap_contacts, sizeof *w->c);
    w->live = calloc((size_t)w->cap_contacts, sizeof *w->live);
    assert_non_null(w->ag);
    assert_non_null(w->c);
    assert_non_null(w->live);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = on_event;
    o.event_user = w;
    o.seed = seed;
    o.start_ms = 1000000;
    o.abandon_resume_s = w->abandon_resume_s;
    if (alloc) {
        o.alloc = test_alloc_fn;
        o.alloc_user = alloc;
    }
    assert_oq_ok(NULL, oq_engine_create(&o, &w->e));
}

static void world_free(world *w)
{
    for (int i = 0; i < w->n_contact_nums; i++)
        free(w->c[i].rej);
    free(w->c);
    free(w->live);
    free(w->ag);
}

/* ---- per-op checks ------------------------------------------------------- */

typedef struct snap {
    oq_engine_counts counts;
    int64_t now;
    int has_c;
    oq_contact_info ci;
    char c_agent[32], c_queue[32];
    int has_a;
    oq_agent_info ai;
    char a_reason[300];
} snap;

static void take_snap(world *w, snap *s, const char *contact, const char *agent)
{
    memset(s, 0, sizeof *s);
    s->counts.struct_size = sizeof s->counts;
    s->ci.struct_size = sizeof s->ci;
    s->ai.struct_size = sizeof s->ai;
    assert_oq_ok(w->e, oq_engine_get_counts(w->e, &s->counts));
    s->now = clock_now(w);
    if (contact && oq_contact_get(w->e, contact, &s->ci) == OQ_OK) {
        s->has_c = 1;
        snprintf(s->c_agent, sizeof s->c_agent, "%s", s->ci.agent ? s->ci.agent : "");
        snprintf(s->c_queue, sizeof s->c_queue, "%s", s->ci.queue);
    }
    if (agent && oq_agent_get(w->e, agent, &s->ai) == OQ_OK) {
        s->has_a = 1;
        snprintf(s->a_reason, sizeof s->a_reason, "%s", s->ai.not_ready_reason);
    }
}

static void assert_snap_equal(world *w, const snap *a, const snap *b, const char *what)
{
    if (memcmp(&a->counts, &b->counts, sizeof a->counts) != 0 || a->now != b->now ||
        a->has_c != b->has_c || a->has_a != b->has_a)
        fail_msg("op %lld %s: failed call changed engine counts/clock", (long long)w->op, what);
    if (a->has_c) {
        const oq_contact_info *x = &a->ci, *y = &b->ci;
        if (x->state != y->state || x->priority != y->priority || x->enqueued_ms != y->enqueued_ms ||
            x->n_rejected != y->n_rejected || x->n_offers != y->n_offers ||
            strcmp(a->c_agent, b->c_agent) != 0 || strcmp(a->c_queue, b->c_queue) != 0)
            fail_msg("op %lld %s: failed call changed the contact", (long long)w->op, what);
    }
    if (a->has_a) {
        oq_agent_info x = a->ai, y = b->ai;
        x.not_ready_reason = y.not_ready_reason = NULL;
        if (memcmp(&x, &y, sizeof x) != 0 || strcmp(a->a_reason, b->a_reason) != 0)
            fail_msg("op %lld %s: failed call changed the agent", (long long)w->op, what);
    }
}

static void check_after_op(world *w, const char *what)
{
    if (w->fail[0])
        fail_msg("op %lld (%s), seed state: %s", (long long)w->op, what, w->fail);
    if (oq_engine_check(w->e) != OQ_OK)
        fail_msg("op %lld (%s): oq_engine_check: %s", (long long)w->op, what,
                 oq_engine_last_error(w->e));
    oq_engine_counts k = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(w->e, oq_engine_get_counts(w->e, &k));
    if (k.contacts != w->n_live || k.contacts_queued != w->n_state[OQ_CONTACT_QUEUED] ||
        k.contacts_offered != w->n_state[OQ_CONTACT_OFFERED] ||
        k.contacts_active != w->n_state[OQ_CONTACT_ACTIVE] ||
        k.contacts_wrapup != w->n_state[OQ_CONTACT_WRAPUP] ||
        k.contacts_parked != w->n_state[OQ_CONTACT_PARKED])
        fail_msg("op %lld (%s): counts %d/%d/%d/%d/%d/%d, model %d/%d/%d/%d/%d/%d",
                 (long long)w->op, what, k.contacts, k.contacts_queued, k.contacts_offered,
                 k.contacts_active, k.contacts_wrapup, k.contacts_parked, w->n_live, w->n_state[1],
                 w->n_state[2], w->n_state[3], w->n_state[4], w->n_state[5]);
}

/* Compare every live contact and every agent with the model. */
static void full_sweep(world *w)
{
    char id[16];
    for (int i = 0; i < w->n_live; i++) {
        int ci = w->live[i];
        mcontact *c = &w->c[ci];
        oq_contact_info info = OQ_OUTPUT_INIT(oq_contact_info);
        contact_name(ci, id);
        if (oq_contact_get(w->e, id, &info) != OQ_OK)
            fail_msg("op %lld: live contact %s unknown to the engine: %s", (long long)w->op, id,
                     oq_engine_last_error(w->e));
        if (info.state != c->state || strcmp(info.queue, Q_ID[(int)c->queue]) != 0 ||
            strcmp(info.channel, CH_ID[(int)c->channel]) != 0)
            fail_msg("op %lld: contact %s state %d queue %s, model %d %s", (long long)w->op, id,
                     info.state, info.queue, c->state, Q_ID[(int)c->queue]);
        if ((c->agent < 0) != (info.agent == NULL) ||
            (c->agent >= 0 && parse_num(info.agent, 'a') != c->agent))
            fail_msg("op %lld: contact %s agent mismatch", (long long)w->op, id);
        if (info.n_offers != c->n_offers)
            fail_msg("op %lld: contact %s n_offers %d, model %d", (long long)w->op, id,
                     info.n_offers, c->n_offers);
        if (c->due != INT64_MAX && c->due <= clock_now(w))
            fail_msg("op %lld: contact %s (%s) overdue: due %lld, clock %lld", (long long)w->op, id,
                     oq_contact_state_name(c->state), (long long)c->due,
                     (long long)clock_now(w));
        /* The engine may have forgotten the forgettable ones (check_offer). */
        int most = n_excluded(w, c, clock_now(w)), least = most - n_forgettable(w, c, clock_now(w));
        if (info.n_rejected < least || info.n_rejected > most)
            fail_msg("op %lld: contact %s n_rejected %d, model %d..%d", (long long)w->op, id,
                     info.n_rejected, least, most);
    }
    for (int n = 0; n < w->n_agent_nums; n++) {
        magent *a = &w->ag[n];
        oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
        agent_name(n, id);
        oq_status st = oq_agent_get(w->e, id, &ai);
        if (!a->exists) {
            assert_int_equal(st, OQ_ENOTFOUND);
            continue;
        }
        assert_oq_ok(NULL, st);
        if (ai.used_capacity != a->used || ai.handled != a->handled)
            fail_msg("op %lld: agent %s used %d handled %lld, model %d %lld", (long long)w->op, id,
                     ai.used_capacity, (long long)ai.handled, a->used, (long long)a->handled);
        if (ai.n_offered != a->n_off || ai.n_active != a->n_act || ai.n_wrapup != a->n_wrap)
            fail_msg("op %lld: agent %s holds %d/%d/%d, model %d/%d/%d", (long long)w->op, id,
                     ai.n_offered, ai.n_active, ai.n_wrapup, a->n_off, a->n_act, a->n_wrap);
        if (ai.used_capacity < 0)
            fail_msg("agent %s negative used capacity", id);
    }
}

/* ---- the operations ------------------------------------------------------ */

/* One call: `want` is the exact expected status (or 99 when any state
 * status is acceptable because time moved first). */
#define ANY_STATE 99

typedef struct call {
    world *w;
    const char *what;
    snap before;
    const char *contact, *agent;
    int64_t t;
    int exact_time; /* t == clock: a failure must change nothing */
    int allow_notfound; /* time moves first: the contact may finish before */
} call;

static void call_begin(call *k, world *w, const char *what, int64_t t, const char *contact,
                       const char *agent)
{
    k->w = w;
    k->what = what;
    k->t = t;
    k->contact = contact;
    k->agent = agent;
    take_snap(w, &k->before, contact, agent);
    k->exact_time = t == k->before.now;
    k->allow_notfound = 0;
    w->ev_in_call = 0;
}

static void call_end(call *k, oq_status st, oq_status want, const char *contact,
                     const char *agent, const char *named)
{
    world *w = k->w;
    (void)contact;
    (void)agent;
    if (w->enomem_mode && st == OQ_ENOMEM) {
        /* allowed anywhere; must change nothing */
    } else if (k->allow_notfound && st == OQ_ENOTFOUND) {
        named = NULL;
    } else if (want == ANY_STATE) {
        if (st != OQ_OK && st != OQ_ESTATE && st != OQ_ENOTFOUND)
            fail_msg("op %lld %s: status %s (%s)", (long long)w->op, k->what, oq_status_name(st),
                     oq_engine_last_error(w->e));
    } else if (st != want) {
        fail_msg("op %lld %s: status %s, expected %s (%s)", (long long)w->op, k->what,
                 oq_status_name(st), oq_status_name(want), oq_engine_last_error(w->e));
    }
    if (getenv("OQ_RANDOM_VERBOSE"))
        fprintf(stderr, "STAT %s %s\n", k->what, oq_status_name(st));
    if (st != OQ_OK) {
        w->n_err++;
        const char *msg = oq_engine_last_error(w->e);
        if (!msg || !msg[0])
            fail_msg("op %lld %s: failed with %s but no message", (long long)w->op, k->what,
                     oq_status_name(st));
        if (named && st != OQ_ENOMEM && !strstr(msg, named))
            fail_msg("op %lld %s: message '%s' does not name '%s'", (long long)w->op, k->what, msg,
                     named);
        if (k->exact_time) {
            snap after;
            if (w->ev_in_call != 0)
                fail_msg("op %lld %s: failed call emitted %lld events", (long long)w->op, k->what,
                         (long long)w->ev_in_call);
            take_snap(w, &after, k->contact, k->agent);
            assert_snap_equal(w, &k->before, &after, k->what);
        }
    } else {
        w->n_ok++;
    }
    check_after_op(w, k->what);
}

static int pick_agent(world *w)
{
    /* Mostly an existing agent, sometimes a removed one (unknown id). */
    for (int tries = 0; tries < 6; tries++) {
        int n = (int)rn(w, (uint32_t)w->n_agent_nums);
        if (w->ag[n].exists)
            return n;
    }
    return (int)rn(w, (uint32_t)w->n_agent_nums);
}

static int pick_live(world *w) { return w->n_live ? w->live[rn(w, (uint32_t)w->n_live)] : -1; }

/* A live contact in `state`, scanning from a random place; -1 if none. */
static int pick_in_state(world *w, int state)
{
    if (!w->n_live)
        return -1;
    int start = (int)rn(w, (uint32_t)w->n_live);
    for (int i = 0; i < w->n_live; i++) {
        int ci = w->live[(start + i) % w->n_live];
        if (w->c[ci].state == state)
            return ci;
    }
    return -1;
}

static int pick_queue(world *w)
{
    for (int tries = 0; tries < 6; tries++) {
        int i = (int)rn(w, NQ);
        if (w->q[i].exists)
            return i;
    }
    return (int)rn(w, NQ);
}

static int64_t pick_time(world *w)
{
    int64_t now = clock_now(w);
    return pct(w, 90) ? now : now + (int64_t)rn(w, 3000);
}

/* An arrival at a queue with a calendar: closed (by the model's clock) and
 * `reject` is refused with detail "closed"; closed and `overflow` is moved
 * to the closed queue when that queue takes the channel (unless something
 * else refused it first); open, nothing says "closed". */
static void check_closed_action(world *w, int ci, int qi, int ch, int64_t t)
{
    const oq_queue_spec *sp = &w->q[qi].spec;
    int k = cal_index(sp->calendar);
    int closed = k >= 0 && !cal_open(&w->cal[k], t);
    int saw = w->closed_ci == ci ? w->closed_type : 0;
    if (saw && !closed)
        fail_msg("op %lld: c%d got %s 'closed' at %lld though %s is open", (long long)w->op, ci,
                 oq_event_type_name(saw), (long long)t, Q_ID[qi]);
    if (!closed)
        return;
    w->n_closed_actions++;
    if (sp->closed_action == OQ_CLOSED_REJECT && saw != OQ_EV_QUEUE_REJECTED)
        fail_msg("op %lld: c%d arrived at closed %s (reject) but got %s", (long long)w->op, ci,
                 Q_ID[qi], saw ? oq_event_type_name(saw) : "no 'closed' event");
    if (sp->closed_action == OQ_CLOSED_WAIT && saw)
        fail_msg("op %lld: c%d at closed %s (wait) got %s 'closed'", (long long)w->op, ci,
                 Q_ID[qi], oq_event_type_name(saw));
    if (sp->closed_action == OQ_CLOSED_OVERFLOW) {
        int to = queue_index(sp->closed_queue);
        int takes = to >= 0 && w->q[to].exists && w->q[to].ch[ch];
        if (takes && saw != OQ_EV_OVERFLOWED && !w->c[ci].term)
            fail_msg("op %lld: c%d at closed %s (overflow to %s) was not overflowed",
                     (long long)w->op, ci, Q_ID[qi], sp->closed_queue);
        if (saw && (saw != OQ_EV_OVERFLOWED || !takes))
            fail_msg("op %lld: c%d at closed %s got %s 'closed'", (long long)w->op, ci, Q_ID[qi],
                     oq_event_type_name(saw));
    }
}

/* Add, replace or remove a calendar (hours every hour of every day, see
 * mcal); the status is predicted from the model: a duplicate is OQ_EEXIST,
 * an unknown id OQ_ENOTFOUND, removing one a queue names OQ_ESTATE. */
static void op_calendar(world *w)
{
    int k = (int)rn(w, NCAL), kind = (int)rn(w, 3);
    mcal *m = &w->cal[k];
    int64_t t = pick_time(w);
    call c;
    oq_status st, want = OQ_OK;
    const char *named = NULL;
    if (kind == 2) {
        for (int i = 0; i < NQ; i++)
            if (w->q[i].exists && cal_index(w->q[i].spec.calendar) == k)
                want = OQ_ESTATE;
        if (!m->exists)
            want = OQ_ENOTFOUND;
        named = want == OQ_OK ? NULL : CAL_ID[k];
        call_begin(&c, w, "remove_calendar", clock_now(w), NULL, NULL);
        st = oq_engine_remove_calendar(w->e, CAL_ID[k]);
        if (st == OQ_OK)
            m->exists = 0;
        call_end(&c, st, want, NULL, NULL, named);
        return;
    }
    mcal next = {1, 5 * (int)rn(w, 10), 0};
    next.close_min = next.open_min + 5 * (1 + (int)rn(w, (uint32_t)(11 - next.open_min / 5)));
    if (next.close_min > 55)
        next.close_min = 55;
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_calendar_create(CAL_ID[k], CAL_ZONE[rn(w, 4)], NULL, &cal, &err));
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            if (oq_calendar_add_hours(cal, d, h * 3600000 + next.open_min * 60000,
                                      h * 3600000 + next.close_min * 60000, &err) != OQ_OK)
                fail_msg("calendar hours: %s", err.message);
    if (kind == 0 && m->exists)
        want = OQ_EEXIST;
    if (kind == 1 && !m->exists)
        want = OQ_ENOTFOUND;
    named = want == OQ_OK ? NULL : CAL_ID[k];
    /* Events come from inside the call (replace reports the change at once):
     * the model takes the new hours first and undoes them on failure. */
    mcal before = *m;
    if (want == OQ_OK)
        *m = next;
    call_begin(&c, w, kind == 0 ? "add_calendar" : "replace_calendar", t, NULL, NULL);
    st = kind == 0 ? oq_engine_add_calendar(w->e, t, cal) : oq_engine_replace_calendar(w->e, t, cal);
    if (st != OQ_OK)
        *m = before;
    call_end(&c, st, want, NULL, NULL, named);
    oq_calendar_destroy(cal);
}

static void op_arrive(world *w)
{
    int64_t t = pick_time(w);
    int qi = pick_queue(w);
    mqueue *q = &w->q[qi];
    int chs[NCH], nch = 0;
    for (int i = 0; i < NCH; i++)
        if (q->exists && q->ch[i] && w->ch[i].exists)
            chs[nch++] = i;
    int ch = nch && pct(w, 95) ? chs[rn(w, (uint32_t)nch)] : (int)rn(w, 4);
    if (w->n_contact_nums >= w->cap_contacts)
        return;
    int ci = w->n_contact_nums++;
    char id[16], cust[24];
    contact_name(ci, id);
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = id;
    s.channel = CH_ID[ch];
    s.queue = Q_ID[qi];
    s.priority = (int32_t)rn(w, 21) - 10;
    oq_status want = OQ_OK;
    const char *named = NULL;
    if (!w->ch[ch].exists) {
        want = OQ_ENOTFOUND;
        named = CH_ID[ch];
    } else if (!q->exists) {
        want = OQ_ENOTFOUND;
        named = Q_ID[qi];
    } else if (!q->ch[ch]) {
        want = OQ_ESTATE;
        named = id;
    }
    const char *rs[2], *ps[1];
    int32_t rl[2], pl[1];
    w->arriving_nreq = 0;
    if (pct(w, 8)) {
        int n = 1 + (int)rn(w, 2);
        for (int k = 0; k < n; k++) {
            int sk = (int)rn(w, 5);
            if (k == 1 && sk == w->arriving_sk[0])
                sk = (sk + 1) % 5;
            rs[k] = SK_ID[sk];
            rl[k] = 1 + (int32_t)rn(w, (uint32_t)w->sk_max[sk]);
            w->arriving_sk[k] = sk;
            w->arriving_lv[k] = rl[k];
        }
        s.n_required = n;
        s.required_skills = rs;
        s.required_levels = rl;
        w->arriving_nreq = n;
    }
    if (pct(w, 10)) {
        int sk = (int)rn(w, 5);
        ps[0] = SK_ID[sk];
        pl[0] = 1 + (int32_t)rn(w, (uint32_t)w->sk_max[sk]);
        s.n_preferred = 1;
        s.preferred_skills = ps;
        s.preferred_levels = pl;
    }
    if (pct(w, 30)) {
        snprintf(cust, sizeof cust, "cust%u", rn(w, 30));
        s.customer = cust;
    }
    char pa[16];
    w->arriving_pa = -1;
    w->arriving_pwait = 0;
    if (pct(w, 10) && w->n_agent_nums) {
        int an = pick_agent(w);
        for (int tries = 0; tries < 8 && pct(w, 70); tries++) { /* mostly someone logged in */
            oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
            agent_name(an, pa);
            if (w->ag[an].exists && oq_agent_get(w->e, pa, &ai) == OQ_OK &&
                ai.presence == OQ_AGENT_READY)
                break;
            an = pick_agent(w);
        }
        agent_name(an, pa);
        s.preferred_agent = pa;
        w->arriving_pa = an;
        if (pct(w, 60)) {
            s.preferred_wait_s = rn(w, 120) / 2.0;
            w->arriving_pwait = ms_of(s.preferred_wait_s);
        }
        if (!w->ag[an].exists && w->ch[ch].exists && q->exists) {
            want = OQ_ENOTFOUND;
            named = pa;
        }
    }
    if (pct(w, 30))
        s.deadline_ms = t + (int64_t)rn(w, 600000);
    if (pct(w, 2) && want == OQ_OK) {
        s.priority = pct(w, 50) ? OQ_PRIORITY_MAX + 1 : -OQ_PRIORITY_MAX - 1;
        want = OQ_EINVAL;
        named = "priority";
    } else if (pct(w, 2) && want == OQ_OK) {
        /* a bad wait, or a wait without a preferred agent */
        static const double bad[] = {-1.0, NAN, INFINITY, 5.0};
        int b = (int)rn(w, 4);
        if (b < 3 || !s.preferred_agent) {
            s.preferred_wait_s = bad[b];
            want = OQ_EINVAL;
            named = "preferred_wait_s";
        }
    }
    w->arriving = ci;
    w->arriving_q = qi;
    w->arriving_ch = ch;
    w->closed_ci = -1;
    call k;
    call_begin(&k, w, "arrive", t, NULL, NULL);
    oq_status st = oq_contact_arrive(w->e, t, &s);
    w->arriving = -1;
    call_end(&k, st, want, NULL, NULL, named);
    if (st == OQ_OK && !w->c[ci].arrived)
        fail_msg("op %lld: arrive OK without QUEUED event", (long long)w->op);
    if (st == OQ_OK)
        check_closed_action(w, ci, qi, ch, t);
}

/* accept / reject the actual offer, or a wrong one. */
static void op_offer(world *w, int accept, int wrong)
{
    int ci = wrong ? pick_live(w) : pick_in_state(w, OQ_CONTACT_OFFERED);
    if (ci < 0)
        return;
    mcontact *c = &w->c[ci];
    char cid[16], aid[16];
    contact_name(ci, cid);
    int an = c->agent;
    oq_status want = OQ_OK;
    if (wrong || an < 0) {
        an = pick_agent(w);
        if (!w->ag[an].exists)
            want = OQ_ENOTFOUND;
        else if (c->state != OQ_CONTACT_OFFERED || c->agent != an)
            want = OQ_ESTATE;
    }
    agent_name(an, aid);
    int64_t t = pick_time(w);
    call k;
    call_begin(&k, w, accept ? "accept" : "reject", t, cid, aid);
    if (!k.exact_time)
        want = ANY_STATE;
    int rejected_before = surely_rejected_by(w, c, an, t);
    oq_status st = accept ? oq_offer_accept(w->e, t, cid, aid) : oq_offer_reject(w->e, t, cid, aid);
    const char *named = want == OQ_ENOTFOUND ? aid : want == ANY_STATE ? NULL : cid;
    call_end(&k, st, want, cid, aid, named);
    if (st == OQ_ESTATE && k.exact_time && rejected_before &&
        !strstr(oq_engine_last_error(w->e), "timed out or was rejected"))
        fail_msg("op %lld: accept after reject/time-out: message '%s'", (long long)w->op,
                 oq_engine_last_error(w->e));
}

static void op_contact(world *w, int kind)
{
    int ci = pick_live(w);
    if (kind == 1 && pct(w, 85)) {
        ci = pick_in_state(w, OQ_CONTACT_ACTIVE);
        if (ci < 0)
            return; /* nothing in service: no call this time */
    }
    char cid[16];
    int unknown = ci < 0 || pct(w, 3);
    if (unknown)
        snprintf(cid, sizeof cid, "c%d", w->n_contact_nums + 5);
    else
        contact_name(ci, cid);
    mcontact *c = unknown ? NULL : &w->c[ci];
    int64_t t = pick_time(w);
    oq_status want = OQ_OK, st;
    const char *named = cid;
    call k;
    switch (kind) {
    case 0: /* abandon */
        if (c && c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED)
            want = OQ_ESTATE;
        call_begin(&k, w, "abandon", t, c ? cid : NULL, NULL);
        st = oq_contact_abandon(w->e, t, cid);
        break;
    case 1: /* complete */
        if (c && c->state != OQ_CONTACT_ACTIVE)
            want = OQ_ESTATE;
        call_begin(&k, w, "complete", t, c ? cid : NULL, NULL);
        st = oq_contact_complete(w->e, t, cid);
        break;
    case 2: { /* transfer */
        int qi = pick_queue(w);
        if (c) {
            if (!w->q[qi].exists) {
                want = OQ_ENOTFOUND;
                named = Q_ID[qi];
            } else if (!w->q[qi].ch[(int)c->channel] || c->state == OQ_CONTACT_WRAPUP ||
                       c->state == OQ_CONTACT_PARKED ||
                       (c->state == OQ_CONTACT_QUEUED && c->queue == qi))
                want = OQ_ESTATE;
        }
        call_begin(&k, w, "transfer", t, c ? cid : NULL, NULL);
        st = oq_contact_transfer(w->e, t, cid, Q_ID[qi]);
        break;
    }
    case 3: { /* priority */
        int32_t p = (int32_t)rn(w, 41) - 20;
        if (pct(w, 3)) {
            p = pct(w, 50) ? OQ_PRIORITY_MAX + 1 + (int32_t)rn(w, 10) : INT32_MIN;
            if (c)
                want = OQ_EINVAL;
        }
        w->last_priority = p;
        call_begin(&k, w, "set_priority", t, c ? cid : NULL, NULL);
        st = oq_contact_set_priority(w->e, t, cid, p);
        break;
    }
    case 5: { /* the caller asks for a kept-place callback */
        if (c) {
            const mqueue *q = &w->q[(int)c->queue];
            int cb = channel_index(q->spec.callback_channel);
            if ((c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_OFFERED) || c->callback ||
                cb < 0 || !q->ch[cb])
                want = OQ_ESTATE;
        }
        call_begin(&k, w, "request_callback", t, c ? cid : NULL, NULL);
        st = oq_contact_request_callback(w->e, t, cid);
        break;
    }
    default: /* remove */
        call_begin(&k, w, "remove", t, c ? cid : NULL, NULL);
        st = oq_contact_remove(w->e, t, cid);
        break;
    }
    if (!c)
        want = OQ_ENOTFOUND, named = cid;
    else if (!k.exact_time && want == OQ_EINVAL)
        k.allow_notfound = 1;
    else if (!k.exact_time)
        want = ANY_STATE, named = NULL;
    call_end(&k, st, want, c ? cid : NULL, NULL, named);
    if (c && st == OQ_OK && kind == 3 && k.exact_time) {
        oq_contact_info info = OQ_OUTPUT_INIT(oq_contact_info);
        assert_oq_ok(w->e, oq_contact_get(w->e, cid, &info));
        assert_int_equal(info.priority, w->last_priority);
    }
}

static void op_advance(world *w, int to_deadline)
{
    int64_t now = clock_now(w), t;
    if (to_deadline) {
        int64_t d = 0;
        assert_oq_ok(w->e, oq_engine_next_deadline(w->e, &d));
        if (d == INT64_MAX)
            t = now + (int64_t)rn(w, 5000);
        else
            t = d < now ? now : d; /* cannot be in the past */
        if (d != INT64_MAX && d < now)
            fail_msg("op %lld: next deadline %lld is before the clock %lld", (long long)w->op,
                     (long long)d, (long long)now);
    } else {
        t = now + (pct(w, 95) ? (int64_t)rn(w, 4000) : (int64_t)rn(w, 60000));
    }
    call k;
    call_begin(&k, w, "advance", t, NULL, NULL);
    oq_status st = oq_engine_advance(w->e, t);
    call_end(&k, st, OQ_OK, NULL, NULL, NULL);
    if (st == OQ_OK) {
        assert_int_equal(clock_now(w), t);
        int64_t d = 0;
        oq_engine_next_deadline(w->e, &d);
        if (d <= t)
            fail_msg("op %lld: a timer due at %lld was left pending at %lld", (long long)w->op,
                     (long long)d, (long long)t);
    }
}

static void op_agent(world *w, int kind)
{
    if (!w->n_agent_nums)
        return;
    int an = pick_agent(w);
    magent *a = &w->ag[an];
    int existed = a->exists;
    char aid[16];
    agent_name(an, aid);
    int64_t t = pick_time(w);
    if (kind <= 3 && t > clock_now(w)) {
        /* A presence change ends the agent's exclusions, and the timers a
         * later call fires come first: advance on its own, so the model sees
         * the offers those timers make before the presence it predicts. */
        call k0;
        call_begin(&k0, w, "advance", t, NULL, NULL);
        call_end(&k0, oq_engine_advance(w->e, t), OQ_OK, NULL, NULL, NULL);
    }
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    if (a->exists)
        assert_oq_ok(w->e, oq_agent_get(w->e, aid, &ai));
    int logged = ai.presence != OQ_AGENT_OFFLINE;
    oq_status want = OQ_OK, st;
    const char *named = aid;
    call k;
    const char *what = "agent";
    /* model edits made before the call (routing inside it must see them) */
    int *model_slot = NULL, model_old = 0;
    int gorder_old[NGR], n_gorder_old = a->n_gorder;
    uint32_t pgen_before = a->pgen;
    memcpy(gorder_old, a->gorder, sizeof gorder_old);
    if (kind == 6 || kind == 8)
        t = clock_now(w); /* the model changes before the call: no timers first */
    switch (kind) {
    case 0:
        what = "login";
        if (logged)
            want = OQ_ESTATE;
        call_begin(&k, w, what, t, NULL, aid);
        if (!logged)
            a->pgen++; /* a presence change ends its exclusions: before the call routes */
        st = oq_agent_login(w->e, t, aid, pct(w, 80) ? 1 : 0);
        break;
    case 1:
        what = "ready";
        if (!logged)
            want = OQ_ESTATE;
        call_begin(&k, w, what, t, NULL, aid);
        if (logged && ai.presence != OQ_AGENT_READY)
            a->pgen++;
        st = oq_agent_ready(w->e, t, aid);
        break;
    case 2: {
        static const char *const reasons[] = {NULL, "", "break", "lunch", "training"};
        what = "not_ready";
        if (!logged)
            want = OQ_ESTATE;
        call_begin(&k, w, what, t, NULL, aid);
        a->pres_epoch++; /* before the call: routing inside it sees the reservations end */
        if (logged && ai.presence != OQ_AGENT_NOT_READY)
            a->pgen++;
        st = oq_agent_not_ready(w->e, t, aid, reasons[rn(w, 5)]);
        /* Offers ringing on it went back, unless their queue keeps them. */
        for (int i = 0; st == OQ_OK && i < w->n_live; i++) {
            const mcontact *c = &w->c[w->live[i]];
            if (c->agent == an && c->state == OQ_CONTACT_OFFERED &&
                !w->q[(int)c->queue].spec.keep_offer_on_not_ready)
                fail_msg("op %lld: c%d still offered to a%d after not_ready (queue %s)",
                         (long long)w->op, w->live[i], an, Q_ID[(int)c->queue]);
        }
        break;
    }
    case 3:
        what = "logout";
        if (!logged)
            want = OQ_ESTATE;
        call_begin(&k, w, what, t, NULL, aid);
        a->pres_epoch++;
        if (logged)
            a->pgen++;
        st = oq_agent_logout(w->e, t, aid);
        if (st == OQ_OK) /* it no longer owns the work orders parked with it */
            for (int i = 0; i < w->n_live; i++) {
                mcontact *c = &w->c[w->live[i]];
                if (c->state == OQ_CONTACT_PARKED && c->pref_agent == an)
                    c->pref_agent = -1;
            }
        break;
    case 4:
        what = "end_wrapup";
        if (ai.n_wrapup == 0)
            want = OQ_ESTATE;
        call_begin(&k, w, what, t, NULL, aid);
        w->ending_wrapup = 1;
        st = oq_agent_end_wrapup(w->e, t, aid);
        w->ending_wrapup = 0;
        break;
    case 5: {
        what = "set_skill";
        int sk = (int)rn(w, NSK);
        int32_t lv = 0;
        if (!w->sk_exists[sk]) {
            want = OQ_ENOTFOUND;
            named = SK_ID[sk];
        } else {
            lv = (int32_t)rn(w, (uint32_t)w->sk_max[sk] + 1);
            if (pct(w, 4)) {
                lv = pct(w, 50) ? -1 : w->sk_max[sk] + 1;
                want = OQ_EINVAL;
                named = SK_ID[sk];
            }
        }
        call_begin(&k, w, what, t, NULL, aid);
        st = oq_agent_set_skill(w->e, t, aid, SK_ID[sk], lv);
        break;
    }
    case 6: {
        what = "set_channel_limit";
        int ch = (int)rn(w, NCH);
        int32_t lim = (int32_t)rn(w, 5) - 1;
        if (!w->ch[ch].exists) {
            want = OQ_ENOTFOUND;
            named = CH_ID[ch];
        } else if (pct(w, 4)) {
            lim = pct(w, 50) ? -2 : OQ_CAPACITY_MAX + 1;
            want = OQ_EINVAL;
            named = CH_ID[ch];
        } else if (a->exists) {
            model_slot = &a->lim[ch];
            model_old = *model_slot;
            *model_slot = lim;
        }
        call_begin(&k, w, what, t, NULL, aid);
        st = oq_agent_set_channel_limit(w->e, t, aid, CH_ID[ch], lim);
        break;
    }
    case 7: {
        what = "set_capacity";
        int32_t cap = 30 + (int32_t)rn(w, 200);
        if (pct(w, 5)) {
            cap = pct(w, 50) ? 0 : OQ_CAPACITY_MAX + 1;
            want = OQ_EINVAL;
            named = "capacity";
        }
        t = clock_now(w); /* takes no time */
        call_begin(&k, w, what, t, NULL, aid);
        st = oq_agent_set_capacity(w->e, aid, cap);
        break;
    }
    case 8: {
        int g = (int)rn(w, NGR);
        int join = !a->grp[g];
        if (pct(w, 5))
            join = !join; /* join twice / leave a group not in */
        what = join ? "join_group" : "leave_group";
        if (!w->gr_exists[g]) {
            want = OQ_ENOTFOUND;
            named = GR_ID[g];
        } else if (join == a->grp[g]) {
            want = OQ_ESTATE;
        } else if (a->exists) {
            model_slot = &a->grp[g];
            model_old = *model_slot;
            *model_slot = join;
            if (join) /* the group order picks the routing profile */
                gorder_join(a, g);
            else
                gorder_leave(a, g);
        }
        call_begin(&k, w, what, t, NULL, aid);
        st = join ? oq_agent_join_group(w->e, t, aid, GR_ID[g])
                  : oq_agent_leave_group(w->e, t, aid, GR_ID[g]);
        break;
    }
    default: {
        what = "agent_remove";
        if (logged || ai.n_offered + ai.n_active + ai.n_wrapup > 0)
            want = OQ_ESTATE;
        t = clock_now(w);
        call_begin(&k, w, what, t, NULL, aid);
        /* gone before the call routes: contacts reserved for it are anyone's */
        a->exists = 0;
        st = oq_agent_remove(w->e, aid);
        if (st != OQ_OK)
            a->exists = existed;
        break;
    }
    }
    if (!existed) {
        want = OQ_ENOTFOUND;
        named = aid;
    }
    if (!k.exact_time && want != OQ_ENOTFOUND && want != OQ_EINVAL)
        want = ANY_STATE;
    if (st != OQ_OK && a->pgen != pgen_before)
        a->pgen = pgen_before; /* no presence change after all */
    if (st != OQ_OK && model_slot) {
        *model_slot = model_old;
        memcpy(a->gorder, gorder_old, sizeof gorder_old);
        a->n_gorder = n_gorder_old;
    }
    call_end(&k, st, want, NULL, aid, named);
}

static void op_queue(world *w, int kind)
{
    int qi = pick_queue(w);
    mqueue *q = &w->q[qi];
    int64_t t = clock_now(w) /* the model changes before the call */;
    oq_status want = q->exists ? OQ_OK : OQ_ENOTFOUND, st;
    const char *named = Q_ID[qi];
    call k;
    switch (kind) {
    case 0:
    case 1: { /* require / prefer */
        int pref = kind == 1;
        int sk = (int)rn(w, NSK);
        int32_t lv = 0;
        if (w->sk_exists[sk])
            lv = pct(w, 40) ? 0 : 1 + (int32_t)rn(w, (uint32_t)w->sk_max[sk]);
        if (q->exists && !w->sk_exists[sk]) {
            want = OQ_ENOTFOUND;
            named = SK_ID[sk];
        } else if (q->exists && pct(w, 4)) {
            lv = pct(w, 50) ? -1 : w->sk_max[sk] + 1;
            want = OQ_EINVAL;
            named = SK_ID[sk];
        }
        int *arr = pref ? q->pref : q->req, old = arr[sk];
        if (want == OQ_OK)
            arr[sk] = lv;
        call_begin(&k, w, pref ? "prefer_skill" : "require_skill", t, NULL, NULL);
        st = pref ? oq_queue_prefer_skill(w->e, t, Q_ID[qi], SK_ID[sk], lv)
                  : oq_queue_require_skill(w->e, t, Q_ID[qi], SK_ID[sk], lv);
        if (st != OQ_OK)
            arr[sk] = old;
        break;
    }
    case 2: { /* group */
        int g = (int)rn(w, NGR);
        int add = !q->grp[g];
        if (pct(w, 5))
            add = !add;
        if (q->exists && !w->gr_exists[g]) {
            want = OQ_ENOTFOUND;
            named = GR_ID[g];
        } else if (q->exists && add == q->grp[g]) {
            want = OQ_ESTATE;
        }
        int old = q->grp[g];
        if (want == OQ_OK)
            q->grp[g] = add;
        call_begin(&k, w, add ? "queue_add_group" : "queue_remove_group", t, NULL, NULL);
        st = add ? oq_queue_add_group(w->e, t, Q_ID[qi], GR_ID[g])
                 : oq_queue_remove_group(w->e, t, Q_ID[qi], GR_ID[g]);
        if (st != OQ_OK)
            q->grp[g] = old;
        break;
    }
    case 3: { /* update */
        oq_queue_spec s;
        oq_queue_spec_init(&s);
        s.id = Q_ID[qi];
        s.ordering = (int32_t)rn(w, 3);
        s.strategy = (int32_t)rn(w, 6);
        s.offer_timeout_s = pct(w, 20) ? 0 : 1 + rn(w, 30) / 2.0;
        s.wrapup_s = pct(w, 40) ? 0 : rn(w, 10) / 2.0;
        s.aging_per_s = rn(w, 4) * 0.5;
        s.priority = (int32_t)rn(w, 11) - 5;
        s.timeout_not_ready = (int32_t)rn(w, 2);
        /* limits, estimates, deadlines (escalation.h) */
        const char *target = qi == 4 ? "q_email" : "q_general"; /* fixed queues */
        if (pct(w, 30)) {
            s.max_length = 1 + (int32_t)rn(w, 8);
            s.limit_action = (int32_t)rn(w, 4);
            if (s.limit_action == OQ_LIMIT_OVERFLOW || s.limit_action == OQ_LIMIT_CALLBACK)
                s.limit_queue = target;
            if (s.limit_action == OQ_LIMIT_CALLBACK || s.limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE)
                s.callback_channel = "callback";
        }
        if (!s.callback_channel && pct(w, 40))
            s.callback_channel = "callback"; /* for oq_contact_request_callback */
        if (pct(w, 15)) {
            s.max_wait_s = 20 + rn(w, 120);
            if (s.limit_action != OQ_LIMIT_REJECT || pct(w, 50)) {
                static const int32_t acts[] = {OQ_LIMIT_REJECT, OQ_LIMIT_OVERFLOW,
                                               OQ_LIMIT_CALLBACK_KEEP_PLACE};
                s.limit_action = acts[rn(w, 3)];
                s.limit_queue = s.limit_action == OQ_LIMIT_OVERFLOW ? target : NULL;
                s.callback_channel = s.limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE ? "callback" : NULL;
            }
        }
        s.refuse_if_no_agents = pct(w, 8);
        s.outbound = pct(w, 15);
        s.default_aht_s = 30 + rn(w, 300);
        s.deadline_warning_s = pct(w, 30) ? rn(w, 120) : 0;
        s.keep_offer_on_not_ready = pct(w, 25);
        s.retry_after_s = pct(w, 20) ? 0 : rn(w, 120) / 2.0;
        s.max_offers = pct(w, 25) ? 1 + (int32_t)rn(w, 4) : 0;
        s.last_agent_window_s = pct(w, 40) ? 60 + rn(w, 7200) : 0;
        s.last_agent_wait_s = rn(w, 3) * 5.0;
        if (pct(w, 3) && q->exists) {
            switch (rn(w, 4)) {
            case 0: s.max_length = -1; named = "max_length"; break;
            case 1: s.limit_action = 100; named = "limit_action"; break;
            case 2: s.default_aht_s = 0; named = "default_aht_s"; break;
            default:
                s.limit_action = OQ_LIMIT_OVERFLOW;
                s.limit_queue = NULL;
                named = "limit_queue";
                break;
            }
            want = OQ_EINVAL;
        } else if (pct(w, 2) && q->exists) {
            s.limit_action = OQ_LIMIT_OVERFLOW;
            s.limit_queue = "no-such-queue";
            want = OQ_ENOTFOUND;
            named = "no-such-queue";
        } else if (pct(w, 4)) {
            static const double bad[] = {-1.0, NAN, INFINITY};
            s.wrapup_s = bad[rn(w, 3)];
            if (q->exists) {
                want = OQ_EINVAL;
                named = "wrapup_s";
            }
        } else if (pct(w, 3)) {
            s.strategy = 100 + (int32_t)rn(w, 3);
            if (q->exists) {
                want = OQ_EINVAL;
                named = "strategy";
            }
        }
        if (want == OQ_OK && q->exists && pct(w, 30)) {
            /* hours: a calendar and what happens to arrivals while it is closed */
            int kc = (int)rn(w, NCAL);
            static const int32_t acts[] = {OQ_CLOSED_REJECT, OQ_CLOSED_WAIT, OQ_CLOSED_OVERFLOW};
            s.calendar = CAL_ID[kc];
            s.closed_action = acts[rn(w, 3)];
            s.closed_queue = s.closed_action == OQ_CLOSED_OVERFLOW ? target : NULL;
            if (!w->cal[kc].exists) {
                want = OQ_ENOTFOUND;
                named = CAL_ID[kc];
            }
        }
        if (!q->exists && want == OQ_ENOTFOUND)
            named = Q_ID[qi];
        call_begin(&k, w, "queue_update", t, NULL, NULL);
        /* The update routes (offers may be made inside the call, under the new
         * settings), so the model takes the new spec first and undoes it on failure. */
        oq_queue_spec before = q->spec;
        q->spec = s;
        st = oq_queue_update(w->e, t, &s);
        if (st != OQ_OK)
            q->spec = before;
        if (!q->exists && (want == OQ_EINVAL || s.strategy >= 100 || !(s.wrapup_s >= 0) ||
                           !isfinite(s.wrapup_s) || s.max_length < 0 || s.limit_action >= 100 ||
                           !(s.default_aht_s > 0)))
            want = OQ_EINVAL, named = NULL; /* validation comes before lookup */
        break;
    }
    case 4: { /* channel add/remove */
        int ch = (int)rn(w, NCH);
        int add = !q->ch[ch];
        if (q->exists && !w->ch[ch].exists) {
            want = OQ_ENOTFOUND;
            named = CH_ID[ch];
        } else if (q->exists && !add) {
            oq_queue_info qi_ = OQ_OUTPUT_INIT(oq_queue_info);
            assert_oq_ok(w->e, oq_queue_get(w->e, Q_ID[qi], &qi_));
            int held = 0;
            for (int i = 0; i < w->n_live; i++) {
                mcontact *c = &w->c[w->live[i]];
                held += c->queue == qi && c->channel == ch;
            }
            if (held)
                want = OQ_ESTATE; /* contacts of that channel still in it */
        }
        int old = q->ch[ch];
        if (want == OQ_OK)
            q->ch[ch] = add;
        call_begin(&k, w, add ? "queue_add_channel" : "queue_remove_channel", t, NULL, NULL);
        st = add ? oq_queue_add_channel(w->e, t, Q_ID[qi], CH_ID[ch])
                 : oq_queue_remove_channel(w->e, t, Q_ID[qi], CH_ID[ch]);
        if (st != OQ_OK)
            q->ch[ch] = old;
        break;
    }
    default: { /* add / remove a temporary queue */
        int ti = 6 + (int)rn(w, 2);
        q = &w->q[ti];
        named = Q_ID[ti];
        t = clock_now(w);
        if (!q->exists || pct(w, 5)) {
            int was = q->exists;
            call_begin(&k, w, "queue_add", t, NULL, NULL);
            oq_queue_spec s;
            oq_queue_spec_init(&s);
            s.id = Q_ID[ti];
            s.ordering = (int32_t)rn(w, 3);
            s.strategy = (int32_t)rn(w, 6);
            s.offer_timeout_s = 5;
            st = oq_queue_add(w->e, &s);
            want = was ? OQ_EEXIST : OQ_OK;
            if (st == OQ_OK) {
                memset(q, 0, sizeof *q);
                q->exists = 1;
                q->spec = s;
                w->n_steps[ti] = 0;
            }
        } else {
            int held = 0;
            for (int i = 0; i < w->n_live; i++)
                held += w->c[w->live[i]].queue == ti;
            /* a routing profile listing it holds it too */
            want = held || queue_listed(w, ti) ? OQ_ESTATE : OQ_OK;
            call_begin(&k, w, "queue_remove", t, NULL, NULL);
            st = oq_queue_remove(w->e, Q_ID[ti]);
            if (st == OQ_OK) {
                q->exists = 0;
                memset(q->ch, 0, sizeof q->ch);
            }
        }
        call_end(&k, st, want, NULL, NULL, named);
        return;
    }
    }
    if (!k.exact_time && want == OQ_ESTATE)
        want = ANY_STATE;
    call_end(&k, st, want, NULL, NULL, named);
}

/* Escalation ladders (only steps that do not widen who may serve: raise
 * priority, alert, overflow, drop a preferred skill), and the read-only
 * estimates. */
static void op_ladder(world *w)
{
    int qi = pick_queue(w);
    mqueue *q = &w->q[qi];
    int64_t t = clock_now(w);
    call k;
    oq_status st, want;
    const char *named = Q_ID[qi];
    char cid[16];
    int held = 0;
    for (int i = 0; i < w->n_live; i++)
        held += w->c[w->live[i]].queue == qi;
    switch (rn(w, 5)) {
    case 0:
    case 1: {
        oq_escalation_step s;
        oq_escalation_step_init(&s);
        static const int32_t actions[] = {OQ_STEP_RAISE_PRIORITY, OQ_STEP_ALERT, OQ_STEP_OVERFLOW,
                                          OQ_STEP_DROP_PREFERRED};
        s.action = actions[rn(w, 4)];
        s.timing = (int32_t)rn(w, 2);
        s.after_s = rn(w, 60) / 2.0;
        s.skip_if_no_agents = pct(w, 20) ? (int32_t)(1 + rn(w, 2)) : OQ_SKIP_NEVER;
        if (pct(w, 15))
            s.when_ewt_above_s = 5 + rn(w, 60);
        if (pct(w, 15))
            s.when_sl_below = 0.5;
        s.priority = (int32_t)rn(w, 11) - 3;
        s.message = pct(w, 50) ? "look" : NULL;
        s.queue = qi == 4 ? "q_email" : "q_general";
        s.skill = SK_ID[rn(w, 5)];
        want = !q->exists ? OQ_ENOTFOUND
               : held     ? OQ_ESTATE
               : w->n_steps[qi] >= OQ_LADDER_MAX ? OQ_ERANGE
                                                  : OQ_OK;
        if (want == OQ_OK && pct(w, 5)) {
            switch (rn(w, 3)) {
            case 0: s.action = 99; named = "action"; break;
            case 1: s.after_s = NAN; named = "after_s"; break;
            default: s.when_sl_below = 1.5; named = "when_sl_below"; break;
            }
            want = OQ_EINVAL;
        }
        call_begin(&k, w, "queue_add_step", t, NULL, NULL);
        st = oq_queue_add_step(w->e, t, Q_ID[qi], &s);
        if (st == OQ_OK)
            w->n_steps[qi]++;
        break;
    }
    case 2:
        want = !q->exists ? OQ_ENOTFOUND : held ? OQ_ESTATE : OQ_OK;
        call_begin(&k, w, "queue_clear_steps", t, NULL, NULL);
        st = oq_queue_clear_steps(w->e, t, Q_ID[qi]);
        if (st == OQ_OK)
            w->n_steps[qi] = 0;
        break;
    case 3: {
        int32_t n = -1;
        double ewt = -1;
        want = q->exists ? OQ_OK : OQ_ENOTFOUND;
        call_begin(&k, w, "queue_step_count", t, NULL, NULL);
        st = oq_queue_step_count(w->e, Q_ID[qi], &n);
        if (st == OQ_OK && n != w->n_steps[qi])
            fail_msg("op %lld: queue %s has %d steps, model %d", (long long)w->op, Q_ID[qi], n,
                     w->n_steps[qi]);
        if (st == OQ_OK) {
            assert_oq_ok(w->e, oq_queue_ewt(w->e, Q_ID[qi], &ewt));
            if (!(ewt >= 0))
                fail_msg("op %lld: queue %s ewt %g", (long long)w->op, Q_ID[qi], ewt);
        }
        break;
    }
    default: {
        int ci = pick_live(w);
        if (ci < 0)
            return;
        contact_name(ci, cid);
        int32_t pos = -7;
        double ewt = -7;
        want = w->c[ci].state == OQ_CONTACT_QUEUED ? OQ_OK : OQ_ESTATE;
        named = cid;
        call_begin(&k, w, "contact_position", t, cid, NULL);
        st = oq_contact_position(w->e, cid, &pos, &ewt);
        if (st == OQ_OK) {
            int same = 0; /* contacts of its queue and channel: the position is within */
            for (int i = 0; i < w->n_live; i++) {
                const mcontact *x = &w->c[w->live[i]];
                same += x->queue == w->c[ci].queue && x->channel == w->c[ci].channel &&
                        x->state == OQ_CONTACT_QUEUED;
            }
            if (pos < 1 || pos > same || !(ewt >= 0))
                fail_msg("op %lld: %s position %d of %d, ewt %g", (long long)w->op, cid, pos, same,
                         ewt);
        } else if (pos != -7 || ewt != -7) {
            fail_msg("op %lld: failed oq_contact_position wrote its outputs", (long long)w->op);
        }
        break;
    }
    }
    call_end(&k, st, want, NULL, NULL, named);
}

/* Channels, skills and groups come and go (only the temporary ones are
 * really removed); removing one in use must be refused. */
static void op_catalog(world *w)
{
    int64_t t = clock_now(w);
    call k;
    oq_status st, want;
    switch (rn(w, 4)) {
    case 0: {
        int ch = (int)rn(w, NCH);
        if (ch == TMP_CH && !w->ch[ch].exists) {
            call_begin(&k, w, "channel_add", t, NULL, NULL);
            st = mk_channel(w, ch, 1, 0, 20, 2);
            call_end(&k, st, OQ_OK, NULL, NULL, NULL);
            return;
        }
        int used = 0;
        for (int qi = 0; qi < NQ; qi++)
            used |= w->q[qi].exists && w->q[qi].ch[ch];
        for (int i = 0; i < w->n_live; i++)
            used |= w->c[w->live[i]].channel == ch;
        want = !w->ch[ch].exists ? OQ_ENOTFOUND : used ? OQ_ESTATE : OQ_OK;
        if (ch != TMP_CH && want == OQ_OK)
            return; /* keep the real channels */
        call_begin(&k, w, "channel_remove", t, NULL, NULL);
        st = oq_channel_remove(w->e, CH_ID[ch]);
        if (st == OQ_OK) {
            w->ch[ch].exists = 0;
            for (int n = 0; n < w->n_agent_nums; n++)
                w->ag[n].lim[ch] = -1;
            for (int p = 0; p < NPR; p++) { /* a re-added channel is a new one */
                w->prof[p].chmax[ch] = -1;
                w->prof[p].chcross[ch] = 1;
            }
        }
        call_end(&k, st, want, NULL, NULL, CH_ID[ch]);
        return;
    }
    case 1: {
        int sk = (int)rn(w, NSK);
        if (sk == TMP_SK && !w->sk_exists[sk]) {
            call_begin(&k, w, "skill_add", t, NULL, NULL);
            st = mk_skill(w, sk, 1 + (int32_t)rn(w, 10));
            call_end(&k, st, OQ_OK, NULL, NULL, NULL);
            return;
        }
        if (sk != TMP_SK) {
            /* sales and vip are always required by q_sales / q_vip? not
             * necessarily after random edits: only try when known in use. */
            int used = 0;
            for (int qi = 0; qi < NQ; qi++)
                used |= w->q[qi].exists && (w->q[qi].req[sk] || w->q[qi].pref[sk]);
            if (!used)
                return;
            call_begin(&k, w, "skill_remove(used)", t, NULL, NULL);
            st = oq_skill_remove(w->e, SK_ID[sk]);
            call_end(&k, st, OQ_ESTATE, NULL, NULL, SK_ID[sk]);
            return;
        }
        /* tmpsk: refused while an agent/queue/contact refers to it. */
        call_begin(&k, w, "skill_remove", t, NULL, NULL);
        st = oq_skill_remove(w->e, SK_ID[sk]);
        if (st == OQ_OK) {
            w->sk_exists[sk] = 0;
            for (int qi = 0; qi < NQ; qi++)
                if (w->q[qi].req[sk] || w->q[qi].pref[sk])
                    fail_msg("tmpsk removed while queue %s uses it", Q_ID[qi]);
        }
        call_end(&k, st, st == OQ_OK ? OQ_OK : OQ_ESTATE, NULL, NULL, SK_ID[sk]);
        return;
    }
    case 2: {
        int g = (int)rn(w, NGR);
        if (!w->gr_exists[g]) {
            call_begin(&k, w, "group_add", t, NULL, NULL);
            st = mk_group(w, g);
            call_end(&k, st, OQ_OK, NULL, NULL, NULL);
            return;
        }
        int used = 0;
        for (int qi = 0; qi < NQ; qi++)
            used |= w->q[qi].exists && w->q[qi].grp[g];
        for (int n = 0; n < w->n_agent_nums; n++)
            used |= w->ag[n].exists && w->ag[n].grp[g];
        want = used ? OQ_ESTATE : OQ_OK;
        if (g != TMP_GR && want == OQ_OK)
            return;
        call_begin(&k, w, "group_remove", t, NULL, NULL);
        st = oq_group_remove(w->e, GR_ID[g]);
        if (st == OQ_OK) {
            w->gr_exists[g] = 0;
            w->gr_prof[g] = -1;
        }
        call_end(&k, st, want, NULL, NULL, GR_ID[g]);
        return;
    }
    default: { /* channel update: chat / email / callback limits and costs */
        int ch = 1 + (int)rn(w, 3);
        oq_channel_spec s;
        oq_channel_spec_init(&s);
        assert_oq_ok(w->e, oq_channel_get(w->e, CH_ID[ch], &s));
        s.id = CH_ID[ch];
        int max = 1 + (int)rn(w, 5), cost = 5 + (int)rn(w, 50);
        s.max_per_agent = max;
        s.capacity_cost = cost;
        want = OQ_OK;
        const char *named = NULL;
        if (pct(w, 10)) {
            s.capacity_cost = pct(w, 50) ? 0 : OQ_CAPACITY_MAX + 1;
            want = OQ_EINVAL;
            named = "capacity_cost";
        }
        int old_max = w->ch[ch].max, old_cost = w->ch[ch].cost;
        if (want == OQ_OK) {
            w->ch[ch].max = max;
            w->ch[ch].cost = cost;
        }
        call_begin(&k, w, "channel_update", t, NULL, NULL);
        st = oq_channel_update(w->e, &s);
        if (st != OQ_OK) {
            w->ch[ch].max = old_max;
            w->ch[ch].cost = old_cost;
        }
        call_end(&k, st, want, NULL, NULL, named);
        return;
    }
    }
}

/* Invalid calls with exact expected statuses; t is the clock so they must
 * change nothing. */
static void op_invalid(world *w)
{
    int64_t t = clock_now(w);
    char longid[OQ_ID_MAX + 2];
    memset(longid, 'x', OQ_ID_MAX + 1);
    longid[OQ_ID_MAX + 1] = '\0';
    static const char badutf[] = "\xff\xfe";
    const char *bad_ids[] = {NULL, "", longid, badutf, "\xc0\xaf", "\xed\xa0\x80"};
    const char *badid = bad_ids[rn(w, 6)];
    int ci = pick_live(w);
    char cid[16], aid[16];
    if (ci >= 0)
        contact_name(ci, cid);
    else
        snprintf(cid, sizeof cid, "nosuch");
    int an = pick_agent(w);
    agent_name(an, aid);
    if (!w->ag[an].exists)
        snprintf(aid, sizeof aid, "a0"); /* may be unknown too: only used where known */
    int aok = w->ag[parse_num(aid, 'a')].exists;
    call k;
    oq_status st;
    switch (rn(w, 16)) {
    case 0:
        call_begin(&k, w, "accept(unknown contact)", t, NULL, NULL);
        st = oq_offer_accept(w->e, t, "nosuch-contact", aid);
        call_end(&k, st, OQ_ENOTFOUND, NULL, NULL, "nosuch-contact");
        break;
    case 1:
        if (ci < 0)
            return;
        call_begin(&k, w, "reject(bad agent id)", t, cid, NULL);
        st = oq_offer_reject(w->e, t, cid, badid);
        call_end(&k, st, OQ_EINVAL, cid, NULL, "agent");
        break;
    case 2:
        call_begin(&k, w, "login(bad id)", t, NULL, NULL);
        st = oq_agent_login(w->e, t, badid, 1);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, "agent");
        break;
    case 3:
        if (t <= 1000000)
            return;
        {
            int64_t back = t - 1 - (int64_t)rn(w, 1000);
            switch (rn(w, 4)) {
            case 0:
                call_begin(&k, w, "advance(backwards)", t, NULL, NULL);
                st = oq_engine_advance(w->e, back);
                break;
            case 1:
                call_begin(&k, w, "ready(backwards)", t, NULL, aok ? aid : NULL);
                st = oq_agent_ready(w->e, back, aid);
                break;
            case 2:
                call_begin(&k, w, "remove(backwards)", t, ci >= 0 ? cid : NULL, NULL);
                st = oq_contact_remove(w->e, back, cid);
                break;
            default: {
                oq_contact_spec s;
                oq_contact_spec_init(&s);
                s.id = "backwards";
                s.channel = "chat";
                s.queue = "q_general";
                call_begin(&k, w, "arrive(backwards)", t, NULL, NULL);
                st = oq_contact_arrive(w->e, back, &s);
                break;
            }
            }
            call_end(&k, st, OQ_EINVAL, NULL, NULL, "now_ms");
        }
        break;
    case 4: {
        if (ci < 0)
            return;
        oq_contact_spec s;
        oq_contact_spec_init(&s);
        s.id = cid;
        s.channel = CH_ID[(int)w->c[ci].channel];
        s.queue = Q_ID[(int)w->c[ci].queue];
        if (!w->q[(int)w->c[ci].queue].ch[(int)w->c[ci].channel])
            return; /* the channel check would come first */
        call_begin(&k, w, "arrive(duplicate)", t, cid, NULL);
        st = oq_contact_arrive(w->e, t, &s);
        call_end(&k, st, OQ_EEXIST, cid, NULL, cid);
        break;
    }
    case 5:
        if (!aok)
            return; /* re-adding a removed id would make a new agent */
        call_begin(&k, w, "agent_add(duplicate)", t, NULL, aid);
        st = oq_agent_add(w->e, aid, 100);
        call_end(&k, st, OQ_EEXIST, NULL, aid, aid);
        break;
    case 6: {
        oq_queue_spec s;
        oq_queue_spec_init(&s);
        s.id = "q_general";
        call_begin(&k, w, "queue_add(duplicate)", t, NULL, NULL);
        st = oq_queue_add(w->e, &s);
        call_end(&k, st, OQ_EEXIST, NULL, NULL, "q_general");
        break;
    }
    case 7:
        call_begin(&k, w, "set_priority(bad id)", t, NULL, NULL);
        st = oq_contact_set_priority(w->e, t, badid, 1);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, "contact");
        break;
    case 8:
        call_begin(&k, w, "transfer(unknown queue)", t, ci >= 0 ? cid : NULL, NULL);
        st = oq_contact_transfer(w->e, t, cid, "no-such-queue");
        call_end(&k, st, OQ_ENOTFOUND, ci >= 0 ? cid : NULL, NULL,
                 ci >= 0 ? "no-such-queue" : cid);
        break;
    case 9:
        call_begin(&k, w, "arrive(NULL spec)", t, NULL, NULL);
        st = oq_contact_arrive(w->e, t, NULL);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, NULL);
        break;
    case 10: {
        oq_contact_spec s;
        oq_contact_spec_init(&s);
        s.id = "toomany";
        s.channel = "chat";
        s.queue = "q_general";
        s.n_required = OQ_CONTACT_SKILLS_MAX + 1;
        const char *ids[OQ_CONTACT_SKILLS_MAX + 1];
        int32_t lv[OQ_CONTACT_SKILLS_MAX + 1];
        for (int i = 0; i <= OQ_CONTACT_SKILLS_MAX; i++) {
            ids[i] = "sales";
            lv[i] = 1;
        }
        s.required_skills = ids;
        s.required_levels = lv;
        call_begin(&k, w, "arrive(too many skills)", t, NULL, NULL);
        st = oq_contact_arrive(w->e, t, &s);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, "n_required");
        break;
    }
    case 11: {
        oq_contact_spec s;
        oq_contact_spec_init(&s);
        s.id = "badlevel";
        s.channel = "email";
        s.queue = "q_general";
        const char *ids[1] = {"english"};
        int32_t lv[1] = {w->sk_max[2] + 1};
        s.n_preferred = 1;
        s.preferred_skills = ids;
        s.preferred_levels = lv;
        call_begin(&k, w, "arrive(bad level)", t, NULL, NULL);
        st = oq_contact_arrive(w->e, t, &s);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, "preferred_levels");
        break;
    }
    case 12:
        if (!aok)
            return;
        call_begin(&k, w, "join_group(unknown)", t, NULL, aid);
        st = oq_agent_join_group(w->e, t, aid, "no-such-group");
        call_end(&k, st, OQ_ENOTFOUND, NULL, aid, "no-such-group");
        break;
    case 13:
        call_begin(&k, w, "queue_require_skill(bad id)", t, NULL, NULL);
        st = oq_queue_require_skill(w->e, t, "q_general", badid, 1);
        call_end(&k, st, OQ_EINVAL, NULL, NULL, "skill");
        break;
    case 14: {
        oq_channel_spec s;
        oq_channel_spec_init(&s);
        s.id = "voice";
        call_begin(&k, w, "channel_add(duplicate)", t, NULL, NULL);
        st = oq_channel_add(w->e, &s);
        call_end(&k, st, OQ_EEXIST, NULL, NULL, "voice");
        break;
    }
    default: {
        /* accept a contact that is not offered (queued / active / wrap-up) */
        if (ci < 0 || w->c[ci].state == OQ_CONTACT_OFFERED || !aok)
            return;
        call_begin(&k, w, "accept(not offered)", t, cid, aid);
        st = oq_offer_accept(w->e, t, cid, aid);
        call_end(&k, st, OQ_ESTATE, cid, aid, cid);
        break;
    }
    }
}

/* ---- work orders, routing profiles, policies, statistics -------------------- */

static const char *pick_bad_id(world *w, char *longid)
{
    memset(longid, 'x', OQ_ID_MAX + 1);
    longid[OQ_ID_MAX + 1] = '\0';
    static const char *const bad[] = {"", "\xff\xfe", "\xc0\xaf"};
    int i = (int)rn(w, 4);
    return i == 3 ? longid : bad[i];
}

/* The model's idea of "agent an may serve queue qi" (membership: the queue's
 * required skills, its target groups, and the agent's routing profile). */
static int model_eligible(world *w, int an, int qi)
{
    const magent *a = &w->ag[an];
    const mqueue *q = &w->q[qi];
    int pi = eff_profile(w, an);
    if (pi >= 0 && !w->prof[pi].qprio[qi])
        return 0;
    int any = 0, in = 0;
    for (int g = 0; g < NGR; g++)
        if (q->grp[g]) {
            any = 1;
            in |= a->grp[g];
        }
    if (any && !in)
        return 0;
    char aid[16];
    agent_name(an, aid);
    for (int s = 0; s < NSK; s++) {
        if (!q->req[s])
            continue;
        int32_t lv = 0;
        if (oq_agent_get_skill(w->e, aid, SK_ID[s], &lv) != OQ_OK || lv < q->req[s])
            return 0;
    }
    return 1;
}

/* Compare a contact's history with the model: its length, its oldest entry
 * (the arrival while nothing was dropped) and its newest. */
static void check_history(world *w, int ci)
{
    char cid[16];
    contact_name(ci, cid);
    mcontact *c = &w->c[ci];
    int32_t n = -1;
    call k;
    call_begin(&k, w, "history_count", clock_now(w), cid, NULL);
    oq_status st = oq_contact_history_count(w->e, cid, &n);
    call_end(&k, st, OQ_OK, cid, NULL, NULL);
    int32_t want_n = c->hist_total < OQ_HISTORY_MAX ? c->hist_total : OQ_HISTORY_MAX;
    if (n != want_n)
        fail_msg("op %lld: %s history has %d entries, model %d (of %d ever)", (long long)w->op, cid,
                 n, want_n, c->hist_total);
    w->n_hist_checks++;
    oq_history_entry h;
    if (c->hist_total <= OQ_HISTORY_MAX) {
        assert_oq_ok(w->e, oq_contact_history_get(w->e, cid, 0, &h));
        if (h.type != OQ_EV_CONTACT_QUEUED || h.time_ms != c->first_time || h.agent)
            fail_msg("op %lld: %s history[0] is %s at %lld, expected its arrival at %lld",
                     (long long)w->op, cid, oq_event_type_name(h.type), (long long)h.time_ms,
                     (long long)c->first_time);
    }
    int64_t prev = INT64_MIN;
    for (int32_t i = 0; i < n; i++) {
        assert_oq_ok(w->e, oq_contact_history_get(w->e, cid, i, &h));
        if (h.time_ms < prev || h.time_ms > clock_now(w))
            fail_msg("op %lld: %s history[%d] time %lld out of order", (long long)w->op, cid, i,
                     (long long)h.time_ms);
        prev = h.time_ms;
    }
    if (n > 0) {
        assert_oq_ok(w->e, oq_contact_history_get(w->e, cid, n - 1, &h));
        int want_agent = c->hist_agent >= 0 && w->ag[c->hist_agent].exists ? c->hist_agent : -1;
        int got_agent = h.agent ? parse_num(h.agent, 'a') : -1;
        if (h.type != c->hist_type || h.time_ms != c->hist_time || got_agent != want_agent ||
            queue_index(h.queue) != c->hist_queue)
            fail_msg("op %lld: %s newest history entry %s at %lld agent %s queue %s; model %s at "
                     "%lld agent a%d queue %s",
                     (long long)w->op, cid, oq_event_type_name(h.type), (long long)h.time_ms,
                     h.agent ? h.agent : "(null)", h.queue ? h.queue : "(null)",
                     oq_event_type_name(c->hist_type), (long long)c->hist_time, want_agent,
                     Q_ID[(int)c->hist_queue]);
    }
    /* out of range */
    int32_t bad = pct(w, 50) ? n : -1 - (int32_t)rn(w, 3);
    call_begin(&k, w, "history_get(out of range)", clock_now(w), cid, NULL);
    st = oq_contact_history_get(w->e, cid, bad, &h);
    call_end(&k, st, OQ_EINVAL, cid, NULL, cid);
}

static int pick_workable(world *w)
{
    /* mostly a contact in a state the call takes, else any */
    static const int states[] = {OQ_CONTACT_QUEUED, OQ_CONTACT_OFFERED, OQ_CONTACT_ACTIVE};
    if (pct(w, 80)) {
        int ci = pick_in_state(w, states[rn(w, 3)]);
        if (ci >= 0)
            return ci;
    }
    return pick_live(w);
}

static void op_workorder(world *w, int kind)
{
    int64_t t = clock_now(w);
    char cid[16], aid[16], longid[OQ_ID_MAX + 2];
    int ci;
    if (kind == 1 && pct(w, 85))
        ci = pick_in_state(w, OQ_CONTACT_PARKED);
    else
        ci = pick_workable(w);
    int unknown = ci < 0 || pct(w, 3);
    if (unknown)
        snprintf(cid, sizeof cid, "c%d", w->n_contact_nums + 7);
    else
        contact_name(ci, cid);
    mcontact *c = unknown ? NULL : &w->c[ci];
    int live_ok = c && (c->state == OQ_CONTACT_QUEUED || c->state == OQ_CONTACT_OFFERED ||
                        c->state == OQ_CONTACT_ACTIVE);
    oq_status want = OQ_OK, st;
    const char *named = NULL;
    call k;
    w->pend_ci = unknown ? -1 : ci;
    switch (kind) {
    case 0: { /* park */
        static const char *const reasons[] = {NULL, "waiting for customer", "needs info"};
        const char *reason = reasons[rn(w, 3)];
        if (!c)
            want = OQ_ENOTFOUND, named = cid;
        else if (!live_ok)
            want = OQ_ESTATE, named = cid;
        else if (pct(w, 4))
            reason = pick_bad_id(w, longid), want = OQ_EINVAL, named = "reason";
        if (pct(w, 10) && want == OQ_OK)
            t += (int64_t)rn(w, 2000); /* timers first: the contact may move or finish */
        call_begin(&k, w, "park", t, c ? cid : NULL, NULL);
        if (!k.exact_time)
            want = ANY_STATE, named = NULL;
        st = oq_contact_park(w->e, t, cid, reason);
        break;
    }
    case 1: { /* reopen */
        const char *queue = NULL;
        int qi = c ? c->queue : 0;
        int r = (int)rn(w, 10);
        if (r < 4) {
            qi = pick_queue(w);
            queue = Q_ID[qi];
        } else if (r == 4) {
            queue = "no-such-queue";
        }
        double wait = pct(w, 40) ? 0 : rn(w, 120) / 2.0;
        int bad_wait = pct(w, 4);
        if (bad_wait) {
            static const double bad[] = {-0.5, NAN, INFINITY};
            wait = bad[rn(w, 3)];
        }
        if (!c)
            want = OQ_ENOTFOUND, named = cid;
        else if (queue && (r == 4 || !w->q[qi].exists))
            want = OQ_ENOTFOUND, named = queue;
        else if (c->state != OQ_CONTACT_PARKED)
            want = OQ_ESTATE, named = cid;
        else if (bad_wait)
            want = OQ_EINVAL, named = "owner_wait_s";
        else if (!w->q[qi].ch[(int)c->channel])
            want = OQ_ESTATE, named = Q_ID[qi];
        w->pend_wait = bad_wait ? 0 : ms_of(wait);
        call_begin(&k, w, "reopen", t, c ? cid : NULL, NULL);
        st = oq_contact_reopen(w->e, t, cid, queue, wait);
        break;
    }
    case 2: { /* escalate */
        int qi = pick_queue(w);
        const char *queue = pct(w, 3) ? "no-such-queue" : Q_ID[qi];
        const char *reason = pct(w, 50) ? "tier 2" : "supervisor";
        int r = (int)rn(w, 100);
        if (r < 3)
            reason = NULL;
        else if (r < 6)
            reason = pick_bad_id(w, longid);
        if (!c)
            want = OQ_ENOTFOUND, named = cid;
        else if (!live_ok)
            want = OQ_ESTATE, named = cid;
        else if (queue[0] == 'n' || !w->q[qi].exists)
            want = OQ_ENOTFOUND, named = queue;
        else if (r < 6)
            want = OQ_EINVAL, named = "reason";
        else if (!w->q[qi].ch[(int)c->channel] ||
                 (c->state == OQ_CONTACT_QUEUED && c->queue == qi))
            want = OQ_ESTATE, named = cid;
        call_begin(&k, w, "escalate", t, c ? cid : NULL, NULL);
        st = oq_contact_escalate(w->e, t, cid, queue, reason);
        break;
    }
    default: { /* transfer to a named agent */
        if (!w->n_agent_nums)
            return;
        int an = pick_agent(w);
        if (live_ok && pct(w, 75)) /* mostly an agent who may serve the queue */
            for (int tries = 0; tries < 10; tries++) {
                int x = (int)rn(w, (uint32_t)w->n_agent_nums);
                if (w->ag[x].exists && model_eligible(w, x, c->queue)) {
                    an = x;
                    break;
                }
            }
        agent_name(an, aid);
        double wait = 0.5 + rn(w, 120) / 2.0;
        int bad_wait = pct(w, 4);
        if (bad_wait) {
            static const double bad[] = {0.0, -1.0, NAN};
            wait = bad[rn(w, 3)];
        }
        if (!c)
            want = OQ_ENOTFOUND, named = cid;
        else if (!live_ok)
            want = OQ_ESTATE, named = cid;
        else if (!w->ag[an].exists)
            want = OQ_ENOTFOUND, named = aid;
        else if (bad_wait)
            want = OQ_EINVAL, named = "wait_s";
        else if (!model_eligible(w, an, c->queue))
            want = OQ_ESTATE, named = aid;
        else if (c->agent == an && c->state != OQ_CONTACT_QUEUED)
            want = OQ_ESTATE, named = aid;
        w->pend_agent = an;
        w->pend_wait = bad_wait ? 0 : ms_of(wait);
        call_begin(&k, w, "transfer_to_agent", t, c ? cid : NULL, w->ag[an].exists ? aid : NULL);
        st = oq_contact_transfer_to_agent(w->e, t, cid, aid, wait);
        break;
    }
    }
    call_end(&k, st, want, c ? cid : NULL, NULL, named);
    w->pend_ci = w->pend_agent = -1;
    if (st == OQ_OK && c && !c->term && pct(w, 30))
        check_history(w, ci);
}

static void op_history(world *w)
{
    int ci = pick_live(w);
    if (ci < 0 || pct(w, 5)) {
        char cid[16];
        snprintf(cid, sizeof cid, "c%d", w->n_contact_nums + 9);
        int32_t n = -5;
        call k;
        call_begin(&k, w, "history_count(unknown)", clock_now(w), NULL, NULL);
        oq_status st = oq_contact_history_count(w->e, cid, &n);
        call_end(&k, st, OQ_ENOTFOUND, NULL, NULL, cid);
        if (n != -5)
            fail_msg("op %lld: failed history_count wrote its output", (long long)w->op);
        return;
    }
    check_history(w, ci);
}

/* Routing profiles. The model changes before the call (routing inside it
 * must see the new rules) and is put back if the call fails; t is the clock. */
static void op_profile(world *w)
{
    int64_t t = clock_now(w);
    int pi = (int)rn(w, NPR);
    mprofile *p = &w->prof[pi];
    char longid[OQ_ID_MAX + 2], aid[16];
    mprofile saved_prof[NPR];
    int saved_gr[NGR];
    memcpy(saved_prof, w->prof, sizeof saved_prof);
    memcpy(saved_gr, w->gr_prof, sizeof saved_gr);
    int saved_an = -1, saved_aprof = -1;
    oq_status want = p->exists ? OQ_OK : OQ_ENOTFOUND, st;
    const char *named = P_ID[pi];
    call k;
    switch (rn(w, 12)) {
    case 0: { /* add */
        const char *id = P_ID[pi];
        if (pct(w, 5)) {
            id = pick_bad_id(w, longid);
            want = OQ_EINVAL;
            named = "profile";
        } else {
            want = p->exists ? OQ_EEXIST : OQ_OK;
        }
        call_begin(&k, w, "profile_add", t, NULL, NULL);
        st = oq_profile_add(w->e, id);
        if (st == OQ_OK) {
            memset(p, 0, sizeof *p);
            p->exists = 1;
            for (int ch = 0; ch < NCH; ch++) {
                p->chmax[ch] = -1;
                p->chcross[ch] = 1;
            }
        }
        break;
    }
    case 1: /* remove */
        if (p->exists && profile_refs(w, pi) > 0)
            want = OQ_ESTATE;
        call_begin(&k, w, "profile_remove", t, NULL, NULL);
        st = oq_profile_remove(w->e, P_ID[pi]);
        if (st == OQ_OK)
            memset(p, 0, sizeof *p);
        break;
    case 2:
    case 3:
    case 4: { /* list / unlist a queue */
        int qi = pick_queue(w);
        int32_t prio = pct(w, 25) ? 0 : 1 + (int32_t)rn(w, 3);
        double delay = pct(w, 60) ? 0 : rn(w, 24) / 2.0;
        if (p->exists && !w->q[qi].exists) {
            want = OQ_ENOTFOUND;
            named = Q_ID[qi];
        } else if (p->exists && pct(w, 4)) {
            if (pct(w, 50))
                prio = pct(w, 50) ? -1 : 1001, named = "priority";
            else
                delay = pct(w, 50) ? -1.0 : NAN, named = "delay_s";
            want = OQ_EINVAL;
        } else if (p->exists) {
            p->qprio[qi] = prio;
            p->qdelay[qi] = prio ? ms_of(delay) : 0;
        }
        call_begin(&k, w, "profile_set_queue", t, NULL, NULL);
        st = oq_profile_set_queue(w->e, t, P_ID[pi], Q_ID[qi], prio, delay);
        break;
    }
    case 5:
    case 6: { /* per-channel concurrency */
        int ch = (int)rn(w, NCH);
        int32_t mx = (int32_t)rn(w, 5) - 1, cross = pct(w, 30) ? 0 : 1;
        if (p->exists && !w->ch[ch].exists) {
            want = OQ_ENOTFOUND;
            named = CH_ID[ch];
        } else if (p->exists && pct(w, 5)) {
            if (pct(w, 50))
                mx = pct(w, 50) ? -2 : OQ_CAPACITY_MAX + 1, named = "max_items";
            else
                cross = pct(w, 50) ? 2 : -1, named = "cross_channel";
            want = OQ_EINVAL;
        } else if (p->exists) {
            p->chmax[ch] = mx;
            p->chcross[ch] = cross;
        }
        call_begin(&k, w, "profile_set_channel", t, NULL, NULL);
        st = oq_profile_set_channel(w->e, t, P_ID[pi], CH_ID[ch], mx, cross);
        break;
    }
    case 7: { /* options: ordering only, not asserted */
        int32_t f = (int32_t)rn(w, 2), idle = (int32_t)rn(w, 2);
        if (p->exists && pct(w, 6)) {
            if (pct(w, 50))
                f = 2, named = "force_longest_waiting";
            else
                idle = 7, named = "idle_measure";
            want = OQ_EINVAL;
        }
        call_begin(&k, w, "profile_set_options", t, NULL, NULL);
        st = oq_profile_set_options(w->e, t, P_ID[pi], f, idle);
        break;
    }
    case 8:
    case 9:
    case 10: { /* an agent's profile */
        if (!w->n_agent_nums)
            return;
        int an = pick_agent(w);
        agent_name(an, aid);
        const char *prof = pct(w, 30) ? NULL : P_ID[pi];
        if (pct(w, 3))
            prof = "no-such-profile";
        if (!w->ag[an].exists) {
            want = OQ_ENOTFOUND;
            named = aid;
        } else if (prof && (prof[0] == 'n' || !p->exists)) {
            want = OQ_ENOTFOUND;
            named = prof;
        } else {
            want = OQ_OK;
            saved_an = an;
            saved_aprof = w->ag[an].profile;
            w->ag[an].profile = prof ? pi : -1;
        }
        call_begin(&k, w, "agent_set_profile", t, NULL, w->ag[an].exists ? aid : NULL);
        st = oq_agent_set_profile(w->e, t, aid, prof);
        if (st != OQ_OK && saved_an >= 0)
            w->ag[saved_an].profile = saved_aprof;
        break;
    }
    default: { /* a group's profile */
        int g = (int)rn(w, NGR);
        const char *prof = pct(w, 35) ? NULL : P_ID[pi];
        if (!w->gr_exists[g]) {
            want = OQ_ENOTFOUND;
            named = GR_ID[g];
        } else if (prof && !p->exists) {
            want = OQ_ENOTFOUND;
            named = prof;
        } else {
            want = OQ_OK;
            w->gr_prof[g] = prof ? pi : -1;
        }
        call_begin(&k, w, "group_set_profile", t, NULL, NULL);
        st = oq_group_set_profile(w->e, t, GR_ID[g], prof);
        break;
    }
    }
    if (st != OQ_OK) {
        memcpy(w->prof, saved_prof, sizeof saved_prof);
        memcpy(w->gr_prof, saved_gr, sizeof saved_gr);
    }
    call_end(&k, st, want, NULL, NULL, named);
}

/* Blending rules and agent policies. */
static void op_policy(world *w)
{
    int64_t t = clock_now(w);
    call k;
    oq_status st, want = OQ_OK;
    const char *named = NULL;
    if (pct(w, 30)) {
        int qi = pick_queue(w);
        int32_t rule = (int32_t)rn(w, 2);
        if (!w->q[qi].exists) {
            want = OQ_ENOTFOUND;
            named = Q_ID[qi];
        } else if (!w->q[qi].spec.outbound) {
            want = OQ_ESTATE;
            named = Q_ID[qi];
        } else if (pct(w, 6)) {
            rule = pct(w, 50) ? -1 : 2;
            want = OQ_EINVAL;
            named = "rule";
        }
        call_begin(&k, w, "queue_set_blend", t, NULL, NULL);
        st = oq_queue_set_blend(w->e, t, Q_ID[qi], rule);
        call_end(&k, st, want, NULL, NULL, named);
        return;
    }
    if (!w->n_agent_nums)
        return;
    int an = pick_agent(w);
    magent *a = &w->ag[an];
    char aid[16];
    agent_name(an, aid);
    oq_agent_policy pol;
    oq_agent_policy_init(&pol);
    if (pct(w, 70)) {
        if (pct(w, 40))
            pol.max_no_answer = 1 + (int32_t)rn(w, 3);
        if (pct(w, 40)) {
            pol.max_per_window = 1 + (int32_t)rn(w, 4);
            pol.window_s = 1 + rn(w, 40) / 2.0;
        }
        if (pct(w, 40))
            pol.reject_delay_s = rn(w, 20) / 2.0;
        if (pct(w, 40))
            pol.no_answer_delay_s = rn(w, 20) / 2.0;
    }
    const oq_agent_policy *pp = &pol;
    if (!a->exists) {
        want = OQ_ENOTFOUND;
        named = aid;
    } else if (pct(w, 8)) {
        want = OQ_EINVAL;
        switch (rn(w, 7)) {
        case 0: pp = NULL; named = "policy"; break;
        case 1: pol.struct_size = 4; named = "policy"; break;
        case 2: pol.max_no_answer = pct(w, 50) ? -1 : 1001; named = "max_no_answer"; break;
        case 3: pol.max_per_window = pct(w, 50) ? -1 : 65; named = "max_per_window"; break;
        case 4: pol.max_per_window = 2; pol.window_s = pct(w, 50) ? 0 : NAN; named = "window_s"; break;
        case 5: pol.reject_delay_s = pct(w, 50) ? -1 : INFINITY; named = "reject_delay_s"; break;
        default: pol.no_answer_delay_s = pct(w, 50) ? -2 : NAN; named = "no_answer_delay_s"; break;
        }
    }
    magent saved = *a;
    if (want == OQ_OK) {
        a->pol_max_na = pol.max_no_answer;
        a->pol_mpw = pol.max_per_window;
        a->pol_window = ms_of(pol.window_s);
        a->pol_rej_delay = ms_of(pol.reject_delay_s);
        a->pol_na_delay = ms_of(pol.no_answer_delay_s);
        a->ring_n = a->ring_head = 0; /* a new policy starts a new window */
    }
    call_begin(&k, w, "agent_set_policy", t, NULL, a->exists ? aid : NULL);
    st = oq_agent_set_policy(w->e, t, aid, pp);
    if (st != OQ_OK && a->exists) {
        /* put the policy back; events during the failed call are none */
        a->pol_max_na = saved.pol_max_na;
        a->pol_mpw = saved.pol_mpw;
        a->pol_window = saved.pol_window;
        a->pol_rej_delay = saved.pol_rej_delay;
        a->pol_na_delay = saved.pol_na_delay;
        a->ring_n = saved.ring_n;
        a->ring_head = saved.ring_head;
    }
    call_end(&k, st, want, NULL, a->exists ? aid : NULL, named);
}

/* Statistics reads never change anything: no event, same counts, clock,
 * contact and agent, same next deadline. */
static void op_stats(world *w)
{
    int64_t t = clock_now(w);
    int64_t d0 = 0, d1 = 0;
    assert_oq_ok(w->e, oq_engine_next_deadline(w->e, &d0));
    int32_t period = (int32_t)rn(w, 3);
    int bad_period = pct(w, 5);
    if (bad_period)
        period = pct(w, 50) ? -1 : 3 + (int32_t)rn(w, 5);
    oq_status want = bad_period ? OQ_EINVAL : OQ_OK, st;
    const char *named = bad_period ? "period" : NULL;
    int ci = pick_live(w);
    char cid[16], aid[16];
    if (ci >= 0)
        contact_name(ci, cid);
    int an = w->n_agent_nums ? pick_agent(w) : 0;
    agent_name(an, aid);
    oq_queue_stats qs = OQ_OUTPUT_INIT(oq_queue_stats);
    oq_agent_stats as = OQ_OUTPUT_INIT(oq_agent_stats);
    call k;
    int what = (int)rn(w, 4);
    call_begin(&k, w, "stats", t, ci >= 0 ? cid : NULL, w->ag[an].exists ? aid : NULL);
    switch (what) {
    case 0: {
        int qi = pick_queue(w);
        if (!w->q[qi].exists)
            want = OQ_ENOTFOUND, named = Q_ID[qi];
        st = oq_stats_queue(w->e, Q_ID[qi], period, &qs);
        if (st == OQ_OK) {
            int in = 0, open = 0;
            for (int i = 0; i < w->n_live; i++) {
                const mcontact *c = &w->c[w->live[i]];
                in += c->queue == qi;
                open += c->queue == qi && c->state != OQ_CONTACT_PARKED;
            }
            if (qs.backlog < open || qs.backlog > in || qs.waiting_now < 0)
                fail_msg("op %lld: stats of %s: backlog %d (model %d..%d), waiting %d",
                         (long long)w->op, Q_ID[qi], qs.backlog, open, in, qs.waiting_now);
        }
        break;
    }
    case 1: {
        int ch = (int)rn(w, NCH);
        if (!w->ch[ch].exists)
            want = OQ_ENOTFOUND, named = CH_ID[ch];
        st = oq_stats_channel(w->e, CH_ID[ch], period, &qs);
        break;
    }
    case 2:
        st = oq_stats_center(w->e, period, &qs);
        if (st == OQ_OK && !w->enomem_mode && qs.dropped == 0 &&
            (qs.waiting_now != w->n_state[OQ_CONTACT_QUEUED] + w->n_state[OQ_CONTACT_OFFERED] ||
             qs.backlog != w->n_live))
            fail_msg("op %lld: center stats: waiting %d backlog %d, model %d %d", (long long)w->op,
                     qs.waiting_now, qs.backlog,
                     w->n_state[OQ_CONTACT_QUEUED] + w->n_state[OQ_CONTACT_OFFERED], w->n_live);
        break;
    default:
        if (!w->ag[an].exists)
            want = OQ_ENOTFOUND, named = aid;
        else if (period == OQ_PERIOD_WINDOW)
            want = OQ_EINVAL, named = "period";
        st = oq_stats_agent(w->e, aid, period, &as);
        if (st == OQ_OK && as.handled < 0)
            fail_msg("op %lld: stats of %s: handled %lld", (long long)w->op, aid,
                     (long long)as.handled);
        break;
    }
    w->n_stats_reads++;
    if (w->ev_in_call != 0)
        fail_msg("op %lld: a statistics read emitted %lld events", (long long)w->op,
                 (long long)w->ev_in_call);
    snap after;
    take_snap(w, &after, k.contact, k.agent);
    assert_snap_equal(w, &k.before, &after, "stats read");
    assert_oq_ok(w->e, oq_engine_next_deadline(w->e, &d1));
    if (d0 != d1)
        fail_msg("op %lld: a statistics read moved the next deadline", (long long)w->op);
    call_end(&k, st, want, NULL, NULL, named);
}

/* A few profiles and policies from the start, so that routing under them is
 * exercised from the first op (the stream then changes them at random). */
static void setup_profiles(world *w)
{
    int64_t t = clock_now(w);
    for (int pi = 0; pi < 2; pi++) {
        if (oq_profile_add(w->e, P_ID[pi]) != OQ_OK)
            continue;
        mprofile *p = &w->prof[pi];
        p->exists = 1;
        for (int ch = 0; ch < NCH; ch++) {
            p->chmax[ch] = -1;
            p->chcross[ch] = 1;
        }
        for (int qi = 0; qi < 6; qi++) {
            if (!pct(w, 70))
                continue;
            int32_t prio = 1 + (int32_t)rn(w, 3);
            double delay = pct(w, 70) ? 0 : rn(w, 10) / 2.0;
            if (oq_profile_set_queue(w->e, t, P_ID[pi], Q_ID[qi], prio, delay) == OQ_OK) {
                p->qprio[qi] = prio;
                p->qdelay[qi] = ms_of(delay);
            }
        }
        int ch = 1 + (int)rn(w, 3);
        int32_t mx = (int32_t)rn(w, 4), cross = pi == 0 ? 0 : 1;
        if (oq_profile_set_channel(w->e, t, P_ID[pi], CH_ID[ch], mx, cross) == OQ_OK) {
            p->chmax[ch] = mx;
            p->chcross[ch] = cross;
        }
    }
    /* agents are all offline here: no offer can happen during set-up */
    for (int n = 0; n < w->n_agent_nums; n++) {
        char aid[16];
        agent_name(n, aid);
        int r = (int)rn(w, 10);
        if (r < 3 && w->prof[r % 2].exists &&
            oq_agent_set_profile(w->e, t, aid, P_ID[r % 2]) == OQ_OK)
            w->ag[n].profile = r % 2;
        if (pct(w, 30)) {
            oq_agent_policy pol;
            oq_agent_policy_init(&pol);
            pol.max_per_window = 2 + (int32_t)rn(w, 3);
            pol.window_s = 10;
            pol.reject_delay_s = rn(w, 6);
            pol.no_answer_delay_s = rn(w, 6);
            pol.max_no_answer = (int32_t)rn(w, 3);
            if (oq_agent_set_policy(w->e, t, aid, &pol) == OQ_OK) {
                magent *a = &w->ag[n];
                a->pol_max_na = pol.max_no_answer;
                a->pol_mpw = pol.max_per_window;
                a->pol_window = ms_of(pol.window_s);
                a->pol_rej_delay = ms_of(pol.reject_delay_s);
                a->pol_na_delay = ms_of(pol.no_answer_delay_s);
            }
        }
    }
    if (w->prof[1].exists && oq_group_set_profile(w->e, t, GR_ID[1], P_ID[1]) == OQ_OK)
        w->gr_prof[1] = 1;
}

static void op_add_agent(world *w)
{
    int live = 0;
    for (int n = 0; n < w->n_agent_nums; n++)
        live += w->ag[n].exists;
    if (live >= 20 || w->n_agent_nums >= MAXA - 1)
        return;
    call k;
    call_begin(&k, w, "agent_add", clock_now(w), NULL, NULL);
    int n = w->n_agent_nums;
    char id[16];
    agent_name(n, id);
    oq_status st = oq_agent_add(w->e, id, 50 + (int32_t)rn(w, 150));
    if (st == OQ_OK) {
        w->n_agent_nums++;
        magent *a = &w->ag[n];
        memset(a, 0, sizeof *a);
        a->exists = 1;
        a->profile = -1;
        for (int i = 0; i < NCH; i++)
            a->lim[i] = -1;
    }
    call_end(&k, st, OQ_OK, NULL, NULL, NULL);
}

static void step(world *w)
{
    /* Every fourth stretch of 2500 ops drains the center (few arrivals), so
     * queues empty out and removals of queues and channels can succeed. */
    int drain = (w->op / 2500) % 4 == 3;
    int arrive_w = drain ? 5 : w->n_live > 300 ? 60 : 200;
    int r = (int)rn(w, (uint32_t)(1000 - (200 - arrive_w) + 86));
    if ((r -= 6) < 0)
        { op_calendar(w); return; }
    /* work orders, profiles, policies, statistics: 80 of ~1080 */
    if ((r -= 12) < 0)
        { op_workorder(w, 0); return; }
    if ((r -= 12) < 0)
        { op_workorder(w, 1); return; }
    if ((r -= 7) < 0)
        { op_workorder(w, 2); return; }
    if ((r -= 9) < 0)
        { op_workorder(w, 3); return; }
    if ((r -= 6) < 0)
        { op_history(w); return; }
    if ((r -= 18) < 0)
        { op_profile(w); return; }
    if ((r -= 8) < 0)
        { op_policy(w); return; }
    if ((r -= 8) < 0)
        { op_stats(w); return; }
    if ((r -= arrive_w) < 0)
        { op_arrive(w); return; }
    if ((r -= 130) < 0)
        { op_offer(w, 1, 0); return; }
    if ((r -= 40) < 0)
        { op_offer(w, 0, 0); return; }
    if ((r -= 20) < 0)
        { op_offer(w, (int)rn(w, 2), 1); return; }
    if ((r -= 40) < 0)
        { op_contact(w, 0); return; }
    if ((r -= 90) < 0)
        { op_contact(w, 1); return; }
    if ((r -= 25) < 0)
        { op_contact(w, 2); return; }
    if ((r -= 20) < 0)
        { op_contact(w, 3); return; }
    if ((r -= 15) < 0)
        { op_contact(w, 4); return; }
    if ((r -= 10) < 0)
        { op_contact(w, 5); return; }
    if ((r -= 70) < 0)
        { op_advance(w, 0); return; }
    if ((r -= 40) < 0)
        { op_advance(w, 1); return; }
    if ((r -= 30) < 0)
        { op_agent(w, 0); return; }
    if ((r -= 40) < 0)
        { op_agent(w, 1); return; }
    if ((r -= 20) < 0)
        { op_agent(w, 2); return; }
    if ((r -= 12) < 0)
        { op_agent(w, 3); return; }
    if ((r -= 20) < 0)
        { op_agent(w, 4); return; }
    if ((r -= 12) < 0)
        { op_agent(w, 5); return; }
    if ((r -= 8) < 0)
        { op_agent(w, 6); return; }
    if ((r -= 8) < 0)
        { op_agent(w, 7); return; }
    if ((r -= 12) < 0)
        { op_agent(w, 8); return; }
    if ((r -= 6) < 0)
        { op_agent(w, 9); return; }
    if ((r -= 6) < 0)
        { op_add_agent(w); return; }
    if ((r -= 8) < 0)
        { op_queue(w, 0); return; }
    if ((r -= 6) < 0)
        { op_queue(w, 1); return; }
    if ((r -= 8) < 0)
        { op_queue(w, 2); return; }
    if ((r -= 8) < 0)
        { op_queue(w, 3); return; }
    if ((r -= 6) < 0)
        { op_queue(w, 4); return; }
    if ((r -= 6) < 0)
        { op_queue(w, 5); return; }
    if ((r -= 6) < 0)
        { op_catalog(w); return; }
    if ((r -= 10) < 0)
        { op_ladder(w); return; }
    { op_invalid(w); return; }
}

/* ---- the run ------------------------------------------------------------- */

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    char *end = NULL;
    long v = strtol(s, &end, 0);
    return end && *end == '\0' && v > 0 ? v : def;
}

static void final_checks(world *w)
{
    full_sweep(w);
    char id[16];
    int64_t arrived = 0, terminal = 0, live = 0;
    for (int ci = 0; ci < w->n_contact_nums; ci++) {
        mcontact *c = &w->c[ci];
        if (!c->arrived)
            continue;
        arrived++;
        contact_name(ci, id);
        oq_contact_info info = OQ_OUTPUT_INIT(oq_contact_info);
        oq_status st = oq_contact_get(w->e, id, &info);
        if (c->term == 1) {
            terminal++;
            if (st != OQ_ENOTFOUND)
                fail_msg("contact %s reported finished but the engine still has it", id);
        } else if (c->term == 0) {
            live++;
            if (st != OQ_OK || info.state < OQ_CONTACT_QUEUED || info.state > OQ_CONTACT_PARKED ||
                info.state != c->state)
                fail_msg("contact %s lost: no terminal event and not in the engine", id);
        } else {
            fail_msg("contact %s reported finished %d times", id, c->term);
        }
    }
    oq_engine_counts k = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(w->e, oq_engine_get_counts(w->e, &k));
    assert_int_equal(k.contacts, live);
    assert_int_equal(arrived, terminal + live);
}

static void run_stream(uint64_t seed, long n_ops, test_alloc *alloc)
{
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    world_init(w, seed, alloc, (int)n_ops);
    oq_status st = setup_center(w);
    if (st != OQ_OK)
        fail_msg("setup: %s: %s", oq_status_name(st), oq_engine_last_error(w->e));
    check_after_op(w, "setup");
    setup_profiles(w);
    check_after_op(w, "setup profiles");
    w->reentry_probe = 1;
    if (alloc)
        w->enomem_mode = 1;
    for (w->op = 0; w->op < n_ops; w->op++) {
        if (alloc && rn(w, 100) < 3) /* fail one of the next few allocations */
            alloc->fail_at = alloc->n_allocs + 1 + (int64_t)rn(w, 4);
        if (alloc && w->op > 0)
            settle_forgettable(w, w->op - 1, alloc->n_failed > w->failed_before_op);
        w->failed_before_op = alloc ? alloc->n_failed : 0;
        if ((w->op & 63) == 0)
            watchdog_arm(seed, w->op);
        step(w);
        if (w->op % 997 == 0)
            full_sweep(w);
    }
    watchdog_off();
    if (alloc)
        alloc->fail_at = 0;
    final_checks(w);
    print_message("seed %llu: %ld ops, %lld ok, %lld errors, %lld events, %d contacts arrived, "
                  "%d live at end, %lld re-entry probes (%lld in-callback check failures%s%s)\n",
                  (unsigned long long)seed, n_ops, (long long)w->n_ok, (long long)w->n_err,
                  (long long)w->total_events, w->n_contact_nums, w->n_live,
                  (long long)w->n_reentry, (long long)w->n_cb_check_fail,
                  w->cb_check_msg[0] ? ", first: " : "", w->cb_check_msg);
    print_message("  events: queued %lld offered %lld rejected %lld timeout %lld assigned %lld "
                  "wrapup %lld completed %lld abandoned %lld transferred %lld removed %lld\n",
                  (long long)w->ev_by_type[OQ_EV_CONTACT_QUEUED], (long long)w->ev_by_type[OQ_EV_OFFERED],
                  (long long)w->ev_by_type[OQ_EV_OFFER_REJECTED],
                  (long long)w->ev_by_type[OQ_EV_OFFER_TIMEOUT], (long long)w->ev_by_type[OQ_EV_ASSIGNED],
                  (long long)w->ev_by_type[OQ_EV_WRAPUP_STARTED],
                  (long long)w->ev_by_type[OQ_EV_COMPLETED], (long long)w->ev_by_type[OQ_EV_ABANDONED],
                  (long long)w->ev_by_type[OQ_EV_TRANSFERRED], (long long)w->ev_by_type[OQ_EV_REMOVED]);
    print_message("  parked %lld reopened %lld; offers under a profile %lld, to a reserved contact "
                  "%lld (%lld arrivals preferring their last agent); %lld kept-place callbacks; "
                  "%lld history checks, %lld statistics reads (abandon_resume_s %g)\n",
                  (long long)w->ev_by_type[OQ_EV_PARKED], (long long)w->ev_by_type[OQ_EV_REOPENED],
                  (long long)w->n_profile_offers, (long long)w->n_reserved_offers,
                  (long long)w->n_last_agent, (long long)w->n_callbacks,
                  (long long)w->n_hist_checks, (long long)w->n_stats_reads, w->abandon_resume_s);
#ifdef OQ_EV_OVERFLOWED
    print_message("  overflowed %lld queue_rejected %lld (%lld refused in all) escalated %lld "
                  "alert %lld deadline warning %lld breach %lld\n",
                  (long long)w->ev_by_type[OQ_EV_OVERFLOWED],
                  (long long)w->ev_by_type[OQ_EV_QUEUE_REJECTED], (long long)w->n_refused,
                  (long long)w->ev_by_type[OQ_EV_ESCALATED], (long long)w->ev_by_type[OQ_EV_ALERT],
                  (long long)w->ev_by_type[OQ_EV_DEADLINE_WARNING],
                  (long long)w->ev_by_type[OQ_EV_DEADLINE_BREACH]);
#endif
    print_message("  calendars: %lld queue opened/closed events, %lld arrivals while closed\n",
                  (long long)w->n_cal_events, (long long)w->n_closed_actions);
    if (n_ops >= 20000 && !alloc && (w->n_cal_events == 0 || w->n_closed_actions == 0))
        fail_msg("seed %llu: the stream never opened/closed a queue by its calendar or never "
                 "arrived while closed", (unsigned long long)seed);
    oq_engine_destroy(w->e);
    world_free(w);
    free(w);
}

static void random_stream(void **state)
{
    uint64_t seed = *(const uint64_t *)*state;
    run_stream(seed, env_long("OQ_RANDOM_OPS", 100000), NULL);
}

static void random_stream_env_seed(void **state)
{
    (void)state;
    const char *s = getenv("OQ_RANDOM_SEED");
    if (!s || !*s)
        skip();
    run_stream(strtoull(s, NULL, 0), env_long("OQ_RANDOM_OPS", 100000), NULL);
}

/* The same stream with allocations failing at random: every OQ_ENOMEM must
 * change nothing, the engine must stay consistent, and nothing may leak. */
static void failing_alloc_stream(uint64_t seed, long n)
{
    test_alloc a;
    memset(&a, 0, sizeof a);
    run_stream(seed, n, &a);
    assert_true(a.n_failed > 0);
    assert_int_equal(a.live_bytes, 0);
    assert_int_equal(a.live_blocks, 0);
}

static void random_stream_failing_alloc(void **state)
{
    (void)state;
    long n = env_long("OQ_RANDOM_OPS", 100000) / 2;
    long n_seeds = env_long("OQ_FAILING_SEEDS", 2);
    uint64_t first = (uint64_t)env_long("OQ_FAILING_FIRST", 7); /* to replay one seed alone */
    for (uint64_t seed = first; seed < first + (uint64_t)n_seeds; seed++)
        failing_alloc_stream(seed, n);
}

/* Seeds that once failed: 13 (op 3,141: a profile change failing for
 * memory re-armed the queue's wake-up timers on the way back, profile.c
 * resync_back), 32 (op 19,940: the model did not yet let the engine forget
 * an exclusion made at a time-out of the op in which an allocation
 * failed, may_be_forgotten) and 10 (op 47,856: the model restarted an
 * agent's miss count after the engine's shorter exclusion ended,
 * forget_rej) and 30 (op 2,237, once service blocks moved the allocations:
 * a late accept by an agent whose exclusion the engine may have forgotten
 * was held to the "timed out or was rejected" message, surely_rejected_by). */
static void random_stream_failing_alloc_regressions(void **state)
{
    (void)state;
    long n = env_long("OQ_RANDOM_OPS", 100000) / 2;
    failing_alloc_stream(13, n);
    failing_alloc_stream(32, n);
    failing_alloc_stream(10, n);
    failing_alloc_stream(30, n);
}

/* Fail the N-th allocation (alone, or with all after it) while building
 * the center: each step either succeeds or fails with OQ_ENOMEM, the engine
 * stays consistent and nothing leaks. */
static void setup_fails_at_every_allocation(void **state)
{
    (void)state;
    int completed = 0;
    for (int64_t n = 1; n < 2000 && completed < 2; n++) {
        test_alloc a;
        memset(&a, 0, sizeof a);
        a.fail_at = n;
        a.fail_all = (int)(n % 2);
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &a;
        oq_engine *e = NULL;
        oq_status st = oq_engine_create(&o, &e);
        if (st != OQ_OK) {
            assert_int_equal(st, OQ_ENOMEM);
            assert_null(e);
            assert_int_equal(a.live_bytes, 0);
            continue;
        }
        oq_engine_destroy(e);
        assert_int_equal(a.live_bytes, 0);
        a.n_allocs = 0;
        a.n_failed = 0;
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        world_init(w, (uint64_t)n, &a, 1000);
        w->enomem_mode = 1;
        st = setup_center(w);
        if (st == OQ_OK) {
            completed++; /* fail_at beyond the set-up */
        } else if (st != OQ_ENOMEM) {
            fail_msg("fail_at %lld: setup gave %s: %s", (long long)n, oq_status_name(st),
                     oq_engine_last_error(w->e));
        } else if (!oq_engine_last_error(w->e)[0]) {
            fail_msg("fail_at %lld: OQ_ENOMEM without a message", (long long)n);
        }
        check_after_op(w, "setup under failing allocator");
        oq_engine_counts k = OQ_OUTPUT_INIT(oq_engine_counts);
        assert_oq_ok(w->e, oq_engine_get_counts(w->e, &k));
        int live_agents = 0;
        for (int i = 0; i < w->n_agent_nums; i++)
            live_agents += w->ag[i].exists;
        assert_int_equal(k.agents, live_agents);
        oq_engine_destroy(w->e);
        world_free(w);
        free(w);
        assert_int_equal(a.live_bytes, 0);
        assert_int_equal(a.live_blocks, 0);
    }
    assert_int_equal(completed, 2);
}

/* Found by the stream (seed 113, 30000 ops): a queue with max_wait_s and a
 * conditional ladder step whose condition does not hold must still apply its
 * max-wait limit — not re-fire its wait timer forever. */
static void max_wait_with_pending_conditional_step(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    assert_non_null(r);
    oq_engine *e = new_engine(r, NULL);
    add_channel(e, "chat", 0, 30, 3);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.max_wait_s = 10; /* OQ_LIMIT_REJECT */
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_ALERT;
    st.after_s = 5;
    st.when_sl_below = 0.5; /* no history: service level 1, never below */
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
    assert_oq_ok(e, arrive(e, 0, "k", "chat", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, 9999));
    watchdog_arm(0, -1);
    assert_oq_ok(e, oq_engine_advance(e, 10000)); /* hung here */
    watchdog_off();
    assert_int_equal(recorder_count(r, OQ_EV_QUEUE_REJECTED, "k"), 1);
    assert_int_equal(recorder_count(r, OQ_EV_ALERT, NULL), 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    free(r);
}

static const uint64_t SEEDS[] = {1, 42, 0xC0FFEEull, 20261125ull};

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(random_stream, (void *)&SEEDS[0]),
        cmocka_unit_test_prestate(random_stream, (void *)&SEEDS[1]),
        cmocka_unit_test_prestate(random_stream, (void *)&SEEDS[2]),
        cmocka_unit_test_prestate(random_stream, (void *)&SEEDS[3]),
        cmocka_unit_test(random_stream_env_seed),
        cmocka_unit_test(random_stream_failing_alloc),
        cmocka_unit_test(random_stream_failing_alloc_regressions),
        cmocka_unit_test(setup_fails_at_every_allocation),
        cmocka_unit_test(max_wait_with_pending_conditional_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
