/* SPDX-License-Identifier: MIT */
/* mod_callcenter's abandoned-resume-allowed: a customer who hangs up and
 * calls back to the same queue within the engine's abandon_resume_s gets
 * their old place in line. Best effort: if memory for the record cannot be
 * had, the customer simply queues anew — an allocation the call may lose
 * (oq__soft_try), journaled, so a standby keeps no place for it either. */
#include <string.h>

#include "engine/internal.h"

typedef struct resume_place {
    char *customer;          /* the map's key */
    int32_t queue;
    uint64_t seq;
    int64_t enqueued;
    int64_t expires;
} resume_place;

/* ---- records keyed by customer id (here and last_agent.c) ---------------- */

oq_status oq__customer_record_new(oq_engine *e, oq_idmap *map, const char *customer, size_t len,
                                  size_t size, void **out)
{
    void *obj = oq__calloc(&e->mem, 1, size);
    char *key = obj ? oq__strndup(&e->mem, customer, len) : NULL;
    oq_status st = !obj || !key ? OQ_ENOMEM
                   : oq__idmap_get(map, key) ? OQ_EEXIST
                   : !oq__idmap_put(map, key, obj) ? OQ_ENOMEM : OQ_OK;
    if (st != OQ_OK) {
        oq__strfree(&e->mem, key);
        oq__free(&e->mem, obj, size);
        return st;
    }
    *(char **)obj = key;
    *out = obj;
    return OQ_OK;
}

void oq__customer_record_free(oq_engine *e, oq_idmap *map, void *obj, size_t size)
{
    char *key = *(char **)obj;
    oq__idmap_del(map, key);
    oq__strfree(&e->mem, key);
    oq__free(&e->mem, obj, size);
}

static void place_free(oq_engine *e, resume_place *p)
{
    oq__customer_record_free(e, &e->resume, p, sizeof *p);
}

/* Drop expired places; run when the map has doubled since the last sweep. */
static void sweep(oq_engine *e)
{
    int32_t n = e->resume.count;
    resume_place **dead = oq__soft_try(e) ? oq__alloc(&e->mem, (size_t)(n ? n : 1) * sizeof *dead) : NULL;
    if (!dead) {
        oq__soft_failed(e); /* swept at the next place kept */
        return;
    }
    int32_t k = oq__idmap_collect(&e->resume, (void **)dead, n);
    for (int32_t i = 0; i < k; i++)
        if (dead[i]->expires < e->now)
            place_free(e, dead[i]);
    oq__free(&e->mem, dead, (size_t)(n ? n : 1) * sizeof *dead);
    e->resume_sweep_at = e->resume.count * 2 > 64 ? e->resume.count * 2 : 64;
}

void oq__resume_keep(oq_engine *e, const oq_contact *c)
{
    if (e->abandon_resume_ms <= 0 || !c->customer)
        return;
    resume_place *p = oq__idmap_get(&e->resume, c->customer);
    if (!p) {
        if (e->resume.count >= e->resume_sweep_at)
            sweep(e);
        void *obj = NULL;
        if (!oq__soft_try(e) || oq__customer_record_new(e, &e->resume, c->customer, strlen(c->customer),
                                                        sizeof *p, &obj) != OQ_OK) {
            oq__soft_failed(e);
            return; /* best effort: the customer simply queues anew */
        }
        p = obj;
    }
    p->queue = c->queue->idx;
    p->seq = c->seq;
    p->enqueued = c->enqueued;
    p->expires = oq__add_ms(e->now, e->abandon_resume_ms);
}

int oq__resume_take(oq_engine *e, const char *customer, const oq_queue *q, uint64_t *seq,
                    int64_t *enqueued)
{
    if (!customer || e->resume.count == 0)
        return 0;
    resume_place *p = oq__idmap_get(&e->resume, customer);
    if (!p)
        return 0;
    int resumed = p->queue == q->idx && p->expires >= e->now;
    if (resumed) {
        *seq = p->seq;
        *enqueued = p->enqueued;
    }
    place_free(e, p);
    return resumed;
}

void oq__resume_clear(oq_engine *e)
{
    void *obj;
    while ((obj = oq__idmap_any(&e->resume)) != NULL)
        place_free(e, obj);
}

void oq__sl_changed(oq_engine *e, const oq_queue *q)
{
    if (e->n_sl_blend == 0 || q->outbound)
        return;
    for (int32_t i = 0; i < q->n_members; i++)
        oq__mark_agent(e, q->members[i]->agent);
}

/* ---- snapshots (lib/snapshot) ---- */

int oq__resume_visit(oq_engine *e, oq_resume_visit_fn fn, void *user)
{
    int32_t n = e->resume.count;
    if (n == 0)
        return 1;
    resume_place **all = oq__alloc(&e->mem, (size_t)n * sizeof *all);
    if (!all)
        return 0;
    int32_t k = oq__idmap_collect(&e->resume, (void **)all, n);
    for (int32_t i = 0; i < k; i++)
        fn(all[i]->customer, all[i]->queue, all[i]->seq, all[i]->enqueued, all[i]->expires, user);
    oq__free(&e->mem, all, (size_t)n * sizeof *all);
    return 1;
}

oq_status oq__resume_put(oq_engine *e, const char *customer, size_t len, int32_t queue,
                         uint64_t seq, int64_t enqueued, int64_t expires)
{
    void *obj = NULL;
    oq_status st = oq__customer_record_new(e, &e->resume, customer, len, sizeof(resume_place), &obj);
    if (st != OQ_OK)
        return st;
    resume_place *p = obj;
    p->queue = queue;
    p->seq = seq;
    p->enqueued = enqueued;
    p->expires = expires;
    return OQ_OK;
}
