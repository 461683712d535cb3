/* SPDX-License-Identifier: MIT */
/* Versioned structs (include/omniq/core.h): a struct from an "older header"
 * (struct_size = the offset of its last field) is accepted and its missing
 * tail takes the _init default; an output struct with a smaller struct_size
 * gets only its prefix written (the bytes past it keep a canary); sizes
 * above sizeof or below the minimum are refused with the struct's name.
 *
 * The missing field is always set to a value the library would refuse
 * (or that would change what it reports), so reading it past struct_size
 * would show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_oq.h"
#include "omniq/omniq.h"
#include "prefix_check.h"
#include "test_support.h"

/* The engine's message names `needle` (the struct), else fail saying what it was. */
static void assert_message(oq_engine *e, const char *needle)
{
    const char *m = oq_engine_last_error(e);
    if (!strstr(m, needle))
        fail_msg("message '%s' does not name '%s'", m, needle);
}

static oq_engine *engine_with_queue(void)
{
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    return e;
}

/* ---- input structs: older header accepted, the tail defaulted ------------------------ */

static void engine_options_older_header(void **state)
{
    (void)state;
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.last_agent_max = -5; /* refused when read */
    oq_engine *e = NULL;
    assert_int_equal(oq_engine_create(&o, &e), OQ_EINVAL);
    o.struct_size = OLDER(oq_engine_options, last_agent_max);
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    oq_engine_destroy(e);
    /* Restore takes the same options the same way. */
    e = new_engine(NULL, NULL);
    void *buf = NULL;
    size_t len = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &len));
    oq_engine *r = NULL;
    assert_oq_ok_e(oq_engine_restore_buffer, &o, buf, len, &r);
    oq_engine_destroy(r);
    oq_free(buf);
    oq_engine_destroy(e);
}

static void channel_spec_older_header(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    oq_channel_spec s;
    oq_channel_spec_init(&s);
    s.id = "chat";
    s.exclusive = 1;
    s.capacity_cost = 30;
    s.max_per_agent = 0; /* refused when read; the default is 1 */
    assert_int_equal(oq_channel_add(e, &s), OQ_EINVAL);
    s.struct_size = OLDER(oq_channel_spec, capacity_cost);
    assert_oq_ok(e, oq_channel_add(e, &s));
    oq_channel_spec got;
    oq_channel_spec_init(&got);
    assert_oq_ok(e, oq_channel_get(e, "chat", &got));
    assert_int_equal(got.exclusive, 1);        /* the prefix was taken */
    assert_int_equal(got.capacity_cost, 100);  /* the tail is the default */
    assert_int_equal(got.max_per_agent, 1);
    assert_oq_ok(e, oq_channel_update(e, &s));
    oq_engine_destroy(e);
}

static void queue_spec_older_header(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    oq_queue_spec s;
    oq_queue_spec_init(&s);
    s.id = "q";
    s.priority = 7;
    s.business_time = 1; /* needs a calendar: refused when read */
    assert_int_equal(oq_queue_add(e, &s), OQ_EINVAL);
    s.struct_size = OLDER(oq_queue_spec, business_time);
    assert_oq_ok(e, oq_queue_add(e, &s));
    assert_oq_ok(e, oq_queue_update(e, 0, &s));
    oq_queue_spec got;
    oq_queue_spec_init(&got);
    assert_oq_ok(e, oq_queue_get_spec(e, "q", &got));
    assert_int_equal(got.priority, 7);
    assert_int_equal(got.business_time, 0);
    oq_engine_destroy(e);
}

static void contact_spec_older_header(void **state)
{
    (void)state;
    oq_engine *e = engine_with_queue();
    oq_contact_spec c;
    oq_contact_spec_init(&c);
    c.id = "k1";
    c.channel = "voice";
    c.queue = "q";
    c.priority = 3;
    c.preferred_wait_s = -1; /* refused when read */
    assert_int_equal(oq_contact_arrive(e, 10, &c), OQ_EINVAL);
    c.struct_size = OLDER(oq_contact_spec, preferred_wait_s);
    assert_oq_ok(e, oq_contact_arrive(e, 10, &c));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "k1", &ci));
    assert_int_equal(ci.priority, 3);
    assert_int_equal(ci.reserved_until_ms, 0);
    oq_engine_destroy(e);
}

static void escalation_step_older_header(void **state)
{
    (void)state;
    oq_engine *e = engine_with_queue();
    oq_escalation_step st;
    oq_escalation_step_init(&st);
    st.action = OQ_STEP_RAISE_PRIORITY;
    st.after_s = 30;
    st.priority = 5;
    st.when_sl_below = 7; /* outside (0, 1]: refused when read */
    assert_int_equal(oq_queue_add_step(e, 0, "q", &st), OQ_EINVAL);
    st.struct_size = OLDER(oq_escalation_step, when_sl_below);
    assert_oq_ok(e, oq_queue_add_step(e, 0, "q", &st));
    int32_t n = 0;
    assert_oq_ok(e, oq_queue_step_count(e, "q", &n));
    assert_int_equal(n, 1);
    oq_engine_destroy(e);
}

