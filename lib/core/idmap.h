/* SPDX-License-Identifier: MIT */
/* Internal: host id (string) -> object map, on uthash. The map does not copy
 * keys: the key is the object's own id string, which must outlive the entry. */
#ifndef OQ_CORE_IDMAP_H
#define OQ_CORE_IDMAP_H

#include <stddef.h>
#include "core/mem.h"

struct oq_idmap_entry;

typedef struct oq_idmap {
    struct oq_idmap_entry *head;
    oq_mem *mem;
    int32_t count;
} oq_idmap;

void oq__idmap_init(oq_idmap *m, oq_mem *mem);
/* Free every entry (not the objects). */
void oq__idmap_clear(oq_idmap *m);
/* The object stored under `key`, or NULL. */
void *oq__idmap_get(const oq_idmap *m, const char *key);
/* Store obj under key (key must not be present). Returns 0 on allocation
 * failure, leaving the map unchanged. */
int oq__idmap_put(oq_idmap *m, const char *key, void *obj);
/* Copy up to max objects into out; returns how many. */
int32_t oq__idmap_collect(const oq_idmap *m, void **out, int32_t max);
/* Some object in the map, or NULL when empty. */
void *oq__idmap_any(const oq_idmap *m);
/* Remove key if present. Never allocates. */
void oq__idmap_del(oq_idmap *m, const char *key);

#endif
