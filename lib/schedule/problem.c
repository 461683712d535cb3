/* SPDX-License-Identifier: MIT */
/* The schedule problem: horizon, requirements, traffic, templates, tours. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/internal.h"

int32_t oq__weekday_of(int32_t date)
{
    int32_t w = (int32_t)(((int64_t)date + 3) % 7); /* 1970-01-01 was a Thursday */
    return w < 0 ? w + 7 : w;
}

oq_status oq_schedule_horizon_init(oq_schedule_horizon *h)
{
    if (!h)
        return OQ_EINVAL;
    memset(h, 0, sizeof *h);
    h->struct_size = sizeof *h;
    h->first_date = 4; /* 1970-01-05, a Monday */
    h->days = 7;
    h->wrap = 1;
    h->interval_s = 900;
    return OQ_OK;
}

/* Is x (seconds) a whole number of `unit` seconds? Writes the count. */
static int whole(double x, double unit, int32_t *count)
{
    if (!isfinite(x) || !(unit > 0))
        return 0;
    double q = x / unit, r = nearbyint(q);
    if (fabs(q - r) > 1e-9 * (fabs(q) + 1) || fabs(r) > 1e9)
        return 0;
    *count = (int32_t)r;
    return 1;
}

oq_status oq_schedule_create(const oq_schedule_horizon *horizon, oq_schedule **out, oq_error *err)
{
    oq_schedule_horizon full; /* the caller's horizon over the defaults: core.h, versioned structs */
    const oq_schedule_horizon *h = &full;
    char why[OQ__ABI_MSG];
    if (!horizon || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon and out are required");
    if (OQ__OPTIONS_COPY(&full, horizon, oq_schedule_horizon, first_date, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon: %s", why);
    int32_t per_day = 0;
    if (!(h->interval_s >= 60) || !whole(86400.0, h->interval_s, &per_day) || per_day < 1)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "horizon.interval_s: %g does not divide a day into whole intervals of "
                         "at least 60 s",
                         h->interval_s);
    if (h->days < 1 || h->days > 366)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon.days: %d is not in 1..366",
                         (int)h->days);
    if (h->wrap != 0 && h->wrap != 1)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "horizon.wrap: must be 0 or 1");
    oq_mem mem;
    oq__mem_init(&mem, h->alloc, h->alloc_user);
    oq_schedule *s = oq__calloc(&mem, 1, sizeof *s);
    if (!s)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    s->mem = mem;
    s->h = *h;
    s->per_day = per_day;
    s->n = per_day * h->days;
    s->first_weekday = oq__weekday_of(h->first_date);
    s->required = oq__calloc(&s->mem, (size_t)s->n, sizeof *s->required);
    if (!s->required) {
        oq__free(&mem, s, sizeof *s); /* not through s->mem: it lives in s */
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *out = s;
    return OQ_OK;
}

static void template_free(oq_mem *m, sch_template *t)
{
    oq__strfree(m, t->name);
    for (int32_t i = 0; i < t->n_skills; i++)
        oq__strfree(m, t->skills[i]);
    oq__free(m, t->skills, (size_t)t->n_skills * sizeof *t->skills);
}

void oq_schedule_destroy(oq_schedule *s)
{
    if (!s)
        return;
    oq_mem mem = s->mem;
    for (int32_t i = 0; i < s->n_tpl; i++)
        template_free(&mem, &s->tpl[i]);
    oq__free(&mem, s->tpl, (size_t)s->cap_tpl * sizeof *s->tpl);
    for (int32_t i = 0; i < s->n_tour; i++)
        oq__strfree(&mem, s->tour[i].name);
    oq__free(&mem, s->tour, (size_t)s->cap_tour * sizeof *s->tour);
    oq__free(&mem, s->required, (size_t)s->n * sizeof *s->required);
    oq__free(&mem, s->load, (size_t)s->n * sizeof *s->load);
    oq__free(&mem, s->aht, (size_t)s->n * sizeof *s->aht);
    oq__free(&mem, s, sizeof *s);
}

oq_status oq_schedule_get_horizon(const oq_schedule *s, oq_schedule_horizon *out, oq_error *err)
{
    if (!s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule is required");
    return OQ__OUTPUT_PUT(out, &s->h, oq_schedule_horizon, first_date, err);
}

int32_t oq_schedule_interval_count(const oq_schedule *s) { return s ? s->n : 0; }

static oq_status check_range(const oq_schedule *s, int32_t first, int32_t n, const void *p,
                             oq_error *err)
{
    if (!s || (!p && n > 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule and values are required");
    if (first < 0 || n < 0 || first > s->n - n)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "intervals %d .. %d: outside the horizon's %d intervals", (int)first,
                         (int)first + (int)n - 1, (int)s->n);
    return OQ_OK;
}

oq_status oq_schedule_set_required(oq_schedule *s, int32_t first, int32_t n,
                                   const int32_t *required, oq_error *err)
{
    oq_status st = check_range(s, first, n, required, err);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < n; i++)
        if (required[i] < 0)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "required[%d]: %d is negative",
                             (int)(first + i), (int)required[i]);
    memcpy(s->required + first, required, (size_t)n * sizeof *required);
    return OQ_OK;
}

oq_status oq_schedule_get_required(const oq_schedule *s, int32_t *required, int32_t n)
{
    if (!s || !required || n != s->n)
        return OQ_EINVAL;
    memcpy(required, s->required, (size_t)n * sizeof *required);
    return OQ_OK;
}

static oq_status traffic_arrays(oq_schedule *s, oq_error *err)
{
    if (s->load)
        return OQ_OK;
    double *l = oq__calloc(&s->mem, (size_t)s->n, sizeof *l);
    double *a = oq__calloc(&s->mem, (size_t)s->n, sizeof *a);
    if (!l || !a) {
        oq__free(&s->mem, l, l ? (size_t)s->n * sizeof *l : 0);
        oq__free(&s->mem, a, a ? (size_t)s->n * sizeof *a : 0);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    s->load = l;
    s->aht = a;
    return OQ_OK;
}

static oq_status check_traffic(int32_t first, int32_t n, const double *load, const double *aht,
                               oq_error *err)
{
    for (int32_t i = 0; i < n; i++) {
        if (!(load[i] >= 0) || !isfinite(load[i]))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "load[%d]: %g is not a load >= 0",
                             (int)(first + i), load[i]);
        if (load[i] > 0 && (!aht || !(aht[i] > 0) || !isfinite(aht[i])))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "aht_s[%d]: a handle time > 0 is needed where the load is %g",
                             (int)(first + i), load[i]);
    }
    return OQ_OK;
}

