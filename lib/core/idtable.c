/* SPDX-License-Identifier: MIT */
/* Open-addressing id index (see idtable.h for why it exists beside idmap). */
#include "core/idtable.h"

#include <string.h>

#define OQ_IDTABLE_MIN 64

static const char *key_of(const void *obj) { return *(char *const *)obj; }

/* FNV-1a with a final avalanche: cheap on the short ids hosts use, and the
 * low bits (the slot) depend on every byte. Never 0: 0 marks an empty slot. */
static uint32_t hash_id(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h ? h : 1u;
}

void oq__idtable_init(oq_idtable *t, oq_mem *mem)
{
    memset(t, 0, sizeof *t);
    t->mem = mem;
}

void oq__idtable_clear(oq_idtable *t)
{
    oq__free(t->mem, t->hashes, (size_t)t->cap * sizeof *t->hashes);
    oq__free(t->mem, t->objs, (size_t)t->cap * sizeof *t->objs);
    oq_mem *mem = t->mem;
    oq__idtable_init(t, mem);
}

static int32_t find_slot(const oq_idtable *t, const char *key, uint32_t h)
{
    uint32_t mask = (uint32_t)t->cap - 1;
    for (uint32_t p = h & mask; t->hashes[p]; p = (p + 1) & mask)
        if (t->hashes[p] == h && strcmp(key_of(t->objs[p]), key) == 0)
            return (int32_t)p;
    return -1;
}

void *oq__idtable_get(const oq_idtable *t, const char *key)
{
    if (!t->count)
        return NULL;
    int32_t p = find_slot(t, key, hash_id(key));
    return p < 0 ? NULL : t->objs[p];
}

static void place(uint32_t *hashes, void **objs, uint32_t mask, uint32_t h, void *obj)
{
    uint32_t p = h & mask;
    while (hashes[p])
        p = (p + 1) & mask;
    hashes[p] = h;
    objs[p] = obj;
}

static int resize(oq_idtable *t, int32_t cap)
{
    uint32_t *hashes = oq__calloc(t->mem, (size_t)cap, sizeof *hashes);
    void **objs = oq__calloc(t->mem, (size_t)cap, sizeof *objs);
    if (!hashes || !objs) {
        oq__free(t->mem, hashes, hashes ? (size_t)cap * sizeof *hashes : 0);
        oq__free(t->mem, objs, objs ? (size_t)cap * sizeof *objs : 0);
        return 0;
    }
    for (int32_t i = 0; i < t->cap; i++)
        if (t->hashes[i])
            place(hashes, objs, (uint32_t)cap - 1, t->hashes[i], t->objs[i]);
    oq__free(t->mem, t->hashes, (size_t)t->cap * sizeof *t->hashes);
    oq__free(t->mem, t->objs, (size_t)t->cap * sizeof *t->objs);
    t->hashes = hashes;
    t->objs = objs;
    t->cap = cap;
    return 1;
}

int oq__idtable_reserve(oq_idtable *t, int32_t more)
{
    int64_t need = (int64_t)t->count + more;
    int64_t cap = t->cap ? t->cap : OQ_IDTABLE_MIN;
    while (need * 10 > cap * 7) /* load at most 0.7 */
        cap *= 2;
    if (cap > INT32_MAX / 2)
        return 0;
    return cap == t->cap || resize(t, (int32_t)cap);
}

int oq__idtable_put(oq_idtable *t, void *obj)
{
    if (!oq__idtable_reserve(t, 1))
        return 0;
    place(t->hashes, t->objs, (uint32_t)t->cap - 1, hash_id(key_of(obj)), obj);
    t->count++;
    return 1;
}

/* Backward-shift deletion: move later members of the probe run into the
 * hole when their home slot allows it, so no tombstones accumulate. */
static void remove_at(oq_idtable *t, int32_t found)
{
    uint32_t mask = (uint32_t)t->cap - 1, hole = (uint32_t)found;
    for (uint32_t q = (hole + 1) & mask; t->hashes[q]; q = (q + 1) & mask) {
        uint32_t home = t->hashes[q] & mask;
        if (((q - home) & mask) >= ((q - hole) & mask)) {
            t->hashes[hole] = t->hashes[q];
            t->objs[hole] = t->objs[q];
            hole = q;
        }
    }
    t->hashes[hole] = 0;
    t->objs[hole] = NULL;
    t->count--;
    /* Shrink when a burst has gone (load under 0.1), never below the minimum;
     * a failed shrink just keeps the larger arrays. */
    if (t->cap > OQ_IDTABLE_MIN && (int64_t)t->count * 10 < t->cap)
        (void)resize(t, t->cap / 2);
}

void oq__idtable_del(oq_idtable *t, const char *key)
{
    if (!t->count)
        return;
    int32_t found = find_slot(t, key, hash_id(key));
    if (found >= 0)
        remove_at(t, found);
}

void oq__idtable_del_obj(oq_idtable *t, const void *obj)
{
    if (!t->count)
        return;
    /* Each object is stored once: the slot holding this very pointer along
     * its id's probe run is its entry, found without comparing ids. */
    uint32_t h = hash_id(key_of(obj)), mask = (uint32_t)t->cap - 1;
    for (uint32_t p = h & mask; t->hashes[p]; p = (p + 1) & mask)
        if (t->hashes[p] == h && t->objs[p] == obj) {
            remove_at(t, (int32_t)p);
            return;
        }
}
