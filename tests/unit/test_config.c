/* SPDX-License-Identifier: MIT */
/* Configuration loader, dump and scripts: every example loads, a table of
 * broken files each fails at the right line:column, dump -> load round trips,
 * a failed load leaks nothing (also under a failing allocator). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* The source tree, from this file's path (CMake passes absolute paths). */
static const char *src_path(const char *rel, char *buf, size_t size)
{
    const char *me = __FILE__;
    const char *cut = strstr(me, "tests/unit/test_config.c");
    int n = cut ? (int)(cut - me) : 0;
    snprintf(buf, size, "%.*s%s", n, me, rel);
    return buf;
}

static const char *const EXAMPLES[] = {
    "examples/center.yaml",
    "examples/scripts/escalation.yaml",
    "examples/scripts/overflow.yaml",
    "examples/scripts/chat_concurrency.yaml",
    "examples/scripts/preferred_agent.yaml",
    "examples/scripts/workorder.yaml",
};
#define N_EXAMPLES (sizeof EXAMPLES / sizeof EXAMPLES[0])

static void every_example_loads(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        char path[1024];
        oq_engine *e = NULL;
        oq_script *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        src_path(EXAMPLES[i], path, sizeof path);
        oq_status st = oq_script_load_file(NULL, path, &e, &s, &err);
        if (st != OQ_OK)
            fail_msg("%s: %s", path, err.message);
        assert_oq_ok(e, oq_engine_check(e));
        /* the plain configuration (no timeline) also loads as a configuration */
        if (i == 0) {
            oq_engine *e2 = NULL;
            assert_oq_ok(NULL, oq_config_load_file(NULL, path, &e2, &err));
            oq_engine_destroy(e2);
        }
        oq_script_free(s);
        oq_engine_destroy(e);
    }
}

/* ---- the broken-file table -------------------------------------------------------- */

typedef struct broken {
    int script;          /* load as a script (timeline allowed) */
    const char *yaml;
    int line, col;       /* expected position (0 = none) */
    const char *text;    /* expected part of the message */
} broken;

#define CH "channels:\n  voice: {exclusive: true}\n"
#define SK "skills:\n  mandarin: 10\n  sales: 10\n"

