/* SPDX-License-Identifier: MIT */
/* Shift files (templates and tours for a schedule problem) and roster agent
 * files: YAML read with the configuration loader's tree, every error at the
 * file:line:column of the value at fault. docs/config.md has the formats. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "schedule/internal.h"

/* ---- scalars: durations, times of day, weekdays ---------------------------------- */

/* A duration: seconds as a number, or a string of number+unit parts
 * ("8h", "30m", "1h30m", "90s", "1.5h"). */
static int duration(cfg_ctx *c, const cfg_node *n, double *out)
{
    if (n && n->kind == CFG_SCALAR && n->plain && n->len > 0 &&
        (isdigit((unsigned char)n->s[0]) || n->s[0] == '.') && !strpbrk(n->s, "hms"))
        return oq__cfg_seconds(c, n, out);
    if (!n || n->kind != CFG_SCALAR || n->len == 0)
        return oq__cfg_fail(c, n, "expected a duration (seconds, or e.g. 8h, 30m, 1h30m)");
    double total = 0;
    const char *p = n->s;
    int parts = 0;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0 || !isfinite(v))
            return oq__cfg_fail(c, n, "expected a duration (seconds, or e.g. 8h, 30m, 1h30m), got '%.40s'", n->s);
        double unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : *end == 's' ? 1 : 0;
        if (unit == 0)
            return oq__cfg_fail(c, n, "expected a duration (seconds, or e.g. 8h, 30m, 1h30m), got '%.40s'", n->s);
        total += v * unit;
        p = end + 1;
        parts++;
    }
    if (!parts || total > 9e12)
        return oq__cfg_fail(c, n, "expected a duration, got '%.40s'", n->s);
    *out = total;
    return 1;
}

/* A time of day: "HH:MM[:SS]" (24:00 allowed) or seconds after midnight. */
static int time_of_day(cfg_ctx *c, const cfg_node *n, double *out)
{
    if (n && n->kind == CFG_SCALAR && n->len > 0 && strchr(n->s, ':')) {
        int h, m, s = 0, used = 0;
        if ((sscanf(n->s, "%d:%d:%d%n", &h, &m, &s, &used) == 3 && (size_t)used == n->len) ||
            (s = 0, used = 0, sscanf(n->s, "%d:%d%n", &h, &m, &used) == 2 && (size_t)used == n->len)) {
            if (h >= 0 && h <= 24 && m >= 0 && m < 60 && s >= 0 && s < 60 &&
                h * 3600 + m * 60 + s <= 86400) {
                *out = h * 3600 + m * 60 + s;
                return 1;
            }
        }
        return oq__cfg_fail(c, n, "expected a time of day HH:MM, got '%.40s'", n->s);
    }
    double v;
    if (!oq__cfg_seconds(c, n, &v))
        return 0;
    if (v > 86400)
        return oq__cfg_fail(c, n, "a time of day is at most 86400 seconds (24:00)");
    *out = v;
    return 1;
}

/* A list of weekdays ([mon, tue]), or one of: all, weekdays, weekend. */
static int weekdays(cfg_ctx *c, const cfg_node *n, int32_t *mask)
{
    static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    if (n && n->kind == CFG_SCALAR) {
        if (strcmp(n->s, "all") == 0)
            *mask = OQ_DAYS_ALL;
        else if (strcmp(n->s, "weekdays") == 0)
            *mask = OQ_DAYS_WEEKDAYS;
        else if (strcmp(n->s, "weekend") == 0)
            *mask = OQ_DAYS_WEEKEND;
        else
            return oq__cfg_fail(c, n, "expected a list of days (mon .. sun), all, weekdays or weekend");
        return 1;
    }
    if (!n || n->kind != CFG_SEQ)
        return oq__cfg_fail(c, n, "expected a list of days (mon .. sun)");
    int32_t m = 0;
    for (int32_t i = 0; i < n->n; i++) {
        const cfg_node *d = n->kids[i];
        int found = -1;
        for (int k = 0; k < 7 && d->kind == CFG_SCALAR; k++)
            if (strcmp(d->s, names[k]) == 0)
                found = k;
        if (found < 0)
            return oq__cfg_fail(c, d, "expected a day: mon, tue, wed, thu, fri, sat or sun");
        if (m & (1 << found))
            return oq__cfg_fail(c, d, "'%s' is listed twice", names[found]);
        m |= 1 << found;
    }
    *mask = m;
    return 1;
}

