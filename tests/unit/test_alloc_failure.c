/* SPDX-License-Identifier: MIT */
/* Allocation-failure injection: run a scripted scenario once per N, failing
 * the N-th allocation, until a run sees no failure. Every call must either
 * succeed or return OQ_ENOMEM; after a failure the engine must pass
 * oq_engine_check(), no contact may be lost, and destroying the engine must
 * give back every byte. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#define MAX_IDS 64

typedef struct tracker {
    char ids[MAX_IDS][16];
    int terminal[MAX_IDS];
    int n;
} tracker;

static tracker track;

static int find_id(const char *id)
{
    for (int i = 0; i < track.n; i++)
        if (strcmp(track.ids[i], id) == 0)
            return i;
    return -1;
}

static void on_event(const oq_event *ev, void *user)
{
    (void)user;
    if (!ev->contact)
        return;
    if (ev->type == OQ_EV_COMPLETED || ev->type == OQ_EV_ABANDONED || ev->type == OQ_EV_REMOVED ||
        ev->type == OQ_EV_QUEUE_REJECTED) {
        int i = find_id(ev->contact);
        if (i >= 0)
            track.terminal[i]++;
    }
}

typedef struct run_state {
    oq_engine *e;
    int failures;
    int64_t t;
} run_state;

/* One step of the scenario: OK or ENOMEM only; after ENOMEM the engine
 * must be consistent, and the run ends there (what follows would depend on
 * the object that could not be made). Returns 1 to go on. */
static int step(run_state *r, oq_status st, const char *what)
{
    if (st == OQ_OK)
        return 1;
    if (st != OQ_ENOMEM)
        fail_msg("%s: unexpected %s: %s", what, oq_status_name(st), oq_engine_last_error(r->e));
    r->failures++;
    assert_non_null(strstr(oq_engine_last_error(r->e), "memory"));
    if (oq_engine_check(r->e) != OQ_OK)
        fail_msg("%s: after OQ_ENOMEM: %s", what, oq_engine_last_error(r->e));
    return 0;
}

#define DO(call, what)              \
    do {                            \
        if (!step(r, (call), what)) \
            return 0;               \
    } while (0)

static int arrive_tracked(run_state *r, const char *id, const char *channel, const char *queue,
                           const char *customer, const char *skill)
{
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = id;
    s.channel = channel;
    s.queue = queue;
    s.customer = customer;
    const char *req[] = {skill};
    const int32_t lv[] = {1};
    if (skill) {
        s.n_required = 1;
        s.required_skills = req;
        s.required_levels = lv;
    }
    oq_status st = oq_contact_arrive(r->e, r->t, &s);
    if (st == OQ_OK && find_id(id) < 0 && track.n < MAX_IDS)
        snprintf(track.ids[track.n++], sizeof track.ids[0], "%s", id);
    return step(r, st, id);
}

