/* SPDX-License-Identifier: MIT */
/* Every public function of engine.h, model.h and contact.h given NULL,
 * malformed ids, unknown ids, out-of-range values, illegal states and time
 * going backwards: the exact documented status, a message naming the id or
 * field, and no change at all (counts, every object's info, no event). */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1000

/* ---- fixture -------------------------------------------------------------
 * channels voice (exclusive), chat (30, max 3); skills sales (5), lang (3);
 * groups g1, g2; queues qa (voice+chat, requires sales 1, time-out 10 s,
 * wrap-up 5 s), qb (chat, group g1), qe (no channel);
 * agents a1 BUSY (k1 active), a2 OFFLINE, a3 NOT_READY (g1), a4 BUSY
 * (ko offered), a5 WRAPUP (kw); contacts k1 ACTIVE, ko OFFERED, kq QUEUED
 * (qb), kw WRAPUP. Everything happens at T0, so no timer is due. */

static const char *const AGENTS[] = {"a1", "a2", "a3", "a4", "a5"};
static const char *const CONTACTS[] = {"k1", "ko", "kq", "kw"};
static const char *const QUEUES[] = {"qa", "qb", "qe"};
static const char *const CHANNELS[] = {"voice", "chat"};
static const char *const SKILLS[] = {"sales", "lang"};
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct fixture {
    oq_engine *e;
    recorder rec;
} fixture;

static void login_with_skill(oq_engine *e, const char *id, int sales, int ready)
{
    add_agent(e, id, 100);
    if (sales)
        assert_oq_ok(e, oq_agent_set_skill(e, T0, id, "sales", sales));
    assert_oq_ok(e, oq_agent_login(e, T0, id, ready));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = recorder_fn;
    o.event_user = &f->rec;
    o.start_ms = T0;
    assert_oq_ok(NULL, oq_engine_create(&o, &f->e));
    oq_engine *e = f->e;
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    assert_oq_ok(e, oq_skill_add(e, "sales", 5));
    assert_oq_ok(e, oq_skill_add(e, "lang", 3));
    assert_oq_ok(e, oq_group_add(e, "g1"));
    assert_oq_ok(e, oq_group_add(e, "g2"));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "qa";
    q.offer_timeout_s = 10;
    q.wrapup_s = 5;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, T0, "qa", "voice"));
    assert_oq_ok(e, oq_queue_add_channel(e, T0, "qa", "chat"));
    assert_oq_ok(e, oq_queue_require_skill(e, T0, "qa", "sales", 1));
    add_queue(e, "qb", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    assert_oq_ok(e, oq_queue_add_group(e, T0, "qb", "g1"));
    add_queue(e, "qe", OQ_ORDER_PRIORITY, OQ_STRATEGY_BEST_SKILL, NULL);

    login_with_skill(e, "a1", 3, 1);
    assert_oq_ok(e, arrive(e, T0, "k1", "voice", "qa", 0));
    assert_oq_ok(e, oq_offer_accept(e, T0, "k1", "a1"));
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_set_skill(e, T0, "a2", "sales", 1));
    add_agent(e, "a3", 100);
    assert_oq_ok(e, oq_agent_join_group(e, T0, "a3", "g1"));
    assert_oq_ok(e, oq_agent_login(e, T0, "a3", 0));
    assert_oq_ok(e, arrive(e, T0, "kq", "chat", "qb", 0));
    assert_oq_ok(e, arrive(e, T0, "ko", "voice", "qa", 0));
    login_with_skill(e, "a4", 2, 1); /* takes ko */
    login_with_skill(e, "a5", 1, 1);
    assert_oq_ok(e, arrive(e, T0, "kw", "chat", "qa", 0));
    assert_oq_ok(e, oq_offer_accept(e, T0, "kw", "a5"));
    assert_oq_ok(e, oq_contact_complete(e, T0, "kw"));

    assert_int_equal(contact_state(e, "k1"), OQ_CONTACT_ACTIVE);
    assert_int_equal(contact_state(e, "ko"), OQ_CONTACT_OFFERED);
    assert_int_equal(contact_state(e, "kq"), OQ_CONTACT_QUEUED);
    assert_int_equal(contact_state(e, "kw"), OQ_CONTACT_WRAPUP);
    char buf[32];
    assert_string_equal(contact_agent(e, "ko", buf, sizeof buf), "a4");
    assert_int_equal(agent_state(e, "a1"), OQ_AGENT_BUSY);
    assert_int_equal(agent_state(e, "a2"), OQ_AGENT_OFFLINE);
    assert_int_equal(agent_state(e, "a3"), OQ_AGENT_NOT_READY);
    assert_int_equal(agent_state(e, "a4"), OQ_AGENT_BUSY);
    assert_int_equal(agent_state(e, "a5"), OQ_AGENT_WRAPUP);
    assert_oq_ok(e, oq_engine_check(e));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    oq_engine_destroy(f->e);
    free(f);
    return 0;
}

/* ---- whole-engine snapshot ----------------------------------------------- */

typedef struct world_snap {
    oq_engine_counts counts;
    int64_t now, deadline;
    int32_t n_events;
    oq_agent_info agents[5];
    char reasons[5][64];
    int32_t levels[5][2];
    oq_contact_info contacts[4];
    char c_agent[4][16], c_queue[4][16];
    oq_queue_info queues[3];
    oq_queue_spec queue_specs[3];
    oq_channel_spec channels[2];
    int32_t skill_max[2];
} world_snap;

static void take(fixture *f, world_snap *s)
{
    oq_engine *e = f->e;
    memset(s, 0, sizeof *s);
    s->counts.struct_size = sizeof s->counts;
    assert_oq_ok(e, oq_engine_get_counts(e, &s->counts));
    assert_oq_ok(e, oq_engine_now(e, &s->now));
    assert_oq_ok(e, oq_engine_next_deadline(e, &s->deadline));
    s->n_events = f->rec.n;
    for (int i = 0; i < N_OF(AGENTS); i++) {
        s->agents[i].struct_size = sizeof s->agents[i];
        if (oq_agent_get(e, AGENTS[i], &s->agents[i]) != OQ_OK) {
            s->agents[i].state = -1;
            continue;
        }
        snprintf(s->reasons[i], sizeof s->reasons[i], "%s", s->agents[i].not_ready_reason);
        s->agents[i].not_ready_reason = NULL;
        for (int k = 0; k < N_OF(SKILLS); k++)
            assert_oq_ok(e, oq_agent_get_skill(e, AGENTS[i], SKILLS[k], &s->levels[i][k]));
    }
    for (int i = 0; i < N_OF(CONTACTS); i++) {
        oq_contact_info *c = &s->contacts[i];
        c->struct_size = sizeof *c;
        if (oq_contact_get(e, CONTACTS[i], c) != OQ_OK) {
            c->state = -1;
            continue;
        }
        snprintf(s->c_agent[i], sizeof s->c_agent[i], "%s", c->agent ? c->agent : "");
        snprintf(s->c_queue[i], sizeof s->c_queue[i], "%s", c->queue);
        c->agent = c->queue = c->channel = c->customer = NULL;
    }
    for (int i = 0; i < N_OF(QUEUES); i++) {
        s->queues[i].struct_size = sizeof s->queues[i];
        if (oq_queue_get(e, QUEUES[i], &s->queues[i]) != OQ_OK)
            s->queues[i].waiting = -1;
        oq_queue_spec_init(&s->queue_specs[i]);
        if (oq_queue_get_spec(e, QUEUES[i], &s->queue_specs[i]) != OQ_OK)
            s->queue_specs[i].priority = -1;
        s->queue_specs[i].id = NULL;
    }
    for (int i = 0; i < N_OF(CHANNELS); i++) {
        oq_channel_spec_init(&s->channels[i]);
        if (oq_channel_get(e, CHANNELS[i], &s->channels[i]) != OQ_OK)
            s->channels[i].capacity_cost = -1;
        s->channels[i].id = NULL;
    }
    for (int i = 0; i < N_OF(SKILLS); i++)
        if (oq_skill_get(e, SKILLS[i], &s->skill_max[i]) != OQ_OK)
            s->skill_max[i] = -1;
}

static void assert_same(const world_snap *a, const world_snap *b, const char *expr)
{
    if (memcmp(&a->counts, &b->counts, sizeof a->counts) != 0)
        fail_msg("%s: engine counts changed", expr);
    if (a->now != b->now || a->deadline != b->deadline)
        fail_msg("%s: clock or timers changed", expr);
    if (a->n_events != b->n_events)
        fail_msg("%s: emitted %d event(s)", expr, b->n_events - a->n_events);
    for (int i = 0; i < N_OF(AGENTS); i++)
        if (memcmp(&a->agents[i], &b->agents[i], sizeof a->agents[i]) != 0 ||
            strcmp(a->reasons[i], b->reasons[i]) != 0 ||
            memcmp(a->levels[i], b->levels[i], sizeof a->levels[i]) != 0)
            fail_msg("%s: agent %s changed", expr, AGENTS[i]);
    for (int i = 0; i < N_OF(CONTACTS); i++)
        if (memcmp(&a->contacts[i], &b->contacts[i], sizeof a->contacts[i]) != 0 ||
            strcmp(a->c_agent[i], b->c_agent[i]) != 0 || strcmp(a->c_queue[i], b->c_queue[i]) != 0)
            fail_msg("%s: contact %s changed", expr, CONTACTS[i]);
    for (int i = 0; i < N_OF(QUEUES); i++)
        if (memcmp(&a->queues[i], &b->queues[i], sizeof a->queues[i]) != 0 ||
            memcmp(&a->queue_specs[i], &b->queue_specs[i], sizeof a->queue_specs[i]) != 0)
            fail_msg("%s: queue %s changed", expr, QUEUES[i]);
    for (int i = 0; i < N_OF(CHANNELS); i++)
        if (memcmp(&a->channels[i], &b->channels[i], sizeof a->channels[i]) != 0)
            fail_msg("%s: channel %s changed", expr, CHANNELS[i]);
    if (memcmp(a->skill_max, b->skill_max, sizeof a->skill_max) != 0)
        fail_msg("%s: a skill changed", expr);
}

/* A read-only lookup that fails, so that we know the next message is new. */
static void plant_marker(oq_engine *e)
{
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    assert_int_equal(oq_agent_get(e, "zz-marker", &ai), OQ_ENOTFOUND);
}

static void expect_err(fixture *f, oq_status got, oq_status want, const char *needle,
                       const world_snap *before, const char *expr, int line)
{
    if (got != want)
        fail_msg("line %d: %s returned %s, expected %s (%s)", line, expr, oq_status_name(got),
                 oq_status_name(want), oq_engine_last_error(f->e));
    const char *msg = oq_engine_last_error(f->e);
    if (!msg || !msg[0])
        fail_msg("line %d: %s: no error message", line, expr);
    if (strstr(msg, "zz-marker"))
        fail_msg("line %d: %s: error message not set (still '%s')", line, expr, msg);
    if (needle && !strstr(msg, needle))
        fail_msg("line %d: %s: message '%s' does not mention '%s'", line, expr, msg, needle);
    world_snap after;
    take(f, &after);
    assert_same(before, &after, expr);
    if (oq_engine_check(f->e) != OQ_OK)
        fail_msg("line %d: %s: oq_engine_check: %s", line, expr, oq_engine_last_error(f->e));
}

