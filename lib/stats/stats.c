/* SPDX-License-Identifier: MIT */
/* Statistics: collection (the engine's hooks), intervals and configuration.
 * The read side is in read.c. See include/omniq/stats.h for definitions. */
#include <math.h>
#include <string.h>

#include "stats/hook.h"
#include "stats/internal.h"
#include "engine/journal.h"

/* ---- options ------------------------------------------------------------ */

void oq_stats_options_init(oq_stats_options *o)
{
    static const double bounds[] = {10, 20, 30, 60, 120, 300};
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->ring_size = 96;
    o->interval_s = 900;
    o->window_s = 1800;
    o->window_bucket_s = 60;
    o->short_abandon_s = 5;
    o->n_wait_bounds = 6;
    memcpy(o->wait_bounds_s, bounds, sizeof bounds);
}

/* Figures saturate at INT64_MAX rather than wrap (a clock near the end of
 * int64, or figures restored from a snapshot, may sit there). */
#define INC(x) ((x) = oq__sat_add((x), 1))

static int64_t to_ms(double s) { return (int64_t)llround(s * 1000.0); }

/* to_ms of an SLA threshold, through the one-value cache of oq_stats. */
static int64_t thr_ms(oq_stats *S, double s)
{
    if (s != S->thr_s) {
        S->thr_s = s;
        S->thr_ms = to_ms(s);
    }
    return S->thr_ms;
}

static int whole_ms(double s) { return fabs(s * 1000.0 - (double)to_ms(s)) < 1e-6; }

static oq_status check_options(oq_engine *e, const oq_stats_options *o)
{
    if (o->ring_size < 1 || o->ring_size > OQ_STATS_RING_MAX)
        return oq__fail(e, OQ_EINVAL, "stats options: ring_size must be 1..%d, got %d",
                        OQ_STATS_RING_MAX, o->ring_size);
    if (!(o->interval_s >= 1 && o->interval_s <= 86400) || !whole_ms(o->interval_s))
        return oq__fail(e, OQ_EINVAL,
                        "stats options: interval_s must be 1..86400 whole milliseconds, got %g",
                        o->interval_s);
    if (!(o->window_bucket_s >= 1 && o->window_bucket_s <= 86400) || !whole_ms(o->window_bucket_s))
        return oq__fail(e, OQ_EINVAL,
                        "stats options: window_bucket_s must be 1..86400 whole milliseconds, got %g",
                        o->window_bucket_s);
    if (!(o->window_s >= o->window_bucket_s && o->window_s <= 86400) || !whole_ms(o->window_s) ||
        to_ms(o->window_s) % to_ms(o->window_bucket_s) != 0 ||
        to_ms(o->window_s) / to_ms(o->window_bucket_s) > 1440)
        return oq__fail(e, OQ_EINVAL,
                        "stats options: window_s must be a whole multiple (at most 1440) of "
                        "window_bucket_s %g, at most 86400, got %g",
                        o->window_bucket_s, o->window_s);
    if (!(o->short_abandon_s >= 0 && o->short_abandon_s <= 86400))
        return oq__fail(e, OQ_EINVAL, "stats options: short_abandon_s must be 0..86400, got %g",
                        o->short_abandon_s);
    if (o->n_wait_bounds < 0 || o->n_wait_bounds > OQ_STATS_BOUNDS_MAX)
        return oq__fail(e, OQ_EINVAL, "stats options: n_wait_bounds must be 0..%d, got %d",
                        OQ_STATS_BOUNDS_MAX, o->n_wait_bounds);
    for (int32_t i = 0; i < o->n_wait_bounds; i++) {
        double b = o->wait_bounds_s[i];
        if (!(b > 0 && b <= 1e9) || (i > 0 && !(b > o->wait_bounds_s[i - 1])))
            return oq__fail(e, OQ_EINVAL,
                            "stats options: wait_bounds_s[%d] = %g: bounds must be > 0 and "
                            "strictly increasing",
                            i, b);
    }
    if (o->attribution != OQ_ATTRIBUTION_EVENT && o->attribution != OQ_ATTRIBUTION_ARRIVAL)
        return oq__fail(e, OQ_EINVAL,
                        "stats options: attribution must be OQ_ATTRIBUTION_EVENT (0) or "
                        "OQ_ATTRIBUTION_ARRIVAL (1), got %d",
                        o->attribution);
    return OQ_OK;
}

static void apply_options(oq_stats *S, const oq_stats_options *o)
{
    S->opt = *o;
    S->interval_ms = to_ms(o->interval_s);
    S->bucket_ms = to_ms(o->window_bucket_s);
    S->n_buckets = (int32_t)(to_ms(o->window_s) / S->bucket_ms);
    S->short_ms = to_ms(o->short_abandon_s);
    for (int32_t i = 0; i < o->n_wait_bounds; i++)
        S->bounds_ms[i] = to_ms(o->wait_bounds_s[i]);
    /* The bucket cache holds no time now: at_locate tests its range only,
     * and locate, its length 0, computes it whole. Nothing is staged:
     * configure drops the objects, create has none. */
    S->at.len = 0;
    S->at.lo = INT64_MAX;
    S->at.hi = INT64_MIN;
}

/* Forced inline on the event path: every ADD3 passes a constant count of
 * constant counters and every outcome a constant `answered`, so each call
 * site compiles to straight adds (callgrind: ADD3's loop over a kv array
 * cost ~200 instructions per event, ~1,070 per routing step). */
#if defined(__GNUC__) || defined(__clang__)
#define OQ__HOT_INLINE inline __attribute__((always_inline))
/* Unroll a batch loop whole: its counts and counters are constants at each
 * ADD3, so each add is a fixed offset and the staged-bits mask one constant
 * (-O2 keeps the loops: ~150 instructions per routing step). */
#define OQ__UNROLL _Pragma("GCC unroll 8")
#else
#define OQ__HOT_INLINE inline
#define OQ__UNROLL
#endif

/* ---- per-object blocks ----------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void list_init(oq_slist *l) { l->head = l->tail = 0, l->n = 0; }

static oq_sobj *obj_new(oq_engine *e, const oq_stats_options *o)
{
    int32_t nb = (int32_t)(to_ms(o->window_s) / to_ms(o->window_bucket_s));
    oq_sobj *ob = oq__calloc(&e->mem, 1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->win = oq__calloc(&e->mem, (size_t)nb, sizeof *ob->win);
    ob->ring = oq__calloc(&e->mem, (size_t)o->ring_size, sizeof *ob->ring);
    if (!ob->win || !ob->ring) {
        oq__free(&e->mem, ob->win, (size_t)nb * sizeof *ob->win);
        oq__free(&e->mem, ob->ring, (size_t)o->ring_size * sizeof *ob->ring);
        oq__free(&e->mem, ob, sizeof *ob);
        return NULL;
    }
    for (int32_t i = 0; i < nb; i++)
        ob->win[i].stamp = INT64_MIN;
    for (int32_t i = 0; i < o->ring_size; i++)
        ob->ring[i].number = -1;
    list_init(&ob->wait);
    list_init(&ob->live);
    return ob;
}

static void obj_free(oq_engine *e, const oq_stats_options *o, oq_sobj *ob)
{
    if (!ob)
        return;
    int32_t nb = (int32_t)(to_ms(o->window_s) / to_ms(o->window_bucket_s));
    oq__free(&e->mem, ob->win, (size_t)nb * sizeof *ob->win);
    oq__free(&e->mem, ob->ring, (size_t)o->ring_size * sizeof *ob->ring);
    oq__free(&e->mem, ob, sizeof *ob);
}

/* The block of object idx in *arr, made on first use; NULL (counted) if
 * memory is short. Every call is a point where an allocation may be lost
 * (oq__soft_try), whether or not this one needs memory, so a journal-fed
 * standby loses the same ones. */
static oq_sobj *obj_at(oq_engine *e, oq_sobj ***arr, int32_t *cap, int32_t idx, int32_t n_total)
{
    oq_stats *S = e->stats;
    if (idx < 0)
        return NULL;
    int go = oq__soft_try(e);
    if (go && idx < *cap && (*arr)[idx])
        return (*arr)[idx];
    if (go && idx >= *cap) {
        int32_t old = *cap;
        int32_t need = n_total > idx + 1 ? n_total : idx + 1;
        if (oq__grow(&e->mem, (void **)arr, cap, need, sizeof **arr))
            for (int32_t i = old; i < *cap; i++)
                (*arr)[i] = NULL;
        else
            go = 0;
    }
    if (go && !(*arr)[idx] && !((*arr)[idx] = obj_new(e, &S->opt)))
        go = 0;
    if (!go) {
        oq__soft_failed(e);
        S->dropped++;
        return NULL;
    }
    return (*arr)[idx];
}

