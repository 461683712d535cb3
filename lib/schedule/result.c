/* SPDX-License-Identifier: MIT */
/* Results: units grouped into shift and tour rows, figures recomputed from
 * the rows, and the accessors. A result keeps copies of the template names,
 * lengths and breaks it needs, so it outlives its problem. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "schedule/result.h"

void oq__sort_idx(int32_t *idx, int32_t n, int (*cmp)(int32_t, int32_t, const void *),
                  const void *ctx, int32_t *tmp)
{
    for (int32_t width = 1; width < n; width *= 2) {
        for (int32_t lo = 0; lo < n; lo += 2 * width) {
            int32_t mid = lo + width < n ? lo + width : n;
            int32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp(idx[j], idx[i], ctx) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
    }
}

typedef struct group_ctx {
    const oq_schedule *s;
    const sch_units *us;
} group_ctx;

static int cmp_int(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

/* Units compare equal when the same agent-week could be swapped between them. */
static int unit_cmp(int32_t a, int32_t b, const void *vctx)
{
    const group_ctx *c = vctx;
    const sch_unit *x = &c->us->u[a], *y = &c->us->u[b];
    int r;
    if ((r = cmp_int(x->tour, y->tour)) || (r = cmp_int(x->tpl, y->tpl)) ||
        (r = cmp_int(x->pattern, y->pattern)) || (r = cmp_int(x->n_days, y->n_days)))
        return r;
    const int32_t nb = c->s->tpl[x->tpl].n_breaks;
    for (int32_t k = 0; k < x->n_days; k++) {
        const sch_duty_inst *p = &c->us->d[x->first + k], *q = &c->us->d[y->first + k];
        if ((r = cmp_int(p->day, q->day)) || (r = cmp_int(p->start, q->start)))
            return r;
        for (int32_t j = 0; j < nb; j++)
            if ((r = cmp_int(p->brk[j], q->brk[j])))
                return r;
    }
    return 0;
}

static void result_free_parts(oq_schedule_result *r)
{
    oq_mem *m = &r->mem;
    for (int32_t i = 0; i < r->n_tpl; i++) {
        oq__strfree(m, r->tpl[i].name);
        for (int32_t k = 0; k < r->tpl[i].n_skills; k++)
            oq__strfree(m, r->tpl[i].skills[k]);
        oq__free(m, r->tpl[i].skills, (size_t)r->tpl[i].n_skills * sizeof *r->tpl[i].skills);
    }
    oq__free(m, r->tpl, (size_t)r->n_tpl * sizeof *r->tpl);
    for (int32_t i = 0; i < r->n_tour; i++)
        oq__strfree(m, r->tour_names[i]);
    oq__free(m, r->tour_names, (size_t)r->n_tour * sizeof *r->tour_names);
    oq__free(m, r->required, (size_t)r->n * sizeof *r->required);
    oq__free(m, r->shift, (size_t)r->cap_shift * sizeof *r->shift);
    oq__free(m, r->brk, (size_t)r->cap_brk * sizeof *r->brk);
    oq__free(m, r->brk_first, (size_t)r->cap_bf * sizeof *r->brk_first);
    oq__free(m, r->tours, (size_t)r->cap_tours * sizeof *r->tours);
}

void oq_schedule_result_destroy(oq_schedule_result *r)
{
    if (!r)
        return;
    oq_mem m = r->mem;
    result_free_parts(r);
    oq__free(&m, r, sizeof *r);
}