static void agent_policy_older_header(void **state)
{
    (void)state;
    oq_engine *e = engine_with_queue();
    add_agent(e, "a1", 100);
    oq_agent_policy p;
    oq_agent_policy_init(&p);
    p.max_no_answer = 2;
    p.no_answer_delay_s = -1; /* refused when read */
    assert_int_equal(oq_agent_set_policy(e, 0, "a1", &p), OQ_EINVAL);
    p.struct_size = OLDER(oq_agent_policy, no_answer_delay_s);
    assert_oq_ok(e, oq_agent_set_policy(e, 0, "a1", &p));
    oq_engine_destroy(e);
}

static void stats_options_older_header(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    oq_stats_options o, defaults;
    oq_stats_options_init(&o);
    oq_stats_options_init(&defaults);
    o.ring_size = 12;
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        o.wait_bounds_s[i] = -1; /* refused when read */
    assert_int_equal(oq_stats_configure(e, &o), OQ_EINVAL);
    o.struct_size = OLDER(oq_stats_options, wait_bounds_s);
    assert_oq_ok(e, oq_stats_configure(e, &o));
    oq_stats_options got;
    oq_stats_options_init(&got);
    assert_oq_ok(e, oq_stats_get_options(e, &got));
    assert_int_equal(got.ring_size, 12);
    assert_memory_equal(got.wait_bounds_s, defaults.wait_bounds_s, sizeof got.wait_bounds_s);
    oq_engine_destroy(e);
}

static void load_options_older_header(void **state)
{
    (void)state;
    static const char yaml[] = "channels:\n  voice: {capacity_cost: 100}\n";
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = 0; /* refused when read */
    oq_error err = OQ_ERROR_INIT;
    oq_engine *e = NULL;
    assert_int_equal(oq_config_load(&lo, NULL, yaml, strlen(yaml), "t.yaml", &e, NULL, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "max_errors"));
    lo.max_errors = 5;
    lo.max_nodes = 0; /* refused when read; a later field than max_errors */
    lo.struct_size = OLDER(oq_load_options, max_bytes);
    assert_oq_ok_err(&err, oq_config_load(&lo, NULL, yaml, strlen(yaml), "t.yaml", &e, NULL, &err));
    oq_engine_destroy(e);
}

static void calendar_options_older_header(void **state)
{
    (void)state;
    oq_calendar_options o;
    oq_calendar_options_init(&o);
    o.tzdir = "/nonexistent/zoneinfo"; /* no zone found there when read */
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_not_equal(oq_calendar_create("c", "Europe/London", &o, &cal, &err), OQ_OK);
    o.struct_size = OLDER(oq_calendar_options, tzdir);
    assert_oq_ok_err(&err, oq_calendar_create("c", "Europe/London", &o, &cal, &err));
    oq_calendar_destroy(cal);
}

static void staffing_options_older_header(void **state)
{
    (void)state;
    oq_staffing_options o;
    oq_staffing_options_init(&o);
    o.threshold_s = 20;
    o.target_sl = 0.8;
    oq_staffing_result plain = OQ_OUTPUT_INIT(oq_staffing_result);
    oq_staffing_result older = OQ_OUTPUT_INIT(oq_staffing_result);
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &plain, NULL)); /* shrinkage 0 */
    o.shrinkage = 5; /* outside [0, 1): refused when read */
    assert_int_equal(oq_erlang_staffing(100, 180, &o, &older, NULL), OQ_EINVAL);
    o.struct_size = (uint32_t)OLDER(oq_staffing_options, shrinkage);
    assert_oq_ok(NULL, oq_erlang_staffing(100, 180, &o, &older, NULL));
    assert_memory_equal(&plain, &older, sizeof plain);
}

static void schedule_horizon_older_header(void **state)
{
    (void)state;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 3;
    h.interval_s = 7; /* does not divide a day into >= 60 s intervals: refused when read */
    oq_schedule *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_schedule_create(&h, &s, &err), OQ_EINVAL);
    h.struct_size = OLDER(oq_schedule_horizon, interval_s);
    assert_oq_ok_err(&err, oq_schedule_create(&h, &s, &err));
    oq_schedule_horizon got = OQ_OUTPUT_INIT(oq_schedule_horizon);
    oq_schedule_horizon_init(&got);
    assert_oq_ok(NULL, oq_schedule_get_horizon(s, &got, NULL));
    assert_int_equal(got.days, 3);
    assert_true(got.interval_s == 900);
    oq_schedule_destroy(s);
}

static oq_status build_nothing(oq_engine *e, uint64_t seed, void *user)
{
    (void)e, (void)seed, (void)user;
    return OQ_OK;
}

