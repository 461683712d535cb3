/* SPDX-License-Identifier: MIT */
/* Configuration errors and load limits (oq_config_load, oq_scenario_load):
 * "did you mean" for misspelt keys and ids, every error of a file reported
 * (up to max_errors) without cascades, timeline references checked on
 * request, the document validated while parsed (an unknown top-level key
 * stops at once), size and node limits. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

typedef struct errors {
    int n;
    char msg[32][512];
} errors;

static void keep(const oq_error *e, void *user)
{
    errors *x = user;
    assert_int_equal(e->status, OQ_ECONFIG);
    if (x->n < 32)
        snprintf(x->msg[x->n], sizeof x->msg[x->n], "%s", e->message);
    x->n++;
}

/* Load `yaml` as a script (or a configuration when script is 0) with
 * max_errors and check_references; the errors go to *x. */
static oq_status load(const char *yaml, int max_errors, int check_refs, errors *x, oq_error *err)
{
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = max_errors;
    lo.check_references = check_refs;
    lo.on_error = keep;
    lo.error_user = x;
    memset(x, 0, sizeof *x);
    oq_engine *e = NULL;
    oq_script *s = NULL;
    oq_status st = oq_config_load(&lo, NULL, yaml, strlen(yaml), "t.yaml", &e, &s, err);
    if (st == OQ_OK) {
        oq_script_free(s);
        oq_engine_destroy(e);
    } else {
        assert_null(e);
        assert_null(s);
    }
    return st;
}

static void want(const errors *x, int i, const char *text)
{
    if (i >= x->n || !strstr(x->msg[i], text)) {
        for (int k = 0; k < x->n && k < 32; k++)
            print_error("error %d: %s\n", k, x->msg[k]);
        fail_msg("error %d should contain \"%s\" (%d errors)", i, text, x->n);
    }
}

#define BASE                                                   \
    "channels: {voice: {exclusive: true}, chat: {}}\n"         \
    "skills: {english: 5, billing: 3}\n"                       \
    "groups: [desk, night]\n"                                  \
    "queues:\n"                                                \
    "  sales: {channels: [voice], requires: {english: 1}}\n"   \
    "agents:\n"                                                \
    "  alice: {skills: {english: 3}, groups: [desk]}\n"

