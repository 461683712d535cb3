/* SPDX-License-Identifier: MIT */
/* Open-addressing id index (see idtable.h for why it exists beside idmap,
 * and for how it grows and shrinks in bounded steps). */
#include "core/idtable.h"

#include <string.h>

#define OQ_IDTABLE_MIN 64

/* Migration paths stay out of line, so the steady-state lookup, put and
 * delete compile to what they were before growth became incremental
 * (callgrind: instructions per routing step). */
#if defined(__GNUC__) || defined(__clang__)
#define OQ__COLD __attribute__((noinline, cold))
#else
#define OQ__COLD
#endif

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

static void free_arrays(oq_mem *mem, uint32_t *hashes, void **objs, int32_t cap)
{
    oq__free(mem, hashes, (size_t)cap * sizeof *hashes);
    oq__free(mem, objs, (size_t)cap * sizeof *objs);
}

void oq__idtable_clear(oq_idtable *t)
{
    free_arrays(t->mem, t->hashes, t->objs, t->cap);
    free_arrays(t->mem, t->next_hashes, t->next_objs, t->next_cap);
    oq__free(t->mem, t->old_hashes, (size_t)t->old_alloc_h * sizeof *t->old_hashes);
    oq__free(t->mem, t->old_objs, (size_t)t->old_alloc_o * sizeof *t->old_objs);
    oq_mem *mem = t->mem;
    oq__idtable_init(t, mem);
}

/* Neither array is zeroed: the caller clears the hashes (at once or in
 * steps); an object pointer is read only where its hash is set. */
static int alloc_arrays(oq_mem *mem, int32_t cap, uint32_t **hashes, void ***objs)
{
    *hashes = oq__alloc(mem, (size_t)cap * sizeof **hashes);
    *objs = oq__alloc(mem, (size_t)cap * sizeof **objs);
    if (*hashes && *objs)
        return 1;
    oq__free(mem, *hashes, *hashes ? (size_t)cap * sizeof **hashes : 0);
    oq__free(mem, *objs, *objs ? (size_t)cap * sizeof **objs : 0);
    *hashes = NULL, *objs = NULL;
    return 0;
}

/* The live table (every put goes there). */
static int32_t find_slot(const oq_idtable *t, const char *key, uint32_t h)
{
    uint32_t mask = (uint32_t)t->cap - 1;
    for (uint32_t p = h & mask; t->hashes[p]; p = (p + 1) & mask)
        if (t->hashes[p] == h && strcmp(key_of(t->objs[p]), key) == 0)
            return (int32_t)p;
    return -1;
}

/* The draining table's slot of the object `obj` (or, when NULL, with id
 * `key`) of hash h, or -1. Tombstones (hash set, object NULL) continue a
 * run. The drained top [old_left, old_cap) is gone and held no object: a
 * run that reaches it can only go on at slot 0, where it wrapped (reading a
 * run there that is not this one's finds nothing: ids are unique). */
static int32_t find_old(const oq_idtable *t, const char *key, const void *obj, uint32_t h)
{
    uint32_t mask = (uint32_t)t->old_cap - 1, n = (uint32_t)t->old_left, p = h & mask;
    int wrapped = p >= n;
    if (wrapped)
        p = 0;
    for (;; p++) {
        if (p == n) {
            if (wrapped)
                return -1;
            p = 0, wrapped = 1;
        }
        if (!t->old_hashes[p])
            return -1;
        const void *o = t->old_objs[p];
        if (t->old_hashes[p] == h && o && (obj ? o == obj : strcmp(key_of(o), key) == 0))
            return (int32_t)p;
    }
}

/* The lookup's second half during a migration. */
OQ__COLD static void *get_old(const oq_idtable *t, const char *key)
{
    int32_t p = find_old(t, key, NULL, hash_id(key));
    return p < 0 ? NULL : t->old_objs[p];
}

void *oq__idtable_get(const oq_idtable *t, const char *key)
{
    if (!t->count)
        return NULL;
    /* The hash is recomputed for the old arrays rather than kept across the
     * first probe: outside a migration this is the lookup it always was. */
    int32_t p = find_slot(t, key, hash_id(key));
    if (p >= 0)
        return t->objs[p];
    return t->old_hashes ? get_old(t, key) : NULL;
}

static void place(uint32_t *hashes, void **objs, uint32_t mask, uint32_t h, void *obj)
{
    uint32_t p = h & mask;
    while (hashes[p])
        p = (p + 1) & mask;
    hashes[p] = h;
    objs[p] = obj;
}