oq_sobj *oq__sq(oq_engine *e, int32_t idx)
{
    return obj_at(e, &e->stats->queues, &e->stats->cap_queues, idx, e->n_queues);
}

oq_sobj *oq__sch(oq_engine *e, int32_t idx)
{
    return obj_at(e, &e->stats->channels, &e->stats->cap_channels, idx, e->n_channels);
}

/* obj_at for an event: a block that exists is returned here (the same one
 * soft point, the same loss when it is lost), without obj_at's call and its
 * growth tests; anything else goes to obj_at. */
static inline oq_sobj *obj_hit(oq_engine *e, oq_sobj ***arr, int32_t *cap, int32_t idx, int32_t n_total)
{
    if (idx >= 0 && idx < *cap && (*arr)[idx]) {
        if (oq__soft_try(e))
            return (*arr)[idx];
        oq__soft_failed(e);
        e->stats->dropped++;
        return NULL;
    }
    return obj_at(e, arr, cap, idx, n_total);
}

/* ---- contact records (paged slots; the contact holds its slot) ---------- */

oq_srec *oq__srec_get(oq_engine *e, const oq_contact *c)
{
    return c && c->stats_rec ? oq__srec(e->stats, c->stats_rec) : NULL;
}

/* Make slot `slot` (the first never taken) addressable once the slot count
 * is `cap`: page 0 grows to min(cap, a page), a later page is allocated
 * whole. 0 if memory is short (nothing observable changed). */
static int rec_page_ready(oq_engine *e, int32_t slot, int32_t cap)
{
    oq_stats *S = e->stats;
    int32_t p = slot >> OQ_SREC_PAGE_BITS;
    if (p < S->n_pages && (p > 0 || slot < S->page0_n))
        return 1;
    if (!oq__grow(&e->mem, (void **)&S->rec_pages, &S->cap_pages, p + 1, sizeof *S->rec_pages))
        return 0;
    if (p == 0) {
        int32_t n = cap < OQ_SREC_PAGE ? cap : OQ_SREC_PAGE;
        oq_srec *pg = oq__realloc(&e->mem, S->n_pages ? S->rec_pages[0] : NULL,
                                  (size_t)S->page0_n * sizeof *pg, (size_t)n * sizeof *pg);
        if (!pg)
            return 0;
        S->rec_pages[0] = pg;
        S->page0_n = n;
        S->n_pages = 1;
        return 1;
    }
    oq_srec *pg = oq__alloc(&e->mem, (size_t)OQ_SREC_PAGE * sizeof *pg);
    if (!pg)
        return 0;
    S->rec_pages[p] = pg; /* p == n_pages: slots are first taken in order */
    S->n_pages = p + 1;
    return 1;
}

/* NULL if memory is short: a point where an allocation may be lost. */
static oq_srec *rec_new(oq_engine *e, oq_contact *c)
{
    oq_stats *S = e->stats;
    if (!oq__soft_try(e)) {
        oq__soft_failed(e);
        return NULL;
    }
    int32_t cap = S->cap_recs, slot = S->free_rec, fresh = S->fresh;
    if (!slot) { /* every slot live: the count doubles, the new ones never taken */
        cap = oq__grow_cap(cap, cap < 16 ? 16 : cap + 1, sizeof(oq_srec));
        slot = fresh = S->cap_recs ? S->cap_recs : 1;
    }
    if (!cap || (slot >= fresh && !rec_page_ready(e, slot, cap))) {
        oq__soft_failed(e);
        return NULL;
    }
    oq_srec *r = oq__srec(S, slot);
    if (slot >= fresh) { /* == fresh: the next never-taken slot follows it */
        S->free_rec = slot + 1 < cap ? slot + 1 : 0;
        S->fresh = slot + 1;
    } else
        S->free_rec = oq__srec_next_free(r);
    S->cap_recs = cap;
    memset(r, 0, sizeof *r); /* live: no SR_FREE */
    r->queue = -1;
    r->channel = c->channel;
    r->agent = -1;
    c->stats_rec = slot;
    S->n_recs++;
    return r;
}

static void rec_del(oq_engine *e, oq_srec *r, oq_contact *c)
{
    oq_stats *S = e->stats;
    oq__srec_set_free(r, S->free_rec);
    S->free_rec = c->stats_rec;
    S->n_recs--;
    c->stats_rec = 0;
}

/* ---- lists ------------------------------------------------------------------- */

static oq_slist *list_of(oq_engine *e, const oq_srec *r, int kind)
{
    oq_stats *S = e->stats;
    oq_sobj *ob = NULL;
    switch (kind) {
    case L_QWAIT:
        ob = r->queue >= 0 && r->queue < S->cap_queues ? S->queues[r->queue] : NULL;
        return ob ? &ob->wait : NULL;
    case L_CHWAIT:
    case L_CHLIVE:
        ob = r->channel < S->cap_channels ? S->channels[r->channel] : NULL;
        return ob ? (kind == L_CHWAIT ? &ob->wait : &ob->live) : NULL;
    default:
        return kind == L_CEWAIT ? &S->center->wait : &S->center->live;
    }
}

/* Append record r (at slot) to list l of `kind`, entered at t. */
static inline void push_to(oq_stats *S, oq_slist *l, oq_srec *r, int32_t slot, int kind, int64_t t)
{
    r->link[kind][0] = l->tail;
    r->link[kind][1] = 0;
    if (l->tail)
        oq__srec(S, l->tail)->link[kind][1] = slot;
    else
        l->head = slot;
    l->tail = slot;
    l->n++;
    oq__srec_set_since(r, kind, t);
    r->in |= (uint8_t)(1u << kind);
}

static void list_push(oq_engine *e, oq_srec *r, int32_t slot, int kind, int64_t t)
{
    if (r->in & (1u << kind))
        return;
    oq_slist *l = list_of(e, r, kind);
    if (l)
        push_to(e->stats, l, r, slot, kind, t);
}

/* list_push of every kind, in order (a contact queued or reopened): the
 * queue and channel found once. */
static void list_push_all(oq_engine *e, oq_srec *r, int32_t slot, int64_t t)
{
    oq_stats *S = e->stats;
    oq_sobj *qo = r->queue >= 0 && r->queue < S->cap_queues ? S->queues[r->queue] : NULL;
    oq_sobj *co = r->channel < S->cap_channels ? S->channels[r->channel] : NULL;
    unsigned in = r->in;
    if (qo && !(in & (1u << L_QWAIT)))
        push_to(S, &qo->wait, r, slot, L_QWAIT, t);
    if (co && !(in & (1u << L_CHWAIT)))
        push_to(S, &co->wait, r, slot, L_CHWAIT, t);
    if (!(in & (1u << L_CEWAIT)))
        push_to(S, &S->center->wait, r, slot, L_CEWAIT, t);
    if (co && !(in & (1u << L_CHLIVE)))
        push_to(S, &co->live, r, slot, L_CHLIVE, t);
    if (!(in & (1u << L_CELIVE)))
        push_to(S, &S->center->live, r, slot, L_CELIVE, t);
}

/* Unlink record r from list l of `kind` (it is in it). */
static inline void drop_from(const oq_stats *S, oq_slist *l, oq_srec *r, int kind)
{
    int32_t prev = r->link[kind][0], next = r->link[kind][1];
    if (prev)
        oq__srec(S, prev)->link[kind][1] = next;
    else
        l->head = next;
    if (next)
        oq__srec(S, next)->link[kind][0] = prev;
    else
        l->tail = prev;
    l->n--;
    r->in &= (uint8_t)~(1u << kind);
}

static void list_drop(oq_engine *e, oq_srec *r, int kind)
{
    if (r->in & (1u << kind))
        drop_from(e->stats, list_of(e, r, kind), r, kind);
}

#define WAIT_KINDS (1u << L_QWAIT | 1u << L_CHWAIT | 1u << L_CEWAIT)

/* list_drop of each kind in `kinds` (the waiting ones: answered or
 * parked; all: the contact leaves), the lists found once. */
