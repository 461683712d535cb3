/* SPDX-License-Identifier: MIT */
/* Statistics state in snapshots (lib/snapshot): every counter, window,
 * closed interval, agent accumulator and live contact record, written field
 * by field and read back with every index checked. */
#include <math.h>
#include <string.h>

#include "stats/persist.h"

#include "stats/hook.h"
#include "stats/internal.h"

static int64_t ms_of(double s) { return (int64_t)llround(s * 1000.0); }

/* ---- writing -------------------------------------------------------------------- */

static void w_block(oq_wr *w, const oq_sblock *b)
{
    oq__wr_i64(w, b->stamp);
    for (int i = 0; i < K_N; i++)
        oq__wr_i64(w, b->k[i]);
    for (int i = 0; i < OQ_HIST_N; i++)
        oq__wr_i64(w, b->hist_ans[i]);
    for (int i = 0; i < OQ_HIST_N; i++)
        oq__wr_i64(w, b->hist_ab[i]);
}

static void w_obj(oq_wr *w, const oq_stats *S, const oq_sobj *ob)
{
    oq__wr_u8(w, ob != NULL);
    if (!ob)
        return;
    oq_sblock day; /* the whole day, as the snapshot has always held it */
    w_block(w, &ob->cur);
    w_block(w, oq__sday(S, ob, &day));
    for (int32_t i = 0; i < S->n_buckets; i++)
        w_block(w, &ob->win[i]);
    for (int32_t i = 0; i < S->opt.ring_size; i++) {
        const oq_sclosed *c = &ob->ring[i];
        oq__wr_i64(w, c->number);
        oq__wr_i64(w, c->start);
        oq__wr_i64(w, c->end);
        w_block(w, &c->b);
        const oq_sgauge *g = &c->g;
        oq__wr_i32(w, g->waiting);
        oq__wr_i32(w, g->ready);
        oq__wr_i32(w, g->busy);
        oq__wr_i32(w, g->wrapup);
        oq__wr_i32(w, g->not_ready);
        oq__wr_i32(w, g->backlog);
        oq__wr_i64(w, g->longest_ms);
        oq__wr_i64(w, g->backlog_age_ms);
    }
    const oq_slist *ls[2] = {&ob->wait, &ob->live};
    for (int i = 0; i < 2; i++) {
        oq__wr_i32(w, ls[i]->head);
        oq__wr_i32(w, ls[i]->tail);
        oq__wr_i32(w, ls[i]->n);
    }
}

static void w_acc(oq_wr *w, const oq_sagent_acc *a)
{
    oq__wr_i64(w, a->start);
    for (int i = 0; i < 5; i++)
        oq__wr_i64(w, a->state_ms[i]);
    oq__wr_f64(w, a->used_int);
    oq__wr_f64(w, a->cap_int);
    oq__wr_i64(w, a->handled);
    oq__wr_i64(w, a->talk_ms);
    oq__wr_i64(w, a->wrap_ms);
    oq__wr_i64(w, a->offers);
    oq__wr_i64(w, a->accepted);
    oq__wr_i64(w, a->rejected);
    oq__wr_i64(w, a->timed_out);
    for (int i = 0; i <= OQ_STATS_REASONS_MAX; i++)
        oq__wr_i64(w, a->reason_ms[i]);
}

static void w_timer(oq_wr *w, const oq_timer *t)
{
    int armed = t->pos >= 0 && t->kind != OQ_TIMER_NONE;
    oq__wr_u8(w, (uint8_t)armed);
    oq__wr_i64(w, armed ? t->due : 0);
    oq__wr_u64(w, armed ? t->seq : 0);
}

/* Slots up to the last one in use. */
static int32_t used_slots(void *const *arr, int32_t cap)
{
    while (cap > 0 && !arr[cap - 1])
        cap--;
    return cap;
}

