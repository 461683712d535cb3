/* SPDX-License-Identifier: MIT */
/* Internal: the versioned structs of the public API (the policy is in
 * include/omniq/core.h). Every public struct whose first field is
 * `struct_size` goes through these helpers, so the rule (accepted sizes, the
 * message naming the struct, what is copied) is written once. */
#ifndef OQ_CORE_ABI_H
#define OQ_CORE_ABI_H

#include <stddef.h>

#include "omniq/core.h"

/* Where `field` of `type` ends: the smallest struct_size a versioned struct
 * accepts is OQ__FIELD_END(type, <its first field after struct_size>). */
#define OQ__FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* Room for a message of oq__struct_size_check (names are short). */
#define OQ__ABI_MSG 192

/* Check the struct_size a caller set in `caller` (a struct of `name`, e.g.
 * "oq_engine_options", whose full size in this library is `full_size` and
 * whose alignment is `align`): OQ_OK when min_size <= struct_size <=
 * full_size and struct_size is full_size or a multiple of align (where an
 * older header's struct ends), else OQ_EINVAL with
 * why = "oq_engine_options.struct_size: 4 is below ..." (why may be NULL).
 * `caller` must not be NULL. */
oq_status oq__struct_size_check(const void *caller, size_t full_size, size_t align,
                                size_t min_size, const char *name, char why[OQ__ABI_MSG]);

/* Input struct: `dst` (full_size bytes) already holds the defaults of the
 * struct's _init function; copy the caller's prefix (its struct_size bytes)
 * over them, so the fields an older header does not know keep their
 * defaults, and set dst's struct_size to full_size. Checks the size first
 * (oq__struct_size_check); on failure dst is untouched. */
oq_status oq__options_copy(void *dst, const void *src, size_t full_size, size_t align,
                           size_t min_size, const char *name, char why[OQ__ABI_MSG]);

/* oq__options_copy over `type`'s defaults: `dst` is first filled by
 * type_init, and the smallest size accepted is the end of `first`, the
 * struct's first field after struct_size. */
#define OQ__OPTIONS_COPY(dst, src, type, first, why) \
    ((void)type##_init(dst), oq__options_copy((dst), (src), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type, (why)))

/* oq__struct_size_check for a struct of `type` whose first field after
 * struct_size is `first`. */
#define OQ__SIZE_CHECK(caller, type, first, why) \
    oq__struct_size_check((caller), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type, (why))

/* Output struct: write the prefix of `full` (full_size bytes, its own
 * struct_size ignored) that fits the caller's struct `out`, whose
 * struct_size was checked; the caller's struct_size stays as it set it and
 * the bytes past it are not touched. */
void oq__output_copy(void *out, const void *full, size_t full_size);

/* A getter with no engine to hold a message (planning objects): check the
 * caller's struct_size in `out` (NULL out: OQ_EINVAL), then write the prefix
 * of `full` that fits (oq__output_copy). On failure *err (may be NULL) names
 * the struct and *out is untouched. */
oq_status oq__output_put(void *out, const void *full, size_t full_size, size_t align,
                         size_t min_size, const char *name, oq_error *err);

/* The check of oq__output_put alone (NULL out, struct_size), for a call
 * that must refuse a bad size before it does its work. */
oq_status oq__output_check(const void *out, size_t full_size, size_t align, size_t min_size,
                           const char *name, oq_error *err);
#define OQ__OUTPUT_CHECK(out, type, first, err) \
    oq__output_check((out), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type, (err))

/* oq__output_put for a struct of `type` whose first field after struct_size
 * is `first`. */
#define OQ__OUTPUT_PUT(out, full, type, first, err) \
    oq__output_put((out), (full), sizeof(type), _Alignof(type), OQ__FIELD_END(type, first), #type, (err))

/* The checks a getter of a planning result makes before OQ__OUTPUT_PUT:
 * oq__getter_null when the object is NULL ("fn: object is NULL"),
 * oq__getter_range when index `what` = i is not in 0 .. n - 1 ("fn: what i
 * out of range (n)"). Both OQ_EINVAL, the message in *err (may be NULL). */
oq_status oq__getter_null(oq_error *err, const char *fn, const char *object);
oq_status oq__getter_range(oq_error *err, const char *fn, const char *what, int32_t i, int32_t n);

#endif