static void did_you_mean(void **state)
{
    (void)state;
    errors x;
    oq_error err = OQ_ERROR_INIT;
    static const struct { const char *yaml, *text; } CASES[] = {
        {BASE "chanels: {}\n", "unknown key 'chanels' (did you mean 'channels'?"},
        {"channels: {voice: {exclusiv: true}}\n", "unknown key 'exclusiv' (did you mean 'exclusive'?"},
        {BASE "profiles: {p: {queues: {sals: 1}}}\n", "undefined queue 'sals' (did you mean 'sales'?)"},
        {"channels: {voice: {}}\nskills: {english: 5}\nqueues: {q: {channels: [voice], "
         "requires: {englsh: 1}}}\n", "undefined skill 'englsh' (did you mean 'english'?)"},
        {"channels: {voice: {}}\nqueues: {q: {channels: [vocie]}}\n",
         "undefined channel 'vocie' (did you mean 'voice'?)"},
        {"groups: [desk]\nagents: {a: {groups: [dsek]}}\n", "undefined group 'dsek' (did you mean 'desk'?)"},
        {BASE "timeline:\n  - {at: 1, do: login, agent: alcie}\n",
         "undefined agent 'alcie' (did you mean 'alice'?)"},
        {"channels: {voice: {}}\nqueues: {q: {channels: [voice], strategy: longest_idel}}\n",
         "(did you mean 'longest_idle'?)"},
        {BASE "timeline:\n  - {at: 1, do: lgoin, agent: alice}\n", "(did you mean 'login'?)"},
        {BASE "timeline:\n  - {at: 1, do: login, agnet: alice}\n",
         "unknown key 'agnet' for action login (did you mean 'agent'?)"},
        /* far from every name: no guess */
        {"channels: {voice: {}}\nqueues: {q: {channels: [fax]}}\n", "undefined channel 'fax'"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        assert_int_equal(load(CASES[i].yaml, 20, 1, &x, &err), OQ_ECONFIG);
        assert_int_equal(err.status, OQ_ECONFIG);
        want(&x, 0, CASES[i].text);
        assert_true(strstr(err.message, CASES[i].text) != NULL);
    }
    assert_int_equal(load("channels: {voice: {}}\nqueues: {q: {channels: [fax]}}\n", 20, 1, &x, &err),
                     OQ_ECONFIG);
    assert_null(strstr(x.msg[0], "did you mean"));
}

/* Independent mistakes are all reported, in the file's order within each
 * section; an entry whose definition failed is not reported again where it
 * is used; max_errors stops the load. */
static void every_error_reported(void **state)
{
    (void)state;
    static const char yaml[] =
        "channels:\n"
        "  voice: {capacity_cost: 0}\n"          /* 1: out of range */
        "  chat: {max_per_agent: many}\n"        /* 2 */
        "skills: {english: 5}\n"
        "queues:\n"
        "  sales: {channels: [voice, chat], colour: red}\n" /* 3: unknown key; voice/chat: quiet */
        "  support: {channels: [email]}\n"       /* 4: undefined channel */
        "agents:\n"
        "  alice: {skills: {english: 9}}\n"      /* 5: level above the skill's max */
        "  bob: {capacity: -1}\n"                /* 6 */
        "  carol: {skills: {english: 2}}\n";     /* fine */
    errors x;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(load(yaml, 20, 0, &x, &err), OQ_ECONFIG);
    assert_int_equal(x.n, 6);
    want(&x, 0, "t.yaml:2:26: channels.voice.capacity_cost");
    want(&x, 1, "channels.chat.max_per_agent");
    want(&x, 2, "queues.sales: unknown key 'colour'");
    want(&x, 3, "undefined channel 'email'");
    want(&x, 4, "agents.alice");
    want(&x, 5, "agents.bob.capacity");
    assert_string_equal(err.message, x.msg[0]); /* *err is the first */
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 26);
    /* the older entry point reports the first one only, as before */
    oq_error old = OQ_ERROR_INIT;
    oq_engine *e = NULL;
    assert_int_equal(oq_config_load_buffer(NULL, yaml, strlen(yaml), "t.yaml", &e, &old), OQ_ECONFIG);
    assert_string_equal(old.message, x.msg[0]);
    /* max_errors */
    assert_int_equal(load(yaml, 2, 0, &x, &err), OQ_ECONFIG);
    assert_int_equal(x.n, 2);
    /* every timeline item's error, too */
    assert_int_equal(load(BASE "timeline:\n"
                               "  - {at: 1, do: login, agent: alice, colour: 1}\n"
                               "  - {at: 2, do: fly}\n"
                               "  - {at: 3, do: logout, agent: alice}\n"
                               "  - {at: 0, do: ready, agent: alice}\n",
                          20, 0, &x, &err),
                     OQ_ECONFIG);
    assert_int_equal(x.n, 3);
    want(&x, 0, "timeline[0]");
    want(&x, 1, "timeline[1].do");
    want(&x, 2, "timeline[3].at: times must not go backwards");
}

/* check_references: a script's items must name defined agents, queues,
 * channels, and contacts an earlier arrive introduced; off, they load (and
 * fail when run, as documented). */
static void timeline_references(void **state)
{
    (void)state;
    static const char yaml[] = BASE
        "timeline:\n"
        "  - {at: 0, do: login, agent: alice}\n"
        "  - {at: 1, do: arrive, contact: c1, channel: voice, queue: sales}\n"
        "  - {at: 2, do: accept, contact: c1}\n"
        "  - {at: 3, do: arrive, contact: c2, channel: fax, queue: sals}\n" /* line 12 */
        "  - {at: 4, do: complete, contact: c3}\n"
        "  - {at: 5, do: logout, agent: zed}\n"
        "  - {at: 6, do: transfer, contact: c1, queue: sales}\n";
    errors x;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok(NULL, load(yaml, 20, 0, &x, &err));
    assert_int_equal(load(yaml, 20, 1, &x, &err), OQ_ECONFIG);
    assert_int_equal(x.n, 4);
    want(&x, 0, "t.yaml:12:59: timeline[3].queue: undefined queue 'sals' (did you mean 'sales'?)");
    want(&x, 1, "timeline[3].channel: undefined channel 'fax'");
    want(&x, 2, "timeline[4].contact: contact 'c3' is not introduced by an earlier arrive (did you "
                "mean 'c1'?)");
    want(&x, 3, "timeline[5].agent: undefined agent 'zed'");
}

/* ---- limits ------------------------------------------------------------------------- */

/* A large document (about 2 MB): the valid configuration, then a long list
 * under an unknown top-level key that ends in a YAML syntax error. The
 * loader stops at the key: the syntax error at the end is never reached. */