static void list_drop_kinds(oq_engine *e, oq_srec *r, unsigned kinds)
{
    unsigned in = r->in & kinds;
    if (!in)
        return;
    oq_stats *S = e->stats;
    if (in & (1u << L_QWAIT))
        drop_from(S, list_of(e, r, L_QWAIT), r, L_QWAIT);
    if (in & (1u << L_CHWAIT | 1u << L_CHLIVE)) {
        oq_sobj *co = S->channels[r->channel]; /* it is in its lists: they exist */
        if (in & (1u << L_CHWAIT))
            drop_from(S, &co->wait, r, L_CHWAIT);
        if (in & (1u << L_CHLIVE))
            drop_from(S, &co->live, r, L_CHLIVE);
    }
    if (in & (1u << L_CEWAIT))
        drop_from(S, &S->center->wait, r, L_CEWAIT);
    if (in & (1u << L_CELIVE))
        drop_from(S, &S->center->live, r, L_CELIVE);
}

int64_t oq__slist_oldest(const oq_stats *S, const oq_slist *l, int kind)
{
    return l->head ? oq__srec_since(oq__srec(S, l->head), kind) : INT64_MIN;
}

/* ---- accumulating ---------------------------------------------------------- */

/* The window slot of time t (S->at). Events come in time order and most
 * fall in the bucket of the one before or the next, so the divisions (a
 * quarter of a simulation's time when done for every counter) are paid only
 * when time jumps. */
static void locate(oq_stats *S, int64_t t)
{
    oq_sbucket_at *at = &S->at;
    oq__stats_settle(S); /* the staged adds belong to the bucket it names now */
    int64_t len = S->bucket_ms;
    if (at->len == len && at->n == S->n_buckets && t >= at->hi && at->hi != INT64_MAX &&
        (uint64_t)t - (uint64_t)at->hi < (uint64_t)len) {
        at->b++; /* the next bucket */
        at->lo = at->hi;
        at->hi = oq__sat_add(at->hi, len);
        at->slot = at->slot + 1 == at->n ? 0 : at->slot + 1;
        at->off = (size_t)at->slot * sizeof(oq_sblock);
        return;
    }
    int64_t b = floor_div(t, len);
    at->len = len;
    at->n = S->n_buckets;
    at->b = b;
    at->slot = (int32_t)(((b % at->n) + at->n) % at->n);
    at->off = (size_t)at->slot * sizeof(oq_sblock);
    if (b >= INT64_MIN / len + 1) {
        at->lo = b * len;
        at->hi = oq__sat_add(at->lo, len);
    } else { /* the bucket starts before INT64_MIN: not cached */
        at->len = 0;
        at->lo = INT64_MAX;
        at->hi = INT64_MIN;
    }
}

/* S->at for time t. New options empty its range (apply_options; a restore
 * starts from a zero cache, an empty range too), so the range alone says
 * whether it holds. */
static inline void at_locate(oq_stats *S, int64_t t)
{
    if (t < S->at.lo || t >= S->at.hi)
        locate(S, t);
}

/* ob's window bucket of the time S->at was located at. */
static inline oq_sblock *at_block(const oq_stats *S, oq_sobj *ob)
{
    int64_t b = S->at.b;
    oq_sblock *w = (oq_sblock *)(void *)((char *)ob->win + S->at.off); /* &ob->win[slot], no multiply */
    if (w->stamp != b) {
        memset(w, 0, sizeof *w);
        w->stamp = b;
    }
    return w;
}

/* a + v for v >= 0, saturating: oq__sat_add's result with one test. */
static inline int64_t sat_add_nn(int64_t a, int64_t v) { return a > INT64_MAX - v ? INT64_MAX : a + v; }

_Static_assert(K_N <= 64 && OQ_HIST_N <= 32, "staged counters are bits of pend_k, pend_h");

/* The lowest set bit's index of m != 0. */
static inline int low_bit(uint64_t m)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(m);
#else
    int i = 0;
    while (!(m >> i & 1u))
        i++;
    return i;
#endif
}

/* Fold staged value v (>= 0) of counter k into b: a sum saturating, a max
 * raised, as the adds staged would have written b one by one. */
static inline void fold_k(oq_sblock *b, int k, int64_t v)
{
    if (!oq__k_is_max(k))
        b->k[k] = sat_add_nn(b->k[k], v);
    else if (v > b->k[k])
        b->k[k] = v;
}

/* Fold ob's staged adds into cur, the bucket S->at names and (not
 * day_lazy) the day: only the counters staged, so an object touched once
 * in a bucket costs what it touched. */
static void settle_obj(oq_stats *S, oq_sobj *ob)
{
    if (!ob || !(ob->pend_k | ob->pend_h))
        return;
    oq_sblock *w = at_block(S, ob), *day = S->day_lazy ? NULL : &ob->day;
    for (uint64_t m = ob->pend_k; m; m &= m - 1) {
        int k = low_bit(m);
        int64_t v = ob->pend.k[k];
        ob->pend.k[k] = 0;
        fold_k(&ob->cur, k, v);
        fold_k(w, k, v);
        if (day)
            fold_k(day, k, v);
    }
    for (uint64_t m = ob->pend_h; m; m &= m - 1) {
        int h = low_bit(m);
        int64_t *p = h < 32 ? &ob->pend.hist_ans[h] : &ob->pend.hist_ab[h - 32];
        int64_t v = *p;
        *p = 0;
        if (h < 32) {
            ob->cur.hist_ans[h] = sat_add_nn(ob->cur.hist_ans[h], v);
            w->hist_ans[h] = sat_add_nn(w->hist_ans[h], v);
            if (day)
                day->hist_ans[h] = sat_add_nn(day->hist_ans[h], v);
        } else {
            h -= 32;
            ob->cur.hist_ab[h] = sat_add_nn(ob->cur.hist_ab[h], v);
            w->hist_ab[h] = sat_add_nn(w->hist_ab[h], v);
            if (day)
                day->hist_ab[h] = sat_add_nn(day->hist_ab[h], v);
        }
    }
    ob->pend_k = ob->pend_h = 0;
}

void oq__stats_settle(oq_stats *S)
{
    for (oq_sobj *ob = S->staged, *next; ob; ob = next) {
        next = ob->staged_next;
        ob->staged_next = NULL;
        ob->listed = 0;
        settle_obj(S, ob);
    }
    S->staged = NULL;
}

/* An event is about to stage adds for ob: list it (once) for the settle. */
static inline void stage(oq_stats *S, oq_sobj *ob)
{
    if (ob && !ob->listed) {
        ob->listed = 1;
        ob->staged_next = S->staged;
        S->staged = ob;
    }
}

static oq_sblock *bucket(oq_stats *S, oq_sobj *ob, int64_t t)
{
    at_locate(S, t);
    return at_block(S, ob);
}

/* Add v to counter k (a sum: a COUNT or MEAN_S row of stats/counters.h). */
static void add(oq_stats *S, oq_sobj *ob, int k, int64_t v, int64_t t)
{
    if (!ob)
        return;
    oq_sblock *w = bucket(S, ob, t);
    if (v < 0)
        v = 0;
    ob->cur.k[k] = oq__sat_add(ob->cur.k[k], v);
    if (!S->day_lazy)
        ob->day.k[k] = oq__sat_add(ob->day.k[k], v);
    w->k[k] = oq__sat_add(w->k[k], v);
}

void oq__sblock_fold(oq_sblock *into, const oq_sblock *from)
{
    for (int k = 0; k < K_N; k++)
        if (!oq__k_is_max(k))
            into->k[k] = oq__sat_add(into->k[k], from->k[k]);
        else if (from->k[k] > into->k[k])
            into->k[k] = from->k[k];
    for (int h = 0; h < OQ_HIST_N; h++) {
        into->hist_ans[h] = oq__sat_add(into->hist_ans[h], from->hist_ans[h]);
        into->hist_ab[h] = oq__sat_add(into->hist_ab[h], from->hist_ab[h]);
    }
}

const oq_sblock *oq__sday(const oq_stats *S, const oq_sobj *ob, oq_sblock *tmp)
{
    if (!S->day_lazy)
        return &ob->day;
    *tmp = ob->day;
    oq__sblock_fold(tmp, &ob->cur);
    return tmp;
}

static int32_t hist_index(const oq_stats *S, int64_t wait)
{
    int32_t i = 0;
    while (i < S->opt.n_wait_bounds && wait >= S->bounds_ms[i])
        i++;
    return i;
}

/* ---- outcomes and their attribution --------------------------------------- */

/* The ring entry of the closed interval holding time `at` (< cur_start), or
 * NULL when it is no longer kept. An entry the object never closed (it had
 * nothing in that interval, e.g. a callback channel the contact moved to
 * later) is started empty. */