/* An allocator hook that counts its calls (user: int64_t). */
static void *counting_hook(void *ptr, size_t old_size, size_t new_size, void *user)
{
    (void)old_size;
    ++*(int64_t *)user;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

static void sim_options_older_header(void **state)
{
    (void)state;
    oq_sim_stream stream;
    memset(&stream, 0, sizeof stream);
    stream.queue = "q";
    stream.channel = "voice";
    stream.rate_per_hour = 10;
    stream.handle.kind = OQ_DIST_EXPONENTIAL;
    stream.handle.mean = 180;
    oq_sim_options o;
    oq_sim_options_init(&o);
    o.build = build_nothing;
    o.n_streams = 1;
    o.streams = &stream;
    oq_error msg = OQ_ERROR_INIT;
    assert_oq_ok_err(&msg, oq_sim_options_check(&o, &msg));
    o.default_accept_prob = 5; /* outside [0, 1]: refused when read */
    assert_int_equal(oq_sim_options_check(&o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "default_accept_prob"));
    o.struct_size = OLDER(oq_sim_options, default_accept_prob); /* an older header still */
    if (oq_sim_options_check(&o, &msg) != OQ_OK)
        fail_msg("older oq_sim_options refused: %s", msg.message);
    o.struct_size = sizeof o + 8;
    assert_int_equal(oq_sim_options_check(&o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "oq_sim_options.struct_size"));

    /* alloc / alloc_user were appended: a caller whose struct ends before
     * them gets the C library, whatever lies past its struct_size. */
    o.default_accept_prob = 1;
    int64_t calls = 0;
    o.alloc = counting_hook;
    o.alloc_user = &calls;
    o.struct_size = OLDER(oq_sim_options, alloc);
    oq_sim *sim = NULL;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    oq_sim_destroy(sim);
    assert_int_equal(calls, 0);
    /* engine_stats was appended after them: an older caller gets the
     * default (checked, so garbage past its struct_size would be refused). */
    o.engine_stats = 99;
    o.struct_size = OLDER(oq_sim_options, engine_stats);
    assert_oq_ok_err(&msg, oq_sim_options_check(&o, &msg));
    o.struct_size = sizeof o;
    assert_int_equal(oq_sim_options_check(&o, &msg), OQ_EINVAL);
    assert_non_null(strstr(msg.message, "engine_stats"));
    o.engine_stats = OQ_SIM_ENGINE_STATS_LAST;
    assert_oq_ok_e(oq_sim_create, &o, &sim);
    oq_sim_destroy(sim);
    assert_true(calls > 0);
}

/* ---- sizes out of range: refused, naming the struct -------------------------------- */

static void sizes_out_of_range_are_refused(void **state)
{
    (void)state;
    oq_engine *e = engine_with_queue();
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q2";
    q.struct_size = sizeof q + 8;
    assert_int_equal(oq_queue_add(e, &q), OQ_EINVAL);
    assert_message(e, "oq_queue_spec.struct_size");
    q.struct_size = (uint32_t)offsetof(oq_queue_spec, id); /* not even the first field */
    assert_int_equal(oq_queue_add(e, &q), OQ_EINVAL);
    assert_message(e, "oq_queue_spec.struct_size");
    /* No header's struct ends mid-pointer: a size there would splice half the
     * caller's callback_channel onto the default NULL (found by fuzz_api). */
    q.callback_channel = "voice";
    q.struct_size = (uint32_t)offsetof(oq_queue_spec, callback_channel) + 4;
    assert_int_equal(oq_queue_add(e, &q), OQ_EINVAL);
    assert_message(e, "not a multiple of 8");
    q.callback_channel = NULL;
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    qi.struct_size = sizeof qi + 4;
    assert_int_equal(oq_queue_get(e, "q", &qi), OQ_EINVAL);
    assert_message(e, "oq_queue_info.struct_size");
    oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
    st.struct_size = 0;
    assert_int_equal(oq_stats_queue(e, "q", OQ_PERIOD_DAY, &st), OQ_EINVAL);
    assert_message(e, "oq_queue_stats.struct_size");
    oq_error err = OQ_ERROR_INIT;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.struct_size = 2;
    oq_schedule *s = NULL;
    assert_int_equal(oq_schedule_create(&h, &s, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_schedule_horizon.struct_size"));
    oq_engine_destroy(e);
}

/* ---- output structs: only the prefix written, the rest untouched ------------------- */

/* An engine getter: its message on the engine `e`. */
#define ENGINE_OK(call) assert_oq_ok(e, call)
#define CHECK_PREFIX(type, older, call_full, call_older) \
    CHECK_PREFIX_AS(ENGINE_OK, type, older, call_full, call_older)

static oq_engine *busy_engine(void)
{
    oq_engine *e = engine_with_queue();
    add_agent(e, "a1", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, arrive(e, 1000, "k1", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 2000, "k2", "voice", "q", 0));
    assert_oq_ok(e, oq_offer_accept(e, 3000, "k1", "a1"));
    return e;
}

static void outputs_write_only_their_prefix(void **state)
{
    (void)state;
    oq_engine *e = busy_engine();
    CHECK_PREFIX(oq_queue_stats, OLDER(oq_queue_stats, sl_business),
                 oq_stats_queue(e, "q", OQ_PERIOD_DAY, o), oq_stats_queue(e, "q", OQ_PERIOD_DAY, o));
    CHECK_PREFIX(oq_queue_stats, OLDER(oq_queue_stats, offered),
                 oq_stats_center(e, OQ_PERIOD_DAY, o), oq_stats_center(e, OQ_PERIOD_DAY, o));
    CHECK_PREFIX(oq_agent_stats, OLDER(oq_agent_stats, dropped),
                 oq_stats_agent(e, "a1", OQ_PERIOD_DAY, o), oq_stats_agent(e, "a1", OQ_PERIOD_DAY, o));
    CHECK_PREFIX(oq_agent_info, OLDER(oq_agent_info, not_ready_reason),
                 oq_agent_get(e, "a1", o), oq_agent_get(e, "a1", o));
    CHECK_PREFIX(oq_queue_info, OLDER(oq_queue_info, open), oq_queue_get(e, "q", o),
                 oq_queue_get(e, "q", o));
    CHECK_PREFIX(oq_contact_info, OLDER(oq_contact_info, kept_place_callback),
                 oq_contact_get(e, "k1", o), oq_contact_get(e, "k1", o));
    /* Input types read back: the prefix of what oq_*_init + the getter give. */
    {
        union {
            oq_queue_spec s;
            unsigned char b[sizeof(oq_queue_spec) + 16];
        } u;
        oq_queue_spec full, *older = &u.s;
        memset(u.b, CANARY, sizeof u.b);
        oq_queue_spec_init(&full);
        older->struct_size = OLDER(oq_queue_spec, business_time);
        assert_oq_ok(e, oq_queue_get_spec(e, "q", &full));
        assert_oq_ok(e, oq_queue_get_spec(e, "q", older));
        assert_string_equal(older->id, "q");
        assert_int_equal(older->ordering, OQ_ORDER_FIFO);
        for (size_t k = offsetof(oq_queue_spec, business_time); k < sizeof u.b; k++)
            if (u.b[k] != CANARY)
                fail_msg("oq_queue_spec: byte %zu past struct_size was written", k);
    }
    /* Figures that were there: the prefix is not just zeros. */
    oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &st));
    assert_int_equal(st.offered, 2);
    assert_int_equal(st.answered, 1);
    oq_engine_destroy(e);
}

static void counts_and_reasons_write_only_their_prefix(void **state)
{
    (void)state;
    oq_engine *e = busy_engine();
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_set_channel_limit(e, 3000, "a2", "voice", 0)); /* k2 stays queued */
    assert_oq_ok(e, oq_agent_login(e, 3000, "a2", 1));
    assert_oq_ok(e, oq_agent_not_ready(e, 4000, "a2", "lunch"));
    assert_oq_ok(e, oq_engine_advance(e, 9000));
    /* oq_engine_counts holds int32 only: an older header ends at any multiple of 4. */
    CHECK_PREFIX(oq_engine_counts, (uint32_t)offsetof(oq_engine_counts, contacts_parked),
                 oq_engine_get_counts(e, o), oq_engine_get_counts(e, o));
    CHECK_PREFIX(oq_reason_stats, OLDER(oq_reason_stats, seconds),
                 oq_stats_agent_reason(e, "a2", OQ_PERIOD_DAY, 0, o),
                 oq_stats_agent_reason(e, "a2", OQ_PERIOD_DAY, 0, o));
    /* What the full structs say (the prefixes above are not just zeros). */
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &n));
    assert_int_equal(n.agents, 2);
    assert_int_equal(n.contacts, 2);
    oq_reason_stats r = OQ_OUTPUT_INIT(oq_reason_stats);
    assert_oq_ok(e, oq_stats_agent_reason(e, "a2", OQ_PERIOD_DAY, 0, &r));
    assert_string_equal(r.reason, "lunch");
    assert_true(r.seconds == 5.0);
    /* Too small or too large: refused naming the struct, nothing written. */
    n.struct_size = 2;
    n.agents = -7;
    assert_int_equal(oq_engine_get_counts(e, &n), OQ_EINVAL);
    assert_message(e, "oq_engine_counts.struct_size");
    assert_int_equal(n.agents, -7);
    n.struct_size = sizeof n + 4;
    assert_int_equal(oq_engine_get_counts(e, &n), OQ_EINVAL);
    assert_message(e, "oq_engine_counts.struct_size");
    r.struct_size = (uint32_t)offsetof(oq_reason_stats, reason); /* not even the reason */
    assert_int_equal(oq_stats_agent_reason(e, "a2", OQ_PERIOD_DAY, 0, &r), OQ_EINVAL);
    assert_message(e, "oq_reason_stats.struct_size");
    oq_engine_destroy(e);
}