oq_status oq_schedule_set_traffic(oq_schedule *s, int32_t first, int32_t n, const double *load,
                                  const double *aht_s, oq_error *err)
{
    oq_status st = check_range(s, first, n, load, err);
    if (st == OQ_OK)
        st = check_traffic(first, n, load, aht_s, err);
    if (st == OQ_OK)
        st = traffic_arrays(s, err);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < n; i++) {
        s->load[first + i] = load[i];
        s->aht[first + i] = load[i] > 0 ? aht_s[i] : 0;
    }
    return OQ_OK;
}

oq_status oq_schedule_set_plan(oq_schedule *s, int32_t first, int32_t n,
                               const oq_plan_interval *rows, int32_t use_scheduled,
                               const double *aht_s, oq_error *err)
{
    oq_status st = check_range(s, first, n, rows, err);
    if (st != OQ_OK)
        return st;
    if (use_scheduled != 0 && use_scheduled != 1)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "use_scheduled: must be 0 or 1");
    for (int32_t i = 0; i < n; i++) {
        int32_t v = use_scheduled ? rows[i].scheduled : rows[i].required;
        if (v < 0)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "rows[%d]: %d agents is negative",
                             (int)i, (int)v);
        if (aht_s && (!(rows[i].load >= 0) || !isfinite(rows[i].load)))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "rows[%d].load: %g is not >= 0",
                             (int)i, rows[i].load);
        if (aht_s && rows[i].load > 0 && !(aht_s[i] > 0 && isfinite(aht_s[i])))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "aht_s[%d]: a handle time > 0 is needed where the load is %g",
                             (int)i, rows[i].load);
    }
    if (aht_s && (st = traffic_arrays(s, err)) != OQ_OK)
        return st;
    for (int32_t i = 0; i < n; i++) {
        s->required[first + i] = use_scheduled ? rows[i].scheduled : rows[i].required;
        if (aht_s) {
            s->load[first + i] = rows[i].load;
            s->aht[first + i] = rows[i].load > 0 ? aht_s[i] : 0;
        }
    }
    return OQ_OK;
}

