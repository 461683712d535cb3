/* SPDX-License-Identifier: MIT */
/* YAML -> calendars: the `holidays:` and `calendars:` sections
 * (docs/calendars.md). The calendars are built through the public calendar
 * API, so every check it makes applies to files too, and its messages are
 * reported at the entry's line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "core/error.h"

/* A center configuration's own sections may share the document: skipped. */
static const char *const TOP_KEYS[] = {"holidays", "calendars", "engine", "channels", "skills",
                                       "profiles", "groups", "queues", "agents", "timeline",
                                       "simulation", NULL};
static const char *const CALENDAR_KEYS[] = {"time_zone", "hours", "holidays", "exceptions", NULL};
static const char *const EXCEPTION_KEYS[] = {"name", "hours", "closed", "like", NULL};

#define SPAN_DAYS_MAX 366  /* longest "first..last" span of dates */
#define RANGES_MAX 48      /* ranges in one entry */
#define DAY_MS 86400000

/* ---- scalars ----------------------------------------------------------------------- */

/* "H:MM", "HH:MM" or "HH:MM:SS" of s[0..n) -> ms; hours 0..24, 24 only as 24:00[:00]. */
static int parse_tod(const char *s, size_t n, int32_t *out)
{
    int32_t part[3] = {0, 0, 0}, parts = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':') {
            if (digits == 0 || parts == 2)
                return 0;
            parts++;
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 2)
                return 0;
            part[parts] = part[parts] * 10 + (s[i] - '0');
        } else {
            return 0;
        }
    }
    if (parts == 0 || digits != 2 || (parts == 2 && digits != 2))
        return 0;
    if (part[0] > 24 || part[1] > 59 || part[2] > 59 || (part[0] == 24 && (part[1] || part[2])))
        return 0;
    *out = (part[0] * 3600 + part[1] * 60 + part[2]) * 1000;
    return 1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* "09:00-18:00" -> [open, close) in oq_calendar_add_hours terms: a close at
 * or before the open runs past midnight ("22:00-02:00"; "09:00-09:00" is 24
 * hours from 09:00); "24:00" closes at midnight. */
static int parse_range(cfg_ctx *c, const cfg_node *n, int32_t *open, int32_t *close)
{
    const char *what = "a range of local times such as 09:00-18:00 (22:00-02:00 runs past midnight)";
    const char *dash = n && n->kind == CFG_SCALAR ? strchr(n->s, '-') : NULL;
    if (!dash || oq__cfg_is_null(n))
        return oq__cfg_fail(c, n, "expected %s, got %s%.60s%s", what, n && n->kind == CFG_SCALAR ? "'" : "",
                        n && n->kind == CFG_SCALAR ? n->s : n && n->kind == CFG_MAP ? "a mapping" : "a list",
                        n && n->kind == CFG_SCALAR ? "'" : "");
    const char *a = n->s, *b = dash + 1;
    size_t an = (size_t)(dash - n->s), bn = strlen(b);
    trim(&a, &an);
    trim(&b, &bn);
    int32_t x, y;
    if (!parse_tod(a, an, &x) || !parse_tod(b, bn, &y) || x == DAY_MS)
        return oq__cfg_fail(c, n, "expected %s, got '%.60s'", what, n->s);
    *open = x;
    *close = y > x ? y : y + DAY_MS;
    return 1;
}

/* A date key, or a span "2026-02-15..2026-02-23". */
static int parse_dates(cfg_ctx *c, const cfg_node *k, int32_t *first, int32_t *last)
{
    const char *what = "a date YYYY-MM-DD or a span YYYY-MM-DD..YYYY-MM-DD";
    char a[11], b[11];
    if (k->len == 10 && oq_date_parse(k->s, first) == OQ_OK) {
        *last = *first;
        return 1;
    }
    if (k->len != 22 || k->s[10] != '.' || k->s[11] != '.')
        return oq__cfg_fail(c, k, "expected %s, got '%.60s'", what, k->s);
    memcpy(a, k->s, 10);
    memcpy(b, k->s + 12, 10);
    a[10] = b[10] = '\0';
    if (oq_date_parse(a, first) != OQ_OK || oq_date_parse(b, last) != OQ_OK)
        return oq__cfg_fail(c, k, "expected %s, got '%.60s'", what, k->s);
    if (*last < *first)
        return oq__cfg_fail(c, k, "the span %s ends before it starts", k->s);
    if (*last - *first >= SPAN_DAYS_MAX)
        return oq__cfg_fail(c, k, "the span %s is longer than %d days", k->s, SPAN_DAYS_MAX);
    return 1;
}