/* ERR(call, status, needle): exact status, fresh message mentioning needle
 * (NULL: any), and nothing changed. */
#define ERR(call, status, needle)                                              \
    do {                                                                       \
        world_snap before_;                                                    \
        take(f, &before_);                                                     \
        plant_marker(f->e);                                                    \
        oq_status st_ = (call);                                                \
        expect_err(f, st_, (status), (needle), &before_, #call, __LINE__);     \
    } while (0)

/* The malformed ids every id argument is tried with. */
static char LONG_ID[OQ_ID_MAX + 2];
static char MAX_ID[OQ_ID_MAX + 1];
static const char *const BAD_IDS[] = {NULL, "", LONG_ID, "\xff\xfe", "ab\xc3", "\xc0\x80",
                                      "\xed\xa0\x80", "\xf4\x90\x80\x80"};
#define N_BAD N_OF(BAD_IDS)

static void init_ids(void)
{
    memset(LONG_ID, 'x', OQ_ID_MAX + 1);
    LONG_ID[OQ_ID_MAX + 1] = '\0';
    memset(MAX_ID, 'y', OQ_ID_MAX);
    MAX_ID[OQ_ID_MAX] = '\0';
}

/* ---- NULL engine ----------------------------------------------------------- */

static void null_engine_everywhere(void **state)
{
    (void)state;
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    cs.id = "c";
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "q";
    oq_contact_spec ks;
    oq_contact_spec_init(&ks);
    ks.id = "k";
    ks.channel = "c";
    ks.queue = "q";
    int64_t t = 0;
    int32_t lv = 0;
    oq_engine_counts counts = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);

    oq_engine_destroy(NULL);
    assert_string_equal(oq_engine_last_error(NULL), "");
    assert_int_equal(oq_engine_now(NULL, &t), OQ_EINVAL);
    assert_int_equal(oq_engine_next_deadline(NULL, &t), OQ_EINVAL);
    assert_int_equal(oq_engine_advance(NULL, 0), OQ_EINVAL);
    assert_int_equal(oq_engine_check(NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_get_counts(NULL, &counts), OQ_EINVAL);

    assert_int_equal(oq_channel_add(NULL, &cs), OQ_EINVAL);
    assert_int_equal(oq_channel_update(NULL, &cs), OQ_EINVAL);
    assert_int_equal(oq_channel_remove(NULL, "c"), OQ_EINVAL);
    assert_int_equal(oq_channel_get(NULL, "c", &cs), OQ_EINVAL);
    assert_int_equal(oq_skill_add(NULL, "s", 3), OQ_EINVAL);
    assert_int_equal(oq_skill_remove(NULL, "s"), OQ_EINVAL);
    assert_int_equal(oq_skill_get(NULL, "s", &lv), OQ_EINVAL);
    assert_int_equal(oq_group_add(NULL, "g"), OQ_EINVAL);
    assert_int_equal(oq_group_remove(NULL, "g"), OQ_EINVAL);
    assert_int_equal(oq_agent_add(NULL, "a", 100), OQ_EINVAL);
    assert_int_equal(oq_agent_remove(NULL, "a"), OQ_EINVAL);
    assert_int_equal(oq_agent_set_capacity(NULL, "a", 100), OQ_EINVAL);
    assert_int_equal(oq_agent_set_skill(NULL, 0, "a", "s", 1), OQ_EINVAL);
    assert_int_equal(oq_agent_set_channel_limit(NULL, 0, "a", "c", 1), OQ_EINVAL);
    assert_int_equal(oq_agent_join_group(NULL, 0, "a", "g"), OQ_EINVAL);
    assert_int_equal(oq_agent_leave_group(NULL, 0, "a", "g"), OQ_EINVAL);
    assert_int_equal(oq_agent_login(NULL, 0, "a", 1), OQ_EINVAL);
    assert_int_equal(oq_agent_ready(NULL, 0, "a"), OQ_EINVAL);
    assert_int_equal(oq_agent_not_ready(NULL, 0, "a", "x"), OQ_EINVAL);
    assert_int_equal(oq_agent_logout(NULL, 0, "a"), OQ_EINVAL);
    assert_int_equal(oq_agent_end_wrapup(NULL, 0, "a"), OQ_EINVAL);
    assert_int_equal(oq_agent_get(NULL, "a", &ai), OQ_EINVAL);
    assert_int_equal(oq_agent_get_skill(NULL, "a", "s", &lv), OQ_EINVAL);
    assert_int_equal(oq_queue_add(NULL, &qs), OQ_EINVAL);
    assert_int_equal(oq_queue_update(NULL, 0, &qs), OQ_EINVAL);
    assert_int_equal(oq_queue_remove(NULL, "q"), OQ_EINVAL);
    assert_int_equal(oq_queue_add_channel(NULL, 0, "q", "c"), OQ_EINVAL);
    assert_int_equal(oq_queue_remove_channel(NULL, 0, "q", "c"), OQ_EINVAL);
    assert_int_equal(oq_queue_require_skill(NULL, 0, "q", "s", 1), OQ_EINVAL);
    assert_int_equal(oq_queue_prefer_skill(NULL, 0, "q", "s", 1), OQ_EINVAL);
    assert_int_equal(oq_queue_add_group(NULL, 0, "q", "g"), OQ_EINVAL);
    assert_int_equal(oq_queue_remove_group(NULL, 0, "q", "g"), OQ_EINVAL);
    assert_int_equal(oq_queue_get(NULL, "q", &qi), OQ_EINVAL);
    assert_int_equal(oq_contact_arrive(NULL, 0, &ks), OQ_EINVAL);
    assert_int_equal(oq_offer_accept(NULL, 0, "k", "a"), OQ_EINVAL);
    assert_int_equal(oq_offer_reject(NULL, 0, "k", "a"), OQ_EINVAL);
    assert_int_equal(oq_contact_abandon(NULL, 0, "k"), OQ_EINVAL);
    assert_int_equal(oq_contact_complete(NULL, 0, "k"), OQ_EINVAL);
    assert_int_equal(oq_contact_transfer(NULL, 0, "k", "q"), OQ_EINVAL);
    assert_int_equal(oq_contact_set_priority(NULL, 0, "k", 1), OQ_EINVAL);
    assert_int_equal(oq_contact_remove(NULL, 0, "k"), OQ_EINVAL);
    assert_int_equal(oq_contact_get(NULL, "k", &ci), OQ_EINVAL);
    assert_int_equal(oq_contact_request_callback(NULL, 0, "k"), OQ_EINVAL);
    const char *who = NULL;
    assert_int_equal(oq_customer_last_agent(NULL, "cu", &who, &t), OQ_EINVAL);
}

static void spec_inits_and_names(void **state)
{
    (void)state;
    oq_engine_options_init(NULL);
    oq_channel_spec_init(NULL);
    oq_queue_spec_init(NULL);
    oq_contact_spec_init(NULL);

    oq_engine_options o;
    memset(&o, 0xAB, sizeof o);
    oq_engine_options_init(&o);
    assert_int_equal(o.struct_size, sizeof o);
    assert_null(o.alloc);
    assert_null(o.on_event);
    assert_int_equal(o.seed, 1);
    assert_int_equal(o.start_ms, 0);
    oq_channel_spec c;
    memset(&c, 0xAB, sizeof c);
    oq_channel_spec_init(&c);
    assert_int_equal(c.struct_size, sizeof c);
    assert_null(c.id);
    assert_int_equal(c.synchronous, 1);
    assert_int_equal(c.exclusive, 0);
    assert_int_equal(c.capacity_cost, 100);
    assert_int_equal(c.max_per_agent, 1);
    oq_queue_spec q;
    memset(&q, 0xAB, sizeof q);
    oq_queue_spec_init(&q);
    assert_int_equal(q.struct_size, sizeof q);
    assert_null(q.id);
    assert_int_equal(q.ordering, OQ_ORDER_PRIORITY);
    assert_int_equal(q.strategy, OQ_STRATEGY_LONGEST_IDLE);
    assert_true(q.sla_threshold_s == 20 && q.sla_target == 0.8 && q.offer_timeout_s == 30);
    assert_true(q.wrapup_s == 0 && q.aging_per_s == 0 && q.priority == 0 && q.timeout_not_ready == 0);
    oq_contact_spec k;
    memset(&k, 0xAB, sizeof k);
    oq_contact_spec_init(&k);
    assert_int_equal(k.struct_size, sizeof k);
    assert_null(k.id);
    assert_null(k.required_skills);
    assert_int_equal(k.n_required, 0);
    assert_int_equal(k.deadline_ms, 0);

    /* names of out-of-range values */
    assert_string_equal(oq_event_type_name(0), "unknown");
    assert_string_equal(oq_event_type_name(1000), "unknown");
    assert_string_equal(oq_event_type_name(-1), "unknown");
    assert_string_equal(oq_event_type_name(INT32_MAX), "unknown");
    assert_string_equal(oq_event_type_name(OQ_EV_OFFERED), "offered");
    assert_string_equal(oq_agent_state_name(-1), "unknown");
    assert_string_equal(oq_agent_state_name(100), "unknown");
    assert_string_equal(oq_agent_state_name(OQ_AGENT_READY), "ready");
    assert_string_equal(oq_contact_state_name(0), "unknown");
    assert_string_equal(oq_contact_state_name(100), "unknown");
    assert_string_equal(oq_contact_state_name(OQ_CONTACT_QUEUED), "queued");
    assert_string_equal(oq_ordering_name(OQ_ORDER_FIFO), "fifo");
    assert_string_equal(oq_ordering_name(OQ_ORDER_PRIORITY), "priority");
    assert_string_equal(oq_ordering_name(OQ_ORDER_DEADLINE), "deadline");
    assert_string_equal(oq_ordering_name(100), "unknown");
    assert_string_equal(oq_ordering_name(-1), "unknown");
    assert_string_equal(oq_strategy_name(OQ_STRATEGY_LONGEST_IDLE), "longest_idle");
    assert_non_null(oq_strategy_name(OQ_STRATEGY_RANDOM));
    assert_string_equal(oq_strategy_name(100), "unknown");
    assert_string_equal(oq_strategy_name(-1), "unknown");
    for (int32_t s = OQ_STRATEGY_LONGEST_IDLE; s <= OQ_STRATEGY_RANDOM; s++)
        assert_string_not_equal(oq_strategy_name(s), "unknown");
    for (int32_t t = OQ_EV_CONTACT_QUEUED; t <= OQ_EV_AGENT_STATE; t++)
        assert_string_not_equal(oq_event_type_name(t), "unknown");

    double b = 0.5;
    assert_int_equal(oq_erlang_b(-1.0, 3, &b), OQ_EINVAL);
    assert_int_equal(oq_erlang_b(NAN, 3, &b), OQ_EINVAL);
    assert_int_equal(oq_erlang_b(INFINITY, 3, &b), OQ_EINVAL);
    assert_int_equal(oq_erlang_b(2.0, -1, &b), OQ_EINVAL);
    assert_true(b == 0.5);
    assert_int_equal(oq_erlang_b(2.0, 3, NULL), OQ_EINVAL);
}

/* ---- engine lifecycle and time ----------------------------------------- */

static void engine_create_and_time(void **state)
{
    (void)state;
    oq_engine *sentinel = (oq_engine *)(uintptr_t)0x1234;
    oq_engine *e = sentinel;
    oq_engine_options o;
    oq_engine_options_init(&o);
    assert_int_equal(oq_engine_create(&o, NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_create(NULL, NULL), OQ_EINVAL);
    o.struct_size = 0;
    assert_int_equal(oq_engine_create(&o, &e), OQ_EINVAL);
    assert_ptr_equal(e, sentinel);
    o.struct_size = sizeof o + 8;
    assert_int_equal(oq_engine_create(&o, &e), OQ_EINVAL);
    assert_ptr_equal(e, sentinel);
    o.struct_size = (uint32_t)(offsetof(oq_engine_options, alloc) + sizeof o.alloc - 1);
    assert_int_equal(oq_engine_create(&o, &e), OQ_EINVAL); /* below the smallest accepted */
    assert_ptr_equal(e, sentinel);

    /* allocator refusing everything: OQ_ENOMEM, *out untouched, nothing held */
    test_alloc a;
    memset(&a, 0, sizeof a);
    a.fail_at = 1;
    a.fail_all = 1;
    oq_engine_options_init(&o);
    o.alloc = test_alloc_fn;
    o.alloc_user = &a;
    assert_int_equal(oq_engine_create(&o, &e), OQ_ENOMEM);
    assert_ptr_equal(e, sentinel);
    assert_int_equal(a.live_bytes, 0);

    assert_oq_ok(NULL, oq_engine_create(NULL, &e));
    assert_non_null(e);
    assert_true(e != sentinel);
    assert_string_equal(oq_engine_last_error(e), "");
    int64_t t = -1;
    assert_int_equal(oq_engine_now(e, NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_next_deadline(e, NULL), OQ_EINVAL);
    assert_int_equal(oq_engine_get_counts(e, NULL), OQ_EINVAL);
    assert_oq_ok(e, oq_engine_now(e, &t));
    assert_int_equal(t, 0);
    assert_oq_ok(e, oq_engine_next_deadline(e, &t));
    assert_true(t == INT64_MAX);
    oq_engine_destroy(e);

    /* start_ms: the first now_ms must be >= it */
    oq_engine_options_init(&o);
    o.start_ms = 5000;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    assert_oq_ok(e, oq_engine_now(e, &t));
    assert_int_equal(t, 5000);
    assert_int_equal(oq_engine_advance(e, 4999), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(e), "now_ms"));
    assert_int_equal(oq_engine_advance(e, INT64_MIN), OQ_EINVAL);
    assert_oq_ok(e, oq_engine_now(e, &t));
    assert_int_equal(t, 5000);
    assert_oq_ok(e, oq_engine_advance(e, 5000)); /* equal is fine */
    assert_oq_ok(e, oq_engine_advance(e, 7000));
    assert_int_equal(oq_engine_advance(e, 6999), OQ_EINVAL);
    assert_oq_ok(e, oq_engine_now(e, &t));
    assert_int_equal(t, 7000);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

/* Every call taking now_ms refuses a time before the clock, changing nothing
 * (not even firing timers). */
static void time_never_goes_backwards(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    assert_oq_ok(e, oq_engine_advance(e, T0 + 1000)); /* nothing due before T0+5000 */
    const int64_t b = T0 + 999;
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "qa";
    oq_contact_spec ks;
    oq_contact_spec_init(&ks);
    ks.id = "new";
    ks.channel = "chat";
    ks.queue = "qa";
    ERR(oq_engine_advance(e, b), OQ_EINVAL, "now_ms");
    ERR(oq_agent_set_skill(e, b, "a2", "lang", 1), OQ_EINVAL, "now_ms");
    ERR(oq_agent_set_channel_limit(e, b, "a2", "chat", 1), OQ_EINVAL, "now_ms");
    ERR(oq_agent_join_group(e, b, "a2", "g2"), OQ_EINVAL, "now_ms");
    ERR(oq_agent_leave_group(e, b, "a3", "g1"), OQ_EINVAL, "now_ms");
    ERR(oq_agent_login(e, b, "a2", 1), OQ_EINVAL, "now_ms");
    ERR(oq_agent_ready(e, b, "a3"), OQ_EINVAL, "now_ms");
    ERR(oq_agent_not_ready(e, b, "a1", "x"), OQ_EINVAL, "now_ms");
    ERR(oq_agent_logout(e, b, "a1"), OQ_EINVAL, "now_ms");
    ERR(oq_agent_end_wrapup(e, b, "a5"), OQ_EINVAL, "now_ms");
    ERR(oq_queue_update(e, b, &qs), OQ_EINVAL, "now_ms");
    ERR(oq_queue_add_channel(e, b, "qe", "chat"), OQ_EINVAL, "now_ms");
    ERR(oq_queue_remove_channel(e, b, "qb", "chat"), OQ_EINVAL, "now_ms");
    ERR(oq_queue_require_skill(e, b, "qa", "lang", 1), OQ_EINVAL, "now_ms");
    ERR(oq_queue_prefer_skill(e, b, "qa", "lang", 1), OQ_EINVAL, "now_ms");
    ERR(oq_queue_add_group(e, b, "qa", "g2"), OQ_EINVAL, "now_ms");
    ERR(oq_queue_remove_group(e, b, "qb", "g1"), OQ_EINVAL, "now_ms");
    ERR(oq_contact_arrive(e, b, &ks), OQ_EINVAL, "now_ms");
    ERR(oq_offer_accept(e, b, "ko", "a4"), OQ_EINVAL, "now_ms");
    ERR(oq_offer_reject(e, b, "ko", "a4"), OQ_EINVAL, "now_ms");
    ERR(oq_contact_abandon(e, b, "kq"), OQ_EINVAL, "now_ms");
    ERR(oq_contact_complete(e, b, "k1"), OQ_EINVAL, "now_ms");
    ERR(oq_contact_transfer(e, b, "kq", "qa"), OQ_EINVAL, "now_ms");
    ERR(oq_contact_set_priority(e, b, "kq", 5), OQ_EINVAL, "now_ms");
    ERR(oq_contact_remove(e, b, "kq"), OQ_EINVAL, "now_ms");
    ERR(oq_engine_advance(e, INT64_MIN), OQ_EINVAL, "now_ms");
    ERR(oq_contact_remove(e, -1, "kq"), OQ_EINVAL, "now_ms");
}

/* ---- channels, skills, groups ------------------------------------------ */

static void channel_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_channel_spec s;
    ERR(oq_channel_add(e, NULL), OQ_EINVAL, "spec");
    ERR(oq_channel_update(e, NULL), OQ_EINVAL, "spec");
    oq_channel_spec_init(&s);
    s.id = "mail";
    s.struct_size = 0;
    ERR(oq_channel_add(e, &s), OQ_EINVAL, "struct_size");
    s.struct_size = sizeof s + 4;
    ERR(oq_channel_add(e, &s), OQ_EINVAL, "struct_size");
    ERR(oq_channel_update(e, &s), OQ_EINVAL, "struct_size");
    for (int i = 0; i < N_BAD; i++) {
        oq_channel_spec_init(&s);
        s.id = BAD_IDS[i];
        ERR(oq_channel_add(e, &s), OQ_EINVAL, "channel");
        ERR(oq_channel_update(e, &s), OQ_EINVAL, "channel");
        ERR(oq_channel_remove(e, BAD_IDS[i]), OQ_EINVAL, "channel");
        ERR(oq_channel_get(e, BAD_IDS[i], &s), OQ_EINVAL, "channel");
    }
    struct {
        int sync, excl, cost, max;
        const char *field;
    } bad[] = {
        {2, 0, 10, 1, "synchronous"},   {-1, 0, 10, 1, "synchronous"},
        {1, 2, 10, 1, "exclusive"},     {1, -1, 10, 1, "exclusive"},
        {1, 0, 0, 1, "capacity_cost"},  {1, 0, -5, 1, "capacity_cost"},
        {1, 0, OQ_CAPACITY_MAX + 1, 1, "capacity_cost"},
        {1, 0, 10, 0, "max_per_agent"}, {1, 0, 10, -1, "max_per_agent"},
        {1, 0, 10, OQ_CAPACITY_MAX + 1, "max_per_agent"},
    };
    for (int i = 0; i < N_OF(bad); i++) {
        oq_channel_spec_init(&s);
        s.synchronous = bad[i].sync;
        s.exclusive = bad[i].excl;
        s.capacity_cost = bad[i].cost;
        s.max_per_agent = bad[i].max;
        s.id = "mail";
        ERR(oq_channel_add(e, &s), OQ_EINVAL, bad[i].field);
        s.id = "chat";
        ERR(oq_channel_update(e, &s), OQ_EINVAL, bad[i].field);
    }
    oq_channel_spec_init(&s);
    s.id = "chat";
    ERR(oq_channel_add(e, &s), OQ_EEXIST, "chat");
    s.id = "mail";
    ERR(oq_channel_update(e, &s), OQ_ENOTFOUND, "mail");
    ERR(oq_channel_remove(e, "mail"), OQ_ENOTFOUND, "mail");
    ERR(oq_channel_get(e, "mail", &s), OQ_ENOTFOUND, "mail");
    ERR(oq_channel_get(e, "chat", NULL), OQ_EINVAL, "out");
    ERR(oq_channel_remove(e, "voice"), OQ_ESTATE, "voice"); /* qa accepts it */
    ERR(oq_channel_remove(e, "chat"), OQ_ESTATE, "chat");
    /* A channel no queue accepts but a contact still uses. */
    ERR(oq_queue_remove_channel(e, T0, "qb", "chat"), OQ_ESTATE, "chat"); /* kq in it */
    /* the longest id is fine, one byte more is not */
    oq_channel_spec_init(&s);
    s.id = MAX_ID;
    assert_oq_ok(e, oq_channel_add(e, &s));
    assert_oq_ok(e, oq_channel_remove(e, MAX_ID));
}

static void skill_and_group_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    int32_t lv = 77;
    for (int i = 0; i < N_BAD; i++) {
        ERR(oq_skill_add(e, BAD_IDS[i], 3), OQ_EINVAL, "skill");
        ERR(oq_skill_remove(e, BAD_IDS[i]), OQ_EINVAL, "skill");
        ERR(oq_skill_get(e, BAD_IDS[i], &lv), OQ_EINVAL, "skill");
        ERR(oq_group_add(e, BAD_IDS[i]), OQ_EINVAL, "group");
        ERR(oq_group_remove(e, BAD_IDS[i]), OQ_EINVAL, "group");
    }
    assert_int_equal(lv, 77);
    ERR(oq_skill_add(e, "new", 0), OQ_EINVAL, "max_level");
    ERR(oq_skill_add(e, "new", -1), OQ_EINVAL, "max_level");
    ERR(oq_skill_add(e, "new", OQ_LEVEL_MAX + 1), OQ_EINVAL, "max_level");
    ERR(oq_skill_add(e, "new", INT32_MIN), OQ_EINVAL, "max_level");
    ERR(oq_skill_add(e, "sales", 5), OQ_EEXIST, "sales");
    ERR(oq_skill_add(e, "sales", 0), OQ_EINVAL, "max_level");
    ERR(oq_skill_remove(e, "nope"), OQ_ENOTFOUND, "nope");
    ERR(oq_skill_get(e, "nope", &lv), OQ_ENOTFOUND, "nope");
    ERR(oq_skill_get(e, "sales", NULL), OQ_EINVAL, "max_level");
    ERR(oq_skill_remove(e, "sales"), OQ_ESTATE, "sales"); /* agents and qa use it */
    ERR(oq_group_add(e, "g1"), OQ_EEXIST, "g1");
    ERR(oq_group_remove(e, "nope"), OQ_ENOTFOUND, "nope");
    ERR(oq_group_remove(e, "g1"), OQ_ESTATE, "g1"); /* a3 and qb */
    assert_int_equal(lv, 77);

    /* in use only by an agent / only by a queue / only by a contact */
    assert_oq_ok(e, oq_agent_set_skill(e, T0, "a2", "lang", 2));
    ERR(oq_skill_remove(e, "lang"), OQ_ESTATE, "lang");
    assert_oq_ok(e, oq_agent_set_skill(e, T0, "a2", "lang", 0));
    assert_oq_ok(e, oq_queue_prefer_skill(e, T0, "qe", "lang", 1));
    ERR(oq_skill_remove(e, "lang"), OQ_ESTATE, "lang");
    assert_oq_ok(e, oq_queue_prefer_skill(e, T0, "qe", "lang", 0));
    oq_contact_spec ks;
    oq_contact_spec_init(&ks);
    ks.id = "kl";
    ks.channel = "chat";
    ks.queue = "qb";
    const char *ids[] = {"lang"};
    int32_t lvs[] = {3};
    ks.n_required = 1;
    ks.required_skills = ids;
    ks.required_levels = lvs;
    assert_oq_ok(e, oq_contact_arrive(e, T0, &ks));
    ERR(oq_skill_remove(e, "lang"), OQ_ESTATE, "lang");
    assert_oq_ok(e, oq_contact_remove(e, T0, "kl"));
    assert_oq_ok(e, oq_agent_join_group(e, T0, "a2", "g2"));
    ERR(oq_group_remove(e, "g2"), OQ_ESTATE, "g2");
    assert_oq_ok(e, oq_agent_leave_group(e, T0, "a2", "g2"));
    assert_oq_ok(e, oq_queue_add_group(e, T0, "qe", "g2"));
    ERR(oq_group_remove(e, "g2"), OQ_ESTATE, "g2");
    assert_oq_ok(e, oq_queue_remove_group(e, T0, "qe", "g2"));
    /* now unused: removable */
    assert_oq_ok(e, oq_skill_remove(e, "lang"));
    assert_oq_ok(e, oq_group_remove(e, "g2"));
    assert_int_equal(oq_skill_get(e, "lang", &lv), OQ_ENOTFOUND);
    assert_oq_ok(e, oq_engine_check(e));
}

/* ---- agents ---------------------------------------------------------------- */

static void agent_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    int32_t lv = 0;
    for (int i = 0; i < N_BAD; i++) {
        const char *b = BAD_IDS[i];
        ERR(oq_agent_add(e, b, 100), OQ_EINVAL, "agent");
        ERR(oq_agent_remove(e, b), OQ_EINVAL, "agent");
        ERR(oq_agent_set_capacity(e, b, 100), OQ_EINVAL, "agent");
        ERR(oq_agent_set_skill(e, T0, b, "sales", 1), OQ_EINVAL, "agent");
        ERR(oq_agent_set_skill(e, T0, "a2", b, 1), OQ_EINVAL, "skill");
        ERR(oq_agent_set_channel_limit(e, T0, b, "chat", 1), OQ_EINVAL, "agent");
        ERR(oq_agent_set_channel_limit(e, T0, "a2", b, 1), OQ_EINVAL, "channel");
        ERR(oq_agent_join_group(e, T0, b, "g2"), OQ_EINVAL, "agent");
        ERR(oq_agent_join_group(e, T0, "a2", b), OQ_EINVAL, "group");
        ERR(oq_agent_leave_group(e, T0, b, "g1"), OQ_EINVAL, "agent");
        ERR(oq_agent_leave_group(e, T0, "a3", b), OQ_EINVAL, "group");
        ERR(oq_agent_login(e, T0, b, 1), OQ_EINVAL, "agent");
        ERR(oq_agent_ready(e, T0, b), OQ_EINVAL, "agent");
        ERR(oq_agent_not_ready(e, T0, b, "x"), OQ_EINVAL, "agent");
        ERR(oq_agent_logout(e, T0, b), OQ_EINVAL, "agent");
        ERR(oq_agent_end_wrapup(e, T0, b), OQ_EINVAL, "agent");
        ERR(oq_agent_get(e, b, &ai), OQ_EINVAL, "agent");
        ERR(oq_agent_get_skill(e, b, "sales", &lv), OQ_EINVAL, "agent");
        ERR(oq_agent_get_skill(e, "a1", b, &lv), OQ_EINVAL, "skill");
    }
    /* unknown ids */
    ERR(oq_agent_remove(e, "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_set_capacity(e, "zz", 100), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_set_skill(e, T0, "zz", "sales", 1), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_set_skill(e, T0, "a2", "zskill", 1), OQ_ENOTFOUND, "zskill");
    ERR(oq_agent_set_channel_limit(e, T0, "zz", "chat", 1), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_set_channel_limit(e, T0, "a2", "zchan", 1), OQ_ENOTFOUND, "zchan");
    ERR(oq_agent_join_group(e, T0, "zz", "g1"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_join_group(e, T0, "a2", "zgroup"), OQ_ENOTFOUND, "zgroup");
    ERR(oq_agent_leave_group(e, T0, "zz", "g1"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_leave_group(e, T0, "a3", "zgroup"), OQ_ENOTFOUND, "zgroup");
    ERR(oq_agent_login(e, T0, "zz", 1), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_ready(e, T0, "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_not_ready(e, T0, "zz", NULL), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_logout(e, T0, "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_end_wrapup(e, T0, "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_get(e, "zz", &ai), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_get_skill(e, "zz", "sales", &lv), OQ_ENOTFOUND, "zz");
    ERR(oq_agent_get_skill(e, "a1", "zskill", &lv), OQ_ENOTFOUND, "zskill");
    ERR(oq_agent_get(e, "a1", NULL), OQ_EINVAL, "out");
    ERR(oq_agent_get_skill(e, "a1", "sales", NULL), OQ_EINVAL, "level");
    /* duplicates and ranges */
    ERR(oq_agent_add(e, "a1", 100), OQ_EEXIST, "a1");
    ERR(oq_agent_add(e, "new", 0), OQ_EINVAL, "capacity");
    ERR(oq_agent_add(e, "new", -1), OQ_EINVAL, "capacity");
    ERR(oq_agent_add(e, "new", OQ_CAPACITY_MAX + 1), OQ_EINVAL, "capacity");
    ERR(oq_agent_set_capacity(e, "a1", 0), OQ_EINVAL, "capacity");
    ERR(oq_agent_set_capacity(e, "a1", OQ_CAPACITY_MAX + 1), OQ_EINVAL, "capacity");
    ERR(oq_agent_set_capacity(e, "a1", INT32_MIN), OQ_EINVAL, "capacity");
    ERR(oq_agent_set_skill(e, T0, "a2", "sales", 6), OQ_EINVAL, "level");
    ERR(oq_agent_set_skill(e, T0, "a2", "sales", -1), OQ_EINVAL, "level");
    ERR(oq_agent_set_skill(e, T0, "a2", "lang", 4), OQ_EINVAL, "level");
    ERR(oq_agent_set_channel_limit(e, T0, "a2", "chat", -2), OQ_EINVAL, "chat");
    ERR(oq_agent_set_channel_limit(e, T0, "a2", "chat", OQ_CAPACITY_MAX + 1), OQ_EINVAL, "chat");
    ERR(oq_agent_login(e, T0, "a2", 2), OQ_EINVAL, "ready");
    ERR(oq_agent_login(e, T0, "a2", -1), OQ_EINVAL, "ready");
    ERR(oq_agent_not_ready(e, T0, "a1", LONG_ID), OQ_EINVAL, "reason");
    ERR(oq_agent_not_ready(e, T0, "a1", "\xff"), OQ_EINVAL, "reason");
    /* illegal states */
    ERR(oq_agent_login(e, T0, "a1", 1), OQ_ESTATE, "a1");  /* already logged in */
    ERR(oq_agent_login(e, T0, "a3", 0), OQ_ESTATE, "a3");
    ERR(oq_agent_ready(e, T0, "a2"), OQ_ESTATE, "a2");     /* logged out */
    ERR(oq_agent_not_ready(e, T0, "a2", "x"), OQ_ESTATE, "a2");
    ERR(oq_agent_logout(e, T0, "a2"), OQ_ESTATE, "a2");
    ERR(oq_agent_end_wrapup(e, T0, "a1"), OQ_ESTATE, "a1"); /* no wrap-up */
    ERR(oq_agent_end_wrapup(e, T0, "a2"), OQ_ESTATE, "a2");
    ERR(oq_agent_remove(e, "a1"), OQ_ESTATE, "a1");         /* logged in */
    ERR(oq_agent_remove(e, "a3"), OQ_ESTATE, "a3");
    ERR(oq_agent_join_group(e, T0, "a3", "g1"), OQ_ESTATE, "g1"); /* twice */
    ERR(oq_agent_leave_group(e, T0, "a2", "g1"), OQ_ESTATE, "g1"); /* not in */
    /* logged out but still serving k1: not removable */
    assert_oq_ok(e, oq_agent_logout(e, T0, "a1"));
    assert_int_equal(contact_state(e, "k1"), OQ_CONTACT_ACTIVE);
    ERR(oq_agent_remove(e, "a1"), OQ_ESTATE, "a1");
    ERR(oq_agent_logout(e, T0, "a1"), OQ_ESTATE, "a1");
}

/* ---- queues ---------------------------------------------------------------- */

static void queue_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_queue_spec s;
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    ERR(oq_queue_add(e, NULL), OQ_EINVAL, "spec");
    ERR(oq_queue_update(e, T0, NULL), OQ_EINVAL, "spec");
    oq_queue_spec_init(&s);
    s.id = "qn";
    s.struct_size = 1;
    ERR(oq_queue_add(e, &s), OQ_EINVAL, "struct_size");
    s.id = "qa";
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "struct_size");
    for (int i = 0; i < N_BAD; i++) {
        const char *b = BAD_IDS[i];
        oq_queue_spec_init(&s);
        s.id = b;
        ERR(oq_queue_add(e, &s), OQ_EINVAL, "queue");
        ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "queue");
        ERR(oq_queue_remove(e, b), OQ_EINVAL, "queue");
        ERR(oq_queue_add_channel(e, T0, b, "chat"), OQ_EINVAL, "queue");
        ERR(oq_queue_add_channel(e, T0, "qe", b), OQ_EINVAL, "channel");
        ERR(oq_queue_remove_channel(e, T0, b, "chat"), OQ_EINVAL, "queue");
        ERR(oq_queue_remove_channel(e, T0, "qa", b), OQ_EINVAL, "channel");
        ERR(oq_queue_require_skill(e, T0, b, "sales", 1), OQ_EINVAL, "queue");
        ERR(oq_queue_require_skill(e, T0, "qa", b, 1), OQ_EINVAL, "skill");
        ERR(oq_queue_prefer_skill(e, T0, b, "sales", 1), OQ_EINVAL, "queue");
        ERR(oq_queue_prefer_skill(e, T0, "qa", b, 1), OQ_EINVAL, "skill");
        ERR(oq_queue_add_group(e, T0, b, "g1"), OQ_EINVAL, "queue");
        ERR(oq_queue_add_group(e, T0, "qa", b), OQ_EINVAL, "group");
        ERR(oq_queue_remove_group(e, T0, b, "g1"), OQ_EINVAL, "queue");
        ERR(oq_queue_remove_group(e, T0, "qb", b), OQ_EINVAL, "group");
        ERR(oq_queue_get(e, b, &qi), OQ_EINVAL, "queue");
    }
    /* every out-of-range spec field, on add and on update */
    struct {
        int field;
        double v;
        const char *name;
    } bad[] = {
        {0, OQ_PRIORITY_MAX + 1.0, "priority"}, {0, -OQ_PRIORITY_MAX - 1.0, "priority"},
        {1, 100, "ordering"},                   {1, -1, "ordering"},
        {2, 100, "strategy"},                   {2, -1, "strategy"},
        {3, 2, "timeout_not_ready"},            {3, -1, "timeout_not_ready"},
        {4, -1, "sla_threshold_s"},             {4, NAN, "sla_threshold_s"},
        {4, INFINITY, "sla_threshold_s"},       {5, -0.1, "sla_target"},
        {5, 1.5, "sla_target"},                 {5, NAN, "sla_target"},
        {6, -1, "offer_timeout_s"},             {6, NAN, "offer_timeout_s"},
        {6, INFINITY, "offer_timeout_s"},       {6, 1e300, "offer_timeout_s"},
        {7, -1, "wrapup_s"},                    {7, NAN, "wrapup_s"},
        {7, -INFINITY, "wrapup_s"},             {8, -1, "aging_per_s"},
        {8, NAN, "aging_per_s"},                {8, INFINITY, "aging_per_s"},
        {8, 1e7, "aging_per_s"},
    };
    for (int i = 0; i < N_OF(bad); i++) {
        oq_queue_spec_init(&s);
        switch (bad[i].field) {
        case 0: s.priority = (int32_t)bad[i].v; break;
        case 1: s.ordering = (int32_t)bad[i].v; break;
        case 2: s.strategy = (int32_t)bad[i].v; break;
        case 3: s.timeout_not_ready = (int32_t)bad[i].v; break;
        case 4: s.sla_threshold_s = bad[i].v; break;
        case 5: s.sla_target = bad[i].v; break;
        case 6: s.offer_timeout_s = bad[i].v; break;
        case 7: s.wrapup_s = bad[i].v; break;
        default: s.aging_per_s = bad[i].v; break;
        }
        s.id = "qn";
        ERR(oq_queue_add(e, &s), OQ_EINVAL, bad[i].name);
        s.id = "qa";
        ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, bad[i].name);
    }
    oq_queue_spec_init(&s);
    s.id = "qa";
    ERR(oq_queue_add(e, &s), OQ_EEXIST, "qa");
    s.id = "qn";
    ERR(oq_queue_update(e, T0, &s), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_remove(e, "qn"), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_get(e, "qn", &qi), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_get(e, "qa", NULL), OQ_EINVAL, "out");
    ERR(oq_queue_add_channel(e, T0, "qn", "chat"), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_add_channel(e, T0, "qe", "zchan"), OQ_ENOTFOUND, "zchan");
    ERR(oq_queue_remove_channel(e, T0, "qn", "chat"), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_remove_channel(e, T0, "qa", "zchan"), OQ_ENOTFOUND, "zchan");
    ERR(oq_queue_require_skill(e, T0, "qn", "sales", 1), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_require_skill(e, T0, "qa", "zskill", 1), OQ_ENOTFOUND, "zskill");
    ERR(oq_queue_prefer_skill(e, T0, "qn", "sales", 1), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_prefer_skill(e, T0, "qa", "zskill", 1), OQ_ENOTFOUND, "zskill");
    ERR(oq_queue_add_group(e, T0, "qn", "g1"), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_add_group(e, T0, "qa", "zgroup"), OQ_ENOTFOUND, "zgroup");
    ERR(oq_queue_remove_group(e, T0, "qn", "g1"), OQ_ENOTFOUND, "qn");
    ERR(oq_queue_remove_group(e, T0, "qb", "zgroup"), OQ_ENOTFOUND, "zgroup");
    /* levels */
    ERR(oq_queue_require_skill(e, T0, "qa", "sales", 6), OQ_EINVAL, "sales");
    ERR(oq_queue_require_skill(e, T0, "qa", "sales", -1), OQ_EINVAL, "sales");
    ERR(oq_queue_prefer_skill(e, T0, "qa", "lang", 4), OQ_EINVAL, "lang");
    ERR(oq_queue_prefer_skill(e, T0, "qa", "lang", INT32_MIN), OQ_EINVAL, "lang");
    /* states */
    ERR(oq_queue_remove(e, "qa"), OQ_ESTATE, "qa");  /* k1, ko, kw */
    ERR(oq_queue_remove(e, "qb"), OQ_ESTATE, "qb");  /* kq */
    ERR(oq_queue_add_channel(e, T0, "qa", "chat"), OQ_ESTATE, "chat"); /* twice */
    ERR(oq_queue_remove_channel(e, T0, "qe", "chat"), OQ_ESTATE, "chat"); /* not accepted */
    ERR(oq_queue_remove_channel(e, T0, "qa", "voice"), OQ_ESTATE, "voice"); /* k1, ko */
    ERR(oq_queue_add_group(e, T0, "qb", "g1"), OQ_ESTATE, "g1");
    ERR(oq_queue_remove_group(e, T0, "qa", "g1"), OQ_ESTATE, "g1");
    /* at most 16 channels per queue */
    int added = 0;
    oq_status st = OQ_OK;
    oq_channel_spec cs;
    char ids[20][16];
    for (int i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof ids[i], "x%d", i);
        oq_channel_spec_init(&cs);
        cs.id = ids[i];
        assert_oq_ok(e, oq_channel_add(e, &cs));
    }
    for (int i = 0; i < 20 && (st = oq_queue_add_channel(e, T0, "qe", ids[i])) == OQ_OK; i++)
        added++;
    assert_int_equal(st, OQ_ERANGE);
    assert_true(added >= 2);
    ERR(oq_queue_add_channel(e, T0, "qe", ids[added + 1]), OQ_ERANGE, "qe");
    /* an empty queue is removable */
    assert_oq_ok(e, oq_queue_remove(e, "qe"));
    assert_oq_ok(e, oq_engine_check(e));
}

/* ---- contacts -------------------------------------------------------------- */

static void arrive_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_contact_spec s;
    ERR(oq_contact_arrive(e, T0, NULL), OQ_EINVAL, "spec");
    oq_contact_spec_init(&s);
    s.id = "n";
    s.channel = "chat";
    s.queue = "qa";
    s.struct_size = 0;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "struct_size");
    for (int i = 0; i < N_BAD; i++) {
        oq_contact_spec_init(&s);
        s.id = BAD_IDS[i];
        s.channel = "chat";
        s.queue = "qa";
        ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "contact.id");
        s.id = "n";
        s.channel = BAD_IDS[i];
        ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "channel");
        s.channel = "chat";
        s.queue = BAD_IDS[i];
        ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "queue");
        s.queue = "qa";
        if (BAD_IDS[i]) { /* NULL means "none" for these two */
            s.customer = BAD_IDS[i];
            ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "customer");
            s.customer = NULL;
            s.preferred_agent = BAD_IDS[i];
            ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "preferred_agent");
            s.preferred_agent = NULL;
        }
        const char *sk[] = {BAD_IDS[i]};
        int32_t lv[] = {1};
        s.n_required = 1;
        s.required_skills = sk;
        s.required_levels = lv;
        ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "required_skills");
        s.n_required = 0;
        s.n_preferred = 1;
        s.preferred_skills = sk;
        s.preferred_levels = lv;
        ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "preferred_skills");
    }
    oq_contact_spec_init(&s);
    s.id = "n";
    s.channel = "chat";
    s.queue = "qa";
    s.channel = "zchan";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ENOTFOUND, "zchan");
    s.channel = "chat";
    s.queue = "zq";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ENOTFOUND, "zq");
    s.queue = "qa";
    s.preferred_agent = "zagent";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ENOTFOUND, "zagent");
    s.preferred_agent = NULL;
    s.priority = OQ_PRIORITY_MAX + 1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "priority");
    s.priority = -OQ_PRIORITY_MAX - 1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "priority");
    s.priority = INT32_MIN;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "priority");
    s.priority = 0;
    s.deadline_ms = -1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "deadline_ms");
    s.deadline_ms = 0;
    const char *sk[OQ_CONTACT_SKILLS_MAX + 1];
    int32_t lv[OQ_CONTACT_SKILLS_MAX + 1];
    for (int i = 0; i <= OQ_CONTACT_SKILLS_MAX; i++) {
        sk[i] = "sales";
        lv[i] = 1;
    }
    s.n_required = -1;
    s.required_skills = sk;
    s.required_levels = lv;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "n_required");
    s.n_required = OQ_CONTACT_SKILLS_MAX + 1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "n_required");
    s.n_required = 1;
    s.required_skills = NULL;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "required");
    s.required_skills = sk;
    s.required_levels = NULL;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "required");
    s.required_levels = lv;
    lv[0] = 0;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "required_levels");
    lv[0] = 6;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "required_levels");
    lv[0] = 1;
    sk[0] = "zskill";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ENOTFOUND, "zskill");
    sk[0] = "sales";
    s.n_required = 0;
    s.n_preferred = -3;
    s.preferred_skills = sk;
    s.preferred_levels = lv;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "n_preferred");
    s.n_preferred = OQ_CONTACT_SKILLS_MAX + 1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "n_preferred");
    s.n_preferred = 2;
    lv[1] = -1;
    ERR(oq_contact_arrive(e, T0, &s), OQ_EINVAL, "preferred_levels");
    lv[1] = 1;
    s.n_preferred = 0;
    /* a queue that does not accept the channel */
    s.queue = "qb";
    s.channel = "voice";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ESTATE, "qb");
    s.queue = "qe";
    s.channel = "chat";
    ERR(oq_contact_arrive(e, T0, &s), OQ_ESTATE, "qe");
    /* duplicate ids, in every state */
    s.queue = "qa";
    for (int i = 0; i < N_OF(CONTACTS); i++) {
        s.id = CONTACTS[i];
        ERR(oq_contact_arrive(e, T0, &s), OQ_EEXIST, CONTACTS[i]);
    }
    /* the longest id works; a finished contact's id is free again */
    s.id = MAX_ID;
    assert_oq_ok(e, oq_contact_arrive(e, T0, &s));
    assert_oq_ok(e, oq_contact_remove(e, T0, MAX_ID));
    assert_oq_ok(e, oq_contact_arrive(e, T0, &s));
    assert_oq_ok(e, oq_engine_check(e));
}

