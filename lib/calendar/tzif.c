/* SPDX-License-Identifier: MIT */
/* TZif reader (RFC 8536, versions 1 to 4): the file's transition table and
 * footer rule become the calendar's own oq__zone. Every count, index and
 * offset is checked, so a truncated or hostile file is an error, never a
 * read out of bounds. */
#include <string.h>

#include "calendar/internal.h"

#define HEADER_LEN 44
#define MAX_TRANSITIONS (1 << 20)
#define MAX_TYPES 256
#define MAX_CHARS 65536

typedef struct tzif_header {
    int32_t version; /* 1..4 */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_header;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
    return (int64_t)v; /* two's complement on every platform omniq supports */
}

static const char *read_header(const unsigned char *p, size_t avail, tzif_header *h)
{
    if (avail < HEADER_LEN)
        return "truncated header";
    if (memcmp(p, "TZif", 4) != 0)
        return "not a TZif file (no \"TZif\" magic)";
    if (p[4] == 0)
        h->version = 1;
    else if (p[4] >= '2' && p[4] <= '4')
        h->version = p[4] - '0';
    else
        return "unsupported TZif version";
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > MAX_TYPES)
        return "bad count of local time types";
    if (h->charcnt == 0 || h->charcnt > MAX_CHARS)
        return "bad count of designation characters";
    if (h->timecnt > MAX_TRANSITIONS)
        return "too many transitions";
    if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
        return "bad UT/standard indicator count";
    if (h->leapcnt > MAX_TRANSITIONS)
        return "too many leap-second records";
    return NULL;
}

/* Bytes of the data block that follows a header (time_size 4 or 8). */
static size_t block_len(const tzif_header *h, size_t time_size)
{
    return (size_t)h->timecnt * time_size + h->timecnt + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

/* The transitions the calendar can ever need: those of years 1..9999, with
 * a few days' margin. Earlier ones only set the initial offset. */
#define KEEP_MIN_S (OQ__T_MIN / 1000 - 4 * 86400)
#define KEEP_MAX_S (OQ__T_MAX / 1000 + 4 * 86400)

static oq_status parse_block(oq_mem *m, const unsigned char *p, const tzif_header *h,
                             size_t time_size, oq__zone *z, const char **why)
{
    const unsigned char *times = p;
    const unsigned char *idx = times + (size_t)h->timecnt * time_size;
    const unsigned char *types = idx + h->timecnt;
    const unsigned char *isstd = types + (size_t)h->typecnt * 6 + h->charcnt +
                                 (size_t)h->leapcnt * (time_size + 4);
    const unsigned char *isut = isstd + h->isstdcnt;
    if (h->leapcnt > 0) {
        *why = "leap-second zones (the \"right/\" tree) are not supported: use the plain zone";
        return OQ_EINVAL;
    }
    for (uint32_t i = 0; i < h->typecnt; i++) {
        const unsigned char *t = types + 6 * (size_t)i;
        int32_t off = (int32_t)be32(t);
        if (off < OQ__OFFSET_MIN_S || off > OQ__OFFSET_MAX_S) {
            *why = "UT offset out of range (beyond -24:59:59..+25:59:59)";
            return OQ_EINVAL;
        }
        if (t[4] > 1 || t[5] >= h->charcnt) {
            *why = "bad local time type (daylight flag or designation index)";
            return OQ_EINVAL;
        }
        if ((h->isstdcnt && isstd[i] > 1) || (h->isutcnt && isut[i] > 1) ||
            (h->isutcnt && h->isstdcnt && isut[i] && !isstd[i])) {
            *why = "bad standard/UT indicator";
            return OQ_EINVAL;
        }
    }
    /* Before the first transition, type 0 holds (RFC 8536 3.2); a dropped
     * early transition moves that start to its own type. */
    int64_t prev = 0;
    uint32_t keep = 0, first_kept = 0, init = 0;
    for (uint32_t i = 0; i < h->timecnt; i++) {
        int64_t at = time_size == 4 ? (int64_t)(int32_t)be32(times + 4 * (size_t)i)
                                    : be64(times + 8 * (size_t)i);
        if (i > 0 && at <= prev) {
            *why = "transition times not in ascending order";
            return OQ_EINVAL;
        }
        if (idx[i] >= h->typecnt) {
            *why = "transition names a local time type that does not exist";
            return OQ_EINVAL;
        }
        prev = at;
        if (at < KEEP_MIN_S) {
            init = idx[i];
            first_kept = i + 1;
        } else if (at <= KEEP_MAX_S) {
            keep++;
        }
    }
    z->trans = NULL;
    z->n_trans = 0;
    if (keep > 0) {
        z->trans = oq__alloc(m, (size_t)keep * sizeof *z->trans);
        if (!z->trans) {
            *why = "out of memory";
            return OQ_ENOMEM;
        }
        for (uint32_t i = first_kept; i < first_kept + keep; i++) {
            int64_t at = time_size == 4 ? (int64_t)(int32_t)be32(times + 4 * (size_t)i)
                                        : be64(times + 8 * (size_t)i);
            const unsigned char *t = types + 6 * (size_t)idx[i];
            z->trans[z->n_trans++] = (oq__ztrans){at * 1000, (int32_t)be32(t), t[4]};
        }
    }
    z->init_off_s = (int32_t)be32(types + 6 * (size_t)init);
    z->init_dst = types[6 * (size_t)init + 4];
    return OQ_OK;
}

oq_status oq__tzif_parse(oq_mem *m, const unsigned char *buf, size_t len, oq__zone *out,
                         const char **why)
{
    tzif_header h;
    oq__zone z;
    memset(&z, 0, sizeof z);
    if ((*why = read_header(buf, len, &h)) != NULL)
        return OQ_EINVAL;
    size_t pos = HEADER_LEN, blen = block_len(&h, 4);
    if (len - pos < blen) {
        *why = "truncated data block";
        return OQ_EINVAL;
    }
    if (h.version == 1) {
        oq_status st = parse_block(m, buf + pos, &h, 4, &z, why);
        if (st != OQ_OK)
            return st;
        *out = z;
        return OQ_OK;
    }
    pos += blen; /* the 32-bit block is for version-1 readers: use the 64-bit one */
    tzif_header h2;
    if ((*why = read_header(buf + pos, len - pos, &h2)) != NULL)
        return OQ_EINVAL;
    if (h2.version != h.version) {
        *why = "second header's version differs from the first";
        return OQ_EINVAL;
    }
    pos += HEADER_LEN;
    blen = block_len(&h2, 8);
    if (len - pos < blen) {
        *why = "truncated data block";
        return OQ_EINVAL;
    }
    const unsigned char *block = buf + pos;
    pos += blen;
    /* Footer: "\n" TZ-string "\n". */
    const unsigned char *nl = pos < len && buf[pos] == '\n'
                                  ? memchr(buf + pos + 1, '\n', len - pos - 1)
                                  : NULL;
    if (!nl) {
        *why = "missing footer (a version 2+ file ends with \\n TZ-string \\n)";
        return OQ_EINVAL;
    }
    const char *tz = (const char *)buf + pos + 1;
    size_t tzlen = (size_t)(nl - (buf + pos + 1));
    if (tzlen > 0) {
        if (!oq__tzrule_parse(tz, tzlen, &z.rule)) {
            *why = "malformed POSIX TZ string in the footer";
            return OQ_EINVAL;
        }
        z.has_rule = 1;
    }
    oq_status st = parse_block(m, block, &h2, 8, &z, why);
    if (st != OQ_OK)
        return st;
    *out = z;
    return OQ_OK;
}