static int weekday_of_name(const char *s, size_t n)
{
    for (int32_t w = 0; w < 7; w++)
        if (n == 3 && strncmp(s, oq_weekday_name(w), 3) == 0)
            return (int)w;
    return -1;
}

/* "mon".."sun", or "mon-fri" (wrapping: "fri-mon" is fri, sat, sun, mon): a set of weekdays. */
static int parse_days(cfg_ctx *c, const cfg_node *k, unsigned *mask)
{
    const char *dash = strchr(k->s, '-');
    int a = weekday_of_name(k->s, dash ? (size_t)(dash - k->s) : k->len);
    int b = dash ? weekday_of_name(dash + 1, strlen(dash + 1)) : a;
    static const char *const usual[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                        "mon-fri", "mon-sat", "mon-sun", "sat-sun", NULL};
    char dym[128];
    if (a < 0 || b < 0)
        return oq__cfg_fail(c, k, "expected a weekday (mon, tue, wed, thu, fri, sat, sun) or a run of "
                                  "them such as mon-fri, got '%.60s'%s", k->s,
                            oq__cfg_did_you_mean(dym, sizeof dym, oq__cfg_suggest_list(k->s, usual)));
    *mask = 0;
    for (int w = a;; w = (w + 1) % 7) {
        *mask |= 1u << w;
        if (w == b)
            break;
    }
    return 1;
}

typedef struct ranges {
    int32_t open[RANGES_MAX], close[RANGES_MAX];
    const cfg_node *at[RANGES_MAX];
    int n;
} ranges;

static int is_closed_word(const cfg_node *v)
{
    return v && v->kind == CFG_SCALAR && v->plain && strcmp(v->s, "closed") == 0;
}

/* A range, a list of ranges, or `closed` (no range). */
static int parse_ranges(cfg_ctx *c, const cfg_node *v, ranges *out)
{
    out->n = 0;
    if (is_closed_word(v))
        return 1;
    if (!oq__cfg_is_seq(v)) {
        out->at[0] = v;
        out->n = 1;
        return parse_range(c, v, &out->open[0], &out->close[0]);
    }
    if (v->n == 0)
        return oq__cfg_fail(c, v, "expected at least one range (or the word closed)");
    if (v->n > RANGES_MAX)
        return oq__cfg_fail(c, v, "at most %d ranges", RANGES_MAX);
    for (int32_t i = 0; i < v->n; i++) {
        size_t old = oq__cfg_push_index(c, i);
        out->at[i] = v->kids[i];
        int ok = parse_range(c, v->kids[i], &out->open[i], &out->close[i]);
        oq__cfg_pop(c, old);
        if (!ok)
            return 0;
        out->n++;
    }
    return 1;
}

/* ---- calendar API errors at a node ----------------------------------------------- */

static int api_fail(cfg_ctx *c, const cfg_node *at, const char *id, const oq_error *e)
{
    const char *m = e->message;
    char prefix[300];
    snprintf(prefix, sizeof prefix, "calendar '%s': ", id);
    if (strncmp(m, prefix, strlen(prefix)) == 0)
        m += strlen(prefix); /* the key path already names the calendar */
    if (e->status == OQ_ENOMEM && c->status == OQ_OK)
        c->status = OQ_ENOMEM; /* set first: the reported error carries it */
    oq__cfg_fail(c, at, "%s", m);
    if (e->status == OQ_ENOMEM)
        c->stop = 1;
    return 0;
}

/* ---- holidays ---------------------------------------------------------------------- */

typedef struct dated {
    int32_t date;
    const cfg_node *key;
} dated;

static int cmp_dated(const void *x, const void *y)
{
    const dated *a = x, *b = y;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return (a->key->line > b->key->line) - (a->key->line < b->key->line);
}

/* A name value: a string, or nothing (no name). */
static int holiday_name(cfg_ctx *c, const cfg_node *v, const char **name)
{
    *name = NULL;
    if (oq__cfg_is_null(v))
        return 1;
    if (v->kind != CFG_SCALAR)
        return oq__cfg_fail(c, v, "expected the holiday's name (a string), got %s",
                        v->kind == CFG_MAP ? "a mapping" : "a list");
    return oq__cfg_string(c, v, name);
}

