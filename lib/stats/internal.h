/* SPDX-License-Identifier: MIT */
/* Internal: the statistics module's state (lib/stats). Only lib/stats uses it. */
#ifndef OQ_STATS_INTERNAL_H
#define OQ_STATS_INTERNAL_H

#include <string.h>

#include "core/sat.h"
#include "engine/internal.h"
#include "omniq/stats.h"
#include "stats/counters.h"

/* Accumulated counters (index into oq_sblock.k), one per row of the table
 * (stats/counters.h). Sums are milliseconds. */
enum {
#define OQ__K_INDEX(id, read, field, per) K_##id,
    OQ__STATS_COUNTERS(OQ__K_INDEX)
#undef OQ__K_INDEX
    K_N
};

/* 1 for a counter that blocks merge by max (a MAX_S row: stats.c raises it
 * with add_max), 0 for a sum. A constant index folds to a constant. */
#define OQ__K_MERGE_COUNT 0
#define OQ__K_MERGE_MEAN_S 0
#define OQ__K_MERGE_MAX_S 1
static inline int oq__k_is_max(int k)
{
    switch (k) {
#define OQ__K_IS_MAX(id, read, field, per) case K_##id: return OQ__K_MERGE_##read;
    OQ__STATS_COUNTERS(OQ__K_IS_MAX)
#undef OQ__K_IS_MAX
    default: return 0;
    }
}

#define OQ_HIST_N (OQ_STATS_BOUNDS_MAX + 1)

typedef struct oq_sblock {
    int64_t stamp; /* window bucket number it holds */
    int64_t k[K_N];
    int64_t hist_ans[OQ_HIST_N];
    int64_t hist_ab[OQ_HIST_N];
} oq_sblock;

/* Gauges taken when an interval closes. */
typedef struct oq_sgauge {
    int32_t waiting, ready, busy, wrapup, not_ready, backlog;
    int64_t longest_ms, backlog_age_ms;
} oq_sgauge;

typedef struct oq_sclosed {
    int64_t number;   /* interval number (0 = the first closed since configure) */
    int64_t start, end;
    oq_sblock b;
    oq_sgauge g;
} oq_sclosed;

/* Intrusive lists of contact records, sorted by entry time. */
enum { L_QWAIT, L_CHWAIT, L_CEWAIT, L_CHLIVE, L_CELIVE, L_N };

typedef struct oq_slist {
    int32_t head, tail, n;
} oq_slist;

/* One queue, channel or the center. The day block is folded lazily
 * (S->day_lazy): it holds the day's closed intervals and the day is it plus
 * cur (oq__sday), so an add writes two blocks, not three. Every value is in
 * [0, INT64_MAX] and every addend >= 0 (restores check it, adds clamp), so
 * a saturating sum is min(true sum, INT64_MAX) in any order and the fold
 * gives the figures adding each value to the day at once would. */
typedef struct oq_sobj {
    oq_sblock cur, day;
    oq_sblock *win;    /* n_buckets */
    oq_sclosed *ring;  /* ring_size */
    oq_slist wait, live;
    /* Staged adds (issue #22): the hot adds of an event write here only,
     * not cur, the window bucket and (not day_lazy) the day each. pend holds
     * sums of values >= 0 (saturating) and maxima >= 0, so folding it later
     * gives what the adds one by one gave. It belongs to the bucket S->at
     * names, the current interval and the day_lazy of its adds:
     * oq__stats_settle folds it before any of them changes (locate,
     * close_interval, a reset day) and before anything reads or writes the
     * blocks (every read and the snapshot go through it). Not state: never
     * in a snapshot. pend_k: bit k for counter k staged; pend_h: bit h for
     * hist_ans[h], bit 32 + h for hist_ab[h]. */
    uint64_t pend_k, pend_h;
    oq_sblock pend;
    struct oq_sobj *staged_next; /* next in oq_stats.staged ... */
    int32_t listed;              /* ... while this is 1 */
} oq_sobj;

/* One contact's record, 96 bytes (issue #22: the statistics' share of a
 * waiting contact). A waiting contact is in every list, so each list keeps
 * its links and entry time; the record packs to 4-byte alignment (times as
 * two halves, read through memcpy). It keeps no seq: a live record's is its
 * contact's (the contact names its slot), and snapshots, which write it,
 * find it there (persist.c). A free slot (SR_FREE) keeps its next free slot
 * where a live one keeps its agent: a freed record holds no agent (-1, as
 * every contact leaving gives its capacity back first) and a slot never
 * taken is a zero record (0), which SR_AGENT0 tells apart. Fields of a list
 * the record left, and every field of a free slot but the chain, keep the
 * values they had (snapshots write them as before, byte for byte). */