void oq__stats_write(const oq_engine *e, oq_wr *w)
{
    /* The staged adds into their blocks first (a snapshot holds the figures,
     * not where they wait): the engine is const to the caller's state, which
     * this does not change. */
    oq__stats_settle(e->stats);
    const oq_stats *S = e->stats;
    const oq_stats_options *o = &S->opt;
    /* Counters per block (a new counter is no format version) in the low 16
     * bits, the attribution above them: with the default (0) the word is the
     * count alone, as format 4 always wrote it, and a library without
     * attributions refuses an arrival-attributed snapshot as a newer one's. */
    oq__wr_u32(w, (uint32_t)K_N | (uint32_t)o->attribution << OQ__STATS_ATTRIBUTION_SHIFT);
    oq__wr_i32(w, o->ring_size);
    oq__wr_f64(w, o->interval_s);
    oq__wr_f64(w, o->window_s);
    oq__wr_f64(w, o->window_bucket_s);
    oq__wr_f64(w, o->short_abandon_s);
    oq__wr_i32(w, o->n_wait_bounds);
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        oq__wr_f64(w, o->wait_bounds_s[i]);
    oq__wr_i32(w, S->timer_on);
    w_timer(w, &S->timer);
    oq__wr_i64(w, S->cur_start);
    oq__wr_i64(w, S->cur_end);
    oq__wr_i64(w, S->day_start);
    oq__wr_i64(w, S->closed);
    oq__wr_i64(w, S->emitted);
    oq__wr_i64(w, S->dropped);
    for (int i = 0; i < 5; i++)
        oq__wr_i32(w, S->agents_in[i]);
    w_obj(w, S, S->center);
    /* Up to the last block there is: how far an array grew (say before a
     * block could not be had) is no state. */
    int32_t nq = used_slots((void *const *)S->queues, S->cap_queues);
    oq__wr_i32(w, nq);
    for (int32_t i = 0; i < nq; i++)
        w_obj(w, S, S->queues[i]);
    int32_t nc = used_slots((void *const *)S->channels, S->cap_channels);
    oq__wr_i32(w, nc);
    for (int32_t i = 0; i < nc; i++)
        w_obj(w, S, S->channels[i]);
    int32_t na = used_slots((void *const *)S->agents, S->cap_agents);
    oq__wr_i32(w, na);
    for (int32_t i = 0; i < na; i++) {
        const oq_sagent *g = S->agents[i];
        oq__wr_u8(w, g != NULL);
        if (!g)
            continue;
        oq__wr_i32(w, g->state);
        oq__wr_i32(w, g->used);
        oq__wr_i32(w, g->cap);
        oq__wr_i32(w, g->reason);
        oq__wr_i64(w, g->last_t);
        oq__wr_i32(w, g->n_reasons);
        for (int32_t k = 0; k < g->n_reasons; k++) {
            char tmp[OQ_REASON_LEN + 1];
            memcpy(tmp, g->reasons[k], OQ_REASON_LEN);
            tmp[OQ_REASON_LEN] = 0;
            oq__wr_str(w, tmp);
        }
        w_acc(w, &g->cur);
        w_acc(w, &g->day);
        oq__wr_i32(w, g->ch_cap);
        for (int32_t k = 0; k < g->ch_cap; k++) {
            oq__wr_i64(w, g->ch_cur[k]);
            oq__wr_i64(w, g->ch_day[k]);
        }
    }
    oq__wr_i32(w, S->cap_recs);
    oq__wr_i32(w, S->free_rec);
    oq__wr_i32(w, S->n_recs);
    /* A live record's seq is its contact's: gathered by slot first (scratch
     * from the engine's allocator, as the resume walk's). */
    uint64_t *seqs = NULL;
    if (S->n_recs > 0) {
        oq_engine *me = (oq_engine *)(uintptr_t)e;
        if (!(seqs = oq__calloc(&me->mem, (size_t)S->fresh, sizeof *seqs))) {
            if (w->st == OQ_OK)
                w->st = OQ_ENOMEM;
            return;
        }
        const oq_contact *c;
        for (int32_t pos = 0; (c = oq__idtable_next(&me->contact_ids, &pos));)
            if (c->stats_rec > 0 && c->stats_rec < S->fresh)
                seqs[c->stats_rec] = c->seq;
    }
    static const oq_srec never_taken; /* a slot never taken is a zero record */
    for (int32_t i = 1; i < S->cap_recs; i++) { /* slot 0 is never used */
        const oq_srec *r = i < S->fresh ? oq__srec(S, i) : &never_taken;
        oq__wr_u64(w, seqs && i < S->fresh && oq__srec_live(r) ? seqs[i] : 0);
        for (int l = 0; l < L_N; l++) {
            oq__wr_i32(w, r->link[l][0]);
            oq__wr_i32(w, r->link[l][1]);
            oq__wr_i64(w, oq__srec_since(r, l));
        }
        oq__wr_u32(w, r->in & SR_LISTS);
        oq__wr_i32(w, r->queue);
        oq__wr_i32(w, r->channel);
        oq__wr_i32(w, oq__srec_agent_saved(r));
        oq__wr_i32(w, r->cost);
        oq__wr_i32(w, r->flags);
        oq__wr_i32(w, i < S->fresh ? oq__srec_next_free(r) : i + 1 < S->cap_recs ? i + 1 : 0);
    }
    if (seqs)
        oq__free(&((oq_engine *)(uintptr_t)e)->mem, seqs, (size_t)S->fresh * sizeof *seqs);
}

