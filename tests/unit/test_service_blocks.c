/* SPDX-License-Identifier: MIT */
/* Service blocks (lib/engine/svc.c, types.h oq_contact_svc; issue #22): a
 * contact carries its agent, capacity cost, offer / accept / wrap-up times
 * and offer or wrap-up timer only while it holds an agent, in a block taken
 * from the engine's free list by the offer and given back when it lets the
 * agent go. Checked here: who owns a block at each step of a contact's life
 * (and that a block comes back and is reused), that an offer made by a
 * timer needs no allocation (the free list was kept long enough by the calls
 * that could fail), and that each call that reserves blocks, failing for
 * memory at any of its allocations, leaves the engine byte for byte as it
 * was. */
#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

static oq_contact *contact(oq_engine *e, const char *id)
{
    oq_contact *c = oq__idtable_get(&e->contact_ids, id);
    assert_non_null(c);
    return c;
}

static oq_agent *agent(oq_engine *e, const char *id)
{
    oq_agent *a = oq__idtable_get(&e->agent_ids, id);
    assert_non_null(a);
    return a;
}

/* Channel "voice" (cost 100, so one contact per agent of capacity 100),
 * queue "q" with the given offer time-out and 5 s of wrap-up, agents a1 and
 * a2 (offline). */
static oq_engine *center(test_alloc *a, double offer_timeout_s)
{
    oq_engine *e = new_engine(NULL, a);
    add_channel(e, "voice", 0, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = offer_timeout_s;
    q.wrapup_s = 5;
    q.retry_after_s = 600;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    return e;
}

/* offer -> reject -> offer to another agent -> accept -> wrap-up ->
 * complete: the block is the contact's exactly while it holds an agent,
 * goes back to the free list and is taken again by the next offer. */
static void block_follows_the_contact(void **state)
{
    (void)state;
    oq_engine *e = center(NULL, 0);
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    oq_contact *c = contact(e, "c1");
    assert_null(c->svc); /* waiting: none */
    assert_int_equal(e->n_svc_free, 0); /* nobody ready: no offer can be made */
    assert_oq_ok(e, oq_engine_check(e));

    assert_oq_ok(e, oq_agent_login(e, 2000, "a1", 1)); /* reserves one block, the offer takes it */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_OFFERED);
    assert_non_null(c->svc);
    oq_contact_svc *blk = c->svc;
    assert_ptr_equal(blk->agent, agent(e, "a1"));
    assert_int_equal(blk->offered_at, 2000);
    assert_int_equal(blk->cost, 100);
    assert_int_equal(e->n_svc_free, 0);
    assert_oq_ok(e, oq_engine_check(e));

    assert_oq_ok(e, oq_offer_reject(e, 3000, "c1", "a1")); /* a1 is excluded: c1 waits */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_null(c->svc);
    assert_int_equal(e->n_svc_free, 1); /* back on the list: a1 may still take another contact */
    assert_ptr_equal(e->svc_free, blk);
    assert_oq_ok(e, oq_engine_check(e));

    assert_oq_ok(e, oq_agent_login(e, 4000, "a2", 1)); /* nothing more to reserve: the same block */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_OFFERED);
    assert_ptr_equal(c->svc, blk);
    assert_ptr_equal(blk->agent, agent(e, "a2"));
    assert_int_equal(blk->offered_at, 4000);
    assert_int_equal(blk->assigned_at, 0); /* nothing of its previous offer */
    assert_int_equal(e->n_svc_free, 0);
    assert_oq_ok(e, oq_engine_check(e));

    assert_oq_ok(e, oq_offer_accept(e, 4500, "c1", "a2"));
    assert_ptr_equal(c->svc, blk);
    assert_int_equal(blk->assigned_at, 4500);
    assert_oq_ok(e, oq_contact_complete(e, 6000, "c1"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_WRAPUP);
    assert_int_equal(blk->wrapup_at, 6000);
    assert_int_equal(oq__ctimer_kind(c, OQ_CT_SERVICE), OQ_TIMER_WRAPUP);
    assert_int_equal(blk->t_due, 11000);
    assert_oq_ok(e, oq_engine_check(e));

    assert_oq_ok(e, oq_engine_advance(e, 11000)); /* end of wrap-up: c1 is gone, its block kept */
    assert_int_equal(contact_state(e, "c1"), -1);
    assert_int_equal(e->n_svc_free, 1);
    assert_ptr_equal(e->svc_free, blk);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* An offer time-out fired by the clock gives the contact to the other ready
 * agent with every allocation failing: the block the time-out gave back is
 * the one the new offer takes (svc.c's bound), so routing allocates nothing. */
static void offer_by_a_timer_allocates_nothing(void **state)
{
    (void)state;
    test_alloc a;
    memset(&a, 0, sizeof a);
    oq_engine *e = center(&a, 10);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_agent_login(e, 2000, "a2", 1));
    char who[64];
    assert_string_equal(contact_agent(e, "c1", who, sizeof who), "a1");
    a.fail_at = a.n_allocs + 1;
    a.fail_all = 1;
    assert_oq_ok(e, oq_engine_advance(e, 11000)); /* time-out: back, and offered to a2 */
    a.fail_at = 0;
    a.fail_all = 0;
    assert_string_equal(contact_agent(e, "c1", who, sizeof who), "a2");
    assert_non_null(contact(e, "c1")->svc);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    assert_int_equal(a.live_bytes, 0);
}

enum { CALL_READY, CALL_LOGIN, CALL_ARRIVE, CALL_CAPACITY, CALL_CHANNEL_ADD, CALL_CHANNEL_UPDATE };

static oq_status call(oq_engine *e, int which)
{
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    switch (which) {
    case CALL_READY: return oq_agent_ready(e, 5000, "big");
    case CALL_LOGIN: return oq_agent_login(e, 5000, "other", 1);
    case CALL_ARRIVE: return arrive(e, 5000, "late", "email", "q", 0);
    case CALL_CAPACITY: return oq_agent_set_capacity(e, "big", 400);
    case CALL_CHANNEL_ADD:
        ch.id = "sms";
        ch.capacity_cost = 5;
        return oq_channel_add(e, &ch);
    default:
        ch.id = "email";
        ch.capacity_cost = 5;
        ch.max_per_agent = 40;
        return oq_channel_update(e, &ch);
    }
}

/* Channel "email" of cost 10 (ten per agent of capacity 100), agent "big"
 * logged in not ready, "other" logged out, 30 contacts waiting. Before the
 * call of `which`: "big" ready with 10 offers when the call is not READY. */
static oq_engine *email_center(test_alloc *a, int which)
{
    oq_engine *e = new_engine(NULL, a);
    add_channel(e, "email", 0, 10, 20);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "email");
    add_agent(e, "big", 100);
    add_agent(e, "other", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "big", 0));
    char id[16];
    for (int i = 0; i < 30; i++) {
        snprintf(id, sizeof id, "w%d", i);
        assert_oq_ok(e, arrive(e, 1000 + i, id, "email", "q", 0));
    }
    if (which != CALL_READY)
        assert_oq_ok(e, oq_agent_ready(e, 2000, "big"));
    if (which == CALL_ARRIVE) { /* "big" has room for one more: arrivals need a block each */
        for (int i = 0; i < 30; i++) {
            snprintf(id, sizeof id, "w%d", i);
            if (contact_state(e, id) == OQ_CONTACT_OFFERED) {
                assert_oq_ok(e, oq_offer_reject(e, 3000, id, "big"));
                break;
            }
        }
        for (int i = 0; i < 30; i++) { /* nobody waits: the late one is offered at once */
            snprintf(id, sizeof id, "w%d", i);
            if (contact_state(e, id) == OQ_CONTACT_QUEUED)
                assert_oq_ok(e, oq_contact_abandon(e, 3000, id));
        }
    }
    assert_oq_ok(e, oq_engine_advance(e, 5000)); /* the calls' instant: a failed one leaves the clock there */
    assert_oq_ok(e, oq_engine_check(e));
    return e;
}

