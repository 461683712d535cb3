/* SPDX-License-Identifier: MIT */
/* Requirement signatures: the indexes that keep a routing decision from
 * walking past work it cannot take (issue #22 item 1).
 *
 * A lane's waiting contacts are grouped by what they ask of an agent beyond
 * being a member of the queue: the ladder tier they reached (a member
 * qualifies from its first_tier up) and the extra skills with minimum levels
 * they require (preferred skills still waited for count as required). Each
 * group (signature) keeps its own heap in the lane heap's order (of lane
 * positions, compared by the lane heap's keys: lanes.c), so:
 *
 *   - a freed agent looks only at the signatures it qualifies for, and the
 *     best contact of the lane is the best of those signatures' answers (the
 *     same comparison decides, so the choice and its ties are the lane heap's);
 *   - an arriving contact first asks its signature how many of the lane's
 *     available agents qualify: none (the blocked case) answers at once.
 *     That count is built lazily (one pass over the lane's available agents
 *     when first asked, again after any change to agents' skills, tiers or
 *     memberships) and kept up as agents enter and leave the lane heap.
 *
 * What the index cannot decide is still decided by the predicate the
 * engine always used (oq__agent_fits): profile delays, reservations for a
 * preferred agent, exclusions after missed offers, max offers, outbound
 * blending. Those are time-bound or per-pair and may still make a search
 * walk past items inside a signature or among qualified agents.
 *
 * A lane whose waiting contacts all share one signature (the common case:
 * no extra skills asked) keeps no heap for it: as long as that signature's
 * heap would have been the lane heap's very layout (every push, removal and
 * re-sort of the lane heap would have been done to it alike), the lane heap
 * serves as its heap (lane->mirroring, g->mirror). The heap takes effect again
 * when the lane stops mirroring — a second signature joins, a contact is
 * left out, a member changes signature — and is dropped again once the lane
 * is back to one signature whose heap is the lane heap's layout
 * (oq__sig_settle). Every search and every count is then what it would have
 * been with the heap kept: same items visited, same order, same decisions.
 *
 * Neither step may cost one call the whole lane (issue #22: one call of
 * O(lane size) is a stall the host sees): while mirroring, the heap's slot j
 * already names lane position j and each member's sig_pos is its heap_pos
 * (kept as members join and as the lane heap moves them, lanes.c), so
 * taking effect rewrites only the slots a pushed non-member moved on its way
 * up (O(log n), no allocation: its capacity is reserved as members join);
 * and each signature counts its members whose slot is not their lane
 * position (n_off, kept up by both heaps' moves), so whether the lane can
 * mirror again is O(1) to decide.
 *
 * The index is derived: never stored, rebuilt on restore. It may allocate
 * where routing must not fail; a failed allocation leaves the contact out of
 * every signature, and a lane with such a contact decides by scanning its
 * lane heap as before — slower, the same decision. */
#include <string.h>

#include "engine/internal.h"

#define SIG_KEEP 8      /* empty signatures a lane keeps for the next contact alike */
#define SIG_COUNTED 32  /* beyond this many signatures a lane keeps no qualified counts */

typedef struct sig_key {
    int32_t tier, n;
    oq_skill_level sk[2 * OQ_CONTACT_SKILLS_MAX];
} sig_key;

/* What the contact asks of an agent now: the checks of fits_beyond_time
 * (route.c) that depend on the agent's skills and tier alone. */
static void sig_of(const oq_contact *c, sig_key *k)
{
    k->tier = c->tier;
    k->n = 0;
    for (int32_t i = 0; i < c->n_req + c->n_pref; i++) {
        int32_t p = i - c->n_req;
        if (p >= 0 && !((oq__pref_hold(c) >> p) & 1u))
            continue;
        oq_skill_level s = c->extra[i];
        if (s.level <= 0)
            continue; /* every agent has level 0 or more */
        int32_t j = k->n;
        while (j > 0 && k->sk[j - 1].skill > s.skill)
            j--;
        if (j > 0 && k->sk[j - 1].skill == s.skill) {
            if (s.level > k->sk[j - 1].level)
                k->sk[j - 1].level = s.level;
            continue;
        }
        memmove(&k->sk[j + 1], &k->sk[j], (size_t)(k->n - j) * sizeof k->sk[0]);
        k->sk[j] = s;
        k->n++;
    }
}

