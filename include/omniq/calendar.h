/* SPDX-License-Identifier: MIT */
/* omniq — calendars: a time zone, weekly opening hours, dated exceptions and
 * named holiday lists; civil dates; open/closed and business-time arithmetic.
 *
 * One calendar serves routing (a queue's hours, business-time deadlines), the
 * forecast (closed days and holidays are not history) and the schedule (hours
 * of operation), so a holiday is entered once.
 *
 * Instants are int64_t milliseconds since 1970-01-01T00:00:00Z (UTC, no leap
 * seconds). A civil date is an int32_t count of days since 1970-01-01 in the
 * proleptic Gregorian calendar; weekdays are 0 = Monday .. 6 = Sunday. Times of
 * day are milliseconds since local midnight. Queries accept instants whose
 * local date lies in years 1..9999 (OQ_EINVAL otherwise).
 *
 * Open means: the local wall-clock time falls in a range of its date, or in
 * the previous date's range that runs past midnight. Which ranges a date has
 * goes by precedence: special hours set for the date, else nothing if the
 * date is closed (oq_calendar_close_day) or a holiday of any list, else the
 * weekly hours of its weekday. A date has at most one exception (special
 * hours or closed), so special hours win over a holiday and a closed day
 * wins over a holiday. Across a DST change the wall clock decides: a range
 * in a skipped hour is not open, one in a repeated hour is open twice.
 *
 * Time zones are read once, when the calendar is created, from the system's
 * tz database (TZif files, /usr/share/zoneinfo or $TZDIR, or opts->tzdir)
 * into a table owned by the calendar; queries never touch the C library's
 * global time-zone state (tzset/localtime), so they are thread-safe.
 *
 * Memory: a calendar allocates through opts->alloc (lib/core/mem.h rules);
 * the TZif file is read into that memory once, at creation.
 *
 * Thread-safety: a calendar is not shared-mutable. Building calls (add, set,
 * close) need exclusive access; once built, any number of threads may query
 * the same const calendar at once. The date functions are pure. */
#ifndef OMNIQ_CALENDAR_H
#define OMNIQ_CALENDAR_H

#include <stdint.h>

#include "omniq/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_calendar oq_calendar;

#define OQ_MS_PER_DAY 86400000

/* ---- civil dates (pure) --------------------------------------------------- */

/* The date of year-month-day (month 1..12, day 1..31, year 1..9999).
 * Errors: OQ_EINVAL (NULL out, out-of-range field, a day the month lacks). */
OQ_API oq_status oq_date_from_ymd(int32_t year, int32_t month, int32_t day, int32_t *out_date);

/* Year, month (1..12) and day (1..31) of `date`; any output may be NULL.
 * Errors: OQ_EINVAL (date outside years 1..9999). */
OQ_API oq_status oq_date_to_ymd(int32_t date, int32_t *year, int32_t *month, int32_t *day);

/* Weekday of `date`: 0 = Monday .. 6 = Sunday (1970-01-01 is a Thursday: 3). */
OQ_API int32_t oq_date_weekday(int32_t date);

/* Parse "YYYY-MM-DD" (exactly that form) into a date. Errors: OQ_EINVAL. */
OQ_API oq_status oq_date_parse(const char *text, int32_t *out_date);

/* "mon" .. "sun" for 0..6; NULL for anything else. Static. */
OQ_API const char *oq_weekday_name(int32_t weekday);

/* ---- building a calendar -------------------------------------------------- */

/* Options of oq_calendar_create, oq_calendar_copy and the calendar loaders:
 * the allocator the calendar uses and where the tz database lives. Fill with
 * oq_calendar_options_init. */
typedef struct oq_calendar_options {
    uint32_t struct_size;  /* set by oq_calendar_options_init */
    oq_alloc_fn alloc;     /* NULL: the C library's malloc */
    void *alloc_user;
    const char *tzdir;     /* NULL: $TZDIR, else /usr/share/zoneinfo. Read at creation only. */
} oq_calendar_options;

/* Defaults (struct_size set, malloc, system tz database). OQ_EINVAL for NULL. */
OQ_API oq_status oq_calendar_options_init(oq_calendar_options *opts);

/* A new calendar named `id` (1..255 bytes of UTF-8) in `time_zone`: an IANA
 * name ("Europe/London", "Asia/Shanghai"), "UTC", or a fixed offset "+08:00" /
 * "-05:30". Until weekly hours are added the calendar is open every day,
 * 00:00-24:00 (holidays and closed days still close it). `opts` may be NULL.
 * Errors: OQ_EINVAL (NULL, bad id, unknown or unreadable zone, malformed TZif:
 * *err names the zone and the file), OQ_ENOMEM. *out untouched on error.
 * *out belongs to the caller: destroy it with oq_calendar_destroy. */
OQ_API oq_status oq_calendar_create(const char *id, const char *time_zone,
                                    const oq_calendar_options *opts, oq_calendar **out,
                                    oq_error *err);