static void unknown_top_key_stops_the_parse(void **state)
{
    (void)state;
    size_t items = 400000, cap = items * 5 + 256, n = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    n += (size_t)snprintf(doc + n, cap - n, "channels: {voice: {}}\nbogus1:\n");
    for (size_t i = 0; i < items; i++) {
        memcpy(doc + n, "- 1\n", 4);
        n += 4;
    }
    n += (size_t)snprintf(doc + n, cap - n, "- [unclosed\n");
    errors x;
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.on_error = keep;
    lo.error_user = &x;
    memset(&x, 0, sizeof x);
    oq_engine *e = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_config_load(&lo, NULL, doc, n, "big.yaml", &e, NULL, &err), OQ_ECONFIG);
    assert_int_equal(x.n, 1);
    want(&x, 0, "big.yaml:2:1: unknown key 'bogus1'");
    /* the same under a known key: the whole document is parsed, to the syntax error */
    memcpy(doc + strlen("channels: {voice: {}}\n"), "agents:", 7); /* "bogus1:" -> "agents:" */
    assert_int_equal(oq_config_load(&lo, NULL, doc, n, "big.yaml", &e, NULL, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "invalid YAML"));
    assert_true(err.line > 400000);
    free(doc);
}

static void size_and_node_limits(void **state)
{
    (void)state;
    /* 3,000 groups: 3,003 nodes (root map, key, list, 3,000 names) */
    size_t cap = 3000 * 12 + 64, n = 0;
    char *doc = malloc(cap);
    assert_non_null(doc);
    n += (size_t)snprintf(doc + n, cap - n, "groups: [");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(doc + n, cap - n, "%sg%d", i ? ", " : "", i);
    n += (size_t)snprintf(doc + n, cap - n, "]\n");
    oq_load_options lo;
    oq_load_options_init(&lo);
    assert_int_equal(lo.max_nodes, OQ_LOAD_MAX_NODES_DEFAULT);
    assert_int_equal(lo.max_bytes, OQ_LOAD_MAX_BYTES_DEFAULT);
    oq_engine *e = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_config_load(&lo, NULL, doc, n, "g.yaml", &e, NULL, &err));
    oq_engine_destroy(e);
    e = NULL;
    lo.max_nodes = 3003;
    assert_oq_ok_err(&err, oq_config_load(&lo, NULL, doc, n, "g.yaml", &e, NULL, &err));
    oq_engine_destroy(e);
    e = NULL;
    lo.max_nodes = 3002;
    assert_int_equal(oq_config_load(&lo, NULL, doc, n, "g.yaml", &e, NULL, &err), OQ_ECONFIG);
    assert_null(e);
    assert_non_null(strstr(err.message, "more than 3002 YAML nodes"));
    assert_non_null(strstr(err.message, "max_nodes"));
    /* bytes: from a buffer and from a file */
    lo.max_nodes = OQ_LOAD_MAX_NODES_DEFAULT;
    lo.max_bytes = (int64_t)n - 1;
    assert_int_equal(oq_config_load(&lo, NULL, doc, n, "g.yaml", &e, NULL, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "max_bytes"));
    char path[] = "/tmp/omniq_limits_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(doc, 1, n, f), n);
    fclose(f);
    assert_int_equal(oq_config_load(&lo, path, NULL, 0, NULL, &e, NULL, &err), OQ_ECONFIG);
    assert_non_null(strstr(err.message, "max_bytes"));
    lo.max_bytes = (int64_t)n;
    assert_oq_ok_err(&err, oq_config_load(&lo, path, NULL, 0, NULL, &e, NULL, &err));
    oq_engine_destroy(e);
    remove(path);
    /* scenarios obey them too */
    lo.max_bytes = 10;
    oq_scenario *sc = NULL;
    assert_int_equal(oq_scenario_load(&lo, NULL, doc, n, "s.yaml", &sc, &err), OQ_ECONFIG);
    assert_null(sc);
    assert_non_null(strstr(err.message, "max_bytes"));
    free(doc);
}

