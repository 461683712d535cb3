/* SPDX-License-Identifier: MIT */
/* A rich center (ladders, profiles with delays, agent policies, outbound
 * blending, deadlines, limits, statistics, removed-object holes) built
 * through the public API, and a seeded random stream of host actions that
 * can drive several engines side by side. Used by the snapshot and journal
 * tests (through tests/unit/snapshot_world.h) and by the fuzz seed generator
 * (tests/fuzz/make_snapshot_seeds.c); no test framework needed: a broken
 * expectation calls W_REQUIRE (abort() unless the includer defines it). */
#ifndef OQ_TEST_WORLD_H
#define OQ_TEST_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/omniq.h"

#ifndef W_REQUIRE
#define W_REQUIRE(cond)     \
    do {                    \
        if (!(cond))        \
            abort();        \
    } while (0)
#endif

#define W_AGENTS 12
#define W_QUEUES 4

static const char *const W_Q[W_QUEUES] = {"q0", "q1", "q2", "q3"};
static const char *const W_CH[3] = {"voice", "chat", "email"};
/* channels each queue accepts (bit per W_CH) */
static const int W_QCH[W_QUEUES] = {3, 7, 4, 1};

static inline uint64_t w_rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint32_t w_rn(uint64_t *s, uint32_t n) { return n ? (uint32_t)(w_rnd(s) % n) : 0; }

static inline void w_ok(oq_engine *e, oq_status st)
{
    if (st != OQ_OK)
        fprintf(stderr, "setup call failed: %s (%s)\n", oq_status_name(st), oq_engine_last_error(e));
    W_REQUIRE(st == OQ_OK);
}

/* Configure the rich center at time t (every call through the public API, so
 * a journal sees it all). */