static void contact_call_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    for (int i = 0; i < N_BAD; i++) {
        const char *b = BAD_IDS[i];
        ERR(oq_offer_accept(e, T0, b, "a4"), OQ_EINVAL, "contact");
        ERR(oq_offer_accept(e, T0, "ko", b), OQ_EINVAL, "agent");
        ERR(oq_offer_reject(e, T0, b, "a4"), OQ_EINVAL, "contact");
        ERR(oq_offer_reject(e, T0, "ko", b), OQ_EINVAL, "agent");
        ERR(oq_contact_abandon(e, T0, b), OQ_EINVAL, "contact");
        ERR(oq_contact_complete(e, T0, b), OQ_EINVAL, "contact");
        ERR(oq_contact_transfer(e, T0, b, "qa"), OQ_EINVAL, "contact");
        ERR(oq_contact_transfer(e, T0, "kq", b), OQ_EINVAL, "queue");
        ERR(oq_contact_set_priority(e, T0, b, 1), OQ_EINVAL, "contact");
        ERR(oq_contact_remove(e, T0, b), OQ_EINVAL, "contact");
        ERR(oq_contact_get(e, b, &ci), OQ_EINVAL, "contact");
        ERR(oq_contact_request_callback(e, T0, b), OQ_EINVAL, "contact");
        const char *who = NULL;
        int64_t when = 0;
        ERR(oq_customer_last_agent(e, b, &who, &when), OQ_EINVAL, "customer");
    }
    const char *who = NULL;
    int64_t when = 0;
    ERR(oq_customer_last_agent(e, "cu", NULL, &when), OQ_EINVAL, "agent");
    ERR(oq_customer_last_agent(e, "cu", &who, NULL), OQ_EINVAL, "served_ms");
    ERR(oq_customer_last_agent(e, "cu", &who, &when), OQ_ENOTFOUND, "cu");
    ERR(oq_contact_request_callback(e, T0, "zk"), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_request_callback(e, T0, "kw"), OQ_ESTATE, "kw"); /* in wrap-up */
    ERR(oq_contact_request_callback(e, T0, "kq"), OQ_ESTATE, "callback_channel");
    ERR(oq_offer_accept(e, T0, "zk", "a4"), OQ_ENOTFOUND, "zk");
    ERR(oq_offer_accept(e, T0, "ko", "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_offer_reject(e, T0, "zk", "a4"), OQ_ENOTFOUND, "zk");
    ERR(oq_offer_reject(e, T0, "ko", "zz"), OQ_ENOTFOUND, "zz");
    ERR(oq_contact_abandon(e, T0, "zk"), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_complete(e, T0, "zk"), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_transfer(e, T0, "zk", "qa"), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_transfer(e, T0, "kq", "zq"), OQ_ENOTFOUND, "zq");
    ERR(oq_contact_set_priority(e, T0, "zk", 1), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_remove(e, T0, "zk"), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_get(e, "zk", &ci), OQ_ENOTFOUND, "zk");
    ERR(oq_contact_get(e, "ko", NULL), OQ_EINVAL, "out");
    /* accept / reject: only the contact offered to that very agent */
    const char *not_offered[] = {"k1", "kq", "kw"};
    for (int i = 0; i < 3; i++) {
        ERR(oq_offer_accept(e, T0, not_offered[i], "a1"), OQ_ESTATE, not_offered[i]);
        ERR(oq_offer_accept(e, T0, not_offered[i], "a5"), OQ_ESTATE, not_offered[i]);
        ERR(oq_offer_reject(e, T0, not_offered[i], "a1"), OQ_ESTATE, not_offered[i]);
    }
    ERR(oq_offer_accept(e, T0, "ko", "a1"), OQ_ESTATE, "ko"); /* offered to a4 */
    ERR(oq_offer_reject(e, T0, "ko", "a2"), OQ_ESTATE, "ko");
    /* abandon: only queued or offered */
    ERR(oq_contact_abandon(e, T0, "k1"), OQ_ESTATE, "k1");
    ERR(oq_contact_abandon(e, T0, "kw"), OQ_ESTATE, "kw");
    /* complete: only active */
    ERR(oq_contact_complete(e, T0, "kq"), OQ_ESTATE, "kq");
    ERR(oq_contact_complete(e, T0, "ko"), OQ_ESTATE, "ko");
    ERR(oq_contact_complete(e, T0, "kw"), OQ_ESTATE, "kw");
    /* transfer: not in wrap-up, target must accept the channel, not where it waits */
    ERR(oq_contact_transfer(e, T0, "kw", "qa"), OQ_ESTATE, "kw");
    ERR(oq_contact_transfer(e, T0, "kw", "qb"), OQ_ESTATE, "kw");
    ERR(oq_contact_transfer(e, T0, "k1", "qb"), OQ_ESTATE, "qb"); /* voice */
    ERR(oq_contact_transfer(e, T0, "kq", "qe"), OQ_ESTATE, "qe");
    ERR(oq_contact_transfer(e, T0, "kq", "qb"), OQ_ESTATE, "kq");
    /* priority range */
    ERR(oq_contact_set_priority(e, T0, "kq", OQ_PRIORITY_MAX + 1), OQ_EINVAL, "priority");
    ERR(oq_contact_set_priority(e, T0, "kq", -OQ_PRIORITY_MAX - 1), OQ_EINVAL, "priority");
    ERR(oq_contact_set_priority(e, T0, "k1", INT32_MAX), OQ_EINVAL, "priority");
    /* the limits themselves are accepted */
    assert_oq_ok(e, oq_contact_set_priority(e, T0, "kq", OQ_PRIORITY_MAX));
    assert_oq_ok(e, oq_contact_set_priority(e, T0, "kq", -OQ_PRIORITY_MAX));
    assert_oq_ok(e, oq_engine_check(e));
}

/* An offer that timed out (or was rejected) cannot be accepted any more. */
static void accept_after_timeout(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    /* ko was offered to a4 at T0 with a 10 s time-out; kw's wrap-up ends at T0+5 s */
    assert_oq_ok(e, oq_engine_advance(e, T0 + 10000));
    assert_true(recorder_find(&f->rec, 0, OQ_EV_OFFER_TIMEOUT, "ko", "a4") >= 0);
    assert_int_not_equal(contact_state(e, "ko"), OQ_CONTACT_ACTIVE);
    char buf[32];
    assert_string_not_equal(contact_agent(e, "ko", buf, sizeof buf), "a4");
    ERR(oq_offer_accept(e, T0 + 10000, "ko", "a4"), OQ_ESTATE, "timed out");
    ERR(oq_offer_reject(e, T0 + 10000, "ko", "a4"), OQ_ESTATE, "ko");
    /* the same after an explicit reject: kq goes to qa and is offered */
    assert_oq_ok(e, oq_agent_login(e, T0 + 10000, "a2", 1));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "ko", &ci));
    if (ci.state == OQ_CONTACT_OFFERED) {
        char who[32];
        snprintf(who, sizeof who, "%s", ci.agent);
        assert_oq_ok(e, oq_offer_reject(e, T0 + 10000, "ko", who));
        ERR(oq_offer_accept(e, T0 + 10000, "ko", who), OQ_ESTATE, "rejected");
    }
    assert_oq_ok(e, oq_engine_check(e));
}