/* A deep copy of `cal` using `opts`' allocator (NULL: cal's). Errors: OQ_EINVAL, OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_calendar_destroy. */
OQ_API oq_status oq_calendar_copy(const oq_calendar *cal, const oq_calendar_options *opts,
                                  oq_calendar **out, oq_error *err);

/* Free a calendar. NULL is a no-op. */
OQ_API void oq_calendar_destroy(oq_calendar *cal);

/* The calendar's id and time-zone name, owned by the calendar. */
OQ_API const char *oq_calendar_id(const oq_calendar *cal);
OQ_API const char *oq_calendar_time_zone(const oq_calendar *cal);

/* Weekly opening hours: on `weekday` (0..6) open from open_ms to close_ms
 * after local midnight, 0 <= open_ms < close_ms <= open_ms + OQ_MS_PER_DAY and
 * open_ms < OQ_MS_PER_DAY. A close_ms beyond OQ_MS_PER_DAY runs past midnight
 * into the next day (22:00-02:00 is 79200000..93600000). A weekday may have
 * several ranges; ranges that overlap (including a previous day's range that
 * runs past midnight) are refused, ranges that touch (09:00-12:00 and
 * 12:00-18:00) are one opening. Errors: OQ_EINVAL (range, overlap: *err
 * names both ranges), OQ_ENOMEM. */
OQ_API oq_status oq_calendar_add_hours(oq_calendar *cal, int32_t weekday, int32_t open_ms,
                                       int32_t close_ms, oq_error *err);

/* Special hours on one date: that date's weekly hours are replaced by the
 * ranges given this way (call again for a second range). `name` (may be NULL)
 * labels the day ("Christmas Eve"); the first name given stays. Same range
 * rules as oq_calendar_add_hours among the date's own ranges; overlapping
 * the previous date's range past midnight is allowed (open during either).
 * Takes precedence over a holiday on the same date. Errors: OQ_EINVAL
 * (range, overlap, date outside years 1..9999, name not 1..255 bytes of
 * UTF-8), OQ_EEXIST (the date is closed), OQ_ENOMEM. */
OQ_API oq_status oq_calendar_set_day_hours(oq_calendar *cal, int32_t date, int32_t open_ms,
                                           int32_t close_ms, const char *name, oq_error *err);

/* Close one date entirely (an exception, not a holiday). `name` may be NULL.
 * Its weekly range past midnight into the next date is closed too (it
 * belongs to the date it starts on). Errors: OQ_EINVAL, OQ_EEXIST (the date
 * is already closed or has special hours), OQ_ENOMEM. */
OQ_API oq_status oq_calendar_close_day(oq_calendar *cal, int32_t date, const char *name,
                                       oq_error *err);

/* A holiday of the named list `list` ("cn-public", "uk-bank") on `date`: the
 * calendar is closed that day unless special hours are set for it. Forecasts
 * treat holidays as special days (not ordinary history). A date may be in
 * several lists (the first list added names it). Errors: OQ_EINVAL (NULL or
 * empty list, bad date), OQ_EEXIST (date already in that list), OQ_ENOMEM. */
OQ_API oq_status oq_calendar_add_holiday(oq_calendar *cal, const char *list, int32_t date,
                                         const char *name, oq_error *err);

/* ---- days ------------------------------------------------------------------- */

#define OQ_DAY_REGULAR 0  /* the weekly hours apply (possibly none: closed by the week) */
#define OQ_DAY_SPECIAL 1  /* special hours set for this date */
#define OQ_DAY_CLOSED  2  /* closed by oq_calendar_close_day */
#define OQ_DAY_HOLIDAY 3  /* a holiday of one of the calendar's lists */

/* What kind of day `date` is, and its label (the exception's or holiday's
 * name, or NULL; owned by the calendar). `name` may be NULL.
 * Errors: OQ_EINVAL (NULL cal/kind, date out of range). */
OQ_API oq_status oq_calendar_day_kind(const oq_calendar *cal, int32_t date, int32_t *kind,
                                      const char **name);

/* Milliseconds of local time of `date` during which the calendar is open,
 * counting a range that runs past midnight on the day it starts. 0 for a
 * closed day. (Wall-clock length: on a DST change the real duration differs;
 * use oq_calendar_business_ms for real time.) */
OQ_API oq_status oq_calendar_open_ms_of_day(const oq_calendar *cal, int32_t date, int64_t *out_ms);

/* ---- instants ------------------------------------------------------------- */

/* A civil date and time in a calendar's zone, with the UTC offset in force and
 * whether daylight saving applies (oq_calendar_local_time). */
typedef struct oq_local_time {
    int32_t date;           /* civil date in the calendar's zone */
    int32_t ms_of_day;      /* 0 .. 86399999 */
    int32_t utc_offset_s;   /* local = UTC + offset */
    int32_t is_dst;         /* 1 when daylight-saving time is in force */
} oq_local_time;

