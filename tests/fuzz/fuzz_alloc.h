/* SPDX-License-Identifier: MIT */
/* Counting allocator for the fuzz targets: every block carries a header with
 * its size, so a wrong old_size from the engine aborts at once; live bytes and
 * blocks are counted (a leak aborts at the end of an input); the fail_at-th
 * allocation (1-based, 0 = never) returns NULL to exercise OQ_ENOMEM paths. */
#ifndef OQ_FUZZ_ALLOC_H
#define OQ_FUZZ_ALLOC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fuzz_alloc {
    int64_t live_bytes;
    int64_t live_blocks;
    int64_t n_allocs; /* allocations attempted (incl. growing reallocs) */
    int64_t fail_at;
    int64_t n_failed;
} fuzz_alloc;

#define FUZZ_HDR 16 /* keeps max_align_t alignment */

static void fuzz_die(const char *what)
{
    fprintf(stderr, "FUZZ INVARIANT FAILED: %s\n", what);
    fflush(stderr);
    abort();
}

static void *fuzz_alloc_fn(void *ptr, size_t old_size, size_t new_size, void *user)
{
    fuzz_alloc *a = user;
    unsigned char *base = ptr ? (unsigned char *)ptr - FUZZ_HDR : NULL;
    if (base) {
        size_t recorded;
        memcpy(&recorded, base, sizeof recorded);
        if (recorded != old_size)
            fuzz_die("allocator hook: old_size differs from the size allocated");
    }
    if (new_size == 0) {
        if (base) {
            a->live_bytes -= (int64_t)old_size;
            a->live_blocks--;
            free(base);
        }
        return NULL;
    }
    if (!ptr || new_size > old_size) {
        a->n_allocs++;
        if (a->fail_at > 0 && a->n_allocs == a->fail_at) {
            a->n_failed++;
            return NULL;
        }
    }
    if (new_size > SIZE_MAX - FUZZ_HDR)
        return NULL;
    unsigned char *nb = realloc(base, new_size + FUZZ_HDR);
    if (!nb)
        return NULL;
    memcpy(nb, &new_size, sizeof new_size);
    if (!ptr)
        a->live_blocks++;
    a->live_bytes += (int64_t)new_size - (int64_t)(ptr ? old_size : 0);
    return nb + FUZZ_HDR;
}

#endif
