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

#endif