typedef struct oq_srec {
    int32_t link[L_N][2];  /* prev, next */
    uint32_t since[L_N][2];/* entered that list: an int64 (oq__srec_since) */
    int32_t queue;         /* queue index of its L_QWAIT list */
    int32_t channel;
    int32_t agent;         /* live: agent index holding its capacity, -1 none; free: next free slot */
    int16_t cost;          /* 0..OQ_CAPACITY_MAX */
    uint8_t in;            /* bit per list it is in; SR_FREE: a free slot (SR_AGENT0: its agent was 0) */
    uint8_t flags;         /* SF_* */
} oq_srec;

#define SR_FREE 0x80u
#define SR_AGENT0 0x20u  /* a free slot whose agent, as snapshots write it, is 0 (never taken), not -1 */
#define SR_CLAIMED 0x40u /* while restoring or checking: the record's contact was found */
#define SR_LISTS ((1u << L_N) - 1)

/* Records live in pages of OQ_SREC_PAGE slots (page 0 smaller while the
 * slot count is): the slot count still doubles as the snapshot records it,
 * but a page is allocated only when its first slot is taken, and growing
 * copies nothing. Slots [fresh, cap_recs) were never taken: zero records,
 * free, each chained to the next (the last to 0), not allocated. */
#define OQ_SREC_PAGE_BITS 10
#define OQ_SREC_PAGE (1 << OQ_SREC_PAGE_BITS)

#define SF_ANSWERED 1
#define SF_OVERFLOWED 2
#define SF_DEADLINE_DONE 4

#define OQ_REASON_LEN 64

typedef struct oq_sagent_acc {
    int64_t start;
    int64_t state_ms[5];
    double used_int, cap_int;  /* unit-ms over logged-in time (double: no overflow) */
    int64_t handled, talk_ms, wrap_ms;
    int64_t offers, accepted, rejected, timed_out;
    int64_t reason_ms[OQ_STATS_REASONS_MAX + 1];
} oq_sagent_acc;

typedef struct oq_sagent {
    int32_t state, used, cap, reason;  /* reason slot while NOT_READY, else -1 */
    int64_t last_t;
    int32_t n_reasons;
    char reasons[OQ_STATS_REASONS_MAX][OQ_REASON_LEN];
    oq_sagent_acc cur, day;
    int64_t *ch_cur, *ch_day;          /* completed per channel index */
    int32_t ch_cap;
} oq_sagent;

/* Where the last event's time fell in the window: its bucket number, that
 * bucket's time range [lo, hi) and slot. Computed for bucket length len and
 * n buckets (a mismatch, as after new options or a restore, recomputes). */
typedef struct oq_sbucket_at {
    int64_t len, b, lo, hi;
    int32_t n, slot;
    size_t off; /* slot * sizeof(oq_sblock): every counter added indexes the window by it */
} oq_sbucket_at;

typedef struct oq_stats oq_stats;

struct oq_stats {
    oq_stats_options opt;
    int64_t interval_ms, bucket_ms, short_ms;
    int32_t n_buckets;
    int64_t bounds_ms[OQ_STATS_BOUNDS_MAX];
    int32_t timer_on;    /* configured: keep the interval timer armed */
    oq_timer timer;
    int64_t cur_start, cur_end, day_start;
    /* 1: each object's day block holds the closed intervals of the day, cur
     * is folded into it when the interval closes and a read adds cur
     * (oq__sday). 0: the day block holds the whole day and every add writes
     * it too — from a day reset in mid-interval (cur then holds time before
     * the day) or a restore (the snapshot holds the whole day) until the
     * next interval closes. */
    int32_t day_lazy;
    int64_t closed;      /* intervals closed since configure */
    int64_t emitted;     /* of which reported with OQ_EV_INTERVAL_CLOSED */
    int64_t dropped;
    uint64_t closes;     /* close_interval calls: the work clock jumps cost (tests count it); not saved */
    int32_t agents_in[5];/* agents per derived state (from events) */

    oq_sobj *center;
    oq_sobj **queues;    /* by queue idx, NULL until its first event */
    int32_t cap_queues;
    oq_sobj **channels;
    int32_t cap_channels;
    oq_sagent **agents;
    int32_t cap_agents;

    /* Contact records: slot 0 unused; a contact names its slot (stats_rec). */
    oq_srec **rec_pages; /* n_pages allocated (page 0 holds page0_n records) of cap_pages */
    int32_t n_pages, cap_pages, page0_n;
    int32_t cap_recs, free_rec, n_recs;
    int32_t fresh;       /* slots from here on never taken (above) */

