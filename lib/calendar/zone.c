/* SPDX-License-Identifier: MIT */
/* Time zones: "UTC", fixed offsets and IANA zones read once from the tz
 * database, then queried without the C library's global time-zone state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/internal.h"
#include "core/error.h"

#define ZONE_NAME_MAX 255
#define TZIF_MAX_BYTES (1 << 20)

/* "+08:00" / "-05:30": 1 and the offset east of UTC in seconds. */
static int fixed_offset(const char *s, int32_t *off_s)
{
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
        return 0;
    for (int i = 1; i < 6; i++)
        if (i != 3 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int32_t h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
    if (h > 23 || m > 59)
        return 0;
    *off_s = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 1;
}

/* An IANA name is a relative path of [A-Za-z0-9._+-] components, none of
 * them "." or ".." (no escaping the tz directory). */
static int plausible_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > ZONE_NAME_MAX || s[0] == '/' || s[len - 1] == '/')
        return 0;
    const char *comp = s;
    for (const char *p = s;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - comp);
            if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
                return 0;
            if (*p == '\0')
                return 1;
            comp = p + 1;
            continue;
        }
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '+' || ch == '.'))
            return 0;
    }
}

/* Read `path` whole into a block of *cap bytes (free it with that size). */
static oq_status read_file(oq_mem *m, const char *path, const char *zone, unsigned char **buf,
                           size_t *len, size_t *cap_out, oq_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return oq__error(err, OQ_EINVAL, path, 0, 0,
                             "unknown time zone '%s' (no file %s in the tz database; "
                             "is the tzdata package installed?)", zone, path);
        return oq__error(err, OQ_EINVAL, path, 0, 0, "time zone '%s': cannot open %s: %s", zone,
                         path, strerror(e));
    }
    size_t cap = 4096, n = 0;
    unsigned char *b = oq__alloc(m, cap);
    oq_status st = OQ_OK;
    if (!b)
        st = OQ_ENOMEM;
    while (st == OQ_OK) {
        if (n == cap) {
            if (cap >= TZIF_MAX_BYTES) {
                st = oq__error(err, OQ_EINVAL, path, 0, 0,
                               "time zone '%s': %s is larger than %d bytes: not a TZif file", zone,
                               path, TZIF_MAX_BYTES);
                break;
            }
            unsigned char *b2 = oq__realloc(m, b, cap, cap * 2);
            if (!b2) {
                st = OQ_ENOMEM;
                break;
            }
            b = b2;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f))
                st = oq__error(err, OQ_EINVAL, path, 0, 0, "time zone '%s': cannot read %s: %s",
                               zone, path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (st == OQ_ENOMEM)
        oq__error(err, OQ_ENOMEM, path, 0, 0, "time zone '%s': out of memory", zone);
    if (st != OQ_OK) {
        oq__free(m, b, cap);
        return st;
    }
    *buf = b;
    *len = n;
    *cap_out = cap;
    return OQ_OK;
}

oq_status oq__zone_load(oq_mem *m, const char *name, const char *tzdir, oq__zone *out,
                        oq_error *err)
{
    memset(out, 0, sizeof *out);
    int32_t off = 0;
    if (strcmp(name, "UTC") == 0 || fixed_offset(name, &off)) {
        out->init_off_s = off;
        return OQ_OK;
    }
    if (!plausible_name(name))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "unknown time zone '%.255s' (expected an IANA name such as "
                         "\"Europe/London\", \"UTC\" or an offset such as \"+08:00\")", name);
    if (!tzdir || !*tzdir)
        tzdir = getenv("TZDIR"); /* read only; the environment is not modified by omniq */
    if (!tzdir || !*tzdir)
        tzdir = "/usr/share/zoneinfo";
    char path[1024];
    int w = snprintf(path, sizeof path, "%s/%s", tzdir, name);
    if (w < 0 || (size_t)w >= sizeof path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "time zone '%s': path %s/%s is too long", name,
                         tzdir, name);
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    oq_status st = read_file(m, path, name, &buf, &len, &cap, err);
    if (st != OQ_OK)
        return st;
    const char *why = NULL;
    st = oq__tzif_parse(m, buf, len, out, &why);
    oq__free(m, buf, cap);
    if (st != OQ_OK)
        return oq__error(err, st, path, 0, 0, "time zone '%s': %s: %s", name, path,
                         st == OQ_ENOMEM ? "out of memory" : why);
    return OQ_OK;
}

oq_status oq__zone_copy(oq_mem *m, const oq__zone *src, oq__zone *dst)
{
    *dst = *src;
    dst->trans = NULL;
    if (src->n_trans > 0) {
        dst->trans = oq__alloc(m, (size_t)src->n_trans * sizeof *dst->trans);
        if (!dst->trans)
            return OQ_ENOMEM;
        memcpy(dst->trans, src->trans, (size_t)src->n_trans * sizeof *dst->trans);
    }
    return OQ_OK;
}