/* The date and span keys of a checked mapping name no date twice. */
static int dates_once(cfg_ctx *c, const cfg_node *map)
{
    size_t cap = 0, n = 0;
    dated *all = NULL;
    int ok = 1;
    FOR_PAIRS(map, i, k, v)
    {
        (void)v;
        int32_t first, last;
        ok = parse_dates(c, k, &first, &last);
        for (int32_t d = first; ok && d <= last; d++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                dated *g = realloc(all, cap * sizeof *g);
                if (!g) {
                    ok = oq__cfg_nomem(c);
                    break;
                }
                all = g;
            }
            all[n++] = (dated){d, k};
        }
        if (!ok)
            break;
    }
    if (ok && n > 1) {
        qsort(all, n, sizeof *all, cmp_dated);
        for (size_t i = 1; i < n && ok; i++)
            if (all[i].date == all[i - 1].date) {
                int32_t y, m, d;
                oq_date_to_ymd(all[i].date, &y, &m, &d);
                ok = oq__cfg_fail(c, all[i].key, "%04d-%02d-%02d is already given at line %d", (int)y,
                              (int)m, (int)d, (int)all[i - 1].key->line);
            }
    }
    free(all);
    return ok;
}

static int check_list(cfg_ctx *c, const cfg_node *list)
{
    if (!oq__cfg_check_map(c, list, NULL, 1) || !dates_once(c, list))
        return 0;
    FOR_PAIRS(list, i, k, v)
    {
        const char *name;
        if (!holiday_name(c, v, &name))
            return 0;
    }
    return 1;
}

int oq__cfg_holidays_check(cfg_ctx *c, const cfg_node *holidays)
{
    if (!oq__cfg_check_map(c, holidays, NULL, 1))
        return 0;
    FOR_PAIRS(holidays, i, k, v)
    {
        const char *name;
        if (!oq__cfg_id(c, k, &name))
            return 0;
        size_t old = oq__cfg_push_key(c, name);
        int ok = check_list(c, v);
        oq__cfg_pop(c, old);
        if (!ok)
            return 0;
    }
    return 1;
}

/* The keys of a mapping, one by one (oq__cfg_suggest). */
typedef struct key_iter {
    const cfg_node *map;
    int32_t i;
} key_iter;

static const char *next_key(void *vit)
{
    key_iter *it = vit;
    if (!it->map || it->map->kind != CFG_MAP || it->i + 1 >= it->map->n)
        return NULL;
    const char *k = it->map->kids[it->i]->s;
    it->i += 2;
    return k;
}

/* The calendar's `holidays:` (list names, or one name): add every date of each list. */
static int use_holidays(cfg_ctx *c, oq_calendar *cal, const cfg_node *holidays, const cfg_node *uses)
{
    if (!uses)
        return 1;
    const cfg_node *const *names = oq__cfg_is_seq(uses) ? (const cfg_node *const *)uses->kids : &uses;
    int32_t count = oq__cfg_is_seq(uses) ? uses->n : 1;
    for (int32_t j = 0; j < count; j++) {
        const char *list;
        if (!oq__cfg_id(c, names[j], &list))
            return 0;
        for (int32_t i = 0; i < j; i++)
            if (strcmp(names[i]->s, list) == 0)
                return oq__cfg_fail(c, names[j], "holiday list '%s' is named twice", list);
        const cfg_node *days = oq__cfg_get(holidays, list);
        if (!days) {
            key_iter it = {holidays, 0};
            const char *near = oq__cfg_suggest(list, next_key, &it);
            if (near)
                return oq__cfg_fail(c, names[j], "undefined holiday list '%s' (did you mean '%.80s'?)",
                                    list, near);
            return oq__cfg_fail(c, names[j], "undefined holiday list '%s' (define it under the "
                                             "top-level holidays:)", list);
        }
        FOR_PAIRS(days, i, k, v)
        {
            int32_t first, last;
            const char *name;
            if (!parse_dates(c, k, &first, &last) || !holiday_name(c, v, &name))
                return 0;
            for (int32_t d = first; d <= last; d++) {
                oq_error e = OQ_ERROR_INIT;
                if (oq_calendar_add_holiday(cal, list, d, name, &e) != OQ_OK)
                    return api_fail(c, k, oq_calendar_id(cal), &e);
            }
        }
    }
    return 1;
}

/* ---- hours and exceptions ------------------------------------------------------------- */

/* The weekly hours as read, for exceptions that say `like: mon`. */
typedef struct week {
    ranges day[7];
    int has_hours;
} week;