static int sig_is(const oq_sig *g, const sig_key *k)
{
    return g->tier == k->tier && g->n == k->n &&
           (k->n == 0 || memcmp(g->skills, k->sk, (size_t)k->n * sizeof k->sk[0]) == 0);
}

static size_t sig_size(int32_t n) { return sizeof(oq_sig) + (size_t)n * sizeof(oq_skill_level); }

static int counted(const oq_engine *e, const oq_lane *lane, const oq_sig *g)
{
    return lane->n_sigs <= SIG_COUNTED && g->qual_known && g->qual_epoch == e->qual_epoch;
}

/* The lane's signature for k, made if missing (NULL: out of memory). */
static oq_sig *sig_get(oq_engine *e, oq_lane *lane, const sig_key *k)
{
    for (int32_t i = 0; i < lane->n_sigs; i++)
        if (sig_is(lane->sigs[i], k))
            return lane->sigs[i];
    if (!oq__grow(&e->mem, (void **)&lane->sigs, &lane->cap_sigs, lane->n_sigs + 1, sizeof(void *)))
        return NULL;
    oq_sig *g = oq__calloc(&e->mem, 1, sig_size(k->n));
    if (!g)
        return NULL;
    g->tier = k->tier;
    g->n = k->n;
    if (k->n > 0)
        memcpy(g->skills, k->sk, (size_t)k->n * sizeof k->sk[0]);
    lane->sigs[lane->n_sigs++] = g;
    if (lane->n_sigs > SIG_COUNTED) /* counts stop being kept up: forget them */
        for (int32_t i = 0; i < lane->n_sigs; i++)
            lane->sigs[i]->qual_known = 0;
    return g;
}

static void sig_free(oq_engine *e, oq_sig *g)
{
    oq__heap_free(&g->contacts, &e->mem);
    oq__free(&e->mem, g, sig_size(g->n));
}

oq_sig *oq__sig_solo(const oq_lane *lane)
{
    for (int32_t i = 0; lane->mirroring && i < lane->n_sigs; i++)
        if (lane->sigs[i]->mirror)
            return lane->sigs[i];
    return NULL;
}

/* Contacts of g: its heap's, or all the lane's while g mirrors it. */
static int32_t sig_members(const oq_lane *lane, const oq_sig *g)
{
    return g->mirror ? lane->n_grouped : g->contacts.n;
}

/* The lane stops mirroring: its solo signature's heap takes effect as it
 * would have been kept — the lane heap's layout over positions [0, upto),
 * already in its slots and its members' sig_pos (kept while mirroring),
 * where, when `pushed` is given, that contact (at its lane position, the
 * last pushed) is no member: its push put it in the last slot and moved each
 * item on its way up one level down, which the signature's heap never saw.
 * Only those slots are written: O(log n), no allocation. */
static void unmirror(oq_engine *e, oq_queue *q, int32_t l, const oq_contact *pushed, int32_t upto)
{
    oq_lane *lane = &q->lanes[l];
    oq_sig *g = oq__sig_solo(lane);
    oq_heap *h = &g->contacts;
    int32_t off = 0;
    for (int32_t j = upto - 1; pushed && j > 0 && j != pushed->heap_pos; j = (j - 1) / 2, off++) {
        h->items[(j - 1) / 2] = oq__sig_entry(j); /* its parent's item, before the push */
        ((oq_contact *)lane->contacts.items[j])->sig_pos = (j - 1) / 2;
    }
    e->sig_slot_ops += (uint64_t)off;
    h->n = pushed ? upto - 1 : upto;
    g->n_off = off; /* the moved ones: every other member is at its lane position */
    g->mirror = 0;
    lane->mirroring = 0;
}