/* Each call that reserves blocks (an agent going ready, more capacity, a
 * cheaper channel, an arrival), failing at each of its allocations: OQ_ENOMEM
 * and the engine byte for byte as before; then it succeeds and the offers
 * it makes hold blocks. */
static void failed_reservations_change_nothing(void **state)
{
    (void)state;
    static const char *names[] = {"ready", "login", "arrive", "set_capacity", "channel_add",
                                  "channel_update"};
    for (int which = CALL_READY; which <= CALL_CHANNEL_UPDATE; which++) {
        test_alloc a;
        memset(&a, 0, sizeof a);
        oq_engine *e = email_center(&a, which);
        snap_buf before = snap_of(e, NULL);
        int32_t free_before = e->n_svc_free;
        int failures = 0;
        oq_status st = OQ_ENOMEM;
        for (int64_t n = 1; n < 400 && st == OQ_ENOMEM; n++) {
            a.fail_at = a.n_allocs + n;
            a.fail_all = 1;
            st = call(e, which);
            a.fail_at = 0;
            a.fail_all = 0;
            if (st == OQ_OK)
                break;
            if (st != OQ_ENOMEM)
                fail_msg("%s: status %s at allocation %lld: %s", names[which], oq_status_str(st),
                         (long long)n, oq_engine_last_error(e));
            failures++;
            assert_oq_ok(e, oq_engine_check(e));
            snap_buf now = snap_of(e, NULL);
            if (now.n != before.n || memcmp(now.p, before.p, now.n) != 0)
                fail_msg("%s: failure %d (allocation %lld of the call): the snapshot changed",
                         names[which], failures, (long long)n);
            free(now.p);
        }
        assert_oq_ok(e, st);
        assert_oq_ok(e, oq_engine_check(e));
        print_message("%s: %d failing allocations, free blocks %d -> %d\n", names[which], failures,
                      free_before, e->n_svc_free);
        assert_true(failures >= 1);
        oq_engine_counts k = OQ_OUTPUT_INIT(oq_engine_counts);
        assert_oq_ok(e, oq_engine_get_counts(e, &k));
        const oq_agent *big = agent(e, "big");
        int32_t held = 0;
        for (const oq_contact *c = big->held; c; c = c->link_next, held++)
            assert_true(c->svc && c->svc->agent == big);
        switch (which) {
        case CALL_READY: assert_int_equal(held, 10); break; /* capacity 100 / cost 10 */
        case CALL_CAPACITY: assert_int_equal(held, 20); break; /* max_per_agent 20 */
        case CALL_CHANNEL_UPDATE: assert_int_equal(held, 10); break; /* full: it holds 10 at 10 */
        default: break;
        }
        free(before.p);
        oq_engine_destroy(e);
        assert_int_equal(a.live_bytes, 0);
        assert_int_equal(a.live_blocks, 0);
    }
}