/* The local date and time at instant t_ms. Errors: OQ_EINVAL (NULL, t_ms
 * outside years 1..9999). */
OQ_API oq_status oq_calendar_to_local(const oq_calendar *cal, int64_t t_ms, oq_local_time *out);

/* The instant of local `date` + `ms_of_day`. A local time that does not exist
 * (skipped by a DST change) maps to the end of the gap; one that exists twice
 * maps to the earlier instant. Errors: OQ_EINVAL (NULL, ms_of_day outside
 * 0..86399999, date outside 0001-01-02..9999-12-30). */
OQ_API oq_status oq_calendar_from_local(const oq_calendar *cal, int32_t date, int32_t ms_of_day,
                                        int64_t *out_ms);

/* *open = 1 when the calendar is open at t_ms (ranges are [open, close)). */
OQ_API oq_status oq_calendar_is_open(const oq_calendar *cal, int64_t t_ms, int32_t *open);

/* The first instant >= t_ms at which the calendar is open (t_ms itself when
 * open). OQ_ENOTFOUND when it does not open within 1,000 days after t_ms. */
OQ_API oq_status oq_calendar_next_open(const oq_calendar *cal, int64_t t_ms, int64_t *out_ms);

/* The first instant > t_ms at which it closes when open at t_ms, else the
 * close of the next opening. OQ_ENOTFOUND as above. *out_ms = INT64_MAX when
 * it never closes (open around the clock with no closing date ahead). */
OQ_API oq_status oq_calendar_next_close(const oq_calendar *cal, int64_t t_ms, int64_t *out_ms);

/* Open (business) milliseconds in [from_ms, to_ms); from_ms <= to_ms else OQ_EINVAL. */
OQ_API oq_status oq_calendar_business_ms(const oq_calendar *cal, int64_t from_ms, int64_t to_ms,
                                         int64_t *out_ms);

/* The instant at which `business_ms` (>= 0) open milliseconds have passed
 * after t_ms: a deadline in business time. With business_ms == 0 and t_ms
 * outside hours, the next opening. Ending exactly at a closing gives that
 * closing. Cost grows with the openings passed, not with business_ms.
 * OQ_ENOTFOUND when the calendar stays closed for 1,000 days on the way;
 * OQ_ERANGE when the result would pass year 9999. */
OQ_API oq_status oq_calendar_add_business_ms(const oq_calendar *cal, int64_t t_ms,
                                             int64_t business_ms, int64_t *out_ms);

/* ---- loading from YAML ------------------------------------------------------ */

/* Load calendar `id` from a YAML document with `calendars:` and `holidays:`
 * sections (docs/calendars.md has the format; the same sections can sit in a
 * center configuration file, whose other sections are skipped here). `id`
 * NULL: the document must define exactly one calendar. Every calendar and
 * holiday list of the document is checked, not only the one returned. The
 * parser's temporary tree uses the C library's malloc (libyaml has no hook);
 * the calendar allocates through opts->alloc. Errors: OQ_EINVAL (NULL path
 * or out; id NULL with several calendars), OQ_ECONFIG (unreadable file, bad
 * YAML, bad content: *err has file:line:col and the key path, e.g.
 * "calendars.yaml:7:12: calendars.shanghai.hours.mon: ..."), OQ_ENOTFOUND (no
 * calendar `id`), OQ_ENOMEM. *out untouched on error. Thread-safe (no global
 * state; $TZDIR is read with getenv).
 * *out belongs to the caller: destroy it with oq_calendar_destroy. */
OQ_API oq_status oq_calendar_load_file(const char *path, const char *id,
                                       const oq_calendar_options *opts, oq_calendar **out,
                                       oq_error *err);

/* The same from a buffer of `len` bytes (need not be NUL-terminated); `name`
 * (may be NULL: "<buffer>") is used in messages.
 * *out belongs to the caller: destroy it with oq_calendar_destroy. */
OQ_API oq_status oq_calendar_load_buffer(const char *yaml, size_t len, const char *name,
                                         const char *id, const oq_calendar_options *opts,
                                         oq_calendar **out, oq_error *err);

/* The ids of the calendars a YAML document defines, in file order, after
 * checking the whole document exactly as oq_calendar_load_file does (each
 * calendar is built with the default allocator, then freed). *out_ids
 * receives the *count ids one after another, each NUL-terminated, in one
 * block to free with oq_free (NULL when *count is 0). Same errors as
 * oq_calendar_load_file, without OQ_ENOTFOUND; outputs untouched on error. */
OQ_API oq_status oq_calendar_ids_file(const char *path, char **out_ids, int32_t *count,
                                      oq_error *err);

/* The same from a buffer (see oq_calendar_load_buffer). */
OQ_API oq_status oq_calendar_ids_buffer(const char *yaml, size_t len, const char *name,
                                        char **out_ids, int32_t *count, oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_CALENDAR_H */