static const broken BROKEN[] = {
    /* 0: YAML syntax */
    {0, "channels:\n  voice: {exclusive: true\n", 3, 1, "invalid YAML"},
    {0, "channels:\n\tvoice: {}\n", 2, 1, "invalid YAML"},
    {0, "queues: [a, b\n", 2, 1, "invalid YAML"},
    {0, "channels:\n  voice: {}\n---\nskills: {}\n", 3, 1, "single YAML document"},
    {0, "channels:\n  voice: &v {exclusive: true}\n  chat: *v\n", 3, 9, "aliases"},
    /* 5: unknown keys */
    {0, "chanels:\n  voice: {}\n", 1, 1, "unknown key 'chanels'"},
    {0, "channels:\n  voice: {exclusiv: true}\n", 2, 11, "unknown key 'exclusiv'"},
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    stratgy: round_robin\n", 9, 5,
     "queues.sales: unknown key 'stratgy'"},
    {0, "engine:\n  sead: 3\n", 2, 3, "unknown key 'sead'"},
    {0, CH SK "agents:\n  a1: {skils: {mandarin: 5}}\n", 7, 8, "unknown key 'skils'"},
    /* 10: wrong types */
    {0, "channels:\n  voice: {exclusive: yes}\n", 2, 22, "expected true or false, got 'yes'"},
    {0, "channels:\n  voice: {capacity_cost: 12abc}\n", 2, 26, "got '12abc'"},
    {0, "skills:\n  mandarin: ten\n", 2, 13, "skills.mandarin: expected an integer"},
    {0, CH "queues:\n  q:\n    channels: voice\n", 5, 15, "expected a list of channel names"},
    {0, "channels:\n  - voice\n", 2, 3, "channels: expected a mapping, got a list"},
    /* 15: out of range */
    {0, "channels:\n  voice: {capacity_cost: 0}\n", 2, 26, "from 1 to 10000"},
    {0, "skills:\n  mandarin: 1001\n", 2, 13, "from 1 to 1000"},
    {0, CH "queues:\n  q: {channels: [voice], sla_target: 1.5}\n", 4, 38, "fraction from 0 to 1"},
    {0, CH "queues:\n  q: {channels: [voice], offer_timeout: -5}\n", 4, 41, "number of seconds"},
    {0, CH "queues:\n  q: {channels: [voice], max_length: 99999999999999999999}\n", 4, 38,
     "expected an integer"},
    /* 20 */
    {0, CH "queues:\n  q: {channels: [voice], sla_threshold: .nan}\n", 4, 41, "got '.nan'"},
    {0, "engine:\n  seed: -3\n", 2, 9, "engine.seed: expected an integer"},
    {0, CH "agents:\n  a1: {capacity: -1}\n", 4, 18, "agents.a1.capacity"},
    {0, SK "queues:\n  q: {requires: {sales: 11}}\n", 5, 25, "queues.q.requires.sales: queue 'q': minimum level of skill 'sales' must be 0..10"},
    {0, "skills:\n  sales: 5\nqueues:\n  q: {requires: {sales: 7}}\n", 4, 25, "queues.q.requires.sales"},
    /* 25: duplicates */
    {0, "channels:\n  voice: {}\n  chat: {}\n  voice: {}\n", 4, 3, "duplicate key 'voice' (first defined at line 2)"},
    {0, SK "  mandarin: 5\n", 4, 3, "duplicate key 'mandarin'"},
    {0, CH SK "agents:\n  a1: {}\n  a1: {}\n", 8, 3, "duplicate key 'a1'"},
    {0, "groups: [g1, g2, g1]\n", 1, 18, "duplicate group 'g1'"},
    {0, CH SK "agents:\n  a1: {skills: {mandarin: 3, mandarin: 4}}\n", 7, 30, "duplicate key 'mandarin'"},
    /* 30: dangling references */
    {0, CH "queues:\n  q: {channels: [voice, chat]}\n", 4, 25, "undefined channel 'chat'"},
    {0, CH SK "queues:\n  q: {channels: [voice], requires: {english: 5}}\n", 7, 37,
     "undefined skill 'english'"},
    {0, CH SK "agents:\n  a1: {groups: [team]}\n", 7, 17, "undefined group 'team'"},
    {0, CH "queues:\n  q: {channels: [voice], limit_action: overflow, limit_queue: nowhere}\n", 4,
     63, "undefined queue 'nowhere'"},
    {0, CH "profiles:\n  p: {queues: {ghost: 1}}\n", 4, 16, "undefined queue 'ghost'"},
    /* 35 */
    {0, "groups:\n  team: {profile: nope}\n", 2, 19, "undefined profile 'nope'"},
    {0, CH SK "agents:\n  a1: {skills: {cantonese: 5}}\n", 7, 17, "undefined skill 'cantonese'"},
    /* escalation ladder: the issue's own example */
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    requires: {sales: 5}\n"
              "    escalation:\n      - {after: 30, action: alert}\n      - {after: soon, action: alert}\n",
     12, 17, "queues.sales.escalation[1].after: expected a number of seconds, got 'soon'"},
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    escalation:\n      - {after: 30}\n", 10, 9,
     "missing key 'action'"},
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    escalation:\n"
              "      - {after: 30, action: overflow, queue: tier9}\n", 10, 46, "undefined queue 'tier9'"},
    /* 40 */
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    escalation:\n"
              "      - {after: 30, action: lower_level, skill: sales, level: 2}\n", 10, 9,
     "escalation[0]"},
    {0, CH SK "queues:\n  sales:\n    channels: [voice]\n    escalation:\n"
              "      - {after: 30, action: lower_level, skill: sales}\n", 10, 9, "missing key 'level'"},
    {0, CH "queues:\n  q: {channels: [voice], strategy: fastest}\n", 4, 36,
     "expected one of longest_idle"},
    /* nesting */
    {0, "channels: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", 1,
     42, "nesting deeper"},
    /* a timeline is only for scripts */
    {0, CH "timeline: []\n", 3, 1, "unknown key 'timeline'"},
    /* 45: scripts */
    {1, CH "timeline:\n  - {at: 1, do: dance}\n", 4, 17, "timeline[0].do: expected one of login"},
    {1, CH "timeline:\n  - {at: 5, do: advance}\n  - {at: 4, do: advance}\n", 5, 10,
     "times must not go backwards"},
    {1, CH "timeline:\n  - {at: 1, do: arrive, contact: c1, queue: q}\n", 4, 5,
     "missing key 'channel'"},
    {1, CH "timeline:\n  - {at: 1, do: login, agent: a1, colour: red}\n", 4, 35,
     "unknown key 'colour' for action login"},
    {1, CH "timeline:\n  - {at: 1, do: transfer, contact: c1}\n", 4, 5, "either 'queue' or 'agent'"},
    /* 50 */
    {1, CH "timeline: {at: 1}\n", 3, 11, "expected a list of actions"},
    {1, CH "timeline:\n  - {do: advance}\n", 4, 5, "missing key 'at'"},
};
#define N_BROKEN (sizeof BROKEN / sizeof BROKEN[0])

