/* SPDX-License-Identifier: MIT */
/* Little-endian encoding with a running CRC-32 (see codec.h). */
#include "core/codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

/* Coverage-guided fuzzing (tests/fuzz) gains nothing from tracing this loop
 * byte by byte, and it cost a fifth of fuzz_snapshot's time. */
#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(no_sanitize)
__attribute__((no_sanitize("coverage")))
#endif
#endif
uint32_t oq__crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}

/* ---- writing ------------------------------------------------------------------ */

void oq__wr_flush(oq_wr *w)
{
    if (w->fn && w->n > 0 && w->st == OQ_OK) {
        oq_status st = w->fn(w->chunk, w->n, w->user);
        if (st != OQ_OK)
            w->st = st;
    }
    if (w->fn)
        w->n = 0;
}

void oq__wr_bytes(oq_wr *w, const void *p, size_t len)
{
    if (w->st != OQ_OK || len == 0)
        return;
    w->crc = oq__crc32(w->crc, p, len);
    w->total += len;
    const uint8_t *s = p;
    if (!w->fn) {
        if (len > w->cap - w->n) {
            w->st = OQ_ERANGE;
            return;
        }
        memcpy(w->buf + w->n, s, len);
        w->n += len;
        return;
    }
    while (len > 0 && w->st == OQ_OK) {
        size_t room = sizeof w->chunk - w->n, k = len < room ? len : room;
        memcpy(w->chunk + w->n, s, k);
        w->n += k;
        s += k;
        len -= k;
        if (w->n == sizeof w->chunk)
            oq__wr_flush(w);
    }
}

void oq__wr_u8(oq_wr *w, uint8_t v) { oq__wr_bytes(w, &v, 1); }

void oq__wr_u32(oq_wr *w, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    oq__wr_bytes(w, b, 4);
}

void oq__wr_i32(oq_wr *w, int32_t v) { oq__wr_u32(w, (uint32_t)v); }

void oq__wr_u64(oq_wr *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    oq__wr_bytes(w, b, 8);
}

void oq__wr_i64(oq_wr *w, int64_t v) { oq__wr_u64(w, (uint64_t)v); }

void oq__wr_f64(oq_wr *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    oq__wr_u64(w, u);
}

void oq__wr_str(oq_wr *w, const char *s)
{
    if (!s) {
        oq__wr_u32(w, 0xFFFFFFFFu);
        return;
    }
    size_t n = strlen(s);
    oq__wr_u32(w, (uint32_t)n);
    oq__wr_bytes(w, s, n);
}

void oq__wr_tag(oq_wr *w, const char tag[4]) { oq__wr_bytes(w, tag, 4); }

/* ---- reading ------------------------------------------------------------------ */

int oq__rd_fail(oq_rd *r, const char *fmt, ...)
{
    if (r->bad)
        return 0;
    r->bad = 1;
    if (r->err && r->errsize) {
        int k = snprintf(r->err, r->errsize, "at byte %zu: ", r->off);
        if (k > 0 && (size_t)k < r->errsize) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + k, r->errsize - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return 0;
}

int oq__rd_bytes(oq_rd *r, void *out, size_t len)
{
    if (r->bad)
        return 0;
    if (len > r->len - r->off)
        return oq__rd_fail(r, "truncated: %zu bytes needed, %zu left", len, r->len - r->off);
    if (out)
        memcpy(out, r->p + r->off, len);
    r->off += len;
    return 1;
}

uint8_t oq__rd_u8(oq_rd *r)
{
    uint8_t b = 0;
    oq__rd_bytes(r, &b, 1);
    return b;
}

uint32_t oq__rd_u32(oq_rd *r)
{
    uint8_t b[4] = {0};
    if (!oq__rd_bytes(r, b, 4))
        return 0;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int32_t oq__rd_i32(oq_rd *r) { return (int32_t)oq__rd_u32(r); }

uint64_t oq__rd_u64(oq_rd *r)
{
    uint8_t b[8] = {0};
    if (!oq__rd_bytes(r, b, 8))
        return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

int64_t oq__rd_i64(oq_rd *r) { return (int64_t)oq__rd_u64(r); }

double oq__rd_f64(oq_rd *r)
{
    uint64_t u = oq__rd_u64(r);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

int32_t oq__rd_range(oq_rd *r, int32_t lo, int32_t hi, const char *what)
{
    size_t at = r->off;
    int32_t v = oq__rd_i32(r);
    if (r->bad)
        return lo;
    if (v < lo || v > hi) {
        r->off = at;
        oq__rd_fail(r, "%s %d out of range %d..%d", what, v, lo, hi);
        return lo;
    }
    return v;
}

int32_t oq__rd_count(oq_rd *r, int32_t hi, size_t min_each, const char *what)
{
    size_t at = r->off;
    int32_t v = oq__rd_range(r, 0, hi, what);
    if (!r->bad && min_each && (size_t)v > (r->len - r->off) / min_each) {
        r->off = at;
        oq__rd_fail(r, "%s %d exceeds what the remaining bytes can hold", what, v);
        return 0;
    }
    return v;
}

int oq__rd_str(oq_rd *r, size_t max_len, const char **s, size_t *len, int *is_null, const char *what)
{
    size_t at = r->off;
    uint32_t n = oq__rd_u32(r);
    *s = NULL;
    *len = 0;
    *is_null = 0;
    if (r->bad)
        return 0;
    if (n == 0xFFFFFFFFu) {
        *is_null = 1;
        return 1;
    }
    if (n > max_len) {
        r->off = at;
        return oq__rd_fail(r, "%s: string of %u bytes is longer than %zu", what, n, max_len);
    }
    if (n > r->len - r->off) {
        r->off = at;
        return oq__rd_fail(r, "%s: truncated string", what);
    }
    *s = (const char *)r->p + r->off;
    *len = n;
    if (memchr(*s, 0, n)) {
        r->off = at;
        return oq__rd_fail(r, "%s: string holds a NUL byte", what);
    }
    r->off += n;
    return 1;
}

int oq__rd_tag(oq_rd *r, const char tag[4])
{
    size_t at = r->off;
    char got[4] = {0};
    if (!oq__rd_bytes(r, got, 4))
        return 0;
    if (memcmp(got, tag, 4) != 0) {
        r->off = at;
        return oq__rd_fail(r, "expected section '%.4s'", tag);
    }
    return 1;
}

int64_t oq__rd_i64_in(oq_rd *r, int64_t lo, int64_t hi, const char *what)
{
    size_t at = r->off;
    int64_t v = oq__rd_i64(r);
    if (r->bad)
        return lo;
    if (v < lo || v > hi) {
        r->off = at;
        oq__rd_fail(r, "%s %lld out of range %lld..%lld", what, (long long)v, (long long)lo, (long long)hi);
        return lo;
    }
    return v;
}

int64_t oq__rd_clock(oq_rd *r, const char *what) { return oq__rd_i64_in(r, 0, INT64_MAX, what); }
int64_t oq__rd_past(oq_rd *r, int64_t now, const char *what) { return oq__rd_i64_in(r, 0, now, what); }
int64_t oq__rd_instant(oq_rd *r, const char *what) { return oq__rd_i64_in(r, 0, INT64_MAX, what); }
int64_t oq__rd_n64(oq_rd *r, const char *what) { return oq__rd_i64_in(r, 0, OQ_SANE64, what); }
int64_t oq__rd_sum64(oq_rd *r, const char *what) { return oq__rd_i64_in(r, 0, INT64_MAX, what); }