static int scenario(run_state *r)
{
    oq_engine *e = r->e;
    oq_channel_spec c;
    oq_channel_spec_init(&c);
    c.id = "voice";
    c.exclusive = 1;
    DO(oq_channel_add(e, &c), "channel voice");
    oq_channel_spec_init(&c);
    c.id = "chat";
    c.capacity_cost = 30;
    c.max_per_agent = 3;
    DO(oq_channel_add(e, &c), "channel chat");
    DO(oq_skill_add(e, "en", 10), "skill en");
    DO(oq_skill_add(e, "vip", 10), "skill vip");
    DO(oq_group_add(e, "t1"), "group t1");
    DO(oq_group_add(e, "t2"), "group t2");
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "spill";
    DO(oq_queue_add(e, &q), "queue spill");
    DO(oq_queue_add_channel(e, 0, "spill", "voice"), "spill voice");
    oq_queue_spec_init(&q);
    q.id = "sales";
    q.offer_timeout_s = 5;
    q.wrapup_s = 3;
    q.max_length = 3;
    q.limit_action = OQ_LIMIT_OVERFLOW;
    q.limit_queue = "spill";
    DO(oq_queue_add(e, &q), "queue sales");
    DO(oq_queue_add_channel(e, 0, "sales", "voice"), "sales voice");
    DO(oq_queue_add_channel(e, 0, "sales", "chat"), "sales chat");
    DO(oq_queue_require_skill(e, 0, "sales", "en", 5), "sales en");
    DO(oq_queue_add_group(e, 0, "sales", "t1"), "sales t1");
    oq_escalation_step s;
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_LOWER_LEVEL;
    s.skill = "en";
    s.level = 2;
    s.after_s = 10;
    DO(oq_queue_add_step(e, 0, "sales", &s), "step lower");
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_ADD_GROUP;
    s.group = "t2";
    s.after_s = 20;
    DO(oq_queue_add_step(e, 0, "sales", &s), "step group");
    oq_escalation_step_init(&s);
    s.action = OQ_STEP_ALERT;
    s.message = "slow";
    s.after_s = 25;
    DO(oq_queue_add_step(e, 0, "sales", &s), "step alert");
    DO(oq_profile_add(e, "p"), "profile");
    DO(oq_profile_set_queue(e, 0, "p", "sales", 1, 0), "profile sales");
    DO(oq_profile_set_queue(e, 0, "p", "spill", 2, 2), "profile spill");
    DO(oq_profile_set_channel(e, 0, "p", "chat", 2, 1), "profile chat");
    const char *agents[] = {"a1", "a2", "a3", "a4"};
    for (int i = 0; i < 4; i++) {
        DO(oq_agent_add(e, agents[i], 100), agents[i]);
        DO(oq_agent_set_skill(e, 0, agents[i], "en", 3 + i * 2), "agent skill");
        DO(oq_agent_join_group(e, 0, agents[i], i < 2 ? "t1" : "t2"), "join");
    }
    DO(oq_agent_set_profile(e, 0, "a1", "p"), "agent profile");
    DO(oq_group_set_profile(e, 0, "t2", "p"), "group profile");
    oq_agent_policy pol;
    oq_agent_policy_init(&pol);
    pol.max_no_answer = 2;
    pol.max_per_window = 3;
    pol.window_s = 60;
    DO(oq_agent_set_policy(e, 0, "a2", &pol), "policy");
    for (int i = 0; i < 4; i++)
        DO(oq_agent_login(e, 0, agents[i], 1), "login");

    char id[16];
    for (int k = 0; k < 8; k++) {
        r->t += 1500;
        snprintf(id, sizeof id, "c%d", k);
        if (!arrive_tracked(r, id, k % 3 ? "voice" : "chat", "sales", k % 2 ? "cust" : NULL,
                            k == 5 ? "vip" : NULL))
            return 0;
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        if (oq_contact_get(e, id, &ci) == OQ_OK && ci.state == OQ_CONTACT_OFFERED && k % 4 != 3)
            DO(oq_offer_accept(e, r->t, id, ci.agent), "accept");
    }
    r->t += 1000;
    /* State-dependent steps only where the state allows them. */
    int32_t st0 = contact_state(e, "c0");
    if (st0 >= OQ_CONTACT_QUEUED && st0 <= OQ_CONTACT_ACTIVE)
        DO(oq_contact_park(e, r->t, "c0", "waiting"), "park");
    if (contact_state(e, "c1") == OQ_CONTACT_ACTIVE)
        DO(oq_contact_complete(e, r->t, "c1"), "complete");
    int32_t st7 = contact_state(e, "c7");
    if (st7 == OQ_CONTACT_QUEUED || st7 == OQ_CONTACT_OFFERED) {
        DO(oq_contact_abandon(e, r->t, "c7"), "abandon");
        if (!arrive_tracked(r, "c7b", "voice", "sales", "cust", NULL))
            return 0;
    }
    int32_t st2 = contact_state(e, "c2");
    if (st2 >= OQ_CONTACT_QUEUED && st2 <= OQ_CONTACT_ACTIVE)
        DO(oq_contact_transfer(e, r->t, "c2", "spill"), "transfer");
    int32_t st4 = contact_state(e, "c4");
    if (st4 >= OQ_CONTACT_QUEUED && st4 <= OQ_CONTACT_ACTIVE)
        DO(oq_contact_escalate(e, r->t, "c4", "spill", "tier two"), "escalate");
    if (contact_state(e, "c6") > 0)
        DO(oq_contact_set_priority(e, r->t, "c6", 5), "priority");
    r->t += 30000;
    DO(oq_engine_advance(e, r->t), "advance");
    if (contact_state(e, "c0") == OQ_CONTACT_PARKED)
        DO(oq_contact_reopen(e, r->t, "c0", NULL, 10), "reopen");
    DO(oq_agent_logout(e, r->t, "a3"), "logout");
    r->t += 60000;
    DO(oq_engine_advance(e, r->t), "advance 2");
    return 1;
}

static void each_allocation_failure_is_clean(void **state)
{
    (void)state;
    int64_t runs = 0, total_failures = 0;
    for (int64_t n = 1;; n++) {
        test_alloc a = {0};
        a.fail_at = n;
        memset(&track, 0, sizeof track);
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &a;
        o.on_event = on_event;
        o.abandon_resume_s = 30;
        run_state r = {0};
        oq_status st = oq_engine_create(&o, &r.e);
        runs++;
        if (st == OQ_ENOMEM) {
            assert_int_equal(a.live_bytes, 0);
            continue;
        }
        assert_oq_ok(NULL, st);
        scenario(&r);
        assert_oq_ok(r.e, oq_engine_check(r.e));
        /* No contact lost: each one that arrived still exists or ended once. */
        for (int i = 0; i < track.n; i++) {
            oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
            int alive = oq_contact_get(r.e, track.ids[i], &ci) == OQ_OK;
            if (alive == (track.terminal[i] == 1) || track.terminal[i] > 1)
                fail_msg("N=%lld: contact %s: alive %d, terminal events %d", (long long)n,
                         track.ids[i], alive, track.terminal[i]);
        }
        oq_engine_destroy(r.e);
        assert_int_equal(a.live_bytes, 0);
        assert_int_equal(a.live_blocks, 0);
        total_failures += r.failures;
        if (a.n_failed == 0)
            break; /* the whole scenario ran without reaching allocation n */
        assert_true(n < 100000);
    }
    print_message("%lld runs, %lld calls failed with OQ_ENOMEM and were clean\n", (long long)runs,
                  (long long)total_failures);
    assert_true(total_failures > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_allocation_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