/* A snapshot writes a held contact's block and a restore makes it again;
 * a waiting contact that once held an agent writes none (0s). */
static void restore_rebuilds_blocks(void **state)
{
    (void)state;
    oq_engine *e = email_center(NULL, CALL_CAPACITY);
    assert_oq_ok(e, oq_offer_reject(e, 6000, "w0", "big"));
    assert_oq_ok(e, oq_offer_accept(e, 6100, "w1", "big"));
    snap_buf s = snap_of(e, NULL);
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_engine_restore_buffer(NULL, s.p, s.n, &r, &err), OQ_OK);
    assert_null(contact(r, "w0")->svc);
    oq_contact *w1 = contact(r, "w1");
    assert_non_null(w1->svc);
    assert_ptr_equal(w1->svc->agent, agent(r, "big"));
    assert_int_equal(w1->svc->assigned_at, 6100);
    assert_int_equal(r->svc_unit, 10);
    assert_int_equal(r->n_svc_free, oq__svc_need(r));
    snap_buf s2 = snap_of(r, NULL);
    assert_true(s2.n == s.n && memcmp(s2.p, s.p, s.n) == 0);
    free(s.p);
    free(s2.p);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_follows_the_contact),
        cmocka_unit_test(offer_by_a_timer_allocates_nothing),
        cmocka_unit_test(failed_reservations_change_nothing),
        cmocka_unit_test(restore_rebuilds_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
