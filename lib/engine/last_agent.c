/* SPDX-License-Identifier: MIT */
/* Last-agent routing (Genesys, Salesforce): the engine remembers, per
 * customer id, the agent who last accepted one of its contacts in a queue
 * with last_agent_window_s > 0, and a later contact of that customer arriving
 * in such a queue prefers that agent as it would a named preferred agent.
 *
 * Memory is bounded: at most e->last_agent_max customers, kept in a list from
 * the least to the most recently served; recording a customer beyond the
 * bound forgets the least recently served one, and a record older than every
 * queue's window is forgotten when the next one is written. Recording happens
 * in oq_offer_accept, which reserves the record before it changes anything. */
#include <string.h>

#include "engine/internal.h"

struct oq_served {
    char *customer;          /* the map's key */
    int32_t agent;           /* agent index; agent_seq tells whether it is still that agent */
    uint64_t agent_seq;
    int64_t served;          /* when it accepted the contact; -1: reserved, not yet written */
    oq_served *prev, *next;  /* least recently served first */
};

static oq_served *find(const oq_engine *e, const char *customer)
{
    return customer && e->served.count ? oq__idmap_get(&e->served, customer) : NULL;
}

static void unlink_served(oq_engine *e, oq_served *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else if (e->served_head == s)
        e->served_head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    else if (e->served_tail == s)
        e->served_tail = s->prev;
    s->prev = s->next = NULL;
}

static void append(oq_engine *e, oq_served *s)
{
    s->prev = e->served_tail;
    s->next = NULL;
    if (e->served_tail)
        e->served_tail->next = s;
    else
        e->served_head = s;
    e->served_tail = s;
}

static void forget(oq_engine *e, oq_served *s)
{
    unlink_served(e, s);
    oq__customer_record_free(e, &e->served, s, sizeof *s);
}

/* Would accepting c record its customer's last agent? */
static int records(const oq_engine *e, const oq_contact *c)
{
    return c->customer && c->queue->last_agent_window_ms > 0 && e->last_agent_max > 0;
}

int oq__last_agent_reserve(oq_engine *e, const oq_contact *c)
{
    if (!records(e, c) || find(e, c->customer))
        return 1;
    void *obj = NULL;
    if (oq__customer_record_new(e, &e->served, c->customer, strlen(c->customer), sizeof(oq_served),
                                &obj) != OQ_OK)
        return 0;
    ((oq_served *)obj)->served = -1;
    return 1;
}

void oq__last_agent_unreserve(oq_engine *e, const oq_contact *c)
{
    oq_served *s = records(e, c) ? find(e, c->customer) : NULL;
    if (s && s->served < 0)
        forget(e, s);
}

/* The longest window of any queue: records older than it serve nobody. */
static int64_t longest_window(const oq_engine *e)
{
    int64_t w = 0;
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && e->queues[i]->last_agent_window_ms > w)
            w = e->queues[i]->last_agent_window_ms;
    return w;
}

void oq__last_agent_note(oq_engine *e, const oq_contact *c, const oq_agent *a)
{
    oq_served *s = records(e, c) ? find(e, c->customer) : NULL;
    if (!s)
        return;
    if (s->served >= 0)
        unlink_served(e, s);
    s->agent = a->idx;
    s->agent_seq = a->seq;
    s->served = e->now;
    append(e, s);
    int64_t window = longest_window(e);
    while (e->served_head != s &&
           (e->served.count > e->last_agent_max ||
            oq__add_ms(e->served_head->served, window) < e->now))
        forget(e, e->served_head);
}

oq_agent *oq__last_agent_for(const oq_engine *e, const char *customer, const oq_queue *q)
{
    const oq_served *s = q->last_agent_window_ms > 0 ? find(e, customer) : NULL;
    if (!s || s->served < 0 || oq__add_ms(s->served, q->last_agent_window_ms) < e->now ||
        s->agent >= e->n_agents)
        return NULL;
    oq_agent *a = e->agents[s->agent];
    return a && a->seq == s->agent_seq && oq__member_of(a, q) ? a : NULL;
}

void oq__last_agent_clear(oq_engine *e)
{
    while (e->served_head)
        forget(e, e->served_head);
    oq__idmap_clear(&e->served);
}

oq_status oq_customer_last_agent(const oq_engine *e, const char *customer, const char **agent,
                                 int64_t *served_ms)
{
    if (!e)
        return OQ_EINVAL;
    if (!agent || !served_ms)
        return oq__fail(e, OQ_EINVAL, "agent/served_ms is NULL");
    oq_status st = oq__check_id(e, "customer", customer);
    if (st != OQ_OK)
        return st;
    const oq_served *s = find(e, customer);
    const oq_agent *a = s && s->served >= 0 && s->agent < e->n_agents ? e->agents[s->agent] : NULL;
    if (!a || a->seq != s->agent_seq)
        return oq__fail(e, OQ_ENOTFOUND, "customer '%s': no last agent remembered", customer);
    *agent = a->id;
    *served_ms = s->served;
    return OQ_OK;
}

oq_status oq__last_agent_check(oq_engine *e)
{
    int32_t n = 0;
    int64_t prev = 0;
    for (const oq_served *s = e->served_head; s; s = s->next) {
        if (++n > e->served.count || n > e->last_agent_max)
            return oq__fail(e, OQ_ECORRUPT, "last agents: more records listed than the %d kept (at most %d)",
                            e->served.count, e->last_agent_max);
        if (find(e, s->customer) != s || (s->next ? s->next->prev != s : e->served_tail != s))
            return oq__fail(e, OQ_ECORRUPT, "last agents: customer '%s' misfiled", s->customer);
        if (s->served < prev || s->served > e->now)
            return oq__fail(e, OQ_ECORRUPT, "last agents: customer '%s' served at %lld, out of order",
                            s->customer, (long long)s->served);
        if (s->agent < 0 || s->agent >= e->n_agents || s->agent_seq >= e->next_agent_seq)
            return oq__fail(e, OQ_ECORRUPT, "last agents: customer '%s' names agent %d/%llu that never was",
                            s->customer, s->agent, (unsigned long long)s->agent_seq);
        prev = s->served;
    }
    if (n != e->served.count)
        return oq__fail(e, OQ_ECORRUPT, "last agents: %d records kept, %d listed", e->served.count, n);
    return OQ_OK;
}

/* ---- snapshots (lib/snapshot) ---- */

void oq__last_agent_visit(const oq_engine *e, oq_served_visit_fn fn, void *user)
{
    for (const oq_served *s = e->served_head; s; s = s->next)
        fn(s->customer, s->agent, s->agent_seq, s->served, user);
}

oq_status oq__last_agent_put(oq_engine *e, const char *customer, size_t len, int32_t agent,
                             uint64_t agent_seq, int64_t served)
{
    void *obj = NULL;
    oq_status st = oq__customer_record_new(e, &e->served, customer, len, sizeof(oq_served), &obj);
    if (st != OQ_OK)
        return st;
    oq_served *s = obj;
    s->agent = agent;
    s->agent_seq = agent_seq;
    s->served = served;
    append(e, s);
    return OQ_OK;
}
