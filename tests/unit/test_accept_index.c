/* SPDX-License-Identifier: MIT */
/* Accepting an offer re-sorts the agent only where a key moved (issue #22):
 * the offer already put the agent where it belongs with the keys it has, and
 * accepting changes one key, the member's taken count, which orders its own
 * queue's lanes under fewest-handled only. Counted in agent-heap entries
 * pushed, re-sorted or removed (the engine's agent_heap_ops), never in time;
 * the next offers show the order the heaps are in. */
#include "engine/internal.h"
#include "test_support.h"

static recorder rec;
static char buf[64];

/* Chat (30 of 100, three at most), queue "q" with the strategy given and a
 * longest-idle queue "other", no requirements: both agents are members of
 * both. a2 logs in first (the longer idle), a1 a millisecond later. */
static oq_engine *two_chat_agents(int32_t strategy)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "q", OQ_ORDER_FIFO, strategy, "chat");
    add_queue(e, "other", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    assert_oq_ok(e, oq_agent_login(e, 1, "a1", 1));
    return e;
}

/* Longest idle: the agent, with room left, sits in both queues' chat lanes;
 * accepting touches neither (a full reindex re-sorted both, in place). */
static void accept_longest_idle_touches_no_heap(void **state)
{
    (void)state;
    oq_engine *e = two_chat_agents(OQ_STRATEGY_LONGEST_IDLE);
    assert_oq_ok(e, arrive(e, 2, "x", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "x", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_engine_check(e));
    uint64_t before = e->agent_heap_ops;
    assert_oq_ok(e, oq_offer_accept(e, 3, "x", "a2"));
    assert_int_equal(e->agent_heap_ops - before, 0);
    assert_oq_ok(e, oq_engine_check(e));
    /* a2's offer made it the less idle: the next chats go to a1, then a2. */
    assert_oq_ok(e, arrive(e, 4, "y", "chat", "other", 0));
    assert_string_equal(contact_agent(e, "y", buf, sizeof buf), "a1");
    assert_oq_ok(e, arrive(e, 5, "z", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "z", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Fewest handled: accepting re-sorts the member in its own queue's lane
 * (one entry) and not in "other". It must re-sort it: a2 took one before,
 * a1 was first by taken (0 < 1) until it accepted; now they tie and a2,
 * the longer idle, comes first - a1 at the head by its stale count would
 * take z. */
static void accept_fewest_handled_resorts_own_lane_only(void **state)
{
    (void)state;
    oq_engine *e = two_chat_agents(OQ_STRATEGY_FEWEST_HANDLED);
    assert_oq_ok(e, arrive(e, 2, "w", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "w", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_offer_accept(e, 2, "w", "a2"));
    assert_oq_ok(e, arrive(e, 3, "x", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "x", buf, sizeof buf), "a1");
    uint64_t before = e->agent_heap_ops;
    assert_oq_ok(e, oq_offer_accept(e, 3, "x", "a1"));
    assert_int_equal(e->agent_heap_ops - before, 1);
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, arrive(e, 4, "z", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "z", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A full agent is in no heap: accepting touches none. */
static void accept_full_agent_touches_no_heap(void **state)
{
    (void)state;
    oq_engine *e = two_chat_agents(OQ_STRATEGY_FEWEST_HANDLED);
    const char *ids[] = {"c0", "c1", "c2", "c3", "c4", "c5"};
    for (int i = 0; i < 6; i++)
        assert_oq_ok(e, arrive(e, 2, ids[i], "chat", "q", 0));
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_BUSY);
    assert_oq_ok(e, oq_engine_check(e));
    uint64_t before = e->agent_heap_ops;
    for (int i = 0; i < 6; i++) {
        const char *agent = contact_agent(e, ids[i], buf, sizeof buf);
        assert_oq_ok(e, oq_offer_accept(e, 3, ids[i], agent));
    }
    assert_int_equal(e->agent_heap_ops - before, 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_longest_idle_touches_no_heap),
        cmocka_unit_test(accept_fewest_handled_resorts_own_lane_only),
        cmocka_unit_test(accept_full_agent_touches_no_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