static void broken_files_fail_at_the_right_place(void **state)
{
    (void)state;
    assert_true(N_BROKEN >= 30);
    int bad = 0;
    for (size_t i = 0; i < N_BROKEN; i++) {
        const broken *b = &BROKEN[i];
        char name[32];
        snprintf(name, sizeof name, "broken%zu.yaml", i);
        test_alloc ta;
        memset(&ta, 0, sizeof ta);
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &ta;
        oq_engine *e = (oq_engine *)&ta; /* must stay untouched */
        oq_script *s = (oq_script *)&ta;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = b->script ? oq_script_load_buffer(&o, b->yaml, strlen(b->yaml), name, &e, &s, &err)
                                 : oq_config_load_buffer(&o, b->yaml, strlen(b->yaml), name, &e, &err);
        if (st != OQ_ECONFIG || err.line != b->line || err.column != b->col ||
            !strstr(err.message, b->text)) {
            print_error("broken[%zu]: status %d, at %d:%d (expected %d:%d), message: %s (expected '%s')\n",
                        i, (int)st, (int)err.line, (int)err.column, b->line, b->col, err.message, b->text);
            bad++;
            continue;
        }
        char where[64];
        snprintf(where, sizeof where, "%s:%d:%d: ", name, b->line, b->col);
        assert_true(strncmp(err.message, where, strlen(where)) == 0);
        assert_string_equal(err.path, name);
        assert_ptr_equal(e, (oq_engine *)&ta);
        assert_ptr_equal(s, (oq_script *)&ta);
        assert_int_equal(ta.live_bytes, 0); /* no half-built engine left */
        assert_int_equal(ta.live_blocks, 0);
    }
    assert_int_equal(bad, 0);
}

