/* SPDX-License-Identifier: MIT */
#include "core/heap.h"

#include <string.h>

/* A keyed heap's block: cap keys, then cap item pointers. */
#define KEYED_SLOT (sizeof(oq_heap_key) + sizeof(void *))

static void set_block(oq_heap *h, void *block, int32_t cap)
{
    h->keys = block;
    h->items = block ? (void **)(h->keys + cap) : NULL;
    h->cap = cap;
}

void oq__heap_init_keyed(oq_heap *h)
{
    h->keyed = 1;
}

int oq__heap_make_keyed(oq_heap *h, oq_mem *m, const oq_heap_ops *ops, const void *ctx)
{
    if (h->keyed)
        return 1;
    if (h->cap > 0) {
        void *block = oq__alloc(m, (size_t)h->cap * KEYED_SLOT);
        if (!block)
            return 0;
        void **old = h->items;
        set_block(h, block, h->cap);
        if (h->n > 0)
            memcpy(h->items, old, (size_t)h->n * sizeof(void *));
        for (int32_t i = 0; i < h->n; i++)
            ops->key(h->items[i], ctx, &h->keys[i]);
        oq__free(m, old, (size_t)h->cap * sizeof(void *));
    }
    h->keyed = 1;
    return 1;
}

void oq__heap_free(oq_heap *h, oq_mem *m)
{
    if (h->keyed)
        oq__free(m, h->keys, (size_t)h->cap * KEYED_SLOT);
    else
        oq__free(m, h->items, (size_t)h->cap * sizeof(void *));
    h->items = NULL;
    h->keys = NULL;
    h->n = h->cap = 0;
}

int oq__heap_reserve(oq_heap *h, oq_mem *m, int32_t need)
{
    if (!h->keyed)
        return oq__grow(m, (void **)&h->items, &h->cap, need, sizeof(void *));
    /* oq__grow's growth, for the one block of keys and items. */
    if (need <= h->cap)
        return 1;
    int32_t ncap = oq__grow_cap(h->cap, need, KEYED_SLOT);
    if (ncap == 0)
        return 0;
    char *p = oq__realloc(m, h->keys, (size_t)h->cap * KEYED_SLOT, (size_t)ncap * KEYED_SLOT);
    if (!p)
        return 0;
    /* The items move up behind the longer key array. */
    if (h->n > 0)
        memmove(p + (size_t)ncap * sizeof(oq_heap_key), p + (size_t)h->cap * sizeof(oq_heap_key),
                (size_t)h->n * sizeof(void *));
    set_block(h, p, (int32_t)ncap);
    return 1;
}

static void place(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos, void *item)
{
    h->items[pos] = item;
    ops->set_pos(item, pos, ctx);
}

static int32_t sift_up(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    void *item = h->items[pos];
    while (pos > 0) {
        int32_t parent = (pos - 1) / 2;
        if (ops->cmp(item, h->items[parent], ctx) >= 0)
            break;
        place(h, ops, ctx, pos, h->items[parent]);
        pos = parent;
    }
    place(h, ops, ctx, pos, item);
    return pos;
}

static void sift_down(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    void *item = h->items[pos];
    for (;;) {
        int32_t child = 2 * pos + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && ops->cmp(h->items[child + 1], h->items[child], ctx) < 0)
            child++;
        if (ops->cmp(h->items[child], item, ctx) >= 0)
            break;
        place(h, ops, ctx, pos, h->items[child]);
        pos = child;
    }
    place(h, ops, ctx, pos, item);
}

/* The same two sifts over the keys: the same comparisons, so the same
 * moves; the moved items are written to (their position), and an item is
 * read only when two keys tie. */
static void kplace(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos, void *item,
                   const oq_heap_key *key)
{
    h->items[pos] = item;
    h->keys[pos] = *key;
    ops->set_pos(item, pos, ctx);
}

static int32_t ksift_up(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    void *item = h->items[pos];
    oq_heap_key key = h->keys[pos];
    while (pos > 0) {
        int32_t parent = (pos - 1) / 2;
        if (oq__heap_keyed_cmp(ops, ctx, &key, item, &h->keys[parent], h->items[parent]) >= 0)
            break;
        kplace(h, ops, ctx, pos, h->items[parent], &h->keys[parent]);
        pos = parent;
    }
    kplace(h, ops, ctx, pos, item, &key);
    return pos;
}

static void ksift_down(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    void *item = h->items[pos];
    oq_heap_key key = h->keys[pos];
    for (;;) {
        int32_t child = 2 * pos + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n &&
            oq__heap_keyed_cmp(ops, ctx, &h->keys[child + 1], h->items[child + 1], &h->keys[child],
                               h->items[child]) < 0)
            child++;
        if (oq__heap_keyed_cmp(ops, ctx, &h->keys[child], h->items[child], &key, item) >= 0)
            break;
        kplace(h, ops, ctx, pos, h->items[child], &h->keys[child]);
        pos = child;
    }
    kplace(h, ops, ctx, pos, item, &key);
}

