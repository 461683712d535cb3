/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the input is a stream of public API calls.
 *
 * Byte 0 selects options (bit 0: fail one allocation of engine creation;
 * bit 1: probe re-entrancy from the event sink; bits 2-4: engine seed;
 * bit 5: abandon_resume on; bit 6: remember only 2 customers' last agents).
 * Then each operation is an opcode byte followed
 * by its argument bytes (read as needed; a short input reads zeros). Ids come
 * from small pools ("a0".."a7", "q0".."q3", "c0".."c31", ...) plus occasional
 * invalid ones: NULL, "", unknown, over-long, non-UTF-8, and odd but valid
 * ids (YAML-special characters, CJK, 255 bytes). Numbers are mostly sensible
 * and sometimes extreme (negative, INT32_MIN/MAX, NaN, infinities, huge), and
 * times move forwards, stay, or go backwards (at most four weeks a call while
 * a queue names a calendar, see CALENDAR_MOVE_CAP_MS).
 *
 * After every call: oq_engine_check() must return OQ_OK and the status must be
 * one the API documents. The engine allocates through a counting allocator
 * that can fail the N-th allocation (opcode ALLOC_FAIL) to exercise OQ_ENOMEM;
 * at the end the configuration is dumped and must load again (a text this
 * process has reloaded before is not loaded twice), the engine is destroyed
 * and no byte may be left allocated. Any violation abort()s. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omniq/omniq.h"
#include "fuzz_alloc.h"

/* ---- input reader ---------------------------------------------------------- */

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static uint8_t u8(reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static uint32_t u32(reader *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 8) | u8(r);
    return v;
}

static uint64_t u64(reader *r)
{
    uint64_t hi = u32(r);
    return (hi << 32) | u32(r);
}

/* ---- pools of ids -------------------------------------------------------- */

static char g_long255[OQ_ID_MAX + 1];
static char g_long256[OQ_ID_MAX + 2];

static const char *const CHANNELS[] = {"voice", "chat", "email", "ch3"};
static const char *const SKILLS[] = {"s0", "s1", "s2", "s3"};
static const char *const GROUPS[] = {"g0", "g1", "g2"};
static const char *const PROFILES[] = {"p0", "p1", "p2"};
static const char *const AGENTS[] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"};
static const char *const QUEUES[] = {"q0", "q1", "q2", "q3"};
static const char *const REASONS[] = {"lunch", "", "no answer", "x: y # z", "\xe5\x8d\x88\xe9\xa5\xad"};
static char CONTACTS[32][4];

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* An id from `pool`, or (about 1 in 8) something unusual. */
static const char *pick(reader *r, const char *const *pool, size_t n)
{
    uint8_t b = u8(r);
    if (b < 224)
        return pool[b % n];
    switch (b & 7) {
    case 0: return NULL;
    case 1: return "";
    case 2: return "unknown";
    case 3: return g_long256;                 /* over-long: OQ_EINVAL */
    case 4: return "\xff\xfe\x80";            /* not UTF-8: OQ_EINVAL */
    case 5: return "we:ird #id\n'\"- [x]";    /* valid, but YAML-hostile */
    case 6: return "\xe4\xb8\xad\xe6\x96\x87"; /* valid UTF-8 (CJK) */
    default: return g_long255;                /* longest valid id */
    }
}

#define CHANNEL(r) pick(r, CHANNELS, NELEM(CHANNELS))
#define SKILL(r) pick(r, SKILLS, NELEM(SKILLS))
#define GROUP(r) pick(r, GROUPS, NELEM(GROUPS))
#define PROFILE(r) pick(r, PROFILES, NELEM(PROFILES))
#define AGENT(r) pick(r, AGENTS, NELEM(AGENTS))
#define QUEUE(r) pick(r, QUEUES, NELEM(QUEUES))

static const char *contact_id(reader *r)
{
    static const char *ptrs[32];
    if (!ptrs[0])
        for (int i = 0; i < 32; i++)
            ptrs[i] = CONTACTS[i];
    return pick(r, ptrs, 32);
}

static const char *reason(reader *r)
{
    uint8_t b = u8(r);
    if (b < 240)
        return REASONS[b % NELEM(REASONS)];
    return (b & 1) ? NULL : g_long256;
}

/* ---- numbers ------------------------------------------------------------- */

/* Small non-negative values mostly (levels, capacities, counts), extremes sometimes. */
static int32_t ival(reader *r)
{
    static const int32_t sane[16] = {0, 1, 2, 3, 4, 5, 6, 8, 10, 30, 50, 100, 200, 1000, 10000, 7};
    static const int32_t odd[8] = {-1, -2, INT32_MIN, INT32_MAX, 10001, OQ_PRIORITY_MAX,
                                   OQ_PRIORITY_MAX + 1, -OQ_PRIORITY_MAX};
    uint8_t b = u8(r);
    if (b < 224)
        return sane[b & 15];
    if ((b & 15) < 8)
        return odd[b & 7];
    return (int32_t)u32(r);
}

/* Priorities: signed, mostly small. */
static int32_t prio(reader *r)
{
    uint8_t b = u8(r);
    if (b < 224)
        return (int32_t)(b % 21) - 10;
    return ival(r);
}

/* A 0/1 flag, or (rarely) any other number. */
static int32_t flag(reader *r)
{
    uint8_t b = u8(r);
    return b < 250 ? (int32_t)(b & 1) : ival(r);
}

/* A per-agent item limit: -1 (the default) or a count. */
static int32_t limit(reader *r)
{
    uint8_t b = u8(r);
    return (b & 1) ? -1 : ival(r);
}

/* Seconds: mostly sensible, sometimes NaN, infinite, negative, huge or raw. */
static double secs(reader *r)
{
    static const double sane[16] = {0, 0.001, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 3600, 0.25};
    uint8_t b = u8(r);
    if (b < 208)
        return sane[b & 15];
    switch (b & 15) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return -1;
    case 4: return -0.0;
    case 5: return 1e300;
    case 6: return DBL_MIN / 4; /* subnormal */
    case 7: return DBL_MAX;
    case 8: return 9.3e15;      /* x1000 overflows int64 milliseconds */
    case 9: return 9.2e15;
    case 10: return 1e12;
    case 11: return 0.0004;     /* rounds to 0 ms */
    case 12: return 86400.0 * 365 * 100;
    default: {
        uint64_t bits = u64(r);
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    }
}

/* Fractions in [0, 1] mostly (SLA targets, when_sl_below). */
static double frac(reader *r)
{
    uint8_t b = u8(r);
    if (b < 200)
        return (double)(b % 11) / 10.0;
    return secs(r);
}

/* ---- the state of one run ------------------------------------------------ */

typedef struct fuzz {
    oq_engine *e;
    fuzz_alloc fa;
    int reentry_probe;
    int in_event;
    int64_t events;
    oq_status last;
    const char *what;
} fuzz;

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static int g_strict = -1; /* OQ_FUZZ_STRICT=1: known bugs abort, too */

/* Known bug 2 (see KNOWN_BUGS): the engine's time arithmetic overflows int64
 * once the clock nears INT64_MAX. Unless OQ_FUZZ_STRICT=1, times are kept
 * within +-2^62 ms (146 million years), where no duration (<= 9e12 s) can
 * overflow them. */
#define TIME_CAP ((int64_t)1 << 62)

static int64_t cap_time(int64_t t)
{
    if (g_strict)
        return t;
    return t > TIME_CAP ? TIME_CAP : t < -TIME_CAP ? -TIME_CAP : t;
}

/* Known bug 4: a waiting contact whose conditional ladder step is not met is
 * re-checked every second, so oq_engine_advance costs O(seconds elapsed) and a
 * jump of years never ends. Unless OQ_FUZZ_STRICT=1, while the engine holds
 * contacts the clock moves at most one hour per call (far jumps still happen
 * when it holds none). */
#define JUMP_CAP_MS 3600000

static int64_t cap_jump(oq_engine *e, int64_t now, int64_t t)
{
    oq_engine_counts n = OQ_OUTPUT_INIT(oq_engine_counts);
    if (g_strict || t <= now || t - now <= JUMP_CAP_MS)
        return t;
    if (oq_engine_get_counts(e, &n) != OQ_OK)
        fuzz_die("oq_engine_get_counts failed");
    return n.contacts > 0 ? now + JUMP_CAP_MS : t;
}

/* While a queue names a calendar, the clock moves at most four weeks per
 * call. The engine tells the host of every opening and closing on the way
 * (OQ_EV_QUEUE_OPENED / _CLOSED, docs/api.md), so one byte that jumped from
 * 1970 to INT64_MAX fired some 2.5 million calendar timers up to year 9999
 * (3.4 s per input under the sanitizers) and the inputs that did so, once in
 * the corpus, were mutated over and over: a third of the target's time. Four
 * weeks still cross every weekday, closed day and month end of a calendar,
 * and a daylight-saving change in a few calls; far dates stay reachable, in
 * many calls, and in one call while no queue names a calendar (the jumps to
 * INT64_MAX that found the timer overflows need none). */
#define CALENDAR_MOVE_CAP_MS ((int64_t)28 * 86400000)

static int calendar_named(oq_engine *e)
{
    int32_t n = 0, cursor = 0;
    const char *id = NULL;
    if (oq_engine_calendar_count(e, &n) != OQ_OK)
        fuzz_die("oq_engine_calendar_count failed");
    if (n == 0)
        return 0;
    while (oq_config_next(e, OQ_KIND_QUEUE, &cursor, &id) == OQ_OK) {
        oq_queue_spec s;
        oq_queue_spec_init(&s);
        if (oq_queue_get_spec(e, id, &s) != OQ_OK)
            fuzz_die("oq_queue_get_spec of an enumerated queue failed");
        if (s.calendar)
            return 1;
    }
    return 0;
}

static int64_t cap_calendar_move(oq_engine *e, int64_t now, int64_t t)
{
    if (t <= now || (uint64_t)t - (uint64_t)now <= (uint64_t)CALENDAR_MOVE_CAP_MS || !calendar_named(e))
        return t;
    return now + CALENDAR_MOVE_CAP_MS;
}

/* A now_ms for the next call: the clock plus a delta (forwards mostly, the
 * same time, a little backwards, or far away). */
static int64_t when_raw(reader *r, int64_t now);

static int64_t when(fuzz *f, reader *r)
{
    int64_t now = 0;
    if (oq_engine_now(f->e, &now) != OQ_OK)
        fuzz_die("oq_engine_now failed");
    return cap_calendar_move(f->e, now, cap_jump(f->e, now, when_raw(r, now)));
}

/* 9999-12-03 00:00 UTC, four weeks before the end of the years calendars
 * answer for (1..9999): a queue can name a calendar there and cross the end
 * in one capped move (CALENDAR_MOVE_CAP_MS), which no other jump reaches. */
#define LAST_MONTH_OF_9999 ((int64_t)253402300800000 - CALENDAR_MOVE_CAP_MS)

static int64_t when_raw(reader *r, int64_t now)
{
    static const int64_t delta[14] = {0, 0, 1, 10, 100, 500, 1000, 2000, 5000, 15000,
                                      30000, 60000, 600000, 3600000};
    uint8_t b = u8(r);
    if (b < 240)
        return cap_time(sat_add(now, delta[b % 14]));
    switch (b & 15) {
    case 0: return cap_time(sat_add(now, -1));
    case 1: return cap_time(sat_add(now, -1000));
    case 2: return cap_time(INT64_MIN);
    case 3: return cap_time(INT64_MAX);
    case 4: return cap_time(sat_add(now, (int64_t)86400000 * 365));
    case 5: return cap_time(sat_add(now, (int64_t)1 << 53));
    case 6: return cap_time(INT64_MAX / 2);
    case 15: return cap_time(LAST_MONTH_OF_9999);
    default: return cap_time(sat_add(now, (int64_t)(u32(r) & 0xffffff)));
    }
}

/* ---- checks -------------------------------------------------------------- */

static void check_engine(fuzz *f, const char *what)
{
    if (oq_engine_check(f->e) != OQ_OK) {
        fprintf(stderr, "after %s: oq_engine_check: %s\n", what, oq_engine_last_error(f->e));
        fuzz_die("oq_engine_check failed");
    }
}

static int g_verbose = -1; /* OQ_FUZZ_VERBOSE=1: print every call and its status */

static void check_status(fuzz *f, oq_status st, const char *what)
{
    f->last = st;
    if (g_verbose)
        fprintf(stderr, "%-60.60s -> %s %s\n", what, oq_status_name(st),
                st ? oq_engine_last_error(f->e) : "");
    if (st > 0 || st < OQ_ERANGE || st == OQ_ECORRUPT || st == OQ_EBUSY) {
        fprintf(stderr, "%s returned %d (%s): %s\n", what, (int)st, oq_status_name(st),
                oq_engine_last_error(f->e));
        fuzz_die("a call returned a status it must not return here");
    }
    if (st != OQ_OK) {
        const char *msg = oq_engine_last_error(f->e);
        if (!msg || !msg[0]) {
            fprintf(stderr, "%s returned %s with no message\n", what, oq_status_name(st));
            fuzz_die("a failed call left no last-error message");
        }
    }
    if (st == OQ_ENOMEM && f->fa.n_failed == 0) {
        fprintf(stderr, "%s returned OQ_ENOMEM though no allocation failed\n", what);
        fuzz_die("spurious OQ_ENOMEM");
    }
    check_engine(f, what);
}

#define CALL(f, expr) check_status((f), (expr), #expr)

/* ---- event sink ------------------------------------------------------------ */

/* OQ_STRATEGY_HOST_SCORE: a deterministic score of the pair from its ids
 * (FNV-1a), a quarter of the pairs refused (negative), some ties. */
static double fuzz_score(const char *contact, const char *agent, const char *queue, void *user)
{
    (void)user;
    uint32_t h = 2166136261u;
    for (const char *p = contact; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    for (const char *p = agent; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    for (const char *p = queue; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return (double)(h % 8) - 2.0;
}

static void on_event(const oq_event *ev, void *user)
{
    fuzz *f = user;
    f->events++;
    if (ev->type < OQ_EV_CONTACT_QUEUED || ev->type > OQ_EV_QUEUE_CLOSED)
        fuzz_die("event of unknown type");
    /* Every string must be readable (ASan checks the bytes). */
    const char *s[] = {ev->contact, ev->agent, ev->queue, ev->from_queue, ev->channel, ev->detail};
    size_t total = 0;
    for (size_t i = 0; i < NELEM(s); i++)
        if (s[i])
            total += strlen(s[i]);
    (void)total;
    if (!f->reentry_probe || f->in_event)
        return;
    f->in_event = 1;
    /* Mutating calls from a callback are refused and change nothing. */
    if (oq_agent_login(f->e, ev->time_ms, "a0", 1) != OQ_EBUSY ||
        oq_engine_advance(f->e, ev->time_ms) != OQ_EBUSY ||
        oq_contact_remove(f->e, ev->time_ms, ev->contact ? ev->contact : "c0") != OQ_EBUSY)
        fuzz_die("mutating call from a callback was not OQ_EBUSY");
    if (oq_engine_check(f->e) != OQ_OK) {
        fprintf(stderr, "in callback (%s): %s\n", oq_event_type_name(ev->type),
                oq_engine_last_error(f->e));
        fuzz_die("oq_engine_check from a callback failed");
    }
    if (ev->contact) {
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        (void)oq_contact_get(f->e, ev->contact, &ci);
    }
    f->in_event = 0;
}

/* ---- specs from bytes ------------------------------------------------------ */

static void channel_spec(reader *r, oq_channel_spec *s)
{
    oq_channel_spec_init(s);
    s->id = CHANNEL(r);
    uint8_t m = u8(r);
    if (m & 1)
        s->synchronous = (m & 2) ? 0 : ival(r);
    if (m & 4)
        s->exclusive = (m & 8) ? 1 : ival(r);
    if (m & 16)
        s->capacity_cost = ival(r);
    if (m & 32)
        s->max_per_agent = ival(r);
    if (m & 64)
        s->struct_size = 1 + u8(r);
}

static void queue_spec(reader *r, oq_queue_spec *s)
{
    oq_queue_spec_init(s);
    s->id = QUEUE(r);
    uint32_t m = u8(r);
    m |= (uint32_t)u8(r) << 8;
    if (m & 1)
        s->priority = prio(r);
    if (m & 2)
        s->ordering = (int32_t)(u8(r) % 4);
    if (m & 4)
        s->strategy = (int32_t)(u8(r) % 8); /* 6: host_score, 7: unknown */
    if (m & 8)
        s->timeout_not_ready = (int32_t)(u8(r) % 3);
    if (m & 16) {
        s->sla_threshold_s = secs(r);
        s->sla_target = frac(r);
    }
    if (m & 32)
        s->offer_timeout_s = secs(r);
    if (m & 64)
        s->wrapup_s = secs(r);
    if (m & 128)
        s->aging_per_s = secs(r);
    if (m & 256) {
        s->max_length = ival(r);
        s->limit_action = (int32_t)(u8(r) % 5);
        s->max_wait_s = secs(r);
        s->limit_queue = QUEUE(r);
        s->callback_channel = CHANNEL(r);
    }
    if (m & 512)
        s->refuse_if_no_agents = (int32_t)(u8(r) % 3);
    if (m & 1024)
        s->outbound = (int32_t)(u8(r) % 3);
    if (m & 2048)
        s->default_aht_s = secs(r);
    if (m & 4096)
        s->deadline_warning_s = secs(r);
    if (m & 8192)
        s->struct_size = 1 + u8(r);
    if (m & 16384) {
        s->keep_offer_on_not_ready = (int32_t)(u8(r) % 3);
        s->retry_after_s = secs(r);
        s->max_offers = ival(r);
    }
    if (m & 32768) {
        s->last_agent_window_s = secs(r);
        s->last_agent_wait_s = secs(r);
    }
}

static void step_spec(reader *r, oq_escalation_step *s)
{
    oq_escalation_step_init(s);
    s->action = (int32_t)(u8(r) % 9);
    s->timing = (int32_t)(u8(r) % 3);
    s->after_s = secs(r);
    uint8_t m = u8(r);
    s->skill = SKILL(r);
    s->level = ival(r);
    if (m & 1)
        s->priority = prio(r);
    s->group = GROUP(r);
    s->queue = QUEUE(r);
    if (m & 2)
        s->message = reason(r);
    if (m & 4)
        s->skip_if_no_agents = (int32_t)(u8(r) % 3);
    if (m & 8)
        s->when_ewt_above_s = secs(r);
    if (m & 16)
        s->when_sl_below = frac(r);
    if (m & 32)
        s->struct_size = 1 + u8(r);
}

static void policy_spec(reader *r, oq_agent_policy *p)
{
    oq_agent_policy_init(p);
    uint8_t m = u8(r);
    if (m & 1)
        p->max_no_answer = ival(r);
    if (m & 2) {
        p->max_per_window = ival(r);
        p->window_s = secs(r);
    }
    if (m & 4)
        p->reject_delay_s = secs(r);
    if (m & 8)
        p->no_answer_delay_s = secs(r);
    if (m & 16)
        p->struct_size = 1 + u8(r);
}

/* ---- read-only calls ------------------------------------------------------- */

static void read_only(fuzz *f, reader *r)
{
    oq_engine *e = f->e;
    int64_t t;
    oq_engine_counts counts = OQ_OUTPUT_INIT(oq_engine_counts);
    if (oq_engine_next_deadline(e, &t) != OQ_OK || oq_engine_get_counts(e, &counts) != OQ_OK)
        fuzz_die("next_deadline / get_counts failed");
    oq_agent_info ai = OQ_OUTPUT_INIT(oq_agent_info);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
    oq_queue_spec qs;
    oq_channel_spec cs;
    int32_t v;
    oq_queue_spec_init(&qs);
    oq_channel_spec_init(&cs);
    double d;
    const char *a = AGENT(r), *c = contact_id(r), *q = QUEUE(r);
    (void)oq_agent_get(e, a, &ai);
    (void)oq_agent_get_skill(e, a, SKILL(r), &v);
    (void)oq_channel_get(e, CHANNEL(r), &cs);
    (void)oq_skill_get(e, SKILL(r), &v);
    (void)oq_queue_get(e, q, &qi);
    (void)oq_queue_get_spec(e, q, &qs);
    (void)oq_queue_step_count(e, q, &v);
    (void)oq_queue_ewt(e, q, &d);
    if (oq_contact_get(e, c, &ci) == OQ_OK) {
        if (ci.queue)
            (void)strlen(ci.queue);
        if (ci.agent)
            (void)strlen(ci.agent);
    }
    (void)oq_contact_position(e, c, &v, &d);
    const char *la = NULL;
    int64_t served = 0;
    if (oq_customer_last_agent(e, reason(r), &la, &served) == OQ_OK && (!la || served < 0))
        fuzz_die("last agent read without an agent or with a negative time");
    int32_t nh = 0;
    if (oq_contact_history_count(e, c, &nh) == OQ_OK) {
        if (nh < 0 || nh > OQ_HISTORY_MAX)
            fuzz_die("history count out of range");
        for (int32_t i = 0; i < nh; i++) {
            oq_history_entry h;
            if (oq_contact_history_get(e, c, i, &h) != OQ_OK)
                fuzz_die("history entry in range not readable");
            if (h.queue)
                (void)strlen(h.queue);
            if (h.agent)
                (void)strlen(h.agent);
            if (h.detail)
                (void)strlen(h.detail);
        }
        oq_history_entry h;
        if (oq_contact_history_get(e, c, nh, &h) == OQ_OK)
            fuzz_die("history entry past the end readable");
    }
    for (int32_t kind = OQ_KIND_CHANNEL; kind <= OQ_KIND_AGENT; kind++) {
        int32_t n = 0;
        if (oq_config_count(e, kind, &n) != OQ_OK)
            fuzz_die("oq_config_count failed");
        for (int32_t i = 0; i < n; i++) {
            const char *id = NULL;
            if (oq_config_id(e, kind, i, &id) != OQ_OK || !id)
                fuzz_die("oq_config_id failed in range");
        }
    }
    check_engine(f, "read-only calls");
}

/* Engine bugs found by this target and reported but not fixed yet
 * (tests/fuzz/crashes/ holds their inputs; docs/fuzzing.md, "Known bugs").
 * Unless OQ_FUZZ_STRICT=1, a failure whose message contains one of these
 * is tolerated so that fuzzing goes on finding new bugs. Delete an entry
 * once its bug is fixed. */
static const char *const KNOWN_BUGS[] = {
    /* Bugs 1 (ladder outliving its requirement), 2 (time arithmetic near
     * INT64_MAX) and 4 (advance linear in elapsed time) are fixed; their
     * inputs are regression seeds in corpus/fuzz_api/. */
    NULL,
};

static int known_bug(const char *msg)
{
    if (g_strict)
        return 0;
    for (int i = 0; KNOWN_BUGS[i]; i++)
        if (strstr(msg, KNOWN_BUGS[i]))
            return 1;
    return 0;
}

/* Dumps already reloaded (and checked, destroyed, leak-free) by this
 * process. Reloading is a function of the text alone (the options are
 * fixed), so a text seen before is not loaded again: most mutations of an
 * input end with the configuration it ended with, and the reload was a
 * seventh of the target's time. Exact texts, not hashes, so no collision
 * can skip a new one; static storage, so the harness's own bookkeeping
 * allocates nothing between inputs (libFuzzer's leak detection counts
 * mallocs). OQ_FUZZ_RELOAD_ALL=1 reloads every dump. */
#define RELOADED_SLOTS 64
#define RELOADED_TEXT_MAX 6144

static struct reloaded {
    size_t len;
    char text[RELOADED_TEXT_MAX];
} g_reloaded[RELOADED_SLOTS];
static unsigned g_reloaded_next;
static int g_reload_all = -1;

static int reloaded_before(const char *y, size_t n)
{
    if (g_reload_all)
        return 0;
    for (unsigned i = 0; i < RELOADED_SLOTS; i++)
        if (g_reloaded[i].len == n && memcmp(g_reloaded[i].text, y, n) == 0)
            return 1;
    return 0;
}

static void remember_reloaded(const char *y, size_t n)
{
    if (n == 0 || n > RELOADED_TEXT_MAX)
        return;
    struct reloaded *slot = &g_reloaded[g_reloaded_next++ % RELOADED_SLOTS];
    memcpy(slot->text, y, n);
    slot->len = n;
}

/* The configuration of the engine, dumped, must load again. */
static void dump_reload(fuzz *f)
{
    char *y = NULL;
    size_t n = 0;
    oq_status st = oq_config_dump(f->e, &y, &n);
    if (st == OQ_ENOMEM)
        return;
    if (st != OQ_OK)
        fuzz_die("oq_config_dump failed");
    if (reloaded_before(y, n)) {
        oq_free(y);
        return;
    }
    fuzz_alloc fa2 = {0};
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.alloc = fuzz_alloc_fn;
    opts.alloc_user = &fa2;
    opts.score = fuzz_score;
    opts.score_max_candidates = 3;
    oq_engine *e2 = NULL;
    oq_error err = OQ_ERROR_INIT;
    st = oq_config_load_buffer(&opts, y, n, "dump", &e2, &err);
    if (st != OQ_OK && known_bug(err.message)) {
        oq_free(y);
        return;
    }
    if (st != OQ_OK) {
        fprintf(stderr, "reload failed: %s\n---- dump ----\n%s\n", err.message, y);
        fuzz_die("the dump of an engine built through the API does not load");
    }
    if (oq_engine_check(e2) != OQ_OK)
        fuzz_die("engine loaded from a dump fails oq_engine_check");
    oq_engine_destroy(e2);
    if (fa2.live_bytes != 0 || fa2.live_blocks != 0)
        fuzz_die("reloaded engine leaked");
    remember_reloaded(y, n);
    oq_free(y);
}

/* ---- operations ------------------------------------------------------------ */

enum {
    OP_ADVANCE, OP_ADVANCE_NEXT, OP_CHANNEL_ADD, OP_CHANNEL_UPDATE, OP_CHANNEL_REMOVE,
    OP_SKILL_ADD, OP_SKILL_REMOVE, OP_GROUP_ADD, OP_GROUP_REMOVE,
    OP_AGENT_ADD, OP_AGENT_REMOVE, OP_AGENT_CAPACITY, OP_AGENT_SKILL, OP_AGENT_CHANNEL_LIMIT,
    OP_AGENT_JOIN, OP_AGENT_LEAVE, OP_AGENT_LOGIN, OP_AGENT_READY, OP_AGENT_NOT_READY,
    OP_AGENT_LOGOUT, OP_AGENT_END_WRAPUP,
    OP_QUEUE_ADD, OP_QUEUE_UPDATE, OP_QUEUE_REMOVE, OP_QUEUE_ADD_CHANNEL, OP_QUEUE_REMOVE_CHANNEL,
    OP_QUEUE_REQUIRE, OP_QUEUE_PREFER, OP_QUEUE_ADD_GROUP, OP_QUEUE_REMOVE_GROUP,
    OP_ARRIVE, OP_ACCEPT, OP_REJECT, OP_ABANDON, OP_COMPLETE, OP_TRANSFER, OP_SET_PRIORITY,
    OP_PARK, OP_REOPEN, OP_ESCALATE, OP_TRANSFER_TO_AGENT, OP_REMOVE,
    OP_ADD_STEP, OP_CLEAR_STEPS,
    OP_PROFILE_ADD, OP_PROFILE_REMOVE, OP_PROFILE_QUEUE, OP_PROFILE_CHANNEL, OP_PROFILE_OPTIONS,
    OP_AGENT_PROFILE, OP_GROUP_PROFILE, OP_QUEUE_BLEND, OP_AGENT_POLICY,
    OP_ALLOC_FAIL, OP_READ_ONLY, OP_DUMP, OP_ACCEPT_OFFERED, OP_SETUP,
    OP_REQUEST_CALLBACK,
    OP_CALENDAR_ADD, OP_CALENDAR_REPLACE, OP_CALENDAR_REMOVE, OP_QUEUE_CALENDAR,
    OP_COUNT
};

/* ---- calendars ------------------------------------------------------------- */

static const char *const CALENDARS[] = {"k0", "k1", "k2"};
static const char *const ZONES[] = {"UTC", "Europe/London", "America/New_York", "Asia/Shanghai",
                                    "+05:30", "Mars/Olympus", ""};

/* A host calendar built from the input (NULL when its id or zone is refused):
 * up to 3 weekly ranges on quarter hours (weekday 7 and ranges that overlap
 * are refused by the calendar and skipped), maybe a closed day in 1970 or
 * 2026 (engine clocks here start at 0). */
static oq_calendar *calendar(reader *r)
{
    const char *id = pick(r, CALENDARS, NELEM(CALENDARS));
    const char *zone = ZONES[u8(r) % NELEM(ZONES)];
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_calendar_create(id, zone, NULL, &cal, &err) != OQ_OK)
        return NULL;
    int n = u8(r) % 4;
    for (int i = 0; i < n; i++) {
        int32_t wd = u8(r) % 8;
        int32_t open = (int32_t)(u8(r) % 97) * 900000, close = (int32_t)(u8(r) % 97) * 900000;
        (void)oq_calendar_add_hours(cal, wd, open, close, &err);
    }
    uint8_t d = u8(r);
    if (d & 1) {
        int32_t date = 0;
        if (oq_date_from_ymd((d & 2) ? 2026 : 1970, 1, 1 + (d >> 3) % 28, &date) == OQ_OK)
            (void)oq_calendar_close_day(cal, date, "closed", &err);
    }
    return cal;
}

/* Name a calendar on an existing queue (get, change, update): the calendar,
 * the closed action (4, 5: invalid), the closed queue, business time. */
static void queue_calendar(fuzz *f, reader *r, int64_t t)
{
    oq_queue_spec s;
    const char *q = QUEUE(r);
    oq_queue_spec_init(&s);
    if (oq_queue_get_spec(f->e, q, &s) != OQ_OK)
        return;
    uint8_t m = u8(r);
    s.calendar = (m & 1) ? NULL : pick(r, CALENDARS, NELEM(CALENDARS));
    s.closed_action = (int32_t)(u8(r) % 6);
    s.closed_queue = (m & 2) ? NULL : QUEUE(r);
    s.callback_channel = (m & 4) ? s.callback_channel : CHANNEL(r);
    s.business_time = (int32_t)(u8(r) % 3);
    CALL(f, oq_queue_update(f->e, t, &s));
}

/* A small valid world in one op, so the fuzzer reaches routing quickly:
 * channel, skill, group, queue accepting the channel, two agents logged in. */
static void setup(fuzz *f, reader *r)
{
    oq_engine *e = f->e;
    int64_t t = when(f, r);
    oq_channel_spec cs;
    oq_channel_spec_init(&cs);
    cs.id = CHANNELS[u8(r) % NELEM(CHANNELS)];
    cs.capacity_cost = (u8(r) & 1) ? 30 : 100;
    cs.max_per_agent = cs.capacity_cost == 30 ? 3 : 1;
    CALL(f, oq_channel_add(e, &cs));
    const char *sk = SKILLS[u8(r) % NELEM(SKILLS)];
    CALL(f, oq_skill_add(e, sk, 10));
    oq_queue_spec qs;
    queue_spec(r, &qs);
    CALL(f, oq_queue_add(e, &qs));
    CALL(f, oq_queue_add_channel(e, t, qs.id, cs.id));
    for (int i = 0; i < 2; i++) {
        const char *a = AGENTS[u8(r) % NELEM(AGENTS)];
        CALL(f, oq_agent_add(e, a, 100));
        CALL(f, oq_agent_set_skill(e, t, a, sk, 1 + u8(r) % 10));
        CALL(f, oq_agent_login(e, t, a, 1));
    }
}

/* Accept or reject the offer a contact actually has (random pairs rarely match). */
static void act_on_offer(fuzz *f, reader *r)
{
    const char *c = contact_id(r);
    uint8_t how = u8(r);
    int64_t t = when(f, r);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    char agent[OQ_ID_MAX + 1] = "a0";
    if (oq_contact_get(f->e, c, &ci) == OQ_OK && ci.agent) {
        strncpy(agent, ci.agent, sizeof agent - 1);
        agent[sizeof agent - 1] = '\0';
    }
    switch (how % 4) {
    case 0:
    case 1: CALL(f, oq_offer_accept(f->e, t, c, agent)); break;
    case 2: CALL(f, oq_offer_reject(f->e, t, c, agent)); break;
    default: CALL(f, oq_contact_complete(f->e, t, c)); break;
    }
}

static void arrive(fuzz *f, reader *r)
{
    oq_contact_spec s;
    oq_contact_spec_init(&s);
    int64_t t = when(f, r);
    s.id = contact_id(r);
    s.channel = CHANNEL(r);
    s.queue = QUEUE(r);
    uint8_t m = u8(r);
    const char *req[OQ_CONTACT_SKILLS_MAX + 1], *pref[OQ_CONTACT_SKILLS_MAX + 1];
    int32_t reql[OQ_CONTACT_SKILLS_MAX + 1], prefl[OQ_CONTACT_SKILLS_MAX + 1];
    if (m & 1)
        s.priority = prio(r);
    if (m & 2)
        s.customer = reason(r);
    if (m & 4) {
        s.preferred_agent = AGENT(r);
        s.preferred_wait_s = secs(r);
    }
    if (m & 8) {
        uint8_t b = u8(r);
        s.n_required = b < 240 ? (int32_t)(b % 4) : (b & 1 ? -1 : OQ_CONTACT_SKILLS_MAX + 1);
        int32_t k = s.n_required < 0 ? 0 : s.n_required;
        for (int32_t i = 0; i < k; i++) {
            req[i] = SKILL(r);
            reql[i] = ival(r);
        }
        if (!(u8(r) == 255 && k > 0)) { /* rarely: arrays missing */
            s.required_skills = req;
            s.required_levels = reql;
        }
    }
    if (m & 16) {
        uint8_t b = u8(r);
        s.n_preferred = b < 240 ? (int32_t)(b % 4) : (b & 1 ? -1 : OQ_CONTACT_SKILLS_MAX + 1);
        int32_t k = s.n_preferred < 0 ? 0 : s.n_preferred;
        for (int32_t i = 0; i < k; i++) {
            pref[i] = SKILL(r);
            prefl[i] = ival(r);
        }
        s.preferred_skills = pref;
        s.preferred_levels = prefl;
    }
    if (m & 32)
        s.deadline_ms = (m & 64) ? when(f, r) : cap_time((int64_t)u64(r));
    if (m & 128)
        s.struct_size = 1 + u8(r);
    CALL(f, oq_contact_arrive(f->e, t, &s));
}

static void run_op(fuzz *f, reader *r)
{
    oq_engine *e = f->e;
    uint8_t op = u8(r) % OP_COUNT;
    int64_t t = 0;
    switch (op) {
    case OP_ADVANCE:
        CALL(f, oq_engine_advance(e, when(f, r)));
        break;
    case OP_ADVANCE_NEXT: {
        int64_t d = 0;
        if (oq_engine_next_deadline(e, &d) != OQ_OK)
            fuzz_die("oq_engine_next_deadline failed");
        if (d != INT64_MAX)
            CALL(f, oq_engine_advance(e, d));
        break;
    }
    case OP_CHANNEL_ADD: {
        oq_channel_spec s;
        channel_spec(r, &s);
        CALL(f, oq_channel_add(e, &s));
        break;
    }
    case OP_CHANNEL_UPDATE: {
        oq_channel_spec s;
        channel_spec(r, &s);
        CALL(f, oq_channel_update(e, &s));
        break;
    }
    case OP_CHANNEL_REMOVE:
        CALL(f, oq_channel_remove(e, CHANNEL(r)));
        break;
    case OP_SKILL_ADD: {
        const char *s = SKILL(r);
        CALL(f, oq_skill_add(e, s, ival(r)));
        break;
    }
    case OP_SKILL_REMOVE:
        CALL(f, oq_skill_remove(e, SKILL(r)));
        break;
    case OP_GROUP_ADD:
        CALL(f, oq_group_add(e, GROUP(r)));
        break;
    case OP_GROUP_REMOVE:
        CALL(f, oq_group_remove(e, GROUP(r)));
        break;
    case OP_AGENT_ADD: {
        const char *a = AGENT(r);
        uint8_t b = u8(r);
        CALL(f, oq_agent_add(e, a, b < 128 ? 100 : ival(r)));
        break;
    }
    case OP_AGENT_REMOVE:
        CALL(f, oq_agent_remove(e, AGENT(r)));
        break;
    case OP_AGENT_CAPACITY: {
        const char *a = AGENT(r);
        CALL(f, oq_agent_set_capacity(e, a, ival(r)));
        break;
    }
    case OP_AGENT_SKILL: {
        t = when(f, r);
        const char *a = AGENT(r), *s = SKILL(r);
        CALL(f, oq_agent_set_skill(e, t, a, s, ival(r)));
        break;
    }
    case OP_AGENT_CHANNEL_LIMIT: {
        t = when(f, r);
        const char *a = AGENT(r), *c = CHANNEL(r);
        CALL(f, oq_agent_set_channel_limit(e, t, a, c, limit(r)));
        break;
    }
    case OP_AGENT_JOIN: {
        t = when(f, r);
        const char *a = AGENT(r);
        CALL(f, oq_agent_join_group(e, t, a, GROUP(r)));
        break;
    }
    case OP_AGENT_LEAVE: {
        t = when(f, r);
        const char *a = AGENT(r);
        CALL(f, oq_agent_leave_group(e, t, a, GROUP(r)));
        break;
    }
    case OP_AGENT_LOGIN: {
        t = when(f, r);
        const char *a = AGENT(r);
        uint8_t b = u8(r);
        CALL(f, oq_agent_login(e, t, a, b < 200 ? 1 : (b < 250 ? 0 : ival(r))));
        break;
    }
    case OP_AGENT_READY:
        t = when(f, r);
        CALL(f, oq_agent_ready(e, t, AGENT(r)));
        break;
    case OP_AGENT_NOT_READY: {
        t = when(f, r);
        const char *a = AGENT(r);
        CALL(f, oq_agent_not_ready(e, t, a, reason(r)));
        break;
    }
    case OP_AGENT_LOGOUT:
        t = when(f, r);
        CALL(f, oq_agent_logout(e, t, AGENT(r)));
        break;
    case OP_AGENT_END_WRAPUP:
        t = when(f, r);
        CALL(f, oq_agent_end_wrapup(e, t, AGENT(r)));
        break;
    case OP_QUEUE_ADD: {
        oq_queue_spec s;
        queue_spec(r, &s);
        CALL(f, oq_queue_add(e, &s));
        break;
    }
    case OP_QUEUE_UPDATE: {
        t = when(f, r);
        oq_queue_spec s;
        queue_spec(r, &s);
        CALL(f, oq_queue_update(e, t, &s));
        break;
    }
    case OP_QUEUE_REMOVE:
        CALL(f, oq_queue_remove(e, QUEUE(r)));
        break;
    case OP_QUEUE_ADD_CHANNEL: {
        t = when(f, r);
        const char *q = QUEUE(r);
        CALL(f, oq_queue_add_channel(e, t, q, CHANNEL(r)));
        break;
    }
    case OP_QUEUE_REMOVE_CHANNEL: {
        t = when(f, r);
        const char *q = QUEUE(r);
        CALL(f, oq_queue_remove_channel(e, t, q, CHANNEL(r)));
        break;
    }
    case OP_QUEUE_REQUIRE: {
        t = when(f, r);
        const char *q = QUEUE(r), *s = SKILL(r);
        CALL(f, oq_queue_require_skill(e, t, q, s, ival(r)));
        break;
    }
    case OP_QUEUE_PREFER: {
        t = when(f, r);
        const char *q = QUEUE(r), *s = SKILL(r);
        CALL(f, oq_queue_prefer_skill(e, t, q, s, ival(r)));
        break;
    }
    case OP_QUEUE_ADD_GROUP: {
        t = when(f, r);
        const char *q = QUEUE(r);
        CALL(f, oq_queue_add_group(e, t, q, GROUP(r)));
        break;
    }
    case OP_QUEUE_REMOVE_GROUP: {
        t = when(f, r);
        const char *q = QUEUE(r);
        CALL(f, oq_queue_remove_group(e, t, q, GROUP(r)));
        break;
    }
    case OP_ARRIVE:
        arrive(f, r);
        break;
    case OP_ACCEPT: {
        t = when(f, r);
        const char *c = contact_id(r);
        CALL(f, oq_offer_accept(e, t, c, AGENT(r)));
        break;
    }
    case OP_REJECT: {
        t = when(f, r);
        const char *c = contact_id(r);
        CALL(f, oq_offer_reject(e, t, c, AGENT(r)));
        break;
    }
    case OP_ABANDON:
        t = when(f, r);
        CALL(f, oq_contact_abandon(e, t, contact_id(r)));
        break;
    case OP_COMPLETE:
        t = when(f, r);
        CALL(f, oq_contact_complete(e, t, contact_id(r)));
        break;
    case OP_TRANSFER: {
        t = when(f, r);
        const char *c = contact_id(r);
        CALL(f, oq_contact_transfer(e, t, c, QUEUE(r)));
        break;
    }
    case OP_SET_PRIORITY: {
        t = when(f, r);
        const char *c = contact_id(r);
        CALL(f, oq_contact_set_priority(e, t, c, prio(r)));
        break;
    }
    case OP_PARK: {
        t = when(f, r);
        const char *c = contact_id(r);
        CALL(f, oq_contact_park(e, t, c, reason(r)));
        break;
    }
    case OP_REOPEN: {
        t = when(f, r);
        const char *c = contact_id(r);
        uint8_t b = u8(r);
        const char *q = b < 128 ? NULL : QUEUE(r);
        CALL(f, oq_contact_reopen(e, t, c, q, (b & 1) ? secs(r) : 0));
        break;
    }
    case OP_ESCALATE: {
        t = when(f, r);
        const char *c = contact_id(r), *q = QUEUE(r);
        CALL(f, oq_contact_escalate(e, t, c, q, reason(r)));
        break;
    }
    case OP_TRANSFER_TO_AGENT: {
        t = when(f, r);
        const char *c = contact_id(r), *a = AGENT(r);
        CALL(f, oq_contact_transfer_to_agent(e, t, c, a, secs(r)));
        break;
    }
    case OP_REMOVE:
        t = when(f, r);
        CALL(f, oq_contact_remove(e, t, contact_id(r)));
        break;
    case OP_ADD_STEP: {
        t = when(f, r);
        const char *q = QUEUE(r);
        oq_escalation_step s;
        step_spec(r, &s);
        CALL(f, oq_queue_add_step(e, t, q, &s));
        break;
    }
    case OP_CLEAR_STEPS:
        t = when(f, r);
        CALL(f, oq_queue_clear_steps(e, t, QUEUE(r)));
        break;
    case OP_PROFILE_ADD:
        CALL(f, oq_profile_add(e, PROFILE(r)));
        break;
    case OP_PROFILE_REMOVE:
        CALL(f, oq_profile_remove(e, PROFILE(r)));
        break;
    case OP_PROFILE_QUEUE: {
        t = when(f, r);
        const char *p = PROFILE(r), *q = QUEUE(r);
        int32_t pr = ival(r);
        CALL(f, oq_profile_set_queue(e, t, p, q, pr, secs(r)));
        break;
    }
    case OP_PROFILE_CHANNEL: {
        t = when(f, r);
        const char *p = PROFILE(r), *c = CHANNEL(r);
        int32_t mx = limit(r);
        int32_t cross = flag(r);
        CALL(f, oq_profile_set_channel(e, t, p, c, mx, cross));
        break;
    }
    case OP_PROFILE_OPTIONS: {
        t = when(f, r);
        const char *p = PROFILE(r);
        int32_t force = flag(r);
        int32_t idle = flag(r);
        CALL(f, oq_profile_set_options(e, t, p, force, idle));
        break;
    }
    case OP_AGENT_PROFILE: {
        t = when(f, r);
        const char *a = AGENT(r);
        CALL(f, oq_agent_set_profile(e, t, a, PROFILE(r)));
        break;
    }
    case OP_GROUP_PROFILE: {
        t = when(f, r);
        const char *g = GROUP(r);
        CALL(f, oq_group_set_profile(e, t, g, PROFILE(r)));
        break;
    }
    case OP_QUEUE_BLEND: {
        t = when(f, r);
        const char *q = QUEUE(r);
        CALL(f, oq_queue_set_blend(e, t, q, flag(r)));
        break;
    }
    case OP_AGENT_POLICY: {
        t = when(f, r);
        const char *a = AGENT(r);
        oq_agent_policy p;
        policy_spec(r, &p);
        CALL(f, oq_agent_set_policy(e, t, a, &p));
        break;
    }
    case OP_ALLOC_FAIL:
        /* One of the next few allocations fails. */
        f->fa.fail_at = f->fa.n_allocs + 1 + (u8(r) % 8);
        break;
    case OP_READ_ONLY:
        read_only(f, r);
        break;
    case OP_DUMP:
        dump_reload(f);
        break;
    case OP_ACCEPT_OFFERED:
        act_on_offer(f, r);
        break;
    case OP_SETUP:
        setup(f, r);
        break;
    case OP_REQUEST_CALLBACK:
        t = when(f, r);
        CALL(f, oq_contact_request_callback(e, t, contact_id(r)));
        break;
    case OP_CALENDAR_ADD:
    case OP_CALENDAR_REPLACE: {
        t = when(f, r);
        oq_calendar *cal = calendar(r);
        if (op == OP_CALENDAR_ADD)
            CALL(f, oq_engine_add_calendar(e, t, cal));
        else
            CALL(f, oq_engine_replace_calendar(e, t, cal));
        oq_calendar_destroy(cal);
        break;
    }
    case OP_CALENDAR_REMOVE:
        CALL(f, oq_engine_remove_calendar(e, pick(r, CALENDARS, NELEM(CALENDARS))));
        break;
    case OP_QUEUE_CALENDAR:
        t = when(f, r);
        queue_calendar(f, r, t);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (g_strict < 0) {
        const char *v = getenv("OQ_FUZZ_STRICT");
        /* The known bugs are fixed: strict unless OQ_FUZZ_STRICT=0 asks for
         * the work-arounds (kept for the next bug found and not yet fixed). */
        g_strict = !(v && *v == '0');
    }
    if (g_reload_all < 0) {
        const char *v = getenv("OQ_FUZZ_RELOAD_ALL");
        g_reload_all = v && *v && *v != '0';
    }
    if (g_verbose < 0) {
        const char *v = getenv("OQ_FUZZ_VERBOSE");
        g_verbose = v && *v && *v != '0';
    }
    if (!g_long255[0]) {
        memset(g_long255, 'y', OQ_ID_MAX);
        memset(g_long256, 'x', OQ_ID_MAX + 1);
        for (int i = 0; i < 32; i++)
            snprintf(CONTACTS[i], sizeof CONTACTS[i], "c%d", i);
    }
    if (size > 8192)
        return 0;
    reader r = {data, size};
    fuzz f;
    memset(&f, 0, sizeof f);
    uint8_t flags = u8(&r);
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.alloc = fuzz_alloc_fn;
    opts.alloc_user = &f.fa;
    opts.on_event = on_event;
    opts.event_user = &f;
    opts.seed = 1 + ((flags >> 2) & 7);
    opts.abandon_resume_s = (flags & 32) ? 60 : 0;
    opts.last_agent_max = (flags & 64) ? 2 : opts.last_agent_max;
    opts.score = fuzz_score;
    opts.score_max_candidates = 3;
    f.reentry_probe = (flags & 2) != 0;
    if (flags & 1)
        f.fa.fail_at = 1 + (u8(&r) % 4);
    oq_status st = oq_engine_create(&opts, &f.e);
    if (st != OQ_OK) {
        if (st != OQ_ENOMEM || f.e)
            fuzz_die("oq_engine_create failed other than OQ_ENOMEM");
        if (f.fa.live_bytes != 0 || f.fa.live_blocks != 0)
            fuzz_die("failed oq_engine_create leaked");
        return 0;
    }
    f.fa.fail_at = 0;
    check_engine(&f, "oq_engine_create");

    for (int ops = 0; r.n > 0 && ops < 2000; ops++)
        run_op(&f, &r);
    f.fa.fail_at = 0;
    dump_reload(&f);
    oq_engine_destroy(f.e);
    if (f.fa.live_bytes != 0 || f.fa.live_blocks != 0) {
        fprintf(stderr, "leak: %lld bytes in %lld blocks\n", (long long)f.fa.live_bytes,
                (long long)f.fa.live_blocks);
        fuzz_die("engine memory leaked after oq_engine_destroy");
    }
    return 0;
}
