/* SPDX-License-Identifier: MIT */
/* Work orders (工单): park, reopen, escalate to a second tier, transfer to a
 * named agent, and the history that records it all. */
#include <string.h>

#include "test_support.h"

static recorder rec;
static char buf[64];

static oq_engine *ticket_center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "ticket", 0, 10, 10);
    add_queue(e, "tier1", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "ticket");
    add_queue(e, "tier2", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "ticket");
    add_agent(e, "li", 100);
    add_agent(e, "wang", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "li", 1));
    return e;
}

static void history_entry(oq_engine *e, const char *contact, int index, oq_history_entry *h)
{
    assert_oq_ok(e, oq_contact_history_get(e, contact, index, h));
}

static void park_reopen_escalate_keep_history(void **state)
{
    (void)state;
    oq_engine *e = ticket_center();
    assert_oq_ok(e, arrive(e, 1000, "wo1", "ticket", "tier1", 0));
    assert_oq_ok(e, oq_offer_accept(e, 2000, "wo1", "li"));
    /* Waiting for the customer's photos: parked, li released, li the owner. */
    assert_oq_ok(e, oq_contact_park(e, 3000, "wo1", "awaiting customer"));
    assert_int_equal(contact_state(e, "wo1"), OQ_CONTACT_PARKED);
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_oq_ok(e, oq_agent_get(e, "li", &ai));
    assert_int_equal(ai.used_capacity, 0);
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    assert_int_equal(n.contacts_parked, 1);
    assert_int_equal(n.contacts_queued, 0); /* not waiting for an agent */
    assert_int_equal(oq_queue_remove(e, "tier1"), OQ_ESTATE);
    /* The customer answers: reopened, and li (its owner) gets it back. */
    assert_oq_ok(e, oq_agent_login(e, 4000, "wang", 1));
    assert_oq_ok(e, oq_contact_reopen(e, 5000, "wo1", NULL, 60));
    assert_string_equal(contact_agent(e, "wo1", buf, sizeof buf), "li");
    assert_oq_ok(e, oq_offer_accept(e, 6000, "wo1", "li"));
    /* li escalates it to tier 2 with a reason. */
    assert_int_equal(oq_contact_escalate(e, 7000, "wo1", "tier2", NULL), OQ_EINVAL);
    assert_oq_ok(e, oq_contact_escalate(e, 7000, "wo1", "tier2", "refund over limit"));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "wo1", &ci));
    assert_string_equal(ci.queue, "tier2");
    assert_int_equal(ci.arrived_ms, 1000);
    int i = recorder_find(&rec, 0, OQ_EV_TRANSFERRED, "wo1", NULL);
    assert_string_equal(rec.ev[i].detail, "refund over limit");
    /* History: queued, assigned, parked, reopened, assigned, transferred. */
    int32_t count = 0;
    assert_oq_ok(e, oq_contact_history_count(e, "wo1", &count));
    assert_true(count >= 6);
    const int32_t types[] = {OQ_EV_CONTACT_QUEUED, OQ_EV_ASSIGNED, OQ_EV_PARKED,
                             OQ_EV_REOPENED, OQ_EV_ASSIGNED, OQ_EV_TRANSFERRED};
    const int64_t times[] = {1000, 2000, 3000, 5000, 6000, 7000};
    for (int k = 0; k < 6; k++) {
        oq_history_entry h;
        history_entry(e, "wo1", k, &h);
        assert_int_equal(h.type, types[k]);
        assert_int_equal(h.time_ms, times[k]);
    }
    oq_history_entry h;
    history_entry(e, "wo1", 2, &h);
    assert_string_equal(h.agent, "li");
    assert_string_equal(h.detail, "awaiting customer");
    history_entry(e, "wo1", 5, &h);
    assert_string_equal(h.queue, "tier2");
    assert_string_equal(h.detail, "refund over limit");
    assert_int_equal(oq_contact_history_get(e, "wo1", count, &h), OQ_EINVAL);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* chatwoot#7204: conversations stay assigned to agents who went offline. */
static void logout_gives_back_parked_work(void **state)
{
    (void)state;
    oq_engine *e = ticket_center();
    assert_oq_ok(e, arrive(e, 0, "wo1", "ticket", "tier1", 0));
    assert_oq_ok(e, oq_offer_accept(e, 1, "wo1", "li"));
    assert_oq_ok(e, oq_contact_park(e, 2, "wo1", NULL));
    assert_oq_ok(e, oq_agent_logout(e, 3, "li"));
    assert_oq_ok(e, oq_agent_login(e, 4, "wang", 1));
    /* Reopened with an owner wait: but li is gone, so wang takes it at once. */
    assert_oq_ok(e, oq_contact_reopen(e, 5, "wo1", NULL, 600));
    assert_string_equal(contact_agent(e, "wo1", buf, sizeof buf), "wang");
    oq_engine_destroy(e);
}