/* ---- escalation.h: ladders, limits, estimates ------------------------------ */

static void limit_spec_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_queue_spec s;
    struct {
        int field;
        double v;
        const char *name;
    } bad[] = {
        {0, -1, "max_length"},         {1, NAN, "max_wait_s"},
        {1, -1, "max_wait_s"},         {1, INFINITY, "max_wait_s"},
        {2, 100, "limit_action"},      {2, -1, "limit_action"},
        {3, 2, "refuse_if_no_agents"}, {3, -1, "refuse_if_no_agents"},
        {4, 2, "outbound"},            {5, 0, "default_aht_s"},
        {5, -1, "default_aht_s"},      {5, NAN, "default_aht_s"},
        {6, -1, "deadline_warning_s"}, {6, NAN, "deadline_warning_s"},
        {7, 2, "keep_offer_on_not_ready"}, {8, -1, "retry_after_s"},
        {8, NAN, "retry_after_s"},     {9, -1, "max_offers"},
        {9, 40000, "max_offers"},      {10, -1, "last_agent_window_s"},
        {10, INFINITY, "last_agent_window_s"}, {11, NAN, "last_agent_wait_s"},
        {2, 4, "limit_action"},
    };
    for (int i = 0; i < N_OF(bad); i++) {
        oq_queue_spec_init(&s);
        switch (bad[i].field) {
        case 0: s.max_length = (int32_t)bad[i].v; break;
        case 1: s.max_wait_s = bad[i].v; break;
        case 2: s.limit_action = (int32_t)bad[i].v; break;
        case 3: s.refuse_if_no_agents = (int32_t)bad[i].v; break;
        case 4: s.outbound = (int32_t)bad[i].v; break;
        case 5: s.default_aht_s = bad[i].v; break;
        case 6: s.deadline_warning_s = bad[i].v; break;
        case 7: s.keep_offer_on_not_ready = (int32_t)bad[i].v; break;
        case 8: s.retry_after_s = bad[i].v; break;
        case 9: s.max_offers = (int32_t)bad[i].v; break;
        case 10: s.last_agent_window_s = bad[i].v; break;
        default: s.last_agent_wait_s = bad[i].v; break;
        }
        s.id = "qn";
        ERR(oq_queue_add(e, &s), OQ_EINVAL, bad[i].name);
        s.id = "qe";
        ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, bad[i].name);
    }
    /* limit targets */
    oq_queue_spec_init(&s);
    s.id = "qe";
    s.max_length = 2;
    s.limit_action = OQ_LIMIT_OVERFLOW;
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "limit_queue");
    s.limit_queue = "zq";
    ERR(oq_queue_update(e, T0, &s), OQ_ENOTFOUND, "zq");
    s.limit_queue = "qe";
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "limit_queue");
    s.limit_queue = LONG_ID;
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "limit_queue");
    s.limit_queue = "qb";
    s.limit_action = OQ_LIMIT_CALLBACK;
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "callback_channel");
    s.callback_channel = "zchan";
    ERR(oq_queue_update(e, T0, &s), OQ_ENOTFOUND, "zchan");
    s.callback_channel = "\xff";
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "callback_channel");
    s.id = "qn";
    s.callback_channel = "zchan";
    ERR(oq_queue_add(e, &s), OQ_ENOTFOUND, "zchan");
    /* a kept-place callback needs a callback channel, no limit queue */
    oq_queue_spec_init(&s);
    s.id = "qe";
    s.max_wait_s = 60;
    s.limit_action = OQ_LIMIT_CALLBACK_KEEP_PLACE;
    ERR(oq_queue_update(e, T0, &s), OQ_EINVAL, "callback_channel");

    /* contact: preferred_wait_s */
    oq_contact_spec k;
    oq_contact_spec_init(&k);
    k.id = "n";
    k.channel = "chat";
    k.queue = "qa";
    k.preferred_wait_s = 5;
    ERR(oq_contact_arrive(e, T0, &k), OQ_EINVAL, "preferred_wait_s"); /* no preferred agent */
    k.preferred_agent = "a2";
    k.preferred_wait_s = -1;
    ERR(oq_contact_arrive(e, T0, &k), OQ_EINVAL, "preferred_wait_s");
    k.preferred_wait_s = NAN;
    ERR(oq_contact_arrive(e, T0, &k), OQ_EINVAL, "preferred_wait_s");
    k.preferred_wait_s = INFINITY;
    ERR(oq_contact_arrive(e, T0, &k), OQ_EINVAL, "preferred_wait_s");

    /* a queue that is another's limit target cannot go away */
    oq_queue_spec_init(&s);
    s.id = "qe";
    s.max_length = 2;
    s.limit_action = OQ_LIMIT_OVERFLOW;
    s.limit_queue = "qb";
    assert_oq_ok(e, oq_queue_update(e, T0, &s));
    oq_queue_spec_init(&s);
    s.id = "qz";
    assert_oq_ok(e, oq_queue_add(e, &s));
    s.id = "qe";
    s.limit_action = OQ_LIMIT_OVERFLOW;
    s.max_length = 1;
    s.limit_queue = "qz";
    assert_oq_ok(e, oq_queue_update(e, T0, &s));
    ERR(oq_queue_remove(e, "qz"), OQ_ESTATE, "qz");
    assert_oq_ok(e, oq_engine_check(e));
}

