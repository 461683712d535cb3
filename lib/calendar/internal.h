/* SPDX-License-Identifier: MIT */
/* Internal: the calendar object, its time zone (a transition table read once
 * from a TZif file, plus the POSIX TZ rule for instants beyond the table) and
 * the civil-date arithmetic both use. */
#ifndef OQ_CALENDAR_INTERNAL_H
#define OQ_CALENDAR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"
#include "omniq/calendar.h"

#define OQ__DAY ((int64_t)OQ_MS_PER_DAY)
#define OQ__WEEK (7 * OQ__DAY)
#define OQ__DATE_MIN (-719162)  /* 0001-01-01 */
#define OQ__DATE_MAX 2932896    /* 9999-12-31 */
/* Instants the queries accept: their local date stays within years 1..9999
 * for any offset the zones may have (|offset| < 26 h). */
#define OQ__T_MIN ((int64_t)(OQ__DATE_MIN + 1) * OQ__DAY)
#define OQ__T_MAX ((int64_t)(OQ__DATE_MAX - 1) * OQ__DAY)
/* Offsets a TZif file may give (RFC 8536 recommends -24:59:59..+25:59:59). */
#define OQ__OFFSET_MIN_S (-89999)
#define OQ__OFFSET_MAX_S 93599

/* ---- civil dates ---------------------------------------------------------- */

int64_t oq__floordiv(int64_t a, int64_t b);
int64_t oq__days_from_civil(int64_t year, int32_t month, int32_t day);
void oq__civil_from_days(int64_t days, int64_t *year, int32_t *month, int32_t *day);
int32_t oq__days_in_month(int64_t year, int32_t month);
int32_t oq__weekday64(int64_t date); /* 0 = Monday, any date */

/* ---- time zones ------------------------------------------------------------ */

/* A date of a POSIX TZ rule: Jn (1..365, Feb 29 never counted), n (0..365),
 * or Mm.w.d (month, week 1..5 with 5 = last, weekday 0 = Sunday). */
typedef struct oq__tzdate {
    int32_t kind;   /* 'J', 'N' or 'M' */
    int32_t a, b, c;
    int32_t time_s; /* local time of day of the change, -167 h .. 167 h */
} oq__tzdate;

typedef struct oq__tzrule {
    int32_t std_off_s; /* east of UTC (the POSIX text has the opposite sign) */
    int32_t dst_off_s;
    int32_t has_dst;
    oq__tzdate start, end; /* start in standard time, end in daylight time */
} oq__tzrule;

typedef struct oq__ztrans {
    int64_t at_ms;  /* the new offset holds from this instant */
    int32_t off_s;
    int32_t is_dst;
} oq__ztrans;

typedef struct oq__zone {
    oq__ztrans *trans;  /* ascending */
    int32_t n_trans;
    int32_t init_off_s; /* before the first transition */
    int32_t init_dst;
    int32_t has_rule;   /* the rule holds after the last transition (or always, without any) */
    oq__tzrule rule;
} oq__zone;

/* A stretch of constant offset: [start, end), INT64_MIN / INT64_MAX when open-ended. */
typedef struct oq__zseg {
    int64_t start, end;
    int64_t off_ms;
    int32_t is_dst;
} oq__zseg;

/* Parse a POSIX TZ string of `len` bytes ("GMT0BST,M3.5.0/1,M10.5.0"). 1 ok, 0 malformed. */
int oq__tzrule_parse(const char *s, size_t len, oq__tzrule *out);
/* The offset segment of the rule containing t_ms. */
void oq__tzrule_segment(const oq__tzrule *r, int64_t t_ms, oq__zseg *out);

/* Parse a TZif file (RFC 8536, versions 1 to 4) held in buf. On failure
 * returns OQ_EINVAL or OQ_ENOMEM and sets *why to a static description. */
oq_status oq__tzif_parse(oq_mem *m, const unsigned char *buf, size_t len, oq__zone *out,
                         const char **why);

