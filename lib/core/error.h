/* SPDX-License-Identifier: MIT */
/* Internal: filling the caller's oq_error (core.h), the one error shape of
 * calls that have no engine to hold a message. */
#ifndef OQ_CORE_ERROR_H
#define OQ_CORE_ERROR_H

#include "omniq/core.h"

#if defined(__GNUC__)
#define OQ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define OQ__PRINTF(f, a)
#endif

/* Fill *err (NULL: nothing) and return `status`, so a failing path reads
 * `return oq__error(err, OQ_EINVAL, path, line, col, "...", ...)`. `path` may be
 * NULL; line/column 0 mean "no position". When path and line are given the
 * message is prefixed "path:line:col: ". */
oq_status oq__error(oq_error *err, oq_status status, const char *path, int32_t line,
                    int32_t column, const char *fmt, ...) OQ__PRINTF(6, 7);

/* Write the complete error `src` (struct_size ignored) into the caller's
 * *dst as core.h says: only the first min(dst->struct_size, sizeof) bytes,
 * a cut string still NUL-terminated, dst->struct_size kept. NULL dst: no-op.
 * Every write into a caller's oq_error goes through here. */
void oq__error_copy(oq_error *dst, const oq_error *src);

/* Set only the status of an error already written into *dst (NULL: no-op;
 * nothing when dst's size does not reach the status). */
void oq__error_status(oq_error *dst, oq_status status);

/* Read back the status of the caller's *err (OQ_OK when err is NULL or its
 * size does not reach the status): never reads past its struct_size. */
oq_status oq__error_get_status(const oq_error *err);

#endif