oq_timer *oq__stats_timer(oq_engine *e) { return e->stats ? &e->stats->timer : NULL; }

/* ---- reading -------------------------------------------------------------------- */

typedef struct rctx {
    oq_engine *e;
    oq_rd *r;
    oq_stats *S;
    int nomem;
    int32_t n_k; /* counters per block in the input (<= K_N; the rest read as 0) */
} rctx;

static void *zalloc(rctx *x, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *p = oq__calloc(&x->e->mem, n, size);
    if (!p) {
        x->nomem = 1;
        oq__rd_fail(x->r, "out of memory");
    }
    return p;
}

/* Every figure is a count or a sum of milliseconds: 0..INT64_MAX (figures
 * saturate there, so no later arithmetic on a restored one can wrap). */
static int64_t r_fig(oq_rd *r) { return oq__rd_sum64(r, "statistics figure"); }

static void r_block(const rctx *x, oq_sblock *b)
{
    oq_rd *r = x->r;
    size_t at = r->off;
    b->stamp = oq__rd_i64(r); /* a window bucket number (time / bucket), or INT64_MIN: empty */
    if (!r->bad && b->stamp < 0 && b->stamp != INT64_MIN) {
        r->off = at;
        oq__rd_fail(r, "statistics window bucket %lld out of range", (long long)b->stamp);
    }
    for (int i = 0; i < K_N; i++)
        b->k[i] = i < x->n_k ? r_fig(r) : 0; /* a counter the writer did not know: none yet */
    for (int i = 0; i < OQ_HIST_N; i++)
        b->hist_ans[i] = r_fig(r);
    for (int i = 0; i < OQ_HIST_N; i++)
        b->hist_ab[i] = r_fig(r);
}

static int32_t r_slot(rctx *x, const char *what)
{
    return oq__rd_range(x->r, 0, x->S->cap_recs > 0 ? x->S->cap_recs - 1 : 0, what);
}