static oq_sblock *closed_block(oq_stats *S, oq_sobj *ob, int64_t at)
{
    /* Every boundary after the first interval's start is a multiple of
     * interval_ms, and at < cur_start means one interval closed at least. */
    int64_t back = ((uint64_t)S->cur_start - (uint64_t)at - 1) / (uint64_t)S->interval_ms + 1;
    if (back > S->opt.ring_size || back > S->closed)
        return NULL;
    int64_t number = S->closed - back;
    oq_sclosed *c = &ob->ring[number % S->opt.ring_size];
    if (c->number != number) {
        memset(c, 0, sizeof *c);
        c->number = number;
        c->end = S->cur_start - (back - 1) * S->interval_ms;
        c->start = c->end - S->interval_ms;
    }
    return &c->b;
}

/* The window bucket holding time `at` (<= now), or NULL when it has left the
 * window. Does not move the cache of the current bucket (S->at). */
static oq_sblock *past_bucket(oq_stats *S, oq_sobj *ob, int64_t at, int64_t now)
{
    int64_t b = floor_div(at, S->bucket_ms);
    if (b <= floor_div(now, S->bucket_ms) - S->n_buckets)
        return NULL;
    oq_sblock *w = &ob->win[((b % S->n_buckets) + S->n_buckets) % S->n_buckets];
    if (w->stamp != b) {
        memset(w, 0, sizeof *w);
        w->stamp = b;
    }
    return w;
}

/* The blocks of ob an outcome at `now` attributed to time `at` (<= now)
 * counts in, into b[0..2]: the interval's, the day's and the window
 * bucket's holding `at`; how many. At the event's own time (the default
 * attribution) that is the current interval, the day and the current bucket. */
static int outcome_blocks(oq_stats *S, oq_sobj *ob, int64_t at, int64_t now, oq_sblock **b)
{
    int n = 0;
    if (at >= now) {
        b[n++] = &ob->cur;
        if (!S->day_lazy)
            b[n++] = &ob->day;
        b[n++] = bucket(S, ob, now);
        return n;
    }
    /* Lazy, the day has cur in it (day_start <= cur_start then). */
    int cur = at >= S->cur_start;
    oq_sblock *x = cur ? &ob->cur : closed_block(S, ob, at);
    if (x)
        b[n++] = x;
    if (at >= S->day_start && !(cur && S->day_lazy))
        b[n++] = &ob->day;
    if ((x = past_bucket(S, ob, at, now)))
        b[n++] = x;
    return n;
}

/* Where an outcome whose wait of `wait` ms ends at `now` counts: at now, or
 * where the wait began (oq_stats_options.attribution). */
static int64_t attributed(const oq_stats *S, int64_t wait, int64_t now)
{
    return S->opt.attribution == OQ_ATTRIBUTION_ARRIVAL ? now - wait : now;
}

/* Add v (clamped at 0) to sum counter k of one block; add_max: raise max counter k to v. */
static void blk_add(oq_sblock *b, int k, int64_t v) { b->k[k] = oq__sat_add(b->k[k], v > 0 ? v : 0); }

static void add_max(oq_sblock *b, int k, int64_t v)
{
    if (v > b->k[k])
        b->k[k] = v;
}

/* One block's part of an outcome (outcome below): wait, its value clamped
 * at 0 (v), within the threshold (in), the histogram row h. */
static OQ__HOT_INLINE void outcome_in(const oq_stats *S, oq_sblock *b, int answered, int64_t wait, int64_t v,
                                      int64_t in, int32_t h)
{
    if (answered) {
        b->k[K_ANSWERED] = sat_add_nn(b->k[K_ANSWERED], 1);
        b->k[K_ANS_WAIT] = sat_add_nn(b->k[K_ANS_WAIT], v);
        add_max(b, K_ANS_MAX, wait);
        b->k[K_ANS_IN] = sat_add_nn(b->k[K_ANS_IN], in);
        INC(b->hist_ans[h]);
    } else {
        b->k[K_ABANDONED] = sat_add_nn(b->k[K_ABANDONED], 1);
        b->k[K_AB_WAIT] = sat_add_nn(b->k[K_AB_WAIT], v);
        add_max(b, K_AB_MAX, wait);
        b->k[K_AB_IN] = sat_add_nn(b->k[K_AB_IN], in);
        b->k[K_AB_SHORT] = sat_add_nn(b->k[K_AB_SHORT], wait < S->short_ms);
        INC(b->hist_ab[h]);
    }
}

/* An answer or abandon with `wait` ms, threshold t_ms, at `now`; h is
 * hist_index(S, wait), found once by the caller for the objects sharing the
 * wait (the channel and the center). At the event's own time (the default
 * attribution) it is staged, without outcome_blocks' call. */
static OQ__HOT_INLINE void outcome(oq_stats *S, oq_sobj *ob, int answered, int64_t wait, int64_t t_ms,
                                   int64_t now, int32_t h)
{
    if (!ob)
        return;
    int64_t v = wait > 0 ? wait : 0, in = wait <= t_ms;
    int64_t at = attributed(S, wait, now);
    if (at >= now) {
        /* Staged (S->at is now's, located by oq__stats_on_event): one block
         * written, not cur, the window bucket and the day. */
        ob->pend_k |= answered ? (1ull << K_ANSWERED | 1ull << K_ANS_WAIT | 1ull << K_ANS_MAX | 1ull << K_ANS_IN)
                               : (1ull << K_ABANDONED | 1ull << K_AB_WAIT | 1ull << K_AB_MAX | 1ull << K_AB_IN |
                                  1ull << K_AB_SHORT);
        ob->pend_h |= 1ull << (answered ? h : 32 + h);
        outcome_in(S, &ob->pend, answered, wait, v, in, h);
        return;
    }
    oq_sblock *b[3];
    int n = outcome_blocks(S, ob, at, now, b);
    for (int i = 0; i < n; i++)
        outcome_in(S, b[i], answered, wait, v, in, h);
}

/* The outcome of a contact at its queue (wait wq) and, unless counted
 * there already, its channel and the center (wait wc): each histogram
 * index found once. */
static OQ__HOT_INLINE void outcome3(oq_stats *S, oq_sobj *qo, oq_sobj *co, int answered, int both,
                                    int64_t wq, int64_t wc, int64_t t_ms, int64_t now)
{
    int32_t hq = hist_index(S, wq);
    outcome(S, qo, answered, wq, t_ms, now, hq);
    if (!both)
        return;
    int32_t hc = wc == wq ? hq : hist_index(S, wc);
    outcome(S, co, answered, wc, t_ms, now, hc);
    outcome(S, S->center, answered, wc, t_ms, now, hc);
}

/* One addend of a batch (ADD3): v is added to sum counter k (v < 0 as 0). */
typedef struct oq_kv {
    int k;
    int64_t v;
} oq_kv;

/* Add a batch (values >= 0) to ob at the located bucket: staged (oq_sobj.pend),
 * for cur, the window bucket and (not day_lazy) the day. */
static OQ__HOT_INLINE void add_kv(oq_sobj *ob, const oq_kv *kv, int n)
{
    if (!ob)
        return;
    uint64_t m = 0;
    OQ__UNROLL
    for (int i = 0; i < n; i++) {
        int k = kv[i].k;
        ob->pend.k[k] = sat_add_nn(ob->pend.k[k], kv[i].v);
        m |= 1ull << k;
    }
    ob->pend_k |= m;
}

/* Add a batch to the contact's queue, channel and the center (staged: S->at
 * is the event's, located by oq__stats_on_event). */
static OQ__HOT_INLINE void add3v(oq_engine *e, oq_sobj *qo, oq_sobj *co, oq_kv *kv, int n)
{
    OQ__UNROLL
    for (int i = 0; i < n; i++) /* clamped once for the three */
        if (kv[i].v < 0)
            kv[i].v = 0;
    add_kv(qo, kv, n);
    add_kv(co, kv, n);
    add_kv(e->stats->center, kv, n);
}

/* ADD3(e, qo, co, {K_x, v}, ...): counters of one event, at once. */
#define ADD3(e, qo, co, ...)                                                   \
    do {                                                                       \
        oq_kv kv_[] = {__VA_ARGS__};                                           \
        add3v((e), (qo), (co), kv_, (int)(sizeof kv_ / sizeof kv_[0]));        \
    } while (0)

static void add3(oq_engine *e, oq_sobj *qo, oq_sobj *co, int k, int64_t v) { ADD3(e, qo, co, {k, v}); }

/* ---- agents ------------------------------------------------------------------- */