/* A pair [a, b] read by `one`. */
static int pair(cfg_ctx *c, const cfg_node *n, int (*one)(cfg_ctx *, const cfg_node *, double *),
                double *a, double *b)
{
    if (!n || n->kind != CFG_SEQ || n->n != 2)
        return oq__cfg_fail(c, n, "expected a pair [from, to]");
    return one(c, n->kids[0], a) && one(c, n->kids[1], b);
}

static int count(cfg_ctx *c, const cfg_node *n, int32_t *out)
{
    return oq__cfg_int(c, n, 0, 1000000000, out);
}

/* ---- shift files -------------------------------------------------------------------- */

static const char *const ROOT_KEYS[] = {"interval", "templates", "tours", NULL};
static const char *const TEMPLATE_KEYS[] = {
    "name", "start_window", "start_step", "length", "paid_hours", "cost_per_hour", "breaks",
    "days", "max_per_start", "max_per_day", "skills", NULL};
static const char *const BREAK_KEYS[] = {"length", "window", "step", "paid", NULL};
static const char *const TOUR_KEYS[] = {"name", "template", "days_on", "days_off",
                                        "consecutive_off", "same_start", "max_drift",
                                        "max_count", NULL};

typedef struct shift_tpl {
    oq_shift_template t;
    oq_shift_break brk[SCH_MAX_BREAKS];
    const char *skills[64];
    const cfg_node *node;
} shift_tpl;

/* The node a template check's field points at. */
static const cfg_node *field_node(const cfg_node *tn, int32_t field, int32_t index)
{
    const cfg_node *win = oq__cfg_get(tn, "start_window"), *brks = oq__cfg_get(tn, "breaks"), *b = NULL;
    if (brks && brks->kind == CFG_SEQ && index >= 0 && index < brks->n)
        b = brks->kids[index];
    const cfg_node *bw = b ? oq__cfg_get(b, "window") : NULL, *n = NULL;
    switch (field) {
    case SCH_F_NAME: n = oq__cfg_get(tn, "name"); break;
    case SCH_F_DAYS: n = oq__cfg_get(tn, "days"); break;
    case SCH_F_START_EARLIEST: n = win && win->kind == CFG_SEQ && win->n > 0 ? win->kids[0] : win; break;
    case SCH_F_START_LATEST: n = win && win->kind == CFG_SEQ && win->n > 1 ? win->kids[1] : win; break;
    case SCH_F_START_STEP: n = oq__cfg_get(tn, "start_step"); break;
    case SCH_F_LENGTH: n = oq__cfg_get(tn, "length"); break;
    case SCH_F_PAID_HOURS: n = oq__cfg_get(tn, "paid_hours"); break;
    case SCH_F_COST: n = oq__cfg_get(tn, "cost_per_hour"); break;
    case SCH_F_MAX_PER_START: n = oq__cfg_get(tn, "max_per_start"); break;
    case SCH_F_MAX_PER_DAY: n = oq__cfg_get(tn, "max_per_day"); break;
    case SCH_F_BREAKS: n = brks; break;
    case SCH_F_BREAK_LENGTH: n = b ? oq__cfg_get(b, "length") : NULL; break;
    case SCH_F_BREAK_EARLIEST: n = bw && bw->kind == CFG_SEQ && bw->n > 0 ? bw->kids[0] : bw; break;
    case SCH_F_BREAK_LATEST: n = bw && bw->kind == CFG_SEQ && bw->n > 1 ? bw->kids[1] : bw; break;
    case SCH_F_BREAK_STEP: n = b ? oq__cfg_get(b, "step") : NULL; break;
    case SCH_F_SKILLS: n = oq__cfg_get(tn, "skills"); break;
    default: break;
    }
    return n ? n : b ? b : tn;
}