static void transfer_to_named_agent(void **state)
{
    (void)state;
    oq_engine *e = ticket_center();
    assert_oq_ok(e, oq_agent_login(e, 0, "wang", 1));
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 0, "wang", "ticket", 1));
    assert_oq_ok(e, arrive(e, 0, "busy", "ticket", "tier1", 0));
    assert_string_equal(contact_agent(e, "busy", buf, sizeof buf), "li");
    assert_oq_ok(e, oq_contact_transfer_to_agent(e, 1, "busy", "wang", 30));
    assert_string_equal(contact_agent(e, "busy", buf, sizeof buf), "wang"); /* free: at once */
    assert_oq_ok(e, oq_offer_accept(e, 1, "busy", "wang"));
    assert_oq_ok(e, arrive(e, 2, "wo1", "ticket", "tier1", 0));
    assert_string_equal(contact_agent(e, "wo1", buf, sizeof buf), "li");
    /* Hand wo1 to wang, who is full: li may not take it back for 30 s. */
    assert_oq_ok(e, oq_contact_transfer_to_agent(e, 10, "wo1", "wang", 30));
    assert_int_equal(contact_state(e, "wo1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 30009));
    assert_int_equal(contact_state(e, "wo1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 30010));
    assert_string_equal(contact_agent(e, "wo1", buf, sizeof buf), "li");
    assert_int_equal(oq_contact_transfer_to_agent(e, 40000, "wo1", "nobody", 30), OQ_ENOTFOUND);
    assert_int_equal(oq_contact_transfer_to_agent(e, 40000, "wo1", "wang", 0), OQ_EINVAL);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void illegal_work_order_moves(void **state)
{
    (void)state;
    oq_engine *e = ticket_center();
    assert_oq_ok(e, arrive(e, 0, "wo1", "ticket", "tier1", 0));
    assert_int_equal(oq_contact_reopen(e, 1, "wo1", NULL, 0), OQ_ESTATE); /* not parked */
    assert_oq_ok(e, oq_contact_park(e, 1, "wo1", "x"));
    assert_int_equal(oq_contact_park(e, 1, "wo1", "x"), OQ_ESTATE);
    assert_int_equal(oq_contact_complete(e, 1, "wo1"), OQ_ESTATE);
    assert_int_equal(oq_contact_abandon(e, 1, "wo1"), OQ_ESTATE);
    assert_int_equal(oq_contact_transfer(e, 1, "wo1", "tier2"), OQ_ESTATE);
    assert_int_equal(oq_contact_reopen(e, 1, "wo1", "nowhere", 0), OQ_ENOTFOUND);
    assert_int_equal(oq_contact_reopen(e, 1, "wo1", NULL, -1), OQ_EINVAL);
    /* Parked work can be removed, and the engine forgets it. */
    assert_oq_ok(e, oq_contact_remove(e, 2, "wo1"));
    assert_int_equal(recorder_count(&rec, OQ_EV_REMOVED, "wo1"), 1);
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    assert_int_equal(n.contacts, 0);
    assert_int_equal(n.contacts_parked, 0);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* The reply deadline pauses while a work order is parked: it (and its
 * warning) move by the time spent parked (issue #15 item 2). */
static void parked_deadline_moves_by_time_parked(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "ticket", 0, 10, 10);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "tier1";
    q.deadline_warning_s = 100;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "tier1", "ticket"));
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.channel = "ticket";
    s.queue = "tier1";
    s.id = "wo1";
    s.deadline_ms = 1000000; /* reply within 1000 s */
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    s.id = "wo2";
    s.deadline_ms = 300000;  /* reply within 300 s */
    assert_oq_ok(e, oq_contact_arrive(e, 0, &s));
    /* Both wait for the customer from 100 s; wo1 for 500 s, wo2 for 700 s. */
    assert_oq_ok(e, oq_contact_park(e, 100000, "wo1", "awaiting photos"));
    assert_oq_ok(e, oq_contact_park(e, 100000, "wo2", "awaiting photos"));
    assert_oq_ok(e, oq_contact_reopen(e, 600000, "wo1", NULL, 0));
    assert_oq_ok(e, oq_contact_reopen(e, 800000, "wo2", NULL, 0));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "wo1", &ci));
    assert_int_equal(ci.deadline_ms, 1500000);
    assert_oq_ok(e, oq_contact_get(e, "wo2", &ci));
    assert_int_equal(ci.deadline_ms, 1000000);
    /* wo2 reopened after its original due time: it does not breach at once. */
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_BREACH, NULL), 0);
    assert_int_equal(recorder_count(&rec, OQ_EV_DEADLINE_WARNING, NULL), 0);
    int64_t next = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &next));
    assert_int_equal(next, 900000); /* wo2's warning, 100 s before its moved deadline */
    assert_oq_ok(e, oq_engine_advance(e, 2000000));
    int w2 = recorder_find(&rec, 0, OQ_EV_DEADLINE_WARNING, "wo2", NULL);
    int b2 = recorder_find(&rec, 0, OQ_EV_DEADLINE_BREACH, "wo2", NULL);
    int w1 = recorder_find(&rec, 0, OQ_EV_DEADLINE_WARNING, "wo1", NULL);
    int b1 = recorder_find(&rec, 0, OQ_EV_DEADLINE_BREACH, "wo1", NULL);
    assert_true(w1 >= 0 && b1 >= 0 && w2 >= 0 && b2 >= 0);
    assert_int_equal(rec.ev[w2].time_ms, 900000);
    assert_int_equal(rec.ev[b2].time_ms, 1000000);
    assert_int_equal(rec.ev[w1].time_ms, 1400000);
    assert_int_equal(rec.ev[b1].time_ms, 1500000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A snapshot of e restored and written again: the same bytes, and the copy
 * passes oq_engine_check (the lists are rebuilt from the states). */
static void same_after_restore(oq_engine *e)
{
    void *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &a, &na));
    oq_engine_options o;
    oq_engine_options_init(&o);
    oq_engine *r = NULL;
    assert_int_equal(oq_engine_restore_buffer(&o, a, na, &r, NULL), OQ_OK);
    assert_oq_ok(r, oq_engine_check(r));
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    oq_engine_destroy(r);
    oq_free(a);
    oq_free(b);
}

