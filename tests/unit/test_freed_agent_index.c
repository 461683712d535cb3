/* SPDX-License-Identifier: MIT */
/* A freed agent making several offers in one call is indexed once (issue #22
 * item 2, the freed agent's tail): it is not pushed into its lanes' agent
 * heaps after one offer only to be re-sorted or removed at the next.
 * Counted in agent-heap entries pushed, re-sorted or removed (the engine's
 * agent_heap_ops), never in time; the offers themselves are checked. */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

static recorder rec;
static char buf[64];

/* Voice (exclusive, the whole capacity) and chat (30 of 100, three at
 * most); one queue each, no requirements: the agent is a member of both.
 * The agent holds an accepted voice call and `chats` chats wait. */
static oq_engine *busy_on_voice(int chats)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "v", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_queue(e, "c", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1, "call", "voice", "v", 0));
    assert_string_equal(contact_agent(e, "call", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, 2, "call", "a1"));
    for (int i = 0; i < chats; i++) {
        char id[16];
        snprintf(id, sizeof id, "chat%d", i);
        assert_oq_ok(e, arrive(e, 10 + i, id, "chat", "c", 0));
        assert_int_equal(contact_state(e, id), OQ_CONTACT_QUEUED);
    }
    assert_oq_ok(e, oq_engine_check(e));
    return e;
}

/* Freed, the agent takes three chats and is full: it never enters a heap
 * (it used to be pushed into the chat lane at the first offer, re-sorted at
 * the second and removed at the third). */
static void full_after_three_offers_touches_no_heap(void **state)
{
    (void)state;
    oq_engine *e = busy_on_voice(4);
    uint64_t before = e->agent_heap_ops;
    assert_oq_ok(e, oq_contact_complete(e, 100, "call"));
    assert_int_equal(e->agent_heap_ops - before, 0);
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "chat%d", i);
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), "a1");
    }
    assert_int_equal(contact_state(e, "chat3"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Two chats wait: the agent takes both and still has room for a third, so
 * it ends in the chat lane's heap - pushed once (it used to be pushed at the
 * first offer and re-sorted at the second). A later chat goes to it. */
static void room_left_after_two_offers_pushed_once(void **state)
{
    (void)state;
    oq_engine *e = busy_on_voice(2);
    uint64_t before = e->agent_heap_ops;
    assert_oq_ok(e, oq_contact_complete(e, 100, "call"));
    assert_int_equal(e->agent_heap_ops - before, 1);
    assert_string_equal(contact_agent(e, "chat0", buf, sizeof buf), "a1");
    assert_string_equal(contact_agent(e, "chat1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, arrive(e, 200, "chat-late", "chat", "c", 0));
    assert_string_equal(contact_agent(e, "chat-late", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_after_three_offers_touches_no_heap),
        cmocka_unit_test(room_left_after_two_offers_pushed_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
