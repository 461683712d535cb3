/* SPDX-License-Identifier: MIT */
/* Every journal action, one call each: the call emits exactly one record of
 * its action, whose name is the call's; the records' bytes are the ones this
 * format has always had (a golden of length and FNV-1a per record, taken
 * from the encoder before the action table replaced the hand-written
 * wrappers); and a fresh engine fed the records ends byte-identical
 * (snapshot) to the primary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "assert_oq.h"
#include "engine/journal_actions.h"

#define MAX_RECS 128

typedef struct rec {
    int32_t action;
    uint8_t *data;
    size_t len;
} rec;

typedef struct jlog {
    rec r[MAX_RECS];
    int n;
    int lost;
} jlog;

static void jlog_fn(const oq_journal_record *r, void *user)
{
    jlog *l = user;
    if (!r->data) {
        l->lost++;
        return;
    }
    assert_true(l->n < MAX_RECS);
    rec *x = &l->r[l->n++];
    x->action = r->action;
    x->len = r->len;
    x->data = malloc(r->len);
    assert_non_null(x->data);
    memcpy(x->data, r->data, r->len);
}

static void jlog_free(jlog *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->r[i].data);
    l->n = 0;
}

/* FNV-1a (64-bit): computed here, independently of the library's CRC. */
static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* What each call is expected to record, in call order: the action, the name
 * a host sees, and (golden) the record's length and FNV-1a. */
typedef struct expect {
    int32_t action;
    const char *name;
} expect;

static jlog jl;
static int n_calls;
static expect calls[MAX_RECS];

/* Make one journaled call: it succeeds and adds exactly one record of `action`. */
#define J(e, action_, name_, call)                                   \
    do {                                                             \
        int before_ = jl.n;                                          \
        assert_oq_ok((e), (call));                                   \
        assert_int_equal(jl.n, before_ + 1);                         \
        assert_int_equal(jl.r[jl.n - 1].action, (action_));          \
        calls[n_calls].action = (action_);                           \
        calls[n_calls].name = (name_);                               \
        n_calls++;                                                   \
    } while (0)

static void print_event(const oq_event *ev, void *user)
{
    (void)user;
    if (getenv("OQ_DEBUG_EVENTS"))
        fprintf(stderr, "%s c=%s a=%s d=%s\n", oq_event_type_name(ev->type), ev->contact ? ev->contact : "-",
                ev->agent ? ev->agent : "-", ev->detail ? ev->detail : "-");
}

static oq_engine *fresh_engine(void)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = print_event;
    o.seed = 7;
    o.start_ms = 1000;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

static oq_calendar *calendar(const char *id, int32_t close_h)
{
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_calendar_create(id, "UTC", NULL, &cal, &err));
    for (int32_t d = 0; d < 7; d++)
        assert_oq_ok_err(&err, oq_calendar_add_hours(cal, d, 8 * 3600000, close_h * 3600000, &err));
    return cal;
}

static void contact(oq_contact_spec *c, const char *id, const char *channel)
{
    oq_contact_spec_init(c);
    c->id = id;
    c->channel = channel;
    c->queue = "q1";
    c->customer = "cust";
}

