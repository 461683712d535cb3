/* SPDX-License-Identifier: MIT */
/* A lower bound from coverage multipliers (see lp.h). For multipliers
 * pi >= 0, the Lagrangian of the coverage rows is
 *   L(pi) = sum_t pi_t R_t - sum of the shortage steps priced below pi_t
 *           + sum over choices (shift with breaks, tour week) of
 *             min(0, cost - work_pi) * x,
 * where work_pi sums pi over the intervals the choice works. With no bound
 * on x every choice must have work_pi <= cost: rho = max work_pi / cost,
 * and alpha * pi is dual feasible for every alpha <= 1 / rho. L(alpha pi) is
 * concave in alpha; its maximum over [0, 1/rho] is the bound. */
#include <math.h>
#include <string.h>

#include "schedule/lp.h"

typedef struct bctx {
    const oq_schedule *s;
    int32_t span;
    double *pp;       /* prefix sums of pi over span positions */
    double *dp;       /* break DP scratch */
} bctx;

static double span_sum(const bctx *b, int32_t from, int32_t len)
{
    return b->pp[from + len] - b->pp[from];
}

/* Work of one agent on template t from `start`: pi over the shift minus the
 * least pi its breaks (in order) can take away. */
static double work(const bctx *b, const sch_template *t, int32_t start)
{
    double total = span_sum(b, start, t->len);
    if (t->n_breaks == 0)
        return total;
    const int32_t stride = b->s->per_day + 1;
    for (int32_t j = 0; j < t->n_breaks; j++) {
        const sch_break *br = &t->breaks[j];
        double *dp = b->dp + (size_t)j * stride;
        int32_t i = 0, pi = -1;
        double pmin = HUGE_VAL;
        for (int32_t q = br->lo; q <= br->hi; q += br->step, i++) {
            double v = span_sum(b, start + q, br->len);
            if (j == 0) {
                dp[i] = v;
                continue;
            }
            const sch_break *a = &t->breaks[j - 1];
            const double *pd = b->dp + (size_t)(j - 1) * stride;
            int32_t np = (a->hi - a->lo) / a->step + 1;
            while (pi + 1 < np && a->lo + (pi + 1) * a->step + a->len <= q) {
                pi++;
                if (pd[pi] < pmin)
                    pmin = pd[pi];
            }
            dp[i] = pmin < HUGE_VAL ? v + pmin : HUGE_VAL;
        }
    }
    const sch_break *bl = &t->breaks[t->n_breaks - 1];
    const double *dl = b->dp + (size_t)(t->n_breaks - 1) * stride;
    double best = HUGE_VAL;
    for (int32_t i = 0; i <= (bl->hi - bl->lo) / bl->step; i++)
        if (dl[i] < best)
            best = dl[i];
    return best < HUGE_VAL ? total - best : total;
}

/* The objective part of L(alpha pi) that does not depend on the choices. */
static double rows_part(const oq_schedule *s, const sch_costs *c, const double *pi, double alpha)
{
    double v = 0;
    for (int32_t t = 0; t < s->n; t++) {
        double p = pi[t] > 0 ? alpha * pi[t] : 0;
        int32_t r = s->required[t], eff = sch_effective_req(s, c, t);
        v += p * eff;
        if (c->hard)
            continue;
        for (int32_t j = 0; j < r; j++) {
            double m = sch_short_cost(c, t, j);
            if (j < r - eff)
                v += m; /* short for certain (seats) */
            else if (p > m)
                v -= p - m;
        }
    }
    return v;
}