/* Blocks are read after the records so list heads can be checked. */
static oq_sobj *r_obj(rctx *x)
{
    oq_rd *r = x->r;
    oq_stats *S = x->S;
    if (!oq__rd_u8(r) || r->bad)
        return NULL;
    size_t per = 8 * (1 + (size_t)x->n_k + 2 * OQ_HIST_N); /* bytes of one written block */
    if ((size_t)(S->n_buckets + S->opt.ring_size) > (r->len - r->off) / per) {
        oq__rd_fail(r, "statistics block larger than the input");
        return NULL;
    }
    oq_sobj *ob = zalloc(x, 1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->win = zalloc(x, (size_t)S->n_buckets, sizeof *ob->win);
    ob->ring = zalloc(x, (size_t)S->opt.ring_size, sizeof *ob->ring);
    if (!ob->win || !ob->ring)
        return ob; /* the tracking allocator of the restore frees it */
    r_block(x, &ob->cur);
    r_block(x, &ob->day);
    for (int32_t i = 0; i < S->n_buckets; i++)
        r_block(x, &ob->win[i]);
    for (int32_t i = 0; i < S->opt.ring_size && !r->bad; i++) {
        oq_sclosed *c = &ob->ring[i];
        /* Slot i holds interval number i (mod ring_size) once one closed
         * there, -1 before: close_one writes ring[closed % ring_size]. */
        c->number = oq__rd_i64_in(r, -1, S->closed - 1, "statistics closed interval number");
        if (!r->bad && c->number >= 0 && c->number % S->opt.ring_size != i)
            oq__rd_fail(r, "statistics closed interval %lld in ring slot %d", (long long)c->number, i);
        c->start = oq__rd_instant(r, "statistics closed interval start");
        c->end = oq__rd_instant(r, "statistics closed interval end");
        r_block(x, &c->b);
        oq_sgauge *g = &c->g;
        g->waiting = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->ready = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->busy = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->wrapup = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->not_ready = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->backlog = oq__rd_range(r, 0, INT32_MAX, "statistics gauge");
        g->longest_ms = r_fig(r);
        g->backlog_age_ms = r_fig(r);
    }
    oq_slist *ls[2] = {&ob->wait, &ob->live};
    for (int i = 0; i < 2; i++) {
        ls[i]->head = r_slot(x, "statistics list head");
        ls[i]->tail = r_slot(x, "statistics list tail");
        ls[i]->n = oq__rd_range(r, 0, S->n_recs, "statistics list length");
    }
    return ob;
}

static int finite_in(double v, double lo, double hi) { return isfinite(v) && v >= lo && v <= hi; }

static void r_acc(oq_rd *r, int64_t now, oq_sagent_acc *a)
{
    a->start = oq__rd_past(r, now, "statistics agent period start");
    for (int i = 0; i < 5; i++)
        a->state_ms[i] = r_fig(r);
    a->used_int = oq__rd_f64(r);
    a->cap_int = oq__rd_f64(r);
    if (!r->bad && !(finite_in(a->used_int, 0, INFINITY) && finite_in(a->cap_int, 0, INFINITY)))
        oq__rd_fail(r, "statistics agent load integral is not a finite number >= 0");
    a->handled = r_fig(r);
    a->talk_ms = r_fig(r);
    a->wrap_ms = r_fig(r);
    a->offers = r_fig(r);
    a->accepted = r_fig(r);
    a->rejected = r_fig(r);
    a->timed_out = r_fig(r);
    for (int i = 0; i <= OQ_STATS_REASONS_MAX; i++)
        a->reason_ms[i] = r_fig(r);
}

/* How many counters the input's blocks hold, and its attribution: format 3
 * wrote the first OQ__STATS_COUNTERS_V3 with no count (event attribution);
 * later formats write the count, and the attribution above it
 * (oq__stats_write). Fewer counters than this library knows: a snapshot from
 * before the later rows, whose counters read 0 — but never fewer than format
 * 4 first wrote (OQ__STATS_COUNTERS_V3): such a word was damaged, and reading
 * blocks that short would misread every byte after them. More: a newer
 * library's, refused (a restore that dropped figures would not snapshot back
 * to the same bytes). */
static int32_t r_counters(oq_rd *r, uint32_t version, int32_t *attribution)
{
    *attribution = OQ_ATTRIBUTION_EVENT;
    if (version <= 3)
        return OQ__STATS_COUNTERS_V3;
    size_t at = r->off;
    uint32_t word = oq__rd_u32(r);
    uint32_t n = word & ((1u << OQ__STATS_ATTRIBUTION_SHIFT) - 1);
    uint32_t how = word >> OQ__STATS_ATTRIBUTION_SHIFT;
    if (!r->bad && n < OQ__STATS_COUNTERS_V3) {
        r->off = at;
        oq__rd_fail(r, "statistics section (STAT): blocks hold %u counters, format %u holds at "
                       "least %d (a damaged snapshot)",
                    n, version, OQ__STATS_COUNTERS_V3);
    } else if (!r->bad && n > K_N) {
        r->off = at;
        oq__rd_fail(r, "statistics blocks hold %u counters, this library knows %d (a snapshot from a newer library)",
                    n, K_N);
    } else if (!r->bad && how > OQ_ATTRIBUTION_ARRIVAL) {
        r->off = at;
        oq__rd_fail(r, "statistics attribution %u, this library knows 0..%d (a snapshot from a newer library)",
                    how, OQ_ATTRIBUTION_ARRIVAL);
    }
    *attribution = (int32_t)how;
    return r->bad ? 0 : (int32_t)n;
}

int oq__stats_read(oq_engine *e, oq_rd *r, uint32_t version, int *nomem)
{
    rctx x = {e, r, NULL, 0, 0};
    int32_t attribution;
    x.n_k = r_counters(r, version, &attribution);
    if (r->bad)
        return 0;
    oq_stats *S = zalloc(&x, 1, sizeof *S);
    if (!S) {
        *nomem = 1;
        return 0;
    }
    x.S = S;
    oq_stats_options *o = &S->opt;
    oq_stats_options_init(o);
    o->attribution = attribution;
    o->ring_size = oq__rd_range(r, 1, OQ_STATS_RING_MAX, "statistics ring_size");
    o->interval_s = oq__rd_f64(r);
    o->window_s = oq__rd_f64(r);
    o->window_bucket_s = oq__rd_f64(r);
    o->short_abandon_s = oq__rd_f64(r);
    o->n_wait_bounds = oq__rd_range(r, 0, OQ_STATS_BOUNDS_MAX, "statistics n_wait_bounds");
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        o->wait_bounds_s[i] = oq__rd_f64(r);
    if (r->bad)
        return 0;
    if (!finite_in(o->interval_s, 1, 86400) || !finite_in(o->window_bucket_s, 1, 1e9) ||
        !finite_in(o->window_s, 1, 1e12) || !finite_in(o->short_abandon_s, 0, 1e12))
        return oq__rd_fail(r, "statistics options out of range");
    for (int i = 0; i < OQ_STATS_BOUNDS_MAX; i++)
        if (!finite_in(o->wait_bounds_s[i], 0, 1e12))
            return oq__rd_fail(r, "statistics wait bound out of range");
    S->interval_ms = ms_of(o->interval_s);
    S->bucket_ms = ms_of(o->window_bucket_s);
    int64_t nb = ms_of(o->window_s) / S->bucket_ms;
    if (nb < 1 || nb > 1440 || S->interval_ms < 1)
        return oq__rd_fail(r, "statistics window of %lld buckets", (long long)nb);
    S->n_buckets = (int32_t)nb;
    S->short_ms = ms_of(o->short_abandon_s);
    for (int32_t i = 0; i < o->n_wait_bounds; i++)
        S->bounds_ms[i] = ms_of(o->wait_bounds_s[i]);
    S->timer_on = oq__rd_range(r, 0, 1, "statistics timer_on");
    S->timer.pos = -1;
    S->timer.kind = oq__rd_u8(r) ? OQ_TIMER_STATS : OQ_TIMER_NONE;
    S->timer.due = oq__rd_instant(r, "statistics timer due");
    S->timer.seq = oq__rd_u64(r);
    /* The current interval [cur_start, cur_end): started by now, at most one
     * interval long, ending on a boundary (or INT64_MAX: the last one). */
    S->cur_start = oq__rd_past(r, e->now, "statistics interval start");
    S->cur_end = oq__rd_i64_in(r, S->cur_start, INT64_MAX, "statistics interval end");
    if (!r->bad && S->cur_end != INT64_MAX &&
        (S->cur_end == S->cur_start || S->cur_end % S->interval_ms != 0 ||
         S->cur_end - S->cur_start > S->interval_ms))
        return oq__rd_fail(r, "statistics interval [%lld, %lld) is not one interval of %lld ms",
                           (long long)S->cur_start, (long long)S->cur_end, (long long)S->interval_ms);
    S->day_start = oq__rd_past(r, e->now, "statistics day start");
    /* The day blocks read hold the whole day (w_obj folds it): adds write
     * them until the next interval closes, then they fold lazily again. */
    S->day_lazy = 0;
    S->closed = oq__rd_n64(r, "statistics closed intervals");
    S->emitted = oq__rd_i64_in(r, 0, S->closed, "statistics reported intervals");
    S->dropped = oq__rd_n64(r, "statistics dropped");
    for (int i = 0; i < 5; i++)
        S->agents_in[i] = oq__rd_range(r, 0, INT32_MAX / 4, "statistics agent count");
    if (r->bad)
        return 0;
    /* The blocks come before the records: their list heads are checked
     * against the record count once it is known (below). */
    S->cap_recs = INT32_MAX; /* provisional: list heads checked again below */
    S->n_recs = INT32_MAX;
    S->center = r_obj(&x);
    if (!S->center && !r->bad)
        return oq__rd_fail(r, "statistics: the center block is missing");
    int32_t cq = oq__rd_count(r, e->n_queues > 0 ? e->n_queues * 2 + 16 : 16, 1, "statistics queue slots");
    if (cq > 0 && !r->bad && !(S->queues = zalloc(&x, (size_t)cq, sizeof *S->queues)))
        goto fail;
    S->cap_queues = r->bad ? 0 : cq;
    for (int32_t i = 0; i < S->cap_queues && !r->bad; i++)
        S->queues[i] = r_obj(&x);
    int32_t cc = oq__rd_count(r, e->n_channels > 0 ? e->n_channels * 2 + 16 : 16, 1, "statistics channel slots");
    if (cc > 0 && !r->bad && !(S->channels = zalloc(&x, (size_t)cc, sizeof *S->channels)))
        goto fail;
    S->cap_channels = r->bad ? 0 : cc;
    for (int32_t i = 0; i < S->cap_channels && !r->bad; i++)
        S->channels[i] = r_obj(&x);
    int32_t ca = oq__rd_count(r, e->n_agents > 0 ? e->n_agents * 2 + 16 : 16, 1, "statistics agent slots");
    if (ca > 0 && !r->bad && !(S->agents = zalloc(&x, (size_t)ca, sizeof *S->agents)))
        goto fail;
    S->cap_agents = r->bad ? 0 : ca;
    for (int32_t i = 0; i < S->cap_agents && !r->bad; i++) {
        if (!oq__rd_u8(r))
            continue;
        oq_sagent *g = zalloc(&x, 1, sizeof *g);
        if (!g)
            goto fail;
        S->agents[i] = g;
        g->state = oq__rd_range(r, 0, 4, "statistics agent state");
        g->used = oq__rd_range(r, 0, INT32_MAX / 4, "statistics agent load");
        g->cap = oq__rd_range(r, 0, INT32_MAX / 4, "statistics agent capacity");
        g->reason = oq__rd_range(r, -1, OQ_STATS_REASONS_MAX, "statistics agent reason");
        g->last_t = oq__rd_past(r, e->now, "statistics agent last change");
        g->n_reasons = oq__rd_range(r, 0, OQ_STATS_REASONS_MAX, "statistics agent reasons");
        for (int32_t k = 0; k < g->n_reasons && !r->bad; k++) {
            const char *s;
            size_t n;
            int is_null;
            if (oq__rd_str(r, OQ_REASON_LEN - 1, &s, &n, &is_null, "statistics reason") && !is_null)
                memcpy(g->reasons[k], s, n);
        }
        r_acc(r, e->now, &g->cur);
        r_acc(r, e->now, &g->day);
        int32_t ch = oq__rd_count(r, 1 << 20, 16, "statistics agent channels");
        if (ch > 0 && !r->bad) {
            if (!(g->ch_cur = zalloc(&x, (size_t)ch, sizeof *g->ch_cur)) ||
                !(g->ch_day = zalloc(&x, (size_t)ch, sizeof *g->ch_day)))
                goto fail;
            g->ch_cap = ch;
            for (int32_t k = 0; k < ch; k++) {
                g->ch_cur[k] = r_fig(r);
                g->ch_day[k] = r_fig(r);
            }
        }
    }
    if (r->bad)
        goto fail;
    int32_t cr = oq__rd_count(r, INT32_MAX / 2, 100, "statistics records");
    int32_t free_rec = oq__rd_i32(r);
    int32_t n_recs = oq__rd_range(r, 0, cr, "statistics live records");
    if (r->bad)
        goto fail;
    if (free_rec < 0 || (free_rec >= cr && !(free_rec == 0)))
        return oq__rd_fail(r, "statistics free record %d out of range", free_rec);
    /* Every slot read is allocated (taken or not: the snapshot says). */
    if (cr > 0) {
        int32_t np = ((cr - 1) >> OQ_SREC_PAGE_BITS) + 1;
        if (!(S->rec_pages = zalloc(&x, (size_t)np, sizeof *S->rec_pages)))
            goto fail;
        S->cap_pages = np;
        for (int32_t p = 0; p < np; p++) {
            int32_t n = p ? OQ_SREC_PAGE : cr < OQ_SREC_PAGE ? cr : OQ_SREC_PAGE;
            if (!(S->rec_pages[p] = zalloc(&x, (size_t)n, sizeof(oq_srec))))
                goto fail;
            S->n_pages = p + 1;
            if (!p)
                S->page0_n = n;
        }
    }
    /* The live slots' seqs, kept until the contacts are matched to them
     * (a record keeps none: its contact's is its own). */
    uint64_t *seqs = NULL;
    if (cr > 0 && !(seqs = zalloc(&x, (size_t)cr, sizeof *seqs)))
        goto fail;
    S->cap_recs = cr;
    S->fresh = cr;
    S->free_rec = free_rec;
    S->n_recs = n_recs;
    for (int32_t i = 1; i < cr && !r->bad; i++) {
        oq_srec *rc = oq__srec(S, i);
        uint64_t seq = oq__rd_u64(r);
        for (int l = 0; l < L_N; l++) {
            rc->link[l][0] = r_slot(&x, "statistics record link");
            rc->link[l][1] = r_slot(&x, "statistics record link");
            oq__srec_set_since(rc, l, oq__rd_past(r, e->now, "statistics record time"));
        }
        rc->in = (uint8_t)(oq__rd_u32(r) & SR_LISTS);
        rc->queue = oq__rd_range(r, -1, e->n_queues - 1, "statistics record queue");
        rc->channel = oq__rd_range(r, seq ? 0 : -1, e->n_channels - 1, "statistics record channel");
        /* A slot never used (seq 0) is zeroed: agent 0 even in an engine with no agent yet. */
        rc->agent = oq__rd_range(r, -1, seq || e->n_agents > 0 ? e->n_agents - 1 : 0,
                                 "statistics record agent");
        rc->cost = (int16_t)oq__rd_range(r, 0, OQ_CAPACITY_MAX, "statistics record cost");
        /* The flags this library sets, and a free link only on a free slot
         * (the record keeps one or the other). */
        rc->flags = (uint8_t)oq__rd_range(r, 0, SF_ANSWERED | SF_OVERFLOWED | SF_DEADLINE_DONE,
                                          "statistics record flags");
        int32_t next_free = r_slot(&x, "statistics free link");
        if (!r->bad && seq && next_free)
            oq__rd_fail(r, "statistics record %d is live and has a free link", i);
        /* A free slot was freed (its contact gave back its agent: -1) or
         * never taken (a zero record: 0); it keeps no other. */
        if (!r->bad && !seq && rc->agent != -1 && rc->agent != 0)
            oq__rd_fail(r, "statistics record %d is free and holds agent %d", i, rc->agent);
        seqs[i] = seq;
        if (!seq)
            oq__srec_set_free(rc, next_free);
        if (!r->bad && seq &&
            ((rc->queue >= 0 && !e->queues[rc->queue]) || !e->channels[rc->channel] ||
             (rc->agent >= 0 && !e->agents[rc->agent])))
            oq__rd_fail(r, "statistics record names a removed object");
    }
    /* Every contact's record: the live slot holding its seq, one record per
     * contact (a claimed record is marked SR_CLAIMED until all are checked),
     * and no live record without its contact. */
    int32_t linked = 0;
    oq_contact *c;
    for (int32_t pos = 0; !r->bad && (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (!c->stats_rec)
            continue;
        oq_srec *rc = c->stats_rec < cr ? oq__srec(S, c->stats_rec) : NULL;
        if (!rc || (rc->in & SR_CLAIMED) || !oq__srec_live(rc) || seqs[c->stats_rec] != c->seq)
            oq__rd_fail(r, "contact '%s': statistics record %d is not its own", c->id, c->stats_rec);
        else
            rc->in |= SR_CLAIMED, linked++;
    }
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (c->stats_rec > 0 && c->stats_rec < cr)
            oq__srec(S, c->stats_rec)->in &= (uint8_t)~SR_CLAIMED;
    }
    if (!r->bad && linked != n_recs)
        oq__rd_fail(r, "statistics: %d live records, %d contacts naming one", n_recs, linked);
    if (seqs)
        oq__free(&e->mem, seqs, (size_t)cr * sizeof *seqs);
    if (r->bad)
        goto fail;
    /* Now that the records are known, check every list head and tail. */
    {
        oq_sobj *all = S->center;
        int32_t k = -1, nq = S->cap_queues, nc = S->cap_channels;
        while (1) {
            if (all) {
                oq_slist *ls[2] = {&all->wait, &all->live};
                for (int i = 0; i < 2; i++)
                    if ((ls[i]->head && ls[i]->head >= cr) || (ls[i]->tail && ls[i]->tail >= cr) ||
                        ls[i]->n > n_recs)
                        return oq__rd_fail(r, "statistics list out of range");
            }
            k++;
            if (k < nq)
                all = S->queues[k];
            else if (k < nq + nc)
                all = S->channels[k - nq];
            else
                break;
        }
    }
    if (cr == 0 && free_rec != 0)
        return oq__rd_fail(r, "statistics free record without records");
    oq__stats_destroy(e);
    e->stats = S;
    return 1;
fail:
    if (x.nomem)
        *nomem = 1;
    return 0;
}
