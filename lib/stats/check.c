/* SPDX-License-Identifier: MIT */
/* The statistics module's part of oq_engine_check: every counter against
 * the structure it indexes (the closed-interval ring, the record slots), the
 * intrusive lists and the free list walked end to end, each live record
 * against its contact, each agent's load against the records holding it, and
 * the interval timer against the interval. Restore runs it, so a forged
 * snapshot cannot leave an index that a later interval close or list update
 * would follow out of bounds. */
#include "stats/hook.h"
#include "stats/internal.h"

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond))                                      \
            return oq__fail(e, OQ_ECORRUPT, __VA_ARGS__); \
    } while (0)

static int armed(const oq_timer *t) { return t->pos >= 0 && t->kind != OQ_TIMER_NONE; }

static oq_status check_ring(oq_engine *e, const oq_sobj *ob, const char *what)
{
    const oq_stats *S = e->stats;
    int64_t ring = S->opt.ring_size;
    for (int32_t i = 0; i < S->opt.ring_size; i++) {
        int64_t n = ob->ring[i].number;
        CHECK(n == -1 || (n >= 0 && n < S->closed && n >= S->closed - ring && n % ring == i),
              "statistics of %s: closed interval %lld in ring slot %d (%lld closed, ring of %lld)", what,
              (long long)n, i, (long long)S->closed, (long long)ring);
    }
    return OQ_OK;
}

/* Walk one list from its head: live records marked as in it, back links
 * right, entry times in order, owned by this object, `n` long, ending at
 * its tail. The walk is bounded by `n`, so a loop is a mismatch, not a hang. */
static oq_status check_list(oq_engine *e, const oq_slist *l, int kind, int32_t owner, const char *what)
{
    const oq_stats *S = e->stats;
    CHECK(l->n >= 0 && l->n <= S->n_recs, "statistics list of %s: %d entries, %d live records", what, l->n,
          S->n_recs);
    int32_t at = l->head, prev = 0, k = 0;
    int64_t since = INT64_MIN;
    for (; at && k < l->n; k++) {
        CHECK(at > 0 && at < S->cap_recs, "statistics list of %s: entry %d names record %d of %d", what, k, at,
              S->cap_recs);
        CHECK(at < S->fresh, "statistics list of %s: entry %d names record %d, never taken", what, k, at);
        const oq_srec *r = oq__srec(S, at);
        CHECK(oq__srec_live(r) && (r->in >> kind & 1u) && r->link[kind][0] == prev &&
                  oq__srec_since(r, kind) >= since,
              "statistics list of %s: record %d is free, unmarked, mislinked or out of order", what, at);
        CHECK(owner < 0 || (kind == L_QWAIT ? r->queue : r->channel) == owner,
              "statistics list of %s: holds record %d of another %s", what, at,
              kind == L_QWAIT ? "queue" : "channel");
        since = oq__srec_since(r, kind);
        prev = at;
        at = r->link[kind][1];
    }
    CHECK(k == l->n && at == 0 && l->tail == prev && (l->n > 0 || l->head == 0),
          "statistics list of %s: %d entries counted, the links give %d (head %d, tail %d)", what, l->n, k,
          l->head, l->tail);
    return OQ_OK;
}

static oq_status check_obj(oq_engine *e, const oq_sobj *ob, int wait_kind, int live_kind, int32_t owner,
                           const char *what, int32_t per_kind[L_N])
{
    oq_status st = check_ring(e, ob, what);
    if (st == OQ_OK)
        st = check_list(e, &ob->wait, wait_kind, owner, what);
    if (st == OQ_OK && live_kind >= 0)
        st = check_list(e, &ob->live, live_kind, owner, what);
    per_kind[wait_kind] += ob->wait.n;
    if (live_kind >= 0)
        per_kind[live_kind] += ob->live.n;
    else
        CHECK(ob->live.n == 0 && ob->live.head == 0, "statistics list of %s: a backlog list for a queue", what);
    return st;
}

/* Free slots form one chain from free_rec through the free links, ending
 * in the slots never taken (fresh .. cap_recs - 1, in order, not
 * allocated): each page up to `fresh` allocated, and no slot above it used. */
