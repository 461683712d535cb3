/* SPDX-License-Identifier: MIT */
/* A freed agent in many queues passes over the lanes whose head cannot beat
 * the best contact it has found so far (route.c, lane_may_win). Two checks:
 * every choice equals the one this file computes from the documented orders
 * alone (inside a queue: its ordering; across queues: queue + contact
 * priority, aged under PRIORITY, then time entered, then arrival), over
 * every ordering, ties included; and the decision looks at a handful of
 * lanes, not all of them (route_visits: items looked at, never time). */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

static recorder rec;
static char buf[64];

#define N_QUEUES 40
#define N_CONTACTS 400

typedef struct model_contact {
    char id[16];
    int queue;
    int32_t priority;
    int64_t enqueued, deadline;
    uint64_t seq; /* arrival order */
    int waiting;
    int blocked; /* needs a skill the agent lacks: waits for ever, and hides what is behind it */
} model_contact;

typedef struct model_queue {
    int32_t ordering, priority;
    double aging;
} model_queue;

static model_queue mq[N_QUEUES];
static model_contact mc[N_CONTACTS + 1];

static uint32_t rng = 12345;
static uint32_t next_rand(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
}

/* Inside a queue: is a before b? (Times are whole seconds and agings are
 * halves, so every value here is exact in a double.) */
static int before_in_queue(const model_contact *a, const model_contact *b)
{
    const model_queue *q = &mq[a->queue];
    if (q->ordering == OQ_ORDER_PRIORITY) {
        double ka = a->priority - q->aging * ((double)a->enqueued / 1000.0);
        double kb = b->priority - q->aging * ((double)b->enqueued / 1000.0);
        if (ka != kb)
            return ka > kb;
    } else if (q->ordering == OQ_ORDER_DEADLINE) {
        int64_t da = a->deadline > 0 ? a->deadline : INT64_MAX;
        int64_t db = b->deadline > 0 ? b->deadline : INT64_MAX;
        if (da != db)
            return da < db;
    }
    if (a->enqueued != b->enqueued)
        return a->enqueued < b->enqueued;
    return a->seq < b->seq;
}

static int before_across(const model_contact *a, const model_contact *b, int64_t now)
{
    double pa = mq[a->queue].priority + a->priority, pb = mq[b->queue].priority + b->priority;
    if (mq[a->queue].ordering == OQ_ORDER_PRIORITY)
        pa += mq[a->queue].aging * ((double)(now - a->enqueued) / 1000.0);
    if (mq[b->queue].ordering == OQ_ORDER_PRIORITY)
        pb += mq[b->queue].aging * ((double)(now - b->enqueued) / 1000.0);
    if (pa != pb)
        return pa > pb;
    if (a->enqueued != b->enqueued)
        return a->enqueued < b->enqueued;
    return a->seq < b->seq;
}

/* The contact the agent should take: each queue's first, then the best of those. */
static const model_contact *expected(int n, int64_t now)
{
    const model_contact *head[N_QUEUES] = {0};
    for (int i = 0; i < n; i++)
        if (mc[i].waiting && !mc[i].blocked && (!head[mc[i].queue] || before_in_queue(&mc[i], head[mc[i].queue])))
            head[mc[i].queue] = &mc[i];
    const model_contact *best = NULL;
    for (int q = 0; q < N_QUEUES; q++)
        if (head[q] && (!best || before_across(head[q], best, now)))
            best = head[q];
    return best;
}

static oq_engine *center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 100, 1);
    assert_oq_ok(e, oq_skill_add(e, "de", 10));
    for (int q = 0; q < N_QUEUES; q++) {
        static const int32_t orderings[4] = {OQ_ORDER_FIFO, OQ_ORDER_PRIORITY, OQ_ORDER_PRIORITY,
                                             OQ_ORDER_DEADLINE};
        mq[q].ordering = orderings[q % 4];
        mq[q].aging = q % 4 == 2 ? 0.5 * (double)(1 + q % 3) : 0; /* 0.5, 1, 1.5 points a second */
        mq[q].priority = (int32_t)(q % 3);
        char id[16];
        snprintf(id, sizeof id, "q%d", q);
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        qs.id = id;
        qs.ordering = mq[q].ordering;
        /* FIFO and DEADLINE queues get an aging rate too: it must not count. */
        qs.aging_per_s = mq[q].ordering == OQ_ORDER_PRIORITY ? mq[q].aging : 0.25 * (q % 2);
        qs.priority = mq[q].priority;
        assert_oq_ok(e, oq_queue_add(e, &qs));
        assert_oq_ok(e, oq_queue_add_channel(e, 0, id, "chat"));
    }
    return e;
}

static void arrive_model(oq_engine *e, int i, int64_t t)
{
    model_contact *c = &mc[i];
    snprintf(c->id, sizeof c->id, "c%d", i);
    c->queue = (int)next_rand(N_QUEUES);
    c->priority = (int32_t)next_rand(4) - 1;
    c->enqueued = t;
    c->deadline = next_rand(3) == 0 ? 0 : 1000 * (int64_t)(100000 + next_rand(50));
    c->seq = (uint64_t)i;
    c->waiting = 1;
    c->blocked = next_rand(5) == 0;
    char qid[16];
    snprintf(qid, sizeof qid, "q%d", c->queue);
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = c->id;
    s.channel = "chat";
    s.queue = qid;
    s.priority = c->priority;
    s.deadline_ms = c->deadline;
    const char *skill[1] = {"de"};
    const int32_t level[1] = {1};
    if (c->blocked) {
        s.n_required = 1;
        s.required_skills = skill;
        s.required_levels = level;
    }
    assert_oq_ok(e, oq_contact_arrive(e, t, &s));
}

