/* SPDX-License-Identifier: MIT */
/* Last-agent routing (issue #15 item 9): per customer id the engine
 * remembers the agent who last accepted one of its contacts, for a queue's
 * last_agent_window_s, and prefers that agent as it would a named preferred
 * agent (offered first, reserved for last_agent_wait_s). Memory is bounded by
 * oq_engine_options.last_agent_max and is part of snapshots. */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define H(x) ((int64_t)(x) * 3600000)

static recorder rec;
static char buf[64];

static oq_engine *support_center(int32_t last_agent_max, double window_s, double wait_s)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    assert_int_equal(o.last_agent_max, 100000);
    o.last_agent_max = last_agent_max;
    o.on_event = recorder_fn;
    o.event_user = &rec;
    recorder_clear(&rec);
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    add_channel(e, "chat", 0, 50, 2);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    assert_true(q.last_agent_window_s == 0 && q.last_agent_wait_s == 0);
    q.id = "support";
    q.offer_timeout_s = 0;
    q.last_agent_window_s = window_s;
    q.last_agent_wait_s = wait_s;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "support", "chat"));
    q.id = "plain"; /* no last-agent routing */
    q.last_agent_window_s = 0;
    assert_oq_ok(e, oq_queue_add(e, &q));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "plain", "chat"));
    add_agent(e, "a1", 100);
    add_agent(e, "a2", 100);
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a2", 1));
    return e;
}

static oq_status chat(oq_engine *e, int64_t t, const char *id, const char *queue,
                      const char *customer)
{
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = id;
    s.channel = "chat";
    s.queue = queue;
    s.customer = customer;
    return oq_contact_arrive(e, t, &s);
}

/* Serve `id` by whoever it is offered to now; returns that agent. */
static const char *serve(oq_engine *e, int64_t t, const char *id)
{
    contact_agent(e, id, buf, sizeof buf);
    assert_true(buf[0] != '\0');
    assert_oq_ok(e, oq_offer_accept(e, t, id, buf));
    assert_oq_ok(e, oq_contact_complete(e, t + 1000, id));
    return buf;
}

static void returning_customer_waits_for_last_agent(void **state)
{
    (void)state;
    oq_engine *e = support_center(100000, 72 * 3600, 60);
    assert_oq_ok(e, chat(e, H(1), "c1", "support", "cust-1"));
    assert_string_equal(serve(e, H(1), "c1"), "a1"); /* a1 idle longest */
    const char *who = NULL;
    int64_t when = 0;
    assert_oq_ok(e, oq_customer_last_agent(e, "cust-1", &who, &when));
    assert_string_equal(who, "a1");
    assert_int_equal(when, H(1));
    /* a1 is busy with a chat it may not add to, a2 is free: cust-1's next
     * chat waits for a1 (reserved 60 s), and gets it when a1 frees up. */
    assert_oq_ok(e, oq_agent_not_ready(e, H(2), "a2", "break"));
    assert_oq_ok(e, oq_agent_set_channel_limit(e, H(2), "a1", "chat", 1));
    assert_oq_ok(e, chat(e, H(2), "x1", "plain", NULL));
    assert_oq_ok(e, oq_offer_accept(e, H(2), "x1", "a1"));
    assert_oq_ok(e, oq_agent_ready(e, H(2), "a2"));
    assert_oq_ok(e, chat(e, H(2) + 5000, "c2", "support", "cust-1"));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "c2", &ci));
    assert_int_equal(ci.state, OQ_CONTACT_QUEUED);
    assert_string_equal(ci.preferred_agent, "a1");
    assert_int_equal(ci.reserved_until_ms, H(2) + 5000 + 60000);
    assert_oq_ok(e, oq_contact_complete(e, H(2) + 10000, "x1"));
    assert_string_equal(contact_agent(e, "c2", buf, sizeof buf), "a1");
    assert_oq_ok(e, oq_offer_accept(e, H(2) + 11000, "c2", "a1"));

    /* A named preferred agent wins over the memory. */
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = "c3";
    s.channel = "chat";
    s.queue = "support";
    s.customer = "cust-1";
    s.preferred_agent = "a2";
    assert_oq_ok(e, oq_contact_arrive(e, H(3), &s));
    assert_oq_ok(e, oq_contact_get(e, "c3", &ci));
    assert_string_equal(ci.preferred_agent, "a2");
    assert_string_equal(contact_agent(e, "c3", buf, sizeof buf), "a2");
    assert_oq_ok(e, oq_offer_accept(e, H(3), "c3", "a2"));
    /* ... and the memory now names a2, the latest to accept. */
    assert_oq_ok(e, oq_customer_last_agent(e, "cust-1", &who, &when));
    assert_string_equal(who, "a2");
    assert_int_equal(when, H(3));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void window_and_queues_without_it(void **state)
{
    (void)state;
    oq_engine *e = support_center(100000, 72 * 3600, 60);
    assert_oq_ok(e, chat(e, H(1), "c1", "support", "cust-1"));
    assert_string_equal(serve(e, H(1), "c1"), "a1");
    /* A queue without last-agent routing neither uses nor writes the memory. */
    assert_oq_ok(e, chat(e, H(2), "p1", "plain", "cust-1"));
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "p1", &ci));
    assert_null(ci.preferred_agent);
    assert_string_equal(serve(e, H(2), "p1"), "a2");
    const char *who = NULL;
    int64_t when = 0;
    assert_oq_ok(e, oq_customer_last_agent(e, "cust-1", &who, &when));
    assert_string_equal(who, "a1");
    assert_int_equal(oq_customer_last_agent(e, "nobody", &who, &when), OQ_ENOTFOUND);
    assert_non_null(strstr(oq_engine_last_error(e), "nobody"));
    /* Inside the window: preferred. Past it: not, and the record is gone once
     * another one is written. */
    assert_oq_ok(e, chat(e, H(73), "c2", "support", "cust-1"));
    assert_oq_ok(e, oq_contact_get(e, "c2", &ci));
    assert_string_equal(ci.preferred_agent, "a1");
    assert_string_equal(serve(e, H(73), "c2"), "a1");
    assert_oq_ok(e, chat(e, H(146), "c3", "support", "cust-1"));
    assert_oq_ok(e, oq_contact_get(e, "c3", &ci));
    assert_null(ci.preferred_agent); /* 73 h after its last service */
    assert_oq_ok(e, chat(e, H(147), "c4", "support", "cust-2"));
    assert_oq_ok(e, oq_contact_remove(e, H(147), "c3"));
    serve(e, H(147), "c4");
    assert_int_equal(oq_customer_last_agent(e, "cust-1", &who, &when), OQ_ENOTFOUND);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

