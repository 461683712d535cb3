/* SPDX-License-Identifier: MIT */
/* Cohort statistics: the counting (stats/cohort.h). */
#include <string.h>

#include "core/mem.h"
#include "stats/cohort.h"

/* Bytes of each table (the allocator hook is told exact sizes on free). */
static size_t entries_size(const oq__cohort_layout *l) { return (size_t)l->n_entries * sizeof(int32_t); }
static size_t thresholds_size(const oq__cohort_layout *l)
{
    return (size_t)(l->n_queues > 0 ? l->n_queues : 1) * sizeof(int64_t);
}
static size_t runs_size(const oq__cohort *C)
{
    return (size_t)C->l.runs * (size_t)C->n_scopes * sizeof(oq__cohort_cell);
}
static size_t inters_size(const oq__cohort *C)
{
    return (size_t)C->l.n_intervals * (size_t)C->n_scopes * sizeof(oq__cohort_cell);
}
static size_t run_ints_size(const oq__cohort_layout *l)
{
    return (size_t)l->runs * (size_t)l->n_intervals * 2 * sizeof(int64_t);
}

oq_status oq__cohort_create(oq__cohort *C, const oq__cohort_layout *l, oq_alloc_fn alloc,
                            void *alloc_user)
{
    memset(C, 0, sizeof *C);
    oq__mem_init(&C->mem, alloc, alloc_user);
    C->l = *l;
    C->n_scopes = 1 + l->n_queues + l->n_channels;
    C->interval_ms = 1;
    int32_t *eq = oq__alloc(&C->mem, entries_size(l));
    int32_t *ec = oq__alloc(&C->mem, entries_size(l));
    C->l.entry_queue = eq;
    C->l.entry_channel = ec;
    C->threshold_ms = oq__alloc(&C->mem, thresholds_size(l));
    C->run = oq__alloc(&C->mem, runs_size(C));
    C->inter = oq__alloc(&C->mem, inters_size(C));
    int64_t cells = (int64_t)l->runs * l->n_intervals;
    if (cells <= OQ__COHORT_RUN_CELLS_MAX)
        C->run_int = oq__alloc(&C->mem, run_ints_size(l));
    if (!eq || !ec || !C->threshold_ms || !C->run || !C->inter ||
        (cells <= OQ__COHORT_RUN_CELLS_MAX && !C->run_int)) {
        oq__cohort_destroy(C);
        return OQ_ENOMEM;
    }
    memset(C->threshold_ms, 0, thresholds_size(l));
    oq__cohort_clear(C);
    memcpy(eq, l->entry_queue, entries_size(l));
    memcpy(ec, l->entry_channel, entries_size(l));
    return OQ_OK;
}

void oq__cohort_destroy(oq__cohort *C)
{
    if (!C)
        return;
    oq__free(&C->mem, (void *)C->l.entry_queue, entries_size(&C->l));
    oq__free(&C->mem, (void *)C->l.entry_channel, entries_size(&C->l));
    oq__free(&C->mem, C->threshold_ms, thresholds_size(&C->l));
    oq__free(&C->mem, C->run, runs_size(C));
    oq__free(&C->mem, C->inter, inters_size(C));
    oq__free(&C->mem, C->run_int, run_ints_size(&C->l));
    memset(C, 0, sizeof *C);
}

void oq__cohort_clear(oq__cohort *C)
{
    memset(C->run, 0, (size_t)C->l.runs * (size_t)C->n_scopes * sizeof *C->run);
    memset(C->inter, 0, (size_t)C->l.n_intervals * (size_t)C->n_scopes * sizeof *C->inter);
    if (C->run_int)
        memset(C->run_int, 0, (size_t)C->l.runs * (size_t)C->l.n_intervals * 2 * sizeof *C->run_int);
}

void oq__cohort_set_grid(oq__cohort *C, int64_t origin_ms, int64_t interval_ms, int64_t from_ms,
                         int64_t to_ms)
{
    C->origin_ms = origin_ms;
    C->interval_ms = interval_ms > 0 ? interval_ms : 1;
    C->from_ms = from_ms;
    C->to_ms = to_ms;
}

void oq__cohort_begin_run(oq__cohort *C, int32_t r) { C->r = r; }

void oq__cohort_set_threshold(oq__cohort *C, int32_t q, int64_t ms)
{
    if (q >= 0 && q < C->l.n_queues)
        C->threshold_ms[q] = ms;
}

static oq__cohort_cell *run_at(oq__cohort *C, int32_t s)
{
    return &C->run[(size_t)C->r * (size_t)C->n_scopes + (size_t)s];
}

static oq__cohort_cell *int_at(oq__cohort *C, int32_t i, int32_t s)
{
    return &C->inter[(size_t)i * (size_t)C->n_scopes + (size_t)s];
}

/* Run BODY with `c` at each cell a contact's figures go to: its entry's
 * three scopes (total, entry queue, entry channel), in the run when it
 * arrived in the measured window and in its arrival interval when that is
 * on the grid. (A macro, not a list of cells: this is the simulator's inner
 * loop, and building the list cost more than the counting. Written out, not
 * a loop over the scopes: the cells are distinct, so the order they are
 * visited in changes no figure, and the straight code is a third cheaper.) */
/* BODY with c at the cells of the three scopes from base (total, + q, + ch). */
#define CELLS3_(c, base, q, ch, BODY)                                                           \
    do {                                                                                        \
        oq__cohort_cell *const base3_ = (base);                                                 \
        c = base3_;                                                                             \
        BODY;                                                                                   \
        c = base3_ + (q);                                                                       \
        BODY;                                                                                   \
        c = base3_ + (ch);                                                                      \
        BODY;                                                                                   \
    } while (0)