/* model.h: "Remove a channel. OQ_ESTATE while any queue accepts it or any
 * contact uses it" — a queue whose limit turns contacts into callbacks of
 * that channel uses it (bug: it was removed, leaving a dangling index). */
static void callback_channel_cannot_be_removed(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_channel_spec c;
    oq_channel_spec_init(&c);
    c.id = "cbch";
    assert_oq_ok(e, oq_channel_add(e, &c));
    oq_queue_spec s;
    oq_queue_spec_init(&s);
    s.id = "qe";
    s.max_length = 1;
    s.limit_action = OQ_LIMIT_CALLBACK;
    s.limit_queue = "qb";
    s.callback_channel = "cbch";
    assert_oq_ok(e, oq_queue_update(e, T0, &s));
    world_snap before;
    take(f, &before);
    plant_marker(e);
    oq_status st = oq_channel_remove(e, "cbch");
    if (st == OQ_OK)
        fail_msg("oq_channel_remove() removed channel 'cbch' still used as queue 'qe''s "
                 "callback_channel (oq_queue_get(qe) would now dereference NULL)");
    expect_err(f, st, OQ_ESTATE, "cbch", &before, "oq_channel_remove(e, \"cbch\")", __LINE__);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    assert_oq_ok(e, oq_queue_get_spec(e, "qe", &qs));
    assert_string_equal(qs.callback_channel, "cbch");
}