/* A member of the signature the lane mirrors, at lane position upto - 1 of
 * the heap's slots: the slot names it, its sig_pos is its lane position. */
static void mirror_slot(oq_sig *g, oq_contact *c, int32_t upto)
{
    g->contacts.items[upto - 1] = oq__sig_entry(upto - 1);
    c->sig_pos = c->heap_pos;
}

/* upto: the lane positions [0, upto) are the contacts the index holds or is
 * given now, c the last of them (pushed last, or placed last on restore). */
static int join_key(oq_engine *e, oq_contact *c, const sig_key *k, int32_t upto)
{
    oq_queue *q = c->queue;
    int32_t l = c->lane;
    oq_lane *lane = &q->lanes[l];
    oq_sig *g = sig_get(e, lane, k);
    /* Room for every member even while mirroring: the heap can be written
     * out at any time without allocating. */
    if (!g || !oq__heap_reserve(&g->contacts, &e->mem, sig_members(lane, g) + 1)) {
        if (lane->mirroring)
            unmirror(e, q, l, c, upto);
        return 0; /* left out: the lane decides by scanning (same decisions) */
    }
    c->sig = g;
    lane->n_grouped++;
    if (g->mirror) {
        mirror_slot(g, c, upto); /* the lane heap's push was its heap's */
        return 1;
    }
    if (lane->mirroring)
        unmirror(e, q, l, c, upto);
    else if (lane->n_grouped == 1 && upto == 1) {
        lane->mirroring = 1; /* the lane's only contact: [c] is both heaps */
        g->mirror = 1;
        g->n_off = 0;
        mirror_slot(g, c, upto);
        return 1;
    }
    /* Its term of n_off starts at 0: the push's moves count it (lanes.c). */
    c->sig_pos = c->heap_pos;
    oq_lane_ctx ctx = {q, l};
    oq__heap_push(&g->contacts, &oq__sig_heap_ops, &ctx, oq__sig_entry(c->heap_pos));
    return 1;
}

void oq__sig_join(oq_engine *e, oq_contact *c)
{
    sig_key k;
    sig_of(c, &k);
    join_key(e, c, &k, c->queue->lanes[c->lane].contacts.n);
}

void oq__sig_leave(oq_engine *e, oq_contact *c)
{
    oq_sig *g = c->sig;
    if (!g)
        return;
    oq_lane *lane = &c->queue->lanes[c->lane];
    c->sig = NULL;
    lane->n_grouped--;
    if (g->mirror) {
        /* The lane heap's removal, next, is its heap's too. */
        if (lane->n_grouped > 0)
            return;
        lane->mirroring = 0;
        g->mirror = 0;
    } else {
        oq_lane_ctx ctx = {c->queue, c->lane};
        g->n_off -= c->sig_pos != c->heap_pos; /* its own term; the moves after count themselves */
        oq__heap_remove(&g->contacts, &oq__sig_heap_ops, &ctx, c->sig_pos);
    }
    if (g->contacts.n > 0 || lane->n_sigs <= SIG_KEEP)
        return; /* kept: the next contact alike finds its count ready */
    for (int32_t i = 0; i < lane->n_sigs; i++)
        if (lane->sigs[i] == g) {
            lane->sigs[i] = lane->sigs[--lane->n_sigs]; /* order among signatures decides nothing */
            break;
        }
    sig_free(e, g);
}

void oq__sig_settle(oq_queue *q, int32_t l)
{
    oq_lane *lane = &q->lanes[l];
    if (lane->mirroring || lane->n_grouped == 0 || lane->n_grouped != lane->contacts.n)
        return; /* mirroring, empty, or someone left out: no mirror of the whole lane */
    /* One signature holds the whole lane only if it holds the lane's head's
     * contact and as many as the lane; its heap is the lane heap's layout
     * only if every member sits in the slot of its lane position (n_off 0;
     * then slot j names lane position j, as mirroring keeps them). */
    oq_sig *g = ((const oq_contact *)lane->contacts.items[0])->sig;
    if (g->contacts.n != lane->n_grouped || g->n_off != 0)
        return;
    g->contacts.n = 0; /* capacity kept: the heap may take effect again without allocating */
    g->mirror = 1;
    lane->mirroring = 1;
}