static inline void w_setup(oq_engine *e, int64_t t)
{
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    ch.exclusive = 1;
    w_ok(e, oq_channel_add(e, &ch));
    ch.id = "chat";
    ch.exclusive = 0;
    ch.capacity_cost = 30;
    ch.max_per_agent = 3;
    w_ok(e, oq_channel_add(e, &ch));
    ch.id = "email";
    ch.synchronous = 0;
    ch.capacity_cost = 10;
    ch.max_per_agent = 5;
    w_ok(e, oq_channel_add(e, &ch));
    ch.id = "tmp";
    w_ok(e, oq_channel_add(e, &ch));
    w_ok(e, oq_channel_remove(e, "tmp")); /* a NULL hole in the channel slots */
    w_ok(e, oq_skill_add(e, "s0", 10));
    w_ok(e, oq_skill_add(e, "s1", 10));
    w_ok(e, oq_skill_add(e, "s2", 5));
    w_ok(e, oq_group_add(e, "g0"));
    w_ok(e, oq_group_add(e, "g1"));

    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q0";
    q.ordering = OQ_ORDER_PRIORITY;
    q.aging_per_s = 0.5;
    q.offer_timeout_s = 15;
    q.wrapup_s = 5;
    q.timeout_not_ready = 1;
    q.max_wait_s = 400;
    q.limit_action = OQ_LIMIT_CALLBACK;
    q.limit_queue = "q2";
    q.callback_channel = "email";
    q.sla_threshold_s = 20;
    q.keep_offer_on_not_ready = 1;
    q.retry_after_s = 12;
    oq_queue_spec q2;
    oq_queue_spec_init(&q2);
    q2.id = "q2";
    q2.ordering = OQ_ORDER_DEADLINE;
    q2.strategy = OQ_STRATEGY_RANDOM;
    q2.offer_timeout_s = 60;
    q2.deadline_warning_s = 30;
    w_ok(e, oq_queue_add(e, &q2));
    w_ok(e, oq_queue_add(e, &q));
    oq_queue_spec_init(&q);
    q.id = "q1";
    q.strategy = OQ_STRATEGY_ROUND_ROBIN;
    q.wrapup_s = 3;
    q.offer_timeout_s = 20;
    q.max_length = 40;
    q.limit_action = OQ_LIMIT_OVERFLOW;
    q.limit_queue = "q0";
    q.max_offers = 2;
    q.retry_after_s = 4;
    q.last_agent_window_s = 900;
    q.last_agent_wait_s = 5;
    q.callback_channel = "email"; /* kept-place callbacks (oq_contact_request_callback) */
    w_ok(e, oq_queue_add(e, &q));
    oq_queue_spec_init(&q);
    q.id = "q3";
    q.strategy = OQ_STRATEGY_FEWEST_HANDLED;
    q.outbound = 1;
    q.offer_timeout_s = 10;
    w_ok(e, oq_queue_add(e, &q));
    oq_queue_spec_init(&q);
    q.id = "qtmp";
    w_ok(e, oq_queue_add(e, &q));
    w_ok(e, oq_queue_remove(e, "qtmp"));
    for (int i = 0; i < W_QUEUES; i++)
        for (int c = 0; c < 3; c++)
            if (W_QCH[i] >> c & 1)
                w_ok(e, oq_queue_add_channel(e, t, W_Q[i], W_CH[c]));
    w_ok(e, oq_queue_require_skill(e, t, "q0", "s0", 5));
    w_ok(e, oq_queue_prefer_skill(e, t, "q1", "s1", 3));
    w_ok(e, oq_queue_add_group(e, t, "q2", "g1"));
    w_ok(e, oq_queue_set_blend(e, t, "q3", OQ_BLEND_SL_ABOVE_TARGET));

    oq_escalation_step s;
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_LOWER_LEVEL;
    s.skill = "s0";
    s.level = 2;
    s.after_s = 10;
    w_ok(e, oq_queue_add_step(e, t, "q0", &s));
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_ALERT;
    s.message = "waiting long";
    s.timing = OQ_STEP_AFTER_PREVIOUS;
    s.after_s = 15;
    w_ok(e, oq_queue_add_step(e, t, "q0", &s));
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_RAISE_PRIORITY;
    s.priority = 5;
    s.after_s = 40;
    s.when_ewt_above_s = 5;
    w_ok(e, oq_queue_add_step(e, t, "q0", &s));
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_OVERFLOW;
    s.queue = "q1";
    s.after_s = 90;
    w_ok(e, oq_queue_add_step(e, t, "q0", &s));
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_ADD_GROUP;
    s.group = "g0";
    s.after_s = 30;
    s.skip_if_no_agents = 1;
    w_ok(e, oq_queue_add_step(e, t, "q2", &s));
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_DROP_PREFERRED;
    s.skill = "s2";
    s.after_s = 20;
    w_ok(e, oq_queue_add_step(e, t, "q1", &s));

    w_ok(e, oq_profile_add(e, "p0"));
    w_ok(e, oq_profile_set_queue(e, t, "p0", "q0", 1, 0));
    w_ok(e, oq_profile_set_queue(e, t, "p0", "q1", 2, 5));
    w_ok(e, oq_profile_set_queue(e, t, "p0", "q3", 3, 0));
    w_ok(e, oq_profile_set_channel(e, t, "p0", "chat", 2, 0));
    w_ok(e, oq_profile_set_options(e, t, "p0", 1, OQ_IDLE_LAST_INBOUND));
    w_ok(e, oq_profile_add(e, "p1"));
    w_ok(e, oq_profile_set_queue(e, t, "p1", "q2", 1, 2));
    w_ok(e, oq_profile_set_queue(e, t, "p1", "q1", 1, 0));
    w_ok(e, oq_group_set_profile(e, t, "g1", "p1"));

    oq_stats_options so;
    oq_stats_options_init(&so);
    so.interval_s = 120;
    so.ring_size = 6;
    so.window_s = 600;
    so.window_bucket_s = 60;
    w_ok(e, oq_stats_configure(e, &so));

    for (int i = 0; i < W_AGENTS; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        w_ok(e, oq_agent_add(e, id, 100));
        w_ok(e, oq_agent_set_skill(e, t, id, "s0", 1 + (i * 3) % 10));
        if (i % 2)
            w_ok(e, oq_agent_set_skill(e, t, id, "s1", 1 + i % 10));
        if (i % 3 == 0)
            w_ok(e, oq_agent_set_skill(e, t, id, "s2", 1 + i % 5));
        w_ok(e, oq_agent_join_group(e, t, id, i % 3 == 1 ? "g1" : "g0"));
        if (i == 3 || i == 4)
            w_ok(e, oq_agent_set_profile(e, t, id, "p0"));
        if (i == 5)
            w_ok(e, oq_agent_set_channel_limit(e, t, id, "chat", 1));
        if (i == 1 || i == 2) {
            oq_agent_policy p;
            oq_agent_policy_init(&p);
            p.max_no_answer = 2;
            p.reject_delay_s = 3;
            p.no_answer_delay_s = 4;
            if (i == 2) {
                p.max_per_window = 3;
                p.window_s = 60;
            }
            w_ok(e, oq_agent_set_policy(e, t, id, &p));
        }
    }
    w_ok(e, oq_agent_add(e, "gone", 50));
    w_ok(e, oq_agent_remove(e, "gone")); /* a NULL hole in the agent slots */
}