/* One agent in all 40 queues, 400 contacts arriving in bursts at the same
 * second (exact ties across queues), priorities changed while they wait,
 * one in five needing a skill the agent lacks (so a lane's head is not
 * always what the agent would take from it);
 * each time the agent is freed, its offer is the model's choice. */
static void choices_match_the_documented_order(void **state)
{
    (void)state;
    oq_engine *e = center();
    add_agent_with(e, 0, "a1", NULL, 1);
    assert_oq_ok(e, arrive(e, 0, "first", "chat", "q0", 0));
    assert_string_equal(contact_agent(e, "first", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, 0, "first", "a1"));
    for (int i = 0; i < N_CONTACTS; i++)
        arrive_model(e, i, 1000 * (int64_t)(1 + i / 8)); /* 8 arrivals a second */
    const char *holding = "first";
    int64_t t = 1000 * (int64_t)(1 + N_CONTACTS / 8);
    int n_blocked = 0;
    for (int i = 0; i < N_CONTACTS; i++)
        n_blocked += mc[i].blocked;
    for (int served = 0; served < N_CONTACTS - n_blocked; served++) {
        t += 1000;
        if (served % 7 == 3) { /* raise one, lower another: the lanes' caps only bound */
            for (int k = 0; k < 2; k++) {
                int i = (int)next_rand(N_CONTACTS);
                if (!mc[i].waiting)
                    continue;
                mc[i].priority = k == 0 ? 3 : -2;
                assert_oq_ok(e, oq_contact_set_priority(e, t, mc[i].id, mc[i].priority));
            }
        }
        assert_oq_ok(e, oq_contact_complete(e, t, holding));
        const model_contact *want = expected(N_CONTACTS, t);
        assert_non_null(want);
        const char *got = contact_agent(e, want->id, buf, sizeof buf);
        if (strcmp(got, "a1") != 0) {
            for (int i = 0; i < N_CONTACTS; i++)
                if (mc[i].waiting && strcmp(contact_agent(e, mc[i].id, buf, sizeof buf), "a1") == 0)
                    print_message("it holds %s (queue q%d, priority %d, entered %lld)\n", mc[i].id,
                                  mc[i].queue, mc[i].priority, (long long)mc[i].enqueued);
            oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
            assert_oq_ok(e, oq_contact_get(e, want->id, &ci));
            print_message("engine: %s state %d queue %s priority %d enqueued %lld\n", want->id, ci.state,
                          ci.queue, ci.priority, (long long)ci.enqueued_ms);
            fail_msg("at %lld the agent should take %s (queue q%d, priority %d, entered %lld); it holds "
                     "nothing of it ('%s')",
                     (long long)t, want->id, want->queue, want->priority, (long long)want->enqueued, got);
        }
        assert_oq_ok(e, oq_offer_accept(e, t, want->id, "a1"));
        mc[want - mc].waiting = 0;
        holding = want->id;
        if (served % 50 == 0)
            assert_oq_ok(e, oq_engine_check(e));
    }
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* 200 queues first come first served, one waiting contact each, entered in
 * a shuffled order: the freed agent takes the oldest, looking at a handful
 * of lanes rather than 200 (a lane is passed over without a visit when its
 * head entered after the best found so far). */
static void freed_agent_passes_over_lanes(void **state)
{
    (void)state;
    enum { N = 200 };
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 100, 1);
    for (int q = 0; q < N; q++) {
        char id[16];
        snprintf(id, sizeof id, "f%d", q);
        add_queue(e, id, OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    }
    add_agent_with(e, 0, "a1", NULL, 1);
    assert_oq_ok(e, arrive(e, 0, "first", "chat", "f0", 0));
    assert_oq_ok(e, oq_offer_accept(e, 0, "first", "a1"));
    int order[N];
    for (int q = 0; q < N; q++)
        order[q] = q;
    for (int q = N - 1; q > 0; q--) {
        int k = (int)next_rand((uint32_t)q + 1), x = order[q];
        order[q] = order[k];
        order[k] = x;
    }
    for (int k = 0; k < N; k++) {
        char id[16], qid[16];
        snprintf(id, sizeof id, "w%d", order[k]);
        snprintf(qid, sizeof qid, "f%d", order[k]);
        assert_oq_ok(e, arrive(e, 10 + k, id, "chat", qid, 0));
    }
    uint64_t before = e->route_visits;
    assert_oq_ok(e, oq_contact_complete(e, 1000, "first"));
    uint64_t visits = e->route_visits - before;
    snprintf(buf, sizeof buf, "w%d", order[0]);
    char want[16];
    memcpy(want, buf, sizeof want);
    assert_string_equal(contact_agent(e, want, buf, sizeof buf), "a1");
    /* Each lane searched costs at least 2 visits (its signature, its head):
     * 400 without the bounds. */
    if (visits > 60)
        fail_msg("the freed agent looked at %llu items across %d one-contact lanes",
                 (unsigned long long)visits, N);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(choices_match_the_documented_order),
        cmocka_unit_test(freed_agent_passes_over_lanes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