static void missing_file_and_bad_arguments(void **state)
{
    (void)state;
    oq_engine *e = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_config_load_file(NULL, "/nonexistent/omniq.yaml", &e, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_int_equal(err.line, 0);
    assert_null(e);
    assert_int_equal(oq_config_load_file(NULL, NULL, &e, &err), OQ_EINVAL);
    assert_int_equal(oq_config_load_buffer(NULL, "a: 1", 4, NULL, NULL, &err), OQ_EINVAL);
    /* an empty file is an empty configuration */
    assert_oq_ok(NULL, oq_config_load_buffer(NULL, "", 0, NULL, &e, NULL));
    oq_engine_counts c = OQ_OUTPUT_INIT(oq_engine_counts);
    assert_oq_ok(e, oq_engine_get_counts(e, &c));
    assert_int_equal(c.channels + c.queues + c.agents, 0);
    oq_engine_destroy(e);
    oq_free(NULL);
    oq_script_free(NULL);
    assert_int_equal(oq_script_count(NULL), 0);
    assert_string_equal(oq_script_action_name(OQ_ACT_ARRIVE), "arrive");
    assert_string_equal(oq_script_action_name(99), "unknown");
}

/* ---- dump / round trip ------------------------------------------------------------- */

static char *dump_of(oq_engine *e)
{
    char *y = NULL;
    size_t n = 0;
    assert_oq_ok(e, oq_config_dump(e, &y, &n));
    assert_int_equal(strlen(y), n);
    return y;
}

static void dump_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        char path[1024];
        oq_engine *e1 = NULL, *e2 = NULL, *e3 = NULL;
        oq_script *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        src_path(EXAMPLES[i], path, sizeof path);
        assert_oq_ok(NULL, oq_script_load_file(NULL, path, &e1, &s, &err));
        char *d1 = dump_of(e1);
        if (oq_config_load_buffer(NULL, d1, strlen(d1), "dump1", &e2, &err) != OQ_OK)
            fail_msg("%s: dump does not load: %s\n%s", path, err.message, d1);
        char *d2 = dump_of(e2);
        assert_string_equal(d1, d2);
        assert_oq_ok(NULL, oq_config_load_buffer(NULL, d2, strlen(d2), "dump2", &e3, &err));
        char *d3 = dump_of(e3);
        assert_string_equal(d2, d3);
        /* spot checks through the public getters */
        oq_engine_counts c1 = OQ_OUTPUT_INIT(oq_engine_counts), c2 = OQ_OUTPUT_INIT(oq_engine_counts);
        oq_engine_get_counts(e1, &c1);
        oq_engine_get_counts(e2, &c2);
        assert_memory_equal(&c1, &c2, sizeof c1);
        for (int32_t q = 0; q < c1.queues; q++) {
            const char *id1, *id2;
            assert_oq_ok(e1, oq_config_id(e1, OQ_KIND_QUEUE, q, &id1));
            assert_oq_ok(e2, oq_config_id(e2, OQ_KIND_QUEUE, q, &id2));
            assert_string_equal(id1, id2);
            oq_queue_info a = OQ_OUTPUT_INIT(oq_queue_info), b = OQ_OUTPUT_INIT(oq_queue_info);
            oq_queue_spec sa, sb;
            oq_queue_spec_init(&sa);
            oq_queue_spec_init(&sb);
            assert_oq_ok(e1, oq_queue_get(e1, id1, &a));
            assert_oq_ok(e2, oq_queue_get(e2, id1, &b));
            assert_oq_ok(e1, oq_queue_get_spec(e1, id1, &sa));
            assert_oq_ok(e2, oq_queue_get_spec(e2, id1, &sb));
            assert_int_equal(sa.strategy, sb.strategy);
            assert_int_equal(sa.ordering, sb.ordering);
            assert_true(sa.sla_target == sb.sla_target);
            assert_true(sa.offer_timeout_s == sb.offer_timeout_s);
            assert_int_equal(sa.limit_action, sb.limit_action);
            assert_int_equal(a.n_channels, b.n_channels);
            assert_int_equal(a.n_required_skills, b.n_required_skills);
            assert_int_equal(a.eligible_agents, b.eligible_agents);
            int32_t n1 = 0, n2 = 0;
            oq_queue_step_count(e1, id1, &n1);
            oq_queue_step_count(e2, id1, &n2);
            assert_int_equal(n1, n2);
        }
        for (int32_t a = 0; a < c1.agents; a++) {
            const char *id;
            assert_oq_ok(e1, oq_config_id(e1, OQ_KIND_AGENT, a, &id));
            oq_agent_info x = OQ_OUTPUT_INIT(oq_agent_info), y = OQ_OUTPUT_INIT(oq_agent_info);
            oq_agent_get(e1, id, &x);
            oq_agent_get(e2, id, &y);
            assert_int_equal(x.capacity, y.capacity);
            assert_int_equal(x.n_skills, y.n_skills);
            for (int32_t k = 0; k < c1.skills; k++) {
                const char *sk;
                int32_t l1 = 0, l2 = 0;
                oq_config_id(e1, OQ_KIND_SKILL, k, &sk);
                oq_agent_get_skill(e1, id, sk, &l1);
                oq_agent_get_skill(e2, id, sk, &l2);
                assert_int_equal(l1, l2);
            }
        }
        oq_free(d1);
        oq_free(d2);
        oq_free(d3);
        oq_engine_destroy(e1);
        oq_engine_destroy(e2);
        oq_engine_destroy(e3);
        oq_script_free(s);
    }
}

/* Ids that YAML 1.1 tools (PyYAML, Ruby's Psych, yq) would read as a
 * boolean, a number or null are quoted in a dump; ordinary ids stay plain. */