typedef struct wstream {
    uint64_t rng;
    int64_t t;
    int next_contact;
    int called;          /* the last w_step made a call */
} wstream;

/* The id of a random contact the engine holds in `state` (0 = any), or NULL. */
static inline const char *w_pick_contact(oq_engine *e, wstream *s, int32_t state, char *buf)
{
    int n = s->next_contact;
    if (n == 0)
        return NULL;
    for (int tries = 0; tries < 12; tries++) {
        int k = n - 1 - (int)w_rn(&s->rng, (uint32_t)(n < 60 ? n : 60));
        snprintf(buf, 16, "c%d", k);
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        if (oq_contact_get(e, buf, &ci) == OQ_OK && (state == 0 || ci.state == state))
            return buf;
    }
    return NULL;
}

/* One random host action, decided from engine `ref`'s state and applied to
 * each engine of e[0..n) with identical arguments. Returns the status of the
 * first. */
static inline oq_status w_step(oq_engine *ref, oq_engine **e, int n, wstream *s)
{
    char cb[16], ab[16];
    oq_status st = OQ_OK;
    s->called = 0;
    s->t += (int64_t)w_rn(&s->rng, 4000);
    int64_t t = s->t;
    snprintf(ab, sizeof ab, "a%u", w_rn(&s->rng, W_AGENTS));
    uint32_t op = w_rn(&s->rng, 100);
#define ALL(call)                          \
    do {                                   \
        s->called = 1;                     \
        for (int i_ = 0; i_ < n; i_++) {   \
            oq_engine *E = e[i_];          \
            oq_status s_ = (call);         \
            if (i_ == 0)                   \
                st = s_;                   \
            else                           \
                W_REQUIRE(s_ == st);       \
        }                                  \
    } while (0)
    if (op < 22) {
        int qi = (int)w_rn(&s->rng, W_QUEUES);
        int chs[3], nch = 0;
        for (int c = 0; c < 3; c++)
            if (W_QCH[qi] >> c & 1)
                chs[nch++] = c;
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        snprintf(cb, sizeof cb, "c%d", s->next_contact++);
        char cust[16];
        snprintf(cust, sizeof cust, "cust%u", w_rn(&s->rng, 25));
        cs.id = cb;
        cs.queue = W_Q[qi];
        cs.channel = W_CH[chs[w_rn(&s->rng, (uint32_t)nch)]];
        cs.customer = cust;
        cs.priority = (int32_t)w_rn(&s->rng, 5);
        if (w_rn(&s->rng, 4) == 0)
            cs.preferred_agent = ab, cs.preferred_wait_s = w_rn(&s->rng, 3) * 5.0;
        if (w_rn(&s->rng, 3) == 0)
            cs.deadline_ms = t > INT64_MAX - 210000 ? INT64_MAX /* at the end of time */
                                                     : t + 10000 + (int64_t)w_rn(&s->rng, 200000);
        static const char *const rq[1] = {"s1"};
        static const int32_t rl[1] = {2};
        static const char *const pq[1] = {"s2"};
        static const int32_t pl[1] = {1};
        if (w_rn(&s->rng, 6) == 0)
            cs.n_required = 1, cs.required_skills = rq, cs.required_levels = rl;
        if (w_rn(&s->rng, 5) == 0)
            cs.n_preferred = 1, cs.preferred_skills = pq, cs.preferred_levels = pl;
        ALL(oq_contact_arrive(E, t, &cs));
        return st;
    }
    const char *c = NULL;
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    char holder[64] = "";
    switch (op) {
    case 22: case 23: case 24: case 25: case 26: case 27: case 28: case 29: case 30: case 31:
        c = w_pick_contact(ref, s, OQ_CONTACT_OFFERED, cb);
        if (c && oq_contact_get(ref, c, &ci) == OQ_OK && ci.agent) {
            snprintf(holder, sizeof holder, "%s", ci.agent);
            ALL(oq_offer_accept(E, t, c, holder));
        }
        break;
    case 32: case 33: case 34:
        c = w_pick_contact(ref, s, OQ_CONTACT_OFFERED, cb);
        if (c && oq_contact_get(ref, c, &ci) == OQ_OK && ci.agent) {
            snprintf(holder, sizeof holder, "%s", ci.agent);
            ALL(oq_offer_reject(E, t, c, holder));
        }
        break;
    case 35: case 36: case 37: case 38: case 39: case 40: case 41: case 42:
        c = w_pick_contact(ref, s, OQ_CONTACT_ACTIVE, cb);
        if (c)
            ALL(oq_contact_complete(E, t, c));
        break;
    case 43: case 44: case 45:
        c = w_pick_contact(ref, s, OQ_CONTACT_QUEUED, cb);
        if (c)
            ALL(oq_contact_abandon(E, t, c));
        break;
    case 46: case 47:
        c = w_pick_contact(ref, s, 0, cb);
        if (c) {
            const char *q = W_Q[w_rn(&s->rng, W_QUEUES)];
            ALL(oq_contact_transfer(E, t, c, q));
        }
        break;
    case 48: case 49:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
        {
            const char *why = w_rn(&s->rng, 2) ? "waiting for customer" : NULL;
            ALL(oq_contact_park(E, t, c, why));
        }
        break;
    case 50: case 51:
        c = w_pick_contact(ref, s, OQ_CONTACT_PARKED, cb);
        if (c) {
            const char *q = w_rn(&s->rng, 2) ? NULL : W_Q[w_rn(&s->rng, W_QUEUES)];
            double ow = w_rn(&s->rng, 2) * 8.0;
            ALL(oq_contact_reopen(E, t, c, q, ow));
        }
        break;
    case 52:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
            ALL(oq_contact_escalate(E, t, c, "q1", "tier 2"));
        break;
    case 53:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
            ALL(oq_contact_transfer_to_agent(E, t, c, ab, 6));
        break;
    case 54: case 55:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
        {
            int32_t pr = (int32_t)w_rn(&s->rng, 9) - 2;
            ALL(oq_contact_set_priority(E, t, c, pr));
        }
        break;
    case 56:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
            ALL(oq_contact_remove(E, t, c));
        break;
    case 57: case 58: case 59: case 60: case 61: case 62:
    {
        int32_t ready = (int32_t)w_rn(&s->rng, 4) != 0;
        ALL(oq_agent_login(E, t, ab, ready));
    }
        break;
    case 63: case 64: case 65: case 66: case 67:
        ALL(oq_agent_ready(E, t, ab));
        break;
    case 68: case 69:
    {
        const char *why = w_rn(&s->rng, 2) ? "break" : "lunch";
        ALL(oq_agent_not_ready(E, t, ab, why));
    }
        break;
    case 70:
        ALL(oq_agent_logout(E, t, ab));
        break;
    case 71: case 72: case 73:
        ALL(oq_agent_end_wrapup(E, t, ab));
        break;
    case 74:
    {
        int32_t lv = (int32_t)w_rn(&s->rng, 8);
        ALL(oq_agent_set_skill(E, t, ab, "s1", lv));
    }
        break;
    case 75:
    {
        int32_t cap = 60 + (int32_t)w_rn(&s->rng, 80);
        ALL(oq_agent_set_capacity(E, ab, cap));
    }
        break;
    case 76:
    {
        int join = (int)w_rn(&s->rng, 2);
        ALL(join ? oq_agent_join_group(E, t, ab, "g1") : oq_agent_leave_group(E, t, ab, "g1"));
    }
        break;
    case 77:
        ALL(oq_stats_reset_day(E, t));
        break;
    case 78:
        ALL(oq_engine_advance(E, t)); /* time passes */
        break;
    case 79: case 80:
        c = w_pick_contact(ref, s, 0, cb);
        if (c)
            ALL(oq_contact_request_callback(E, t, c));
        break;
    default: {
        int64_t due = INT64_MAX;
        oq_engine_next_deadline(ref, &due);
        if (due != INT64_MAX && due > s->t && due - s->t < 100000)
            s->t = due;
        ALL(oq_engine_advance(E, s->t));
        break;
    }
    }
#undef ALL
    return st;
}

#endif
