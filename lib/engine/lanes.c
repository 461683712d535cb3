/* SPDX-License-Identifier: MIT */
/* The order of contacts and agents inside a queue's lanes. */
#include "engine/internal.h"

#include <string.h>

int32_t oq__queue_lane(const oq_queue *q, int32_t channel)
{
    for (int32_t l = 0; l < q->n_lanes; l++)
        if (q->lanes[l].channel == channel)
            return l;
    return -1;
}

/* Contacts: the queue's ordering, then time entered, then arrival order. */
static int contact_cmp(const void *pa, const void *pb, const void *ctx)
{
    const oq_contact *a = pa, *b = pb;
    const oq_queue *q = ctx;
    if (q->ordering == OQ_ORDER_PRIORITY) {
        /* priority + aging x (now - enqueued) compares the same at any now:
         * the now terms cancel, so the key is stable inside the heap. */
        double ka = a->priority - q->aging_per_s * ((double)a->enqueued / 1000.0);
        double kb = b->priority - q->aging_per_s * ((double)b->enqueued / 1000.0);
        if (ka != kb)
            return ka > kb ? -1 : 1;
    } else if (q->ordering == OQ_ORDER_DEADLINE) {
        int64_t da = oq__c_deadline(a) > 0 ? oq__c_deadline(a) : INT64_MAX;
        int64_t db = oq__c_deadline(b) > 0 ? oq__c_deadline(b) : INT64_MAX;
        if (da != db)
            return da < db ? -1 : 1;
    }
    if (a->enqueued != b->enqueued)
        return a->enqueued < b->enqueued ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A double as a 64-bit unsigned number of the same order (no NaN: keys are
 * finite, settings and snapshots refuse what is not). */
static uint64_t ordered_bits(double x)
{
    if (x == 0)
        x = 0; /* -0 and +0 compare equal */
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

static uint64_t ordered_i64(int64_t x)
{
    return (uint64_t)x ^ (UINT64_C(1) << 63);
}

/* contact_cmp as a key (the lanes' and signatures' heaps are keyed): its
 * first two fields, so both give one order. In arrival order (FIFO, the
 * common case) they are the whole order — time entered, arrival number
 * (unique) — and no tie ever reads a record; by priority or deadline they
 * are that value and the time entered, and the rare exact tie of both is
 * decided by contact_cmp (the arrival number, from the records). */
static void contact_key(const void *item, const void *ctx, oq_heap_key *out)
{
    const oq_contact *c = item;
    const oq_queue *q = ctx;
    if (q->ordering == OQ_ORDER_PRIORITY)
        out->k[0] = ~ordered_bits(c->priority - q->aging_per_s * ((double)c->enqueued / 1000.0)); /* highest first */
    else if (q->ordering == OQ_ORDER_DEADLINE)
        out->k[0] = ordered_i64(oq__c_deadline(c) > 0 ? oq__c_deadline(c) : INT64_MAX);
    else {
        out->k[0] = ordered_i64(c->enqueued);
        out->k[1] = c->seq;
        return;
    }
    out->k[1] = ordered_i64(c->enqueued);
}

/* Two contacts whose keys tie (same ordering value and time entered): only
 * the arrival number is left, and reading it alone touches one cache line
 * of each record (seq sits near the start) rather than the three that
 * contact_cmp reads. */
static int contact_tie(const void *pa, const void *pb, const void *ctx)
{
    (void)ctx;
    uint64_t a = ((const oq_contact *)pa)->seq, b = ((const oq_contact *)pb)->seq;
    return a < b ? -1 : a > b;
}

static void contact_set_pos(void *item, int32_t pos, const void *ctx)
{
    (void)ctx;
    oq_contact *c = item;
    oq_sig *g = c->sig;
    /* Its signature's entry is its lane position (a contact leaves its
     * signature before its lane heap, so pos is never -1 here with a sig).
     * A signature that mirrors the lane keeps no heap: this is its move,
     * and its slot is its lane position (so the heap, written out, is
     * already there: sigindex.c). Otherwise the members away from their
     * lane position are counted, so that asking whether the lane can mirror
     * again is O(1). */
    if (g && g->mirror)
        c->sig_pos = pos;
    else if (g) {
        g->n_off += (pos != c->sig_pos) - (c->heap_pos != c->sig_pos);
        g->contacts.items[c->sig_pos] = oq__sig_entry(pos);
    }
    c->heap_pos = pos;
}

const oq_heap_ops oq__contact_heap_ops = {contact_cmp, contact_set_pos, contact_key, contact_tie};

static void raise_cap(oq_lane *lane, int32_t priority)
{
    if (lane->contacts.n == 0 || priority > lane->prio_cap)
        lane->prio_cap = priority;
}

void oq__lane_push(oq_queue *q, oq_contact *c)
{
    oq_lane *lane = &q->lanes[c->lane];
    if (lane->contacts.n == 0 || c->enqueued < lane->enq_floor)
        lane->enq_floor = c->enqueued; /* a contact's time entered never changes while it waits */
    raise_cap(lane, c->priority);
    oq__heap_push(&lane->contacts, &oq__contact_heap_ops, q, c);
}

void oq__contact_reprioritize(oq_contact *c, int32_t priority)
{
    c->priority = priority;
    if (c->state != OQ_CONTACT_QUEUED)
        return;
    oq_lane *lane = &c->queue->lanes[c->lane];
    raise_cap(lane, priority);
    oq__heap_update(&lane->contacts, &oq__contact_heap_ops, c->queue, c->heap_pos);
    oq__sig_update(c);
}

/* A signature's heap keeps the lane heap's order: its entries are lane
 * positions compared by the lane heap's keys, so its head is the best of its
 * contacts by the very comparison the lane heap uses — and it keeps no key
 * copies of its own (8 bytes a contact instead of 24). */
static int sig_cmp(const void *pa, const void *pb, const void *ctx)
{
    const oq_lane_ctx *x = ctx;
    const oq_heap *h = &x->queue->lanes[x->lane].contacts;
    int32_t a = oq__sig_entry_pos(pa), b = oq__sig_entry_pos(pb);
    /* oq__heap_cmp_at, inlined: this runs at every step of a signature sift.
     * (A lane heap is keyed whenever it has signatures: oq__sig_rebuild.) */
    int c = h->keyed ? oq__heap_key_cmp(&h->keys[a], &h->keys[b]) : 0;
    if (c)
        return c;
    return h->keyed ? contact_tie(h->items[a], h->items[b], x->queue)
                    : contact_cmp(h->items[a], h->items[b], x->queue);
}

static void sig_set_pos(void *item, int32_t pos, const void *ctx)
{
    const oq_lane_ctx *x = ctx;
    oq_contact *c = x->queue->lanes[x->lane].contacts.items[oq__sig_entry_pos(item)];
    if (c->sig) /* NULL: it is leaving (pos -1), already uncounted (oq__sig_leave) */
        c->sig->n_off += (pos != c->heap_pos) - (c->sig_pos != c->heap_pos);
    c->sig_pos = pos;
}

const oq_heap_ops oq__sig_heap_ops = {sig_cmp, sig_set_pos, NULL, NULL};

#define CMP_ASC(x, y)            \
    do {                         \
        if ((x) != (y))          \
            return (x) < (y) ? -1 : 1; \
    } while (0)

/* Agents: preferred-skill matches, then the strategy, then longest idle,
 * then the order agents were added — always a total, deterministic order. */
static int member_cmp(const void *pa, const void *pb, const void *ctx)
{
    const oq_member *a = pa, *b = pb;
    const oq_queue *q = ((const oq_lane_ctx *)ctx)->queue;
    const oq_agent *x = a->agent, *y = b->agent;
    CMP_ASC(b->pref_match, a->pref_match);
    switch (q->strategy) {
    case OQ_STRATEGY_LEAST_OCCUPIED:
        CMP_ASC((int64_t)x->used * y->capacity, (int64_t)y->used * x->capacity);
        break;
    case OQ_STRATEGY_BEST_SKILL:
        CMP_ASC(b->skill_score, a->skill_score);
        break;
    case OQ_STRATEGY_ROUND_ROBIN:
        CMP_ASC(a->rr_seq, b->rr_seq);
        break;
    case OQ_STRATEGY_FEWEST_HANDLED:
        CMP_ASC(a->taken, b->taken);
        break;
    case OQ_STRATEGY_RANDOM:
        CMP_ASC(a->rand_key, b->rand_key);
        break;
    default:
        break;
    }
    /* Longest idle, by the measure the agent's routing profile chose. */
    CMP_ASC(x->idle_inbound ? x->last_inbound : x->last_activity,
            y->idle_inbound ? y->last_inbound : y->last_activity);
    CMP_ASC(x->seq, y->seq);
    return 0;
}

static void member_set_pos(void *item, int32_t pos, const void *ctx)
{
    ((oq_member *)item)->pos[((const oq_lane_ctx *)ctx)->lane] = pos;
}

const oq_heap_ops oq__agent_heap_ops = {member_cmp, member_set_pos, NULL, NULL};

void oq__lane_agent_push(oq_queue *q, int32_t l, oq_member *m)
{
    oq__heap_push(&q->lanes[l].agents, &oq__agent_heap_ops, &(oq_lane_ctx){q, l}, m);
    m->agent->n_lane_places++;
}

void oq__lane_agent_remove(oq_queue *q, int32_t l, oq_member *m)
{
    oq__heap_remove(&q->lanes[l].agents, &oq__agent_heap_ops, &(oq_lane_ctx){q, l}, m->pos[l]);
    m->agent->n_lane_places--;
}

void oq__queue_resort(oq_engine *e, oq_queue *q)
{
    (void)e;
    for (int32_t l = 0; l < q->n_lanes; l++) {
        if (q->lanes[l].channel < 0)
            continue;
        oq_lane_ctx ctx = {q, l};
        oq__heap_rebuild(&q->lanes[l].contacts, &oq__contact_heap_ops, q);
        oq__heap_rebuild(&q->lanes[l].agents, &oq__agent_heap_ops, &ctx);
        oq__sig_resort(q, l);
    }
}