static void escalation_errors(void **state)
{
    fixture *f = *state;
    oq_engine *e = f->e;
    oq_escalation_step_init(NULL);
    oq_escalation_step st;
    memset(&st, 0xAB, sizeof st);
    oq_escalation_step_init(&st);
    assert_int_equal(st.struct_size, sizeof st);
    assert_int_equal(st.action, OQ_STEP_ALERT);
    assert_int_equal(st.timing, OQ_STEP_AFTER_ENTRY);
    assert_null(st.skill);
    assert_null(st.message);
    int32_t n = -1;
    double ewt = -1;
    int32_t pos = -1;

    /* NULL engine */
    assert_int_equal(oq_queue_add_step(NULL, T0, "qe", &st), OQ_EINVAL);
    assert_int_equal(oq_queue_clear_steps(NULL, T0, "qe"), OQ_EINVAL);
    assert_int_equal(oq_queue_step_count(NULL, "qe", &n), OQ_EINVAL);
    assert_int_equal(oq_contact_position(NULL, "kq", &pos, &ewt), OQ_EINVAL);
    assert_int_equal(oq_queue_ewt(NULL, "qe", &ewt), OQ_EINVAL);
    assert_int_equal(n, -1);
    /* malformed and unknown ids */
    for (int i = 0; i < N_BAD; i++) {
        ERR(oq_queue_add_step(e, T0, BAD_IDS[i], &st), OQ_EINVAL, "queue");
        ERR(oq_queue_clear_steps(e, T0, BAD_IDS[i]), OQ_EINVAL, "queue");
        ERR(oq_queue_step_count(e, BAD_IDS[i], &n), OQ_EINVAL, "queue");
        ERR(oq_contact_position(e, BAD_IDS[i], &pos, &ewt), OQ_EINVAL, "contact");
        ERR(oq_queue_ewt(e, BAD_IDS[i], &ewt), OQ_EINVAL, "queue");
    }
    ERR(oq_queue_add_step(e, T0, "zq", &st), OQ_ENOTFOUND, "zq");
    ERR(oq_queue_clear_steps(e, T0, "zq"), OQ_ENOTFOUND, "zq");
    ERR(oq_queue_step_count(e, "zq", &n), OQ_ENOTFOUND, "zq");
    ERR(oq_contact_position(e, "zk", &pos, &ewt), OQ_ENOTFOUND, "zk");
    ERR(oq_queue_ewt(e, "zq", &ewt), OQ_ENOTFOUND, "zq");
    ERR(oq_queue_step_count(e, "qe", NULL), OQ_EINVAL, "count");
    ERR(oq_contact_position(e, "kq", NULL, &ewt), OQ_EINVAL, "position");
    ERR(oq_contact_position(e, "kq", &pos, NULL), OQ_EINVAL, "ewt_s");
    ERR(oq_queue_ewt(e, "qe", NULL), OQ_EINVAL, "ewt_s");
    assert_int_equal(n, -1);
    assert_int_equal(pos, -1);
    assert_true(ewt == -1);
    /* position only for a waiting contact */
    ERR(oq_contact_position(e, "ko", &pos, &ewt), OQ_ESTATE, "ko");
    ERR(oq_contact_position(e, "k1", &pos, &ewt), OQ_ESTATE, "k1");
    ERR(oq_contact_position(e, "kw", &pos, &ewt), OQ_ESTATE, "kw");
    assert_int_equal(pos, -1);
    assert_oq_ok(e, oq_contact_position(e, "kq", &pos, &ewt));
    assert_int_equal(pos, 1);
    assert_true(ewt >= 0); /* +inf: nobody ready may serve it */
    /* ladders change only on a queue without contacts */
    ERR(oq_queue_add_step(e, T0, "qa", &st), OQ_ESTATE, "qa");
    ERR(oq_queue_add_step(e, T0, "qb", &st), OQ_ESTATE, "qb");
    ERR(oq_queue_clear_steps(e, T0, "qa"), OQ_ESTATE, "qa");
    ERR(oq_queue_add_step(e, T0 - 1, "qe", &st), OQ_EINVAL, "now_ms");
    ERR(oq_queue_clear_steps(e, T0 - 1, "qe"), OQ_EINVAL, "now_ms");
    ERR(oq_queue_add_step(e, T0, "qe", NULL), OQ_EINVAL, "step");
    st.struct_size = 3;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "struct_size");
    /* every field out of range */
    struct {
        int field;
        double v;
        const char *name;
    } bad[] = {
        {0, 0, "action"},          {0, 100, "action"},
        {1, 2, "timing"},          {1, -1, "timing"},
        {2, -1, "after_s"},        {2, NAN, "after_s"},
        {2, INFINITY, "after_s"},  {2, 1e300, "after_s"},
        {3, 3, "skip_if_no_agents"}, {4, -1, "when_ewt_above_s"},
        {4, NAN, "when_ewt_above_s"}, {5, 1.5, "when_sl_below"},
        {5, -0.5, "when_sl_below"}, {5, NAN, "when_sl_below"},
    };
    for (int i = 0; i < N_OF(bad); i++) {
        oq_escalation_step_init(&st);
        switch (bad[i].field) {
        case 0: st.action = (int32_t)bad[i].v; break;
        case 1: st.timing = (int32_t)bad[i].v; break;
        case 2: st.after_s = bad[i].v; break;
        case 3: st.skip_if_no_agents = (int32_t)bad[i].v; break;
        case 4: st.when_ewt_above_s = bad[i].v; break;
        default: st.when_sl_below = bad[i].v; break;
        }
        ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, bad[i].name);
    }
    /* per-action arguments */
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_LOWER_LEVEL;
    st.skill = "zskill";
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ENOTFOUND, "zskill");
    st.skill = NULL;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "skill");
    st.skill = "sales"; /* qe does not require it */
    st.level = 1;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ESTATE, "sales");
    st.action = OQ_STEP_DROP_REQUIRED;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ESTATE, "sales");
    assert_oq_ok(e, oq_queue_require_skill(e, T0, "qe", "sales", 3));
    st.action = OQ_STEP_LOWER_LEVEL;
    st.level = 3; /* must be below the current 3 */
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "level");
    st.level = 0;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "level");
    st.action = OQ_STEP_ADD_GROUP;
    st.group = "zgroup";
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ENOTFOUND, "zgroup");
    st.group = "g2"; /* qe targets no group: everyone already qualifies */
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ESTATE, "qe");
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_RAISE_PRIORITY;
    st.priority = OQ_PRIORITY_MAX + 1;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "priority");
    st.action = OQ_STEP_OVERFLOW;
    st.queue = "qe";
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ESTATE, "qe");
    st.queue = "zq";
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ENOTFOUND, "zq");
    st.queue = NULL;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "queue");
    oq_escalation_step_init(&st);
    st.message = "\xff\xfe";
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "message");
    st.message = LONG_ID;
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_EINVAL, "message");
    /* at most OQ_LADDER_MAX steps */
    oq_escalation_step_init(&st);
    st.message = "m";
    for (int i = 0; i < OQ_LADDER_MAX; i++)
        assert_oq_ok(e, oq_queue_add_step(e, T0, "qe", &st));
    ERR(oq_queue_add_step(e, T0, "qe", &st), OQ_ERANGE, "qe");
    assert_oq_ok(e, oq_queue_step_count(e, "qe", &n));
    assert_int_equal(n, OQ_LADDER_MAX);
    /* steps hold references: the skill / queue they name cannot go */
    assert_oq_ok(e, oq_queue_clear_steps(e, T0, "qe"));
    assert_oq_ok(e, oq_queue_step_count(e, "qe", &n));
    assert_int_equal(n, 0);
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "qz";
    assert_oq_ok(e, oq_queue_add(e, &qs));
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_OVERFLOW;
    st.queue = "qz";
    assert_oq_ok(e, oq_queue_add_step(e, T0, "qe", &st));
    ERR(oq_queue_remove(e, "qz"), OQ_ESTATE, "qz");
    assert_oq_ok(e, oq_skill_add(e, "tmp", 2));
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_DROP_PREFERRED;
    st.skill = "tmp";
    assert_oq_ok(e, oq_queue_add_step(e, T0, "qe", &st));
    ERR(oq_skill_remove(e, "tmp"), OQ_ESTATE, "tmp");
    assert_oq_ok(e, oq_queue_clear_steps(e, T0, "qe"));
    assert_oq_ok(e, oq_skill_remove(e, "tmp"));
    assert_oq_ok(e, oq_queue_remove(e, "qz"));
    assert_oq_ok(e, oq_engine_check(e));
}