static int32_t up(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    return h->keyed ? ksift_up(h, ops, ctx, pos) : sift_up(h, ops, ctx, pos);
}

static void down(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    if (h->keyed)
        ksift_down(h, ops, ctx, pos);
    else
        sift_down(h, ops, ctx, pos);
}

int oq__heap_cmp_at(const oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t i, int32_t j)
{
    return h->keyed ? oq__heap_keyed_cmp(ops, ctx, &h->keys[i], h->items[i], &h->keys[j], h->items[j])
                    : ops->cmp(h->items[i], h->items[j], ctx);
}

void oq__heap_push(oq_heap *h, const oq_heap_ops *ops, const void *ctx, void *item)
{
    if (h->keyed)
        ops->key(item, ctx, &h->keys[h->n]);
    h->items[h->n++] = item;
    up(h, ops, ctx, h->n - 1);
}

/* Move the item at pos to where its (unchanged) key belongs. */
static void resift(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    if (up(h, ops, ctx, pos) == pos)
        down(h, ops, ctx, pos);
}

void oq__heap_remove(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    ops->set_pos(h->items[pos], -1, ctx);
    h->n--;
    if (pos == h->n)
        return;
    if (h->keyed)
        kplace(h, ops, ctx, pos, h->items[h->n], &h->keys[h->n]);
    else
        place(h, ops, ctx, pos, h->items[h->n]);
    resift(h, ops, ctx, pos);
}

void oq__heap_update(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    if (h->keyed)
        ops->key(h->items[pos], ctx, &h->keys[pos]);
    resift(h, ops, ctx, pos);
}

void oq__heap_rebuild(oq_heap *h, const oq_heap_ops *ops, const void *ctx)
{
    for (int32_t i = 0; h->keyed && i < h->n; i++)
        ops->key(h->items[i], ctx, &h->keys[i]);
    for (int32_t i = h->n / 2; i >= 0; i--)
        if (i < h->n)
            down(h, ops, ctx, i);
    for (int32_t i = 0; i < h->n; i++)
        ops->set_pos(h->items[i], i, ctx);
}

static void find_first(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                       oq_heap_accept accept, const void *pred_ctx, int32_t pos, int32_t *best)
{
    if (pos >= h->n)
        return;
    /* Everything below an item comes after it: prune once we cannot beat
     * the best accepted item found so far. */
    if (*best >= 0 && oq__heap_cmp_at(h, ops, ctx, pos, *best) >= 0)
        return;
    if (accept(h->items[pos], pred_ctx)) {
        *best = pos;
        return;
    }
    find_first(h, ops, ctx, accept, pred_ctx, 2 * pos + 1, best);
    find_first(h, ops, ctx, accept, pred_ctx, 2 * pos + 2, best);
}

int32_t oq__heap_find_first(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                            oq_heap_accept accept, const void *pred_ctx)
{
    int32_t best = -1;
    find_first(h, ops, ctx, accept, pred_ctx, 0, &best);
    return best;
}

typedef struct first_k {
    const oq_heap *h;
    const oq_heap_ops *ops;
    const void *ctx;
    oq_heap_accept accept;
    const void *pred_ctx;
    int32_t k, n;
    int32_t *out; /* sorted, best first */
} first_k;

static void find_k(first_k *f, int32_t pos)
{
    if (pos >= f->h->n)
        return;
    void *item = f->h->items[pos];
    /* Everything below an item comes after it: once k are found, a subtree
     * whose root cannot beat the k-th adds nothing. */
    if (f->n == f->k && oq__heap_cmp_at(f->h, f->ops, f->ctx, pos, f->out[f->n - 1]) >= 0)
        return;
    if (f->accept(item, f->pred_ctx)) {
        int32_t i = f->n < f->k ? f->n++ : f->n - 1; /* full: the k-th drops out */
        while (i > 0 && oq__heap_cmp_at(f->h, f->ops, f->ctx, pos, f->out[i - 1]) < 0) {
            f->out[i] = f->out[i - 1];
            i--;
        }
        f->out[i] = pos;
    }
    find_k(f, 2 * pos + 1);
    find_k(f, 2 * pos + 2);
}

int32_t oq__heap_find_first_k(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                              oq_heap_accept accept, const void *pred_ctx, int32_t k, int32_t *out)
{
    if (k <= 0)
        return 0;
    first_k f = {h, ops, ctx, accept, pred_ctx, k, 0, out};
    find_k(&f, 0);
    return f.n;
}

int oq__heap_valid(const oq_heap *h, const oq_heap_ops *ops, const void *ctx,
                   oq_heap_get_pos get_pos)
{
    for (int32_t i = 0; i < h->n; i++) {
        if (get_pos(h->items[i], ctx) != i)
            return 0;
        if (i > 0 && oq__heap_cmp_at(h, ops, ctx, i, (i - 1) / 2) < 0)
            return 0;
        if (h->keyed) {
            oq_heap_key key;
            ops->key(h->items[i], ctx, &key);
            if (oq__heap_key_cmp(&key, &h->keys[i]) != 0)
                return 0;
        }
    }
    return 1;
}
