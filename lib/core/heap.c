/* SPDX-License-Identifier: MIT */
#include "core/heap.h"

void oq__heap_free(oq_heap *h, oq_mem *m)
{
    oq__free(m, h->items, (size_t)h->cap * sizeof(void *));
    h->items = NULL;
    h->n = h->cap = 0;
}

int oq__heap_reserve(oq_heap *h, oq_mem *m, int32_t need)
{
    return oq__grow(m, (void **)&h->items, &h->cap, need, sizeof(void *));
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

void oq__heap_push(oq_heap *h, const oq_heap_ops *ops, const void *ctx, void *item)
{
    h->items[h->n++] = item;
    sift_up(h, ops, ctx, h->n - 1);
}

void oq__heap_remove(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    ops->set_pos(h->items[pos], -1, ctx);
    h->n--;
    if (pos == h->n)
        return;
    place(h, ops, ctx, pos, h->items[h->n]);
    oq__heap_update(h, ops, ctx, pos);
}

void oq__heap_update(oq_heap *h, const oq_heap_ops *ops, const void *ctx, int32_t pos)
{
    if (sift_up(h, ops, ctx, pos) == pos)
        sift_down(h, ops, ctx, pos);
}

void oq__heap_rebuild(oq_heap *h, const oq_heap_ops *ops, const void *ctx)
{
    for (int32_t i = h->n / 2; i >= 0; i--)
        if (i < h->n)
            sift_down(h, ops, ctx, i);
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
    if (*best >= 0 && ops->cmp(h->items[pos], h->items[*best], ctx) >= 0)
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
    if (f->n == f->k && f->ops->cmp(item, f->h->items[f->out[f->n - 1]], f->ctx) >= 0)
        return;
    if (f->accept(item, f->pred_ctx)) {
        int32_t i = f->n < f->k ? f->n++ : f->n - 1; /* full: the k-th drops out */
        while (i > 0 && f->ops->cmp(item, f->h->items[f->out[i - 1]], f->ctx) < 0) {
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
        if (i > 0 && ops->cmp(h->items[i], h->items[(i - 1) / 2], ctx) < 0)
            return 0;
    }
    return 1;
}
