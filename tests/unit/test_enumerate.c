/* SPDX-License-Identifier: MIT */
/* Enumerating the configuration (config.h): count, id at an index, the cursor
 * walk and the existence test agree with each other and with what was added
 * and removed; the walk after removals visits each live object once, in
 * creation order. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

#define N 2000

static recorder rec;

static void walk_matches_indexes_after_removals(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    char id[32];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "a%04d", i);
        add_agent(e, id, 100);
    }
    for (int i = 0; i < N; i += 3) { /* remove a third, the first one included */
        snprintf(id, sizeof id, "a%04d", i);
        assert_oq_ok(e, oq_agent_remove(e, id));
    }
    int32_t live = 0;
    assert_oq_ok(e, oq_config_count(e, OQ_KIND_AGENT, &live));
    assert_int_equal(live, N - (N + 2) / 3);

    int32_t cursor = 0, seen = 0;
    const char *got = NULL;
    oq_status st;
    while ((st = oq_config_next(e, OQ_KIND_AGENT, &cursor, &got)) == OQ_OK) {
        /* the seen-th live agent in creation order is a%04d with i % 3 != 0 */
        int want = seen / 2 * 3 + 1 + seen % 2;
        snprintf(id, sizeof id, "a%04d", want);
        assert_string_equal(got, id);
        const char *by_index = NULL;
        assert_oq_ok(e, oq_config_id(e, OQ_KIND_AGENT, seen, &by_index));
        assert_string_equal(by_index, got);
        assert_oq_ok(e, oq_config_exists(e, OQ_KIND_AGENT, got));
        seen++;
    }
    assert_int_equal(st, OQ_ENOTFOUND);
    assert_int_equal(seen, live);
    /* the finished walk stays finished */
    assert_int_equal(oq_config_next(e, OQ_KIND_AGENT, &cursor, &got), OQ_ENOTFOUND);
    assert_int_equal(oq_config_exists(e, OQ_KIND_AGENT, "a0000"), OQ_ENOTFOUND);
    assert_int_equal(oq_config_exists(e, OQ_KIND_AGENT, "nobody"), OQ_ENOTFOUND);
    oq_engine_destroy(e);
}

static void every_kind_and_bad_arguments(void **state)
{
    (void)state;
    oq_engine *e = new_engine(&rec, NULL);
    add_channel(e, "voice", 1, 100, 1);
    assert_oq_ok(e, oq_skill_add(e, "fr", 5));
    assert_oq_ok(e, oq_group_add(e, "night"));
    assert_oq_ok(e, oq_profile_add(e, "senior"));
    add_queue(e, "sales", OQ_ORDER_PRIORITY, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "ann", 100);
    const struct { int32_t kind; const char *id; } have[] = {
        {OQ_KIND_CHANNEL, "voice"}, {OQ_KIND_SKILL, "fr"}, {OQ_KIND_GROUP, "night"},
        {OQ_KIND_PROFILE, "senior"}, {OQ_KIND_QUEUE, "sales"}, {OQ_KIND_AGENT, "ann"}};
    for (size_t i = 0; i < sizeof have / sizeof have[0]; i++) {
        assert_oq_ok(e, oq_config_exists(e, have[i].kind, have[i].id));
        /* an id of another kind is not found under this kind */
        assert_int_equal(oq_config_exists(e, have[i].kind, "zz"), OQ_ENOTFOUND);
        int32_t cursor = 0;
        const char *id = NULL;
        assert_oq_ok(e, oq_config_next(e, have[i].kind, &cursor, &id));
        assert_string_equal(id, have[i].id);
        assert_int_equal(oq_config_next(e, have[i].kind, &cursor, &id), OQ_ENOTFOUND);
    }
    int32_t cursor = -1;
    const char *id = NULL;
    assert_int_equal(oq_config_next(e, OQ_KIND_AGENT, &cursor, &id), OQ_EINVAL);
    cursor = 0;
    assert_int_equal(oq_config_next(e, 99, &cursor, &id), OQ_EINVAL);
    assert_int_equal(oq_config_next(NULL, OQ_KIND_AGENT, &cursor, &id), OQ_EINVAL);
    assert_int_equal(oq_config_next(e, OQ_KIND_AGENT, NULL, &id), OQ_EINVAL);
    assert_int_equal(oq_config_exists(e, 0, "ann"), OQ_EINVAL);
    assert_int_equal(oq_config_exists(e, OQ_KIND_AGENT, NULL), OQ_EINVAL);
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walk_matches_indexes_after_removals),
        cmocka_unit_test(every_kind_and_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
