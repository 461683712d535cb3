/* SPDX-License-Identifier: MIT */
/* Tenants: one engine each, with its registry and durability state. A
 * SQLite server has exactly one (TENANT_SOLO); a server on the JetStream
 * journal hosts each --tenant, leading some and standing by for others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

tenant *tenant_create(server *s, const char *name, int lead)
{
    tenant *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    t->srv = s;
    t->bit = 1u << s->n_tenants; /* its index: the caller appends it to s->tenants */
    snprintf(t->name, sizeof t->name, "%s", name);
    t->lead = lead;
    t->state = TENANT_SYNCING;
    t->reg = registry_create();
    t->bg_fd = -1;
    return t;
}

void tenant_drop_engine(tenant *t)
{
    oq_engine_destroy(t->e);
    t->e = NULL;
    registry_destroy(t->reg);
    t->reg = registry_create();
    durability_clear_batch(t);
    t->last_seq = 0;
    t->since_snapshot = 0;
    t->since_bytes = 0;
    t->want_snapshot = 0;
    t->record_lost = 0;
}

void tenant_destroy(tenant *t)
{
    if (!t)
        return;
    background_cancel(t);
    oq_engine_destroy(t->e);
    store_close(t->st);
    registry_destroy(t->reg);
    buf_free(&t->batch);
    free(t->recs);
    free(t);
}

void tenant_engine_options(tenant *t, oq_engine_options *o)
{
    oq_engine_options_init(o);
    o->on_event = events_on_event;
    o->event_user = t;
}

void tenant_close_clients(tenant *t, int discard)
{
    server *s = t->srv;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (discard && c->t != t && (c->unsent & t->bit)) {
            c->out.len = 0; /* a reply of t not made durable: must not reach the client */
            c->eof = 1;
            continue;
        }
        if (c->t != t)
            continue;
        c->t = NULL;        /* no more events from this engine */
        if (discard) {
            c->out.len = 0; /* not durable: must not reach the client */
            c->eof = 1;     /* outcome unknown: the client sees the connection drop */
        } else {
            c->gone = t;    /* its next request gets NOT_LEADER and the leader's address */
        }
    }
}

tenant *server_tenant(server *s, const char *name)
{
    for (int i = 0; i < s->n_tenants; i++)
        if (strcmp(s->tenants[i]->name, name) == 0)
            return s->tenants[i];
    return NULL;
}
