/* SPDX-License-Identifier: MIT */
/* An agent who rejects a contact or lets its offer time out is kept from it
 * only for a while (the queue's retry_after_s, Asterisk's `retry`) and only
 * until its presence changes; a queue may cap the offers one contact gets
 * (max_offers) and then apply its limit action; and oq_engine_check reports a
 * waiting contact that an available agent could take with no timer to bring
 * them together (issue #15 item 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

static recorder rec;
static char buf[64];

static oq_engine *one_queue_alloc(test_alloc *al, double offer_timeout_s, double retry_after_s, int32_t max_offers)
{
    oq_engine *e = new_engine(&rec, al);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    assert_true(q.retry_after_s >= 10 && q.retry_after_s <= 60); /* tens of seconds */
    assert_int_equal(q.max_offers, 0);
    q.id = "q";
    q.offer_timeout_s = offer_timeout_s;
    if (retry_after_s >= 0)
        q.retry_after_s = retry_after_s;
    q.max_offers = max_offers;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "voice"));
    return e;
}

static oq_engine *one_queue(double offer_timeout_s, double retry_after_s, int32_t max_offers)
{
    return one_queue_alloc(NULL, offer_timeout_s, retry_after_s, max_offers);
}

static int64_t offered_at(const char *contact, const char *agent, int nth)
{
    int i = -1;
    for (int k = 0; k <= nth; k++) {
        i = recorder_find(&rec, i + 1, OQ_EV_OFFERED, contact, agent);
        if (i < 0)
            return -1;
    }
    return rec.ev[i].time_ms;
}

/* The only qualified agent lets the offer time out once: the contact is
 * offered to it again when the exclusion ends (a timer wakes it), before a
 * contact that arrived later. */