void oq__sig_refresh(oq_engine *e, oq_contact *c)
{
    if (c->state != OQ_CONTACT_QUEUED)
        return;
    sig_key k;
    sig_of(c, &k);
    if (c->sig && sig_is(c->sig, &k))
        return;
    oq_lane *lane = &c->queue->lanes[c->lane];
    if (lane->mirroring) /* it leaves a heap that stays the lane's: the lane no longer mirrors */
        unmirror(e, c->queue, c->lane, NULL, lane->contacts.n);
    oq__sig_leave(e, c);
    join_key(e, c, &k, lane->contacts.n);
    oq__sig_settle(c->queue, c->lane);
}

void oq__sig_update(oq_contact *c)
{
    oq_lane_ctx ctx = {c->queue, c->lane};
    if (c->sig && !c->sig->mirror) /* after the lane heap's update: its keys are current */
        oq__heap_update(&c->sig->contacts, &oq__sig_heap_ops, &ctx, c->sig_pos);
}

void oq__sig_resort(oq_queue *q, int32_t l)
{
    oq_lane *lane = &q->lanes[l];
    oq_lane_ctx ctx = {q, l};
    for (int32_t i = 0; i < lane->n_sigs; i++)
        oq__heap_rebuild(&lane->sigs[i]->contacts, &oq__sig_heap_ops, &ctx);
}

void oq__sig_free_lane(oq_engine *e, oq_lane *lane)
{
    for (int32_t i = 0; i < lane->n_sigs; i++)
        sig_free(e, lane->sigs[i]);
    oq__free(&e->mem, lane->sigs, (size_t)lane->cap_sigs * sizeof(void *));
    lane->sigs = NULL;
    lane->mirroring = 0;
    lane->n_sigs = lane->cap_sigs = lane->n_grouped = 0;
}

int oq__sig_rebuild(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < OQ_QUEUE_CHANNELS_MAX; l++)
            /* A restored queue's lane heaps were filled before their keys
             * could be: they keep them from now on, like a new queue's. */
            if (!oq__heap_make_keyed(&q->lanes[l].contacts, &e->mem, &oq__contact_heap_ops, q))
                return 0;
        for (int32_t l = 0; q && l < q->n_lanes; l++)
            for (int32_t k = 0; k < q->lanes[l].contacts.n; k++) {
                oq_contact *c = q->lanes[l].contacts.items[k];
                sig_key key;
                sig_of(c, &key);
                if (!c->sig && !join_key(e, c, &key, k + 1))
                    return 0;
            }
    }
    return 1;
}

void oq__sig_agent_moved(oq_engine *e, oq_queue *q, int32_t l, const oq_member *m, int32_t sign)
{
    oq_lane *lane = &q->lanes[l];
    if (lane->n_sigs > SIG_COUNTED)
        return; /* no counts kept (counted() says so) */
    for (int32_t i = 0; i < lane->n_sigs; i++) {
        oq_sig *g = lane->sigs[i];
        if (counted(e, lane, g) && oq__sig_qualifies(m, g))
            g->n_qual += sign;
    }
}

int oq__sig_nobody(const oq_engine *e, const oq_contact *c)
{
    const oq_lane *lane = &c->queue->lanes[c->lane];
    return c->sig && counted(e, lane, c->sig) && c->sig->n_qual == 0;
}

