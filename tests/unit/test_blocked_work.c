/* SPDX-License-Identifier: MIT */
/* Blocked work is not visited (issue #22 item 1): a routing decision looks
 * only at the requirement signatures the agent qualifies for, and an arrival
 * whose signature has no qualified agent available searches nobody. Counted
 * in items looked at (the engine's route_visits), never in time. The
 * decisions themselves are checked against what the order of the lane says
 * (oldest first, ties by arrival), independently of the index. */
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "omniq/snapshot.h"
#include "test_support.h"

#define BLOCKED 10000

static recorder rec;
static char buf[64];

/* One chat queue (FIFO, longest idle) with no requirement of its own:
 * every agent is a member; contacts ask for extra skills themselves. */
static oq_engine *center(void)
{
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    assert_oq_ok(e, oq_skill_add(e, "de", 10));
    assert_oq_ok(e, oq_skill_add(e, "en", 10));
    return e;
}

static oq_status arrive_needing(oq_engine *e, int64_t t, const char *id, const char *skill,
                                const char *preferred)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = id;
    cs.channel = "chat";
    cs.queue = "q";
    const char *req[1] = {skill}, *pref[1] = {preferred};
    const int32_t lv[1] = {1};
    if (skill) {
        cs.n_required = 1;
        cs.required_skills = req;
        cs.required_levels = lv;
    }
    if (preferred) {
        cs.n_preferred = 1;
        cs.preferred_skills = pref;
        cs.preferred_levels = lv;
    }
    return oq_contact_arrive(e, t, &cs);
}

/* 10,000 contacts needing a skill nobody has wait at the head of the line;
 * a freed agent takes the plain contact behind them looking at a handful of
 * items (signature heads), not 10,000. */
