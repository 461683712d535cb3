/* SPDX-License-Identifier: MIT */
/* Agent selection strategies and contact orderings, each on a small
 * hand-built case where the right answer is known. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

static char buf[64];

/* One voice channel, one queue with `strategy`, agents a1..an logged in. */
static oq_engine *center(recorder *r, int32_t ordering, int32_t strategy, int n_agents)
{
    oq_engine *e = new_engine(r, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", ordering, strategy, "voice");
    for (int i = 1; i <= n_agents; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        add_agent(e, id, 100);
    }
    return e;
}

static void serve(oq_engine *e, int64_t t, const char *contact, const char *agent)
{
    assert_oq_ok(e, oq_offer_accept(e, t, contact, agent));
    assert_oq_ok(e, oq_contact_complete(e, t + 1, contact));
}

static void longest_idle_picks_agent_free_longest(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, 3);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a3", 1));
    /* a1 then a2 take and finish calls; a3 has been idle since login. */
    assert_oq_ok(e, arrive(e, 10, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1"); /* ties: order added */
    serve(e, 20, "c1", "a1");
    assert_oq_ok(e, arrive(e, 30, "c2", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a2");
    serve(e, 40, "c2", "a2");
    assert_oq_ok(e, arrive(e, 50, "c3", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c3", buf, sizeof buf), "a3");
    assert_oq_ok(e, arrive(e, 60, "c4", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c4", buf, sizeof buf), "a1"); /* free since 21 < 41 */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void least_occupied_picks_lowest_load(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "chat", 0, 25, 4);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LEAST_OCCUPIED, "chat");
    add_agent(e, "big", 100);  /* four chats */
    add_agent(e, "small", 50); /* two chats */
    assert_oq_ok(e, oq_agent_login(e, 0, "big", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "small", 1));
    /* 0/100 vs 0/50: tie, big was added first. 25/100 < 0/50? no: small.
     * 25/100 < 25/50: big. 50/100 = 25/50: tie, small idle since earlier.
     * small is then full (50/50): big takes the rest. */
    const char *expect[] = {"big", "small", "big", "small", "big", "big"};
    for (int i = 0; i < 6; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 10 + i, id, "chat", "q", 0));
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), expect[i]);
    }
    assert_oq_ok(e, arrive(e, 20, "c6", "chat", "q", 0));
    assert_int_equal(contact_state(e, "c6"), OQ_CONTACT_QUEUED); /* everyone full */
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void best_skill_picks_highest_levels(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_FIFO, OQ_STRATEGY_BEST_SKILL, 3);
    assert_oq_ok(e, oq_skill_add(e, "billing", 10));
    assert_oq_ok(e, oq_skill_add(e, "english", 10));
    assert_oq_ok(e, oq_queue_require_skill(e, 0, "q", "billing", 3));
    assert_oq_ok(e, oq_queue_prefer_skill(e, 0, "q", "english", 1));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a1", "billing", 5));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a1", "english", 2)); /* 7 */
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a2", "billing", 9)); /* 9 */
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a2", "english", 0));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a3", "billing", 6));
    assert_oq_ok(e, oq_agent_set_skill(e, 0, "a3", "english", 4)); /* 10 */
    for (int i = 1; i <= 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    /* Preferred skill ranks first (a1, a3 have english), then score: a3 (10) > a1 (7);
     * a2 (9) has a higher score than a1 but lacks the preferred skill. */
    assert_oq_ok(e, arrive(e, 10, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a3");
    assert_oq_ok(e, arrive(e, 11, "c2", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    assert_oq_ok(e, arrive(e, 12, "c3", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c3", buf, sizeof buf), "a2");
    oq_engine_destroy(e);
}

static void round_robin_rotates(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_FIFO, OQ_STRATEGY_ROUND_ROBIN, 3);
    for (int i = 1; i <= 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    /* Each call is removed at once, so everyone is always free and only the
     * rotation decides. */
    const char *expect[] = {"a1", "a2", "a3", "a1", "a2", "a3", "a1"};
    for (int i = 0; i < 7; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 100 * i, id, "voice", "q", 0));
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), expect[i]);
        assert_oq_ok(e, oq_contact_remove(e, 100 * i, id));
    }
    oq_engine_destroy(e);
}

static void fewest_handled_balances_counts(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_FIFO, OQ_STRATEGY_FEWEST_HANDLED, 2);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    /* a1 alone takes two calls. */
    assert_oq_ok(e, arrive(e, 10, "c1", "voice", "q", 0));
    serve(e, 11, "c1", "a1");
    assert_oq_ok(e, arrive(e, 20, "c2", "voice", "q", 0));
    serve(e, 21, "c2", "a1");
    assert_oq_ok(e, oq_agent_login(e, 30, "a2", 1));
    /* a1 has been idle longer (since 22 vs login 30) but handled 2 vs 0. */
    assert_oq_ok(e, arrive(e, 40, "c3", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c3", buf, sizeof buf), "a2");
    serve(e, 41, "c3", "a2");
    assert_oq_ok(e, arrive(e, 50, "c4", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c4", buf, sizeof buf), "a2");
    serve(e, 51, "c4", "a2");
    /* 2 vs 2: longest idle decides, a1 (free since 22). */
    assert_oq_ok(e, arrive(e, 60, "c5", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c5", buf, sizeof buf), "a1");
    oq_engine_destroy(e);
}

/* Random: same seed, same picks; every agent picked sometimes. */
static void run_random(uint64_t seed, char picks[40][8])
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.seed = seed;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_RANDOM, "voice");
    for (int i = 1; i <= 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        add_agent(e, id, 100);
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 10 * i, id, "voice", "q", 0));
        contact_agent(e, id, picks[i], 8);
        assert_oq_ok(e, oq_contact_remove(e, 10 * i, id));
    }
    oq_engine_destroy(e);
}

static void random_is_seeded_and_spreads(void **state)
{
    (void)state;
    char p1[40][8], p2[40][8], p3[40][8];
    run_random(42, p1);
    run_random(42, p2);
    run_random(7, p3);
    assert_memory_equal(p1, p2, sizeof p1);
    assert_memory_not_equal(p1, p3, sizeof p1);
    int seen[5] = {0};
    for (int i = 0; i < 40; i++)
        seen[p1[i][1] - '0']++;
    for (int a = 1; a <= 4; a++)
        assert_true(seen[a] > 0);
}

/* ---- orderings -------------------------------------------------------- */

/* Queue contacts with no agent, then log one in and record the order served. */
static void serve_order(oq_engine *e, int n, char order[][8])
{
    assert_oq_ok(e, oq_agent_login(e, 1000000, "a1", 1));
    for (int i = 0; i < n; i++) {
        oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
        assert_oq_ok(e, oq_agent_get(e, "a1", &ai));
        assert_int_equal(ai.n_offered, 1);
        /* find which contact is offered */
        order[i][0] = '\0';
        for (int k = 0; k < n; k++) {
            char id[16];
            snprintf(id, sizeof id, "c%d", k);
            if (contact_state(e, id) == OQ_CONTACT_OFFERED)
                memcpy(order[i], id, 8);
        }
        assert_oq_ok(e, oq_contact_remove(e, 1000000, order[i]));
    }
}

static void fifo_serves_in_arrival_order(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, 1);
    assert_oq_ok(e, arrive(e, 10, "c0", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 20, "c1", "voice", "q", 9)); /* priority ignored */
    assert_oq_ok(e, arrive(e, 20, "c2", "voice", "q", 0)); /* same ms: arrival order */
    char order[3][8];
    serve_order(e, 3, order);
    assert_string_equal(order[0], "c0");
    assert_string_equal(order[1], "c1");
    assert_string_equal(order[2], "c2");
    oq_engine_destroy(e);
}

static void default_ordering_is_priority_then_age(void **state)
{
    (void)state;
    /* A queue made with the defaults (no ordering chosen): TaskRouter,
     * Connect and Genesys order by priority first, then age (issue #15). */
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    assert_int_equal(q.ordering, OQ_ORDER_PRIORITY);
    q.id = "q";
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 1000, "c0", "voice", "q", 10));
    assert_oq_ok(e, arrive(e, 2000, "c1", "voice", "q", 60)); /* a second later, higher */
    assert_oq_ok(e, arrive(e, 3000, "c2", "voice", "q", 10)); /* same priority: by age */
    char order[3][8];
    serve_order(e, 3, order);
    assert_string_equal(order[0], "c1");
    assert_string_equal(order[1], "c0");
    assert_string_equal(order[2], "c2");
    oq_engine_destroy(e);
}

static void fifo_raise_priority_counts_only_across_queues(void **state)
{
    (void)state;
    /* Strict first-come-first-served: a raised priority does not move a
     * contact inside its own queue, but does count when an agent serving
     * several queues chooses between their heads. */
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "strict", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "other", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 1000, "s0", "voice", "strict", 0));
    assert_oq_ok(e, arrive(e, 2000, "s1", "voice", "strict", 0));
    assert_oq_ok(e, arrive(e, 3000, "o0", "voice", "other", 5));
    assert_oq_ok(e, oq_contact_set_priority(e, 4000, "s1", 9));
    /* Head of "strict" is still s0 (priority 0): o0 (5) beats it across queues. */
    assert_oq_ok(e, oq_agent_login(e, 5000, "a1", 1));
    assert_int_equal(contact_state(e, "o0"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_contact_remove(e, 5001, "o0"));
    assert_int_equal(contact_state(e, "s0"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_contact_remove(e, 5002, "s0"));
    assert_int_equal(contact_state(e, "s1"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void priority_with_aging(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.ordering = OQ_ORDER_PRIORITY;
    q.aging_per_s = 1.0; /* one priority point per second waited */
    assert_oq_ok(e, oq_queue_update(e, 0, &q));
    /* c0: priority 0 at t=0; c1: priority 5 at t=10 s; c2: priority 20 at 11 s.
     * At any time, key = priority - arrival_s: c0 0, c1 -5, c2 9.
     * So: c2, c0, c1. */
    assert_oq_ok(e, arrive(e, 0, "c0", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 10000, "c1", "voice", "q", 5));
    assert_oq_ok(e, arrive(e, 11000, "c2", "voice", "q", 20));
    char order[3][8];
    serve_order(e, 3, order);
    assert_string_equal(order[0], "c2");
    assert_string_equal(order[1], "c0");
    assert_string_equal(order[2], "c1");
    oq_engine_destroy(e);
}

static void priority_change_reorders_at_once(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, 1);
    assert_oq_ok(e, arrive(e, 0, "c0", "voice", "q", 1));
    assert_oq_ok(e, arrive(e, 1, "c1", "voice", "q", 1));
    assert_oq_ok(e, arrive(e, 2, "c2", "voice", "q", 1));
    assert_oq_ok(e, oq_contact_set_priority(e, 3, "c2", 50)); /* complaint escalated */
    char order[3][8];
    serve_order(e, 3, order);
    assert_string_equal(order[0], "c2");
    assert_string_equal(order[1], "c0");
    assert_string_equal(order[2], "c1");
    oq_engine_destroy(e);
}

static void deadline_earliest_first(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, OQ_ORDER_DEADLINE, OQ_STRATEGY_LONGEST_IDLE, 1);
    oq_contact_spec s;
    const char *ids[] = {"c0", "c1", "c2", "c3"};
    int64_t deadlines[] = {0, 9000000, 5000000, 7000000}; /* c0 has none: last */
    for (int i = 0; i < 4; i++) {
        oq_contact_spec_init(&s);
        s.id = ids[i];
        s.channel = "voice";
        s.queue = "q";
        s.deadline_ms = deadlines[i];
        assert_oq_ok(e, oq_contact_arrive(e, i, &s));
    }
    char order[4][8];
    serve_order(e, 4, order);
    assert_string_equal(order[0], "c2");
    assert_string_equal(order[1], "c3");
    assert_string_equal(order[2], "c1");
    assert_string_equal(order[3], "c0");
    oq_engine_destroy(e);
}

static void freed_agent_takes_best_across_queues(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "general", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "vip";
    q.priority = 10;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "vip", "voice"));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, arrive(e, 10, "g1", "voice", "general", 0));
    assert_oq_ok(e, arrive(e, 20, "v1", "voice", "vip", 0));
    assert_oq_ok(e, arrive(e, 30, "g2", "voice", "general", 0));
    assert_oq_ok(e, oq_agent_login(e, 40, "a1", 1));
    assert_int_equal(contact_state(e, "v1"), OQ_CONTACT_OFFERED); /* queue priority first */
    assert_oq_ok(e, oq_contact_remove(e, 41, "v1"));
    assert_int_equal(contact_state(e, "g1"), OQ_CONTACT_OFFERED); /* then the older */
    assert_int_equal(contact_state(e, "g2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(longest_idle_picks_agent_free_longest),
        cmocka_unit_test(least_occupied_picks_lowest_load),
        cmocka_unit_test(best_skill_picks_highest_levels),
        cmocka_unit_test(round_robin_rotates),
        cmocka_unit_test(fewest_handled_balances_counts),
        cmocka_unit_test(random_is_seeded_and_spreads),
        cmocka_unit_test(fifo_serves_in_arrival_order),
        cmocka_unit_test(default_ordering_is_priority_then_age),
        cmocka_unit_test(fifo_raise_priority_counts_only_across_queues),
        cmocka_unit_test(priority_with_aging),
        cmocka_unit_test(priority_change_reorders_at_once),
        cmocka_unit_test(deadline_earliest_first),
        cmocka_unit_test(freed_agent_takes_best_across_queues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
