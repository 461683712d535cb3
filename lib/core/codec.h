/* SPDX-License-Identifier: MIT */
/* Internal: little-endian encoding for snapshots and journal records, with a
 * running CRC-32 (IEEE 802.3, reflected 0xEDB88320). Writers either stream
 * through the host's oq_write_fn (in 4 KiB chunks) or fill a fixed buffer;
 * readers walk a buffer and stop at the first error, which they describe with
 * the byte offset. */
#ifndef OQ_CORE_CODEC_H
#define OQ_CORE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "omniq/core.h"

uint32_t oq__crc32(uint32_t crc, const void *data, size_t len);

/* A byte sink: the same shape as the public oq_write_fn (snapshot.h), which
 * the snapshot module passes straight in. */
typedef oq_status (*oq__write_fn)(const void *data, size_t len, void *user);

typedef struct oq_wr {
    oq__write_fn fn;      /* NULL: write into buf (fixed capacity cap) */
    void *user;
    uint8_t *buf;
    size_t n, cap;
    uint64_t total;       /* bytes produced so far */
    uint32_t crc;         /* over every byte produced */
    oq_status st;         /* first error (sticky) */
    uint8_t chunk[4096];
} oq_wr;

void oq__wr_bytes(oq_wr *w, const void *p, size_t len);
void oq__wr_flush(oq_wr *w);
void oq__wr_u8(oq_wr *w, uint8_t v);
void oq__wr_u32(oq_wr *w, uint32_t v);
void oq__wr_i32(oq_wr *w, int32_t v);
void oq__wr_u64(oq_wr *w, uint64_t v);
void oq__wr_i64(oq_wr *w, int64_t v);
void oq__wr_f64(oq_wr *w, double v);
/* u32 length (0xFFFFFFFF = NULL) then the bytes, no NUL. */
void oq__wr_str(oq_wr *w, const char *s);
void oq__wr_tag(oq_wr *w, const char tag[4]);

typedef struct oq_rd {
    const uint8_t *p;
    size_t len, off;
    int bad;              /* an error was recorded */
    char *err;            /* message buffer (errsize bytes) */
    size_t errsize;
} oq_rd;

/* Record an error at the current offset (first one wins); returns 0. */
int oq__rd_fail(oq_rd *r, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int oq__rd_bytes(oq_rd *r, void *out, size_t len);
uint8_t oq__rd_u8(oq_rd *r);
uint32_t oq__rd_u32(oq_rd *r);
int32_t oq__rd_i32(oq_rd *r);
uint64_t oq__rd_u64(oq_rd *r);
int64_t oq__rd_i64(oq_rd *r);
double oq__rd_f64(oq_rd *r);
/* An i32 in [lo, hi], else an error naming `what`. */
int32_t oq__rd_range(oq_rd *r, int32_t lo, int32_t hi, const char *what);
/* A count in [0, hi] that also fits the bytes left at `min_each` bytes per item. */
int32_t oq__rd_count(oq_rd *r, int32_t hi, size_t min_each, const char *what);
/* A string: *s points into the input (not NUL-terminated), *len its length;
 * *is_null for NULL. At most max_len bytes. */
int oq__rd_str(oq_rd *r, size_t max_len, const char **s, size_t *len, int *is_null, const char *what);
int oq__rd_tag(oq_rd *r, const char tag[4]);

/* Range-checked 64-bit reads, so later arithmetic on them cannot overflow
 * and every restored time is one the public API could have produced:
 * - the clock: 0..INT64_MAX (start_ms >= 0; oq_engine_advance goes as far
 *   as INT64_MAX) - exactly the range the API accepts;
 * - an instant the clock has passed (arrival, last offer, state change):
 *   0..now (0 also stands for "not yet");
 * - a moment the host gave or the engine computed (deadline, due time,
 *   reservation end, saturated at INT64_MAX for "never"): 0..INT64_MAX;
 * - a count the engine increments by one: 0..2^62 (never reached);
 * - a sum of milliseconds (saturating at INT64_MAX): 0..INT64_MAX. */
#define OQ_SANE64 ((int64_t)1 << 62)
int64_t oq__rd_i64_in(oq_rd *r, int64_t lo, int64_t hi, const char *what);
int64_t oq__rd_clock(oq_rd *r, const char *what);
int64_t oq__rd_past(oq_rd *r, int64_t now, const char *what);
int64_t oq__rd_instant(oq_rd *r, const char *what);
int64_t oq__rd_n64(oq_rd *r, const char *what);
int64_t oq__rd_sum64(oq_rd *r, const char *what);

#endif