static int weekly_hours(cfg_ctx *c, oq_calendar *cal, const cfg_node *hours, week *wk)
{
    if (!hours)
        return 1; /* open around the clock */
    if (!oq__cfg_check_map(c, hours, NULL, 0))
        return 0;
    const cfg_node *given[7] = {NULL};
    int any = 0;
    FOR_PAIRS(hours, i, k, v)
    {
        unsigned mask = 0;
        if (!parse_days(c, k, &mask))
            return 0;
        for (int32_t w = 0; w < 7; w++) {
            if (!(mask & (1u << w)))
                continue;
            if (given[w])
                return oq__cfg_fail(c, k, "%s is already given at line %d", oq_weekday_name(w),
                                (int)given[w]->line);
            given[w] = k;
        }
        size_t old = oq__cfg_push_key(c, k->s);
        ranges rs;
        int ok = parse_ranges(c, v, &rs);
        for (int32_t w = 0; ok && w < 7; w++) {
            if (mask & (1u << w))
                wk->day[w] = rs;
            for (int r = 0; ok && (mask & (1u << w)) && r < rs.n; r++) {
                oq_error e = OQ_ERROR_INIT;
                if (oq_calendar_add_hours(cal, w, rs.open[r], rs.close[r], &e) != OQ_OK)
                    ok = api_fail(c, rs.at[r], oq_calendar_id(cal), &e);
            }
        }
        oq__cfg_pop(c, old);
        if (!ok)
            return 0;
        any |= rs.n > 0;
    }
    if (!any)
        return oq__cfg_fail(c, hours, "no day has opening hours (leave hours: out for a calendar "
                                  "open around the clock)");
    wk->has_hours = 1;
    return 1;
}

/* One exception's value: `closed`, ranges, or {name, hours | closed: true | like: weekday}. */
static int exception_value(cfg_ctx *c, const cfg_node *v, const week *wk, ranges *rs,
                           int *closed, const char **name)
{
    *closed = 0;
    *name = NULL;
    if (!oq__cfg_is_map(v)) {
        if (!parse_ranges(c, v, rs))
            return 0;
        *closed = rs->n == 0;
        return 1;
    }
    if (!oq__cfg_check_map(c, v, EXCEPTION_KEYS, 0))
        return 0;
    const cfg_node *nm = oq__cfg_get(v, "name"), *h = oq__cfg_get(v, "hours"), *cl = oq__cfg_get(v, "closed");
    const cfg_node *like = oq__cfg_get(v, "like");
    int32_t yes = 0;
    if (nm && !holiday_name(c, nm, name))
        return 0;
    if (cl && !oq__cfg_bool(c, cl, &yes))
        return 0;
    if (cl && !yes)
        return oq__cfg_fail(c, cl, "closed: false says nothing: give the day's hours instead");
    if ((h != NULL) + (cl != NULL) + (like != NULL) != 1)
        return oq__cfg_fail(c, v, "give one of hours:, closed: true or like: <weekday>");
    if (like) { /* a working day moved to this date: the hours of that weekday */
        int w = like->kind == CFG_SCALAR ? weekday_of_name(like->s, like->len) : -1;
        if (w < 0)
            return oq__cfg_fail(c, like, "expected a weekday (mon .. sun), got '%.60s'",
                            like->kind == CFG_SCALAR ? like->s : "");
        if (!wk->has_hours)
            return oq__cfg_fail(c, like, "like: needs weekly hours: (without them every day is open "
                                     "around the clock)");
        if (wk->day[w].n == 0)
            return oq__cfg_fail(c, like, "%s has no opening hours to copy", oq_weekday_name(w));
        *rs = wk->day[w];
        return 1;
    }
    if (cl) {
        *closed = 1;
        rs->n = 0;
        return 1;
    }
    size_t old = oq__cfg_push_key(c, "hours");
    int ok = parse_ranges(c, h, rs);
    oq__cfg_pop(c, old);
    if (ok && rs->n == 0)
        *closed = 1;
    return ok;
}

