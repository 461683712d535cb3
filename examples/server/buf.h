/* SPDX-License-Identifier: MIT */
/* A growable byte buffer (output lines, journal batches). Aborts the
 * process on out-of-memory: the server cannot keep its promises without
 * memory, and a restart replays the durable state. */
#ifndef SERVER_BUF_H
#define SERVER_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

void buf_free(buf *b);
void buf_reserve(buf *b, size_t extra);
void buf_put(buf *b, const void *data, size_t len);
void buf_puts(buf *b, const char *s);
void buf_printf(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Drop the first n bytes. */
void buf_consume(buf *b, size_t n);

#endif