void oq__sig_count(oq_engine *e, oq_contact *c, uint64_t *visits)
{
    oq_sig *g = c->sig;
    const oq_lane *lane = &c->queue->lanes[c->lane];
    if (!g || lane->n_sigs > SIG_COUNTED || counted(e, lane, g))
        return;
    g->n_qual = 0;
    for (int32_t i = 0; i < lane->agents.n; i++)
        g->n_qual += oq__sig_qualifies(lane->agents.items[i], g);
    *visits += (uint64_t)lane->agents.n;
    g->qual_known = 1;
    g->qual_epoch = e->qual_epoch;
}

/* A predicate on contacts, asked of a signature's entries (lane positions). */
typedef struct sig_pred {
    const oq_heap *lane;
    oq_heap_accept accept;
    const void *pred;
} sig_pred;

static int sig_accept(const void *entry, const void *p)
{
    const sig_pred *x = p;
    return x->accept(x->lane->items[oq__sig_entry_pos(entry)], x->pred);
}

oq_contact *oq__sig_first_contact(const oq_queue *q, int32_t l, const oq_member *m,
                                  oq_heap_accept accept, const void *pred, uint64_t *visits)
{
    const oq_lane *lane = &q->lanes[l];
    if (lane->n_grouped < lane->contacts.n) { /* someone left out of the index: the whole lane */
        int32_t pos = oq__heap_find_first(&lane->contacts, &oq__contact_heap_ops, q, accept, pred);
        return pos >= 0 ? lane->contacts.items[pos] : NULL;
    }
    oq_lane_ctx ctx = {q, l};
    sig_pred sp = {&lane->contacts, accept, pred};
    int32_t best = -1; /* lane position: compared by the lane heap's keys */
    for (int32_t i = 0; i < lane->n_sigs; i++) {
        const oq_sig *g = lane->sigs[i];
        if (sig_members(lane, g) == 0)
            continue;
        ++*visits;
        if (!oq__sig_qualifies(m, g))
            continue;
        if (g->mirror) { /* every other signature is empty; its heap is the lane heap */
            int32_t pos = oq__heap_find_first(&lane->contacts, &oq__contact_heap_ops, q, accept, pred);
            return pos >= 0 ? lane->contacts.items[pos] : NULL;
        }
        /* Its head is its best: nothing in it can beat what was found. */
        if (best >= 0 && oq__heap_cmp_at(&lane->contacts, &oq__contact_heap_ops, q,
                                         oq__sig_entry_pos(g->contacts.items[0]), best) >= 0)
            continue;
        int32_t pos = oq__heap_find_first(&g->contacts, &oq__sig_heap_ops, &ctx, sig_accept, &sp);
        if (pos < 0)
            continue;
        int32_t lp = oq__sig_entry_pos(g->contacts.items[pos]);
        if (best < 0 || oq__heap_cmp_at(&lane->contacts, &oq__contact_heap_ops, q, lp, best) < 0)
            best = lp;
    }
    return best >= 0 ? lane->contacts.items[best] : NULL;
}

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond))                                      \
            return oq__fail(e, OQ_ECORRUPT, __VA_ARGS__); \
    } while (0)

static int32_t sig_pos_of(const void *item, const void *ctx)
{
    const oq_lane_ctx *x = ctx;
    const oq_contact *c = x->queue->lanes[x->lane].contacts.items[oq__sig_entry_pos(item)];
    return c->sig_pos;
}

/* Every contact of the lane in its solo signature, with room for its heap
 * to take effect (unmirror), already in place: slot k names lane position k
 * and the contact there has sig_pos k; the other signatures empty. */