static int exceptions(cfg_ctx *c, oq_calendar *cal, const cfg_node *ex, const week *wk)
{
    if (!oq__cfg_check_map(c, ex, NULL, 1) || !dates_once(c, ex))
        return 0;
    FOR_PAIRS(ex, i, k, v)
    {
        int32_t first, last;
        if (!parse_dates(c, k, &first, &last))
            return 0;
        size_t old = oq__cfg_push_key(c, k->s);
        ranges rs;
        int closed;
        const char *name;
        int ok = exception_value(c, v, wk, &rs, &closed, &name);
        for (int32_t d = first; ok && d <= last; d++) {
            oq_error e = OQ_ERROR_INIT;
            if (closed && oq_calendar_close_day(cal, d, name, &e) != OQ_OK)
                ok = api_fail(c, k, oq_calendar_id(cal), &e);
            for (int r = 0; ok && !closed && r < rs.n; r++)
                if (oq_calendar_set_day_hours(cal, d, rs.open[r], rs.close[r], name, &e) != OQ_OK)
                    ok = api_fail(c, first == last && rs.n > 0 ? rs.at[r] : k, oq_calendar_id(cal), &e);
        }
        oq__cfg_pop(c, old);
        if (!ok)
            return 0;
    }
    return 1;
}

int oq__cfg_calendar_build(cfg_ctx *c, const cfg_node *holidays, const cfg_node *key,
                       const cfg_node *node, const oq_calendar_options *opts, oq_calendar **out)
{
    const char *id;
    if (!oq__cfg_id(c, key, &id))
        return 0;
    size_t old = oq__cfg_push_key(c, id);
    oq_calendar *cal = NULL;
    week *wk = calloc(1, sizeof *wk);
    if (!wk) {
        oq__cfg_pop(c, old);
        return oq__cfg_nomem(c);
    }
    int ok = oq__cfg_check_map(c, node, CALENDAR_KEYS, 0);
    const cfg_node *tz = oq__cfg_get(node, "time_zone");
    if (ok && !tz)
        ok = oq__cfg_fail(c, node, "missing time_zone (an IANA name such as Asia/Shanghai, UTC, or an "
                               "offset such as +08:00)");
    if (ok) {
        size_t o2 = oq__cfg_push_key(c, "time_zone");
        const char *zone;
        oq_error e = OQ_ERROR_INIT;
        ok = oq__cfg_string(c, tz, &zone);
        if (ok && oq_calendar_create(id, zone, opts, &cal, &e) != OQ_OK)
            ok = api_fail(c, tz, id, &e);
        oq__cfg_pop(c, o2);
    }
    if (ok) {
        size_t o2 = oq__cfg_push_key(c, "hours");
        ok = weekly_hours(c, cal, oq__cfg_get(node, "hours"), wk);
        oq__cfg_pop(c, o2);
    }
    if (ok) {
        size_t o2 = oq__cfg_push_key(c, "holidays");
        ok = use_holidays(c, cal, holidays, oq__cfg_get(node, "holidays"));
        oq__cfg_pop(c, o2);
    }
    if (ok) {
        size_t o2 = oq__cfg_push_key(c, "exceptions");
        ok = exceptions(c, cal, oq__cfg_get(node, "exceptions"), wk);
        oq__cfg_pop(c, o2);
    }
    oq__cfg_pop(c, old);
    free(wk);
    if (!ok) {
        oq_calendar_destroy(cal);
        return 0;
    }
    *out = cal;
    return 1;
}

/* ---- the loader ---------------------------------------------------------------------------- */

/* What a load asks for: one calendar (`id`, NULL: the only one), or every id. */
typedef struct want {
    const char *id;
    int all_ids;
    oq_calendar *cal;  /* the calendar asked for */
    char *ids;         /* every id, each NUL-terminated (malloc) */
    size_t ids_len;
    int32_t count;
} want;

static int add_id(cfg_ctx *c, want *w, const char *id)
{
    size_t n = strlen(id) + 1;
    char *grown = realloc(w->ids, w->ids_len + n);
    if (!grown)
        return oq__cfg_nomem(c);
    memcpy(grown + w->ids_len, id, n);
    w->ids = grown;
    w->ids_len += n;
    return 1;
}