static void acc_time(oq_sagent_acc *acc, const oq_sagent *g, int64_t dt)
{
    acc->state_ms[g->state] = oq__sat_add(acc->state_ms[g->state], dt);
    if (g->state != OQ_AGENT_OFFLINE) {
        acc->used_int += (double)g->used * (double)dt;
        acc->cap_int += (double)g->cap * (double)dt;
    }
    if (g->state == OQ_AGENT_NOT_READY && g->reason >= 0)
        acc->reason_ms[g->reason] = oq__sat_add(acc->reason_ms[g->reason], dt);
}

/* As obj_at: a point where an allocation may be lost, every call. */
static oq_sagent *agent_at(oq_engine *e, int32_t idx, int32_t init_state, int64_t since)
{
    oq_stats *S = e->stats;
    if (idx < 0)
        return NULL;
    if (!oq__soft_try(e)) {
        oq__soft_failed(e);
        S->dropped++;
        return NULL;
    }
    if (idx >= S->cap_agents) {
        int32_t old = S->cap_agents;
        int32_t need = e->n_agents > idx + 1 ? e->n_agents : idx + 1;
        if (!oq__grow(&e->mem, (void **)&S->agents, &S->cap_agents, need, sizeof *S->agents)) {
            oq__soft_failed(e);
            S->dropped++;
            return NULL;
        }
        for (int32_t i = old; i < S->cap_agents; i++)
            S->agents[i] = NULL;
    }
    if (!S->agents[idx]) {
        oq_sagent *g = oq__calloc(&e->mem, 1, sizeof *g);
        if (!g) {
            oq__soft_failed(e);
            S->dropped++;
            return NULL;
        }
        g->state = init_state;
        g->reason = -1;
        g->last_t = since;
        g->cur.start = S->cur_start;
        g->day.start = S->day_start;
        oq_agent *a = idx < e->n_agents ? e->agents[idx] : NULL;
        g->cap = a ? a->capacity : 0;
        if (since < S->cur_start) { /* time before this interval is the day's only */
            acc_time(&g->day, g, S->cur_start - since);
            g->last_t = S->cur_start;
        }
        S->agents[idx] = g;
    }
    return S->agents[idx];
}

/* Bring the agent's time integrals up to t. */
void oq__sagent_sync(oq_sagent *g, int64_t t)
{
    int64_t dt = t - g->last_t;
    if (dt > 0) { /* acc_time of cur and day, the state's tests made once */
        int32_t st = g->state;
        g->cur.state_ms[st] = oq__sat_add(g->cur.state_ms[st], dt);
        g->day.state_ms[st] = oq__sat_add(g->day.state_ms[st], dt);
        if (st != OQ_AGENT_OFFLINE) {
            /* acc_time's expressions as they are (a compiler contracting
             * a * b + c rounds it once: the same form, the same doubles) */
            g->cur.used_int += (double)g->used * (double)dt;
            g->cur.cap_int += (double)g->cap * (double)dt;
            g->day.used_int += (double)g->used * (double)dt;
            g->day.cap_int += (double)g->cap * (double)dt;
        }
        if (st == OQ_AGENT_NOT_READY && g->reason >= 0) {
            g->cur.reason_ms[g->reason] = oq__sat_add(g->cur.reason_ms[g->reason], dt);
            g->day.reason_ms[g->reason] = oq__sat_add(g->day.reason_ms[g->reason], dt);
        }
    }
    if (t > g->last_t)
        g->last_t = t;
}

/* oq__sagent_sync's day half (acc_time: the same expressions, the same
 * doubles), for boundaries whose interval figures would be cleared at once. */
static void sagent_day_sync(oq_sagent *g, int64_t t)
{
    int64_t dt = t - g->last_t;
    if (dt > 0)
        acc_time(&g->day, g, dt);
    if (t > g->last_t)
        g->last_t = t;
}

static void agent_refresh_cap(oq_engine *e, oq_sagent *g, int32_t idx)
{
    oq_agent *a = idx < e->n_agents ? e->agents[idx] : NULL;
    if (a)
        g->cap = a->capacity;
}

/* agent_at, oq__sagent_sync and agent_refresh_cap of the agent of an
 * event, an agent already seen handled here (agent_at's one soft point
 * kept), with time synced only when it moved. */
static oq_sagent *agent_touch(oq_engine *e, const oq_agent *a)
{
    if (!a)
        return NULL;
    oq_stats *S = e->stats;
    int32_t idx = a->idx;
    oq_sagent *g;
    if (idx >= 0 && idx < S->cap_agents && (g = S->agents[idx]) != NULL) {
        if (!oq__soft_try(e)) {
            oq__soft_failed(e);
            S->dropped++;
            return NULL;
        }
    } else if (!(g = agent_at(e, idx, a->state, e->now)))
        return NULL;
    if (e->now > g->last_t)
        oq__sagent_sync(g, e->now);
    agent_refresh_cap(e, g, idx);
    return g;
}

static int32_t reason_slot(oq_sagent *g, const char *reason)
{
    char cut[OQ_REASON_LEN];
    size_t n = 0;
    if (reason)
        while (n < OQ_REASON_LEN - 1 && reason[n])
            n++;
    /* Do not cut a UTF-8 sequence in half. */
    if (reason && reason[n])
        while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80)
            n--;
    if (n)
        memcpy(cut, reason, n);
    cut[n] = '\0';
    for (int32_t i = 0; i < g->n_reasons; i++)
        if (strcmp(g->reasons[i], cut) == 0)
            return i;
    if (g->n_reasons < OQ_STATS_REASONS_MAX) {
        memcpy(g->reasons[g->n_reasons], cut, n + 1);
        return g->n_reasons++;
    }
    return OQ_STATS_REASONS_MAX;
}

/* The contact gave back the capacity it held on an agent. */
static void release(oq_engine *e, oq_srec *r, const oq_contact *c)
{
    oq_stats *S = e->stats;
    int32_t idx = -1, cost = 0;
    if (r && r->agent >= 0) {
        idx = r->agent;
        cost = r->cost;
        r->agent = -1;
    } else if (!r && c && oq__c_agent(c)) {
        idx = oq__c_agent(c)->idx;
        cost = oq__c_cost(c);
    }
    if (idx < 0 || idx >= S->cap_agents || !S->agents[idx])
        return;
    oq_sagent *g = S->agents[idx];
    oq__sagent_sync(g, e->now);
    g->used = g->used > cost ? g->used - cost : 0;
}

/* ---- intervals ------------------------------------------------------------- */

/* Close ob's current interval into its ring. prev >= 0: the number of the
 * interval closed just before in the same catch-up (oq__stats_roll), with
 * nothing counted between the two. */
static void close_one(oq_engine *e, oq_sobj *ob, int scope, int32_t idx, int64_t prev)
{
    oq_stats *S = e->stats;
    if (!ob)
        return;
    oq_sclosed *c = &ob->ring[S->closed % S->opt.ring_size];
    oq_sgauge g;
    if (prev >= 0) {
        /* cur is still empty (the previous close cleared it, and folding it
         * would change nothing) and every count among the gauges stands:
         * only the ages grow. Counting a queue's members, or every agent for
         * a channel, again for each of up to ring_size + 2 closes was most
         * of what a long silence cost. */
        g = ob->ring[prev % S->opt.ring_size].g;
        oq__sgauge_ages(S, ob, scope, S->cur_end, &g);
    } else {
        oq__sgauges(e, ob, scope, idx, S->cur_end, &g);
    }
    c->number = S->closed;
    c->start = S->cur_start;
    c->end = S->cur_end;
    c->b = ob->cur;
    c->g = g;
    if (prev < 0) {
        if (S->day_lazy)
            oq__sblock_fold(&ob->day, &ob->cur);
        memset(&ob->cur, 0, sizeof ob->cur);
    }
}

/* Every agent's interval figures start again at boundary t (synced to it). */
static void agents_to_boundary(oq_stats *S, int64_t t)
{
    for (int32_t i = 0; i < S->cap_agents; i++) {
        oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        oq__sagent_sync(g, t);
        memset(&g->cur, 0, sizeof g->cur);
        g->cur.start = t;
        if (g->ch_cur)
            memset(g->ch_cur, 0, (size_t)g->ch_cap * sizeof *g->ch_cur);
    }
}

/* prev >= 0 (a quiet close, close_one): the agents are left at the previous
 * boundary; oq__stats_roll brings them on after its last close. */
