/* SPDX-License-Identifier: MIT */
/* A lane whose waiting contacts all share one requirement signature keeps
 * no heap for it (issue #22): the lane heap serves as that signature's heap
 * while it has the very layout the signature's heap would have. The heap is
 * written out when a second signature arrives (or a member changes
 * signature) and dropped again once the lane is back to one signature with
 * the lane heap's layout. These tests look at the index itself (a kept heap
 * shows as entries in it) and at the decisions, which are checked against
 * the lane's order independently of the index. */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

#define PLAIN 200
static recorder rec;
static char buf[64];

static oq_engine *center(int32_t ordering)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 100, 1);
    add_queue(e, "q", ordering, OQ_STRATEGY_LONGEST_IDLE, "chat");
    assert_oq_ok(e, oq_skill_add(e, "de", 10));
    assert_oq_ok(e, oq_skill_add(e, "en", 10));
    return e;
}

static const oq_lane *lane_of(oq_engine *e)
{
    const oq_queue *q = NULL;
    assert_oq_ok(NULL, oq__lookup_queue(e, "queue", "q", &q));
    return &q->lanes[0];
}

/* Entries kept in the lane's signature heaps (0 while it mirrors). */
static int32_t kept_entries(const oq_lane *lane)
{
    int32_t n = 0;
    for (int32_t i = 0; i < lane->n_sigs; i++)
        n += lane->sigs[i]->contacts.n;
    return n;
}

static oq_status arrive_with(oq_engine *e, int64_t t, const char *id, const char *skill, int32_t priority)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = id;
    cs.channel = "chat";
    cs.queue = "q";
    cs.priority = priority;
    const char *req[1] = {skill};
    const int32_t lv[1] = {1};
    if (skill) {
        cs.n_required = 1;
        cs.required_skills = req;
        cs.required_levels = lv;
    }
    return oq_contact_arrive(e, t, &cs);
}

static void take(oq_engine *e, int64_t t, const char *contact, const char *agent)
{
    if (strcmp(contact_agent(e, contact, buf, sizeof buf), agent) != 0)
        fail_msg("%s holds '%s', expected %s (state %d)", contact, buf, agent, contact_state(e, contact));
    assert_oq_ok(e, oq_offer_accept(e, t, contact, agent));
    assert_oq_ok(e, oq_contact_complete(e, t, contact));
}


/* Plain contacts only: arrivals, priority changes and removals keep the
 * lane mirroring — no signature heap holds an entry — and a freed agent
 * still takes them in the lane's order, looking at a handful of items. */
