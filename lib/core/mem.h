/* SPDX-License-Identifier: MIT */
/* Internal: every byte the engine allocates goes through the host's
 * allocator hook, with exact sizes, so hosts can account and tests can inject
 * failures. */
#ifndef OQ_CORE_MEM_H
#define OQ_CORE_MEM_H

#include <stddef.h>
#include "omniq/core.h"

typedef struct oq_mem {
    oq_alloc_fn fn;
    void *user;
    size_t live_bytes;   /* bytes currently allocated through this hook */
} oq_mem;

/* The default hook: C library malloc/realloc/free. */
void *oq__default_alloc(void *ptr, size_t old_size, size_t new_size, void *user);

void oq__mem_init(oq_mem *m, oq_alloc_fn fn, void *user);
void *oq__alloc(oq_mem *m, size_t size);            /* NULL on failure or size 0 */
void *oq__calloc(oq_mem *m, size_t count, size_t size); /* zeroed; checks overflow */
void *oq__realloc(oq_mem *m, void *ptr, size_t old_size, size_t new_size);
void oq__free(oq_mem *m, void *ptr, size_t size);   /* NULL is a no-op */

/* Copy a string of `len` bytes (plus NUL). */
char *oq__strndup(oq_mem *m, const char *s, size_t len);
/* Free a string made by oq__strndup / oq__strdup. */
void oq__strfree(oq_mem *m, char *s);

/* Grow an array of `elem` bytes so it can hold at least `need` items.
 * *cap is updated; on failure returns 0 and leaves *arr and *cap untouched. */
int oq__grow(oq_mem *m, void **arr, int32_t *cap, int32_t need, size_t elem);
/* oq__grow's policy alone, for arrays it cannot realloc itself (a keyed
 * heap's block of keys and items): the capacity an array of `cap` items of
 * `elem` bytes grows to so it holds `need` (doubling from 4), or 0 when it
 * cannot (more than INT32_MAX items or SIZE_MAX bytes). need > cap. */
int32_t oq__grow_cap(int32_t cap, int32_t need, size_t elem);

#endif
