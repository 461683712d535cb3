/* SPDX-License-Identifier: MIT */
/* The versioned structs of the public API: see abi.h and core.h. */
#include "core/abi.h"
#include "core/error.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* struct_size is the first field of every versioned struct (uint32_t; the
 * int32_t of oq_staffing_options reads the same for every valid size). */
static uint32_t caller_size(const void *caller)
{
    uint32_t n;
    memcpy(&n, caller, sizeof n);
    return n;
}

oq_status oq__struct_size_check(const void *caller, size_t full_size, size_t align,
                                size_t min_size, const char *name, char why[OQ__ABI_MSG])
{
    uint32_t n = caller_size(caller);
    /* An older header's struct ends where its sizeof does: a multiple of the
     * struct's alignment (_Alignof: 8 for a struct with a pointer, double or
     * int64, 4 for one of int32 only). Any other size would cut a field of
     * this library's struct in two — half a pointer copied over its default
     * — so it is refused. */
    size_t granule = align ? align : 1;
    if (n >= min_size && n <= full_size && (n == full_size || n % granule == 0))
        return OQ_OK;
    if (why) {
        if (n >= min_size && n <= full_size)
            snprintf(why, OQ__ABI_MSG,
                     "%s.struct_size: %lu is not a multiple of %lu (no header's struct ends there)",
                     name, (unsigned long)n, (unsigned long)granule);
        else if (n > full_size)
            snprintf(why, OQ__ABI_MSG,
                     "%s.struct_size: %lu is larger than this library's %lu (a header newer "
                     "than the library?)",
                     name, (unsigned long)n, (unsigned long)full_size);
        else
            snprintf(why, OQ__ABI_MSG,
                     "%s.struct_size: %lu is below the smallest accepted, %lu (not set: call "
                     "the struct's _init)",
                     name, (unsigned long)n, (unsigned long)min_size);
    }
    return OQ_EINVAL;
}

oq_status oq__options_copy(void *dst, const void *src, size_t full_size, size_t align,
                           size_t min_size, const char *name, char why[OQ__ABI_MSG])
{
    oq_status st = oq__struct_size_check(src, full_size, align, min_size, name, why);
    if (st != OQ_OK)
        return st;
    memcpy(dst, src, caller_size(src));
    uint32_t full = (uint32_t)full_size;
    memcpy(dst, &full, sizeof full);
    return OQ_OK;
}

void oq__output_copy(void *out, const void *full, size_t full_size)
{
    uint32_t n = caller_size(out);
    if (n > full_size)
        n = (uint32_t)full_size;
    /* The caller's struct_size (the first 4 bytes) is kept as it is. */
    if (n > sizeof n)
        memcpy((char *)out + sizeof n, (const char *)full + sizeof n, n - sizeof n);
}

oq_status oq__getter_null(oq_error *err, const char *fn, const char *object)
{
    return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: %s is NULL", fn, object);
}

oq_status oq__getter_range(oq_error *err, const char *fn, const char *what, int32_t i, int32_t n)
{
    return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: %s %d out of range (%d)", fn, what, (int)i,
                     (int)n);
}

oq_status oq__output_check(const void *out, size_t full_size, size_t align, size_t min_size,
                           const char *name, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: out is NULL", name);
    if (oq__struct_size_check(out, full_size, align, min_size, name, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s", why);
    return OQ_OK;
}

oq_status oq__output_put(void *out, const void *full, size_t full_size, size_t align,
                         size_t min_size, const char *name, oq_error *err)
{
    oq_status st = oq__output_check(out, full_size, align, min_size, name, err);
    if (st == OQ_OK)
        oq__output_copy(out, full, full_size);
    return st;
}
