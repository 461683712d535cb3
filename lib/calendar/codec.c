/* SPDX-License-Identifier: MIT */
/* Calendars as bytes (see codec.h). */
#include "calendar/codec.h"

#include <string.h>

#include "calendar/internal.h"

#define TEXT_MAX 255      /* calendar ids, list names, labels */
#define TRANS_MAX 100000  /* zone transitions (tzdata zones have < 2,000) */
#define ITEMS_MAX 1000000 /* ranges, exceptions, holidays */

static void w_tzdate(oq_wr *w, const oq__tzdate *d)
{
    oq__wr_i32(w, d->kind);
    oq__wr_i32(w, d->a);
    oq__wr_i32(w, d->b);
    oq__wr_i32(w, d->c);
    oq__wr_i32(w, d->time_s);
}

static void w_ranges(oq_wr *w, const oq__ranges *rs)
{
    oq__wr_i32(w, rs->n);
    for (int32_t i = 0; i < rs->n; i++) {
        oq__wr_i32(w, rs->r[i].open);
        oq__wr_i32(w, rs->r[i].close);
    }
}

void oq__w_calendar(oq_wr *w, const oq_calendar *cal)
{
    oq__wr_str(w, cal->id);
    oq__wr_str(w, cal->tz_name);
    const oq__zone *z = &cal->zone;
    oq__wr_i32(w, z->n_trans);
    for (int32_t i = 0; i < z->n_trans; i++) {
        oq__wr_i64(w, z->trans[i].at_ms);
        oq__wr_i32(w, z->trans[i].off_s);
        oq__wr_i32(w, z->trans[i].is_dst);
    }
    oq__wr_i32(w, z->init_off_s);
    oq__wr_i32(w, z->init_dst);
    oq__wr_i32(w, z->has_rule);
    oq__wr_i32(w, z->rule.std_off_s);
    oq__wr_i32(w, z->rule.dst_off_s);
    oq__wr_i32(w, z->rule.has_dst);
    w_tzdate(w, &z->rule.start);
    w_tzdate(w, &z->rule.end);
    for (int32_t d = 0; d < 7; d++)
        w_ranges(w, &cal->week[d]);
    oq__wr_i32(w, cal->n_ex);
    for (int32_t i = 0; i < cal->n_ex; i++) {
        const oq__exception *x = &cal->ex[i];
        oq__wr_i32(w, x->date);
        oq__wr_i32(w, x->kind);
        oq__wr_str(w, x->name);
        w_ranges(w, &x->hours);
    }
    oq__wr_i32(w, cal->n_lists);
    for (int32_t i = 0; i < cal->n_lists; i++) {
        const oq__holiday_list *l = &cal->lists[i];
        oq__wr_str(w, l->name);
        oq__wr_i32(w, l->n);
        for (int32_t k = 0; k < l->n; k++) {
            oq__wr_i32(w, l->days[k].date);
            oq__wr_str(w, l->days[k].name);
        }
    }
}

/* A string into buf (NUL-terminated); NULL allowed when nullable. */
static int r_text(oq_rd *r, char *buf, int nullable, int *is_null, const char *what)
{
    const char *s;
    size_t n;
    int null;
    if (!oq__rd_str(r, TEXT_MAX, &s, &n, &null, what))
        return 0;
    if (null && !nullable)
        return oq__rd_fail(r, "%s is missing", what);
    if (is_null)
        *is_null = null;
    memcpy(buf, s ? s : "", n);
    buf[n] = 0;
    return 1;
}

static void r_tzdate(oq_rd *r, oq__tzdate *d)
{
    d->kind = oq__rd_i32(r);
    d->a = oq__rd_i32(r);
    d->b = oq__rd_i32(r);
    d->c = oq__rd_i32(r);
    d->time_s = oq__rd_i32(r);
}

/* A building call failed: its message says why. */
static int built(oq_rd *r, oq_status st, const oq_error *err, int *nomem)
{
    if (st == OQ_OK)
        return 1;
    if (st == OQ_ENOMEM)
        *nomem = 1;
    return oq__rd_fail(r, "%s", err->message);
}