    oq_sbucket_at at;    /* a cache: zero (invalid) is a valid start */
    /* The objects with staged adds (oq_sobj.pend), linked by staged_next,
     * so a settle costs the objects touched, not every queue and channel;
     * at is valid for their adds. */
    oq_sobj *staged;
    /* A cache of to_ms(thr_s): the last SLA threshold an outcome used (one
     * llround per answer otherwise). Keyed by the value, so any queue may
     * use it; zero (0 s = 0 ms) is a valid start. */
    double thr_s;
    int64_t thr_ms;
};

/* Slot `slot` (< S->fresh) of the records. */
static inline oq_srec *oq__srec(const oq_stats *S, int32_t slot)
{
    return &S->rec_pages[slot >> OQ_SREC_PAGE_BITS][slot & (OQ_SREC_PAGE - 1)];
}

static inline int64_t oq__srec_since(const oq_srec *r, int kind)
{
    int64_t v;
    memcpy(&v, r->since[kind], sizeof v);
    return v;
}

static inline void oq__srec_set_since(oq_srec *r, int kind, int64_t v) { memcpy(r->since[kind], &v, sizeof v); }

static inline int oq__srec_live(const oq_srec *r) { return !(r->in & SR_FREE); }

/* The next free slot of a free slot (0 for a live one). */
static inline int32_t oq__srec_next_free(const oq_srec *r) { return (r->in & SR_FREE) ? r->agent : 0; }

/* The agent as snapshots write it: a free slot's is -1 or 0 (SR_AGENT0). */
static inline int32_t oq__srec_agent_saved(const oq_srec *r)
{
    return !(r->in & SR_FREE) ? r->agent : (r->in & SR_AGENT0) ? 0 : -1;
}

/* Make r free, chained to next. A live record's agent must be -1 or 0 (a
 * contact leaving has given its capacity back; a restored slot never taken
 * is a zero record): it is kept as SR_AGENT0. A free one is re-chained. */
static inline void oq__srec_set_free(oq_srec *r, int32_t next)
{
    if (!(r->in & SR_FREE))
        r->in = (uint8_t)(r->in | SR_FREE | (r->agent == 0 ? SR_AGENT0 : 0u));
    r->agent = next;
}

enum { OQ_SCOPE_CENTER, OQ_SCOPE_QUEUE, OQ_SCOPE_CHANNEL };

/* stats.c */
oq_sobj *oq__sq(oq_engine *e, int32_t idx);  /* queue block, made on first use (NULL: no memory) */
oq_sobj *oq__sch(oq_engine *e, int32_t idx); /* channel block */
oq_srec *oq__srec_get(oq_engine *e, const oq_contact *c);
int64_t oq__slist_oldest(const oq_stats *S, const oq_slist *l, int kind);
void oq__sagent_sync(oq_sagent *g, int64_t t);
/* Close every interval that ended by t (no events); first folds the staged
 * adds (oq__stats_settle), so every read, which rolls, sees them. */
void oq__stats_roll(oq_engine *e, int64_t t);
/* Fold every object's staged adds (oq_sobj.pend) into its blocks. */
void oq__stats_settle(oq_stats *S);
/* OQ_OK, or OQ_ESTATE (message set) for an engine made without statistics
 * (stats/attach.h): every public statistics read asks. */
oq_status oq__stats_kept(const oq_engine *e);
/* The day block of ob as oq_stats_read reports it: ob->day itself, or
 * (day_lazy) ob->day with cur folded into *tmp. */
const oq_sblock *oq__sday(const oq_stats *S, const oq_sobj *ob, oq_sblock *tmp);
/* into += from: sums saturating, MAX_S rows by max; into's stamp stays. */
void oq__sblock_fold(oq_sblock *into, const oq_sblock *from);
/* read.c: the "now" gauges of a block at time t. */
void oq__sgauges(oq_engine *e, const oq_sobj *ob, int scope, int32_t idx, int64_t t, oq_sgauge *g);
/* Only g's longest_ms and backlog_age_ms, at t (the rest of g untouched). */
void oq__sgauge_ages(const oq_stats *S, const oq_sobj *ob, int scope, int64_t t, oq_sgauge *g);
/* read.c: every figure of oq_queue_stats a block and its gauges give (all
 * but struct_size, period, start_ms, end_ms and threshold_s, set by the
 * caller). */
void oq__stats_fill(const oq_stats *S, const oq_sblock *b, const oq_sgauge *g, oq_queue_stats *o);

#endif