static void close_interval(oq_engine *e, int64_t prev)
{
    oq_stats *S = e->stats;
    if (prev < 0)
        agents_to_boundary(S, S->cur_end);
    close_one(e, S->center, OQ_SCOPE_CENTER, 0, prev);
    for (int32_t i = 0; i < S->cap_queues; i++)
        close_one(e, S->queues[i], OQ_SCOPE_QUEUE, i, prev);
    for (int32_t i = 0; i < S->cap_channels; i++)
        close_one(e, S->channels[i], OQ_SCOPE_CHANNEL, i, prev);
    S->closed++;
    S->closes++;
    /* Every day block now holds the whole day and cur starts empty. */
    S->day_lazy = S->day_start <= S->cur_end;
    S->cur_start = S->cur_end;
    S->cur_end = oq__sat_add(S->cur_end, S->interval_ms); /* INT64_MAX: the last one */
}

/* After n quiet closes ending at first, first + len, ...: each agent's day
 * gets what syncing at each of those boundaries gave it, and its interval
 * figures start at the last one. Piece by piece, not as one sum: the
 * capacity integrals are doubles, and once they pass 2^53 (a clock moved
 * by centuries) one sum rounds differently from the closes it stands for. */
static void agents_after_quiet(oq_stats *S, int64_t first, int64_t n)
{
    for (int32_t i = 0; i < S->cap_agents; i++) {
        oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        int64_t t = first;
        for (int64_t k = 1; k < n; k++, t += S->interval_ms)
            sagent_day_sync(g, t);
    }
    agents_to_boundary(S, S->cur_start);
}

void oq__stats_roll(oq_engine *e, int64_t t)
{
    oq_stats *S = e->stats;
    if (!S)
        return;
    oq__stats_settle(S); /* every read rolls: it sees the staged adds; a close folds them first */
    int64_t prev = -1; /* the interval this catch-up closed last: nothing was counted since */
    int64_t quiet = 0, quiet_end = 0; /* quiet closes so far, the end of the first */
    while (t >= S->cur_end && S->cur_end != INT64_MAX) {
        int64_t behind = (int64_t)(((uint64_t)t - (uint64_t)S->cur_end) / (uint64_t)S->interval_ms);
        int64_t number = S->closed;
        if (prev >= 0 && quiet++ == 0)
            quiet_end = S->cur_end;
        close_interval(e, prev);
        prev = number;
        if (behind > S->opt.ring_size + 1) {
            /* A long silence: the intervals older than the ring would be
             * overwritten anyway; skip to the last ring_size + 1 of them.
             * (Only ever after the first close: behind shrinks by one a
             * close, so no quiet close is pending here.) */
            int64_t skip = behind - S->opt.ring_size - 1;
            S->closed += skip;
            S->cur_start += skip * S->interval_ms;
            S->cur_end += skip * S->interval_ms;
            agents_to_boundary(S, S->cur_start);
        }
    }
    if (quiet > 0)
        agents_after_quiet(S, quiet_end, quiet);
}

static int64_t next_boundary(int64_t t, int64_t len)
{
    return oq__sat_add(floor_div(t, len) * len, len);
}

/* ---- hooks ------------------------------------------------------------------- */

static void stats_free_all(oq_engine *e, oq_stats *S)
{
    obj_free(e, &S->opt, S->center);
    for (int32_t i = 0; i < S->cap_queues; i++)
        obj_free(e, &S->opt, S->queues[i]);
    oq__free(&e->mem, S->queues, (size_t)S->cap_queues * sizeof *S->queues);
    for (int32_t i = 0; i < S->cap_channels; i++)
        obj_free(e, &S->opt, S->channels[i]);
    oq__free(&e->mem, S->channels, (size_t)S->cap_channels * sizeof *S->channels);
    for (int32_t i = 0; i < S->cap_agents; i++) {
        oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        oq__free(&e->mem, g->ch_cur, (size_t)g->ch_cap * sizeof *g->ch_cur);
        oq__free(&e->mem, g->ch_day, (size_t)g->ch_cap * sizeof *g->ch_day);
        oq__free(&e->mem, g, sizeof *g);
    }
    oq__free(&e->mem, S->agents, (size_t)S->cap_agents * sizeof *S->agents);
    for (int32_t p = 0; p < S->n_pages; p++)
        oq__free(&e->mem, S->rec_pages[p], (size_t)(p ? OQ_SREC_PAGE : S->page0_n) * sizeof(oq_srec));
    oq__free(&e->mem, S->rec_pages, (size_t)S->cap_pages * sizeof *S->rec_pages);
}

oq_status oq__stats_create(oq_engine *e)
{
    oq_stats *S = oq__calloc(&e->mem, 1, sizeof *S);
    if (!S)
        return OQ_ENOMEM;
    oq_stats_options o;
    oq_stats_options_init(&o);
    apply_options(S, &o);
    S->timer.pos = -1;
    S->center = obj_new(e, &S->opt);
    if (!S->center) {
        oq__free(&e->mem, S, sizeof *S);
        e->stats = NULL;
        return OQ_ENOMEM;
    }
    S->day_start = S->cur_start = e->now;
    S->day_lazy = 1;
    S->cur_end = next_boundary(e->now, S->interval_ms);
    e->stats = S;
    return OQ_OK;
}

void oq__stats_destroy(oq_engine *e)
{
    oq_stats *S = e->stats;
    if (!S)
        return;
    oq__timer_cancel(e, &S->timer);
    stats_free_all(e, S);
    oq__free(&e->mem, S, sizeof *S);
    e->stats = NULL;
}

void oq__stats_on_timer(oq_engine *e, int64_t until)
{
    oq_stats *S = e->stats;
    if (!S)
        return;
    oq__stats_roll(e, until);
    if (S->cur_start > e->now && S->cur_start <= until)
        e->now = S->cur_start; /* the last boundary crossed: nothing happened in between */
    if (S->timer_on && S->cur_end != INT64_MAX)
        oq__timer_arm(e, &S->timer, S->cur_end, OQ_TIMER_STATS);
    /* One event per interval closed since the last report (an event at the
     * boundary fired by an earlier timer may already have closed it). Only
     * the kept ones are reported after a long silence. */
    if (S->emitted < S->closed - S->opt.ring_size)
        S->emitted = S->closed - S->opt.ring_size;
    while (S->emitted < S->closed) {
        oq_event ev = {0};
        ev.type = OQ_EV_INTERVAL_CLOSED;
        ev.time_ms = S->cur_start - (S->closed - 1 - S->emitted) * S->interval_ms;
        S->emitted++;
        oq__emit(e, &ev, NULL, NULL);
    }
}

static oq_queue *queue_named(oq_engine *e, const char *id)
{
    return id ? oq__idmap_get(&e->queue_ids, id) : NULL;
}

/* The contact's channel changed (a callback): it leaves the old channel's
 * lists for the new one's, without new channel counts. */
static void rechannel(oq_engine *e, oq_srec *r, const oq_contact *c)
{
    if (c->channel == r->channel)
        return;
    int waiting = (r->in & (1u << L_CHWAIT)) != 0;
    list_drop(e, r, L_CHWAIT);
    list_drop(e, r, L_CHLIVE);
    r->channel = c->channel;
    if (oq__sch(e, c->channel)) {
        list_push(e, r, c->stats_rec, L_CHLIVE, e->now);
        if (waiting)
            list_push(e, r, c->stats_rec, L_CHWAIT, e->now);
    }
}

/* A contact moved from one queue to another (transfer or overflow). */
static void moved(oq_engine *e, const oq_event *ev, oq_contact *c, int overflow)
{
    oq_stats *S = e->stats;
    oq_queue *from = queue_named(e, ev->from_queue), *to = queue_named(e, ev->queue);
    /* No from_queue (transfer to an agent): it stays in its queue. */
    int same = !from || from == to;
    oq_sobj *fo = from ? oq__sq(e, from->idx) : NULL;
    oq_sobj *to_o = to ? oq__sq(e, to->idx) : NULL;
    add(S, same ? to_o : fo, overflow ? K_OV_OUT : K_TR_OUT, 1, e->now);
    add(S, to_o, overflow ? K_OV_IN : K_TR_IN, 1, e->now);
    if (!same)
        add(S, to_o, K_OFFERED, 1, e->now);
    oq_srec *r = oq__srec_get(e, c);
    if (!r)
        return;
    release(e, r, c);
    if (!same && (r->in & (1u << L_QWAIT))) {
        /* Left `from` unanswered: a flow-out, within or after its threshold,
         * the wait counted as for an answer there. */
        int64_t wait = (r->flags & SF_OVERFLOWED) ? e->now - c->arrived : e->now - oq__srec_since(r, L_QWAIT);
        add(S, fo, wait <= to_ms(from->sla_threshold_s) ? K_FLOW_IN : K_FLOW_AFTER, 1, e->now);
    }
    if (!same)
        list_drop(e, r, L_QWAIT);
    rechannel(e, r, c); /* e.g. overflow to a callback channel */
    if (to) {
        r->queue = to->idx;
        list_push(e, r, c->stats_rec, L_QWAIT, e->now);
    }
    list_push(e, r, c->stats_rec, L_CHWAIT, e->now); /* no-ops if it was still waiting */
    list_push(e, r, c->stats_rec, L_CEWAIT, e->now);
    if (overflow)
        r->flags |= SF_OVERFLOWED;
}

