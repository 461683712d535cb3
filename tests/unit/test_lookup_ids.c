/* SPDX-License-Identifier: MIT */
/* Lookups by id of contacts, agents, queues and channels (engine.c's
 * DEFINE_FIND; issue #22): these find the object first and check the id
 * (oq__check_id) only when nothing is found. Checked here: the answers are
 * still those of checking first -- a NULL, empty, over-long or non-UTF-8 id
 * is OQ_EINVAL with the check's message, a valid unknown id OQ_ENOTFOUND,
 * a known one found -- through read-only and mutating calls, and a failed
 * lookup changes nothing. Also accept and reject, which take the offered
 * agent without a lookup when the id names it. */
#include <stdio.h>
#include <string.h>

#include "test_support.h"

typedef oq_status (*lookup_fn)(oq_engine *e, const char *id);

static oq_status get_contact(oq_engine *e, const char *id)
{
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    return oq_contact_get(e, id, &ci);
}

static oq_status complete_contact(oq_engine *e, const char *id)
{
    return oq_contact_complete(e, 0, id);
}

static oq_status get_agent(oq_engine *e, const char *id)
{
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    return oq_agent_get(e, id, &ai);
}

static oq_status login_agent(oq_engine *e, const char *id)
{
    return oq_agent_login(e, 0, id, 0);
}

static oq_status get_queue(oq_engine *e, const char *id)
{
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    return oq_queue_get_spec(e, id, &qs);
}

static oq_status get_channel(oq_engine *e, const char *id)
{
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    return oq_channel_get(e, id, &cs);
}

static oq_status arrive_in_queue(oq_engine *e, const char *id)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = "new";
    cs.queue = id;
    cs.channel = "voice";
    return oq_contact_arrive(e, 0, &cs);
}

static oq_status arrive_on_channel(oq_engine *e, const char *id)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = "new";
    cs.queue = "q";
    cs.channel = id;
    return oq_contact_arrive(e, 0, &cs);
}

static oq_engine *engine_up(void)
{
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a0", 100);
    assert_oq_ok(e, arrive(e, 0, "c0", "voice", "q", 0)); /* nobody logged in: it waits */
    return e;
}

static void expect(oq_engine *e, lookup_fn f, const char *id, oq_status want, const char *msg,
                   const char *what)
{
    oq_status st = f(e, id);
    if (st != want)
        fail_msg("%s('%s'): %s (%s), expected %s", what, id ? id : "(null)", oq_status_str(st),
                 oq_engine_last_error(e), oq_status_str(want));
    if (msg && !strstr(oq_engine_last_error(e), msg))
        fail_msg("%s('%s'): message '%s' lacks '%s'", what, id ? id : "(null)",
                 oq_engine_last_error(e), msg);
}

/* Every malformed form, a valid unknown id, then (when known is given) the
 * known one. */
static void malformed_then_unknown(oq_engine *e, lookup_fn f, const char *what, const char *known,
                                   oq_status known_st)
{
    char longid[OQ_ID_MAX + 2];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    expect(e, f, NULL, OQ_EINVAL, "id is NULL", what);
    expect(e, f, "", OQ_EINVAL, "id is empty", what);
    expect(e, f, longid, OQ_EINVAL, "longer than 255 bytes", what);
    expect(e, f, "c\xff", OQ_EINVAL, "not valid UTF-8", what);
    expect(e, f, "\xc3\x28", OQ_EINVAL, "not valid UTF-8", what);
    expect(e, f, "nobody-\xc3\xa9", OQ_ENOTFOUND, "no such", what);
    if (known)
        expect(e, f, known, known_st, NULL, what);
}

static void lookups_answer_as_if_checked_first(void **state)
{
    (void)state;
    oq_engine *e = engine_up();
    malformed_then_unknown(e, get_contact, "oq_contact_get", "c0", OQ_OK);
    malformed_then_unknown(e, get_agent, "oq_agent_get", "a0", OQ_OK);
    malformed_then_unknown(e, get_queue, "oq_queue_get_spec", "q", OQ_OK);
    malformed_then_unknown(e, get_channel, "oq_channel_get", "voice", OQ_OK);
    malformed_then_unknown(e, arrive_in_queue, "oq_contact_arrive (queue)", NULL, OQ_OK);
    malformed_then_unknown(e, arrive_on_channel, "oq_contact_arrive (channel)", NULL, OQ_OK);
    malformed_then_unknown(e, login_agent, "oq_agent_login", NULL, OQ_OK);
    /* Complete last: a waiting contact cannot be completed (OQ_ESTATE), and
     * the failed lookups before changed nothing. */
    malformed_then_unknown(e, complete_contact, "oq_contact_complete", "c0", OQ_ESTATE);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c0", &ci));
    assert_int_equal(ci.state, OQ_CONTACT_QUEUED);
    oq_contact_info none = OQ_OUTPUT_INIT(oq_contact_info);
    assert_int_equal(oq_contact_get(e, "new", &none), OQ_ENOTFOUND);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void expect_offer_call(oq_engine *e, int accept, const char *agent, oq_status want,
                              const char *msg)
{
    oq_status st = accept ? oq_offer_accept(e, 0, "c0", agent) : oq_offer_reject(e, 0, "c0", agent);
    if (st != want)
        fail_msg("%s(c0, '%s'): %s (%s), expected %s", accept ? "accept" : "reject",
                 agent ? agent : "(null)", oq_status_str(st), oq_engine_last_error(e),
                 oq_status_str(want));
    if (msg && !strstr(oq_engine_last_error(e), msg))
        fail_msg("%s(c0, '%s'): message '%s' lacks '%s'", accept ? "accept" : "reject",
                 agent ? agent : "(null)", oq_engine_last_error(e), msg);
}

/* Accept and reject take the offered agent without a lookup when the id
 * names it (contact_life.c find_offer); any other agent id is looked up and
 * answered as before, and changes nothing. */
static void offer_calls_name_the_offered_agent(void **state)
{
    (void)state;
    oq_engine *e = engine_up();
    assert_oq_ok(e, oq_agent_add(e, "a1", 100));
    assert_oq_ok(e, oq_agent_login(e, 0, "a0", 1)); /* c0 is offered to a0 */
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c0", &ci));
    assert_int_equal(ci.state, OQ_CONTACT_OFFERED);
    for (int accept = 0; accept <= 1; accept++) {
        expect_offer_call(e, accept, NULL, OQ_EINVAL, "id is NULL");
        expect_offer_call(e, accept, "", OQ_EINVAL, "id is empty");
        expect_offer_call(e, accept, "a\xff", OQ_EINVAL, "not valid UTF-8");
        expect_offer_call(e, accept, "nobody", OQ_ENOTFOUND, "no such agent");
        expect_offer_call(e, accept, "a1", OQ_ESTATE, "not offered to agent 'a1'");
        expect_offer_call(e, accept, "a0x", OQ_ENOTFOUND, "no such agent");
        assert_oq_ok(e, oq_contact_get(e, "c0", &ci));
        assert_int_equal(ci.state, OQ_CONTACT_OFFERED);
    }
    expect_offer_call(e, 1, "a0", OQ_OK, NULL);
    assert_oq_ok(e, oq_contact_get(e, "c0", &ci));
    assert_int_equal(ci.state, OQ_CONTACT_ACTIVE);
    expect_offer_call(e, 1, "a0", OQ_ESTATE, "not offered to agent 'a0'");
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups_answer_as_if_checked_first),
        cmocka_unit_test(offer_calls_name_the_offered_agent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