static int read_template(cfg_ctx *c, const oq_schedule *s, const cfg_node *v, shift_tpl *st)
{
    oq_shift_template *t = &st->t;
    oq_shift_template_init(t);
    st->node = v;
    if (!oq__cfg_check_map(c, v, TEMPLATE_KEYS, 0))
        return 0;
    static const char *const required[] = {"name", "start_window", "length"};
    for (int k = 0; k < 3; k++)
        if (!oq__cfg_get(v, required[k]))
            return oq__cfg_fail(c, v, "missing key '%s'", required[k]);
    const cfg_node *g;
    size_t p;
    int ok = 1;
#define KEY(name, expr)                                                                          \
    if (ok && (g = oq__cfg_get(v, name))) {                                                          \
        p = oq__cfg_push_key(c, name);                                                               \
        ok = (expr);                                                                             \
        oq__cfg_pop(c, p);                                                                           \
    }
    KEY("name", oq__cfg_id(c, g, &t->name))
    double lo = 0, hi = 0;
    KEY("start_window", pair(c, g, time_of_day, &lo, &hi))
    if (ok) {
        /* a latest start before the earliest runs past midnight */
        if (hi < lo)
            hi += 86400;
        t->earliest_start_s = lo;
        t->latest_start_s = hi;
        t->start_step_s = s->h.interval_s;
    }
    KEY("start_step", duration(c, g, &t->start_step_s))
    KEY("length", duration(c, g, &t->length_s))
    KEY("paid_hours", oq__cfg_number(c, g, 0, 24, &t->paid_hours))
    KEY("cost_per_hour", oq__cfg_number(c, g, 0, 1e9, &t->cost_per_hour))
    KEY("days", weekdays(c, g, &t->days))
    KEY("max_per_start", count(c, g, &t->max_per_start))
    KEY("max_per_day", count(c, g, &t->max_per_day))
    if (ok && (g = oq__cfg_get(v, "skills"))) {
        p = oq__cfg_push_key(c, "skills");
        if (g->kind != CFG_SEQ || g->n > 64)
            ok = oq__cfg_fail(c, g, "expected a list of at most 64 skills");
        for (int32_t i = 0; ok && i < g->n; i++)
            ok = oq__cfg_id(c, g->kids[i], &st->skills[i]);
        t->skills = st->skills;
        t->n_skills = ok ? g->n : 0;
        oq__cfg_pop(c, p);
    }
    if (ok && (g = oq__cfg_get(v, "breaks"))) {
        p = oq__cfg_push_key(c, "breaks");
        if (g->kind != CFG_SEQ || g->n > SCH_MAX_BREAKS)
            ok = oq__cfg_fail(c, g, "expected a list of at most %d breaks", SCH_MAX_BREAKS);
        for (int32_t i = 0; ok && i < g->n; i++) {
            size_t pi = oq__cfg_push_index(c, i);
            const cfg_node *b = g->kids[i], *f;
            oq_shift_break *br = &st->brk[i];
            memset(br, 0, sizeof *br);
            ok = oq__cfg_check_map(c, b, BREAK_KEYS, 0);
            if (ok && (!oq__cfg_get(b, "length") || !oq__cfg_get(b, "window")))
                ok = oq__cfg_fail(c, b, "missing key '%s'", oq__cfg_get(b, "length") ? "window" : "length");
            if (ok && (f = oq__cfg_get(b, "length"))) {
                size_t q = oq__cfg_push_key(c, "length");
                ok = duration(c, f, &br->length_s);
                oq__cfg_pop(c, q);
            }
            if (ok && (f = oq__cfg_get(b, "window"))) {
                size_t q = oq__cfg_push_key(c, "window");
                ok = pair(c, f, duration, &br->earliest_s, &br->latest_s);
                oq__cfg_pop(c, q);
            }
            if (ok && (f = oq__cfg_get(b, "step"))) {
                size_t q = oq__cfg_push_key(c, "step");
                ok = duration(c, f, &br->step_s);
                oq__cfg_pop(c, q);
            }
            if (ok && (f = oq__cfg_get(b, "paid"))) {
                size_t q = oq__cfg_push_key(c, "paid");
                ok = oq__cfg_bool(c, f, &br->paid);
                oq__cfg_pop(c, q);
            }
            oq__cfg_pop(c, pi);
        }
        t->breaks = st->brk;
        t->n_breaks = ok ? g->n : 0;
        oq__cfg_pop(c, p);
    }
#undef KEY
    if (!ok)
        return 0;
    /* the library's checks, pointed at the value that breaks them */
    sch_template chk;
    int32_t field = 0, index = -1;
    char msg[320];
    if (!oq__template_check(s, t, &chk, &field, &index, msg, sizeof msg))
        return oq__cfg_fail(c, field_node(v, field, index), "%s", msg);
    return 1;
}