static oq_status check_free(oq_engine *e)
{
    const oq_stats *S = e->stats;
    CHECK(S->cap_recs == 0 ? S->fresh == 0 && S->n_pages == 0
                           : S->fresh >= 1 && S->fresh <= S->cap_recs &&
                                 S->n_pages == ((S->fresh - 1) >> OQ_SREC_PAGE_BITS) + 1 &&
                                 S->page0_n >= (S->fresh < OQ_SREC_PAGE ? S->fresh : OQ_SREC_PAGE) &&
                                 S->page0_n <= OQ_SREC_PAGE && S->n_pages <= S->cap_pages,
          "statistics: %d record slots, %d taken so far, %d pages (page 0 of %d)", S->cap_recs, S->fresh,
          S->n_pages, S->page0_n);
    int32_t free_n = S->cap_recs > 0 ? S->cap_recs - 1 - S->n_recs : 0, k = 0, at = S->free_rec;
    for (; at && k <= free_n; k++) {
        CHECK(at > 0 && at < S->cap_recs, "statistics: free record chain reaches record %d of %d", at,
              S->cap_recs);
        if (at >= S->fresh) { /* the never-taken slots, all of them, from the first */
            CHECK(at == S->fresh, "statistics: free record chain reaches record %d, not the first never taken (%d)",
                  at, S->fresh);
            k += S->cap_recs - at;
            at = 0;
            break;
        }
        const oq_srec *r = oq__srec(S, at);
        CHECK(!oq__srec_live(r), "statistics: free record chain reaches record %d, which is not free", at);
        at = oq__srec_next_free(r);
    }
    CHECK(at == 0 && k == free_n, "statistics: %d free record slots, the free chain holds %s%d", free_n,
          at ? "more than " : "", k);
    return OQ_OK;
}

/* The first contact naming a slot that is not live or that another contact
 * named before it (each is marked SR_CLAIMED, every mark taken off again
 * before returning), NULL if none. */
static const oq_contact *record_not_its_own(oq_engine *e)
{
    oq_stats *S = e->stats;
    const oq_contact *c, *bad = NULL;
    int32_t pos = 0;
    while (!bad && (c = oq__idtable_next(&e->contact_ids, &pos))) {
        if (!c->stats_rec)
            continue;
        oq_srec *r = c->stats_rec < S->fresh ? oq__srec(S, c->stats_rec) : NULL;
        if (!r || !oq__srec_live(r) || (r->in & SR_CLAIMED))
            bad = c;
        else
            r->in |= SR_CLAIMED;
    }
    int32_t end = pos;
    for (pos = 0; pos < end && (c = oq__idtable_next(&e->contact_ids, &pos));)
        if (c->stats_rec > 0 && c->stats_rec < S->fresh && c != bad)
            oq__srec(S, c->stats_rec)->in &= (uint8_t)~SR_CLAIMED;
    return bad;
}

/* A live record belongs to one contact and mirrors it: channel, queue while
 * waiting, and the agent whose capacity it holds. */
static oq_status check_records(oq_engine *e, int32_t per_kind[L_N])
{
    const oq_stats *S = e->stats;
    int32_t live = 0, marked[L_N] = {0};
    const oq_contact *c = record_not_its_own(e);
    CHECK(!c, "contact '%s': statistics record %d is not its own", c ? c->id : "", c ? c->stats_rec : 0);
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (!c->stats_rec)
            continue;
        const oq_srec *r = oq__srec(S, c->stats_rec);
        live++;
        CHECK(!(r->in & ~SR_LISTS) && !(r->flags & ~(SF_ANSWERED | SF_OVERFLOWED | SF_DEADLINE_DONE)),
              "contact '%s': statistics record %d marked %#x, flags %#x", c->id, c->stats_rec, (unsigned)r->in,
              (unsigned)r->flags);
        int holds = oq__c_agent(c) && c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_PARKED;
        CHECK(r->channel == c->channel && (!(r->in >> L_QWAIT & 1u) || r->queue == c->queue->idx),
              "contact '%s': statistics record of another channel or queue", c->id);
        CHECK(r->agent == (holds ? oq__c_agent(c)->idx : -1) && (!holds || r->cost == oq__c_cost(c)),
              "contact '%s': statistics record holds capacity of agent %d (cost %d), the contact %d (cost %d)",
              c->id, r->agent, r->cost, holds ? oq__c_agent(c)->idx : -1, oq__c_cost(c));
        CHECK(!(r->in >> L_QWAIT & 1u) || (r->queue < S->cap_queues && S->queues[r->queue]),
              "contact '%s': statistics record in a queue list that does not exist", c->id);
        CHECK(!(r->in & (1u << L_CHWAIT | 1u << L_CHLIVE)) ||
                  (r->channel < S->cap_channels && S->channels[r->channel]),
              "contact '%s': statistics record in a channel list that does not exist", c->id);
        for (int k = 0; k < L_N; k++)
            marked[k] += r->in >> k & 1u;
    }
    CHECK(live == S->n_recs, "statistics: %d live records counted, %d contacts name one", S->n_recs, live);
    /* With the walks above (each listed record is marked and owned by its
     * list), equal totals mean every marked record sits in its own list. */
    for (int k = 0; k < L_N; k++)
        CHECK(marked[k] == per_kind[k], "statistics list kind %d: %d records marked, the lists hold %d", k,
              marked[k], per_kind[k]);
    return OQ_OK;
}

