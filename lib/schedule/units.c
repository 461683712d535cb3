/* SPDX-License-Identifier: MIT */
/* Units (one agent's daily shift or tour week), coverage computed from them,
 * and the penalties that turn coverage into an objective. */
#include <math.h>
#include <string.h>

#include "schedule/internal.h"

int oq__units_push(oq_mem *m, sch_units *us, const sch_unit *u, const sch_duty_inst *duties)
{
    if (!oq__grow(m, (void **)&us->u, &us->cap, us->n + 1, sizeof *us->u) ||
        !oq__grow(m, (void **)&us->d, &us->capd, us->nd + u->n_days, sizeof *us->d))
        return 0;
    sch_unit *nu = &us->u[us->n++];
    *nu = *u;
    nu->first = us->nd;
    memcpy(us->d + us->nd, duties, (size_t)u->n_days * sizeof *duties);
    us->nd += u->n_days;
    return 1;
}

void oq__units_free(oq_mem *m, sch_units *us)
{
    oq__free(m, us->u, (size_t)us->cap * sizeof *us->u);
    oq__free(m, us->d, (size_t)us->capd * sizeof *us->d);
    memset(us, 0, sizeof *us);
}

/* Add sign to cov over [from, from + len) of the horizon, wrapping or cutting. */
static void add_span(const oq_schedule *s, int32_t *cov, int32_t from, int32_t len, int32_t sign)
{
    for (int32_t i = 0; i < len; i++) {
        int32_t t = from + i;
        if (t >= s->n) {
            if (!s->h.wrap)
                return;
            t %= s->n;
        }
        cov[t] += sign;
    }
}

void oq__duty_apply(const oq_schedule *s, const sch_template *t, const sch_duty_inst *d,
                    int32_t *cov, int32_t sign)
{
    add_span(s, cov, d->start, t->len, sign);
    for (int32_t k = 0; k < t->n_breaks; k++)
        add_span(s, cov, d->start + d->brk[k], t->breaks[k].len, -sign);
}

void oq__units_coverage(const oq_schedule *s, const sch_units *us, int32_t *cov)
{
    memset(cov, 0, (size_t)s->n * sizeof *cov);
    for (int32_t i = 0; i < us->n; i++) {
        const sch_unit *u = &us->u[i];
        for (int32_t k = 0; k < u->n_days; k++)
            oq__duty_apply(s, &s->tpl[u->tpl], &us->d[u->first + k], cov, 1);
    }
}

/* ---- penalties -------------------------------------------------------------------- */

/* Erlang C service level at n agents (0 when unstable). */
static double sl_at(double load, double aht, int32_t n, double threshold)
{
    double v = 0;
    if (load <= 0)
        return n > 0 ? 1.0 : 0.0;
    if (oq_erlang_c_service_level(load, n, aht, threshold, &v) != OQ_OK)
        return 0;
    return v;
}