static int read_tour(cfg_ctx *c, const cfg_node *v, oq_shift_tour *t, double step_s)
{
    oq_shift_tour_init(t);
    if (!oq__cfg_check_map(c, v, TOUR_KEYS, 0))
        return 0;
    if (!oq__cfg_get(v, "name") || !oq__cfg_get(v, "template"))
        return oq__cfg_fail(c, v, "missing key '%s'", oq__cfg_get(v, "name") ? "template" : "name");
    const cfg_node *g;
    size_t p;
    int ok = 1;
    int32_t days_off = -1, same = -1;
    double drift = -1;
#define KEY(name, expr)                                                                          \
    if (ok && (g = oq__cfg_get(v, name))) {                                                          \
        p = oq__cfg_push_key(c, name);                                                               \
        ok = (expr);                                                                             \
        oq__cfg_pop(c, p);                                                                           \
    }
    KEY("name", oq__cfg_id(c, g, &t->name))
    KEY("template", oq__cfg_id(c, g, &t->template_name))
    KEY("days_on", oq__cfg_int(c, g, 1, 7, &t->days_on))
    KEY("days_off", oq__cfg_int(c, g, 0, 6, &days_off))
    KEY("consecutive_off", oq__cfg_bool(c, g, &t->consecutive_off))
    KEY("same_start", oq__cfg_bool(c, g, &same))
    KEY("max_drift", duration(c, g, &drift))
    KEY("max_count", count(c, g, &t->max_count))
#undef KEY
    if (!ok)
        return 0;
    if (days_off >= 0 && days_off + t->days_on != 7)
        return oq__cfg_fail(c, oq__cfg_get(v, "days_off"), "days_on + days_off must make a week of 7 days");
    if (same == 1 && drift > 0)
        return oq__cfg_fail(c, oq__cfg_get(v, "max_drift"), "same_start: true allows no drift");
    if (drift >= 0)
        t->max_drift_s = drift;
    else if (same == 0)
        t->max_drift_s = -step_s; /* any start of the window: set once the template is known */
    return 1;
}

typedef struct shifts_doc {
    shift_tpl *tpl;
    int32_t n_tpl;
    oq_shift_tour *tour;
    const cfg_node **tour_node;
    int32_t n_tour;
} shifts_doc;

static void doc_free(shifts_doc *d)
{
    free(d->tpl);
    free(d->tour);
    free(d->tour_node);
    memset(d, 0, sizeof *d);
}

static int read_shifts(cfg_ctx *c, oq_schedule *s, const cfg_node *root, shifts_doc *d)
{
    if (!root || oq__cfg_is_null(root))
        return oq__cfg_fail(c, root, "the file is empty: expected 'templates:'");
    if (!oq__cfg_check_map(c, root, ROOT_KEYS, 0))
        return 0;
    const cfg_node *g = oq__cfg_get(root, "interval");
    if (g) {
        size_t p = oq__cfg_push_key(c, "interval");
        double iv;
        int ok = duration(c, g, &iv);
        if (ok && fabs(iv - s->h.interval_s) > 1e-9)
            ok = oq__cfg_fail(c, g,
                          "the file's interval of %g s differs from the requirements' %g s: "
                          "templates written for one grid cannot be checked on another",
                          iv, s->h.interval_s);
        oq__cfg_pop(c, p);
        if (!ok)
            return 0;
    }
    const cfg_node *tl = oq__cfg_get(root, "templates"), *tr = oq__cfg_get(root, "tours");
    if (!tl)
        return oq__cfg_fail(c, root, "missing key 'templates'");
    size_t p = oq__cfg_push_key(c, "templates");
    if (tl->kind != CFG_SEQ || tl->n == 0) {
        int r = oq__cfg_fail(c, tl, "expected a non-empty list of templates");
        oq__cfg_pop(c, p);
        return r;
    }
    d->tpl = calloc((size_t)tl->n, sizeof *d->tpl);
    if (!d->tpl)
        return oq__cfg_fail(c, NULL, "out of memory");
    int ok = 1;
    for (int32_t i = 0; ok && i < tl->n; i++) {
        size_t pi = oq__cfg_push_index(c, i);
        ok = read_template(c, s, tl->kids[i], &d->tpl[i]);
        for (int32_t k = 0; ok && k < i; k++)
            if (strcmp(d->tpl[k].t.name, d->tpl[i].t.name) == 0)
                ok = oq__cfg_fail(c, oq__cfg_get(tl->kids[i], "name"), "template '%s' is defined twice",
                              d->tpl[i].t.name);
        for (int32_t k = 0; ok && k < s->n_tpl; k++)
            if (strcmp(s->tpl[k].name, d->tpl[i].t.name) == 0)
                ok = oq__cfg_fail(c, oq__cfg_get(tl->kids[i], "name"), "template '%s' already exists",
                              d->tpl[i].t.name);
        d->n_tpl = i + 1;
        oq__cfg_pop(c, pi);
    }
    oq__cfg_pop(c, p);
    if (!ok || !tr)
        return ok;
    p = oq__cfg_push_key(c, "tours");
    if (tr->kind != CFG_SEQ) {
        ok = oq__cfg_fail(c, tr, "expected a list of tours");
    } else {
        d->tour = calloc((size_t)(tr->n > 0 ? tr->n : 1), sizeof *d->tour);
        d->tour_node = calloc((size_t)(tr->n > 0 ? tr->n : 1), sizeof *d->tour_node);
        if (!d->tour || !d->tour_node)
            ok = oq__cfg_fail(c, NULL, "out of memory");
    }
    for (int32_t i = 0; ok && i < tr->n; i++) {
        size_t pi = oq__cfg_push_index(c, i);
        const cfg_node *v = tr->kids[i];
        oq_shift_tour *t = &d->tour[i];
        d->tour_node[i] = v;
        ok = read_tour(c, v, t, s->h.interval_s);
        const shift_tpl *st = NULL;
        for (int32_t k = 0; ok && k < d->n_tpl; k++)
            if (strcmp(d->tpl[k].t.name, t->template_name) == 0)
                st = &d->tpl[k];
        if (ok && !st)
            ok = oq__cfg_fail(c, oq__cfg_get(v, "template"), "'%s' is not a template of this file",
                          t->template_name);
        if (ok && t->max_drift_s < 0) /* same_start: false without max_drift */
            t->max_drift_s = st->t.latest_start_s - st->t.earliest_start_s;
        for (int32_t k = 0; ok && k < i; k++)
            if (strcmp(d->tour[k].name, t->name) == 0)
                ok = oq__cfg_fail(c, oq__cfg_get(v, "name"), "tour '%s' is defined twice", t->name);
        d->n_tour = i + 1;
        oq__cfg_pop(c, pi);
    }
    oq__cfg_pop(c, p);
    return ok;
}

