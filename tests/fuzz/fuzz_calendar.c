/* SPDX-License-Identifier: MIT */
/* libFuzzer target: calendars.
 *
 * An input that starts with "TZif" is a time-zone file: it is written to a
 * private tz directory and loaded as a calendar's zone. Any other input is a
 * calendar YAML document, loaded with oq_calendar_ids_buffer and then
 * oq_calendar_load_buffer for the first and the last id. Loaders must return documented
 * statuses with NUL-terminated messages and leave *out untouched on failure.
 * Every calendar that loads is queried at instants drawn from the input and
 * must be self-consistent: to_local/from_local agree (from_local gives the
 * earliest instant of a local time), is_open agrees with next_open and
 * next_close, business_ms and add_business_ms invert each other, and a copy
 * answers the same. All calendar memory goes through a counting allocator
 * (a leak or a wrong old_size aborts); a second pass fails the N-th
 * allocation. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "omniq/omniq.h"
#include "fuzz_alloc.h"

#define DAY ((int64_t)OQ_MS_PER_DAY)

static char g_tzdir[64]; /* private tz database holding the zone "F/Zone" */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

static void check_error(oq_status st, const oq_error *err, const char *what)
{
    if (st == OQ_OK)
        return;
    if (st != OQ_EINVAL && st != OQ_ECONFIG && st != OQ_ENOMEM && st != OQ_ENOTFOUND) {
        fprintf(stderr, "%s: %s: %s\n", what, oq_status_name(st), err->message);
        fuzz_die("undocumented status");
    }
    if (err->status != st) {
        fprintf(stderr, "%s: returned %s, oq_error.status %s: %s\n", what, oq_status_name(st),
                oq_status_name(err->status), err->message);
        fuzz_die("oq_error.status differs from the status returned");
    }
    if (!memchr(err->message, '\0', sizeof err->message) || !memchr(err->path, '\0', sizeof err->path))
        fuzz_die("oq_error text not NUL-terminated");
    if (!err->message[0])
        fuzz_die("an error without a message");
}

static void expect(int ok, const char *what)
{
    if (!ok)
        fuzz_die(what);
}

/* Local time of t as one number of local milliseconds. */
static int64_t local_of(const oq_calendar *cal, int64_t t)
{
    oq_local_time lt;
    expect(oq_calendar_to_local(cal, t, &lt) == OQ_OK, "to_local failed in range");
    expect(lt.ms_of_day >= 0 && lt.ms_of_day < DAY, "ms_of_day out of range");
    expect(lt.utc_offset_s > -26 * 3600 && lt.utc_offset_s < 26 * 3600, "offset out of range");
    expect((int64_t)lt.date * DAY + lt.ms_of_day == t + (int64_t)lt.utc_offset_s * 1000,
           "local time is not UTC + offset");
    return (int64_t)lt.date * DAY + lt.ms_of_day;
}