/* One bounded step of a running migration (see idtable.h). */
OQ__COLD static void advance(oq_idtable *t)
{
    if (t->next_hashes) {
        int32_t n = t->next_cap - t->next_zeroed;
        if (n > OQ_IDTABLE_ZERO)
            n = OQ_IDTABLE_ZERO;
        memset(t->next_hashes + t->next_zeroed, 0, (size_t)n * sizeof *t->next_hashes);
        t->next_zeroed += n;
        t->work_zeroed += n;
        if (t->next_zeroed < t->next_cap)
            return;
        /* Cleared: the new arrays take every put from now on. */
        t->old_hashes = t->hashes, t->old_objs = t->objs, t->old_cap = t->cap;
        t->old_left = t->old_alloc_h = t->old_alloc_o = t->cap;
        t->hashes = t->next_hashes, t->objs = t->next_objs, t->cap = t->next_cap;
        t->next_hashes = NULL, t->next_objs = NULL, t->next_cap = t->next_zeroed = 0;
        return;
    }
    if (!t->old_hashes)
        return;
    /* Up to OQ_IDTABLE_STEP objects moved, OQ_IDTABLE_SCAN slots looked
     * at: a shrink's sparse old arrays drain in old_cap / 64 steps, before
     * the deletes that would call for the next shrink (0.05 x old_cap). */
    int32_t stop = t->old_left > OQ_IDTABLE_SCAN ? t->old_left - OQ_IDTABLE_SCAN : 0;
    uint32_t mask = (uint32_t)t->cap - 1;
    int32_t p = t->old_left, moved = 0;
    while (p > stop && moved < OQ_IDTABLE_STEP) {
        p--;
        if (t->old_hashes[p] && t->old_objs[p]) {
            place(t->hashes, t->objs, mask, t->old_hashes[p], t->old_objs[p]);
            moved++;
        }
    }
    t->work_moved += moved;
    t->work_scanned += t->old_left - p;
    t->old_left = p;
    if (!p) {
        oq__free(t->mem, t->old_hashes, (size_t)t->old_alloc_h * sizeof *t->old_hashes);
        oq__free(t->mem, t->old_objs, (size_t)t->old_alloc_o * sizeof *t->old_objs);
        t->old_hashes = NULL, t->old_objs = NULL;
        t->old_cap = t->old_left = t->old_alloc_h = t->old_alloc_o = 0;
        return;
    }
    /* Give the drained top back a piece at a time; a refused shrink keeps
     * the block (freed whole at the end). */
    if (t->old_alloc_h - p >= OQ_IDTABLE_RELEASE) {
        uint32_t *h = oq__realloc(t->mem, t->old_hashes, (size_t)t->old_alloc_h * sizeof *h, (size_t)p * sizeof *h);
        if (h)
            t->old_hashes = h, t->old_alloc_h = p;
    }
    if (t->old_alloc_o - p >= OQ_IDTABLE_RELEASE) {
        void **o = oq__realloc(t->mem, t->old_objs, (size_t)t->old_alloc_o * sizeof *o, (size_t)p * sizeof *o);
        if (o)
            t->old_objs = o, t->old_alloc_o = p;
    }
}

/* At once: every object into fresh arrays of `cap`, whatever the migration
 * state. Only the first allocation and a reserve of many puts that does not
 * fit a running migration come here. 0 (table unchanged) if memory fails. */
static int rebuild(oq_idtable *t, int32_t cap)
{
    uint32_t *hashes;
    void **objs;
    if (!alloc_arrays(t->mem, cap, &hashes, &objs))
        return 0;
    memset(hashes, 0, (size_t)cap * sizeof *hashes);
    uint32_t mask = (uint32_t)cap - 1;
    for (int32_t p = 0; p < t->old_left; p++)
        if (t->old_hashes[p] && t->old_objs[p])
            place(hashes, objs, mask, t->old_hashes[p], t->old_objs[p]);
    for (int32_t p = 0; p < t->cap; p++)
        if (t->hashes[p])
            place(hashes, objs, mask, t->hashes[p], t->objs[p]);
    t->work_moved += t->count;
    t->work_scanned += t->old_left + t->cap;
    int32_t count = t->count;
    int64_t moved = t->work_moved, scanned = t->work_scanned, zeroed = t->work_zeroed;
    oq__idtable_clear(t);
    t->hashes = hashes, t->objs = objs, t->cap = cap, t->count = count;
    t->work_moved = moved, t->work_scanned = scanned, t->work_zeroed = zeroed;
    return 1;
}