/* The status of a failed load, also set in *err. */
static oq_status failed(const cfg_ctx *c, oq_error *err)
{
    oq_status st = c->status != OQ_OK ? c->status : OQ_ECONFIG;
    oq__error_status(err, st);
    return st;
}

static oq_status load_shifts(oq_schedule *s, const char *path, const char *yaml, size_t len,
                             const char *name, oq_error *err)
{
    if (!s || (!path && !yaml && len > 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule and file are required");
    cfg_ctx c;
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = 1;
    oq__cfg_ctx_init(&c, name ? name : path ? path : "<buffer>", err, &lo);
    char *buf = NULL;
    cfg_node *root = NULL;
    int ok = 1;
    if (path) {
        ok = oq__cfg_read_file(&c, path, &buf, &len);
        yaml = buf;
    }
    ok = ok && oq__cfg_parse(&c, yaml ? yaml : "", yaml ? len : 0, &root);
    shifts_doc d;
    memset(&d, 0, sizeof d);
    ok = ok && read_shifts(&c, s, root, &d);
    /* everything checked: add, and take it all back should memory run out */
    const int32_t n_tpl0 = s->n_tpl, n_tour0 = s->n_tour;
    oq_status st = OQ_OK;
    oq_error add_err = OQ_ERROR_INIT;
    for (int32_t i = 0; ok && i < d.n_tpl; i++) {
        st = oq_schedule_add_template(s, &d.tpl[i].t, NULL, &add_err);
        if (st != OQ_OK)
            ok = oq__cfg_fail(&c, d.tpl[i].node, "%s", add_err.message);
    }
    for (int32_t i = 0; ok && i < d.n_tour; i++) {
        st = oq_schedule_add_tour(s, &d.tour[i], NULL, &add_err);
        if (st != OQ_OK)
            ok = oq__cfg_fail(&c, d.tour_node[i], "%s", add_err.message);
    }
    if (!ok)
        oq__schedule_truncate(s, n_tpl0, n_tour0);
    doc_free(&d);
    oq__cfg_free(root);
    free(buf);
    if (!ok) {
        if (st == OQ_ENOMEM)
            c.status = OQ_ENOMEM;
        return failed(&c, err);
    }
    return OQ_OK;
}

oq_status oq_schedule_load_shifts(oq_schedule *s, const char *path, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return load_shifts(s, path, NULL, 0, path, err);
}

oq_status oq_schedule_load_shifts_buffer(oq_schedule *s, const char *yaml, size_t len,
                                         const char *name, oq_error *err)
{
    return load_shifts(s, NULL, yaml, len, name, err);
}

/* ---- roster agent files ------------------------------------------------------------ */

struct oq_roster_agents {
    oq_mem mem;
    oq_roster_agent *a;
    int32_t n, cap;
    oq_roster_options opts;
};

static const char *const AGENTS_ROOT_KEYS[] = {"rules", "agents", NULL};
static const char *const RULE_KEYS[] = {"min_rest", "max_consecutive_days", "night", NULL};
static const char *const AGENT_KEYS[] = {"id", "count", "skills", "hours", "min_hours",
                                         "max_hours", "work_days", "off_days", "available",
                                         "min_rest", "max_consecutive_days", NULL};

static void agent_free(oq_mem *m, oq_roster_agent *a)
{
    oq__strfree(m, (char *)a->id);
    for (int32_t i = 0; i < a->n_skills; i++)
        oq__strfree(m, (char *)a->skills[i]);
    oq__free(m, (void *)a->skills, (size_t)a->n_skills * sizeof *a->skills);
    oq__free(m, (void *)a->available, (size_t)a->n_available * sizeof *a->available);
}

void oq_roster_agents_destroy(oq_roster_agents *ag)
{
    if (!ag)
        return;
    oq_mem m = ag->mem;
    for (int32_t i = 0; i < ag->n; i++)
        agent_free(&m, &ag->a[i]);
    oq__free(&m, ag->a, (size_t)ag->cap * sizeof *ag->a);
    oq__free(&m, ag, sizeof *ag);
}

const oq_roster_agent *oq_roster_agents_list(const oq_roster_agents *ag, int32_t *count_out)
{
    if (count_out)
        *count_out = ag ? ag->n : 0;
    return ag ? ag->a : NULL;
}

oq_status oq_roster_agents_options(const oq_roster_agents *ag, oq_roster_options *out, oq_error *err)
{
    if (!ag)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "agents is required");
    return OQ__OUTPUT_PUT(out, &ag->opts, oq_roster_options, max_consecutive_days, err);
}

/* One weekday's availability: [from, to] or a list of such pairs. */
static int day_windows(cfg_ctx *c, const cfg_node *n, double (*w)[2], int32_t *nw)
{
    *nw = 0;
    if (!n || n->kind != CFG_SEQ)
        return oq__cfg_fail(c, n, "expected [from, to] or a list of [from, to]");
    if (n->n == 0)
        return 1; /* not available that day */
    if (n->kids[0]->kind != CFG_SEQ) {
        if (!pair(c, n, time_of_day, &w[0][0], &w[0][1]))
            return 0;
        *nw = 1;
    } else {
        if (n->n > 8)
            return oq__cfg_fail(c, n, "at most 8 windows a day");
        for (int32_t i = 0; i < n->n; i++)
            if (!pair(c, n->kids[i], time_of_day, &w[i][0], &w[i][1]))
                return 0;
        *nw = n->n;
    }
    for (int32_t i = 0; i < *nw; i++)
        if (w[i][1] <= w[i][0])
            w[i][1] += 86400; /* runs past midnight */
    return 1;
}

static int read_agent(cfg_ctx *c, oq_roster_agents *ag, const oq_schedule_horizon *h,
                      int32_t first_weekday, const cfg_node *v)
{
    if (!oq__cfg_check_map(c, v, AGENT_KEYS, 0))
        return 0;
    if (!oq__cfg_get(v, "id"))
        return oq__cfg_fail(c, v, "missing key 'id'");
    oq_roster_agent a;
    oq_roster_agent_init(&a);
    const char *id = NULL;
    int32_t copies = 1, have_count = 0;
    const char *skills[64];
    int32_t n_skills = 0;
    double win[7][8][2];
    int32_t n_win[7] = {0}, have_avail = 0;
    const cfg_node *g;
    size_t p;
    int ok = 1;
#define KEY(name, expr)                                                                          \
    if (ok && (g = oq__cfg_get(v, name))) {                                                          \
        p = oq__cfg_push_key(c, name);                                                               \
        ok = (expr);                                                                             \
        oq__cfg_pop(c, p);                                                                           \
    }
    KEY("id", oq__cfg_id(c, g, &id))
    KEY("count", (have_count = 1, oq__cfg_int(c, g, 1, 100000, &copies)))
    if (ok && (g = oq__cfg_get(v, "skills"))) {
        p = oq__cfg_push_key(c, "skills");
        if (g->kind != CFG_SEQ || g->n > 64)
            ok = oq__cfg_fail(c, g, "expected a list of at most 64 skills");
        for (int32_t i = 0; ok && i < g->n; i++)
            ok = oq__cfg_id(c, g->kids[i], &skills[i]);
        n_skills = ok ? g->n : 0;
        oq__cfg_pop(c, p);
    }
    double hrs[2] = {0, 0};
    KEY("hours", pair(c, g, oq__cfg_seconds, &hrs[0], &hrs[1]))
    if (ok && g) {
        a.min_hours = hrs[0];
        a.max_hours = hrs[1];
        if (hrs[1] < hrs[0])
            ok = oq__cfg_fail(c, g, "expected [min, max] hours with min <= max");
    }
    KEY("min_hours", oq__cfg_number(c, g, 0, 168, &a.min_hours))
    KEY("max_hours", oq__cfg_number(c, g, 0, 168, &a.max_hours))
    KEY("work_days", weekdays(c, g, &a.work_days))
    KEY("off_days", weekdays(c, g, &a.off_days))
    KEY("min_rest", duration(c, g, &a.min_rest_s))
    KEY("max_consecutive_days", oq__cfg_int(c, g, 1, 366, &a.max_consecutive_days))
    if (ok && (g = oq__cfg_get(v, "available"))) {
        static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                            NULL};
        p = oq__cfg_push_key(c, "available");
        have_avail = 1;
        ok = oq__cfg_check_map(c, g, names, 0);
        for (int w = 0; ok && w < 7; w++) {
            const cfg_node *d = oq__cfg_get(g, names[w]);
            if (!d)
                continue;
            size_t q = oq__cfg_push_key(c, names[w]);
            ok = day_windows(c, d, win[w], &n_win[w]);
            oq__cfg_pop(c, q);
        }
        oq__cfg_pop(c, p);
    }
#undef KEY
    if (!ok)
        return 0;
    if (a.max_hours > 0 && a.min_hours > a.max_hours)
        return oq__cfg_fail(c, oq__cfg_get(v, "min_hours") ? oq__cfg_get(v, "min_hours") : v,
                        "min_hours is above max_hours");
    if (a.work_days & a.off_days)
        return oq__cfg_fail(c, oq__cfg_get(v, "work_days"), "a day is both a work day and a day off");
    /* availability by weekday -> windows over the horizon */
    int32_t total = 0;
    for (int32_t day = 0; have_avail && day < h->days; day++)
        total += n_win[(first_weekday + day) % 7];
    for (int32_t k = 0; k < copies; k++) {
        oq_roster_agent b = a;
        char idbuf[96];
        if (have_count)
            snprintf(idbuf, sizeof idbuf, "%s%03d", id, (int)k + 1);
        else
            snprintf(idbuf, sizeof idbuf, "%s", id);
        for (int32_t i = 0; i < ag->n; i++)
            if (strcmp(ag->a[i].id, idbuf) == 0)
                return oq__cfg_fail(c, oq__cfg_get(v, "id"), "agent '%s' is defined twice", idbuf);
        if (!oq__grow(&ag->mem, (void **)&ag->a, &ag->cap, ag->n + 1, sizeof *ag->a))
            return oq__cfg_fail(c, NULL, "out of memory");
        b.id = NULL;
        b.skills = NULL;
        b.n_skills = 0;
        b.available = NULL;
        b.n_available = 0;
        ag->a[ag->n++] = b;
        oq_roster_agent *t = &ag->a[ag->n - 1];
        char *idc = oq__strndup(&ag->mem, idbuf, strlen(idbuf));
        const char **sk = n_skills ? oq__calloc(&ag->mem, (size_t)n_skills, sizeof *sk) : NULL;
        oq_sim_window *aw = total ? oq__calloc(&ag->mem, (size_t)total, sizeof *aw) : NULL;
        t->id = idc;
        t->skills = sk;
        t->n_skills = sk ? n_skills : 0;
        t->available = aw;
        t->n_available = aw ? total : 0;
        if (!idc || (n_skills && !sk) || (total && !aw))
            return oq__cfg_fail(c, NULL, "out of memory");
        for (int32_t i = 0; i < n_skills; i++)
            if (!(sk[i] = oq__strndup(&ag->mem, skills[i], strlen(skills[i]))))
                return oq__cfg_fail(c, NULL, "out of memory");
        int32_t m = 0;
        for (int32_t day = 0; have_avail && day < h->days; day++) {
            int w = (int)((first_weekday + day) % 7);
            for (int32_t i = 0; i < n_win[w]; i++) {
                aw[m].start_s = day * 86400.0 + win[w][i][0];
                aw[m].end_s = day * 86400.0 + win[w][i][1];
                aw[m].reason = NULL;
                m++;
            }
        }
        if (have_avail && total == 0) {
            /* listed, but never available: an empty window keeps "restricted" */
            t->n_available = 0;
            t->available = NULL;
            t->off_days = OQ_DAYS_ALL;
        }
    }
    return 1;
}