static int copy_problem(oq_schedule_result *r, const oq_schedule *s)
{
    oq_mem *m = &r->mem;
    r->h = s->h;
    r->per_day = s->per_day;
    r->n = s->n;
    r->first_weekday = s->first_weekday;
    r->required = oq__alloc(m, (size_t)s->n * sizeof *r->required);
    if (!r->required)
        return 0;
    memcpy(r->required, s->required, (size_t)s->n * sizeof *r->required);
    r->tpl = oq__calloc(m, (size_t)(s->n_tpl > 0 ? s->n_tpl : 1), sizeof *r->tpl);
    if (!r->tpl)
        return 0;
    r->n_tpl = s->n_tpl;
    for (int32_t i = 0; i < s->n_tpl; i++) {
        sch_template *d = &r->tpl[i];
        *d = s->tpl[i];
        d->name = NULL;
        d->skills = NULL;
        d->n_skills = 0;
        if (!(d->name = oq__strndup(m, s->tpl[i].name, strlen(s->tpl[i].name))))
            return 0;
        if (s->tpl[i].n_skills) {
            d->skills = oq__calloc(m, (size_t)s->tpl[i].n_skills, sizeof *d->skills);
            if (!d->skills)
                return 0;
            d->n_skills = s->tpl[i].n_skills;
            for (int32_t k = 0; k < d->n_skills; k++)
                if (!(d->skills[k] = oq__strndup(m, s->tpl[i].skills[k],
                                                 strlen(s->tpl[i].skills[k]))))
                    return 0;
        }
    }
    if (s->n_tour) {
        r->tour_names = oq__calloc(m, (size_t)s->n_tour, sizeof *r->tour_names);
        if (!r->tour_names)
            return 0;
        r->n_tour = s->n_tour;
        for (int32_t i = 0; i < s->n_tour; i++)
            if (!(r->tour_names[i] = oq__strndup(m, s->tour[i].name, strlen(s->tour[i].name))))
                return 0;
    }
    return 1;
}

static int add_shift_row(oq_schedule_result *r, const sch_unit *u, const sch_duty_inst *d,
                         int32_t count, int32_t tour_row)
{
    oq_mem *m = &r->mem;
    const sch_template *t = &r->tpl[u->tpl];
    if (!oq__grow(m, (void **)&r->shift, &r->cap_shift, r->n_shift + 1, sizeof *r->shift) ||
        !oq__grow(m, (void **)&r->brk_first, &r->cap_bf, r->n_shift + 1, sizeof *r->brk_first))
        return 0;
    if (!oq__grow(m, (void **)&r->brk, &r->cap_brk, r->n_brk + t->n_breaks, sizeof *r->brk))
        return 0;
    const double iv = r->h.interval_s;
    oq_schedule_shift *sh = &r->shift[r->n_shift];
    memset(sh, 0, sizeof *sh);
    sh->template_index = u->tpl;
    sh->tour_index = u->tour;
    sh->tour_row = tour_row;
    sh->day = d->day;
    sh->start = d->start;
    sh->length = t->len;
    sh->count = count;
    sh->n_breaks = t->n_breaks;
    sh->start_s = d->start * iv;
    sh->end_s = (d->start + t->len) * iv;
    sh->paid_hours = t->paid_hours;
    sh->cost = t->cost;
    r->brk_first[r->n_shift] = r->n_brk;
    for (int32_t k = 0; k < t->n_breaks; k++) {
        oq_schedule_break *b = &r->brk[r->n_brk++];
        memset(b, 0, sizeof *b);
        b->start = d->start + d->brk[k];
        b->length = t->breaks[k].len;
        b->paid = t->breaks[k].paid;
        b->start_s = b->start * iv;
        b->end_s = (b->start + b->length) * iv;
    }
    r->n_shift++;
    return 1;
}

static int build_rows(oq_schedule_result *r, const oq_schedule *s, const sch_units *us)
{
    oq_mem *m = &r->mem;
    int32_t n = us->n;
    int32_t *idx = oq__alloc(m, (size_t)(n > 0 ? n : 1) * sizeof *idx);
    int32_t *tmp = oq__alloc(m, (size_t)(n > 0 ? n : 1) * sizeof *tmp);
    int ok = idx && tmp;
    if (ok) {
        for (int32_t i = 0; i < n; i++)
            idx[i] = i;
        group_ctx ctx = {s, us};
        oq__sort_idx(idx, n, unit_cmp, &ctx, tmp);
        for (int32_t i = 0; ok && i < n;) {
            int32_t j = i + 1;
            while (j < n && unit_cmp(idx[i], idx[j], &ctx) == 0)
                j++;
            const sch_unit *u = &us->u[idx[i]];
            int32_t tour_row = -1;
            if (u->tour >= 0) {
                ok = oq__grow(m, (void **)&r->tours, &r->cap_tours, r->n_tours + 1,
                              sizeof *r->tours);
                if (!ok)
                    break;
                tour_row = r->n_tours++;
                oq_schedule_tour_row *tr = &r->tours[tour_row];
                memset(tr, 0, sizeof *tr);
                tr->tour_index = u->tour;
                tr->count = j - i;
                tr->days = u->pattern;
                tr->first_shift = r->n_shift;
                tr->n_shifts = u->n_days;
            }
            for (int32_t k = 0; ok && k < u->n_days; k++)
                ok = add_shift_row(r, u, &us->d[u->first + k], j - i, tour_row);
            i = j;
        }
    }
    oq__free(m, idx, (size_t)(n > 0 ? n : 1) * sizeof *idx);
    oq__free(m, tmp, (size_t)(n > 0 ? n : 1) * sizeof *tmp);
    return ok;
}

