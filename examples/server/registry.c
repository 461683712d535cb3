/* SPDX-License-Identifier: MIT */
/* The host's set of live contact ids. The engine answers oq_contact_get(id)
 * but cannot list its contacts, so the server remembers every id it has seen
 * queued (OQ_EV_CONTACT_QUEUED) until the engine reports it gone (completed,
 * abandoned, removed, refused by a queue limit). The set is saved with each
 * snapshot and rebuilt by the events of the journal replay. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "server.h"

typedef struct entry {
    UT_hash_handle hh;
    char id[];
} entry;

struct registry {
    entry *head;
};

registry *registry_create(void)
{
    registry *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    return r;
}

void registry_destroy(registry *r)
{
    if (!r)
        return;
    entry *e, *tmp;
    HASH_ITER(hh, r->head, e, tmp) {
        HASH_DEL(r->head, e);
        free(e);
    }
    free(r);
}

void registry_add(registry *r, const char *id)
{
    entry *e;
    HASH_FIND_STR(r->head, id, e);
    if (e)
        return;
    size_t n = strlen(id);
    e = malloc(sizeof *e + n + 1);
    if (!e)
        abort();
    memcpy(e->id, id, n + 1);
    HASH_ADD_KEYPTR(hh, r->head, e->id, n, e);
}

void registry_remove(registry *r, const char *id)
{
    entry *e;
    HASH_FIND_STR(r->head, id, e);
    if (e) {
        HASH_DEL(r->head, e);
        free(e);
    }
}

size_t registry_count(const registry *r) { return HASH_COUNT(r->head); }

void registry_each(registry *r, int (*fn)(const char *id, void *user), void *user)
{
    entry *e, *tmp;
    HASH_ITER(hh, r->head, e, tmp) {
        if (fn(e->id, user)) {
            HASH_DEL(r->head, e);
            free(e);
        }
    }
}

void registry_save(registry *r, buf *out)
{
    entry *e, *tmp;
    HASH_ITER(hh, r->head, e, tmp) {
        buf_put(out, e->id, strlen(e->id) + 1);
    }
}

void registry_load(registry *r, const char *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *end = memchr(data + i, '\0', len - i);
        if (!end)
            break; /* a torn tail: ignore */
        if (end > data + i)
            registry_add(r, data + i);
        i = (size_t)(end - data) + 1;
    }
}