static oq_status load_agents(const char *path, const char *yaml, size_t len, const char *name,
                             const oq_schedule_horizon *horizon, oq_roster_agents **out,
                             oq_error *err)
{
    oq_schedule_horizon full; /* the caller's horizon over the defaults: core.h, versioned structs */
    const oq_schedule_horizon *h = &full;
    char why[OQ__ABI_MSG];
    if (!horizon || !out || (!path && !yaml && len > 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon, file and out are required");
    if (OQ__OPTIONS_COPY(&full, horizon, oq_schedule_horizon, first_date, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon: %s", why);
    cfg_ctx c;
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = 1;
    oq__cfg_ctx_init(&c, name ? name : path ? path : "<buffer>", err, &lo);
    oq_mem mem;
    oq__mem_init(&mem, h->alloc, h->alloc_user);
    oq_roster_agents *ag = oq__calloc(&mem, 1, sizeof *ag);
    if (!ag)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    ag->mem = mem;
    oq_roster_options_init(&ag->opts);
    char *buf = NULL;
    cfg_node *root = NULL;
    int ok = 1;
    if (path) {
        ok = oq__cfg_read_file(&c, path, &buf, &len);
        yaml = buf;
    }
    ok = ok && oq__cfg_parse(&c, yaml ? yaml : "", yaml ? len : 0, &root);
    if (ok && (!root || oq__cfg_is_null(root)))
        ok = oq__cfg_fail(&c, root, "the file is empty: expected 'agents:'");
    ok = ok && oq__cfg_check_map(&c, root, AGENTS_ROOT_KEYS, 0);
    const cfg_node *g;
    if (ok && (g = oq__cfg_get(root, "rules"))) {
        size_t p = oq__cfg_push_key(&c, "rules");
        ok = oq__cfg_check_map(&c, g, RULE_KEYS, 0);
        const cfg_node *f;
        if (ok && (f = oq__cfg_get(g, "min_rest"))) {
            size_t q = oq__cfg_push_key(&c, "min_rest");
            ok = duration(&c, f, &ag->opts.min_rest_s);
            oq__cfg_pop(&c, q);
        }
        if (ok && (f = oq__cfg_get(g, "max_consecutive_days"))) {
            size_t q = oq__cfg_push_key(&c, "max_consecutive_days");
            ok = oq__cfg_int(&c, f, 1, 366, &ag->opts.max_consecutive_days);
            oq__cfg_pop(&c, q);
        }
        if (ok && (f = oq__cfg_get(g, "night"))) {
            size_t q = oq__cfg_push_key(&c, "night");
            ok = pair(&c, f, time_of_day, &ag->opts.night_start_s, &ag->opts.night_end_s);
            oq__cfg_pop(&c, q);
        }
        oq__cfg_pop(&c, p);
    }
    const cfg_node *list = ok ? oq__cfg_get(root, "agents") : NULL;
    if (ok && !list)
        ok = oq__cfg_fail(&c, root, "missing key 'agents'");
    if (ok) {
        size_t p = oq__cfg_push_key(&c, "agents");
        if (list->kind != CFG_SEQ || list->n == 0)
            ok = oq__cfg_fail(&c, list, "expected a non-empty list of agents");
        int32_t fw = oq__weekday_of(h->first_date);
        for (int32_t i = 0; ok && i < list->n; i++) {
            size_t pi = oq__cfg_push_index(&c, i);
            ok = read_agent(&c, ag, h, fw, list->kids[i]);
            oq__cfg_pop(&c, pi);
        }
        oq__cfg_pop(&c, p);
    }
    oq__cfg_free(root);
    free(buf);
    if (!ok) {
        oq_roster_agents_destroy(ag);
        return failed(&c, err);
    }
    *out = ag;
    return OQ_OK;
}

oq_status oq_roster_agents_load(const char *path, const oq_schedule_horizon *h,
                                oq_roster_agents **out, oq_error *err)
{
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path is NULL");
    return load_agents(path, NULL, 0, path, h, out, err);
}

oq_status oq_roster_agents_load_buffer(const char *yaml, size_t len, const char *name,
                                       const oq_schedule_horizon *h, oq_roster_agents **out,
                                       oq_error *err)
{
    return load_agents(NULL, yaml, len, name, h, out, err);
}