static void single_signature_lane_keeps_no_heap(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ORDER_PRIORITY);
    int32_t prio[PLAIN];
    int gone[PLAIN] = {0};
    for (int i = 0; i < PLAIN; i++) {
        char id[32];
        snprintf(id, sizeof id, "p%d", i);
        prio[i] = (i * 7) % 5;
        assert_oq_ok(e, arrive_with(e, 10 + i, id, NULL, prio[i]));
    }
    const oq_lane *lane = lane_of(e);
    assert_non_null(oq__sig_solo(lane));
    assert_int_equal(lane->n_grouped, PLAIN);
    assert_int_equal(kept_entries(lane), 0);
    for (int i = 0; i < PLAIN; i += 3) {
        char id[32];
        snprintf(id, sizeof id, "p%d", i);
        if (i % 9 == 0) {
            assert_oq_ok(e, oq_contact_remove(e, 1000, id));
            gone[i] = 1;
        } else {
            prio[i] = (i * 11) % 6;
            assert_oq_ok(e, oq_contact_set_priority(e, 1000, id, prio[i]));
        }
    }
    assert_non_null(oq__sig_solo(lane));
    assert_int_equal(kept_entries(lane), 0);
    assert_oq_ok(e, oq_engine_check(e));
    add_agent_with(e, 1000, "a1", NULL, 0);
    for (int64_t t = 1001;; t++) {
        int best = -1;
        for (int i = 0; i < PLAIN; i++)
            if (!gone[i] && (best < 0 || prio[i] > prio[best]))
                best = i; /* ascending i: the earliest wins a tie */
        if (best < 0)
            break;
        char id[32];
        snprintf(id, sizeof id, "p%d", best);
        uint64_t before = e->route_visits;
        if (t == 1001)
            assert_oq_ok(e, oq_agent_ready(e, t, "a1"));
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), "a1");
        if (e->route_visits - before > 10)
            fail_msg("routing %s looked at %llu items", id, (unsigned long long)(e->route_visits - before));
        assert_oq_ok(e, oq_offer_accept(e, t, id, "a1"));
        gone[best] = 1;
        if (lane->n_grouped > 0) {
            assert_non_null(oq__sig_solo(lane));
            assert_int_equal(kept_entries(lane), 0);
        }
        before = e->route_visits;
        assert_oq_ok(e, oq_contact_complete(e, t, id));
        if (t % 40 == 0)
            assert_oq_ok(e, oq_engine_check(e));
    }
    assert_int_equal(lane->contacts.n, 0);
    assert_null(oq__sig_solo(lane));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static int waiting_or_offered(oq_engine *e, const char *id)
{
    int32_t st = contact_state(e, id);
    return st == OQ_CONTACT_QUEUED || st == OQ_CONTACT_OFFERED;
}

/* The lane's layout, as contacts, lane position by position. */
static int32_t layout(const oq_lane *lane, const oq_contact **out)
{
    for (int32_t j = 0; j < lane->contacts.n; j++)
        out[j] = lane->contacts.items[j];
    return lane->contacts.n;
}

/* 1 -> 2 -> 1 signatures. A contact needing "de" arrives with the highest
 * priority (its push moves items of the lane heap up the way): the plain
 * signature's heap is written out exactly as it would have been kept — the
 * lane heap's layout before that push. Routing stays in the lane's order
 * for each agent; once the "de" contact is gone and the plain signature's
 * heap is the lane heap's layout again, it is dropped, and the next "de"
 * arrival writes it out again. */