/* ---- re-entrancy -------------------------------------------------------------- */

typedef struct reentry {
    oq_engine *e;
    int fired;
    int n_calls;
    int n_busy_ok;
    int read_ok;
    int check_ok;
    int same_counts;
    char check_msg[256];
    char first_wrong[128];
} reentry;

static void reentry_fn(const oq_event *ev, void *user)
{
    reentry *r = user;
    oq_engine *e = r->e;
    if (ev->type != OQ_EV_OFFERED || r->fired)
        return;
    r->fired = 1;
    oq_engine_counts before = OQ_OUTPUT_INIT(oq_engine_counts), after = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_engine_get_counts(e, &before);
    int64_t now = ev->time_ms;
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    cs.id = "cb-chan";
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "cb-queue";
    oq_contact_spec ks;
    oq_contact_spec_init(&ks);
    ks.id = "cb-contact";
    ks.channel = "chat";
    ks.queue = "qa";
    oq_status got[] = {
        oq_engine_advance(e, now),
        oq_channel_add(e, &cs),
        oq_channel_update(e, &cs),
        oq_channel_remove(e, "chat"),
        oq_skill_add(e, "cb-skill", 3),
        oq_skill_remove(e, "lang"),
        oq_group_add(e, "cb-group"),
        oq_group_remove(e, "g1"),
        oq_agent_add(e, "cb-agent", 100),
        oq_agent_remove(e, "a2"),
        oq_agent_set_capacity(e, "a1", 50),
        oq_agent_set_skill(e, now, "a1", "lang", 1),
        oq_agent_set_channel_limit(e, now, "a1", "chat", 1),
        oq_agent_join_group(e, now, "a1", "g2"),
        oq_agent_leave_group(e, now, "a3", "g1"),
        oq_agent_login(e, now, "a2", 1),
        oq_agent_ready(e, now, "a3"),
        oq_agent_not_ready(e, now, "a1", "cb"),
        oq_agent_logout(e, now, "a1"),
        oq_agent_end_wrapup(e, now, "a5"),
        oq_queue_add(e, &qs),
        oq_queue_update(e, now, &qs),
        oq_queue_remove(e, "qe"),
        oq_queue_add_channel(e, now, "qe", "chat"),
        oq_queue_remove_channel(e, now, "qa", "chat"),
        oq_queue_require_skill(e, now, "qa", "lang", 1),
        oq_queue_prefer_skill(e, now, "qa", "lang", 1),
        oq_queue_add_group(e, now, "qa", "g2"),
        oq_queue_remove_group(e, now, "qb", "g1"),
        oq_contact_arrive(e, now, &ks),
        oq_offer_accept(e, now, ev->contact, ev->agent),
        oq_offer_reject(e, now, ev->contact, ev->agent),
        oq_contact_abandon(e, now, ev->contact),
        oq_contact_complete(e, now, "k1"),
        oq_contact_transfer(e, now, ev->contact, "qb"),
        oq_contact_set_priority(e, now, ev->contact, 9),
        oq_contact_remove(e, now, ev->contact),
        oq_queue_add_step(e, now, "qe", NULL),
        oq_queue_clear_steps(e, now, "qe"),
    };
    r->n_calls = N_OF(got);
    for (int i = 0; i < r->n_calls; i++) {
        if (got[i] == OQ_EBUSY)
            r->n_busy_ok++;
        else if (!r->first_wrong[0])
            snprintf(r->first_wrong, sizeof r->first_wrong, "call #%d returned %s", i,
                     oq_status_name(got[i]));
    }
    oq_engine_get_counts(e, &after);
    r->same_counts = memcmp(&before, &after, sizeof before) == 0;
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    int64_t t;
    int32_t steps = -1;
    double ewt = -1;
    r->read_ok = oq_queue_step_count(e, "qe", &steps) == OQ_OK && steps == 0 &&
                 oq_queue_ewt(e, "qa", &ewt) == OQ_OK &&
                 oq_agent_get(e, ev->agent, &ai) == OQ_OK && ai.n_offered >= 1 &&
                 oq_contact_get(e, ev->contact, &ci) == OQ_OK && ci.state == OQ_CONTACT_OFFERED &&
                 oq_queue_get(e, ev->queue, &qi) == OQ_OK && oq_engine_now(e, &t) == OQ_OK &&
                 t == now && oq_engine_next_deadline(e, &t) == OQ_OK &&
                 strstr(oq_engine_last_error(e), "callback") != NULL;
    r->check_ok = oq_engine_check(e) == OQ_OK;
    if (!r->check_ok)
        snprintf(r->check_msg, sizeof r->check_msg, "%s", oq_engine_last_error(e));
}