int oq__idtable_reserve(oq_idtable *t, int32_t more)
{
    int64_t need = (int64_t)t->count + more;
    if (t->next_hashes) {
        /* Clearing: puts still go to the current arrays (to 0.8 meanwhile),
         * and must fit the new ones at 0.7 once they take over. */
        if (need * 10 <= (int64_t)t->cap * 8 && need * 10 <= (int64_t)t->next_cap * 7)
            return 1;
    } else if (need * 10 <= (int64_t)t->cap * 7) {
        return 1;
    }
    int64_t cap = t->cap > t->next_cap ? t->cap : t->next_cap;
    if (cap < OQ_IDTABLE_MIN)
        cap = OQ_IDTABLE_MIN;
    while (need * 10 > cap * 7) /* load at most 0.7 */
        cap *= 2;
    if (cap > INT32_MAX / 2)
        return 0;
    if (!t->cap || t->next_hashes || t->old_hashes || need * 10 > (int64_t)t->cap * 8)
        return rebuild(t, (int32_t)cap);
    /* Start growing: only the allocation now, the rest in steps. */
    if (!alloc_arrays(t->mem, (int32_t)cap, &t->next_hashes, &t->next_objs))
        return 0;
    t->next_cap = (int32_t)cap;
    t->next_zeroed = 0;
    return 1;
}

int oq__idtable_put(oq_idtable *t, void *obj)
{
    if (t->next_hashes || t->old_hashes) {
        if (!oq__idtable_reserve(t, 1))
            return 0;
        advance(t);
    } else if (((int64_t)t->count + 1) * 10 > (int64_t)t->cap * 7 && !oq__idtable_reserve(t, 1)) {
        return 0;
    }
    place(t->hashes, t->objs, (uint32_t)t->cap - 1, hash_id(key_of(obj)), obj);
    t->count++;
    return 1;
}

/* Backward-shift deletion in the live table: move later members of the
 * probe run into the hole when their home slot allows it, so no tombstones
 * accumulate there. */
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
}

/* After a removal (count already down): the next migration step, or the
 * start of a shrink. */
OQ__COLD static void removed(oq_idtable *t)
{
    if (t->next_hashes || t->old_hashes) {
        advance(t);
        return;
    }
    /* Start shrinking when a burst has gone (load under 0.1), never below
     * the minimum, and not during a migration (a later delete will); a
     * failed allocation just keeps the larger arrays. */
    if (t->cap > OQ_IDTABLE_MIN && (int64_t)t->count * 10 < t->cap) {
        if (alloc_arrays(t->mem, t->cap / 2, &t->next_hashes, &t->next_objs)) {
            t->next_cap = t->cap / 2;
            t->next_zeroed = 0;
        }
    }
}

void oq__idtable_del(oq_idtable *t, const char *key)
{
    if (!t->count)
        return;
    uint32_t h = hash_id(key);
    int32_t found = find_slot(t, key, h);
    if (found >= 0)
        remove_at(t, found);
    else if (t->old_hashes && (found = find_old(t, key, NULL, h)) >= 0)
        t->old_objs[found] = NULL; /* a tombstone: the old arrays' runs stay intact */
    else
        return;
    if ((int64_t)--t->count * 10 < t->cap || t->next_hashes || t->old_hashes)
        removed(t);
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
            if ((int64_t)--t->count * 10 < t->cap || t->next_hashes || t->old_hashes)
                removed(t);
            return;
        }
    int32_t found = t->old_hashes ? find_old(t, NULL, obj, h) : -1;
    if (found >= 0) {
        t->old_objs[found] = NULL; /* a tombstone */
        t->count--;
        removed(t);
    }
}

void *oq__idtable_next(const oq_idtable *t, int32_t *pos)
{
    int32_t i = *pos;
    for (; i < t->old_left; i++)
        if (t->old_hashes[i] && t->old_objs[i]) {
            *pos = i + 1;
            return t->old_objs[i];
        }
    for (; i - t->old_left < t->cap; i++)
        if (t->hashes[i - t->old_left]) {
            *pos = i + 1;
            return t->objs[i - t->old_left];
        }
    *pos = i;
    return NULL;
}
