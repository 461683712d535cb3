/* SPDX-License-Identifier: MIT */
/* The one error shape of engine-less calls (oq_error, core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

oq_status oq__error(oq_error *err, oq_status status, const char *path, int32_t line,
                    int32_t column, const char *fmt, ...)
{
    if (!err)
        return status;
    memset(err, 0, sizeof *err);
    err->status = status;
    err->line = line;
    err->column = column;
    if (path)
        snprintf(err->path, sizeof err->path, "%s", path);
    size_t used = 0;
    if (path && line > 0) {
        int n = snprintf(err->message, sizeof err->message, "%s:%d:%d: ", path, (int)line,
                         (int)column);
        used = n > 0 && (size_t)n < sizeof err->message ? (size_t)n : 0;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
    return status;
}