/* Scenarios: streams and agent entries name queues, channels and groups. */
static void scenario_did_you_mean(void **state)
{
    (void)state;
    static const char yaml[] =
        "channels: {voice: {}}\n"
        "groups: [desk]\n"
        "queues: {sales: {channels: [voice]}}\n"
        "agents: {a1: {groups: [desk]}}\n"
        "simulation:\n"
        "  intervals: 2\n"
        "  streams:\n"
        "    - {queue: sale, channel: voice, rate: 10}\n"
        "    - {queue: sales, channel: vioce, rate: 10}\n"
        "  agents:\n"
        "    - {group: dsk}\n";
    errors x;
    memset(&x, 0, sizeof x);
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.on_error = keep;
    lo.error_user = &x;
    oq_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_scenario_load(&lo, NULL, yaml, strlen(yaml), "s.yaml", &sc, &err), OQ_ECONFIG);
    assert_int_equal(x.n, 3);
    want(&x, 0, "s.yaml:8:15: simulation.streams[0].queue: undefined queue 'sale' (did you mean 'sales'?)");
    want(&x, 1, "simulation.streams[1].channel: undefined channel 'vioce' (did you mean 'voice'?)");
    want(&x, 2, "simulation.agents[0].group: undefined group 'dsk' (did you mean 'desk'?)");
    assert_string_equal(err.message, x.msg[0]);
}

static void bad_options(void **state)
{
    (void)state;
    oq_load_options lo;
    oq_load_options_init(&lo);
    oq_engine *e = NULL;
    oq_error err = OQ_ERROR_INIT;
    lo.max_errors = 0;
    assert_int_equal(oq_config_load(&lo, NULL, "", 0, "x", &e, NULL, &err), OQ_EINVAL);
    assert_int_equal(err.status, OQ_EINVAL);
    assert_non_null(strstr(err.message, "max_errors"));
    oq_load_options_init(&lo);
    lo.struct_size = 3;
    assert_int_equal(oq_config_load(&lo, NULL, "", 0, "x", &e, NULL, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "struct_size"));
    oq_load_options_init(&lo);
    lo.max_nodes = 0;
    oq_scenario *sc = NULL;
    assert_int_equal(oq_scenario_load(&lo, NULL, "", 0, "x", &sc, &err), OQ_EINVAL);
    assert_non_null(strstr(err.message, "max_nodes"));
    assert_int_equal(oq_config_load(NULL, NULL, "", 0, "x", NULL, NULL, &err), OQ_EINVAL);
    assert_null(e);
    /* NULL options and NULL err: defaults, nothing written */
    assert_oq_ok_err(NULL, oq_config_load(NULL, NULL, "channels: {v: {}}\n", 18, NULL, &e, NULL, NULL));
    oq_engine_destroy(e);
    oq_load_options_init(NULL);
}

/* A load that has stopped (an allocation failed, or too many errors) checks
 * no more mapping keys: a mapping key that is itself a mapping (`? requires:`)
 * was then compared as text it does not have — strcmp(NULL) (found by
 * fuzz_config's allocation-failure pass; the input is
 * tests/fuzz/corpus/fuzz_config/regress-dup-check-after-stop). */
static void stopped_load_checks_no_more_keys(void **state)
{
    (void)state;
    static const char yaml[] =
    "# Overflow: Mandarin sales has a short line (max_length 1, exces s becomes a\n"
    "# pts/overflow.yaml\n"
    "channels:\n"
    "  voice: {exclusive: true}\n"
    "  callback: {exclusive: true}\n"
    "skills:\n"
    "  mandariHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHn: 10\n"
    "  ehigsnl: 10\n"
    "queues:\n"
    "  sales_mandarin:\n"
    "    channels: [voice]\n"
    "    offer_timeout: 15\n"
    "  ? requires: # Escalation ladder: a {manCd";
    /* The load stops when an allocation fails: try every one of them. */
    for (int64_t k = 1;; k++) {
        test_alloc ta = {0};
        ta.fail_at = k;
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = test_alloc_fn;
        o.alloc_user = &ta;
        oq_engine *e = NULL;
        oq_script *s = NULL;
        oq_error err = OQ_ERROR_INIT;
        oq_status st = oq_script_load_buffer(&o, yaml, sizeof yaml - 1, "crash.yaml", &e, &s, &err);
        assert_true(st == OQ_ECONFIG || st == OQ_ENOMEM);
        assert_null(e);
        assert_null(s);
        assert_true(err.message[0] != 0);
        assert_int_equal(ta.live_bytes, 0);
        if (ta.n_failed == 0)
            break; /* no allocation left to fail */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(did_you_mean),
        cmocka_unit_test(every_error_reported),
        cmocka_unit_test(timeline_references),
        cmocka_unit_test(unknown_top_key_stops_the_parse),
        cmocka_unit_test(size_and_node_limits),
        cmocka_unit_test(scenario_did_you_mean),
        cmocka_unit_test(bad_options),
        cmocka_unit_test(stopped_load_checks_no_more_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