double oq__lp_bound(const oq_schedule *s, oq_mem *mem, const sch_costs *c, const double *pi)
{
    bctx b;
    b.s = s;
    b.span = s->n + 2 * s->per_day + 1;
    b.pp = oq__calloc(mem, (size_t)b.span + 1, sizeof *b.pp);
    b.dp = oq__calloc(mem, ((size_t)s->per_day + 1) * SCH_MAX_BREAKS, sizeof *b.dp);
    if (!b.pp || !b.dp) {
        oq__free(mem, b.pp, b.pp ? ((size_t)b.span + 1) * sizeof *b.pp : 0);
        oq__free(mem, b.dp, b.dp ? ((size_t)s->per_day + 1) * SCH_MAX_BREAKS * sizeof *b.dp : 0);
        return -HUGE_VAL;
    }
    for (int32_t p = 0; p < b.span; p++) {
        int32_t t = p < s->n ? p : s->h.wrap ? p % s->n : -1;
        double v = t >= 0 && pi[t] > 0 ? pi[t] : 0;
        b.pp[p + 1] = b.pp[p] + v;
    }
    /* rho: the largest work per cost over every choice */
    double rho = 0;
    int zero_cost_works = 0;
    for (int32_t k = 0; k < s->n_tpl; k++) {
        const sch_template *t = &s->tpl[k];
        if (t->tour_only)
            continue;
        for (int32_t day = 0; day < s->h.days; day++) {
            if (!((t->days >> sch_weekday(s, day)) & 1))
                continue;
            for (int32_t off = t->lo; off <= t->hi; off += t->step) {
                int32_t start = day * s->per_day + off;
                if ((!s->h.wrap && start >= s->n) || !oq__duty_open(s, c, t, start))
                    continue;
                double w = work(&b, t, start);
                if (t->cost > 0) {
                    if (w / t->cost > rho)
                        rho = w / t->cost;
                } else if (w > 1e-12) {
                    zero_cost_works = 1;
                }
            }
        }
    }
    for (int32_t k = 0; k < s->n_tour; k++) {
        const sch_tour *tr = &s->tour[k];
        const sch_template *t = &s->tpl[tr->tpl];
        for (int32_t band = t->lo; band + tr->drift <= t->hi; band += t->step) {
            /* the best start of the band on each day, then the patterns */
            double best_day[7 * 53];
            for (int32_t day = 0; day < s->h.days && day < 7 * 53; day++) {
                best_day[day] = -1; /* no open start that day */
                for (int32_t off = band; off <= band + tr->drift; off += t->step) {
                    if (!oq__duty_open(s, c, t, day * s->per_day + off))
                        continue;
                    double w = work(&b, t, day * s->per_day + off);
                    if (w > best_day[day])
                        best_day[day] = w;
                }
            }
            for (int32_t pattern = 1; pattern < 128; pattern++) {
                if (!oq__tour_pattern_ok(tr, t, pattern))
                    continue;
                double w = 0, cost = 0;
                int usable = 1;
                for (int32_t day = 0; day < s->h.days && day < 7 * 53; day++)
                    if ((pattern >> sch_weekday(s, day)) & 1) {
                        usable = usable && best_day[day] >= 0;
                        w += best_day[day];
                        cost += t->cost;
                    }
                if (!usable)
                    continue; /* a tour that would work a closed day */
                if (cost > 0) {
                    if (w / cost > rho)
                        rho = w / cost;
                } else if (w > 1e-12) {
                    zero_cost_works = 1;
                }
            }
        }
    }
    oq__free(mem, b.pp, ((size_t)b.span + 1) * sizeof *b.pp);
    oq__free(mem, b.dp, ((size_t)s->per_day + 1) * SCH_MAX_BREAKS * sizeof *b.dp);
    double amax = zero_cost_works ? 0 : rho > 0 ? 1 / rho : 1e12;
    if (c->hard)
        return rows_part(s, c, pi, amax);
    /* concave in alpha: golden-section search on [0, amax] */
    const double g = (sqrt(5.0) - 1) / 2;
    double lo = 0, hi = amax > 1e6 ? 1e6 : amax;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = rows_part(s, c, pi, x1), f2 = rows_part(s, c, pi, x2);
    for (int it = 0; it < 60; it++) {
        if (f1 < f2) {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = rows_part(s, c, pi, x2);
        } else {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = rows_part(s, c, pi, x1);
        }
    }
    double best = f1 > f2 ? f1 : f2, at_end = rows_part(s, c, pi, hi), at0 = rows_part(s, c, pi, 0);
    if (at_end > best)
        best = at_end;
    if (at0 > best)
        best = at0;
    return best;
}