static void mutating_calls_from_callback_are_busy(void **state)
{
    fixture *f = *state;
    /* Re-route the fixture's events through the re-entrant sink: build a
     * second engine the same way, with that sink. */
    (void)f;
    reentry r;
    memset(&r, 0, sizeof r);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = reentry_fn;
    o.event_user = &r;
    o.start_ms = T0;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    r.e = e;
    add_channel(e, "chat", 0, 30, 3);
    assert_oq_ok(e, oq_skill_add(e, "lang", 3));
    assert_oq_ok(e, oq_group_add(e, "g1"));
    assert_oq_ok(e, oq_group_add(e, "g2"));
    add_queue(e, "qa", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    add_queue(e, "qb", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "chat");
    add_queue(e, "qe", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, NULL);
    assert_oq_ok(e, oq_queue_add_group(e, T0, "qb", "g1"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    add_agent(e, "a3", 100);
    add_agent(e, "a5", 100);
    assert_oq_ok(e, oq_agent_join_group(e, T0, "a3", "g1"));
    assert_oq_ok(e, oq_agent_login(e, T0, "a1", 1));
    assert_oq_ok(e, arrive(e, T0, "k1", "chat", "qa", 0)); /* OFFERED -> callback */
    assert_int_equal(r.fired, 1);
    if (r.first_wrong[0])
        fail_msg("mutating call from a callback: %s", r.first_wrong);
    assert_int_equal(r.n_busy_ok, r.n_calls);
    assert_true(r.same_counts);
    assert_true(r.read_ok);
    /* After the callback nothing was changed by the refused calls. */
    oq_engine_counts c = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &c));
    assert_int_equal(c.agents, 4);
    assert_int_equal(c.queues, 3);
    assert_int_equal(c.channels, 1);
    assert_int_equal(c.skills, 1);
    assert_int_equal(c.groups, 2);
    assert_int_equal(c.contacts, 1);
    assert_int_equal(c.contacts_offered, 1);
    assert_int_equal(agent_state(e, "a2"), OQ_AGENT_OFFLINE);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    /* engine.h: oq_engine_check is read-only and callable from callbacks;
     * from inside the OFFERED event it must not report corruption. */
    if (!r.check_ok)
        fail_msg("oq_engine_check() inside the OFFERED callback: %s", r.check_msg);
}

/* oq_engine_check from inside every kind of event sees a consistent engine. */
typedef struct check_sink {
    oq_engine *e;
    int n, bad;
    char first[256];
} check_sink;

static void check_sink_fn(const oq_event *ev, void *user)
{
    check_sink *s = user;
    s->n++;
    if (oq_engine_check(s->e) != OQ_OK && !s->bad++)
        snprintf(s->first, sizeof s->first, "during %s: %s", oq_event_type_name(ev->type),
                 oq_engine_last_error(s->e));
}

static void engine_check_inside_callbacks(void **state)
{
    (void)state;
    check_sink s;
    memset(&s, 0, sizeof s);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = check_sink_fn;
    o.event_user = &s;
    assert_oq_ok(NULL, oq_engine_create(&o, &s.e));
    oq_engine *e = s.e;
    add_channel(e, "chat", 0, 30, 3);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.wrapup_s = 1;
    q.offer_timeout_s = 2;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    add_agent(e, "a", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a", 1));
    assert_oq_ok(e, arrive(e, 0, "k", "chat", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 0, "k", "a"));
    assert_oq_ok(e, oq_contact_complete(e, 0, "k"));
    assert_oq_ok(e, oq_engine_advance(e, 1000));
    assert_oq_ok(e, arrive(e, 1000, "k2", "chat", "q", 0));
    assert_oq_ok(e, oq_engine_advance(e, 3000)); /* time-out */
    assert_oq_ok(e, oq_engine_check(e));
    assert_true(s.n > 5);
    oq_engine_destroy(e);
    if (s.bad)
        fail_msg("oq_engine_check() failed inside %d of %d callbacks, first %s", s.bad, s.n,
                 s.first);
}

/* Failed calls leave the last-error message; successful ones need not clear it,
 * but a NULL engine never crashes and the message belongs to the engine. */
static void messages_are_per_engine(void **state)
{
    (void)state;
    oq_engine *a = NULL, *b = NULL;
    assert_oq_ok(NULL, oq_engine_create(NULL, &a));
    assert_oq_ok(NULL, oq_engine_create(NULL, &b));
    assert_int_equal(oq_agent_remove(a, "ghost"), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(a), "ghost"));
    assert_string_equal(oq_engine_last_error(b), "");
    assert_int_equal(oq_skill_add(b, "s", 0), OQ_EINVAL);
    assert_non_null(strstr(oq_engine_last_error(b), "max_level"));
    assert_non_null(strstr(oq_engine_last_error(a), "ghost"));
    oq_engine_destroy(a);
    oq_engine_destroy(b);
}

/* Times near INT64_MAX: either refused as out of range (OQ_EINVAL) or
 * handled — an offer made then must not time out at once (timer due times
 * must saturate, not overflow). Last: under UBSan the overflow aborts. */
static void time_near_int64_max(void **state)
{
    (void)state;
    recorder *r = calloc(1, sizeof *r);
    assert_non_null(r);
    oq_engine *e = new_engine(r, NULL);
    add_channel(e, "chat", 0, 30, 3);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.wrapup_s = 5;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    add_agent(e, "a", 100);
    const int64_t t = INT64_MAX - 1000;
    oq_status st = oq_engine_advance(e, t);
    if (st == OQ_EINVAL) { /* a documented range limit would be fine too */
        assert_true(oq_engine_last_error(e)[0] != '\0');
        oq_engine_destroy(e);
        free(r);
        return;
    }
    assert_oq_ok(NULL, st);
    assert_oq_ok(e, oq_agent_login(e, t, "a", 1));
    assert_oq_ok(e, arrive(e, t, "k", "chat", "q", 0));
    int timed_out = recorder_count(r, OQ_EV_OFFER_TIMEOUT, "k");
    oq_status acc = oq_offer_accept(e, t, "k", "a");
    oq_status chk = oq_engine_check(e);
    oq_engine_destroy(e);
    free(r);
    if (timed_out || acc != OQ_OK)
        fail_msg("offer made at INT64_MAX-1000 with a 30 s time-out timed out at once "
                 "(%d OFFER_TIMEOUT, accept %s)", timed_out, oq_status_name(acc));
    assert_oq_ok(NULL, chk);
}

int main(void)
{
    init_ids();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_engine_everywhere),
        cmocka_unit_test(spec_inits_and_names),
        cmocka_unit_test(engine_create_and_time),
        cmocka_unit_test(messages_are_per_engine),
        cmocka_unit_test_setup_teardown(time_never_goes_backwards, setup, teardown),
        cmocka_unit_test_setup_teardown(channel_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(skill_and_group_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(agent_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(queue_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(arrive_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(contact_call_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(accept_after_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(limit_spec_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(callback_channel_cannot_be_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(escalation_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(mutating_calls_from_callback_are_busy, setup, teardown),
        cmocka_unit_test(engine_check_inside_callbacks),
        cmocka_unit_test(time_near_int64_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