/* Every action, each once, in code order where the engine allows it. */
static void call_every_action(oq_engine *e)
{
    int64_t t = 1000;
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    ch.synchronous = 1;
    ch.exclusive = 1;
    J(e, OQ_J_CHANNEL_ADD, "channel_add", oq_channel_add(e, &ch));
    ch.id = "chat";
    ch.synchronous = 0;
    ch.exclusive = 0;
    J(e, OQ_J_CHANNEL_ADD, "channel_add", oq_channel_add(e, &ch));
    ch.id = "cb";
    J(e, OQ_J_CHANNEL_ADD, "channel_add", oq_channel_add(e, &ch));
    ch.id = "chat";
    ch.max_per_agent = 3;
    J(e, OQ_J_CHANNEL_UPDATE, "channel_update", oq_channel_update(e, &ch));
    ch.id = "fax";
    J(e, OQ_J_CHANNEL_ADD, "channel_add", oq_channel_add(e, &ch));
    J(e, OQ_J_CHANNEL_REMOVE, "channel_remove", oq_channel_remove(e, "fax"));
    J(e, OQ_J_SKILL_ADD, "skill_add", oq_skill_add(e, "en", 9));
    J(e, OQ_J_SKILL_ADD, "skill_add", oq_skill_add(e, "fr", 9));
    J(e, OQ_J_SKILL_REMOVE, "skill_remove", oq_skill_remove(e, "fr"));
    J(e, OQ_J_GROUP_ADD, "group_add", oq_group_add(e, "g1"));
    J(e, OQ_J_GROUP_ADD, "group_add", oq_group_add(e, "g2"));
    J(e, OQ_J_GROUP_REMOVE, "group_remove", oq_group_remove(e, "g2"));
    J(e, OQ_J_AGENT_ADD, "agent_add", oq_agent_add(e, "a1", 100));
    J(e, OQ_J_AGENT_ADD, "agent_add", oq_agent_add(e, "a2", 100));
    J(e, OQ_J_AGENT_ADD, "agent_add", oq_agent_add(e, "a3", 100));
    J(e, OQ_J_AGENT_REMOVE, "agent_remove", oq_agent_remove(e, "a3"));
    J(e, OQ_J_AGENT_SET_CAPACITY, "agent_set_capacity", oq_agent_set_capacity(e, "a1", 200));
    J(e, OQ_J_AGENT_SET_SKILL, "agent_set_skill", oq_agent_set_skill(e, t, "a1", "en", 5));
    J(e, OQ_J_AGENT_SET_SKILL, "agent_set_skill", oq_agent_set_skill(e, t, "a2", "en", 2));
    J(e, OQ_J_AGENT_SET_CH_LIMIT, "agent_set_channel_limit", oq_agent_set_channel_limit(e, t, "a1", "chat", 2));
    J(e, OQ_J_AGENT_JOIN_GROUP, "agent_join_group", oq_agent_join_group(e, t, "a1", "g1"));
    J(e, OQ_J_AGENT_JOIN_GROUP, "agent_join_group", oq_agent_join_group(e, t, "a2", "g1"));
    J(e, OQ_J_AGENT_LEAVE_GROUP, "agent_leave_group", oq_agent_leave_group(e, t, "a2", "g1"));

    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q1";
    q.wrapup_s = 30;
    q.callback_channel = "cb";
    q.sla_threshold_s = 20.5;
    J(e, OQ_J_QUEUE_ADD, "queue_add", oq_queue_add(e, &q));
    q.id = "q2";
    q.callback_channel = NULL;
    J(e, OQ_J_QUEUE_ADD, "queue_add", oq_queue_add(e, &q));
    q.id = "q3";
    J(e, OQ_J_QUEUE_ADD, "queue_add", oq_queue_add(e, &q));
    q.id = "q2";
    q.priority = 2;
    q.strategy = OQ_STRATEGY_RANDOM;
    J(e, OQ_J_QUEUE_UPDATE, "queue_update", oq_queue_update(e, t, &q));
    J(e, OQ_J_QUEUE_REMOVE, "queue_remove", oq_queue_remove(e, "q3"));
    q.id = "out";
    q.outbound = 1;
    J(e, OQ_J_QUEUE_ADD, "queue_add", oq_queue_add(e, &q));
    J(e, OQ_J_QUEUE_ADD_CHANNEL, "queue_add_channel", oq_queue_add_channel(e, t, "q1", "voice"));
    J(e, OQ_J_QUEUE_ADD_CHANNEL, "queue_add_channel", oq_queue_add_channel(e, t, "q1", "chat"));
    J(e, OQ_J_QUEUE_ADD_CHANNEL, "queue_add_channel", oq_queue_add_channel(e, t, "q1", "cb"));
    J(e, OQ_J_QUEUE_ADD_CHANNEL, "queue_add_channel", oq_queue_add_channel(e, t, "q2", "voice"));
    J(e, OQ_J_QUEUE_REMOVE_CHANNEL, "queue_remove_channel", oq_queue_remove_channel(e, t, "q1", "chat"));
    J(e, OQ_J_QUEUE_REQUIRE_SKILL, "queue_require_skill", oq_queue_require_skill(e, t, "q1", "en", 1));
    J(e, OQ_J_QUEUE_PREFER_SKILL, "queue_prefer_skill", oq_queue_prefer_skill(e, t, "q1", "en", 4));
    J(e, OQ_J_QUEUE_ADD_GROUP, "queue_add_group", oq_queue_add_group(e, t, "q2", "g1"));
    J(e, OQ_J_QUEUE_REMOVE_GROUP, "queue_remove_group", oq_queue_remove_group(e, t, "q2", "g1"));
    oq_escalation_step step;
    oq_escalation_step_init(&step);
    step.action = OQ_STEP_ALERT;
    step.after_s = 600;
    step.message = "long wait";
    J(e, OQ_J_QUEUE_ADD_STEP, "queue_add_step", oq_queue_add_step(e, t, "q2", &step));
    J(e, OQ_J_QUEUE_CLEAR_STEPS, "queue_clear_steps", oq_queue_clear_steps(e, t, "q2"));
    J(e, OQ_J_QUEUE_ADD_STEP, "queue_add_step", oq_queue_add_step(e, t, "q2", &step));
    J(e, OQ_J_QUEUE_SET_BLEND, "queue_set_blend", oq_queue_set_blend(e, t, "out", OQ_BLEND_SL_ABOVE_TARGET));

    J(e, OQ_J_PROFILE_ADD, "profile_add", oq_profile_add(e, "p1"));
    J(e, OQ_J_PROFILE_ADD, "profile_add", oq_profile_add(e, "p2"));
    J(e, OQ_J_PROFILE_REMOVE, "profile_remove", oq_profile_remove(e, "p2"));
    J(e, OQ_J_PROFILE_SET_QUEUE, "profile_set_queue", oq_profile_set_queue(e, t, "p1", "q1", 1, 0.0));
    J(e, OQ_J_PROFILE_SET_QUEUE, "profile_set_queue", oq_profile_set_queue(e, t, "p1", "q2", 2, 2.5));
    J(e, OQ_J_PROFILE_SET_CHANNEL, "profile_set_channel", oq_profile_set_channel(e, t, "p1", "voice", 1, 1));
    J(e, OQ_J_PROFILE_SET_OPTIONS, "profile_set_options", oq_profile_set_options(e, t, "p1", 1, OQ_IDLE_LAST_INBOUND));
    J(e, OQ_J_AGENT_SET_PROFILE, "agent_set_profile", oq_agent_set_profile(e, t, "a2", "p1"));
    J(e, OQ_J_GROUP_SET_PROFILE, "group_set_profile", oq_group_set_profile(e, t, "g1", "p1"));
    J(e, OQ_J_GROUP_SET_PROFILE, "group_set_profile", oq_group_set_profile(e, t, "g1", NULL));
    oq_agent_policy pol;
    oq_agent_policy_init(&pol);
    pol.max_no_answer = 3;
    pol.window_s = 60;
    J(e, OQ_J_AGENT_SET_POLICY, "agent_set_policy", oq_agent_set_policy(e, t, "a1", &pol));
    oq_stats_options so;
    oq_stats_options_init(&so);
    so.interval_s = 900;
    J(e, OQ_J_STATS_CONFIGURE, "stats_configure", oq_stats_configure(e, &so));

    oq_calendar *c1 = calendar("hours", 18), *c2 = calendar("hours", 20), *c3 = calendar("spare", 17);
    J(e, OQ_J_CALENDAR_ADD, "calendar_add", oq_engine_add_calendar(e, t, c1));
    J(e, OQ_J_CALENDAR_REPLACE, "calendar_replace", oq_engine_replace_calendar(e, t, c2));
    J(e, OQ_J_CALENDAR_ADD, "calendar_add", oq_engine_add_calendar(e, t, c3));
    J(e, OQ_J_CALENDAR_REMOVE, "calendar_remove", oq_engine_remove_calendar(e, "spare"));
    oq_calendar_destroy(c1);
    oq_calendar_destroy(c2);
    oq_calendar_destroy(c3);

    /* Contacts: a1 serves c1 through to wrap-up. */
    t = 2000;
    J(e, OQ_J_AGENT_LOGIN, "agent_login", oq_agent_login(e, t, "a1", 1));
    oq_contact_spec cs;
    contact(&cs, "c1", "voice");
    const char *req[] = {"en"};
    int32_t lvl[] = {2};
    cs.required_skills = req;
    cs.required_levels = lvl;
    cs.n_required = 1;
    cs.priority = 3;
    J(e, OQ_J_CONTACT_ARRIVE, "contact_arrive", oq_contact_arrive(e, t, &cs));
    t += 1000;
    J(e, OQ_J_OFFER_ACCEPT, "offer_accept", oq_offer_accept(e, t, "c1", "a1"));
    t += 60000;
    J(e, OQ_J_CONTACT_COMPLETE, "contact_complete", oq_contact_complete(e, t, "c1"));
    t += 1000;
    J(e, OQ_J_AGENT_END_WRAPUP, "agent_end_wrapup", oq_agent_end_wrapup(e, t, "a1"));
    /* c2 is offered to a1, rejected, then moved about until it abandons. */
    contact(&cs, "c2", "voice");
    J(e, OQ_J_CONTACT_ARRIVE, "contact_arrive", oq_contact_arrive(e, t, &cs));
    t += 1000;
    J(e, OQ_J_OFFER_REJECT, "offer_reject", oq_offer_reject(e, t, "c2", "a1"));
    J(e, OQ_J_AGENT_NOT_READY, "agent_not_ready", oq_agent_not_ready(e, t, "a1", "lunch"));
    J(e, OQ_J_CONTACT_SET_PRIORITY, "contact_set_priority", oq_contact_set_priority(e, t, "c2", 9));
    J(e, OQ_J_CONTACT_ESCALATE, "contact_escalate", oq_contact_escalate(e, t, "c2", "q2", "vip"));
    J(e, OQ_J_CONTACT_TRANSFER, "contact_transfer", oq_contact_transfer(e, t, "c2", "q1"));
    J(e, OQ_J_CONTACT_TO_AGENT, "contact_transfer_to_agent", oq_contact_transfer_to_agent(e, t, "c2", "a1", 12.5));
    J(e, OQ_J_CONTACT_PARK, "contact_park", oq_contact_park(e, t, "c2", "waiting for the customer"));
    t += 5000;
    J(e, OQ_J_CONTACT_REOPEN, "contact_reopen", oq_contact_reopen(e, t, "c2", NULL, 0.0));
    J(e, OQ_J_CONTACT_ABANDON, "contact_abandon", oq_contact_abandon(e, t, "c2"));
    /* c3 asks for a callback and is then removed. */
    contact(&cs, "c3", "voice");
    J(e, OQ_J_CONTACT_ARRIVE, "contact_arrive", oq_contact_arrive(e, t, &cs));
    J(e, OQ_J_CONTACT_CALLBACK, "contact_request_callback", oq_contact_request_callback(e, t, "c3"));
    J(e, OQ_J_CONTACT_REMOVE, "contact_remove", oq_contact_remove(e, t, "c3"));
    J(e, OQ_J_AGENT_READY, "agent_ready", oq_agent_ready(e, t, "a1"));
    J(e, OQ_J_AGENT_LOGOUT, "agent_logout", oq_agent_logout(e, t, "a1"));
    t += 3600000;
    J(e, OQ_J_ADVANCE, "engine_advance", oq_engine_advance(e, t));
    J(e, OQ_J_STATS_RESET_DAY, "stats_reset_day", oq_stats_reset_day(e, t));
    J(e, OQ_J_SET_SEED, "engine_set_seed", oq_engine_set_seed(e, 0x0123456789abcdefull));
}