static void sole_agent_gets_it_again_after_retry(void **state)
{
    (void)state;
    oq_engine *e = one_queue(10, -1, 0); /* default retry_after_s */
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e, oq_queue_get_spec(e, "q", &qi));
    int64_t retry_ms = (int64_t)(qi.retry_after_s * 1000.0 + 0.5);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_engine_advance(e, 11000)); /* time-out at 11 s */
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_int_equal(ci.n_rejected, 1);
    /* Waiting with an idle agent is only allowed with a timer that ends it. */
    int64_t next = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &next));
    assert_int_equal(next, 11000 + retry_ms);
    assert_oq_ok(e, arrive(e, 12000, "c2", "voice", "q", 0)); /* arrives later */
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1"); /* a1 is free for c2 */
    assert_oq_ok(e, oq_offer_reject(e, 13000, "c2", "a1"));
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_engine_advance(e, 11000 + retry_ms - 1));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 11000 + retry_ms));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1"); /* first: c1 */
    assert_int_equal(offered_at("c1", "a1", 1), 11000 + retry_ms);
    assert_int_equal(contact_state(e, "c2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_contact_get(e, "c1", &ci));
    assert_int_equal(ci.n_rejected, 0); /* the exclusion is over */
    assert_oq_ok(e, oq_offer_accept(e, 11000 + retry_ms + 1, "c1", "a1"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A presence change (not ready and back, log out and in) clears it. */
static void presence_change_clears_the_exclusion(void **state)
{
    (void)state;
    oq_engine *e = one_queue(0, 600, 0);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_agent_not_ready(e, 3000, "a1", "break"));
    assert_oq_ok(e, oq_agent_ready(e, 4000, "a1"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_int_equal(offered_at("c1", "a1", 1), 4000);
    assert_oq_ok(e, oq_offer_reject(e, 5000, "c1", "a1"));
    assert_oq_ok(e, oq_agent_logout(e, 6000, "a1"));
    assert_oq_ok(e, oq_agent_login(e, 7000, "a1", 1));
    assert_int_equal(offered_at("c1", "a1", 2), 7000);
    /* "ready" while already ready is no change: the exclusion stays. */
    assert_oq_ok(e, oq_offer_reject(e, 8000, "c1", "a1"));
    assert_oq_ok(e, oq_agent_ready(e, 9000, "a1"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* With another agent free, the contact goes there at once; retry 0 lets the
 * same agent have it again the next millisecond; misses in a row double the
 * exclusion (so offer / time-out can never loop without bound). */
static void others_first_and_retry_zero(void **state)
{
    (void)state;
    oq_engine *e = one_queue(0, -1, 0);
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a2");
    oq_engine_destroy(e);

    e = one_queue(0, 0, 0);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_oq_ok(e, oq_engine_advance(e, 2001));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1");
    assert_int_equal(offered_at("c1", "a1", 1), 2001);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);

    /* retry_after_s 10: 10 s, then 20 s, then 40 s for misses in a row; a
     * presence change starts again from 10 s. */
    e = one_queue(0, 10, 0);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    int64_t t = 1000;
    const int64_t gaps[] = {10000, 20000, 40000};
    for (int k = 0; k < 3; k++) {
        assert_oq_ok(e, oq_offer_reject(e, t, "c1", "a1"));
        int64_t next = 0;
        assert_oq_ok(e, oq_engine_next_deadline(e, &next));
        assert_int_equal(next, t + gaps[k]);
        t += gaps[k];
        assert_oq_ok(e, oq_engine_advance(e, t));
        assert_int_equal(offered_at("c1", "a1", k + 1), t);
    }
    assert_oq_ok(e, oq_agent_not_ready(e, t, "a1", NULL));
    assert_oq_ok(e, oq_agent_ready(e, t, "a1"));
    assert_int_equal(offered_at("c1", "a1", 4), t);
    assert_oq_ok(e, oq_offer_reject(e, t, "c1", "a1"));
    int64_t next = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &next));
    assert_int_equal(next, t + 10000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* max_offers: after that many offers of the contact in the queue were
 * rejected or timed out, the queue's limit action applies. */
static void max_offers_applies_the_limit_action(void **state)
{
    (void)state;
    oq_engine *e = one_queue(10, 0, 2);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_oq_ok(e, oq_engine_advance(e, 2001));
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1"); /* second offer */
    assert_oq_ok(e, oq_engine_advance(e, 12001));                /* ... times out */
    int i = recorder_find(&rec, 0, OQ_EV_QUEUE_REJECTED, "c1", NULL);
    assert_true(i >= 0);
    assert_int_equal(rec.ev[i].time_ms, 12001);
    assert_string_equal(rec.ev[i].detail, "max offers");
    assert_int_equal(contact_state(e, "c1"), -1); /* forgotten */
    assert_int_equal(recorder_count(&rec, OQ_EV_OFFERED, "c1"), 2);
    oq_engine_destroy(e);

    /* Overflow: it moves to the limit queue (reset count there). */
    e = one_queue(0, 0, 1);
    add_queue(e, "spill", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.retry_after_s = 0;
    q.max_offers = 1;
    q.limit_action = OQ_LIMIT_OVERFLOW;
    q.limit_queue = "spill";
    assert_oq_ok(e, oq_queue_update(e, 0, &q));
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    i = recorder_find(&rec, 0, OQ_EV_OVERFLOWED, "c1", NULL);
    assert_int_equal(rec.ev[i].time_ms, 2000); /* at once: no retry when the offers are used up */
    assert_true(i >= 0);
    assert_string_equal(rec.ev[i].detail, "max offers");
    assert_string_equal(rec.ev[i].queue, "spill");
    assert_string_equal(contact_agent(e, "c1", buf, sizeof buf), "a1"); /* fresh in "spill" */
    int32_t n = 0;
    assert_oq_ok(e, oq_contact_history_count(e, "c1", &n));
    oq_history_entry h;
    assert_oq_ok(e, oq_contact_history_get(e, "c1", n - 1, &h));
    assert_int_equal(h.type, OQ_EV_OVERFLOWED);
    assert_string_equal(h.detail, "max offers");
    q.max_offers = -1;
    assert_int_equal(oq_queue_update(e, 3000, &q), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "max_offers"));
    q.max_offers = 0;
    q.retry_after_s = -1;
    assert_int_equal(oq_queue_update(e, 3000, &q), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "retry_after_s"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Offer, time-out, retry: over any span an agent who never answers gets a
 * bounded number of offers (misses double the exclusion), and at the end of
 * time (the clock saturated at INT64_MAX) the cycle stops. */
static void never_answering_agent_costs_few_offers(void **state)
{
    (void)state;
    oq_engine *e = one_queue(0.001, 0, 0); /* 1 ms to answer, retry the next ms */
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, INT64_MAX / 2)); /* ~146 million years */
    int offers = recorder_count(&rec, OQ_EV_OFFERED, "c1");
    assert_true(offers > 2 && offers <= 2 * 64);
    assert_oq_ok(e, oq_engine_advance(e, INT64_MAX));
    assert_true(recorder_count(&rec, OQ_EV_OFFERED, "c1") <= offers + 2 * 64);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* ---- the exclusions array: none until the first miss (issue #22) ---- */

static const oq_contact *contact_rec(const oq_engine *e, const char *id)
{
    const oq_contact *c = NULL;
    assert_oq_ok(e, oq__lookup_contact(e, "contact", id, &c));
    return c;
}

/* Its exclusions and their room (in its ext block: none without one). */
static int32_t n_of(const oq_contact *c) { return c->ext ? c->ext->n_rejects : 0; }
static int32_t cap_of(const oq_contact *c) { return c->ext ? c->ext->cap_rejects : 0; }

static void to_standby(const oq_journal_record *r, void *user)
{
    assert_oq_ok_e(oq_journal_apply, (oq_engine *)user, r->data, r->len);
}

static void assert_same_bytes(snap_buf x, snap_buf y, const char *what)
{
    if (x.n != y.n || memcmp(x.p, y.p, x.n) != 0)
        fail_msg("%s (snapshots of %zu and %zu bytes)", what, x.n, y.n);
    free(x.p);
    free(y.p);
}

static void assert_same_snapshots(oq_engine *a, test_alloc *al, oq_engine *b)
{
    assert_same_bytes(snap_of(a, al), snap_of(b, NULL), "the journal-fed standby differs from the primary");
}

/* Queue q (offers time out after 10 s, exclusions last 30 s) with agent a1
 * logged in and `contact` arrived at 1 s: offered to a1. */
static oq_engine *offered_to_a1(test_alloc *al, const char *contact)
{
    oq_engine *e = one_queue_alloc(al, 10, 30, 0);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, contact, "voice", "q", 0));
    assert_int_equal(contact_state(e, contact), OQ_CONTACT_OFFERED);
    return e;
}

/* An engine whose one agent, a1, let contact c1 time out once (its
 * exclusions array made: the exclusion and room for the next miss); then c1
 * was transferred to queue q2, which forgets its exclusions but keeps the
 * array, and offered to a1 again at 12 s. A standby restored from this
 * engine's snapshot has no array for c1: the two differ in room only. */
static oq_engine *with_cleared_array(test_alloc *al)
{
    oq_engine *e = offered_to_a1(al, "c1");
    assert_int_equal(cap_of(contact_rec(e, "c1")), 0); /* offered, never missed: no array */
    assert_oq_ok(e, oq_engine_advance(e, 11000));          /* its offer times out */
    assert_int_equal(n_of(contact_rec(e, "c1")), 1);
    assert_int_equal(cap_of(contact_rec(e, "c1")), 2);
    add_queue(e, "q2", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_contact_transfer(e, 12000, "c1", "q2"));
    assert_int_equal(n_of(contact_rec(e, "c1")), 0);
    assert_int_equal(cap_of(contact_rec(e, "c1")), 2);
    assert_int_equal(offered_at("c1", "a1", 1), 12000);
    return e;
}

/* c1's offer times out at 42 s (q2's default offer time-out, 30 s) with
 * every allocation failing on engine p, journaled into standby r, their
 * snapshots equal before and after. Returns c1's exclusions on p
 * afterwards, or -1 if nothing failed. */
static int32_t c1_times_out_short_of_memory(oq_engine *p, test_alloc *al, oq_engine *r)
{
    assert_oq_ok(p, oq_engine_set_journal(p, to_standby, r));
    assert_same_snapshots(p, al, r);
    int32_t offers_here = contact_rec(p, "c1")->offers_here;
    int64_t failed = al->n_failed;
    al->fail_at = al->n_allocs + 1;
    al->fail_all = 1;
    assert_oq_ok(p, oq_engine_advance(p, 42000)); /* the time-out: absorbed */
    al->fail_at = 0;
    al->fail_all = 0;
    const oq_contact *c1 = contact_rec(p, "c1");
    assert_int_equal(c1->offers_here, offers_here + 1); /* the miss counts, kept or not */
    assert_oq_ok(p, oq_engine_check(p));
    assert_oq_ok(r, oq_engine_check(r));
    assert_same_snapshots(p, al, r);
    assert_oq_ok(p, oq_engine_set_journal(p, NULL, NULL));
    return al->n_failed > failed ? n_of(c1) : -1;
}

/* A contact never missed holds no exclusions array; its first miss makes
 * one. When a time-out finds no memory, the new exclusion is forgotten if
 * the contact holds no other (the degraded outcome of docs/integration.md)
 * however much room it had: a standby whose record of it has an array takes
 * the same path as a primary whose record has none, and the other way
 * round. */
static void first_miss_makes_the_array(void **state)
{
    (void)state;
    test_alloc al = {0}, al2 = {0};
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = test_alloc_fn;
    o.alloc_user = &al2;
    for (int x_primary = 0; x_primary <= 1; x_primary++) {
        memset(&al, 0, sizeof al);
        memset(&al2, 0, sizeof al2);
        oq_engine *x = with_cleared_array(&al), *y = NULL;
        snap_buf s = snap_of(x, &al);
        assert_oq_ok_e(oq_engine_restore_buffer, &o, s.p, s.n, &y);
        free(s.p);
        assert_int_equal(cap_of(contact_rec(y, "c1")), 0);
        if (!x_primary) {
            /* y primary: no array, so nothing to write the exclusion into;
             * x standby: room it need not grow, and forgets it too. */
            assert_int_equal(c1_times_out_short_of_memory(y, &al2, x), 0);
            assert_int_equal(cap_of(contact_rec(y, "c1")), 0);
            assert_int_equal(cap_of(contact_rec(x, "c1")), 2);
            assert_int_equal(n_of(contact_rec(x, "c1")), 0);
            /* Forgotten: a1 may take it again at once (re-offered at the time-out). */
            assert_int_equal(offered_at("c1", "a1", 2), 42000);
        } else {
            /* x primary: its array has room, nothing to allocate, the
             * exclusion is kept; y standby makes its first array. */
            assert_int_equal(c1_times_out_short_of_memory(x, &al, y), -1);
            assert_int_equal(n_of(contact_rec(x, "c1")), 1);
            assert_int_equal(n_of(contact_rec(y, "c1")), 1);
            assert_int_equal(cap_of(contact_rec(y, "c1")), 2);
            assert_int_equal(offered_at("c1", "a1", 2), -1);
        }
        oq_engine_destroy(y);
        oq_engine_destroy(x);
        assert_int_equal(al.live_bytes, 0);
        assert_int_equal(al2.live_bytes, 0);
    }
}

/* A reject of a contact never missed makes its array before it changes
 * anything: without memory it fails with OQ_ENOMEM and the engine is byte
 * for byte what it was (the offer still rings); with memory it succeeds. */
static void reject_without_memory_changes_nothing(void **state)
{
    (void)state;
    test_alloc al = {0};
    oq_engine *e = offered_to_a1(&al, "c1");
    assert_oq_ok(e, oq_engine_advance(e, 2000)); /* a failed call's clock advance stands */
    snap_buf before = snap_of(e, &al);
    al.fail_at = al.n_allocs + 1;
    assert_int_equal(oq_offer_reject(e, 2000, "c1", "a1"), OQ_ENOMEM);
    al.fail_at = 0;
    assert_non_null(strstr(oq_engine_last_error(e), "memory"));
    assert_same_bytes(before, snap_of(e, &al), "a reject that failed for memory changed the engine");
    assert_int_equal(cap_of(contact_rec(e, "c1")), 0);
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_int_equal(n_of(contact_rec(e, "c1")), 1);
    assert_int_equal(cap_of(contact_rec(e, "c1")), 2);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    assert_int_equal(al.live_bytes, 0);
}

/* The same agent letting the contact time out again replaces its entry
 * (two misses: twice the back-off) in the room the array kept: no memory is
 * needed, so none missing can make the agent forget it. */
static void repeated_miss_needs_no_memory(void **state)
{
    (void)state;
    test_alloc al = {0};
    oq_engine *e = offered_to_a1(&al, "c1");
    assert_oq_ok(e, oq_engine_advance(e, 41000)); /* time-out at 11 s, offered again at 41 s */
    assert_int_equal(offered_at("c1", "a1", 1), 41000);
    al.fail_at = al.n_allocs + 1;
    al.fail_all = 1;
    assert_oq_ok(e, oq_engine_advance(e, 51000)); /* the second time-out, memory short */
    al.fail_at = 0;
    al.fail_all = 0;
    const oq_contact *c = contact_rec(e, "c1");
    assert_int_equal(n_of(c), 1);
    assert_int_equal(cap_of(c), 2);
    assert_int_equal(c->ext->rejects[0].misses, 2);
    assert_int_equal(c->ext->rejects[0].until, 51000 + 60000);
    assert_oq_ok(e, oq_engine_advance(e, 110999));
    assert_int_equal(offered_at("c1", "a1", 2), -1); /* kept from it for the doubled 60 s */
    assert_oq_ok(e, oq_engine_advance(e, 111000));
    assert_int_equal(offered_at("c1", "a1", 2), 111000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    assert_int_equal(al.live_bytes, 0);
}

/* The checker: a waiting contact an available agent could take must have a
 * timer that will bring them together (here the end of the exclusion); with
 * that timer gone the engine is corrupt. (It passed such a state before.) */
static void check_reports_a_stranded_contact(void **state)
{
    (void)state;
    oq_engine *e = one_queue(0, 30, 0);
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "c1", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_reject(e, 2000, "c1", "a1"));
    assert_int_equal(contact_state(e, "c1"), OQ_CONTACT_QUEUED);
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_READY);
    assert_oq_ok(e, oq_engine_check(e));
    /* Corrupt it: drop the contact's wake-up. */
    oq_contact *c = oq__idtable_get(&e->contact_ids, "c1");
    assert_non_null(c);
    oq__ctimer_cancel(e, c, OQ_CT_WAIT);
    assert_int_equal(oq_engine_check(e), OQ_ECORRUPT);
    const char *msg = oq_engine_last_error(e);
    assert_non_null(strstr(msg, "'c1'"));
    assert_non_null(strstr(msg, "'a1'"));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sole_agent_gets_it_again_after_retry),
        cmocka_unit_test(presence_change_clears_the_exclusion),
        cmocka_unit_test(others_first_and_retry_zero),
        cmocka_unit_test(max_offers_applies_the_limit_action),
        cmocka_unit_test(never_answering_agent_costs_few_offers),
        cmocka_unit_test(check_reports_a_stranded_contact),
        cmocka_unit_test(first_miss_makes_the_array),
        cmocka_unit_test(repeated_miss_needs_no_memory),
        cmocka_unit_test(reject_without_memory_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