/* `rel` (a path in the source tree) from this file's own path. */
static void source_path(const char *rel, char *path, size_t n)
{
    const char *me = __FILE__, *cut = strstr(me, "tests/unit/test_abi.c");
    snprintf(path, n, "%.*s%s", cut ? (int)(cut - me) : 0, me, rel);
}

/* The getters that hand an input struct back (no engine: *err holds the
 * message) write only the caller's struct_size bytes too. */
static void input_getters_write_only_their_prefix(void **state)
{
    (void)state;
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.days = 3;
    oq_schedule *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_schedule_create(&h, &s, &err));
    union {
        oq_schedule_horizon h;
        unsigned char b[sizeof(oq_schedule_horizon) + 16];
    } u;
    memset(u.b, CANARY, sizeof u.b);
    uint32_t older = OLDER(oq_schedule_horizon, alloc); /* a header without the allocator */
    u.h.struct_size = older;
    assert_oq_ok_err(&err, oq_schedule_get_horizon(s, &u.h, &err));
    assert_int_equal(u.h.struct_size, older);
    assert_int_equal(u.h.days, 3);
    assert_true(u.h.interval_s == 900);
    for (size_t k = older; k < sizeof u.b; k++)
        if (u.b[k] != CANARY)
            fail_msg("oq_schedule_horizon: byte %zu past struct_size %u was written", k, (unsigned)older);
    u.h.struct_size = 3;
    u.h.days = -1;
    assert_int_equal(oq_schedule_get_horizon(s, &u.h, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_schedule_horizon.struct_size"));
    assert_int_equal(u.h.days, -1);
    oq_schedule_destroy(s);

    /* oq_scenario_options: the same rule through the scenario loader. */
    char path[1024];
    source_path("tests/config/sim_small.yaml", path, sizeof path);
    oq_scenario *sc = NULL;
    oq_error cerr = OQ_ERROR_INIT;
    if (oq_scenario_load_file(path, &sc, &cerr) != OQ_OK)
        fail_msg("%s: %s", path, cerr.message);
    oq_sim_options full = OQ_OUTPUT_INIT(oq_sim_options);
    assert_oq_ok_err(&err, oq_scenario_options(sc, &full, &err));
    union {
        oq_sim_options o;
        unsigned char b[sizeof(oq_sim_options) + 16];
    } v;
    memset(v.b, CANARY, sizeof v.b);
    older = OLDER(oq_sim_options, default_accept_prob);
    v.o.struct_size = older;
    assert_oq_ok_err(&err, oq_scenario_options(sc, &v.o, &err));
    assert_memory_equal(v.b + 4, (unsigned char *)&full + 4, older - 4);
    for (size_t k = older; k < sizeof v.b; k++)
        if (v.b[k] != CANARY)
            fail_msg("oq_sim_options: byte %zu past struct_size %u was written", k, (unsigned)older);
    v.o.struct_size = 0;
    assert_int_equal(oq_scenario_options(sc, &v.o, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_sim_options.struct_size"));
    assert_int_equal(oq_scenario_options(sc, NULL, &err), OQ_EINVAL);
    oq_scenario_free(sc);
}

/* The planning results (no engine: *err holds the message): a plan file
 * run once (no correction, two replications). */
static void plan_outputs_write_only_their_prefix(void **state)
{
    (void)state;
    char path[1024];
    source_path("examples/plan/plan.yaml", path, sizeof path);
    oq_plan_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_plan_scenario_load(path, &sc, &err));
    oq_plan_options po = OQ_OUTPUT_INIT(oq_plan_options);
    assert_oq_ok_err(&err, oq_plan_scenario_options(sc, &po, &err));
    oq_plan_sim_options so = *po.sim;
    so.replications = 2;
    po.sim = &so;
    po.max_iterations = 0;
    oq_plan *plan = NULL;
    assert_oq_ok_err(&err, oq_plan_scenario_run(sc, &po, &plan, &err));
    const oq_plan_sim *sim = oq_plan_simulation(plan);

    CHECK_PREFIX_ERR(oq_plan_scenario_info, OLDER(oq_plan_scenario_info, threshold_s),
                     oq_plan_scenario_info_get(sc, o, &err));
    CHECK_PREFIX_ERR(oq_plan_summary, OLDER(oq_plan_summary, seconds),
                     oq_plan_summary_get(plan, o, &err));
    CHECK_PREFIX_ERR(oq_plan_iteration, OLDER(oq_plan_iteration, cpu_seconds),
                     oq_plan_iteration_get(plan, 0, o, &err));
    CHECK_PREFIX_ERR(oq_plan_sim_info, OLDER(oq_plan_sim_info, seconds),
                     oq_plan_sim_info_get(sim, o, &err));
    CHECK_PREFIX_ERR(oq_plan_counts, OLDER(oq_plan_counts, abandoned),
                     oq_plan_sim_counts(sim, 1, -1, 20, o, &err));
    CHECK_REFUSED_ERR(oq_plan_scenario_info, oq_plan_scenario_info_get(sc, o, &err));
    CHECK_REFUSED_ERR(oq_plan_summary, oq_plan_summary_get(plan, o, &err));
    CHECK_REFUSED_ERR(oq_plan_iteration, oq_plan_iteration_get(plan, 0, o, &err));
    CHECK_REFUSED_ERR(oq_plan_sim_info, oq_plan_sim_info_get(sim, o, &err));
    CHECK_REFUSED_ERR(oq_plan_counts, oq_plan_sim_counts(sim, 1, -1, 20, o, &err));

    /* The prefixes above hold figures, not zeros: what the file says. */
    oq_plan_scenario_info info = OQ_OUTPUT_INIT(oq_plan_scenario_info);
    assert_oq_ok_err(&err, oq_plan_scenario_info_get(sc, &info, &err));
    assert_int_equal(info.days, 7);
    assert_int_equal(info.interval_s, 1800);
    oq_plan_sim_info si = OQ_OUTPUT_INIT(oq_plan_sim_info);
    assert_oq_ok_err(&err, oq_plan_sim_info_get(sim, &si, &err));
    assert_int_equal(si.replications, 2);
    assert_int_equal(si.n_intervals, 7 * 48);
    oq_plan_summary sum = OQ_OUTPUT_INIT(oq_plan_summary);
    assert_oq_ok_err(&err, oq_plan_summary_get(plan, &sum, &err));
    assert_int_equal(sum.iterations, 1);
    assert_true(sum.paid_hours > 0);
    /* An index out of range says so. */
    oq_plan_iteration it = OQ_OUTPUT_INIT(oq_plan_iteration);
    assert_int_equal(oq_plan_iteration_get(plan, 1, &it, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "iteration 1 out of range (1)"));
    oq_plan_destroy(plan);
    oq_plan_scenario_destroy(sc);
}

/* The Erlang results (pure functions: *err holds the message). Figures
 * chosen so every field is non-zero: Erlang A at 100 Erlangs on 105 agents,
 * staffing with shrinkage, chat with 3 sessions, a plan of 3 intervals. */
static void erlang_outputs_write_only_their_prefix(void **state)
{
    (void)state;
    oq_error err = OQ_ERROR_INIT;
    oq_staffing_options so;
    oq_staffing_options_init(&so);
    so.threshold_s = 20;
    so.target_sl = 0.8;
    so.shrinkage = 0.3;
    const double chat_aht[3] = {300, 420, 600};
    double contacts[3] = {0, 250, 400}, aht[3] = {180, 180, 240};
    oq_plan_interval rows[3];

    CHECK_PREFIX_ERR(oq_erlang_a_result, OLDER(oq_erlang_a_result, asa_s),
                     oq_erlang_a(100, 105, 180, 120, 20, o, &err));
    CHECK_PREFIX_ERR(oq_staffing_result, OLDER(oq_staffing_result, asa_s),
                     oq_erlang_staffing(100, 180, &so, o, &err));
    CHECK_PREFIX_ERR(oq_erlang_chat_result, OLDER(oq_erlang_chat_result, occupancy),
                     oq_erlang_chat(20, 9, 3, chat_aht, 30, o, &err));
    CHECK_PREFIX_ERR(oq_plan_totals, OLDER(oq_plan_totals, scheduled_agent_hours),
                     oq_erlang_plan(contacts, aht, 3, 900, &so, rows, o, &err));
    CHECK_REFUSED_ERR(oq_erlang_a_result, oq_erlang_a(100, 105, 180, 120, 20, o, &err));
    CHECK_REFUSED_ERR(oq_staffing_result, oq_erlang_staffing(100, 180, &so, o, &err));
    CHECK_REFUSED_ERR(oq_erlang_chat_result, oq_erlang_chat(20, 9, 3, chat_aht, 30, o, &err));
    CHECK_REFUSED_ERR(oq_plan_totals, oq_erlang_plan(contacts, aht, 3, 900, &so, rows, o, &err));

    /* A plan refused for its totals' size writes no row either. */
    memset(rows, CANARY, sizeof rows);
    oq_plan_totals bad = OQ_OUTPUT_INIT(oq_plan_totals);
    bad.struct_size = 2;
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &so, rows, &bad, &err), OQ_EINVAL);
    for (size_t k = 0; k < sizeof rows; k++)
        if (((unsigned char *)rows)[k] != CANARY)
            fail_msg("oq_erlang_plan: row byte %zu written by a refused call", k);

    /* The prefixes hold figures: what the model gives (test_erlang_* check
     * the values themselves). */
    oq_erlang_a_result a = OQ_OUTPUT_INIT(oq_erlang_a_result);
    assert_oq_ok_err(&err, oq_erlang_a(100, 105, 180, 120, 20, &a, &err));
    assert_true(a.p_wait > 0 && a.p_wait < 1 && a.p_abandon > 0 && a.service_level > 0);
    assert_int_equal(a.struct_size, sizeof a);
    assert_int_equal(a.reserved, 0);
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    assert_oq_ok_err(&err, oq_erlang_staffing(100, 180, &so, &r, &err));
    assert_true(r.required > 100 && r.scheduled > r.required);
    assert_int_equal(r.reserved, 0);
    oq_plan_totals t = OQ_OUTPUT_INIT(oq_plan_totals);
    assert_oq_ok_err(&err, oq_erlang_plan(contacts, aht, 3, 900, &so, rows, &t, &err));
    assert_int_equal(t.peak_interval, 2);
    assert_int_equal(t.peak_required, rows[2].required);
    assert_true(t.contacts == 650);

    /* Bad arguments are named; NULL err is allowed. */
    assert_int_equal(oq_erlang_a(100, 105, -1, 120, 20, &a, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_erlang_a: aht_s must be > 0"));
    assert_int_equal(oq_erlang_a(100, 105, 180, 120, 20, NULL, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_erlang_a_result: out is NULL"));
    oq_erlang_chat_result c = OQ_OUTPUT_INIT(oq_erlang_chat_result);
    assert_int_equal(oq_erlang_chat(20, 9, 65, chat_aht, 30, &c, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_erlang_chat: max_sessions"));
    contacts[1] = -1;
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &so, rows, &t, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_erlang_plan: contacts[1] must be >= 0"));
    assert_int_equal(oq_erlang_plan(contacts, aht, 3, 900, &so, rows, &t, NULL), OQ_EINVAL);
    so.target_sl = 0;
    assert_int_equal(oq_erlang_staffing(100, 180, &so, &r, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "oq_erlang_staffing: options"));
    so.target_sl = 0.8;
    assert_int_equal(oq_erlang_staffing(1e300, 180, &so, &r, &err), OQ_ERANGE);
    assert_non_null(strstr(err.message, "does not fit an int32_t agent count"));
}

static void service_level_reads_only_the_prefix(void **state)
{
    (void)state;
    oq_engine *e = busy_engine();
    oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
    assert_oq_ok(e, oq_stats_queue(e, "q", OQ_PERIOD_DAY, &st));
    double full = -1, older = -1;
    assert_oq_ok(NULL, oq_stats_service_level(&st, OQ_SL_OFFERED, &full));
    st.struct_size = OLDER(oq_queue_stats, sl_business);
    assert_oq_ok(NULL, oq_stats_service_level(&st, OQ_SL_OFFERED, &older));
    assert_true(full == older);
    assert_true(full == 0.5); /* 1 answered within T of 2 offered */
    st.struct_size = sizeof st + 1;
    assert_int_equal(oq_stats_service_level(&st, OQ_SL_OFFERED, &older), OQ_EINVAL);
    oq_engine_destroy(e);
}

/* ---- the history of every versioned struct ----------------------------------------- */

/* One released version of a versioned struct: its sizeof (LP64), the first
 * field it added (version 1: the first after struct_size) and its last one. */
typedef struct version {
    uint32_t size;
    size_t first_at;            /* offsetof the first field the version added */
    size_t last_end;            /* where the version's last field ends */
    const char *first, *last;
} version;

typedef struct history {
    const char *name;
    size_t size, align;
    version v[4];               /* oldest first; a zero size ends the list */
} history;

#define FIELD_END(t, f) (offsetof(t, f) + sizeof(((t *)0)->f))
#define V(t, size, first, last) {size, offsetof(t, first), FIELD_END(t, last), #first, #last}
#define H(t, ...) {#t, sizeof(t), _Alignof(t), {__VA_ARGS__}}

/* Every versioned struct (first field struct_size) with the sizes its
 * releases had. Adding a field: append V(type, new sizeof, first new field,
 * last new field) to its row. The checks below then hold the rule of
 * core.h: a field added later starts at or after the sizeof of every
 * earlier version (so an older host's struct_size never covers part of it,
 * and its uninitialised tail padding is never read as a value), every
 * recorded size is a multiple of the struct's alignment (where an older
 * header's struct can end), and the newest version has no tail padding (a
 * field appended there would not change sizeof and would go unnoticed:
 * fill it with a reserved field). test_abi.py checks every struct of the
 * headers has a row. */
static const history HISTORY[] = {
        H(oq_error, V(oq_error, 784, status, path)),
        H(oq_calendar_options, V(oq_calendar_options, 32, alloc, tzdir)),
        H(oq_load_options, V(oq_load_options, 56, max_errors, error_user)),
        H(oq_contact_spec, V(oq_contact_spec, 112, id, preferred_wait_s)),
        H(oq_contact_info, V(oq_contact_info, 104, state, reserved)),
        H(oq_engine_options, V(oq_engine_options, 72, alloc, reserved),
          V(oq_engine_options, 96, score, reserved_2)),
        H(oq_engine_counts, V(oq_engine_counts, 52, channels, contacts_parked)),
        H(oq_staffing_options, V(oq_staffing_options, 64, reserved, shrinkage)),
        H(oq_escalation_step, V(oq_escalation_step, 88, action, when_sl_below)),
        H(oq_forecast_options, V(oq_forecast_options, 112, method, alloc_user)),
        H(oq_backtest_options, V(oq_backtest_options, 20, days, intraday_from)),
        H(oq_channel_spec, V(oq_channel_spec, 32, id, max_per_agent)),
        H(oq_agent_info, V(oq_agent_info, 72, state, not_ready_reason)),
        H(oq_queue_spec, V(oq_queue_spec, 200, id, reserved)),
        H(oq_queue_info, V(oq_queue_info, 40, n_channels, open)),
        H(oq_plan_sim_options, V(oq_plan_sim_options, 48, replications, alloc_user)),
        H(oq_plan_options, V(oq_plan_options, 32, max_iterations, sim)),
        H(oq_agent_policy, V(oq_agent_policy, 40, max_no_answer, no_answer_delay_s)),
        H(oq_schedule_horizon, V(oq_schedule_horizon, 40, first_date, alloc_user)),
        H(oq_shift_template, V(oq_shift_template, 96, days, skills)),
        H(oq_shift_tour, V(oq_shift_tour, 40, days_on, max_drift_s)),
        H(oq_schedule_options, V(oq_schedule_options, 96, objective, calendar)),
        H(oq_roster_agent, V(oq_roster_agent, 72, n_skills, min_rest_s)),
        H(oq_roster_options, V(oq_roster_options, 48, max_consecutive_days, seed)),
        H(oq_sim_options, V(oq_sim_options, 168, replications, reserved),
          V(oq_sim_options, 184, alloc, alloc_user), V(oq_sim_options, 192, engine_stats, reserved2)),
        H(oq_stats_options, V(oq_stats_options, 176, ring_size, wait_bounds_s)),
        H(oq_queue_stats, V(oq_queue_stats, 752, period, sl_business),
          V(oq_queue_stats, 760, reopened, reopened)),
        H(oq_agent_stats, V(oq_agent_stats, 176, period, dropped)),
        H(oq_reason_stats, V(oq_reason_stats, 24, reason, seconds)),
        H(oq_plan_sim_info, V(oq_plan_sim_info, 56, replications, seconds)),
        H(oq_plan_counts, V(oq_plan_counts, 40, reserved, abandoned)),
        H(oq_plan_summary, V(oq_plan_summary, 64, iterations, seconds)),
        H(oq_plan_iteration, V(oq_plan_iteration, 48, missed, cpu_seconds)),
        H(oq_plan_scenario_info, V(oq_plan_scenario_info, 56, first_date, threshold_s)),
        H(oq_schedule_summary, V(oq_schedule_summary, 112, status, over)),
        H(oq_schedule_shift, V(oq_schedule_shift, 72, template_index, cost)),
        H(oq_schedule_break, V(oq_schedule_break, 32, start, end_s)),
        H(oq_schedule_tour_row, V(oq_schedule_tour_row, 24, tour_index, n_shifts)),
        H(oq_roster_summary, V(oq_roster_summary, 64, agents, hours_max)),
        H(oq_roster_shift, V(oq_roster_shift, 48, shift_row, paid_hours)),
        H(oq_roster_violation, V(oq_roster_violation, 212, rule, message)),
        H(oq_sim_stats, V(oq_sim_stats, 192, reserved, occupancy)),
        H(oq_sim_summary, V(oq_sim_summary, 392, replications, occupancy)),
        H(oq_sim_run_info, V(oq_sim_run_info, 104, engine_contacts, end_ms)),
        H(oq_volume_series_info, V(oq_volume_series_info, 40, interval_s, total_volume)),
        H(oq_forecast_info, V(oq_forecast_info, 64, method, day_factor)),
        H(oq_backtest_result, V(oq_backtest_result, 96, method, intraday_after)),
        H(oq_erlang_a_result, V(oq_erlang_a_result, 48, reserved, occupancy)),
        H(oq_staffing_result, V(oq_staffing_result, 56, required, p_wait)),
        H(oq_erlang_chat_result, V(oq_erlang_chat_result, 56, reserved, utilisation)),
        H(oq_plan_totals, V(oq_plan_totals, 48, peak_required, service_level)),
};

static void versions_never_reuse_tail_padding(void **state)
{
    (void)state;
    if (sizeof(void *) != 8)
        skip(); /* the recorded sizes are those of LP64 (x86-64, arm64) */
    for (size_t i = 0; i < sizeof HISTORY / sizeof HISTORY[0]; i++) {
        const history *h = &HISTORY[i];
        const version *prev = NULL, *v = h->v;
        for (; v->size; prev = v, v++) {
            if (v->size % h->align)
                fail_msg("%s: recorded size %u is not a multiple of its alignment %zu", h->name,
                         (unsigned)v->size, h->align);
            if (v->last_end > v->size)
                fail_msg("%s: field %s ends at %zu, past its version's size %u", h->name, v->last,
                         v->last_end, (unsigned)v->size);
            if (prev && v->first_at < prev->size)
                fail_msg("%s: field %s (added after size %u) starts at %zu, inside the older "
                         "version: it sits in that version's tail padding",
                         h->name, v->first, (unsigned)prev->size, v->first_at);
        }
        const version *newest = v - 1;
        if (newest->size != h->size)
            fail_msg("%s: sizeof is %zu, the newest recorded version %u: record the new "
                     "version in HISTORY",
                     h->name, h->size, (unsigned)newest->size);
        if (newest->last_end != h->size)
            fail_msg("%s: the last recorded field %s ends at %zu, sizeof is %zu: tail padding "
                     "where a later field would go unnoticed (add a reserved field)",
                     h->name, newest->last, newest->last_end, h->size);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(engine_options_older_header),
        cmocka_unit_test(channel_spec_older_header),
        cmocka_unit_test(queue_spec_older_header),
        cmocka_unit_test(contact_spec_older_header),
        cmocka_unit_test(escalation_step_older_header),
        cmocka_unit_test(agent_policy_older_header),
        cmocka_unit_test(stats_options_older_header),
        cmocka_unit_test(load_options_older_header),
        cmocka_unit_test(calendar_options_older_header),
        cmocka_unit_test(staffing_options_older_header),
        cmocka_unit_test(schedule_horizon_older_header),
        cmocka_unit_test(sim_options_older_header),
        cmocka_unit_test(sizes_out_of_range_are_refused),
        cmocka_unit_test(outputs_write_only_their_prefix),
        cmocka_unit_test(counts_and_reasons_write_only_their_prefix),
        cmocka_unit_test(input_getters_write_only_their_prefix),
        cmocka_unit_test(plan_outputs_write_only_their_prefix),
        cmocka_unit_test(erlang_outputs_write_only_their_prefix),
        cmocka_unit_test(service_level_reads_only_the_prefix),
        cmocka_unit_test(versions_never_reuse_tail_padding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