/* The format's golden: length and FNV-1a of each record above, as the
 * encoder wrote them before the action table (docs/snapshot.md: the format
 * does not change). Regenerate only with a version bump. */
static const struct {
    size_t len;
    uint64_t fnv;
} golden[] = {
#include "journal_actions.golden"
};

static void every_action_once(void **state)
{
    (void)state;
    memset(&jl, 0, sizeof jl);
    n_calls = 0;
    oq_engine *e = fresh_engine();
    assert_oq_ok(e, oq_engine_set_journal(e, jlog_fn, &jl));
    call_every_action(e);
    assert_int_equal(jl.lost, 0);
    assert_int_equal(jl.n, n_calls);

    /* Every action code 1..OQ_J_MAX was made, and its name is the call's. */
    int seen[OQ_J_MAX + 1] = {0};
    for (int i = 0; i < n_calls; i++) {
        int32_t a = calls[i].action;
        assert_true(a >= 1 && a <= OQ_J_MAX);
        seen[a] = 1;
        assert_string_equal(oq_journal_action_name(a), calls[i].name);
    }
    for (int32_t a = 1; a <= OQ_J_MAX; a++) {
        if (!seen[a])
            fprintf(stderr, "action %d (%s) was not exercised\n", a, oq_journal_action_name(a));
        assert_true(seen[a]);
    }
    assert_string_equal(oq_journal_action_name(0), "unknown");
    assert_string_equal(oq_journal_action_name(OQ_J_MAX + 1), "unknown");
    assert_string_equal(oq_journal_action_name(-1), "unknown");
    /* Names are distinct. */
    for (int32_t a = 1; a <= OQ_J_MAX; a++)
        for (int32_t b = a + 1; b <= OQ_J_MAX; b++)
            assert_true(strcmp(oq_journal_action_name(a), oq_journal_action_name(b)) != 0);

    /* The bytes are the format's. */
    if (getenv("OQ_PRINT_JOURNAL_GOLDEN"))
        for (int i = 0; i < jl.n; i++)
            printf("    {%zu, 0x%016llxull}, /* %s */\n", jl.r[i].len,
                   (unsigned long long)fnv1a(jl.r[i].data, jl.r[i].len), calls[i].name);
    assert_int_equal(jl.n, (int)(sizeof golden / sizeof golden[0]));
    for (int i = 0; i < jl.n; i++) {
        if (jl.r[i].len != golden[i].len || fnv1a(jl.r[i].data, jl.r[i].len) != golden[i].fnv)
            fprintf(stderr, "record %d (%s): %zu bytes, not the format's %zu (or other bytes)\n", i, calls[i].name,
                    jl.r[i].len, golden[i].len);
        assert_int_equal(jl.r[i].len, golden[i].len);
        assert_true(fnv1a(jl.r[i].data, jl.r[i].len) == golden[i].fnv);
    }

    /* A fresh engine fed the records is the primary, byte for byte. */
    oq_engine *r = fresh_engine();
    for (int i = 0; i < jl.n; i++) {
        oq_status st = oq_journal_apply(r, jl.r[i].data, jl.r[i].len, NULL);
        if (st != OQ_OK)
            fprintf(stderr, "record %d (%s): %s: %s\n", i, calls[i].name, oq_status_name(st), oq_engine_last_error(r));
        assert_oq_ok(r, st);
    }
    void *sa = NULL, *sb = NULL;
    size_t na = 0, nb = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &sa, &na));
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &sb, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(sa, sb, na);
    oq_free(sa);
    oq_free(sb);
    assert_oq_ok(r, oq_engine_check(r));
    oq_engine_destroy(r);
    oq_engine_destroy(e);
    jlog_free(&jl);
}