/* Coverage recomputed from the rows (never from a solver's own figures). */
static void rows_coverage(const oq_schedule_result *r, int32_t *cov)
{
    memset(cov, 0, (size_t)r->n * sizeof *cov);
    for (int32_t i = 0; i < r->n_shift; i++) {
        const oq_schedule_shift *sh = &r->shift[i];
        for (int32_t k = 0; k < sh->length; k++) {
            int32_t t = sh->start + k;
            if (t >= r->n) {
                if (!r->h.wrap)
                    break;
                t %= r->n;
            }
            cov[t] += sh->count;
        }
        for (int32_t b = 0; b < sh->n_breaks; b++) {
            const oq_schedule_break *br = &r->brk[r->brk_first[i] + b];
            for (int32_t k = 0; k < br->length; k++) {
                int32_t t = br->start + k;
                if (t >= r->n) {
                    if (!r->h.wrap)
                        break;
                    t %= r->n;
                }
                cov[t] -= sh->count;
            }
        }
    }
}

oq_status oq__result_from_units(const oq_schedule *s, const oq_schedule_options *o,
                                const sch_costs *c, const sch_units *us, int32_t status,
                                double lower_bound, const char *solver, const char *message,
                                oq_schedule_result **out)
{
    oq_mem mem = s->mem;
    mem.live_bytes = 0;
    oq_schedule_result *r = oq__calloc(&mem, 1, sizeof *r);
    if (!r)
        return OQ_ENOMEM;
    r->mem = mem;
    int32_t *cov = NULL;
    if (!copy_problem(r, s) || !build_rows(r, s, us) ||
        !(cov = oq__alloc(&r->mem, (size_t)s->n * sizeof *cov))) {
        result_free_parts(r);
        oq__free(&mem, r, sizeof *r);
        return OQ_ENOMEM;
    }
    (void)o;
    r->status = status;
    snprintf(r->solver, sizeof r->solver, "%s", solver ? solver : "");
    snprintf(r->message, sizeof r->message, "%s", message ? message : "");
    rows_coverage(r, cov);
    double cost = 0, paid = 0;
    int32_t *per_day = oq__calloc(&r->mem, (size_t)s->h.days, sizeof *per_day);
    int32_t tour_agents = 0, busiest = 0;
    for (int32_t i = 0; i < r->n_shift; i++) {
        cost += r->shift[i].cost * r->shift[i].count;
        paid += r->shift[i].paid_hours * r->shift[i].count;
        if (per_day && r->shift[i].tour_index < 0)
            per_day[r->shift[i].day] += r->shift[i].count;
    }
    for (int32_t i = 0; i < r->n_tours; i++)
        tour_agents += r->tours[i].count;
    for (int32_t d = 0; per_day && d < s->h.days; d++)
        if (per_day[d] > busiest)
            busiest = per_day[d];
    oq__free(&r->mem, per_day, (size_t)s->h.days * sizeof *per_day);
    if (status == OQ_SCHED_INFEASIBLE || status == OQ_SCHED_NO_SOLUTION) {
        r->objective = status == OQ_SCHED_INFEASIBLE ? HUGE_VAL : 0;
    } else {
        r->objective = oq__objective(s, c, cov, cost, &r->under, &r->over);
    }
    if (status != OQ_SCHED_INFEASIBLE && status != OQ_SCHED_NO_SOLUTION)
        oq__objective(s, c, cov, 0, &r->under, &r->over);
    r->cost = cost;
    r->paid_hours = paid;
    r->agents = tour_agents + busiest;
    r->lower_bound = status == OQ_SCHED_OPTIMAL ? r->objective : lower_bound;
    if (status == OQ_SCHED_OPTIMAL || status == OQ_SCHED_INFEASIBLE)
        r->gap = 0;
    else if (status == OQ_SCHED_FEASIBLE && r->objective > 0 && isfinite(lower_bound))
        r->gap = (r->objective - lower_bound) / r->objective;
    else
        r->gap = HUGE_VAL;
    if (r->gap < 0)
        r->gap = 0;
    oq__free(&r->mem, cov, (size_t)s->n * sizeof *cov);
    *out = r;
    return OQ_OK;
}

