/* SPDX-License-Identifier: MIT */
/* Shared by the snapshot and journal tests: the rich world of
 * tests/support/world.h (cmocka assertions, the counting allocator) and an
 * event log to compare what two engines decided. */
#ifndef OQ_TEST_SNAPSHOT_WORLD_H
#define OQ_TEST_SNAPSHOT_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#define W_REQUIRE(cond) assert_true(cond)
#include "world.h"

/* ---- event log: every event as a text line ------------------------------------ */

typedef struct evlog {
    char *buf;
    size_t n, cap;
    int64_t count;
} evlog;

static inline void evlog_fn(const oq_event *ev, void *user)
{
    evlog *l = user;
    char line[640];
    int k = snprintf(line, sizeof line, "%s t=%lld c=%s a=%s q=%s fq=%s ch=%s d=%s s=%d/%d p=%d w=%lld\n",
                     oq_event_type_name(ev->type), (long long)ev->time_ms, ev->contact ? ev->contact : "-",
                     ev->agent ? ev->agent : "-", ev->queue ? ev->queue : "-",
                     ev->from_queue ? ev->from_queue : "-", ev->channel ? ev->channel : "-",
                     ev->detail ? ev->detail : "-", ev->agent_state, ev->prev_agent_state, ev->priority,
                     (long long)ev->wait_ms);
    if (k < 0)
        return;
    if ((size_t)k >= sizeof line)
        k = (int)sizeof line - 1;
    if (l->n + (size_t)k > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1 << 16;
        while (cap < l->n + (size_t)k)
            cap *= 2;
        l->buf = realloc(l->buf, cap);
        assert_non_null(l->buf);
        l->cap = cap;
    }
    memcpy(l->buf + l->n, line, (size_t)k);
    l->n += (size_t)k;
    l->count++;
}

static inline void evlog_reset(evlog *l)
{
    l->n = 0;
    l->count = 0;
}

static inline void evlog_free(evlog *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

/* Both logs hold the same events (prints the first difference). */
static inline void assert_same_events(const evlog *a, const evlog *b)
{
    if (a->n == b->n && (a->n == 0 || memcmp(a->buf, b->buf, a->n) == 0))
        return;
    size_t i = 0;
    while (i < a->n && i < b->n && a->buf[i] == b->buf[i])
        i++;
    size_t s = i;
    while (s > 0 && a->buf[s - 1] != '\n')
        s--;
    fprintf(stderr, "event streams differ at byte %zu (%lld vs %lld events)\n  A: %.200s\n  B: %.200s\n", i,
            (long long)a->count, (long long)b->count, a->buf + s, b->buf + s);
    fail();
}

/* ---- the world (tests/support/world.h) with these tests' options ---------------------- */

static inline void w_options(oq_engine_options *o, evlog *log, test_alloc *alloc)
{
    oq_engine_options_init(o);
    o->on_event = log ? evlog_fn : NULL;
    o->event_user = log;
    if (alloc) {
        o->alloc = test_alloc_fn;
        o->alloc_user = alloc;
    }
    o->seed = 42;
    o->start_ms = 1000;
    o->abandon_resume_s = 30;
}

/* Restore buf (which must succeed and pass oq_engine_check). */
static inline oq_engine *w_restore(const void *buf, size_t len, evlog *log, test_alloc *alloc)
{
    oq_error rerr = OQ_ERROR_INIT;
    oq_engine_options o;
    w_options(&o, log, alloc);
    oq_engine *r = NULL;
    oq_status st = oq_engine_restore_buffer(&o, buf, len, &r, &rerr);
    if (st != OQ_OK)
        fprintf(stderr, "restore: %s: %s\n", oq_status_name(st), rerr.message);
    assert_int_equal(st, OQ_OK);
    assert_int_equal(oq_engine_check(r), OQ_OK);
    return r;
}

/* The snapshot of e as a malloc'd buffer. */
static inline void *w_snap(oq_engine *e, size_t *len)
{
    void *buf = NULL;
    assert_int_equal(oq_engine_snapshot_buffer(e, &buf, len), OQ_OK);
    return buf;
}

static inline void assert_same_bytes(const void *a, size_t la, const void *b, size_t lb)
{
    if (la == lb && memcmp(a, b, la) == 0)
        return;
    size_t i = 0;
    while (i < la && i < lb && ((const uint8_t *)a)[i] == ((const uint8_t *)b)[i])
        i++;
    fprintf(stderr, "snapshots differ: %zu vs %zu bytes, first difference at byte %zu\n", la, lb, i);
    fail();
}

#endif