/* Load `name` ("UTC", "+08:00", or an IANA name read from tzdir (NULL: $TZDIR,
 * else /usr/share/zoneinfo)). Errors fill *err. */
oq_status oq__zone_load(oq_mem *m, const char *name, const char *tzdir, oq__zone *out,
                        oq_error *err);
oq_status oq__zone_copy(oq_mem *m, const oq__zone *src, oq__zone *dst);
void oq__zone_free(oq_mem *m, oq__zone *z);
/* Is a zone table read from an untrusted source (a snapshot, a journal
 * record) one the queries can use: transitions strictly ascending within
 * +-2^62 ms, offsets in OQ__OFFSET_MIN_S..MAX_S, flags 0/1, a rule whose
 * fields lie where oq__tzrule_parse puts them? NULL when it is, else why not. */
const char *oq__zone_check(const oq__zone *z);

/* The segment containing t_ms (start <= t_ms < end). */
void oq__zone_segment(const oq__zone *z, int64_t t_ms, oq__zseg *out);
/* The earliest instant whose local wall time is local_ms (ms since the local
 * epoch); a local time skipped by a change maps to the end of the gap. */
int64_t oq__zone_from_local(const oq__zone *z, int64_t local_ms);

/* ---- the calendar ------------------------------------------------------------ */

typedef struct oq__range {
    int32_t open, close; /* ms after local midnight; close may exceed a day */
} oq__range;

typedef struct oq__ranges {
    oq__range *r; /* sorted by open */
    int32_t n, cap;
} oq__ranges;

typedef struct oq__exception {
    int32_t date; /* first: the lookups read it at the start of each record */
    int32_t kind;  /* OQ_DAY_SPECIAL or OQ_DAY_CLOSED */
    char *name;    /* NULL when none */
    oq__ranges hours;
} oq__exception;

typedef struct oq__holiday {
    int32_t date; /* first, as in oq__exception */
    char *name;
} oq__holiday;

typedef struct oq__holiday_list {
    char *name;
    oq__holiday *days; /* sorted by date */
    int32_t n, cap;
} oq__holiday_list;

struct oq_calendar {
    oq_mem mem;
    char *id;
    char *tz_name;
    oq__zone zone;
    oq__ranges week[7];
    int32_t has_hours;     /* any weekly range given (else open around the clock) */
    int32_t week_full;     /* a run of regular days is open at every instant */
    int64_t week_open_ms;  /* open milliseconds of a regular week */
    oq__exception *ex;     /* sorted by date */
    int32_t n_ex, cap_ex;
    oq__holiday_list *lists;
    int32_t n_lists, cap_lists;
};

/* A new calendar (no hours yet) that takes over `zone` (its table is freed
 * on error too). The building calls then add hours, exceptions and holidays:
 * the snapshot and journal decoders rebuild calendars this way, so whatever
 * they read is checked as a host's calls are. */
oq_status oq__calendar_adopt(const char *id, const char *tz_name, oq__zone *zone,
                             const oq_calendar_options *opts, oq_calendar **out, oq_error *err);

/* The ranges that apply on `date` (its own, including the parts past midnight). */
void oq__cal_day_ranges(const oq_calendar *cal, int64_t date, const oq__range **r, int32_t *n);
/* 1 when `date` has neither an exception nor a holiday. */
int oq__cal_regular(const oq_calendar *cal, int64_t date);
/* The first date >= `date` with an exception or a holiday; INT64_MAX when none. */
int64_t oq__cal_next_irregular(const oq_calendar *cal, int64_t date);
/* The exception on `date`, or NULL. */
const oq__exception *oq__cal_exception(const oq_calendar *cal, int64_t date);
/* The first list holding `date` as a holiday (its entry in *h), or NULL. */
const oq__holiday_list *oq__cal_holiday(const oq_calendar *cal, int64_t date,
                                        const oq__holiday **h);

#endif