static const char *tzdate_check(const oq__tzdate *d)
{
    int ok = d->kind == 'J'   ? d->a >= 1 && d->a <= 365
             : d->kind == 'N' ? d->a >= 0 && d->a <= 365
             : d->kind == 'M' ? d->a >= 1 && d->a <= 12 && d->b >= 1 && d->b <= 5 && d->c >= 0 && d->c <= 6
                              : 0;
    if (!ok)
        return "rule date out of range";
    if (d->time_s < -167 * 3600 - 3599 || d->time_s > 167 * 3600 + 3599)
        return "rule time out of range";
    return NULL;
}

const char *oq__zone_check(const oq__zone *z)
{
    const int64_t lim = (int64_t)1 << 62;
    if (z->n_trans < 0 || (z->n_trans > 0 && !z->trans))
        return "bad transition count";
    if (z->init_off_s < OQ__OFFSET_MIN_S || z->init_off_s > OQ__OFFSET_MAX_S)
        return "initial offset out of range";
    if (z->init_dst != 0 && z->init_dst != 1)
        return "initial DST flag not 0 or 1";
    for (int32_t i = 0; i < z->n_trans; i++) {
        const oq__ztrans *t = &z->trans[i];
        if (t->at_ms < -lim || t->at_ms > lim || (i > 0 && t->at_ms <= z->trans[i - 1].at_ms))
            return "transitions out of range or not ascending";
        if (t->off_s < OQ__OFFSET_MIN_S || t->off_s > OQ__OFFSET_MAX_S)
            return "transition offset out of range";
        if (t->is_dst != 0 && t->is_dst != 1)
            return "transition DST flag not 0 or 1";
    }
    if (z->has_rule != 0 && z->has_rule != 1)
        return "rule flag not 0 or 1";
    if (!z->has_rule)
        return NULL;
    const oq__tzrule *r = &z->rule;
    const int32_t day = 24 * 3600 + 59 * 60 + 59;
    if (r->std_off_s < -day || r->std_off_s > day || r->dst_off_s < -day ||
        r->dst_off_s > day + 3600)
        return "rule offset out of range";
    if (r->has_dst != 0 && r->has_dst != 1)
        return "rule DST flag not 0 or 1";
    if (!r->has_dst)
        return NULL;
    const char *why = tzdate_check(&r->start);
    return why ? why : tzdate_check(&r->end);
}

void oq__zone_free(oq_mem *m, oq__zone *z)
{
    oq__free(m, z->trans, (size_t)z->n_trans * sizeof *z->trans);
    z->trans = NULL;
    z->n_trans = 0;
}

void oq__zone_segment(const oq__zone *z, int64_t t_ms, oq__zseg *out)
{
    int32_t n = z->n_trans;
    if (n == 0 || t_ms < z->trans[0].at_ms) {
        if (n == 0 && z->has_rule) {
            oq__tzrule_segment(&z->rule, t_ms, out);
            return;
        }
        out->start = INT64_MIN;
        out->end = n ? z->trans[0].at_ms : INT64_MAX;
        out->off_ms = (int64_t)z->init_off_s * 1000;
        out->is_dst = z->init_dst;
        return;
    }
    int32_t lo = 0, hi = n - 1; /* the last transition at or before t_ms */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo + 1) / 2;
        if (z->trans[mid].at_ms <= t_ms)
            lo = mid;
        else
            hi = mid - 1;
    }
    const oq__ztrans *tr = &z->trans[lo];
    if (lo == n - 1 && z->has_rule) {
        oq__tzrule_segment(&z->rule, t_ms, out);
        if (out->start < tr->at_ms)
            out->start = tr->at_ms;
        return;
    }
    out->start = tr->at_ms;
    out->end = lo + 1 < n ? z->trans[lo + 1].at_ms : INT64_MAX;
    out->off_ms = (int64_t)tr->off_s * 1000;
    out->is_dst = tr->is_dst;
}

int64_t oq__zone_from_local(const oq__zone *z, int64_t local_ms)
{
    /* Walk the segments whose local times can reach local_ms (offsets stay
     * within -25 h .. +26 h) in time order: the first one holding it gives
     * the earliest instant; a segment that starts past it means local_ms was
     * skipped, and that segment's start ends the gap. */
    int64_t t = local_ms - (int64_t)(OQ__OFFSET_MAX_S + 1) * 1000;
    for (;;) {
        oq__zseg s;
        oq__zone_segment(z, t, &s);
        int64_t x = local_ms - s.off_ms;
        if (x < s.start)
            return s.start;
        if (x < s.end)
            return x;
        t = s.end;
    }
}
