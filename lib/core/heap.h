/* SPDX-License-Identifier: MIT */
/* Internal: an indexed binary min-heap of pointers. Each item records its own
 * position (through set_pos) so it can be removed or re-keyed in O(log n).
 * The heap never allocates while in use: callers reserve capacity first, so
 * routing steps cannot fail half-way. */
#ifndef OQ_CORE_HEAP_H
#define OQ_CORE_HEAP_H

#include <stdint.h>
#include "core/mem.h"

/* <0 when a should come out before b. */
typedef int (*oq_heap_cmp)(const void *a, const void *b, const void *ctx);
typedef void (*oq_heap_set_pos)(void *item, int32_t pos, const void *ctx);

typedef struct oq_heap {
    void **items;
    int32_t n;
    int32_t cap;
} oq_heap;

typedef struct oq_heap_ops {
    oq_heap_cmp cmp;
    oq_heap_set_pos set_pos;
} oq_heap_ops;

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

/* 1 if the heap property and positions hold (for oq_engine_check). */
typedef int32_t (*oq_heap_get_pos)(const void *item, const void *ctx);
int oq__heap_valid(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                   oq_heap_get_pos get_pos);

#endif