/* A contact has one pair of list links for its agent's held list, its
 * preferred agent's reserved list and the engine's parked list (it is never
 * in two; lib/engine/types.h). Move contacts between all three - parking a
 * reserved contact from the middle and the head of its agent's list, an
 * active one from its agent's held list, reopening one into a reservation
 * again - checking the engine (which walks every list both ways) and a
 * snapshot round trip after each step. */
static void one_link_pair_for_held_reserved_parked(void **state)
{
    (void)state;
    oq_engine *e = ticket_center();
    assert_oq_ok(e, arrive(e, 0, "full", "ticket", "tier1", 0)); /* li's, the only one in */
    assert_oq_ok(e, oq_agent_login(e, 0, "wang", 1));
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 0, "wang", "ticket", 1));
    assert_oq_ok(e, oq_contact_transfer_to_agent(e, 0, "full", "wang", 30));
    assert_string_equal(contact_agent(e, "full", buf, sizeof buf), "wang");
    assert_oq_ok(e, oq_offer_accept(e, 0, "full", "wang")); /* wang is full now */
    const char *ids[] = {"r1", "r2", "r3", "r4"};
    for (int i = 0; i < 4; i++) {
        assert_oq_ok(e, arrive(e, 1, ids[i], "ticket", "tier1", 0));
        assert_oq_ok(e, oq_offer_accept(e, 1, ids[i], "li"));
        assert_oq_ok(e, oq_contact_transfer_to_agent(e, 1, ids[i], "wang", 600));
        assert_int_equal(contact_state(e, ids[i]), OQ_CONTACT_QUEUED); /* reserved for wang */
    }
    assert_oq_ok(e, oq_engine_check(e));
    same_after_restore(e);
    /* From the middle, then the head of wang's reserved list. */
    assert_oq_ok(e, oq_contact_park(e, 3, "r2", "awaiting customer"));
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_contact_park(e, 4, "r1", NULL));
    assert_oq_ok(e, oq_engine_check(e));
    same_after_restore(e);
    /* An active contact from li's held list onto the parked list. */
    assert_oq_ok(e, arrive(e, 5, "h1", "ticket", "tier1", 0));
    assert_string_equal(contact_agent(e, "h1", buf, sizeof buf), "li");
    assert_oq_ok(e, oq_offer_accept(e, 5, "h1", "li"));
    assert_oq_ok(e, oq_contact_park(e, 6, "h1", NULL));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    assert_int_equal(n.contacts_parked, 3);
    same_after_restore(e);
    /* r2 reopened with an owner wait: reserved for wang again (full), at
     * the head of his reserved list (before r3 and r4: by contact seq). */
    assert_oq_ok(e, oq_contact_reopen(e, 7, "r2", NULL, 600));
    assert_int_equal(contact_state(e, "r2"), OQ_CONTACT_QUEUED);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "r2", &ci));
    assert_true(ci.reserved_until_ms > 7);
    assert_oq_ok(e, oq_engine_check(e));
    same_after_restore(e);
    /* The parked list loses its middle and its ends. */
    assert_oq_ok(e, oq_contact_remove(e, 8, "r1"));
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_contact_reopen(e, 9, "h1", NULL, 0));
    assert_oq_ok(e, oq_engine_check(e));
    /* wang frees up: his reserved contacts come to him in the queue's order
     * (r2, reopened at 7, is behind r3 and r4). */
    assert_oq_ok(e, oq_contact_complete(e, 10, "full"));
    assert_string_equal(contact_agent(e, "r3", buf, sizeof buf), "wang");
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_offer_accept(e, 10, "r3", "wang"));
    assert_oq_ok(e, oq_contact_complete(e, 11, "r3"));
    assert_string_equal(contact_agent(e, "r4", buf, sizeof buf), "wang");
    assert_int_equal(contact_state(e, "r2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    same_after_restore(e);
    oq_engine_destroy(e);
}

/* Snapshot bytes of e (freed by the caller with oq_free). */
static void *snap(oq_engine *e, size_t *n)
{
    void *b = NULL;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &b, n));
    return b;
}