static void dump_quotes_yaml11_scalars(void **state)
{
    (void)state;
    static const char *const QUOTED[] = {"yes", "on", "no", "Off", "Y", "n", "TRUE", "~",
                                         "null", "123", "0x1F", "1_000", "1.5", ".5", "+1",
                                         ".inf", "2024-01-02", "1e3", NULL};
    static const char *const PLAIN[] = {"alice", "yesman", "onion", "a1", "no-reply", "x.5", NULL};
    char yaml[2048];
    size_t n = (size_t)snprintf(yaml, sizeof yaml, "agents:\n");
    for (int i = 0; QUOTED[i]; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "  \"%s\": {}\n", QUOTED[i]);
    for (int i = 0; PLAIN[i]; i++)
        n += (size_t)snprintf(yaml + n, sizeof yaml - n, "  %s: {}\n", PLAIN[i]);
    oq_engine *e1 = NULL, *e2 = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_config_load_buffer(NULL, yaml, n, "ids", &e1, &err) != OQ_OK)
        fail_msg("%s", err.message);
    char *d = dump_of(e1);
    char want[64];
    for (int i = 0; QUOTED[i]; i++) {
        snprintf(want, sizeof want, "\n  \"%s\":", QUOTED[i]);
        if (!strstr(d, want))
            fail_msg("'%s' is not quoted in the dump:\n%s", QUOTED[i], d);
    }
    for (int i = 0; PLAIN[i]; i++) {
        snprintf(want, sizeof want, "\n  %s:", PLAIN[i]);
        if (!strstr(d, want))
            fail_msg("'%s' is not plain in the dump:\n%s", PLAIN[i], d);
    }
    if (oq_config_load_buffer(NULL, d, strlen(d), "dump", &e2, &err) != OQ_OK)
        fail_msg("%s\n%s", err.message, d);
    const char *id = NULL;
    assert_oq_ok(e2, oq_config_id(e2, OQ_KIND_AGENT, 0, &id));
    assert_string_equal(id, "yes");
    oq_free(d);
    oq_engine_destroy(e1);
    oq_engine_destroy(e2);
}