static int r_body(oq_rd *r, oq_calendar *cal, int *nomem)
{
    oq_error err = OQ_ERROR_INIT;
    char name[TEXT_MAX + 1], list[TEXT_MAX + 1];
    for (int32_t d = 0; d < 7; d++) {
        int32_t n = oq__rd_count(r, ITEMS_MAX, 8, "calendar weekly ranges");
        for (int32_t i = 0; i < n && !r->bad; i++) {
            int32_t open = oq__rd_i32(r), close = oq__rd_i32(r);
            if (!r->bad && !built(r, oq_calendar_add_hours(cal, d, open, close, &err), &err, nomem))
                return 0;
        }
    }
    int32_t n_ex = oq__rd_count(r, ITEMS_MAX, 16, "calendar exceptions");
    for (int32_t i = 0; i < n_ex && !r->bad; i++) {
        int32_t date = oq__rd_i32(r), kind = oq__rd_i32(r);
        int null = 0;
        if (!r_text(r, name, 1, &null, "calendar exception name"))
            return 0;
        int32_t n = oq__rd_count(r, ITEMS_MAX, 8, "calendar exception ranges");
        if (r->bad)
            return 0;
        if (kind == OQ_DAY_CLOSED) {
            if (n != 0)
                return oq__rd_fail(r, "calendar '%s': closed day %d has hours", cal->id, date);
            if (!built(r, oq_calendar_close_day(cal, date, null ? NULL : name, &err), &err, nomem))
                return 0;
            continue;
        }
        if (kind != OQ_DAY_SPECIAL || n == 0)
            return oq__rd_fail(r, "calendar '%s': exception on day %d: bad kind %d or no hours", cal->id,
                               date, kind);
        for (int32_t k = 0; k < n && !r->bad; k++) {
            int32_t open = oq__rd_i32(r), close = oq__rd_i32(r);
            if (!r->bad &&
                !built(r, oq_calendar_set_day_hours(cal, date, open, close, null ? NULL : name, &err),
                       &err, nomem))
                return 0;
        }
    }
    int32_t n_lists = oq__rd_count(r, ITEMS_MAX, 8, "calendar holiday lists");
    for (int32_t i = 0; i < n_lists && !r->bad; i++) {
        if (!r_text(r, list, 0, NULL, "calendar holiday list"))
            return 0;
        int32_t n = oq__rd_count(r, ITEMS_MAX, 8, "calendar holidays");
        if (!r->bad && n == 0)
            return oq__rd_fail(r, "calendar '%s': holiday list '%s' is empty", cal->id, list);
        for (int32_t k = 0; k < n && !r->bad; k++) {
            int32_t date = oq__rd_i32(r);
            int null = 0;
            if (!r_text(r, name, 1, &null, "holiday name") ||
                !built(r, oq_calendar_add_holiday(cal, list, date, null ? NULL : name, &err), &err, nomem))
                return 0;
        }
    }
    return !r->bad;
}

int oq__r_calendar(oq_rd *r, const oq_calendar_options *opts, oq_calendar **out, int *nomem)
{
    char id[TEXT_MAX + 1], tz[TEXT_MAX + 1];
    if (!r_text(r, id, 0, NULL, "calendar id") || !r_text(r, tz, 0, NULL, "calendar time zone"))
        return 0;
    oq__zone z;
    memset(&z, 0, sizeof z);
    z.n_trans = oq__rd_count(r, TRANS_MAX, 16, "calendar zone transitions");
    if (r->bad)
        return 0;
    oq_mem mem;
    oq__mem_init(&mem, opts->alloc, opts->alloc_user);
    if (z.n_trans > 0) {
        z.trans = oq__alloc(&mem, (size_t)z.n_trans * sizeof *z.trans);
        if (!z.trans) {
            *nomem = 1;
            return oq__rd_fail(r, "out of memory");
        }
    }
    for (int32_t i = 0; i < z.n_trans; i++) {
        z.trans[i].at_ms = oq__rd_i64(r);
        z.trans[i].off_s = oq__rd_i32(r);
        z.trans[i].is_dst = oq__rd_i32(r);
    }
    z.init_off_s = oq__rd_i32(r);
    z.init_dst = oq__rd_i32(r);
    z.has_rule = oq__rd_i32(r);
    z.rule.std_off_s = oq__rd_i32(r);
    z.rule.dst_off_s = oq__rd_i32(r);
    z.rule.has_dst = oq__rd_i32(r);
    r_tzdate(r, &z.rule.start);
    r_tzdate(r, &z.rule.end);
    const char *why = r->bad ? NULL : oq__zone_check(&z);
    if (r->bad || why) {
        oq__zone_free(&mem, &z);
        return r->bad ? 0 : oq__rd_fail(r, "calendar '%s': time zone '%s': %s", id, tz, why);
    }
    oq_calendar *cal = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (!built(r, oq__calendar_adopt(id, tz, &z, opts, &cal, &err), &err, nomem))
        return 0;
    if (!r_body(r, cal, nomem)) {
        oq_calendar_destroy(cal);
        return 0;
    }
    *out = cal;
    return 1;
}