/* ---- oq_engine_set_seed ------------------------------------------------ */

typedef struct offers {
    char who[64][8]; /* the agent offered each contact, in order */
    int n;
    oq_engine *busy_probe; /* set: try oq_engine_set_seed from the callback */
    oq_status busy_status;
} offers;

static void offer_fn(const oq_event *ev, void *user)
{
    offers *o = user;
    if (o->busy_probe)
        o->busy_status = oq_engine_set_seed(o->busy_probe, 1);
    if (ev->type == OQ_EV_OFFERED && o->n < 64)
        snprintf(o->who[o->n++], sizeof o->who[0], "%s", ev->agent);
}

/* Eight ready agents on a random-strategy chat queue (each may hold many
 * chats, so every arrival is a fresh random choice among all eight). */
static oq_engine *random_floor(offers *o, uint64_t create_seed)
{
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.seed = create_seed;
    opts.on_event = offer_fn;
    opts.event_user = o;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&opts, &e));
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "chat";
    ch.capacity_cost = 1;
    ch.max_per_agent = 100;
    assert_oq_ok(e, oq_channel_add(e, &ch));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q1";
    q.strategy = OQ_STRATEGY_RANDOM;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q1", "chat"));
    for (int i = 0; i < 8; i++) {
        char id[8];
        snprintf(id, sizeof id, "a%d", i);
        assert_oq_ok(e, oq_agent_add(e, id, 100));
        assert_oq_ok(e, oq_agent_login(e, 0, id, 1));
    }
    return e;
}