enum { OWNER_PARK, OWNER_TRANSFER, OWNER_ARRIVE };

/* One call that needs the contact's ext block (lib/engine/types.h: the
 * preferred agent / owner, a deadline), which "wo1" has not got. */
static oq_status owner_call(oq_engine *e, int which)
{
    switch (which) {
    case OWNER_PARK: return oq_contact_park(e, 10, "wo1", NULL); /* li becomes its owner */
    case OWNER_TRANSFER: return oq_contact_transfer_to_agent(e, 10, "wo1", "wang", 30);
    default: {
        oq_contact_spec s;
        oq_contact_spec_init(&s);
        s.id = "wo2";
        s.channel = "ticket";
        s.queue = "tier1";
        s.deadline_ms = 100000;
        return oq_contact_arrive(e, 10, &s);
    }
    }
}

/* The ext block is made before the call changes anything: failing each of
 * the call's allocations in turn, the call returns OQ_ENOMEM and the
 * engine's snapshot is byte-identical to the one before; then it succeeds. */
static void ext_block_made_before_anything_changes(void **state)
{
    (void)state;
    for (int which = OWNER_PARK; which <= OWNER_ARRIVE; which++) {
        int failed = 0;
        for (int64_t k = 1;; k++) {
            test_alloc alloc = {0};
            oq_engine *e = new_engine(&rec, &alloc);
            add_channel(e, "ticket", 0, 10, 10);
            add_queue(e, "tier1", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "ticket");
            add_agent(e, "li", 100);
            add_agent(e, "wang", 100);
            assert_oq_ok(e, oq_agent_login(e, 0, "li", 1));
            assert_oq_ok(e, arrive(e, 1, "wo1", "ticket", "tier1", 0));
            assert_oq_ok(e, oq_offer_accept(e, 2, "wo1", "li"));
            assert_oq_ok(e, oq_agent_login(e, 3, "wang", 1));
            assert_oq_ok(e, oq_engine_advance(e, 10)); /* a call moves the clock first */
            size_t n0 = 0, n1 = 0;
            void *before = snap(e, &n0);
            alloc.fail_at = alloc.n_allocs + k;
            oq_status st = owner_call(e, which);
            alloc.fail_at = 0;
            void *after = snap(e, &n1);
            if (st == OQ_OK) {
                assert_oq_ok(e, oq_engine_check(e));
                oq_free(before);
                oq_free(after);
                oq_engine_destroy(e);
                assert_int_equal(alloc.live_bytes, 0);
                break;
            }
            assert_int_equal(st, OQ_ENOMEM);
            failed++;
            assert_oq_ok(e, oq_engine_check(e));
            assert_int_equal(n0, n1);
            assert_memory_equal(before, after, n0);
            oq_free(before);
            oq_free(after);
            oq_engine_destroy(e);
            assert_int_equal(alloc.live_bytes, 0);
        }
        assert_true(failed >= 1); /* the block's own allocation at least */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(park_reopen_escalate_keep_history),
        cmocka_unit_test(logout_gives_back_parked_work),
        cmocka_unit_test(transfer_to_named_agent),
        cmocka_unit_test(illegal_work_order_moves),
        cmocka_unit_test(parked_deadline_moves_by_time_parked),
        cmocka_unit_test(one_link_pair_for_held_reserved_parked),
        cmocka_unit_test(ext_block_made_before_anything_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