/* Odd ids, every option, every step kind survive a round trip. */
static void dump_quotes_and_every_field(void **state)
{
    (void)state;
    static const char yaml[] =
        "engine: {seed: 99, start: 12.5, abandon_resume: 30.25, last_agent_max: 77}\n"
        "channels:\n"
        "  \"voice: main\": {exclusive: true}\n"
        "  chat: {capacity_cost: 30, max_per_agent: 3}\n"
        "skills: {\"普通话\": 10, \"true\": 5, \"null\": 3}\n"
        "profiles:\n"
        "  p1:\n"
        "    queues: {q2: {priority: 2, delay: 1.5}, q1: 3}\n"
        "    channels: {chat: {max_items: 2, cross_channel: false}, \"voice: main\": {cross_channel: false}}\n"
        "    force_longest_waiting: true\n"
        "    idle_measure: last_inbound\n"
        "groups: [g1, \"g 2\"]\n"
        "queues:\n"
        "  q1:\n"
        "    channels: [\"voice: main\", chat]\n"
        "    priority: -5\n"
        "    ordering: priority\n"
        "    strategy: random\n"
        "    timeout_not_ready: true\n"
        "    sla_threshold: 0.001\n"
        "    sla_target: 0.333\n"
        "    offer_timeout: 0\n"
        "    wrapup: 12.345\n"
        "    aging: 0.1\n"
        "    requires: {\"普通话\": 8, \"true\": 2}\n"
        "    prefers: {\"null\": 1}\n"
        "    groups: [g1]\n"
        "    max_length: 7\n"
        "    max_wait: 100.5\n"
        "    limit_action: callback\n"
        "    limit_queue: q2\n"
        "    callback_channel: chat\n"
        "    refuse_if_no_agents: true\n"
        "    default_aht: 200\n"
        "    deadline_warning: 60\n"
        "    keep_offer_on_not_ready: true\n"
        "    retry_after: 12.5\n"
        "    max_offers: 4\n"
        "    last_agent_window: 259200\n"
        "    last_agent_wait: 45\n"
        "    escalation:\n"
        "      - {after: 1, action: lower_level, skill: \"普通话\", level: 5}\n"
        "      - {after: 2, timing: previous, action: drop_required, skill: \"true\"}\n"
        "      - {after: 3, action: add_group, group: \"g 2\", skip_if_no_agents: logged_in}\n"
        "      - {after: 4, action: drop_preferred, skill: \"null\"}\n"
        "      - {after: 5, action: raise_priority, priority: -3, when_sl_below: 0.5}\n"
        "      - {after: 6, action: overflow, queue: q2, when_ewt_above: 9.5}\n"
        "      - {after: 7, action: alert, message: \"say \\\"hi\\\"\\n\\\\ now\"}\n"
        "  q2:\n"
        "    channels: [chat, \"voice: main\"]\n"
        "    ordering: fifo\n"
        "    limit_action: callback_keep_place\n"
        "    callback_channel: chat\n"
        "    max_wait: 30\n"
        "    outbound: true\n"
        "    blend: sl_above_target\n"
        "agents:\n"
        "  \"agent #1\":\n"
        "    capacity: 250\n"
        "    skills: {\"普通话\": 9}\n"
        "    groups: [\"g 2\", g1]\n"
        "    channels: {chat: 0}\n"
        "    profile: p1\n"
        "    policy: {max_no_answer: 3, max_per_window: 4, window: 60, reject_delay: 2.5, no_answer_delay: 7}\n";
    oq_engine *e1 = NULL, *e2 = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_config_load_buffer(NULL, yaml, sizeof yaml - 1, "all", &e1, &err) != OQ_OK)
        fail_msg("%s", err.message);
    char *d1 = dump_of(e1);
    if (oq_config_load_buffer(NULL, d1, strlen(d1), "dump", &e2, &err) != OQ_OK)
        fail_msg("%s\n%s", err.message, d1);
    char *d2 = dump_of(e2);
    assert_string_equal(d1, d2);
    assert_non_null(strstr(d1, "seed: 99\n"));
    assert_non_null(strstr(d1, "start: 12.5\n"));
    assert_non_null(strstr(d1, "abandon_resume: 30.25\n"));
    assert_non_null(strstr(d1, "wrapup: 12.345\n"));
    int64_t now = 0;
    oq_engine_now(e2, &now);
    assert_int_equal(now, 12500);
    oq_queue_spec qi;
    oq_queue_spec_init(&qi);
    assert_oq_ok(e2, oq_queue_get_spec(e2, "q1", &qi));
    assert_int_equal(qi.priority, -5);
    assert_int_equal(qi.limit_action, OQ_LIMIT_CALLBACK);
    assert_string_equal(qi.limit_queue, "q2");
    assert_string_equal(qi.callback_channel, "chat");
    assert_true(qi.max_wait_s == 100.5);
    assert_int_equal(qi.keep_offer_on_not_ready, 1);
    assert_true(qi.retry_after_s == 12.5);
    assert_int_equal(qi.max_offers, 4);
    assert_true(qi.last_agent_window_s == 259200 && qi.last_agent_wait_s == 45);
    assert_non_null(strstr(d1, "last_agent_max: 77\n"));
    assert_non_null(strstr(d1, "skip_if_no_agents: logged_in"));
    assert_oq_ok(e2, oq_queue_get_spec(e2, "q2", &qi));
    assert_int_equal(qi.limit_action, OQ_LIMIT_CALLBACK_KEEP_PLACE);
    assert_int_equal(qi.ordering, OQ_ORDER_FIFO);
    assert_true(qi.retry_after_s == 30); /* the default */
    int32_t steps = 0;
    assert_oq_ok(e2, oq_queue_step_count(e2, "q1", &steps));
    assert_int_equal(steps, 7);
    int32_t lvl = 0;
    assert_oq_ok(e2, oq_agent_get_skill(e2, "agent #1", "普通话", &lvl));
    assert_int_equal(lvl, 9);
    oq_free(d1);
    oq_free(d2);
    oq_engine_destroy(e1);
    oq_engine_destroy(e2);
}

/* Every allocation the engine makes while loading may fail: the load then
 * fails cleanly (ENOMEM) and leaves nothing allocated. */
static void load_survives_allocation_failures(void **state)
{
    (void)state;
    char path[1024];
    src_path("examples/center.yaml", path, sizeof path);
    int64_t total = 0;
    {
        test_alloc ta;
        memset(&ta, 0, sizeof ta);
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &ta;
        oq_engine *e = NULL;
        assert_oq_ok(NULL, oq_config_load_file(&o, path, &e, NULL));
        total = ta.n_allocs;
        oq_engine_destroy(e);
        assert_int_equal(ta.live_bytes, 0);
    }
    assert_true(total > 10);
    for (int64_t k = 1; k <= total; k++) {
        test_alloc ta;
        memset(&ta, 0, sizeof ta);
        ta.fail_at = k;
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &ta;
        oq_engine *e = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_config_load_file(&o, path, &e, &err);
        if (st == OQ_OK) { /* a failure the engine absorbed (e.g. an optional cache) */
            assert_oq_ok(e, oq_engine_check(e));
            oq_engine_destroy(e);
        } else if (st != OQ_ENOMEM) {
            fail_msg("fail_at %lld: status %d: %s", (long long)k, (int)st, err.message);
        }
        assert_int_equal(ta.live_bytes, 0);
    }
}