static void query(const oq_calendar *cal, const oq_calendar *copy, uint64_t seed)
{
    for (int i = 0; i < 6; i++) {
        seed = mix64(seed + (uint64_t)i);
        /* 1900 .. 2150, now and then near year 1 or 9999. */
        int64_t t = -2208988800000LL + (int64_t)(seed % (uint64_t)(250 * 365 * DAY));
        if (i == 4)
            t = -62135596800000LL + 2 * DAY + (int64_t)(seed % (uint64_t)(30 * DAY));
        if (i == 5)
            t = 253402300799999LL - 40 * DAY + (int64_t)(seed % (uint64_t)(30 * DAY));

        /* to_local / from_local */
        int64_t loc = local_of(cal, t), back = 0;
        oq_local_time lt;
        oq_calendar_to_local(cal, t, &lt);
        if (oq_calendar_from_local(cal, lt.date, lt.ms_of_day, &back) == OQ_OK) {
            expect(back <= t, "from_local(to_local(t)) is after t");
            expect(local_of(cal, back) == loc, "from_local gives another local time");
        }

        int32_t open = -1;
        expect(oq_calendar_is_open(cal, t, &open) == OQ_OK, "is_open failed");
        int64_t nopen = 0, nclose = 0;
        oq_status so = oq_calendar_next_open(cal, t, &nopen);
        oq_status sc = oq_calendar_next_close(cal, t, &nclose);
        expect(so == OQ_OK || so == OQ_ENOTFOUND, "next_open status");
        expect(sc == so, "next_close and next_open disagree on finding an opening");
        if (open)
            expect(so == OQ_OK && nopen == t, "open, but next_open is not now");
        if (so == OQ_OK) {
            int32_t o2 = -1;
            expect(nopen >= t && (nopen == t) == (open == 1), "next_open before t");
            expect(oq_calendar_is_open(cal, nopen, &o2) == OQ_OK && o2, "closed at next_open");
            expect(nclose > nopen, "next_close not after next_open");
            int64_t b = 0;
            if (nopen > t) {
                expect(oq_calendar_business_ms(cal, t, nopen, &b) == OQ_OK && b == 0,
                       "business time before the next opening");
            }
            int64_t end = nclose == INT64_MAX || nclose - nopen > 9 * DAY ? nopen + 9 * DAY : nclose;
            if (end < 253402300799999LL - 2 * DAY) {
                expect(oq_calendar_business_ms(cal, nopen, end, &b) == OQ_OK && b == end - nopen,
                       "not open all the way to next_close");
                if (nclose != INT64_MAX && end == nclose)
                    expect(oq_calendar_is_open(cal, nclose, &o2) == OQ_OK && !o2,
                           "open at next_close");
            }
        }
        /* business_ms and add_business_ms invert each other. */
        int64_t span = (int64_t)(mix64(seed) % (uint64_t)(20 * DAY)), b = -1, due = 0;
        if (t + span < 253402300799999LL - 2 * DAY) {
            expect(oq_calendar_business_ms(cal, t, t + span, &b) == OQ_OK, "business_ms failed");
            expect(b >= 0 && b <= span, "business_ms outside [0, span]");
            oq_status sa = oq_calendar_add_business_ms(cal, t, b, &due);
            expect(sa == OQ_OK || sa == OQ_ENOTFOUND || sa == OQ_ERANGE, "add_business_ms status");
            if (sa == OQ_OK) {
                int64_t b2 = -1;
                /* Zero business time outside hours is the next opening, maybe past t + span. */
                expect(due >= t && (b == 0 ? so == OQ_OK && due == nopen : due <= t + span),
                       "deadline outside [t, t + span], or not the next opening");
                expect(oq_calendar_business_ms(cal, t, due, &b2) == OQ_OK && b2 == b,
                       "business_ms(t, add_business_ms(t, d)) != d");
            }
            int64_t bc = -2;
            expect(oq_calendar_business_ms(copy, t, t + span, &bc) == OQ_OK && bc == b,
                   "the copy counts other business time");
        }
        int32_t oc = -1;
        expect(oq_calendar_is_open(copy, t, &oc) == OQ_OK && oc == open, "the copy differs");
        int32_t kind = -1;
        const char *name = NULL;
        expect(oq_calendar_day_kind(cal, lt.date, &kind, &name) == OQ_OK && kind >= 0 && kind <= 3,
               "day_kind");
        int64_t ms = -1;
        expect(oq_calendar_open_ms_of_day(cal, lt.date, &ms) == OQ_OK && ms >= 0 && ms <= 2 * DAY,
               "open_ms_of_day");
    }
}

/* Options allocating through `fa`, failing its fail_at-th allocation. */
static void counting_options(oq_calendar_options *o, fuzz_alloc *fa, int64_t fail_at)
{
    fa->fail_at = fail_at;
    oq_calendar_options_init(o);
    o->alloc = fuzz_alloc_fn;
    o->alloc_user = fa;
}

static void use(oq_calendar *cal, fuzz_alloc *fa, uint64_t seed, int do_query)
{
    oq_calendar_options o;
    counting_options(&o, fa, fa->fail_at);
    oq_calendar *copy = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_calendar_copy(cal, &o, &copy, &err);
    if (st == OQ_ENOMEM)
        return;
    expect(st == OQ_OK, "copy failed");
    if (do_query)
        query(cal, copy, seed);
    oq_calendar_destroy(copy);
}

