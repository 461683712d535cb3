/* SPDX-License-Identifier: MIT */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries its size in a header before it, so a free or a grow
 * that names another size than the block was given (the allocator contract,
 * core.h) stops the test at once, whichever test it is. */
enum { SIZE_HEAD = 16 };

void *test_alloc_fn(void *ptr, size_t old_size, size_t new_size, void *user)
{
    test_alloc *a = user;
    unsigned char *base = ptr ? (unsigned char *)ptr - SIZE_HEAD : NULL;
    if (base) {
        size_t had;
        memcpy(&had, base, sizeof had);
        if (had != old_size) {
            fprintf(stderr, "test allocator: a block of %zu bytes freed or resized as %zu bytes\n", had, old_size);
            abort();
        }
    }
    if (new_size == 0) {
        if (ptr) {
            a->live_bytes -= (int64_t)old_size;
            a->live_blocks--;
        }
        free(base);
        return NULL;
    }
    if (new_size > old_size || !ptr) {
        a->n_allocs++;
        if (a->fail_at > 0 && (a->n_allocs == a->fail_at || (a->fail_all && a->n_allocs > a->fail_at))) {
            a->n_failed++;
            return NULL;
        }
    }
    unsigned char *p = realloc(base, SIZE_HEAD + new_size);
    if (!p)
        return NULL;
    memcpy(p, &new_size, sizeof new_size);
    if (!ptr)
        a->live_blocks++;
    a->live_bytes += (int64_t)new_size - (int64_t)(ptr ? old_size : 0);
    if (a->live_bytes > a->peak_bytes)
        a->peak_bytes = a->live_bytes;
    return p + SIZE_HEAD;
}

static oq_status snap_write(const void *data, size_t len, void *user)
{
    snap_buf *s = user;
    unsigned char *grown = realloc(s->p, s->n + len);
    if (!grown)
        return OQ_ENOMEM;
    memcpy(grown + s->n, data, len);
    s->p = grown;
    s->n += len;
    return OQ_OK;
}

snap_buf snap_of(oq_engine *e, test_alloc *a)
{
    int64_t fail_at = a ? a->fail_at : 0;
    if (a)
        a->fail_at = 0;
    snap_buf s = {NULL, 0};
    assert_oq_ok(e, oq_engine_snapshot(e, snap_write, &s));
    if (a)
        a->fail_at = fail_at;
    return s;
}

static void copy_id(char *dst, const char *src)
{
    if (!src) {
        dst[0] = '\0';
        return;
    }
    strncpy(dst, src, REC_ID - 1);
    dst[REC_ID - 1] = '\0';
}

void recorder_fn(const oq_event *event, void *user)
{
    recorder *r = user;
    if (r->n >= REC_MAX_EVENTS) {
        r->dropped++;
        return;
    }
    rec_event *x = &r->ev[r->n++];
    x->type = event->type;
    x->agent_state = event->agent_state;
    x->prev_agent_state = event->prev_agent_state;
    x->priority = event->priority;
    x->time_ms = event->time_ms;
    x->wait_ms = event->wait_ms;
    copy_id(x->contact, event->contact);
    copy_id(x->agent, event->agent);
    copy_id(x->queue, event->queue);
    copy_id(x->from_queue, event->from_queue);
    copy_id(x->detail, event->detail);
}

void recorder_clear(recorder *r)
{
    r->n = 0;
    r->dropped = 0;
}

int recorder_find(const recorder *r, int from, int32_t type, const char *contact,
                  const char *agent)
{
    for (int i = from < 0 ? 0 : from; i < r->n; i++) {
        const rec_event *x = &r->ev[i];
        if (x->type != type)
            continue;
        if (contact && strcmp(x->contact, contact) != 0)
            continue;
        if (agent && strcmp(x->agent, agent) != 0)
            continue;
        return i;
    }
    return -1;
}

int recorder_count(const recorder *r, int32_t type, const char *contact)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ev[i].type == type && (!contact || strcmp(r->ev[i].contact, contact) == 0))
            n++;
    return n;
}

int64_t utc_at(int y, int m, int d, int64_t ms)
{
    int32_t date = 0;
    assert_int_equal(oq_date_from_ymd(y, m, d, &date), OQ_OK);
    return (int64_t)date * 86400000LL + ms;
}