static void freed_agent_skips_head_of_line(void **state)
{
    (void)state;
    oq_engine *e = center();
    add_agent_with(e, 0, "a1", "en", 1);
    assert_oq_ok(e, arrive(e, 1, "first", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "first", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, 1, "first", "a1"));
    for (int i = 0; i < BLOCKED; i++) {
        char id[32];
        snprintf(id, sizeof id, "de%d", i);
        assert_oq_ok(e, arrive_needing(e, 10 + i, id, "de", NULL));
    }
    assert_oq_ok(e, arrive_needing(e, 20000, "en-late", "en", NULL)); /* behind them all */
    assert_oq_ok(e, arrive(e, 20001, "plain-late", "chat", "q", 0));
    assert_oq_ok(e, oq_engine_check(e));

    uint64_t before = e->route_visits;
    assert_oq_ok(e, oq_contact_complete(e, 30000, "first"));
    uint64_t visits = e->route_visits - before;
    /* The oldest contact a1 can take is en-late (it has "en"), before plain-late. */
    assert_string_equal(contact_agent(e, "en-late", buf, sizeof buf), "a1");
    assert_int_equal(contact_state(e, "plain-late"), OQ_CONTACT_QUEUED);
    assert_int_equal(contact_state(e, "de0"), OQ_CONTACT_QUEUED);
    if (visits > 10)
        fail_msg("the freed agent looked at %llu items (3 signatures, %d blocked contacts)",
                 (unsigned long long)visits, BLOCKED);

    /* Again, for the plain contact: still a handful. */
    assert_oq_ok(e, oq_offer_accept(e, 30000, "en-late", "a1"));
    before = e->route_visits;
    assert_oq_ok(e, oq_contact_complete(e, 31000, "en-late"));
    visits = e->route_visits - before;
    assert_string_equal(contact_agent(e, "plain-late", buf, sizeof buf), "a1");
    if (visits > 10)
        fail_msg("the freed agent looked at %llu items for the plain contact", (unsigned long long)visits);

    /* An agent with "de" logs in: it takes the oldest of the blocked ones. */
    add_agent_with(e, 32000, "a2", "de", 0);
    assert_oq_ok(e, oq_agent_ready(e, 32000, "a2"));
    assert_string_equal(contact_agent(e, "de0", buf, sizeof buf), "a2");
    assert_int_equal(contact_state(e, "de1"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* 10,000 idle agents without "de": an arriving contact that needs it looks
 * at none of them (the first of its signature counts them once). */
static void arrival_skips_unqualified_idle_agents(void **state)
{
    (void)state;
    oq_engine *e = center();
    for (int i = 0; i < BLOCKED; i++) {
        char id[32];
        snprintf(id, sizeof id, "en%d", i);
        add_agent_with(e, 0, id, "en", 1);
    }
    assert_oq_ok(e, arrive_needing(e, 10, "de-first", "de", NULL));
    assert_int_equal(contact_state(e, "de-first"), OQ_CONTACT_QUEUED);
    for (int i = 0; i < 100; i++) {
        char id[32];
        snprintf(id, sizeof id, "de%d", i);
        uint64_t before = e->route_visits;
        assert_oq_ok(e, arrive_needing(e, 20 + i, id, "de", NULL));
        uint64_t visits = e->route_visits - before;
        assert_int_equal(contact_state(e, id), OQ_CONTACT_QUEUED);
        if (visits > 0)
            fail_msg("arrival %s looked at %llu agents, none of the %d can take it", id,
                     (unsigned long long)visits, BLOCKED);
    }
    /* A plain arrival still goes to the longest idle agent (en0, the first ready). */
    assert_oq_ok(e, arrive(e, 200, "plain", "chat", "q", 0));
    assert_string_equal(contact_agent(e, "plain", buf, sizeof buf), "en0");
    /* An agent with "de" becomes ready: it takes the oldest waiting de contact;
     * busy, it is out of the count again, so the next arrival searches nobody. */
    add_agent_with(e, 300, "de-agent", "de", 0);
    assert_oq_ok(e, oq_agent_ready(e, 300, "de-agent"));
    assert_string_equal(contact_agent(e, "de-first", buf, sizeof buf), "de-agent");
    /* Giving an agent a skill makes every count stale: the next arrival
     * counts again (once), the ones after it look at nobody. */
    assert_oq_ok(e, arrive_needing(e, 400, "de-more", "de", NULL));
    uint64_t before = e->route_visits;
    assert_oq_ok(e, arrive_needing(e, 401, "de-more2", "de", NULL));
    assert_true(e->route_visits - before == 0);
    assert_int_equal(contact_state(e, "de-more"), OQ_CONTACT_QUEUED);
    assert_int_equal(contact_state(e, "de-more2"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    /* Freed, it takes de0 (older than de-more), not a plain contact. */
    assert_oq_ok(e, oq_offer_accept(e, 402, "de-first", "de-agent"));
    assert_oq_ok(e, oq_contact_complete(e, 500, "de-first"));
    assert_string_equal(contact_agent(e, "de0", buf, sizeof buf), "de-agent");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* A preferred skill waited for is part of the signature until a ladder step
 * drops it: the contact then moves to the plain signature and an idle agent
 * without the skill takes it at once; across signatures the lane order holds. */
static void escalation_moves_contact_between_signatures(void **state)
{
    (void)state;
    oq_engine *e = center();
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_DROP_PREFERRED;
    st.skill = "de";
    st.after_s = 30;
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
    add_agent_with(e, 0, "a1", "en", 0);
    assert_oq_ok(e, arrive_needing(e, 1000, "wants-de", NULL, "de"));
    assert_oq_ok(e, arrive(e, 2000, "plain", "chat", "q", 0));
    assert_oq_ok(e, oq_engine_check(e));
    /* a1 ready at 3 s: wants-de still waits for "de", so plain goes first. */
    assert_oq_ok(e, oq_agent_ready(e, 3000, "a1"));
    assert_string_equal(contact_agent(e, "plain", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, 3000, "plain", "a1"));
    assert_oq_ok(e, oq_contact_complete(e, 4000, "plain"));
    assert_int_equal(contact_state(e, "wants-de"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_check(e));
    /* At 31 s the step drops "de": a1 (idle) takes it. */
    assert_oq_ok(e, oq_engine_advance(e, 30999));
    assert_int_equal(contact_state(e, "wants-de"), OQ_CONTACT_QUEUED);
    assert_oq_ok(e, oq_engine_advance(e, 31000));
    assert_string_equal(contact_agent(e, "wants-de", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Restored from a snapshot, the engine rebuilds its signatures (they are not
 * stored) and decides as before without scanning the blocked contacts. */
static void restore_rebuilds_signatures(void **state)
{
    (void)state;
    oq_engine *e = center();
    add_agent_with(e, 0, "a1", "en", 1);
    assert_oq_ok(e, arrive(e, 1, "first", "chat", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 1, "first", "a1"));
    for (int i = 0; i < 1000; i++) {
        char id[32];
        snprintf(id, sizeof id, "de%d", i);
        assert_oq_ok(e, arrive_needing(e, 10 + i, id, "de", NULL));
    }
    assert_oq_ok(e, arrive(e, 5000, "plain-late", "chat", "q", 0));
    void *snap = NULL;
    size_t len = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &snap, &len));
    oq_engine_options o;
    oq_engine_options_init(&o);
    oq_engine *r = NULL;
    assert_oq_ok_e(oq_engine_restore_buffer, &o, snap, len, &r);
    oq_free(snap);
    const oq_queue *q = NULL;
    assert_oq_ok(NULL, oq__lookup_queue(r, "queue", "q", &q));
    assert_int_equal(q->lanes[0].n_grouped, q->lanes[0].contacts.n);
    uint64_t before = r->route_visits;
    assert_oq_ok(r, oq_contact_complete(r, 6000, "first"));
    assert_string_equal(contact_agent(r, "plain-late", buf, sizeof buf), "a1");
    if (r->route_visits - before > 10)
        fail_msg("after restore the freed agent looked at %llu items",
                 (unsigned long long)(r->route_visits - before));
    assert_oq_ok(r, oq_engine_check(r));
    oq_engine_destroy(r);
    oq_engine_destroy(e);
}

/* A signature's heap holds its contacts' positions in the lane heap
 * (lanes.c), kept current as the lane heap moves them. Contacts of three
 * signatures in a priority queue, many arriving at the same moment with the
 * same priority (ties of both key words, decided by arrival), re-prioritised
 * and removed while the lane heap moves them around: the engine stays
 * consistent, and an agent who qualifies for all three takes them in the
 * lane's order — highest priority, then earliest, then first to arrive. */
#define MOVED 300
static void signatures_follow_lane_heap_moves(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "chat", 0, 100, 1);
    add_queue(e, "p", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "chat");
    assert_oq_ok(e, oq_skill_add(e, "de", 10));
    assert_oq_ok(e, oq_skill_add(e, "en", 10));
    int32_t prio[MOVED];
    int64_t at[MOVED];
    int gone[MOVED] = {0};
    for (int i = 0; i < MOVED; i++) {
        char id[32];
        snprintf(id, sizeof id, "c%d", i);
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = id;
        cs.channel = "chat";
        cs.queue = "p";
        const char *req[1] = {i % 3 == 0 ? "de" : "en"};
        const int32_t lv[1] = {1};
        if (i % 3 != 2) {
            cs.n_required = 1;
            cs.required_skills = req;
            cs.required_levels = lv;
        }
        at[i] = 10 + i / 4;
        prio[i] = cs.priority = i % 5;
        assert_oq_ok(e, oq_contact_arrive(e, at[i], &cs));
    }
    for (int round = 0; round < 6; round++) {
        for (int j = 0; j < MOVED; j++) {
            int k = (j * 7 + round) % MOVED;
            if (gone[k])
                continue;
            char id[32];
            snprintf(id, sizeof id, "c%d", k);
            if ((k + round) % 23 == 0) {
                assert_oq_ok(e, oq_contact_remove(e, 1000, id));
                gone[k] = 1;
                continue;
            }
            prio[k] = (k * 13 + round * 5) % 4;
            assert_oq_ok(e, oq_contact_set_priority(e, 1000, id, prio[k]));
        }
        assert_oq_ok(e, oq_engine_check(e));
    }
    add_agent(e, "all", 100);
    assert_oq_ok(e, oq_agent_set_skill(e, 1000, "all", "de", 5));
    assert_oq_ok(e, oq_agent_set_skill(e, 1000, "all", "en", 5));
    assert_oq_ok(e, oq_agent_login(e, 1000, "all", 1));
    for (int64_t t = 1001;; t++) {
        int best = -1;
        for (int i = 0; i < MOVED; i++)
            if (!gone[i] && (best < 0 || prio[i] > prio[best] || (prio[i] == prio[best] && at[i] < at[best])))
                best = i; /* ascending i: the first to arrive wins a tie */
        if (best < 0)
            break;
        char id[32];
        snprintf(id, sizeof id, "c%d", best);
        assert_string_equal(contact_agent(e, id, buf, sizeof buf), "all");
        gone[best] = 1;
        assert_oq_ok(e, oq_offer_accept(e, t, id, "all"));
        assert_oq_ok(e, oq_contact_complete(e, t, id));
        if (t % 50 == 0)
            assert_oq_ok(e, oq_engine_check(e));
    }
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Outbound work held back by blending (OQ_BLEND_SL_ABOVE_TARGET with the
 * inbound queue below its target) beside BLENDED idle agents: an outbound
 * arrival looks at each available agent once (the search refuses them
 * all: blending is not in the signature index), and does not then search every agent's inbound queues for a
 * contact it could take - with nothing else to route, none can exist. */
#define BLENDED 500
static void held_back_outbound_arrival_walks_the_lane_once(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_blend_queues(e, "voice");
    /* One inbound call answered after 60 s: service level 0 % < 80 %. */
    assert_oq_ok(e, arrive(e, 0, "in1", "voice", "in", 0));
    for (int i = 0; i < BLENDED; i++) {
        char id[32];
        snprintf(id, sizeof id, "a%d", i);
        add_agent_with(e, 60000, id, NULL, 1);
    }
    assert_string_equal(contact_agent(e, "in1", buf, sizeof buf), "a0");
    assert_oq_ok(e, oq_offer_accept(e, 60000, "in1", "a0"));
    assert_oq_ok(e, oq_contact_complete(e, 61000, "in1"));
    for (int i = 0; i < 20; i++) {
        char id[32];
        snprintf(id, sizeof id, "o%d", i);
        uint64_t before = e->route_visits;
        assert_oq_ok(e, arrive(e, 62000 + i, id, "voice", "out", 0));
        uint64_t visits = e->route_visits - before;
        assert_int_equal(contact_state(e, id), OQ_CONTACT_QUEUED);
        /* The first also counts the signature's qualified agents (once). */
        if (visits > (i == 0 ? 2 * BLENDED : BLENDED))
            fail_msg("outbound arrival %s looked at %llu items beside %d available agents", id,
                     (unsigned long long)visits, BLENDED);
    }
    assert_oq_ok(e, oq_engine_check(e));
    /* Inbound work still goes first, and outbound work flows once the
     * service level meets its target (4 of 5 answered in time). */
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof id, "q%d", i);
        assert_oq_ok(e, arrive(e, 70000, id, "voice", "in", 0));
        assert_int_equal(contact_state(e, id), OQ_CONTACT_OFFERED);
    }
    for (int i = 0; i < 4; i++) {
        char id[16], agent[32];
        snprintf(id, sizeof id, "q%d", i);
        assert_oq_ok(e, oq_offer_accept(e, 70000, id, contact_agent(e, id, agent, sizeof agent)));
    }
    assert_int_equal(contact_state(e, "o0"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "o19"), OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(freed_agent_skips_head_of_line),
        cmocka_unit_test(arrival_skips_unqualified_idle_agents),
        cmocka_unit_test(escalation_moves_contact_between_signatures),
        cmocka_unit_test(restore_rebuilds_signatures),
        cmocka_unit_test(signatures_follow_lane_heap_moves),
        cmocka_unit_test(held_back_outbound_arrival_walks_the_lane_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