/* The contact leaves the engine: lists, capacity, record. */
static void forget(oq_engine *e, oq_srec *r, oq_contact *c)
{
    release(e, r, c);
    if (!r)
        return;
    list_drop_kinds(e, r, SR_LISTS);
    rec_del(e, r, c);
}

/* A contact with a deadline ends without having been answered. */
static void deadline_end(oq_engine *e, oq_srec *r, const oq_contact *c, oq_sobj *qo, oq_sobj *co)
{
    if (!c || oq__c_deadline(c) <= 0 || (r && (r->flags & SF_DEADLINE_DONE)))
        return;
    add3(e, qo, co, K_DL_N, 1);
}

/* The queue-scope outcome again with the wait in the queue's business time,
 * when its calendar counts its clocks (business_time); the wall-time figures
 * stay as they are beside it. */
static void business_outcome(oq_engine *e, oq_sobj *qo, const oq_queue *q, int answered,
                             int64_t wait, int64_t t_ms, int64_t t)
{
    if (!qo || !q->business_time || q->calendar < 0)
        return;
    int64_t bw = oq__queue_elapsed(e, q, t - wait, t);
    oq_stats *S = e->stats;
    oq_sblock *b[3];
    int n = outcome_blocks(S, qo, attributed(S, wait, t), t, b);
    for (int i = 0; i < n; i++) {
        blk_add(b[i], answered ? K_BANS_N : K_BAB_N, 1);
        blk_add(b[i], answered ? K_BANS_WAIT : K_BAB_WAIT, bw);
        blk_add(b[i], answered ? K_BANS_IN : K_BAB_IN, bw <= t_ms);
    }
}

void oq__stats_on_event(oq_engine *e, const oq_event *ev, oq_contact *c, oq_agent *agent)
{
    oq_stats *S = e->stats;
    /* A calendar opening or closing counts nothing here and changes no gauge:
     * it does not close the elapsed intervals either (a queue with business
     * hours, its clock moved on by years, would otherwise close every interval
     * of those years, two calendar changes a day). */
    if (!S || ev->type == OQ_EV_INTERVAL_CLOSED || ev->type == OQ_EV_QUEUE_OPENED ||
        ev->type == OQ_EV_QUEUE_CLOSED)
        return;
    if (e->now >= S->cur_end) /* the interval ended: oq__stats_roll's own test, without the call */
        oq__stats_roll(e, e->now);
    /* The bucket of now, once for every add of the event (the staged ones
     * belong to it; adds staged in an earlier bucket are folded there
     * first). */
    at_locate(S, e->now);
    oq_srec *r = oq__srec_get(e, c);
    oq_sobj *qo = c ? obj_hit(e, &S->queues, &S->cap_queues, c->queue->idx, e->n_queues) : NULL;
    oq_sobj *co = c ? obj_hit(e, &S->channels, &S->cap_channels, c->channel, e->n_channels) : NULL;
    if (c) { /* every staged add of the event goes to these three: listed once */
        stage(S, qo);
        stage(S, co);
        stage(S, S->center);
    }
    int64_t now = e->now;
    switch (ev->type) {
    case OQ_EV_CONTACT_QUEUED:
        if (!c)
            break;
        if (ev->detail) { /* an offer withdrawn: still the same wait */
            release(e, r, c);
            break;
        }
        ADD3(e, qo, co, {K_OFFERED, 1}, {K_ARRIVALS, 1});
        if (!r && !(r = rec_new(e, c))) {
            S->dropped++;
            break;
        }
        r->queue = c->queue->idx;
        list_push_all(e, r, c->stats_rec, now);
        break;
    case OQ_EV_OFFERED: {
        if (!c)
            break;
        add3(e, qo, co, K_OFFERS, 1);
        oq_sagent *g = agent_touch(e, oq__c_agent(c));
        if (g)
            INC(g->cur.offers), INC(g->day.offers);
        if (r && oq__c_agent(c)) {
            release(e, r, c); /* never two at once */
            r->agent = oq__c_agent(c)->idx;
            r->cost = (int16_t)oq__c_cost(c);
            if (g)
                g->used += oq__c_cost(c);
        }
        break;
    }
    case OQ_EV_OFFER_REJECTED:
    case OQ_EV_OFFER_TIMEOUT: {
        if (!c)
            break;
        int rej = ev->type == OQ_EV_OFFER_REJECTED;
        add3(e, qo, co, rej ? K_OFF_REJ : K_OFF_TMO, 1);
        oq_sagent *g = agent_touch(e, oq__c_agent(c));
        if (g) {
            if (rej)
                INC(g->cur.rejected), INC(g->day.rejected);
            else
                INC(g->cur.timed_out), INC(g->day.timed_out);
        }
        release(e, r, c);
        break;
    }
    case OQ_EV_ASSIGNED: {
        if (!c)
            break;
        ADD3(e, qo, co, {K_ACCEPTED, 1}, {K_ACCEPT_MS, now - oq__c_offered_at(c)});
        oq_sagent *g = agent_touch(e, oq__c_agent(c));
        if (g)
            INC(g->cur.accepted), INC(g->day.accepted);
        int64_t t_ms = thr_ms(S, c->queue->sla_threshold_s);
        int64_t wq = (r && (r->flags & SF_OVERFLOWED)) ? now - c->arrived : ev->wait_ms;
        int first = !r || !(r->flags & SF_ANSWERED);
        int64_t wc = now - c->arrived;
        /* The queue's, then its business time's, then the channel's and
         * center's: outcome3 adds the first and the last two, and
         * business_outcome writes other counters. */
        outcome3(S, qo, co, 1, first, wq, wc, t_ms, now);
        business_outcome(e, qo, c->queue, 1, wq, t_ms, now);
        if (first) {
            int64_t deadline = oq__c_deadline(c);
            if (deadline > 0 && !(r && (r->flags & SF_DEADLINE_DONE)))
                ADD3(e, qo, co, {K_FR_N, 1}, {K_FR_MS, wc}, {K_DL_N, 1}, {K_DL_MET, now <= deadline});
            else
                ADD3(e, qo, co, {K_FR_N, 1}, {K_FR_MS, wc});
        }
        if (r) {
            r->flags |= SF_ANSWERED | SF_DEADLINE_DONE;
            list_drop_kinds(e, r, WAIT_KINDS);
        }
        break;
    }
    case OQ_EV_COMPLETED: {
        if (!c)
            break;
        int wrap = c->state == OQ_CONTACT_WRAPUP;
        int64_t talk = (wrap ? oq__c_wrapup_at(c) : now) - oq__c_assigned_at(c);
        int64_t wrap_ms = wrap ? now - oq__c_wrapup_at(c) : 0;
        ADD3(e, qo, co, {K_HANDLED, 1}, {K_TALK, talk}, {K_WRAP, wrap_ms}, {K_RES_N, 1},
             {K_RES_MS, now - c->arrived});
        oq_sagent *g = agent_touch(e, oq__c_agent(c));
        if (g) {
            INC(g->cur.handled), INC(g->day.handled);
            g->cur.talk_ms = oq__sat_add(g->cur.talk_ms, talk);
            g->day.talk_ms = oq__sat_add(g->day.talk_ms, talk);
            g->cur.wrap_ms = oq__sat_add(g->cur.wrap_ms, wrap_ms);
            g->day.wrap_ms = oq__sat_add(g->day.wrap_ms, wrap_ms);
            int go = oq__soft_try(e);
            if (go && c->channel >= g->ch_cap) {
                int32_t cap = e->n_channels > c->channel ? e->n_channels : c->channel + 1;
                int64_t *a = oq__calloc(&e->mem, (size_t)cap, sizeof *a);
                int64_t *b = oq__calloc(&e->mem, (size_t)cap, sizeof *b);
                if (a && b) {
                    if (g->ch_cap) {
                        memcpy(a, g->ch_cur, (size_t)g->ch_cap * sizeof *a);
                        memcpy(b, g->ch_day, (size_t)g->ch_cap * sizeof *b);
                    }
                    oq__free(&e->mem, g->ch_cur, (size_t)g->ch_cap * sizeof *a);
                    oq__free(&e->mem, g->ch_day, (size_t)g->ch_cap * sizeof *b);
                    g->ch_cur = a;
                    g->ch_day = b;
                    g->ch_cap = cap;
                } else {
                    oq__free(&e->mem, a, (size_t)cap * sizeof *a);
                    oq__free(&e->mem, b, (size_t)cap * sizeof *b);
                    go = 0;
                }
            }
            if (!go) {
                oq__soft_failed(e);
                S->dropped++;
            } else if (c->channel < g->ch_cap)
                INC(g->ch_cur[c->channel]), INC(g->ch_day[c->channel]);
        }
        forget(e, r, c);
        break;
    }
    case OQ_EV_ABANDONED: {
        if (!c)
            break;
        int64_t t_ms = thr_ms(S, c->queue->sla_threshold_s);
        int64_t wq = (r && (r->flags & SF_OVERFLOWED)) ? now - c->arrived : ev->wait_ms;
        outcome3(S, qo, co, 0, !r || !(r->flags & SF_ANSWERED), wq, now - c->arrived, t_ms, now);
        business_outcome(e, qo, c->queue, 0, wq, t_ms, now);
        deadline_end(e, r, c, qo, co);
        forget(e, r, c);
        break;
    }
    case OQ_EV_REMOVED:
        if (!c)
            break;
        add3(e, qo, co, K_REMOVED, 1);
        deadline_end(e, r, c, qo, co);
        forget(e, r, c);
        break;
    case OQ_EV_QUEUE_REJECTED: {
        oq_queue *q = queue_named(e, ev->queue);
        oq_channel *ch = ev->channel ? oq__idmap_get(&e->channel_ids, ev->channel) : NULL;
        add(S, q ? oq__sq(e, q->idx) : NULL, K_REJECTED, 1, now);
        add(S, ch ? oq__sch(e, ch->idx) : NULL, K_REJECTED, 1, now);
        add(S, S->center, K_REJECTED, 1, now);
        if (c)
            forget(e, r, c);
        break;
    }
    case OQ_EV_TRANSFERRED:
        moved(e, ev, c, 0);
        break;
    case OQ_EV_PARKED: /* waits for the customer now: not waiting, still open */
        release(e, r, c);
        if (r) {
            list_drop_kinds(e, r, WAIT_KINDS);
        }
        break;
    case OQ_EV_REOPENED: /* back in a queue: offered to that queue again */
        if (!c)
            break;
        add(S, qo, K_OFFERED, 1, now);
        add3(e, qo, co, K_REOPENED, 1);
        if (!r && !(r = rec_new(e, c))) {
            S->dropped++;
            break;
        }
        r->queue = c->queue->idx;
        list_push_all(e, r, c->stats_rec, now);
        break;
    case OQ_EV_OVERFLOWED:
        moved(e, ev, c, 1);
        break;
    case OQ_EV_CALLBACK_QUEUED: /* still waiting in its queue, on the callback channel */
        if (!c)
            break;
        add3(e, qo, co, K_CALLBACKS, 1);
        if (r)
            rechannel(e, r, c);
        break;
    case OQ_EV_AGENT_STATE: {
        const oq_agent *a = agent;
        int32_t st = ev->agent_state, prev = ev->prev_agent_state;
        if (prev >= 0 && prev < 5 && prev != OQ_AGENT_OFFLINE && S->agents_in[prev] > 0)
            S->agents_in[prev]--;
        if (st >= 0 && st < 5 && st != OQ_AGENT_OFFLINE)
            S->agents_in[st]++;
        if (!a || st < 0 || st >= 5)
            break;
        oq_sagent *g = agent_at(e, a->idx, prev >= 0 && prev < 5 ? prev : OQ_AGENT_OFFLINE,
                                S->day_start);
        if (!g)
            break;
        oq__sagent_sync(g, now);
        agent_refresh_cap(e, g, a->idx);
        g->state = st;
        g->reason = st == OQ_AGENT_NOT_READY ? reason_slot(g, ev->detail) : -1;
        break;
    }
    default:
        break;
    }
}