static oq_status check_solo(oq_engine *e, oq_queue *q, int32_t l)
{
    const oq_lane *lane = &q->lanes[l];
    const oq_sig *g = oq__sig_solo(lane);
    int32_t found = 0;
    for (int32_t s = 0; s < lane->n_sigs; s++) {
        const oq_sig *o = lane->sigs[s];
        found += o->mirror;
        CHECK(o->contacts.n == 0, "queue '%s': lane %d mirrors one signature, signature %d holds %d contacts",
              q->id, l, s, o->contacts.n);
    }
    CHECK(g && found == 1 && lane->n_grouped == lane->contacts.n && lane->n_grouped > 0 &&
              g->contacts.cap >= lane->n_grouped,
          "queue '%s': lane %d mirrors %d signatures, %d of %d contacts grouped, room for %d", q->id, l, found,
          lane->n_grouped, lane->contacts.n, g ? g->contacts.cap : 0);
    for (int32_t k = 0; k < lane->contacts.n; k++) {
        const oq_contact *c = lane->contacts.items[k];
        sig_key key;
        sig_of(c, &key);
        CHECK(c->sig == g && c->state == OQ_CONTACT_QUEUED && sig_is(g, &key),
              "queue '%s': contact '%s' of lane %d outside the signature the lane mirrors", q->id, c->id, l);
        CHECK(c->heap_pos == k && c->sig_pos == k && oq__sig_entry_pos(g->contacts.items[k]) == k,
              "queue '%s': lane %d mirrors, its position %d holds contact '%s' at signature slot %d, the slot names %d",
              q->id, l, k, c->id, c->sig_pos, oq__sig_entry_pos(g->contacts.items[k]));
    }
    CHECK(g->n_off == 0, "queue '%s': lane %d mirrors a signature counting %d members out of place", q->id, l,
          g->n_off);
    return OQ_OK;
}

oq_status oq__sig_check(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < q->n_lanes; l++) {
            oq_lane *lane = &q->lanes[l];
            oq_lane_ctx ctx = {q, l};
            oq_status st;
            if (lane->mirroring && (st = check_solo(e, q, l)) != OQ_OK)
                return st;
            int32_t grouped = lane->mirroring ? lane->n_grouped : 0;
            for (int32_t s = 0; s < lane->n_sigs; s++) {
                const oq_sig *g = lane->sigs[s];
                CHECK(!g->mirror || lane->mirroring, "queue '%s': signature %d of lane %d mirrors no lane", q->id,
                      s, l);
                grouped += g->contacts.n;
                for (int32_t k = 0; k < g->contacts.n; k++) {
                    int32_t lp = oq__sig_entry_pos(g->contacts.items[k]);
                    CHECK(lp >= 0 && lp < lane->contacts.n,
                          "queue '%s': signature %d of lane %d names lane position %d of %d", q->id, s, l,
                          lp, lane->contacts.n);
                }
                CHECK(oq__heap_valid(&g->contacts, &oq__sig_heap_ops, &ctx, sig_pos_of),
                      "queue '%s': signature %d of lane %d out of order", q->id, s, l);
                int32_t off = 0;
                for (int32_t k = 0; k < g->contacts.n; k++)
                    off += oq__sig_entry_pos(g->contacts.items[k]) != k;
                CHECK(g->mirror || off == g->n_off,
                      "queue '%s': signature %d of lane %d counts %d members out of their lane position, %d are",
                      q->id, s, l, g->n_off, off);
                for (int32_t k = 0; k < g->contacts.n; k++) {
                    const oq_contact *c = lane->contacts.items[oq__sig_entry_pos(g->contacts.items[k])];
                    sig_key key;
                    sig_of(c, &key);
                    CHECK(c->sig == g && c->state == OQ_CONTACT_QUEUED && c->queue == q && c->lane == l &&
                              sig_is(g, &key),
                          "queue '%s': contact '%s' in the wrong signature of lane %d", q->id, c->id, l);
                }
                if (counted(e, lane, g)) {
                    int32_t n = 0;
                    for (int32_t k = 0; k < lane->agents.n; k++)
                        n += oq__sig_qualifies(lane->agents.items[k], g);
                    CHECK(n == g->n_qual, "queue '%s': signature %d of lane %d counts %d qualified agents, %d are",
                          q->id, s, l, g->n_qual, n);
                }
            }
            CHECK(grouped == lane->n_grouped && grouped <= lane->contacts.n,
                  "queue '%s': lane %d has %d contacts in signatures, counted %d", q->id, l, grouped,
                  lane->n_grouped);
        }
    }
    return OQ_OK;
}