static void one_two_one_signatures(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ORDER_PRIORITY);
    for (int i = 0; i < PLAIN; i++) {
        char id[32];
        snprintf(id, sizeof id, "p%d", i);
        assert_oq_ok(e, arrive_with(e, 10 + i, id, NULL, i % 3));
    }
    const oq_lane *lane = lane_of(e);
    assert_non_null(oq__sig_solo(lane));
    const oq_sig *plain = oq__sig_solo(lane);
    static const oq_contact *before[PLAIN + 1];
    int32_t n = layout(lane, before);

    assert_oq_ok(e, arrive_with(e, 500, "de-first", "de", 9));
    assert_null(oq__sig_solo(lane));
    assert_int_equal(plain->contacts.n, n);
    for (int32_t j = 0; j < n; j++) {
        const oq_contact *c = lane->contacts.items[oq__sig_entry_pos(plain->contacts.items[j])];
        if (c != before[j])
            fail_msg("slot %d of the written-out heap holds '%s', the kept heap held '%s'", j, c->id,
                     before[j]->id);
    }
    assert_int_equal(kept_entries(lane), PLAIN + 1);
    assert_oq_ok(e, oq_engine_check(e));

    /* An agent without "de" takes the plain contacts by priority, then
     * arrival: p2 (priority 2), p5, ... — never de-first. */
    add_agent_with(e, 600, "en1", "en", 1);
    take(e, 601, "p2", "en1");
    take(e, 602, "p5", "en1");
    assert_int_equal(contact_state(e, "de-first"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    /* An agent with "de" takes de-first (the lane's head). */
    add_agent_with(e, 700, "de1", "de", 1);
    assert_string_equal(contact_agent(e, "de-first", buf, sizeof buf), "de1");
    assert_oq_ok(e, oq_offer_accept(e, 700, "de-first", "de1"));
    assert_oq_ok(e, oq_engine_check(e));

    /* Back to one signature: the plain heap is dropped within a few
     * dequeues once it is the lane heap's layout (it may be at once). */
    int dropped = 0;
    int taken = 2;
    int64_t t = 800;
    for (int i = 0; i < PLAIN && !dropped; i++) {
        char id[32];
        snprintf(id, sizeof id, "p%d", i);
        if (!waiting_or_offered(e, id) || i % 3 != 2)
            continue;
        take(e, ++t, id, "en1");
        taken++;
        dropped = oq__sig_solo(lane) != NULL;
        assert_oq_ok(e, oq_engine_check(e));
    }
    if (!dropped) /* the priority-2 ones are gone: the rest in order */
        for (int i = 0; i < PLAIN && !dropped; i++) {
            char id[32];
            snprintf(id, sizeof id, "p%d", i);
            if (!waiting_or_offered(e, id) || i % 3 != 1)
                continue;
            take(e, ++t, id, "en1");
            taken++;
            dropped = oq__sig_solo(lane) != NULL;
            assert_oq_ok(e, oq_engine_check(e));
        }
    if (!dropped)
        fail_msg("the plain signature's heap was still kept after %d dequeues", taken);
    assert_ptr_equal(oq__sig_solo(lane), plain);
    assert_int_equal(kept_entries(lane), 0);

    /* 1 -> 2 again, at the end of the line this time: de-second waits
     * behind the plain contacts for the en agent, and de1, freed, takes
     * the oldest contact left at the highest priority, whatever it needs. */
    n = layout(lane, before);
    assert_oq_ok(e, arrive_with(e, 900, "de-second", "de", 0));
    assert_null(oq__sig_solo(lane));
    assert_int_equal(plain->contacts.n, n);
    for (int32_t j = 0; j < n; j++)
        assert_ptr_equal(lane->contacts.items[oq__sig_entry_pos(plain->contacts.items[j])], before[j]);
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_contact_complete(e, 901, "de-first"));
    assert_int_equal(contact_state(e, "de-second"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    /* de-second goes only once the plain ones are gone or to de1. */
    assert_oq_ok(e, oq_contact_remove(e, 902, "de-second"));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A member changes signature (a ladder step drops a waited-for preferred
 * skill) while the lane mirrors: the heap is written out first, the contact
 * moves, and the lane's order still decides. */
static void member_changing_signature_ends_mirror(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ORDER_FIFO);
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_DROP_PREFERRED;
    st.skill = "de";
    st.after_s = 30;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
    for (int i = 0; i < 5; i++) {
        char id[32];
        snprintf(id, sizeof id, "w%d", i);
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = id;
        cs.channel = "chat";
        cs.queue = "q";
        const char *pref[1] = {"de"};
        const int32_t lv[1] = {1};
        cs.n_preferred = 1;
        cs.preferred_skills = pref;
        cs.preferred_levels = lv;
        assert_oq_ok(e, oq_contact_arrive(e, 1000 * (i + 1), &cs));
    }
    const oq_lane *lane = lane_of(e);
    /* Each arrival joined the plain signature, then the "de" one (its
     * ladder holds the preferred skill): the lane may or may not mirror
     * now (re-mirroring waits for dequeues to pay for the writing out). */
    assert_oq_ok(e, oq_engine_check(e));
    add_agent_with(e, 6000, "en1", "en", 1);
    assert_int_equal(contact_state(e, "w0"), OQ_CONTACT_QUEUED);
    /* At 31 s w0 stops waiting for "de": it moves to the plain signature
     * and en1 takes it; the others still wait. */
    assert_oq_ok(e, oq_engine_advance(e, 31000));
    assert_string_equal(contact_agent(e, "w0", buf, sizeof buf), "en1");
    assert_int_equal(contact_state(e, "w1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_offer_accept(e, 31000, "w0", "en1"));
    assert_oq_ok(e, oq_contact_complete(e, 31500, "w0"));
    /* w1 drops "de" at 32 s: en1 takes it, and so on in arrival order. */
    for (int i = 1; i < 5; i++) {
        char id[32];
        snprintf(id, sizeof id, "w%d", i);
        int64_t at = 1000 * (i + 1) + 30000;
        assert_oq_ok(e, oq_engine_advance(e, at - 1));
        assert_int_equal(contact_state(e, id), OQ_CONTACT_QUEUED);
        assert_oq_ok(e, oq_engine_advance(e, at));
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), "en1");
        assert_oq_ok(e, oq_engine_check(e));
        assert_oq_ok(e, oq_offer_accept(e, at, id, "en1"));
        assert_oq_ok(e, oq_contact_complete(e, at + 500, id));
        assert_oq_ok(e, oq_engine_check(e));
    }
    assert_int_equal(lane->contacts.n, 0);
    assert_null(oq__sig_solo(lane));
    oq_engine_destroy(e);
}

/* Out of memory where a second signature arrives in a mirroring lane: the
 * arrival's allocations fail from the k-th on, for each k in turn. Either the call fails and
 * changes nothing (the lane still mirrors all its contacts), or it succeeds;
 * if the newcomer could not join its signature (left out), the lane stops
 * mirroring without allocating — the plain signature's heap written out as
 * it would have been kept — and decides by scanning its lane heap: the same
 * decisions. */
static void second_signature_out_of_memory(void **state)
{
    (void)state;
    int left_out = 0, failed = 0;
    for (int64_t k = 1; k <= 40; k++) {
        test_alloc a = {0};
        oq_engine *e = new_engine(NULL, &a);
        add_channel(e, "chat", 0, 100, 1);
        add_queue(e, "q", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "chat");
        assert_oq_ok(e, oq_skill_add(e, "de", 10));
        for (int i = 0; i < 40; i++) {
            char id[32];
            snprintf(id, sizeof id, "p%d", i);
            assert_oq_ok(e, arrive_with(e, 10 + i, id, NULL, i % 3));
        }
        const oq_lane *lane = lane_of(e);
        const oq_sig *plain = oq__sig_solo(lane);
        assert_non_null(plain);
        static const oq_contact *before[64];
        int32_t n = layout(lane, before);
        a.fail_at = a.n_allocs + k;
        a.fail_all = 1;
        oq_status st = arrive_with(e, 100, "de-new", "de", 9);
        a.fail_at = 0;
        a.fail_all = 0;
        int64_t hit = a.n_failed; /* 0: the arrival needed fewer than k allocations */
        assert_oq_ok(e, oq_engine_check(e));
        if (st != OQ_OK) {
            assert_int_equal(st, OQ_ENOMEM);
            failed++;
            assert_ptr_equal(oq__sig_solo(lane), plain);
            assert_int_equal(lane->contacts.n, n);
            assert_int_equal(kept_entries(lane), 0);
            oq_engine_destroy(e);
            continue;
        }
        const oq_contact *c = NULL;
        for (int32_t j = 0; j < lane->contacts.n; j++)
            if (strcmp(((const oq_contact *)lane->contacts.items[j])->id, "de-new") == 0)
                c = lane->contacts.items[j];
        assert_non_null(c);
        assert_null(oq__sig_solo(lane));
        assert_int_equal(plain->contacts.n, n);
        for (int32_t j = 0; j < n; j++)
            assert_ptr_equal(lane->contacts.items[oq__sig_entry_pos(plain->contacts.items[j])], before[j]);
        left_out += c->sig == NULL;
        /* An agent without "de" takes p2 (priority 2, earliest), one with it de-new. */
        add_agent_with(e, 200, "a1", NULL, 1);
        assert_string_equal(contact_agent(e, "p2", buf, sizeof buf), "a1");
        assert_int_equal(contact_state(e, "de-new"), OQ_CONTACT_QUEUED);
        add_agent_with(e, 201, "a2", "de", 1);
        assert_string_equal(contact_agent(e, "de-new", buf, sizeof buf), "a2");
        assert_oq_ok(e, oq_engine_check(e));
        assert_true(a.n_failed == hit);
        oq_engine_destroy(e);
        if (!hit)
            break;
    }
    if (!left_out)
        fail_msg("no failed allocation left the newcomer out of its signature (%d calls failed)", failed);
}

/* No single call pays for the whole lane (issue #22: one call of O(lane
 * size) is a stall the host sees). In a lane of BIG one-signature contacts
 * a second signature arrives — at the lane's head (its push moves a path of
 * items) or at its end — and leaves, then a quarter of the lane leaves and
 * as many arrive (each removal asks whether the lane can mirror again).
 * Every call writes or compares at most a few dozen signature slots outside
 * heap sifts (the engine's sig_slot_ops): the moved path, never the lane.
 * Back to one signature with the lane heap's layout (the newcomer left from
 * the end), the lane mirrors again at once. */
#define BIG 20000
#define SLOTS_MAX 40 /* about 2 log2(BIG) */

static uint64_t worst_slots;
static char worst_call[64];

static void slots_of(oq_engine *e, oq_status st, uint64_t before, const char *what, const char *id)
{
    assert_oq_ok(e, st);
    uint64_t d = e->sig_slot_ops - before;
    if (d > worst_slots) {
        worst_slots = d;
        snprintf(worst_call, sizeof worst_call, "%s %s", what, id);
    }
}

static void no_call_pays_for_the_lane(void **state)
{
    (void)state;
    oq_engine *e = center(OQ_ORDER_PRIORITY);
    int64_t t = 10, head = 0, next = 0;
    char id[32];
    for (; next < BIG; next++) {
        snprintf(id, sizeof id, "p%lld", (long long)next);
        assert_oq_ok(e, arrive_with(e, t++, id, NULL, (int32_t)(next % 3)));
    }
    const oq_lane *lane = lane_of(e);
    assert_non_null(oq__sig_solo(lane));
    worst_slots = 0;
    for (int r = 0; r < 4; r++) {
        int at_head = r % 2 == 0;
        snprintf(id, sizeof id, "de%d", r);
        uint64_t before = e->sig_slot_ops;
        slots_of(e, arrive_with(e, t++, id, "de", at_head ? 9 : 0), before, "arrival of", id);
        assert_null(oq__sig_solo(lane));
        if (r == 0)
            assert_oq_ok(e, oq_engine_check(e));
        before = e->sig_slot_ops;
        slots_of(e, oq_contact_remove(e, t++, id), before, "removal of", id);
        if (!at_head && !oq__sig_solo(lane))
            fail_msg("round %d: back to one signature in the lane heap's layout, the lane does not mirror", r);
        for (int32_t k = 0; k < BIG / 4 + 8; k++) {
            snprintf(id, sizeof id, "p%lld", (long long)head++);
            before = e->sig_slot_ops;
            slots_of(e, oq_contact_remove(e, t, id), before, "removal of", id);
            snprintf(id, sizeof id, "p%lld", (long long)next);
            before = e->sig_slot_ops;
            slots_of(e, arrive_with(e, t++, id, NULL, (int32_t)(next++ % 3)), before, "arrival of", id);
        }
        if (r == 1)
            assert_oq_ok(e, oq_engine_check(e));
    }
    if (worst_slots > SLOTS_MAX)
        fail_msg("the %s wrote or compared %llu signature slots in a lane of %d", worst_call,
                 (unsigned long long)worst_slots, BIG);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_signature_lane_keeps_no_heap),
        cmocka_unit_test(one_two_one_signatures),
        cmocka_unit_test(member_changing_signature_ends_mirror),
        cmocka_unit_test(second_signature_out_of_memory),
        cmocka_unit_test(no_call_pays_for_the_lane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
