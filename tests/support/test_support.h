/* SPDX-License-Identifier: MIT */
/* Helpers shared by the cmocka tests: a counting allocator that can fail on
 * demand, and an event recorder. */
#ifndef OQ_TEST_SUPPORT_H
#define OQ_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "omniq/omniq.h"
#include "assert_oq.h"

/* Allocator that counts live bytes and blocks and fails the fail_at-th
 * allocation (1-based; 0 = never) — and every one after it if fail_all.
 * It knows each block's size: a free or grow that names another aborts the
 * test with both sizes (the allocator contract, core.h). */
typedef struct test_alloc {
    int64_t live_bytes;
    int64_t live_blocks;
    int64_t peak_bytes;
    int64_t n_allocs;     /* allocations attempted (incl. growing reallocs) */
    int64_t fail_at;
    int fail_all;
    int64_t n_failed;
} test_alloc;

void *test_alloc_fn(void *ptr, size_t old_size, size_t new_size, void *user);

/* An engine's snapshot in a buffer of the C library's (free .p), for byte
 * comparisons: taken with a's failure point lifted (a may be NULL), so the
 * snapshot itself never fails. */
typedef struct snap_buf {
    unsigned char *p;
    size_t n;
} snap_buf;
snap_buf snap_of(oq_engine *e, test_alloc *a);

#define REC_MAX_EVENTS 4096
#define REC_ID 64

/* One event as copied by the recorder (strings copied, "" when NULL). */
typedef struct rec_event {
    int32_t type;
    int32_t agent_state;
    int32_t prev_agent_state;
    int32_t priority;
    int64_t time_ms;
    int64_t wait_ms;
    char contact[REC_ID];
    char agent[REC_ID];
    char queue[REC_ID];
    char from_queue[REC_ID];
    char detail[REC_ID];
} rec_event;

typedef struct recorder {
    int32_t n;
    int64_t dropped;
    rec_event ev[REC_MAX_EVENTS];
} recorder;

void recorder_fn(const oq_event *event, void *user);
void recorder_clear(recorder *r);
/* Index of the first event of `type` at or after `from` (and, when non-NULL,
 * for that contact / agent), or -1. */
int recorder_find(const recorder *r, int from, int32_t type, const char *contact,
                  const char *agent);
/* Number of events of `type` (for a contact when non-NULL). */
int recorder_count(const recorder *r, int32_t type, const char *contact);

/* Engine with the recorder and counting allocator attached (either may be NULL). */
oq_engine *new_engine(recorder *r, test_alloc *a);
/* Engine time (epoch ms, UTC) of y-m-d 00:00 UTC plus `ms`; fails the test on a bad date. */
int64_t utc_at(int y, int m, int d, int64_t ms);

/* Convenience builders; each asserts OQ_OK. */
void add_channel(oq_engine *e, const char *id, int exclusive, int cost, int max_per_agent);
void add_queue(oq_engine *e, const char *id, int32_t ordering, int32_t strategy,
               const char *channel);
void add_agent(oq_engine *e, const char *id, int capacity);
/* Agent of capacity 100 with `skill` at level 5 (none: NULL), logged in at
 * `t`, ready or not. */
void add_agent_with(oq_engine *e, int64_t t, const char *id, const char *skill, int ready);
/* Blending: inbound queue "in" (80 % answered in 10 s) and outbound queue
 * "out" that takes agents only while "in" meets that target
 * (OQ_BLEND_SL_ABOVE_TARGET), both on `channel`. */
void add_blend_queues(oq_engine *e, const char *channel);
/* The simulators' test center: exclusive channel "voice", queue "q" (offers
 * wait for the agent, threshold T and wrap-up as given) and agents a0..a<n-1>,
 * logged in ready at time 0. Returns the first failing call's status (a
 * build callback's result, oq_sim_build_fn). */
oq_status voice_queue_center(oq_engine *e, int32_t agents, double threshold_s, double wrapup_s);
/* Arrival with only the essentials. */
oq_status arrive(oq_engine *e, int64_t now, const char *id, const char *channel,
                 const char *queue, int32_t priority);
/* Id of the agent holding the contact, or "" (static buffer per call site not needed: copied). */
const char *contact_agent(oq_engine *e, const char *contact, char *buf, size_t size);
int32_t contact_state(oq_engine *e, const char *contact);
int32_t agent_state(oq_engine *e, const char *agent);

#endif