static void arrivals(oq_engine *e, int from, int n)
{
    for (int i = from; i < from + n; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = id;
        cs.channel = "chat";
        cs.queue = "q1";
        assert_oq_ok(e, oq_contact_arrive(e, 1000 + i, &cs));
    }
}

static int same_offers(const offers *a, const offers *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->who[i], b->who[i]) != 0)
            return 0;
    return 1;
}

/* Engines in the same state given the same seed make the same random
 * choices; another seed, other choices; a journal-fed standby the same. */
static void set_seed_decides_random_routing(void **state)
{
    (void)state;
    offers oa = {0}, ob = {0}, oc = {0}, od = {0};
    oq_engine *a = random_floor(&oa, 1), *b = random_floor(&ob, 1), *c = random_floor(&oc, 1);
    memset(&jl, 0, sizeof jl);
    assert_oq_ok(a, oq_engine_set_journal(a, jlog_fn, &jl));
    assert_oq_ok(a, oq_engine_set_seed(a, 424242));
    assert_int_equal(jl.n, 1);
    assert_int_equal(jl.r[0].action, OQ_J_SET_SEED);
    assert_oq_ok(b, oq_engine_set_seed(b, 424242));
    assert_oq_ok(c, oq_engine_set_seed(c, 424243));
    arrivals(a, 0, 40);
    arrivals(b, 0, 40);
    arrivals(c, 0, 40);
    assert_int_equal(oa.n, 40);
    assert_true(same_offers(&oa, &ob));
    assert_false(same_offers(&oa, &oc));
    /* The choices are spread (a seeded generator, not a fixed agent). */
    int distinct = 0;
    for (int i = 0; i < 8; i++) {
        char id[8];
        snprintf(id, sizeof id, "a%d", i);
        for (int k = 0; k < oa.n; k++)
            if (strcmp(oa.who[k], id) == 0) {
                distinct++;
                break;
            }
    }
    assert_true(distinct >= 4);

    /* A standby fed a's records from the seed on (set up alike, without a
     * journal) is a, byte for byte, and decides alike: without the seed's
     * record it would draw from the creation seed's stream. */
    oq_engine *d = random_floor(&od, 1);
    assert_oq_ok(d, oq_engine_set_journal_seq(d, 1));
    for (int i = 0; i < jl.n; i++)
        assert_oq_ok_e(oq_journal_apply, d, jl.r[i].data, jl.r[i].len);
    assert_true(same_offers(&oa, &od));
    void *sa = NULL, *sd = NULL;
    size_t na = 0, nd = 0;
    assert_oq_ok(a, oq_engine_snapshot_buffer(a, &sa, &na));
    assert_oq_ok(d, oq_engine_snapshot_buffer(d, &sd, &nd));
    assert_int_equal(na, nd);
    assert_memory_equal(sa, sd, na);
    oq_free(sa);
    oq_free(sd);
    oa.n = od.n = 0;
    assert_oq_ok(a, oq_engine_set_journal(a, NULL, NULL));
    arrivals(a, 100, 20);
    arrivals(d, 100, 20);
    assert_true(same_offers(&oa, &od));

    /* Errors: NULL engine; from a callback (and nothing changes then). */
    assert_int_equal(oq_engine_set_seed(NULL, 1), OQ_EINVAL);
    ob.busy_probe = b;
    arrivals(b, 200, 1);
    assert_int_equal(ob.busy_status, OQ_EBUSY);
    ob.busy_probe = NULL;

    oq_engine_destroy(a);
    oq_engine_destroy(b);
    oq_engine_destroy(c);
    oq_engine_destroy(d);
    jlog_free(&jl);
}

