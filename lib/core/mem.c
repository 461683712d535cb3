/* SPDX-License-Identifier: MIT */
#include "core/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *oq__default_alloc(void *ptr, size_t old_size, size_t new_size, void *user)
{
    (void)old_size;
    (void)user;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

void oq__mem_init(oq_mem *m, oq_alloc_fn fn, void *user)
{
    m->fn = fn ? fn : oq__default_alloc;
    m->user = user;
    m->live_bytes = 0;
}

void *oq__alloc(oq_mem *m, size_t size)
{
    if (size == 0)
        return NULL;
    void *p = m->fn(NULL, 0, size, m->user);
    if (p)
        m->live_bytes += size;
    return p;
}

void *oq__calloc(oq_mem *m, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = oq__alloc(m, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *oq__realloc(oq_mem *m, void *ptr, size_t old_size, size_t new_size)
{
    if (!ptr)
        return oq__alloc(m, new_size);
    if (new_size == 0) {
        oq__free(m, ptr, old_size);
        return NULL;
    }
    void *p = m->fn(ptr, old_size, new_size, m->user);
    if (p)
        m->live_bytes = m->live_bytes - old_size + new_size;
    return p;
}

void oq__free(oq_mem *m, void *ptr, size_t size)
{
    if (!ptr)
        return;
    m->fn(ptr, size, 0, m->user);
    m->live_bytes -= size;
}

char *oq__strndup(oq_mem *m, const char *s, size_t len)
{
    char *d = oq__alloc(m, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void oq__strfree(oq_mem *m, char *s)
{
    if (s)
        oq__free(m, s, strlen(s) + 1);
}

int32_t oq__grow_cap(int32_t cap, int32_t need, size_t elem)
{
    int64_t ncap = cap ? (int64_t)cap : 4;
    while (ncap < need)
        ncap *= 2;
    if (ncap > INT32_MAX)
        ncap = INT32_MAX;
    if (ncap < need || (elem != 0 && (uint64_t)ncap > SIZE_MAX / elem))
        return 0;
    return (int32_t)ncap;
}

int oq__grow(oq_mem *m, void **arr, int32_t *cap, int32_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    int32_t ncap = oq__grow_cap(*cap, need, elem);
    if (ncap == 0)
        return 0;
    void *p = oq__realloc(m, *arr, (size_t)*cap * elem, (size_t)ncap * elem);
    if (!p)
        return 0;
    *arr = p;
    *cap = ncap;
    return 1;
}

/* Buffers handed to the caller (dumps, snapshots, reports) come from the C
 * library's malloc, not from a hook: a ctypes host has no hook to free them
 * with, and they outlive any engine. */
void oq_free(void *ptr) { free(ptr); }