/* ---- scripts ---------------------------------------------------------------------- */

static void script_runs_through_the_engine(void **state)
{
    (void)state;
    static const char yaml[] =
        "channels: {voice: {exclusive: true}}\n"
        "skills: {sales: 10}\n"
        "queues: {q: {channels: [voice], requires: {sales: 3}, offer_timeout: 10}}\n"
        "agents: {a1: {skills: {sales: 5}}}\n"
        "timeline:\n"
        "  - {at: 0, do: login, agent: a1}\n"
        "  - {at: 1.5, do: arrive, contact: c1, channel: voice, queue: q, priority: 3,\n"
        "     customer: cu, requires: {sales: 4}, reply_within: 60}\n"
        "  - {at: 2, do: accept, contact: c1}\n"
        "  - {at: 9, do: complete, contact: c1}\n"
        "  - {at: 10, do: accept, contact: nope}\n";
    recorder *rec = calloc(1, sizeof *rec);
    assert_non_null(rec);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.on_event = recorder_fn;
    o.event_user = rec;
    oq_engine *e = NULL;
    oq_script *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_script_load_buffer(&o, yaml, sizeof yaml - 1, "s", &e, &s, &err) != OQ_OK)
        fail_msg("%s", err.message);
    assert_int_equal(oq_script_count(s), 5);
    oq_script_action a;
    assert_oq_ok(NULL, oq_script_get(s, 1, &a));
    assert_int_equal(a.action, OQ_ACT_ARRIVE);
    assert_int_equal(a.at_ms, 1500);
    assert_int_equal(a.line, 7);
    assert_int_equal(a.priority, 3);
    assert_int_equal(a.deadline_ms, 61500);
    assert_int_equal(a.n_required, 1);
    assert_string_equal(a.required_skills[0], "sales");
    assert_int_equal(a.required_levels[0], 4);
    assert_int_equal(oq_script_get(s, 5, &a), OQ_EINVAL);
    for (int32_t i = 0; i < 4; i++)
        assert_oq_ok(e, oq_script_apply(e, s, i));
    assert_int_equal(oq_script_apply(e, s, 4), OQ_ENOTFOUND);
    assert_true(recorder_find(rec, 0, OQ_EV_ASSIGNED, "c1", "a1") >= 0);
    assert_true(recorder_find(rec, 0, OQ_EV_COMPLETED, "c1", "a1") >= 0);
    oq_script_free(s);
    oq_engine_destroy(e);
    free(rec);
}

static void enumeration(void **state)
{
    (void)state;
    oq_engine *e = NULL;
    static const char yaml[] = "channels: {a: {}, b: {}, c: {}}\n";
    assert_oq_ok(NULL, oq_config_load_buffer(NULL, yaml, sizeof yaml - 1, NULL, &e, NULL));
    int32_t n = 0;
    const char *id = NULL;
    assert_oq_ok(e, oq_config_count(e, OQ_KIND_CHANNEL, &n));
    assert_int_equal(n, 3);
    assert_oq_ok(e, oq_channel_remove(e, "b"));
    assert_oq_ok(e, oq_config_count(e, OQ_KIND_CHANNEL, &n));
    assert_int_equal(n, 2);
    assert_oq_ok(e, oq_config_id(e, OQ_KIND_CHANNEL, 1, &id));
    assert_string_equal(id, "c");
    assert_int_equal(oq_config_id(e, OQ_KIND_CHANNEL, 2, &id), OQ_EINVAL);
    assert_int_equal(oq_config_count(e, 0, &n), OQ_EINVAL);
    assert_int_equal(oq_config_count(NULL, OQ_KIND_AGENT, &n), OQ_EINVAL);
    char *d = dump_of(e);
    assert_null(strstr(d, "  b:"));
    oq_free(d);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_loads),
        cmocka_unit_test(broken_files_fail_at_the_right_place),
        cmocka_unit_test(missing_file_and_bad_arguments),
        cmocka_unit_test(dump_round_trips),
        cmocka_unit_test(dump_quotes_and_every_field),
        cmocka_unit_test(dump_quotes_yaml11_scalars),
        cmocka_unit_test(load_survives_allocation_failures),
        cmocka_unit_test(script_runs_through_the_engine),
        cmocka_unit_test(enumeration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