/* The public OQ_J_* of include/omniq/journal.h are written by hand (a header
 * a host reads, installs and feeds to tools/gen_constants.py); the library's
 * table is lib/engine/journal_actions.h. journal.c's static asserts check
 * every row has its constant; this checks the other way: every OQ_J_ the
 * header defines (OQ_J_MAX aside) is a row of the table with the same code,
 * so a constant without a row, or two with one code, fails here. */
typedef struct jrow {
    const char *name;
    int code;
} jrow;

#define JROW(ACTION, code, ...) {#ACTION, code},
static const jrow JROWS[] = {OQ__JOURNAL_ACTIONS(JROW)};
#undef JROW

static void public_constants_are_the_table(void **state)
{
    (void)state;
    char path[1024];
    const char *me = __FILE__, *cut = strstr(me, "tests/unit/test_journal_actions.c");
    snprintf(path, sizeof path, "%.*sinclude/omniq/journal.h", cut ? (int)(cut - me) : 0, me);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    enum { NROWS = sizeof JROWS / sizeof JROWS[0] };
    int seen[NROWS] = {0};
    int n_defines = 0, max = -1;
    char line[512], name[128];
    int code;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "#define OQ_J_%127s %d", name, &code) != 2)
            continue;
        if (strcmp(name, "MAX") == 0) {
            max = code;
            continue;
        }
        n_defines++;
        int row = -1;
        for (int i = 0; i < NROWS; i++)
            if (strcmp(JROWS[i].name, name) == 0)
                row = i;
        if (row < 0)
            fail_msg("OQ_J_%s (%d) in journal.h has no row in journal_actions.h", name, code);
        if (JROWS[row].code != code)
            fail_msg("OQ_J_%s is %d in journal.h, %d in the table", name, code, JROWS[row].code);
        if (seen[row]++)
            fail_msg("OQ_J_%s is defined twice in journal.h", name);
    }
    fclose(f);
    assert_int_equal(n_defines, NROWS);
    assert_int_equal(max, JROWS[NROWS - 1].code);
    assert_int_equal(max, OQ_J_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_action_once),
        cmocka_unit_test(public_constants_are_the_table),
        cmocka_unit_test(set_seed_decides_random_routing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