static int load_tree(cfg_ctx *c, const cfg_node *root, const oq_calendar_options *opts, want *w)
{
    if (!oq__cfg_check_map(c, root, TOP_KEYS, 1))
        return 0;
    const cfg_node *holidays = oq__cfg_get(root, "holidays"), *cals = oq__cfg_get(root, "calendars");
    size_t old = oq__cfg_push_key(c, "holidays");
    int ok = oq__cfg_holidays_check(c, holidays);
    oq__cfg_pop(c, old);
    old = oq__cfg_push_key(c, "calendars");
    ok = ok && oq__cfg_check_map(c, cals, NULL, 1);
    FOR_PAIRS(cals, i, k, v)
    {
        oq_calendar *cal = NULL;
        if (!ok || !oq__cfg_calendar_build(c, holidays, k, v, opts, &cal)) {
            ok = 0;
            break;
        }
        w->count++;
        if (w->all_ids)
            ok = add_id(c, w, k->s);
        if (!w->all_ids && !w->cal && (!w->id || strcmp(k->s, w->id) == 0))
            w->cal = cal;
        else
            oq_calendar_destroy(cal);
    }
    oq__cfg_pop(c, old);
    if (ok && !w->all_ids && (!w->cal || (!w->id && w->count > 1))) {
        char names[200] = "";
        size_t used = 0;
        FOR_PAIRS(cals, i, k, v)
        {
            (void)v;
            int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", k->s);
            if (n < 0 || (size_t)n >= sizeof names - used)
                break;
            used += (size_t)n;
        }
        c->status = !w->id && w->count > 1 ? OQ_EINVAL : OQ_ENOTFOUND; /* carried by the error */
        if (!w->id)
            oq__cfg_fail(c, NULL, "the document defines %d calendars (%s): name the one to load",
                         (int)w->count, names);
        else
            oq__cfg_fail(c, NULL, "no calendar '%.255s' (%s%s)", w->id,
                         w->count ? "defined: " : "the document has no calendars: section", names);
        ok = 0;
    }
    return ok;
}

static oq_status load(const char *path, const char *yaml, size_t len, const char *name,
                      const oq_calendar_options *opts, want *w, oq_error *err)
{
    cfg_ctx c;
    oq__cfg_ctx_init(&c, name ? name : path, err, NULL);
    c.max_errors = 1; /* a calendar document reports its first error */
    c.top_keys = TOP_KEYS;
    if (!path && !yaml && len > 0)
        return oq__error(err, OQ_EINVAL, c.name, 0, 0, "yaml is NULL");
    char *buf = NULL;
    cfg_node *root = NULL;
    int ok = 1;
    if (path) {
        ok = oq__cfg_read_file(&c, path, &buf, &len);
        yaml = buf;
    }
    ok = ok && oq__cfg_parse(&c, yaml ? yaml : "", yaml ? len : 0, &root);
    c.doc = root;
    ok = ok && load_tree(&c, root, opts, w);
    oq__cfg_free(root);
    free(buf);
    if (!ok) {
        oq_calendar_destroy(w->cal);
        free(w->ids);
        w->cal = NULL;
        w->ids = NULL;
        return c.status != OQ_OK ? c.status : OQ_ECONFIG;
    }
    return OQ_OK;
}

static oq_status load_one(const char *path, const char *yaml, size_t len, const char *name,
                          const char *id, const oq_calendar_options *opts, oq_calendar **out,
                          oq_error *err)
{
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out is NULL");
    want w;
    memset(&w, 0, sizeof w);
    w.id = id;
    oq_status st = load(path, yaml, len, name, opts, &w, err);
    if (st == OQ_OK)
        *out = w.cal;
    return st;
}

static oq_status load_ids(const char *path, const char *yaml, size_t len, const char *name,
                          char **out_ids, int32_t *count, oq_error *err)
{
    if (!out_ids || !count)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s is NULL", out_ids ? "count" : "out_ids");
    want w;
    memset(&w, 0, sizeof w);
    w.all_ids = 1;
    oq_status st = load(path, yaml, len, name, NULL, &w, err);
    if (st == OQ_OK) {
        *out_ids = w.ids;
        *count = w.count;
    }
    return st;
}

oq_status oq_calendar_load_file(const char *path, const char *id, const oq_calendar_options *opts,
                                oq_calendar **out, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return load_one(path, NULL, 0, path, id, opts, out, err);
}

oq_status oq_calendar_load_buffer(const char *yaml, size_t len, const char *name, const char *id,
                                  const oq_calendar_options *opts, oq_calendar **out,
                                  oq_error *err)
{
    return load_one(NULL, yaml, len, name, id, opts, out, err);
}

oq_status oq_calendar_ids_file(const char *path, char **out_ids, int32_t *count, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return load_ids(path, NULL, 0, path, out_ids, count, err);
}

oq_status oq_calendar_ids_buffer(const char *yaml, size_t len, const char *name, char **out_ids,
                                 int32_t *count, oq_error *err)
{
    return load_ids(NULL, yaml, len, name, out_ids, count, err);
}