oq_engine *new_engine(recorder *r, test_alloc *a)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    if (r) {
        recorder_clear(r);
        o.on_event = recorder_fn;
        o.event_user = r;
    }
    if (a) {
        o.alloc = test_alloc_fn;
        o.alloc_user = a;
    }
    oq_engine *e = NULL;
    assert_int_equal(oq_engine_create(&o, &e), OQ_OK);
    assert_non_null(e);
    return e;
}

void add_channel(oq_engine *e, const char *id, int exclusive, int cost, int max_per_agent)
{
    oq_channel_spec c;
    oq_channel_spec_init(&c);
    c.id = id;
    c.exclusive = exclusive;
    c.capacity_cost = cost;
    c.max_per_agent = max_per_agent;
    assert_int_equal(oq_channel_add(e, &c), OQ_OK);
}

void add_queue(oq_engine *e, const char *id, int32_t ordering, int32_t strategy,
               const char *channel)
{
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = id;
    q.ordering = ordering;
    q.strategy = strategy;
    assert_int_equal(oq_queue_add(e, &q), OQ_OK);
    if (channel) {
        int64_t now = 0;
        assert_int_equal(oq_engine_now(e, &now), OQ_OK);
        assert_int_equal(oq_queue_add_channel(e, now, id, channel), OQ_OK);
    }
}

void add_agent(oq_engine *e, const char *id, int capacity)
{
    assert_int_equal(oq_agent_add(e, id, capacity), OQ_OK);
}

void add_agent_with(oq_engine *e, int64_t t, const char *id, const char *skill, int ready)
{
    add_agent(e, id, 100);
    if (skill)
        assert_oq_ok(e, oq_agent_set_skill(e, t, id, skill, 5));
    assert_oq_ok(e, oq_agent_login(e, t, id, ready));
}

void add_blend_queues(oq_engine *e, const char *channel)
{
    oq_queue_spec qs;
    oq_queue_spec_init(&qs);
    qs.id = "in";
    qs.sla_threshold_s = 10;
    qs.sla_target = 0.8;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "in", channel));
    oq_queue_spec_init(&qs);
    qs.id = "out";
    qs.outbound = 1;
    assert_oq_ok(e, oq_queue_add(e, &qs));
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "out", channel));
    assert_oq_ok(e, oq_queue_set_blend(e, 0, "out", OQ_BLEND_SL_ABOVE_TARGET));
}

oq_status voice_queue_center(oq_engine *e, int32_t agents, double threshold_s, double wrapup_s)
{
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    ch.exclusive = 1;
    oq_status st = oq_channel_add(e, &ch);
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = 0;
    q.wrapup_s = wrapup_s;
    q.sla_threshold_s = threshold_s;
    if (st == OQ_OK)
        st = oq_queue_add(e, &q);
    if (st == OQ_OK)
        st = oq_queue_add_channel(e, 0, "q", "voice");
    for (int32_t i = 0; i < agents && st == OQ_OK; i++) {
        char id[16];
        snprintf(id, sizeof id, "a%d", (int)i);
        st = oq_agent_add(e, id, 100);
        if (st == OQ_OK)
            st = oq_agent_login(e, 0, id, 1);
    }
    return st;
}

oq_status arrive(oq_engine *e, int64_t now, const char *id, const char *channel,
                 const char *queue, int32_t priority)
{
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    s.id = id;
    s.channel = channel;
    s.queue = queue;
    s.priority = priority;
    return oq_contact_arrive(e, now, &s);
}

const char *contact_agent(oq_engine *e, const char *contact, char *buf, size_t size)
{
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    buf[0] = '\0';
    if (oq_contact_get(e, contact, &ci) == OQ_OK && ci.agent) {
        strncpy(buf, ci.agent, size - 1);
        buf[size - 1] = '\0';
    }
    return buf;
}

int32_t contact_state(oq_engine *e, const char *contact)
{
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    if (oq_contact_get(e, contact, &ci) != OQ_OK)
        return -1;
    return ci.state;
}

int32_t agent_state(oq_engine *e, const char *agent)
{
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    if (oq_agent_get(e, agent, &ai) != OQ_OK)
        return -1;
    return ai.state;
}