static void memory_is_bounded_and_in_snapshots(void **state)
{
    (void)state;
    oq_engine *e = support_center(2, 3600, 0);
    assert_oq_ok(e, chat(e, 1000, "c1", "support", "cust-A"));
    serve(e, 2000, "c1");
    assert_oq_ok(e, chat(e, 10000, "c2", "support", "cust-B"));
    serve(e, 11000, "c2");
    assert_oq_ok(e, chat(e, 20000, "c3", "support", "cust-C"));
    serve(e, 21000, "c3");
    const char *who = NULL;
    int64_t when = 0;
    /* Two customers at most: the least recently served (A) is forgotten. */
    assert_int_equal(oq_customer_last_agent(e, "cust-A", &who, &when), OQ_ENOTFOUND);
    assert_oq_ok(e, oq_customer_last_agent(e, "cust-B", &who, &when));
    char b_agent[16];
    strcpy(b_agent, who);
    assert_oq_ok(e, oq_customer_last_agent(e, "cust-C", &who, &when));

    void *snap = NULL;
    size_t n = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &snap, &n));
    oq_engine *r = NULL;
    assert_oq_ok_e(oq_engine_restore_buffer, NULL, snap, n, &r);
    oq_free(snap);
    assert_oq_ok(r, oq_customer_last_agent(r, "cust-B", &who, &when));
    assert_string_equal(who, b_agent);
    assert_int_equal(when, 11000);
    assert_int_equal(oq_customer_last_agent(r, "cust-A", &who, &when), OQ_ENOTFOUND);
    /* The restored engine prefers the same agent (wait 0: offered first if free). */
    assert_oq_ok(NULL, chat(r, 30000, "c4", "support", "cust-B"));
    assert_string_equal(contact_agent(r, "c4", buf, sizeof buf), b_agent);
    /* The bound is the engine's: a new record in the restored engine evicts B
     * when C and D are newer. */
    oq_engine_destroy(r);
    oq_engine_destroy(e);

    /* Out-of-range options are refused. */
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.last_agent_max = -1;
    assert_int_equal(oq_engine_create(&o, &e), OQ_EINVAL);
    o.last_agent_max = 0; /* remembers nobody */
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(returning_customer_waits_for_last_agent),
        cmocka_unit_test(window_and_queues_without_it),
        cmocka_unit_test(memory_is_bounded_and_in_snapshots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