#define FOR_CELLS(C, k, c, BODY)                                                                \
    do {                                                                                        \
        const int32_t q_ = 1 + (C)->l.entry_queue[(k)->entry];                                  \
        const int32_t ch_ = 1 + (C)->l.n_queues + (C)->l.entry_channel[(k)->entry];             \
        oq__cohort_cell *c;                                                                     \
        if ((k)->counted)                                                                       \
            CELLS3_(c, run_at((C), 0), q_, ch_, BODY);                                          \
        if ((k)->interval >= 0)                                                                 \
            CELLS3_(c, int_at((C), (k)->interval, 0), q_, ch_, BODY);                           \
    } while (0)

/* The run's own service-level counts of the total in the contact's interval. */
static void run_interval(oq__cohort *C, const oq__cohort_key *k, int in_t)
{
    if (!C->run_int || k->interval < 0)
        return;
    int64_t *cell = &C->run_int[((size_t)C->r * (size_t)C->l.n_intervals + (size_t)k->interval) * 2];
    cell[0] += in_t;
    cell[1]++;
}

oq__cohort_key oq__cohort_arrive(oq__cohort *C, int32_t entry, int64_t t)
{
    oq__cohort_key k;
    k.entry = entry;
    k.counted = t >= C->from_ms && t < C->to_ms;
    int64_t i = (t - C->origin_ms) / C->interval_ms;
    k.interval = i >= 0 && i < C->l.n_intervals ? (int32_t)i : -1;
    FOR_CELLS(C, &k, c, c->offered++);
    return k;
}

void oq__cohort_answered(oq__cohort *C, const oq__cohort_key *k, int64_t wait_ms, int64_t handle_ms)
{
    double ws = (double)wait_ms / 1000.0, hs = (double)handle_ms / 1000.0;
    int in_t = wait_ms <= C->threshold_ms[C->l.entry_queue[k->entry]];
    run_interval(C, k, in_t);
    FOR_CELLS(C, k, c, {
        c->answered++;
        c->answered_in_t += in_t;
        c->waited += wait_ms > 0;
        c->wait_answered_s += ws;
        c->handle_s += hs;
        if (ws > c->max_wait_s)
            c->max_wait_s = ws;
    });
}

void oq__cohort_abandoned(oq__cohort *C, const oq__cohort_key *k, int64_t wait_ms)
{
    double ws = (double)wait_ms / 1000.0;
    int is_short = C->l.short_abandon_s > 0 && ws <= C->l.short_abandon_s;
    run_interval(C, k, 0);
    FOR_CELLS(C, k, c, {
        c->abandoned++;
        c->abandoned_short += is_short;
        c->waited += wait_ms > 0;
        c->wait_abandoned_s += ws;
        if (ws > c->max_wait_s)
            c->max_wait_s = ws;
    });
}

void oq__cohort_rejected(oq__cohort *C, const oq__cohort_key *k)
{
    FOR_CELLS(C, k, c, c->rejected++);
}

void oq__cohort_open_at_end(oq__cohort *C, const oq__cohort_key *k, int answered)
{
    FOR_CELLS(C, k, c, {
        if (answered)
            c->in_service++;
        else
            c->unfinished++;
    });
}

/* Add [lo, hi) of one agent to a cell's agent time. */
static void agent_span(oq__cohort_cell *x, int64_t lo, int64_t hi, int busy, int ready)
{
    x->staffed_s += (double)(hi - lo) / 1000.0;
    if (busy)
        x->busy_s += (double)(hi - lo) / 1000.0;
    if (ready)
        x->ready_s += (double)(hi - lo) / 1000.0;
}

void oq__cohort_agent_time(oq__cohort *C, int64_t from, int64_t to, int busy, int ready)
{
    if (to <= from)
        return;
    int64_t lo = from > C->from_ms ? from : C->from_ms;
    int64_t hi = to < C->to_ms ? to : C->to_ms;
    if (hi > lo)
        agent_span(run_at(C, 0), lo, hi, busy, ready);
    /* The intervals: from the grid's origin up to the window's end. */
    lo = from > C->origin_ms ? from : C->origin_ms;
    while (lo < hi) {
        int64_t i = (lo - C->origin_ms) / C->interval_ms;
        if (i >= C->l.n_intervals)
            break;
        int64_t end = C->origin_ms + (i + 1) * C->interval_ms;
        if (end > hi)
            end = hi;
        agent_span(int_at(C, (int32_t)i, 0), lo, end, busy, ready);
        lo = end;
    }
}

const oq__cohort_cell *oq__cohort_run_cell(const oq__cohort *C, int32_t r, int32_t s)
{
    return &C->run[(size_t)r * (size_t)C->n_scopes + (size_t)s];
}

const oq__cohort_cell *oq__cohort_interval_cell(const oq__cohort *C, int32_t i, int32_t s)
{
    return &C->inter[(size_t)i * (size_t)C->n_scopes + (size_t)s];
}

int oq__cohort_run_interval(const oq__cohort *C, int32_t r, int32_t i, int64_t *in_t, int64_t *done)
{
    if (!C->run_int)
        return 0;
    const int64_t *cell = &C->run_int[((size_t)r * (size_t)C->l.n_intervals + (size_t)i) * 2];
    *in_t = cell[0];
    *done = cell[1];
    return 1;
}
