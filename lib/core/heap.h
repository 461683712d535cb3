/* SPDX-License-Identifier: MIT */
/* Internal: an indexed binary min-heap of pointers. Each item records its own
 * position (through set_pos) so it can be removed or re-keyed in O(log n).
 * The heap never allocates while in use: callers reserve capacity first, so
 * routing steps cannot fail half-way.
 *
 * A *keyed* heap also keeps each item's sort key beside it (ops->key makes
 * it from the item) and compares those keys: on large heaps of large
 * records a sift then reads two compact arrays instead of one cold record
 * per comparison. A key is two words (16 bytes a slot: each heap slot costs
 * every waiting contact memory); an order that needs more (a contact's
 * priority, time entered and arrival number) puts its first two fields in
 * the key, and only on an exact tie of both does the heap ask ops->tie (or
 * ops->cmp), which reads the items. Its order must be exactly the order of ops->cmp
 * (where keys differ, cmp(a, b) has the sign of oq__heap_key_cmp(key(a),
 * key(b))), so the layout of the array — and everything that reads it in
 * order — is the same either way. A heap is keyed from the start (oq__heap_init_keyed on a
 * fresh heap) or made keyed later (oq__heap_make_keyed). */
#ifndef OQ_CORE_HEAP_H
#define OQ_CORE_HEAP_H

#include <stdint.h>
#include "core/mem.h"

/* A sort key: compared field by field, unsigned, smallest first; equal
 * keys are ordered by ops->cmp on the items. */
typedef struct oq_heap_key {
    uint64_t k[2];
} oq_heap_key;

static inline int oq__heap_key_cmp(const oq_heap_key *a, const oq_heap_key *b)
{
    if (a->k[0] != b->k[0])
        return a->k[0] < b->k[0] ? -1 : 1;
    if (a->k[1] != b->k[1])
        return a->k[1] < b->k[1] ? -1 : 1;
    return 0;
}

/* <0 when a should come out before b. */
typedef int (*oq_heap_cmp)(const void *a, const void *b, const void *ctx);
typedef void (*oq_heap_set_pos)(void *item, int32_t pos, const void *ctx);
typedef void (*oq_heap_keyof)(const void *item, const void *ctx, oq_heap_key *out);

typedef struct oq_heap {
    void **items;
    oq_heap_key *keys;  /* keyed heaps: keys[i] is items[i]'s key (one block with items) */
    int32_t n;
    int32_t cap;
    int32_t keyed;
} oq_heap;

typedef struct oq_heap_ops {
    oq_heap_cmp cmp;
    oq_heap_set_pos set_pos;
    oq_heap_keyof key;  /* for keyed heaps; NULL otherwise */
    /* Keyed heaps: orders two items whose keys are equal (reading only what
     * the key left out, e.g. one field of each record); NULL = cmp. */
    oq_heap_cmp tie;
} oq_heap_ops;

/* A fresh (empty, never reserved) heap keeps keys from now on. */
void oq__heap_init_keyed(oq_heap *h);
/* Start keeping keys in a heap that holds items already; 0 (and the heap
 * unchanged) on allocation failure. */
int oq__heap_make_keyed(oq_heap *h, oq_mem *m, const oq_heap_ops *ops, const void *ctx);
void oq__heap_free(oq_heap *h, oq_mem *m);
/* Make room for at least `need` items; 0 on allocation failure. */
int oq__heap_reserve(oq_heap *h, oq_mem *m, int32_t need);
/* Capacity must have been reserved. */
void oq__heap_push(oq_heap *h, const oq_heap_ops *ops, const void *ctx, void *item);
void oq__heap_remove(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos);
/* Restore order after the key of the item at pos changed. */
void oq__heap_update(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos);
/* Re-sort everything (after the comparison itself changed). */
void oq__heap_rebuild(oq_heap *h, const oq_heap_ops *ops, const void *ctx);
/* Two keyed items in the heap's order: their keys, then (only on a tie)
 * ops->tie. */
static inline int oq__heap_keyed_cmp(const oq_heap_ops *ops, const void *ctx, const oq_heap_key *ka,
                                     const void *a, const oq_heap_key *kb, const void *b)
{
    int c = oq__heap_key_cmp(ka, kb);
    return c ? c : (ops->tie ? ops->tie : ops->cmp)(a, b, ctx);
}

/* <0 when the item at position i comes out before the one at j. */
int oq__heap_cmp_at(const oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t i, int32_t j);

/* The position of the first item, in heap order, for which accept(item)
 * is true, or -1. Visits only items that come before the answer (and their
 * children): a failed predicate on the head costs a few more steps, not a
 * scan. */
typedef int (*oq_heap_accept)(const void *item, const void *pred_ctx);
int32_t oq__heap_find_first(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                            oq_heap_accept accept, const void *pred_ctx);

/* The positions of the first (at most) k items, in heap order, for which
 * accept(item) is true, best first, into out[0..k); returns how many. Like
 * oq__heap_find_first it visits only items that could rank among them
 * (and their children). */
int32_t oq__heap_find_first_k(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                              oq_heap_accept accept, const void *pred_ctx, int32_t k, int32_t *out);

/* 1 if the heap property and positions hold, and a keyed heap's keys are
 * its items' keys (for oq_engine_check). */
typedef int32_t (*oq_heap_get_pos)(const void *item, const void *ctx);
int oq__heap_valid(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                   oq_heap_get_pos get_pos);

#endif
