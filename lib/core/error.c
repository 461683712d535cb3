/* SPDX-License-Identifier: MIT */
/* The one error shape of engine-less calls (oq_error, core.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

void oq_error_init(oq_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->struct_size = (uint32_t)sizeof *err;
}

/* A NUL at the last byte of a string field the caller's size cuts. */
static void terminate_cut(char *base, size_t n, size_t at, size_t field_size)
{
    if (n > at && n < at + field_size)
        base[n - 1] = '\0';
}

void oq__error_copy(oq_error *dst, const oq_error *src)
{
    if (!dst || dst == src)
        return;
    size_t n = dst->struct_size;
    if (n > sizeof *dst)
        n = sizeof *dst;
    if (n <= sizeof dst->struct_size)
        return;
    /* The caller's struct_size (the first 4 bytes) stays as it set it. */
    memcpy((char *)dst + sizeof dst->struct_size, (const char *)src + sizeof dst->struct_size,
           n - sizeof dst->struct_size);
    terminate_cut((char *)dst, n, offsetof(oq_error, message), sizeof dst->message);
    terminate_cut((char *)dst, n, offsetof(oq_error, path), sizeof dst->path);
}

void oq__error_status(oq_error *dst, oq_status status)
{
    if (dst && dst->struct_size >= offsetof(oq_error, status) + sizeof dst->status)
        dst->status = status;
}

oq_status oq__error_get_status(const oq_error *err)
{
    if (err && err->struct_size >= offsetof(oq_error, status) + sizeof err->status)
        return err->status;
    return OQ_OK;
}

oq_status oq__error(oq_error *err, oq_status status, const char *path, int32_t line,
                    int32_t column, const char *fmt, ...)
{
    if (!err)
        return status;
    oq_error full = OQ_ERROR_INIT;
    oq_error_init(&full);
    full.status = status;
    full.line = line;
    full.column = column;
    if (path)
        snprintf(full.path, sizeof full.path, "%s", path);
    size_t used = 0;
    if (path && line > 0) {
        int n = snprintf(full.message, sizeof full.message, "%s:%d:%d: ", path, (int)line,
                         (int)column);
        used = n > 0 && (size_t)n < sizeof full.message ? (size_t)n : 0;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(full.message + used, sizeof full.message - used, fmt, ap);
    va_end(ap);
    oq__error_copy(err, &full);
    return status;
}