int oq__costs_build(const oq_schedule *s, oq_mem *mem, const oq_schedule_options *o,
                    sch_costs *c, oq_error *err)
{
    memset(c, 0, sizeof *c);
    const double hours = s->h.interval_s / 3600.0;
    c->hard = o->objective == OQ_SCHED_HARD;
    c->over = o->over_penalty * hours;
    c->cap = o->max_per_interval;
    if (o->calendar) {
        /* an interval is open when the calendar is open all through it */
        c->open = oq__calloc(mem, (size_t)s->n, 1);
        if (!c->open) {
            oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
            return 0;
        }
        const int64_t iv_ms = llround(s->h.interval_s * 1000);
        for (int32_t t = 0; t < s->n; t++) {
            int64_t from, to, open_ms = 0;
            int32_t day = t / s->per_day, k = t % s->per_day;
            int32_t next_day = (t + 1) / s->per_day, next_k = (t + 1) % s->per_day;
            if (oq_calendar_from_local(o->calendar, s->h.first_date + day,
                                       (int32_t)(k * iv_ms), &from) != OQ_OK ||
                oq_calendar_from_local(o->calendar, s->h.first_date + next_day,
                                       (int32_t)(next_k * iv_ms), &to) != OQ_OK ||
                to < from ||
                oq_calendar_business_ms(o->calendar, from, to, &open_ms) != OQ_OK) {
                oq__free(mem, c->open, (size_t)s->n);
                c->open = NULL;
                oq__error(err, OQ_EINVAL, NULL, 0, 0,
                          "options.calendar: cannot place interval %d of the horizon in the "
                          "calendar's time zone",
                          (int)t);
                return 0;
            }
            c->open[t] = to > from && open_ms == to - from;
        }
    }
    if (c->hard)
        return 1;
    /* the j-th missing agent of interval t costs under_penalty plus sl_penalty
     * times the service level it takes away; made non-decreasing in j so the
     * penalty is convex (past the point where Erlang C gives 0, every further
     * agent costs what the last one did) */
    c->off = oq__calloc(mem, (size_t)s->n + 1, sizeof *c->off);
    if (!c->off) {
        oq__free(mem, c->open, c->open ? (size_t)s->n : 0);
        c->open = NULL;
        oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
        return 0;
    }
    int64_t total = 0;
    for (int32_t t = 0; t < s->n; t++) {
        c->off[t] = (int32_t)total;
        total += o->sl_penalty > 0 ? (s->required[t] > 0 ? s->required[t] : 1) : 1;
    }
    c->off[s->n] = (int32_t)total;
    c->short_cost = oq__calloc(mem, (size_t)total, sizeof *c->short_cost);
    if (!c->short_cost) {
        oq__free(mem, c->off, ((size_t)s->n + 1) * sizeof *c->off);
        c->off = NULL;
        oq__free(mem, c->open, c->open ? (size_t)s->n : 0);
        c->open = NULL;
        oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
        return 0;
    }
    for (int32_t t = 0; t < s->n; t++) {
        double *m = c->short_cost + c->off[t];
        int32_t steps = c->off[t + 1] - c->off[t];
        double prev = 0;
        for (int32_t j = 0; j < steps; j++) {
            double lost = 0;
            if (o->sl_penalty > 0 && s->load && s->required[t] > 0) {
                int32_t r = s->required[t];
                lost = sl_at(s->load[t], s->aht[t], r - j, o->threshold_s) -
                       sl_at(s->load[t], s->aht[t], r - j - 1, o->threshold_s);
                if (lost < 0)
                    lost = 0;
            }
            double v = (o->under_penalty + o->sl_penalty * lost) * hours;
            if (v < prev)
                v = prev;
            m[j] = prev = v;
        }
    }
    return 1;
}

void oq__costs_free(oq_mem *m, const oq_schedule *s, sch_costs *c)
{
    if (c->open)
        oq__free(m, c->open, (size_t)s->n);
    if (c->off) {
        oq__free(m, c->short_cost, (size_t)c->off[s->n] * sizeof *c->short_cost);
        oq__free(m, c->off, ((size_t)s->n + 1) * sizeof *c->off);
    }
    memset(c, 0, sizeof *c);
}

double oq__objective(const oq_schedule *s, const sch_costs *c, const int32_t *cov, double cost,
                     int64_t *under, int64_t *over)
{
    double obj = cost;
    int64_t un = 0, ov = 0;
    for (int32_t t = 0; t < s->n; t++) {
        int32_t r = s->required[t];
        if (cov[t] < r) {
            un += r - cov[t];
            if (!c->hard)
                for (int32_t j = 0; j < r - cov[t]; j++)
                    obj += sch_short_cost(c, t, j);
        } else {
            ov += cov[t] - r;
            obj += c->over * (cov[t] - r);
        }
    }
    if (under)
        *under = un;
    if (over)
        *over = ov;
    return obj;
}

int oq__duty_open(const oq_schedule *s, const sch_costs *c, const sch_template *t,
                  int32_t start)
{
    if (!c || !c->open)
        return 1;
    for (int32_t i = 0; i < t->len; i++) {
        int32_t p = start + i;
        if (p >= s->n) {
            if (!s->h.wrap)
                return 1; /* the rest lies past a horizon that does not wrap */
            p %= s->n;
        }
        if (!c->open[p])
            return 0;
    }
    return 1;
}