static void run_yaml(const char *buf, size_t size, int64_t fail_at, uint64_t seed)
{
    fuzz_alloc fa = {0};
    oq_calendar_options o;
    counting_options(&o, &fa, fail_at);
    char *ids = NULL;
    int32_t n = -1;
    oq_error err = OQ_ERROR_INIT;
    memset(&err, 0x5a, sizeof err);
    err.struct_size = (uint32_t)sizeof err;
    oq_status st = oq_calendar_ids_buffer(buf, size, "fuzz", &ids, &n, &err);
    check_error(st, &err, "oq_calendar_ids_buffer");
    if (st != OQ_OK) {
        expect(ids == NULL && n == -1, "failed ids call wrote its outputs");
    } else {
        /* Each load parses the whole document again: the first and the last calendar do. */
        const char *id = ids;
        for (int32_t i = 0; i < n; i++, id += strlen(id) + 1) {
            if (i != 0 && i != n - 1)
                continue;
            oq_calendar *cal = NULL;
            memset(&err, 0x5a, sizeof err);
            err.struct_size = (uint32_t)sizeof err;
            st = oq_calendar_load_buffer(buf, size, "fuzz", id, &o, &cal, &err);
            check_error(st, &err, "oq_calendar_load_buffer");
            if (st == OQ_OK) {
                expect(strcmp(oq_calendar_id(cal), id) == 0, "loaded another calendar");
                use(cal, &fa, seed + (uint64_t)i, fail_at == 0);
                oq_calendar_destroy(cal);
            } else {
                expect(cal == NULL, "failed load wrote *out");
                expect(st == OQ_ENOMEM, "a document whose ids load failed to load");
            }
        }
        oq_free(ids);
    }
    /* The same document without an id. */
    oq_calendar *cal = NULL;
    memset(&err, 0x5a, sizeof err);
    err.struct_size = (uint32_t)sizeof err;
    st = oq_calendar_load_buffer(buf, size, "fuzz", NULL, &o, &cal, &err);
    check_error(st, &err, "oq_calendar_load_buffer(NULL id)");
    oq_calendar_destroy(cal);
    if (fa.live_bytes != 0 || fa.live_blocks != 0) {
        fprintf(stderr, "leak: %lld bytes in %lld blocks\n", (long long)fa.live_bytes,
                (long long)fa.live_blocks);
        fuzz_die("calendar memory leaked");
    }
}

static void run_tzif(const uint8_t *data, size_t size, int64_t fail_at, uint64_t seed)
{
    if (!g_tzdir[0]) {
        snprintf(g_tzdir, sizeof g_tzdir, "/tmp/oq_fuzz_tz_XXXXXX");
        if (!mkdtemp(g_tzdir))
            fuzz_die("mkdtemp");
        char dir[96];
        snprintf(dir, sizeof dir, "%s/F", g_tzdir);
        mkdir(dir, 0700);
    }
    char path[96];
    snprintf(path, sizeof path, "%s/F/Zone", g_tzdir);
    FILE *f = fopen(path, "wb");
    if (!f)
        fuzz_die("cannot write the zone file");
    fwrite(data, 1, size, f);
    fclose(f);
    fuzz_alloc fa = {0};
    oq_calendar_options o;
    counting_options(&o, &fa, fail_at);
    o.tzdir = g_tzdir;
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    memset(&err, 0x5a, sizeof err);
    err.struct_size = (uint32_t)sizeof err;
    oq_status st = oq_calendar_create("fz", "F/Zone", &o, &cal, &err);
    check_error(st, &err, "oq_calendar_create(TZif)");
    if (st == OQ_OK) {
        /* Hours with a range past midnight, so DST changes cut through them. */
        int ok = oq_calendar_add_hours(cal, (int32_t)(seed % 7), 22 * 3600000, 26 * 3600000, NULL) == OQ_OK &&
                 oq_calendar_add_hours(cal, (int32_t)((seed + 2) % 7), 3600000, 5 * 3600000, NULL) == OQ_OK;
        if (ok || fail_at == 0)
            use(cal, &fa, seed, fail_at == 0);
        oq_calendar_destroy(cal);
    } else {
        expect(cal == NULL, "failed create wrote *out");
    }
    if (fa.live_bytes != 0 || fa.live_blocks != 0)
        fuzz_die("calendar memory leaked (TZif)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
        run_tzif(data, size, 0, h);
        run_tzif(data, size, 1 + (int64_t)(h % 16), h);
        return 0;
    }
    /* An exact-size copy: ASan catches any read past `size`. */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    run_yaml(buf, size, 0, h);
    run_yaml(buf, size, 1 + (int64_t)(h % 64), h);
    free(buf);
    return 0;
}