/* Each agent's accumulated state and load follow the engine's agent and the
 * records holding its capacity (unless a block could not be allocated). */
static oq_status check_agents(oq_engine *e)
{
    const oq_stats *S = e->stats;
    int32_t in[5] = {0};
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && e->agents[i]->state != OQ_AGENT_OFFLINE)
            in[e->agents[i]->state]++;
    for (int s = 1; s < 5; s++)
        CHECK(S->agents_in[s] == in[s], "statistics: %d agents %s counted, %d are", S->agents_in[s],
              oq_agent_state_name(s), in[s]);
    for (int32_t i = 0; i < S->cap_agents; i++) {
        const oq_sagent *g = S->agents[i];
        if (!g)
            continue;
        CHECK(g->reason == -1 || g->reason < g->n_reasons || g->reason == OQ_STATS_REASONS_MAX,
              "statistics of agent %d: not-ready reason %d of %d", i, g->reason, g->n_reasons);
        if (S->dropped)
            continue;
        /* Every held contact's record names its agent and cost (checked
         * above), so the load is the agent's own. */
        const oq_agent *a = i < e->n_agents ? e->agents[i] : NULL;
        CHECK(g->used == (a ? a->used : 0), "statistics of agent %d: load %d, its contacts hold %d", i, g->used,
              a ? a->used : 0);
        CHECK(!a || g->state == a->state, "statistics of agent '%s': state %s, the agent is %s", a ? a->id : "",
              oq_agent_state_name(g->state), oq_agent_state_name(a ? a->state : 0));
    }
    return OQ_OK;
}

oq_status oq__stats_check(oq_engine *e)
{
    const oq_stats *S = e->stats;
    CHECK(S->closed >= 0 && S->emitted >= 0 && S->emitted <= S->closed,
          "statistics: %lld reported intervals of %lld closed", (long long)S->emitted, (long long)S->closed);
    CHECK(S->cur_start <= e->now && S->cur_start <= S->cur_end,
          "statistics: interval [%lld, %lld) at clock %lld", (long long)S->cur_start, (long long)S->cur_end,
          (long long)e->now);
    /* Configured: the timer waits for the end of the current interval. */
    int want = S->timer_on && S->cur_end != INT64_MAX;
    CHECK(want ? armed(&S->timer) && S->timer.kind == OQ_TIMER_STATS && S->timer.due == S->cur_end
               : !armed(&S->timer),
          "statistics interval timer %s (%s), the interval ends at %lld", armed(&S->timer) ? "due" : "not armed",
          S->timer_on ? "configured" : "not configured", (long long)S->cur_end);
    int32_t per_kind[L_N] = {0};
    oq_status st = check_obj(e, S->center, L_CEWAIT, L_CELIVE, -1, "the center", per_kind);
    for (int32_t i = 0; st == OQ_OK && i < S->cap_queues; i++)
        if (S->queues[i])
            st = check_obj(e, S->queues[i], L_QWAIT, -1, i, "a queue", per_kind);
    for (int32_t i = 0; st == OQ_OK && i < S->cap_channels; i++)
        if (S->channels[i])
            st = check_obj(e, S->channels[i], L_CHWAIT, L_CHLIVE, i, "a channel", per_kind);
    if (st == OQ_OK)
        st = check_free(e);
    if (st == OQ_OK)
        st = check_records(e, per_kind);
    if (st == OQ_OK)
        st = check_agents(e);
    return st;
}