/* ---- templates ---------------------------------------------------------------- */

oq_status oq_shift_template_init(oq_shift_template *t)
{
    if (!t)
        return OQ_EINVAL;
    memset(t, 0, sizeof *t);
    t->struct_size = sizeof *t;
    t->days = OQ_DAYS_ALL;
    t->paid_hours = -1;
    t->cost_per_hour = 1;
    return OQ_OK;
}

static int valid_name(const char *name)
{
    if (!name)
        return 0;
    size_t n = strlen(name);
    return n >= 1 && n <= SCH_NAME_MAX;
}

#define FAIL(f, i, ...)                                                                          \
    do {                                                                                         \
        *field = (f);                                                                            \
        if (index)                                                                               \
            *index = (i);                                                                        \
        snprintf(msg, msg_size, __VA_ARGS__);                                                    \
        return 0;                                                                                \
    } while (0)

int oq__template_check(const oq_schedule *s, const oq_shift_template *t, sch_template *o,
                       int32_t *field, int32_t *index, char *msg, size_t msg_size)
{
    const double iv = s->h.interval_s;
    memset(o, 0, sizeof *o);
    if (index)
        *index = -1;
    if (!valid_name(t->name))
        FAIL(SCH_F_NAME, -1, "name: 1 to %d bytes are required", SCH_NAME_MAX);
    if (t->days <= 0 || (t->days & ~OQ_DAYS_ALL))
        FAIL(SCH_F_DAYS, -1, "days: %d is not a non-empty weekday mask", (int)t->days);
    o->days = t->days;
    if (!whole(t->earliest_start_s, iv, &o->lo) || o->lo < 0 || o->lo >= s->per_day)
        FAIL(SCH_F_START_EARLIEST, -1,
             "start_window: the earliest start %g s is not a time of day on the %g s interval "
             "grid",
             t->earliest_start_s, iv);
    if (!whole(t->latest_start_s, iv, &o->hi) || o->hi < o->lo || o->hi >= o->lo + s->per_day)
        FAIL(SCH_F_START_LATEST, -1,
             "start_window: the latest start %g s is not on the %g s grid within a day after the "
             "earliest",
             t->latest_start_s, iv);
    o->step = 1;
    if (t->start_step_s != 0 && (!whole(t->start_step_s, iv, &o->step) || o->step < 1))
        FAIL(SCH_F_START_STEP, -1, "start_step: %g s is not a positive multiple of the %g s interval",
             t->start_step_s, iv);
    if ((o->hi - o->lo) % o->step != 0)
        FAIL(SCH_F_START_STEP, -1,
             "start_step: %g s does not lead from the earliest to the latest start",
             t->start_step_s);
    if (!whole(t->length_s, iv, &o->len) || o->len < 1 || o->len > s->per_day)
        FAIL(SCH_F_LENGTH, -1,
             "length: %g s is not a positive multiple of the %g s interval of at most a day",
             t->length_s, iv);
    if (t->n_breaks < 0 || t->n_breaks > SCH_MAX_BREAKS || (t->n_breaks > 0 && !t->breaks))
        FAIL(SCH_F_BREAKS, -1, "breaks: 0 to %d breaks", SCH_MAX_BREAKS);
    o->n_breaks = t->n_breaks;
    int32_t unpaid = 0, earliest_free = 0;
    for (int32_t k = 0; k < t->n_breaks; k++) {
        const oq_shift_break *b = &t->breaks[k];
        sch_break *ob = &o->breaks[k];
        if (!whole(b->length_s, iv, &ob->len) || ob->len < 1)
            FAIL(SCH_F_BREAK_LENGTH, k, "breaks[%d].length: %g s is not a positive multiple of the %g s interval",
                 (int)k, b->length_s, iv);
        if (!whole(b->earliest_s, iv, &ob->lo) || ob->lo < 0)
            FAIL(SCH_F_BREAK_EARLIEST, k,
                 "breaks[%d].window: the earliest start %g s is not >= 0 on the %g s grid", (int)k,
                 b->earliest_s, iv);
        if (!whole(b->latest_s, iv, &ob->hi) || ob->hi < ob->lo)
            FAIL(SCH_F_BREAK_LATEST, k,
                 "breaks[%d].window: the latest start %g s is not on the %g s grid after the "
                 "earliest",
                 (int)k, b->latest_s, iv);
        if (ob->hi + ob->len > o->len)
            FAIL(SCH_F_BREAK_LATEST, k,
                 "breaks[%d].window: a %g s break starting %g..%g s into the shift does not lie "
                 "inside the %g s shift",
                 (int)k, b->length_s, b->earliest_s, b->latest_s, t->length_s);
        ob->step = 1;
        if (b->step_s != 0 && (!whole(b->step_s, iv, &ob->step) || ob->step < 1))
            FAIL(SCH_F_BREAK_STEP, k, "breaks[%d].step: %g s is not a positive multiple of the %g s interval",
                 (int)k, b->step_s, iv);
        if ((ob->hi - ob->lo) % ob->step != 0)
            FAIL(SCH_F_BREAK_STEP, k,
                 "breaks[%d].step: %g s does not lead from the earliest to the latest start",
                 (int)k, b->step_s);
        if (b->paid != 0 && b->paid != 1)
            FAIL(SCH_F_BREAK_LENGTH, k, "breaks[%d].paid: must be 0 or 1", (int)k);
        ob->paid = b->paid;
        /* breaks are taken in order: this one must fit after the previous one
         * at its earliest */
        int32_t first_ok = ob->lo;
        while (first_ok < earliest_free && first_ok <= ob->hi)
            first_ok += ob->step;
        if (first_ok > ob->hi)
            FAIL(SCH_F_BREAK_LATEST, k,
                 "breaks[%d].window: the break cannot start after breaks[%d] ends (latest start "
                 "%g s)",
                 (int)k, (int)k - 1, b->latest_s);
        earliest_free = first_ok + ob->len;
        if (!ob->paid)
            unpaid += ob->len;
    }
    if (t->paid_hours < 0)
        o->paid_hours = (double)(o->len - unpaid) * iv / 3600.0;
    else if (!isfinite(t->paid_hours) || t->paid_hours > 24)
        FAIL(SCH_F_PAID_HOURS, -1, "paid_hours: %g is not in 0..24", t->paid_hours);
    else
        o->paid_hours = t->paid_hours;
    if (!(t->cost_per_hour >= 0) || !isfinite(t->cost_per_hour) || t->cost_per_hour > 1e9)
        FAIL(SCH_F_COST, -1, "cost_per_hour: %g is not in 0..1e9", t->cost_per_hour);
    o->cost_per_hour = t->cost_per_hour;
    o->cost = o->paid_hours * o->cost_per_hour;
    if (t->max_per_start < 0)
        FAIL(SCH_F_MAX_PER_START, -1, "max_per_start: %d is negative", (int)t->max_per_start);
    if (t->max_per_day < 0)
        FAIL(SCH_F_MAX_PER_DAY, -1, "max_per_day: %d is negative", (int)t->max_per_day);
    o->max_per_start = t->max_per_start;
    o->max_per_day = t->max_per_day;
    if (t->n_skills < 0 || (t->n_skills > 0 && !t->skills))
        FAIL(SCH_F_SKILLS, -1, "skills: a count >= 0 with an array");
    for (int32_t i = 0; i < t->n_skills; i++)
        if (!valid_name(t->skills[i]))
            FAIL(SCH_F_SKILLS, -1, "skills[%d]: 1 to %d bytes are required", (int)i, SCH_NAME_MAX);
    return 1;
}