/* ---- accessors -------------------------------------------------------------------- */

oq_status oq_schedule_result_summary(const oq_schedule_result *r, oq_schedule_summary *out,
                                     oq_error *err)
{
    if (!r)
        return oq__getter_null(err, "oq_schedule_result_summary", "result");
    oq_schedule_summary full = OQ_OUTPUT_INIT(oq_schedule_summary), *f = &full;
    f->status = r->status;
    f->n_intervals = r->n;
    f->objective = r->objective;
    f->cost = r->cost;
    f->paid_hours = r->paid_hours;
    f->lower_bound = r->lower_bound;
    f->gap = r->gap;
    f->seconds = r->seconds;
    f->cpu_seconds = r->cpu_seconds;
    f->under = r->under;
    f->over = r->over;
    f->under_hours = (double)r->under * r->h.interval_s / 3600.0;
    f->over_hours = (double)r->over * r->h.interval_s / 3600.0;
    f->n_shifts = r->n_shift;
    f->n_tours = r->n_tours;
    f->agents = r->agents;
    return OQ__OUTPUT_PUT(out, f, oq_schedule_summary, status, err);
}

const char *oq_schedule_result_message(const oq_schedule_result *r) { return r ? r->message : ""; }
const char *oq_schedule_result_solver(const oq_schedule_result *r) { return r ? r->solver : ""; }

oq_status oq_schedule_result_shift(const oq_schedule_result *r, int32_t i, oq_schedule_shift *out,
                                   oq_error *err)
{
    static const char fn[] = "oq_schedule_result_shift";
    if (!r)
        return oq__getter_null(err, fn, "result");
    if (i < 0 || i >= r->n_shift)
        return oq__getter_range(err, fn, "shift row", i, r->n_shift);
    return OQ__OUTPUT_PUT(out, &r->shift[i], oq_schedule_shift, template_index, err);
}

oq_status oq_schedule_result_break(const oq_schedule_result *r, int32_t i, int32_t k,
                                   oq_schedule_break *out, oq_error *err)
{
    static const char fn[] = "oq_schedule_result_break";
    if (!r)
        return oq__getter_null(err, fn, "result");
    if (i < 0 || i >= r->n_shift)
        return oq__getter_range(err, fn, "shift row", i, r->n_shift);
    if (k < 0 || k >= r->shift[i].n_breaks)
        return oq__getter_range(err, fn, "break", k, r->shift[i].n_breaks);
    return OQ__OUTPUT_PUT(out, &r->brk[r->brk_first[i] + k], oq_schedule_break, start, err);
}

oq_status oq_schedule_result_tour(const oq_schedule_result *r, int32_t i,
                                  oq_schedule_tour_row *out, oq_error *err)
{
    static const char fn[] = "oq_schedule_result_tour";
    if (!r)
        return oq__getter_null(err, fn, "result");
    if (i < 0 || i >= r->n_tours)
        return oq__getter_range(err, fn, "tour row", i, r->n_tours);
    return OQ__OUTPUT_PUT(out, &r->tours[i], oq_schedule_tour_row, tour_index, err);
}

oq_status oq_schedule_result_coverage(const oq_schedule_result *r, int32_t *scheduled, int32_t n)
{
    if (!r || !scheduled || n != r->n)
        return OQ_EINVAL;
    rows_coverage(r, scheduled);
    return OQ_OK;
}

oq_status oq_schedule_result_required(const oq_schedule_result *r, int32_t *required, int32_t n)
{
    if (!r || !required || n != r->n)
        return OQ_EINVAL;
    memcpy(required, r->required, (size_t)n * sizeof *required);
    return OQ_OK;
}

const char *oq_schedule_result_template_name(const oq_schedule_result *r, int32_t i)
{
    return r && i >= 0 && i < r->n_tpl ? r->tpl[i].name : NULL;
}

const char *oq_schedule_result_tour_name(const oq_schedule_result *r, int32_t i)
{
    return r && i >= 0 && i < r->n_tour ? r->tour_names[i] : NULL;
}

oq_status oq_schedule_result_horizon(const oq_schedule_result *r, oq_schedule_horizon *out,
                                     oq_error *err)
{
    if (!r)
        return oq__getter_null(err, "oq_schedule_result_horizon", "result");
    return OQ__OUTPUT_PUT(out, &r->h, oq_schedule_horizon, first_date, err);
}