/* ---- configuration ------------------------------------------------------------ */

oq_status oq_stats_configure(oq_engine *e, const oq_stats_options *o)
{
    oq_stats_options full; /* the caller's options over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, o, oq_stats_options, ring_size);
    if (st0 != OQ_OK)
        return st0;
    o = &full;
    OQ_RECORDED(e, STATS_CONFIGURE, oq_stats_configure, o);
    oq_status st = oq__enter(e);
    if (st != OQ_OK)
        return st;
    if ((st = check_options(e, o)) != OQ_OK)
        return st;
    if (e->n_contacts > 0)
        return oq__fail(e, OQ_ESTATE,
                        "stats: cannot configure while the engine holds %d contacts",
                        e->n_contacts);
    oq_stats *S = e->stats;
    if (!S) /* checked and ignored: a simulator's build callback runs for every replication */
        return OQ_OK;
    oq_sobj *center = obj_new(e, o);
    if (!center)
        return oq__fail(e, OQ_ENOMEM, "stats: out of memory");
    obj_free(e, &S->opt, S->center);
    for (int32_t i = 0; i < S->cap_queues; i++) {
        obj_free(e, &S->opt, S->queues[i]);
        S->queues[i] = NULL;
    }
    for (int32_t i = 0; i < S->cap_channels; i++) {
        obj_free(e, &S->opt, S->channels[i]);
        S->channels[i] = NULL;
    }
    S->center = center;
    S->staged = NULL; /* the staged adds went with the objects, as their counts did */
    apply_options(S, o);
    S->closed = S->emitted = 0;
    S->dropped = 0;
    S->day_start = S->cur_start = e->now;
    S->day_lazy = 1; /* every block empty */
    S->cur_end = next_boundary(e->now, S->interval_ms);
    for (int32_t i = 0; i < S->cap_agents; i++) {
        oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        oq__sagent_sync(g, e->now);
        memset(&g->cur, 0, sizeof g->cur);
        memset(&g->day, 0, sizeof g->day);
        g->cur.start = g->day.start = e->now;
        if (g->ch_cap) {
            memset(g->ch_cur, 0, (size_t)g->ch_cap * sizeof *g->ch_cur);
            memset(g->ch_day, 0, (size_t)g->ch_cap * sizeof *g->ch_day);
        }
    }
    S->timer_on = 1;
    if (S->cur_end != INT64_MAX)
        oq__timer_arm(e, &S->timer, S->cur_end, OQ_TIMER_STATS);
    return OQ_OK;
}

oq_status oq_stats_reset_day(oq_engine *e, int64_t now_ms)
{
    OQ_RECORDED(e, STATS_RESET_DAY, oq_stats_reset_day, now_ms);
    oq_status st = oq__enter_at(e, now_ms);
    if (st != OQ_OK)
        return st;
    oq_stats *S = e->stats;
    if (!S) /* the clock moved, as for any engine; nothing else to reset */
        return OQ_OK;
    oq__stats_roll(e, e->now);
    S->day_start = e->now;
    S->day_lazy = 0; /* cur may hold time before the day: until it closes, adds write the day */
    memset(&S->center->day, 0, sizeof S->center->day);
    for (int32_t i = 0; i < S->cap_queues; i++)
        if (S->queues[i])
            memset(&S->queues[i]->day, 0, sizeof S->queues[i]->day);
    for (int32_t i = 0; i < S->cap_channels; i++)
        if (S->channels[i])
            memset(&S->channels[i]->day, 0, sizeof S->channels[i]->day);
    for (int32_t i = 0; i < S->cap_agents; i++) {
        oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        oq__sagent_sync(g, e->now);
        memset(&g->day, 0, sizeof g->day);
        g->day.start = e->now;
        if (g->ch_cap)
            memset(g->ch_day, 0, (size_t)g->ch_cap * sizeof *g->ch_day);
    }
    return OQ_OK;
}

oq_status oq__stats_kept(const oq_engine *e)
{
    if (e->stats)
        return OQ_OK;
    return oq__fail(e, OQ_ESTATE, "statistics: this engine keeps none (a simulator replication's "
                                  "engine: oq_sim_options.engine_stats)");
}

oq_status oq_stats_get_options(const oq_engine *e, oq_stats_options *out)
{
    if (!e)
        return OQ_EINVAL;
    oq_status st = oq__stats_kept(e);
    if (st == OQ_OK)
        st = OQ__OUT_CHECK(e, out, oq_stats_options, ring_size);
    if (st == OQ_OK)
        oq__output_copy(out, &e->stats->opt, sizeof *out);
    return st;
}