oq_status oq_schedule_add_template(oq_schedule *s, const oq_shift_template *tpl, int32_t *index,
                                   oq_error *err)
{
    oq_shift_template full; /* the caller's template over the defaults: core.h, versioned structs */
    const oq_shift_template *t = &full;
    char why[OQ__ABI_MSG];
    if (!s || !tpl)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule and template are required");
    if (OQ__OPTIONS_COPY(&full, tpl, oq_shift_template, days, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "template: %s", why);
    sch_template o;
    int32_t field, bi;
    char msg[320];
    if (!oq__template_check(s, t, &o, &field, &bi, msg, sizeof msg))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "template '%s': %s",
                         valid_name(t->name) ? t->name : "?", msg);
    for (int32_t i = 0; i < s->n_tpl; i++)
        if (strcmp(s->tpl[i].name, t->name) == 0)
            return oq__error(err, OQ_EEXIST, NULL, 0, 0, "template '%s': the name is taken",
                             t->name);
    if (!oq__grow(&s->mem, (void **)&s->tpl, &s->cap_tpl, s->n_tpl + 1, sizeof *s->tpl))
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    o.name = oq__strndup(&s->mem, t->name, strlen(t->name));
    o.skills = t->n_skills ? oq__calloc(&s->mem, (size_t)t->n_skills, sizeof *o.skills) : NULL;
    int ok = o.name && (t->n_skills == 0 || o.skills);
    o.n_skills = ok ? t->n_skills : 0;
    for (int32_t i = 0; ok && i < t->n_skills; i++)
        ok = (o.skills[i] = oq__strndup(&s->mem, t->skills[i], strlen(t->skills[i]))) != NULL;
    if (!ok) {
        template_free(&s->mem, &o);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (index)
        *index = s->n_tpl;
    s->tpl[s->n_tpl++] = o;
    return OQ_OK;
}

int32_t oq_schedule_template_count(const oq_schedule *s) { return s ? s->n_tpl : 0; }
int32_t oq_schedule_tour_count(const oq_schedule *s) { return s ? s->n_tour : 0; }

const char *oq_schedule_template_name(const oq_schedule *s, int32_t i)
{
    return s && i >= 0 && i < s->n_tpl ? s->tpl[i].name : NULL;
}

const char *oq_schedule_tour_name(const oq_schedule *s, int32_t i)
{
    return s && i >= 0 && i < s->n_tour ? s->tour[i].name : NULL;
}

/* ---- tours -------------------------------------------------------------------- */

oq_status oq_shift_tour_init(oq_shift_tour *t)
{
    if (!t)
        return OQ_EINVAL;
    memset(t, 0, sizeof *t);
    t->struct_size = sizeof *t;
    t->days_on = 5;
    t->consecutive_off = 1;
    return OQ_OK;
}

int oq__tour_check(const oq_schedule *s, const oq_shift_tour *t, sch_tour *o, int32_t *field,
                   char *msg, size_t msg_size)
{
    int32_t *index = NULL;
    memset(o, 0, sizeof *o);
    if (!valid_name(t->name))
        FAIL(SCH_F_NAME, -1, "name: 1 to %d bytes are required", SCH_NAME_MAX);
    o->tpl = -1;
    for (int32_t i = 0; t->template_name && i < s->n_tpl; i++)
        if (strcmp(s->tpl[i].name, t->template_name) == 0)
            o->tpl = i;
    if (o->tpl < 0)
        FAIL(SCH_F_TOUR_TEMPLATE, -1, "template: '%s' is not a template",
             t->template_name ? t->template_name : "(none)");
    if (t->days_on < 1 || t->days_on > 7)
        FAIL(SCH_F_TOUR_DAYS_ON, -1, "days_on: %d is not in 1..7", (int)t->days_on);
    const sch_template *tp = &s->tpl[o->tpl];
    int avail = 0;
    for (int w = 0; w < 7; w++)
        avail += (tp->days >> w) & 1;
    if (t->days_on > avail)
        FAIL(SCH_F_TOUR_DAYS_ON, -1, "days_on: %d days, but template '%s' may only be worked on %d",
             (int)t->days_on, tp->name, avail);
    if (t->consecutive_off != 0 && t->consecutive_off != 1)
        FAIL(SCH_F_TOUR_DAYS_ON, -1, "consecutive_off: must be 0 or 1");
    if (t->max_count < 0)
        FAIL(SCH_F_TOUR_MAX, -1, "max_count: %d is negative", (int)t->max_count);
    if (!whole(t->max_drift_s, s->h.interval_s, &o->drift) || o->drift < 0 ||
        o->drift % tp->step != 0 || o->drift > tp->hi - tp->lo)
        FAIL(SCH_F_TOUR_DRIFT, -1,
             "max_drift: %g s is not a multiple of the template's start step within its start "
             "window",
             t->max_drift_s);
    o->days_on = t->days_on;
    o->consecutive_off = t->consecutive_off;
    o->max_count = t->max_count;
    return 1;
}

oq_status oq_schedule_add_tour(oq_schedule *s, const oq_shift_tour *tour, int32_t *index,
                               oq_error *err)
{
    oq_shift_tour full; /* the caller's tour over the defaults: core.h, versioned structs */
    const oq_shift_tour *t = &full;
    char why[OQ__ABI_MSG];
    if (!s || !tour)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule and tour are required");
    if (OQ__OPTIONS_COPY(&full, tour, oq_shift_tour, days_on, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "tour: %s", why);
    sch_tour o;
    int32_t field;
    char msg[320];
    if (!oq__tour_check(s, t, &o, &field, msg, sizeof msg))
        return oq__error(err, field == SCH_F_TOUR_TEMPLATE ? OQ_ENOTFOUND : OQ_EINVAL, NULL, 0,
                         0, "tour '%s': %s", valid_name(t->name) ? t->name : "?", msg);
    for (int32_t i = 0; i < s->n_tour; i++)
        if (strcmp(s->tour[i].name, t->name) == 0)
            return oq__error(err, OQ_EEXIST, NULL, 0, 0, "tour '%s': the name is taken", t->name);
    if (!oq__grow(&s->mem, (void **)&s->tour, &s->cap_tour, s->n_tour + 1, sizeof *s->tour) ||
        !(o.name = oq__strndup(&s->mem, t->name, strlen(t->name))))
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    s->tpl[o.tpl].tour_only = 1;
    if (index)
        *index = s->n_tour;
    s->tour[s->n_tour++] = o;
    return OQ_OK;
}

void oq__schedule_truncate(oq_schedule *s, int32_t n_tpl, int32_t n_tour)
{
    while (s->n_tour > n_tour)
        oq__strfree(&s->mem, s->tour[--s->n_tour].name);
    while (s->n_tpl > n_tpl)
        template_free(&s->mem, &s->tpl[--s->n_tpl]);
    for (int32_t i = 0; i < s->n_tpl; i++)
        s->tpl[i].tour_only = 0;
    for (int32_t i = 0; i < s->n_tour; i++)
        s->tpl[s->tour[i].tpl].tour_only = 1;
}
