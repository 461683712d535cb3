/* SPDX-License-Identifier: MIT */
/* The built-in heuristic's local search over explicit units (an agent's
 * daily shift, or a week of a tour, with its breaks).
 *
 * The objective is the schedule's: cost plus the penalty of every agent
 * short (hard objectives price an agent-interval short above any unit's
 * cost, so covering always pays) plus the surplus penalty. Every interval
 * knows what one agent more is worth there (add1) and what one agent less
 * costs (rem1); with prefix sums of add1 a unit's value is a few
 * subtractions, and its best breaks a small dynamic program over the break
 * windows (breaks in order, never overlapping).
 *
 * Moves, as commercial WFM engines describe them: a greedy step adds the
 * unit that lowers the objective most (lazy: values only rise as coverage
 * grows); a unit move takes one unit out and puts back the best of its
 * neighbours (the same shift with its breaks moved, another start, another
 * template, another days-off pattern or start band for a tour) or nothing;
 * ruin and recreate takes out the units around a random moment and refills
 * greedily, kept only if the objective does not rise. The objective never
 * rises, so the current solution is always the best found. */
#include <math.h>
#include <string.h>

#include "schedule/heur.h"

#define BIG 1e30
#define EPS 1e-9

/* ---- random numbers (xoshiro256**, seeded by splitmix64) ------------------------ */

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next_u64(hx *h)
{
    uint64_t *s = h->rng;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static uint32_t below(hx *h, uint32_t n) { return n ? (uint32_t)((next_u64(h) >> 33) % n) : 0; }

static void seed(hx *h, uint64_t x)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (x += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        h->rng[i] = z ^ (z >> 31);
    }
}

/* ---- marginal values -------------------------------------------------------------- */

static inline int32_t pos_t(const hx *h, int32_t p)
{
    if (p < h->n)
        return p;
    return h->s->h.wrap ? p % h->n : -1;
}

/* The value of one agent more in interval t when c agents work it. */
static inline double add1_at(const hx *h, int32_t t, int32_t c)
{
    int32_t r = h->s->required[t];
    if (h->c->cap > 0 && c >= h->c->cap)
        return BIG;
    if (c < r)
        return -(h->c->hard ? h->hard_w : sch_short_cost(h->c, t, r - c - 1));
    return h->c->over;
}

static inline double add1(const hx *h, int32_t t)
{
    int32_t c = h->cov[t], r = h->s->required[t];
    if (h->c->cap > 0 && c >= h->c->cap)
        return BIG;
    if (c < r)
        return -(h->c->hard ? h->hard_w : sch_short_cost(h->c, t, r - c - 1));
    return h->c->over;
}

static inline double rem1(const hx *h, int32_t t)
{
    int32_t c = h->cov[t], r = h->s->required[t];
    if (c <= r)
        return h->c->hard ? h->hard_w : sch_short_cost(h->c, t, r - c);
    return -h->c->over;
}

/* pa[p] = sum of add1 over positions < p, blocked positions (seats full)
 * counted apart in hkey's twin (pb) so BIG never swamps the sums. */
static double *pb_of(hx *h) { return h->pa + h->span + 1; }

/* The sums up to position `upto` (pa[0..upto] valid). Only positions from
 * pa_from on are recomputed: a changed interval t first appears at position
 * t, so the sums before it still hold (bit for bit what a full pass gives);
 * and only as far as asked: a daily shift needs the sums up to its end. The
 * refresh is most of the search's time. */
static void refresh(hx *h, int32_t upto)
{
    if (upto > h->span)
        upto = h->span;
    if (h->pa_from >= upto)
        return;
    double *pa = h->pa, *pb = pb_of(h);
    pa[0] = pb[0] = 0;
    for (int32_t p = h->pa_from; p < upto; p++) {
        int32_t t = pos_t(h, p);
        double v = t >= 0 ? add1(h, t) : 0;
        int blocked = v >= BIG;
        pa[p + 1] = pa[p] + (blocked ? 0 : v);
        pb[p + 1] = pb[p] + blocked;
    }
    h->pa_from = upto;
}

static inline double span_add(const hx *h, int32_t from, int32_t len)
{
    const double *pb = h->pa + h->span + 1;
    if (pb[from + len] - pb[from] > 0.5)
        return BIG;
    return h->pa[from + len] - h->pa[from];
}

/* The value of one agent more on template t from `start` with its best
 * breaks (written to brk): the sum of add1 over the worked intervals. */
static double duty_best(hx *h, const sch_template *t, int32_t start, int16_t *brk)
{
    double total = span_add(h, start, t->len);
    if (t->n_breaks == 0 || total >= BIG)
        return total;
    const int32_t stride = h->s->per_day + 1;
    /* dp[j][i]: best sum of break values for breaks 0..j with break j at
     * its i-th placement; dpq[j][i]: the index where break j-1 goes */
    for (int32_t j = 0; j < t->n_breaks; j++) {
        const sch_break *b = &t->breaks[j];
        double *dp = h->dp + (size_t)j * stride;
        int32_t *arg = h->dpq + (size_t)j * stride;
        int32_t i = 0, prev_i = -1, prev_k = -1;
        double prev_best = -BIG;
        for (int32_t q = b->lo; q <= b->hi; q += b->step, i++) {
            double v = span_add(h, start + q, b->len);
            if (v >= BIG)
                v = BIG / 4; /* a break where seats are full only helps */
            if (j == 0) {
                dp[i] = v;
                arg[i] = -1;
                continue;
            }
            /* placements of break j-1 that end by q: a running prefix maximum */
            const sch_break *a = &t->breaks[j - 1];
            const double *pd = h->dp + (size_t)(j - 1) * stride;
            int32_t np = (a->hi - a->lo) / a->step + 1;
            while (prev_i + 1 < np && a->lo + (prev_i + 1) * a->step + a->len <= q) {
                prev_i++;
                if (pd[prev_i] > prev_best) {
                    prev_best = pd[prev_i];
                    prev_k = prev_i;
                }
            }
            if (prev_k < 0) {
                dp[i] = -BIG;
                arg[i] = -1;
            } else {
                dp[i] = v + prev_best;
                arg[i] = prev_k;
            }
        }
    }
    /* the best last placement, then back */
    const int32_t last = t->n_breaks - 1;
    const sch_break *bl = &t->breaks[last];
    const double *dl = h->dp + (size_t)last * stride;
    int32_t nl = (bl->hi - bl->lo) / bl->step + 1, bi = -1;
    double bv = -BIG;
    for (int32_t i = 0; i < nl; i++)
        if (dl[i] > bv) {
            bv = dl[i];
            bi = i;
        }
    if (bi < 0) {
        /* no ordered placement (cannot happen for a checked template) */
        int32_t free_at = 0;
        for (int32_t j = 0; j < t->n_breaks; j++) {
            int32_t q = t->breaks[j].lo;
            while (q < free_at && q + t->breaks[j].step <= t->breaks[j].hi)
                q += t->breaks[j].step;
            brk[j] = (int16_t)q;
            free_at = q + t->breaks[j].len;
        }
        return BIG;
    }
    for (int32_t j = last; j >= 0; j--) {
        brk[j] = (int16_t)(t->breaks[j].lo + bi * t->breaks[j].step);
        bi = h->dpq[(size_t)j * stride + (size_t)bi];
    }
    return total - bv;
}

/* ---- limits ------------------------------------------------------------------------ */

static int limits_allow(const hx *h, const sch_unit *u, const sch_duty_inst *d)
{
    const oq_schedule *s = h->s;
    const sch_template *t = &s->tpl[u->tpl];
    for (int32_t k = 0; k < u->n_days; k++) {
        if (t->max_per_start > 0 && h->cnt_start[(size_t)u->tpl * h->span + d[k].start] >= t->max_per_start)
            return 0;
        if (t->max_per_day > 0 && h->cnt_day[(size_t)u->tpl * s->h.days + d[k].day] >= t->max_per_day)
            return 0;
    }
    if (u->tour >= 0 && s->tour[u->tour].max_count > 0 &&
        h->cnt_tour[u->tour] >= s->tour[u->tour].max_count)
        return 0;
    const int32_t cap = h->sv->o->max_agents;
    if (cap > 0) {
        if (u->tour >= 0) {
            int32_t busiest = 0;
            for (int32_t day = 0; day < s->h.days; day++)
                if (h->daily_on_day[day] > busiest)
                    busiest = h->daily_on_day[day];
            if (h->tours_alive + 1 + busiest > cap)
                return 0;
        } else if (h->tours_alive + h->daily_on_day[d[0].day] + 1 > cap) {
            return 0;
        }
    }
    return 1;
}

static void limits_count(hx *h, const sch_unit *u, const sch_duty_inst *d, int32_t sign)
{
    const oq_schedule *s = h->s;
    for (int32_t k = 0; k < u->n_days; k++) {
        h->cnt_start[(size_t)u->tpl * h->span + d[k].start] += sign;
        h->cnt_day[(size_t)u->tpl * s->h.days + d[k].day] += sign;
    }
    if (u->tour >= 0) {
        h->cnt_tour[u->tour] += sign;
        h->tours_alive += sign;
    } else {
        h->daily_on_day[d[0].day] += sign;
    }
}

/* ---- applying units ---------------------------------------------------------------- */

/* Add (sign 1) or take away (-1) one agent on duty d; returns the exact
 * change of the penalties. */
static double duty_apply(hx *h, const sch_template *t, const sch_duty_inst *d, int32_t sign)
{
    double delta = 0;
    int32_t b = 0;
    for (int32_t i = 0; i < t->len; i++) {
        while (b < t->n_breaks && i >= d->brk[b] + t->breaks[b].len)
            b++;
        if (b < t->n_breaks && i >= d->brk[b])
            continue; /* on break */
        int32_t tt = pos_t(h, d->start + i);
        if (tt < 0)
            break;
        if (tt < h->pa_from)
            h->pa_from = tt;
        if (sign > 0) {
            delta += add1(h, tt);
            h->cov[tt]++;
        } else {
            delta += rem1(h, tt);
            h->cov[tt]--;
        }
    }
    return delta;
}

static double unit_cost(const hx *h, const sch_unit *u)
{
    return h->s->tpl[u->tpl].cost * u->n_days;
}

static void unit_apply(hx *h, int32_t i, int32_t sign)
{
    sch_unit *u = &h->us.u[i];
    const sch_template *t = &h->s->tpl[u->tpl];
    const sch_duty_inst *d = &h->us.d[u->first];
    double delta = sign * unit_cost(h, u);
    for (int32_t k = 0; k < u->n_days; k++)
        delta += duty_apply(h, t, &d[k], sign);
    h->obj += delta;
    h->cost += sign * unit_cost(h, u);
    limits_count(h, u, d, sign);
    h->alive[i] = sign > 0;
    h->n_alive += sign;
}

int oq__hx_add(hx *h, const sch_unit *u, const sch_duty_inst *d)
{
    if (!limits_allow(h, u, d))
        return 1;
    if (!oq__units_push(h->mem, &h->us, u, d))
        return 0;
    if (h->us.n > h->alive_cap) {
        int32_t cap = h->us.cap;
        uint8_t *a = oq__realloc(h->mem, h->alive, (size_t)h->alive_cap, (size_t)cap);
        if (!a) {
            h->us.n--;
            h->us.nd -= u->n_days;
            return 0;
        }
        h->alive = a;
        h->alive_cap = cap;
    }
    unit_apply(h, h->us.n - 1, 1);
    return 1;
}

int64_t oq__hx_under(const hx *h)
{
    int64_t under = 0;
    for (int32_t t = 0; t < h->n; t++)
        if (h->cov[t] < h->s->required[t])
            under += h->s->required[t] - h->cov[t];
    return under;
}

/* ---- evaluating unit types ---------------------------------------------------------- */

/* The change of the objective if one unit of type ty were added with its best
 * starts and breaks (BIG when not allowed); fills u and d. */
static double eval_type(hx *h, const hx_type *ty, sch_unit *u, sch_duty_inst *d)
{
    const oq_schedule *s = h->s;
    if (ty->tour < 0) {
        const sch_template *t = &s->tpl[ty->tpl];
        int32_t start = ty->day * s->per_day + ty->band;
        refresh(h, start + t->len);
        if ((!s->h.wrap && start >= s->n) || !oq__duty_open(s, h->c, t, start))
            return BIG;
        sch_unit nu = {ty->tpl, -1, 0, -1, 1, 0};
        *u = nu;
        memset(d, 0, sizeof *d);
        d->day = ty->day;
        d->start = start;
        if (!limits_allow(h, u, d))
            return BIG;
        double v = duty_best(h, t, start, d->brk);
        return v >= BIG ? BIG : v + t->cost;
    }
    refresh(h, h->span);
    const sch_tour *tr = &s->tour[ty->tour];
    const sch_template *t = &s->tpl[tr->tpl];
    sch_unit nu = {tr->tpl, ty->tour, ty->pattern, ty->band, 0, 0};
    *u = nu;
    double total = 0;
    for (int32_t day = 0; day < s->h.days; day++) {
        if (!((ty->pattern >> sch_weekday(s, day)) & 1))
            continue;
        sch_duty_inst *dd = &d[u->n_days++];
        double best = BIG;
        sch_duty_inst cand;
        memset(&cand, 0, sizeof cand);
        cand.day = day;
        for (int32_t off = ty->band; off <= ty->band + tr->drift; off += t->step) {
            cand.start = day * s->per_day + off;
            if (!oq__duty_open(s, h->c, t, cand.start))
                continue;
            double v = duty_best(h, t, cand.start, cand.brk);
            if (v < best || best >= BIG) {
                best = v;
                *dd = cand;
            }
        }
        if (best >= BIG)
            return BIG;
        total += best;
    }
    if (!limits_allow(h, u, d))
        return BIG;
    return total + t->cost * u->n_days;
}

/* ---- greedy ------------------------------------------------------------------------- */

static void heap_push(hx *h, double key, int32_t idx)
{
    int32_t i = h->hn++;
    while (i > 0) {
        int32_t p = (i - 1) / 2;
        if (h->hkey[p] <= key)
            break;
        h->hkey[i] = h->hkey[p];
        h->hidx[i] = h->hidx[p];
        i = p;
    }
    h->hkey[i] = key;
    h->hidx[i] = idx;
}

static void heap_pop(hx *h)
{
    double key = h->hkey[--h->hn];
    int32_t idx = h->hidx[h->hn], i = 0;
    for (;;) {
        int32_t l = 2 * i + 1, r = l + 1, m = i;
        double mk = key;
        if (l < h->hn && h->hkey[l] < mk) {
            m = l;
            mk = h->hkey[l];
        }
        if (r < h->hn && h->hkey[r] < mk)
            m = r;
        if (m == i)
            break;
        h->hkey[i] = h->hkey[m];
        h->hidx[i] = h->hidx[m];
        i = m;
    }
    h->hkey[i] = key;
    h->hidx[i] = idx;
}

/* Greedy over the unit types cand[0 .. nc-1] (all types when cand is NULL). */
static int greedy_over(hx *h, const int32_t *cand, int32_t nc)
{
    sch_unit u;
    sch_duty_inst d[7 * 53];
    h->hn = 0;
    int32_t count = cand ? nc : h->n_types;
    for (int32_t k = 0; k < count; k++) {
        int32_t i = cand ? cand[k] : k;
        double v = eval_type(h, &h->types[i], &u, d);
        if (v < -EPS)
            heap_push(h, v, i);
    }
    while (h->hn > 0) {
        int32_t i = h->hidx[0];
        heap_pop(h);
        double v = eval_type(h, &h->types[i], &u, d);
        if (v >= -EPS)
            continue;
        if (h->hn > 0 && v > h->hkey[0] + EPS) {
            heap_push(h, v, i); /* values only rise: a stale key is a bound */
            continue;
        }
        if (!oq__hx_add(h, &u, d))
            return 0;
        v = eval_type(h, &h->types[i], &u, d);
        if (v < -EPS)
            heap_push(h, v, i);
    }
    return 1;
}

int oq__hx_greedy(hx *h) { return greedy_over(h, NULL, 0); }

/* ---- unit moves --------------------------------------------------------------------- */

/* The best neighbour of unit i (already taken out): its value, written to
 * bu/bd; BIG when none is allowed. */
static double best_neighbour(hx *h, const sch_unit *u0, const sch_duty_inst *d0, sch_unit *bu,
                             sch_duty_inst *bd)
{
    const oq_schedule *s = h->s;
    sch_unit u;
    sch_duty_inst d[7 * 53];
    double best = BIG;
    hx_type ty;
    if (u0->tour < 0) {
        const int32_t day = d0->day, off0 = d0->start - day * s->per_day;
        for (int32_t k = 0; k < s->n_tpl; k++) {
            const sch_template *t = &s->tpl[k];
            if (t->tour_only || !((t->days >> sch_weekday(s, day)) & 1))
                continue;
            int32_t lo = t->lo, hi = t->hi;
            if (k != u0->tpl) {
                /* other templates: starts near this one */
                int32_t a = off0 - 4 * t->step, b = off0 + 4 * t->step;
                if (a > lo)
                    lo = t->lo + ((a - t->lo + t->step - 1) / t->step) * t->step;
                if (b < hi)
                    hi = b;
            }
            for (int32_t off = lo; off <= hi; off += t->step) {
                ty.tpl = k;
                ty.tour = -1;
                ty.pattern = 0;
                ty.band = off;
                ty.day = day;
                double v = eval_type(h, &ty, &u, d);
                if (v < best) {
                    best = v;
                    *bu = u;
                    bd[0] = d[0];
                }
            }
        }
        return best;
    }
    const sch_tour *tr = &s->tour[u0->tour];
    const sch_template *t = &s->tpl[tr->tpl];
    ty.tpl = tr->tpl;
    ty.tour = u0->tour;
    ty.day = -1;
    for (int32_t pattern = 1; pattern < 128; pattern++) {
        if (!oq__tour_pattern_ok(tr, t, pattern))
            continue;
        for (int32_t step = -4; step <= 4; step++) {
            int32_t band = u0->band + step * t->step;
            if (band < t->lo || band + tr->drift > t->hi)
                continue;
            if (step != 0 && pattern != u0->pattern)
                continue; /* other bands: same days off */
            ty.pattern = pattern;
            ty.band = band;
            double v = eval_type(h, &ty, &u, d);
            if (v < best) {
                best = v;
                *bu = u;
                memcpy(bd, d, (size_t)u.n_days * sizeof *d);
            }
        }
    }
    return best;
}

static int grow_list(hx *h, int32_t need)
{
    if (need <= h->list_cap)
        return 1;
    int32_t cap = h->list_cap;
    if (!oq__grow(h->mem, (void **)&h->list, &cap, need, sizeof *h->list))
        return 0;
    h->list_cap = cap;
    return 1;
}

/* One pass of unit moves over the live units in random order. Returns the
 * number of moves made, -1 out of memory. */
static int64_t move_pass(hx *h, double deadline)
{
    int32_t n = h->us.n;
    if (!grow_list(h, n))
        return -1;
    int32_t m = 0;
    for (int32_t i = 0; i < n; i++)
        if (h->alive[i])
            h->list[m++] = i;
    for (int32_t i = m - 1; i > 0; i--) {
        int32_t j = (int32_t)below(h, (uint32_t)i + 1), tmp = h->list[i];
        h->list[i] = h->list[j];
        h->list[j] = tmp;
    }
    int64_t moves = 0;
    sch_unit bu;
    sch_duty_inst bd[7 * 53];
    for (int32_t k = 0; k < m; k++) {
        if ((k & 63) == 0 && oq__now() > deadline)
            break;
        int32_t i = h->list[k];
        if (!h->alive[i])
            continue;
        double before = h->obj;
        unit_apply(h, i, -1);
        const sch_unit u0 = h->us.u[i];
        double v = best_neighbour(h, &u0, &h->us.d[u0.first], &bu, bd);
        double drop = h->obj - before, total = drop;
        int replace = 0;
        if (v < BIG && drop + v < total) {
            total = drop + v;
            replace = 1;
        }
        if (total < -EPS) {
            if (replace && !oq__hx_add(h, &bu, bd))
                return -1;
            moves++;
            continue;
        }
        unit_apply(h, i, 1); /* put it back */
    }
    return moves;
}

/* ---- days-off re-decomposition of a start band ---------------------------------------- */

/* A tour whose agents start at one time every working day, take their
 * breaks at fixed offsets and may have ANY days off: the agents of one start
 * band are interchangeable except for their days off, and counts x_w of
 * agents working weekday w come from W such agents exactly when x_w <= W and
 * sum x_w = days_on * W (each agent takes the days_on weekdays with most
 * left, which keeps x_w <= the agents left). So the best use of a band, the
 * rest of the schedule fixed, is found exactly: for each W the days_on * W
 * cheapest marginal day-shifts (each weekday's marginals rise with its count:
 * convex penalties), at most W a weekday. Single-unit moves cannot do this
 * when fewer agents need several of them to change their days off at once.
 * Limits other than the seats are left to the unit moves (tours under them
 * are skipped). */
static int band_tour_ok(const hx *h, const sch_tour *tr)
{
    const sch_template *t = &h->s->tpl[tr->tpl];
    if (tr->drift != 0 || tr->max_count > 0 || t->max_per_start > 0 || t->max_per_day > 0 ||
        h->sv->o->max_agents > 0 || tr->days_on < 1 ||
        t->len > h->s->per_day) /* (longer shifts overlap the next day's: marginals interact) */
        return 0;
    /* consecutive days off: every one of the 7 off runs must be a pattern */
    if (tr->consecutive_off && (tr->days_on > 6 || (t->days & 0x7f) != 0x7f))
        return 0;
    for (int32_t j = 0; j < t->n_breaks; j++)
        if (t->breaks[j].lo != t->breaks[j].hi)
            return 0;
    return 1;
}

#define BAND_MAX 512 /* agents of one band considered (larger bands keep their count) */

/* Consecutive days off (a run of k = 7 - days_on days, any of the 7 circular
 * places): y_p agents have the run starting on weekday p, W = sum y_p agents
 * in all, and weekday w is worked by x_w = W - (y_w + y_{w-1} + ... +
 * y_{w-k+1}). With W fixed and S_p = y_0 + ... + y_p (S_6 = W), every x_w is
 * W minus a difference of two S's (or one S), and y_p >= 0 and x_w <= cap_w
 * are bounds on such differences: with convex weekday costs F_w the band's
 * cost is an L-natural-convex function of S, whose local minimum under the
 * moves S += +-1 on any subset of S_0..S_5 is global (Murota's steepest
 * descent). W itself is searched outward from the band's count. F is
 * 7 x (BAND_MAX + 1) prefix sums: F[w][x] = cost of x agents on weekday w. */
static double cons_value(const double *F, const int32_t *cap, const int32_t *y, int32_t k)
{
    int32_t W = 0;
    for (int32_t p = 0; p < 7; p++)
        W += y[p];
    double v = 0;
    for (int32_t w = 0; w < 7; w++) {
        int32_t off = 0;
        for (int32_t i = 0; i < k; i++)
            off += y[(w - i + 7) % 7];
        int32_t x = W - off;
        if (x > cap[w])
            return BIG;
        v += F[w * (BAND_MAX + 1) + x];
    }
    return v;
}

/* Steepest descent at fixed W from y (feasible or not); returns the value. */
static double cons_descend(const double *F, const int32_t *cap, int32_t *y, int32_t k)
{
    double cur = cons_value(F, cap, y, k);
    int32_t W = 0;
    for (int32_t p = 0; p < 7; p++)
        W += y[p];
    for (int32_t guard = 0; guard < 8 * (W + 4); guard++) {
        double best = cur;
        int32_t by[7];
        for (int32_t X = 1; X < 64; X++)
            for (int32_t sg = -1; sg <= 1; sg += 2) {
                int32_t ny[7], okv = 1;
                for (int32_t p = 0; p < 7 && okv; p++) {
                    int32_t in = p < 6 && ((X >> p) & 1), in_prev = p > 0 && ((X >> (p - 1)) & 1);
                    ny[p] = y[p] + sg * (in - in_prev);
                    okv = ny[p] >= 0;
                }
                if (!okv)
                    continue;
                double v = cons_value(F, cap, ny, k);
                if (v < best - EPS) {
                    best = v;
                    memcpy(by, ny, sizeof by);
                }
            }
        if (!(best < cur - EPS))
            break;
        cur = best;
        memcpy(y, by, sizeof by);
    }
    return cur;
}

/* The best y (written to best_y) for the band whose live agents have y0;
 * returns its value (0 = no agent). */
static double cons_best(const double *F, const int32_t *cap, const int32_t *y0, int32_t k,
                        int32_t wmax, int32_t *best_y)
{
    double best = 0;
    memset(best_y, 0, 7 * sizeof *best_y);
    int32_t n0 = 0, y[7];
    for (int32_t p = 0; p < 7; p++)
        n0 += y0[p];
    memcpy(y, y0, sizeof y);
    double at = n0 > 0 ? cons_descend(F, cap, y, k) : 0;
    if (at < best) {
        best = at;
        memcpy(best_y, y, sizeof y);
    }
    /* outward in W, one agent more (less) in its best place each step, until
     * three steps in a row find nothing better */
    for (int32_t dir = -1; dir <= 1; dir += 2) {
        int32_t cy[7], W = n0, worse = 0;
        memcpy(cy, y, sizeof cy);
        while (worse < 3 && W + dir >= 1 && W + dir <= wmax) {
            double bv = BIG;
            int32_t by[7], have = 0;
            for (int32_t p = 0; p < 7; p++) {
                int32_t ny[7];
                memcpy(ny, cy, sizeof ny);
                ny[p] += dir;
                if (ny[p] < 0)
                    continue;
                double v = cons_value(F, cap, ny, k);
                if (!have || v < bv) {
                    bv = v;
                    memcpy(by, ny, sizeof by);
                    have = 1; /* (an infeasible place still starts the descent) */
                }
            }
            W += dir;
            memcpy(cy, by, sizeof cy);
            double v = cons_descend(F, cap, cy, k);
            if (v < best - EPS) {
                best = v;
                memcpy(best_y, cy, sizeof cy);
                worse = 0;
            } else {
                worse++;
            }
        }
    }
    return best;
}

void oq__band_unit(const oq_schedule *s, int32_t k, int32_t band, int32_t pattern, sch_unit *u,
                   sch_duty_inst *d)
{
    const sch_template *t = &s->tpl[s->tour[k].tpl];
    sch_unit nu = {s->tour[k].tpl, k, pattern, band, 0, 0};
    *u = nu;
    for (int32_t day = 0; day < s->h.days && u->n_days < 7 * 53; day++) {
        if (!((pattern >> sch_weekday(s, day)) & 1))
            continue;
        sch_duty_inst *dd = &d[u->n_days++];
        memset(dd, 0, sizeof *dd);
        dd->day = day;
        dd->start = day * s->per_day + band;
        for (int32_t j = 0; j < t->n_breaks; j++)
            dd->brk[j] = (int16_t)t->breaks[j].lo;
    }
}

int32_t oq__band_pattern(int32_t on, int32_t *left)
{
    int32_t pattern = 0;
    for (int32_t c = 0; c < on; c++) {
        int32_t bw = -1;
        for (int32_t w = 0; w < 7; w++)
            if (!((pattern >> w) & 1) && left[w] > 0 && (bw < 0 || left[w] > left[bw]))
                bw = w;
        if (bw < 0)
            break; /* (cannot happen when every left[w] <= the agents left) */
        pattern |= 1 << bw;
        left[bw]--;
    }
    return pattern;
}

/* One agent of tour k on band `band` working weekday mask `pattern`. 0 out
 * of memory. */
static int add_band_agent(hx *h, int32_t k, int32_t band, int32_t pattern)
{
    sch_unit u;
    sch_duty_inst d[7 * 53];
    oq__band_unit(h->s, k, band, pattern, &u, d);
    return oq__hx_add(h, &u, d);
}

/* Re-decompose band `band` of tour k. Returns 1 improved, 0 not, -1 out of
 * memory. `mk` is scratch of 7 * (BAND_MAX + 1) doubles. */
static int band_redo(hx *h, int32_t k, int32_t band, double *mk)
{
    const oq_schedule *s = h->s;
    const sch_tour *tr = &s->tour[k];
    const sch_template *t = &s->tpl[tr->tpl];
    const int32_t weeks = s->h.days / 7, on = tr->days_on;
    if (weeks < 1)
        return 0;
    /* the band's live agents, taken out */
    if (!grow_list(h, h->us.n))
        return -1;
    int32_t n0 = 0;
    const double before = h->obj;
    for (int32_t i = 0; i < h->us.n; i++)
        if (h->alive[i] && h->us.u[i].tour == k && h->us.u[i].band == band)
            h->list[n0++] = i;
    if (n0 > BAND_MAX)
        return 0;
    for (int32_t a = 0; a < n0; a++)
        unit_apply(h, h->list[a], -1);
    /* marginal value of the j-th agent (1-based) on weekday w: mk[w][j-1] */
    const int32_t wmax = n0 + 2 < BAND_MAX ? n0 + 2 : BAND_MAX;
    int32_t cap[7];
    for (int32_t w = 0; w < 7; w++) {
        cap[w] = (t->days >> w) & 1 ? wmax : 0;
        for (int32_t day = 0; cap[w] > 0 && day < s->h.days; day++)
            if (sch_weekday(s, day) == w && !oq__duty_open(s, h->c, t, day * s->per_day + band))
                cap[w] = 0;
        for (int32_t j = 0; j < cap[w]; j++) {
            double v = t->cost * weeks;
            for (int32_t day = 0; day < s->h.days && v < BIG; day++) {
                if (sch_weekday(s, day) != w)
                    continue;
                int32_t b = 0;
                for (int32_t i = 0; i < t->len; i++) {
                    while (b < t->n_breaks && i >= t->breaks[b].lo + t->breaks[b].len)
                        b++;
                    if (b < t->n_breaks && i >= t->breaks[b].lo)
                        continue;
                    int32_t tt = pos_t(h, day * s->per_day + band + i);
                    if (tt < 0)
                        break;
                    double a = add1_at(h, tt, h->cov[tt] + j);
                    if (a >= BIG) {
                        v = BIG;
                        break;
                    }
                    v += a;
                }
            }
            if (v >= BIG) {
                cap[w] = j;
                break;
            }
            mk[w * (BAND_MAX + 1) + j] = v;
        }
    }
    const double tol = 1e-7 * (1 + fabs(before));
    if (tr->consecutive_off) {
        /* the agents' off runs, the marginals turned into prefix sums */
        const int32_t koff = 7 - on;
        int32_t y0[7] = {0, 0, 0, 0, 0, 0, 0}, by[7];
        for (int32_t a = 0; a < n0; a++) {
            int32_t pt = h->us.u[h->list[a]].pattern;
            for (int32_t p = 0; p < 7; p++)
                if (!((pt >> p) & 1) && ((pt >> ((p + 6) % 7)) & 1))
                    y0[p]++;
        }
        for (int32_t w = 0; w < 7; w++) {
            double run = 0, *f = mk + w * (BAND_MAX + 1);
            for (int32_t j = 0; j < cap[w]; j++) {
                double m = f[j];
                f[j] = run;
                run += m;
            }
            f[cap[w]] = run;
        }
        double cv = cons_best(mk, cap, y0, koff, wmax, by);
        if (!(h->obj + cv < before - tol)) {
            for (int32_t a = 0; a < n0; a++)
                unit_apply(h, h->list[a], 1);
            return 0;
        }
        for (int32_t p = 0; p < 7; p++) {
            int32_t pattern = 0x7f;
            for (int32_t i = 0; i < koff; i++)
                pattern &= ~(1 << ((p + i) % 7));
            for (int32_t a = 0; a < by[p]; a++)
                if (!add_band_agent(h, k, band, pattern))
                    return -1;
        }
        return 1;
    }
    /* any days off: the on * W cheapest marginals, at most W per weekday */
    double best = 0; /* W = 0 */
    int32_t best_w = 0, take[7], best_take[7] = {0, 0, 0, 0, 0, 0, 0};
    for (int32_t W = 1; W <= wmax; W++) {
        double total = 0;
        int32_t room = 0;
        for (int32_t w = 0; w < 7; w++) {
            take[w] = 0;
            room += cap[w] < W ? cap[w] : W;
        }
        if (room < on * W)
            break;
        for (int32_t c = 0; c < on * W; c++) {
            int32_t bw = -1;
            for (int32_t w = 0; w < 7; w++)
                if (take[w] < W && take[w] < cap[w] &&
                    (bw < 0 || mk[w * (BAND_MAX + 1) + take[w]] <
                                   mk[bw * (BAND_MAX + 1) + take[bw]]))
                    bw = w;
            total += mk[bw * (BAND_MAX + 1) + take[bw]];
            take[bw]++;
        }
        if (total < best - EPS) {
            best = total;
            best_w = W;
            memcpy(best_take, take, sizeof take);
        }
    }
    if (!(h->obj + best < before - tol)) {
        for (int32_t a = 0; a < n0; a++)
            unit_apply(h, h->list[a], 1);
        return 0;
    }
    /* W agents: each takes the `on` weekdays with most left */
    for (int32_t a = 0; a < best_w; a++)
        if (!add_band_agent(h, k, band, oq__band_pattern(on, best_take)))
            return -1;
    return 1;
}

int64_t oq__hx_band_pass(hx *h, double deadline)
{
    const oq_schedule *s = h->s;
    int64_t gains = 0;
    double *mk = NULL;
    for (int32_t k = 0; k < s->n_tour; k++) {
        const sch_tour *tr = &s->tour[k];
        if (!band_tour_ok(h, tr))
            continue;
        if (!mk && !(mk = oq__alloc(h->mem, 7 * (BAND_MAX + 1) * sizeof *mk)))
            return -1;
        const sch_template *t = &s->tpl[tr->tpl];
        for (int32_t band = t->lo; band <= t->hi; band += t->step) {
            if (oq__now() > deadline)
                break;
            int r = band_redo(h, k, band, mk);
            if (r < 0) {
                oq__free(h->mem, mk, 7 * (BAND_MAX + 1) * sizeof *mk);
                return -1;
            }
            gains += r;
        }
    }
    oq__free(h->mem, mk, mk ? 7 * (BAND_MAX + 1) * sizeof *mk : 0);
    return gains;
}

/* ---- ruin and recreate -------------------------------------------------------------- */

/* Does a duty [start, start + len) come within `half` of `center` (circularly
 * on a wrapping horizon)? */
static int near(const hx *h, int32_t start, int32_t len, int32_t center, int32_t half)
{
    int32_t a = start - half, b = start + len + half; /* [a, b) */
    if (center >= a && center < b)
        return 1;
    if (!h->s->h.wrap)
        return 0;
    for (int32_t k = -2; k <= 2; k++)
        if (center + k * h->n >= a && center + k * h->n < b)
            return 1;
    return 0;
}

/* Take out (about half of) the units around a random moment and refill
 * greedily from the unit types around it. Kept when the objective rises by
 * at most `slack`; otherwise undone. */
static int ruin_recreate(hx *h, double slack)
{
    const oq_schedule *s = h->s;
    if (h->n_alive == 0)
        return oq__hx_greedy(h);
    int32_t pick = -1;
    for (int tries = 0; tries < 64 && pick < 0; tries++) {
        int32_t i = (int32_t)below(h, (uint32_t)h->us.n);
        if (h->alive[i])
            pick = i;
    }
    if (pick < 0)
        return 1;
    const sch_unit *pu = &h->us.u[pick];
    const sch_duty_inst *pd = &h->us.d[pu->first + (int32_t)below(h, (uint32_t)pu->n_days)];
    int32_t center = pd->start + (int32_t)below(h, (uint32_t)s->tpl[pu->tpl].len);
    int32_t half = 1 + (int32_t)below(h, (uint32_t)(s->per_day / 8 + 1));
    const double before = h->obj;
    const int32_t mark = h->us.n, mark_d = h->us.nd;
    if (!grow_list(h, h->us.n + h->n_types))
        return 0;
    int32_t nrem = 0;
    for (int32_t i = 0; i < mark; i++) {
        if (!h->alive[i])
            continue;
        const sch_unit *u = &h->us.u[i];
        int hit = i == pick;
        for (int32_t k = 0; !hit && k < u->n_days; k++)
            hit = near(h, h->us.d[u->first + k].start, s->tpl[u->tpl].len, center, 0) &&
                  below(h, 3) == 0;
        if (hit) {
            unit_apply(h, i, -1);
            h->list[nrem++] = i;
        }
    }
    /* candidate types: those whose shift can reach the moment's window */
    int32_t *cand = h->list + nrem, nc = 0;
    for (int32_t i = 0; i < h->n_types; i++) {
        const hx_type *ty = &h->types[i];
        const sch_template *t = &s->tpl[ty->tpl];
        int ok = 0;
        if (ty->tour < 0) {
            ok = near(h, ty->day * s->per_day + ty->band, t->len, center, half);
        } else {
            int32_t drift = s->tour[ty->tour].drift;
            for (int32_t day = 0; !ok && day < s->h.days; day++)
                if ((ty->pattern >> sch_weekday(s, day)) & 1)
                    ok = near(h, day * s->per_day + ty->band, t->len + drift, center, half);
        }
        if (ok)
            cand[nc++] = i;
    }
    if (!greedy_over(h, cand, nc))
        return 0;
    if (h->obj <= before + slack + EPS)
        return 1;
    /* worse: undo */
    for (int32_t i = mark; i < h->us.n; i++)
        if (h->alive[i])
            unit_apply(h, i, -1);
    h->us.n = mark;
    h->us.nd = mark_d;
    for (int32_t k = 0; k < nrem; k++)
        unit_apply(h, h->list[k], 1);
    return 1;
}

/* Drop dead units from the arrays. */
static int compact(hx *h)
{
    sch_units nu;
    memset(&nu, 0, sizeof nu);
    for (int32_t i = 0; i < h->us.n; i++)
        if (h->alive[i] &&
            !oq__units_push(h->mem, &nu, &h->us.u[i], &h->us.d[h->us.u[i].first]))
            {
                oq__units_free(h->mem, &nu);
                return 0;
            }
    uint8_t *a = oq__calloc(h->mem, (size_t)(nu.cap > 0 ? nu.cap : 1), 1);
    if (!a) {
        oq__units_free(h->mem, &nu);
        return 0;
    }
    memset(a, 1, (size_t)nu.n);
    oq__units_free(h->mem, &h->us);
    oq__free(h->mem, h->alive, (size_t)h->alive_cap);
    h->us = nu;
    h->alive = a;
    h->alive_cap = nu.cap > 0 ? nu.cap : 1;
    return 1;
}

/* The live units replace *best (a snapshot). 0 out of memory. */
static int snapshot(hx *h, sch_units *best)
{
    best->n = best->nd = 0;
    for (int32_t i = 0; i < h->us.n; i++)
        if (h->alive[i] && !oq__units_push(h->mem, best, &h->us.u[i], &h->us.d[h->us.u[i].first]))
            return 0;
    return 1;
}

/* Make the snapshot the live set again. */
static int restore(hx *h, const sch_units *best)
{
    for (int32_t i = 0; i < h->us.n; i++)
        if (h->alive[i])
            unit_apply(h, i, -1);
    h->us.n = h->us.nd = 0;
    for (int32_t i = 0; i < best->n; i++)
        if (!oq__hx_add(h, &best->u[i], &best->d[best->u[i].first]))
            return 0;
    return 1;
}

int oq__hx_search(hx *h, double lower_bound, double deadline)
{
    const double tol = h->sv->o->gap_tolerance;
    if (!oq__hx_greedy(h))
        return 0;
    for (;;) {
        int64_t mv = move_pass(h, deadline), bv = mv < 0 ? 0 : oq__hx_band_pass(h, deadline);
        if (mv < 0 || bv < 0)
            return 0;
        if (mv + bv == 0 || oq__now() > deadline)
            break;
    }
    /* record-to-record travel: ruin and recreate may leave the objective up
     * to a quarter of the cheapest shift above the best found */
    double cheapest = HUGE_VAL;
    for (int32_t k = 0; k < h->s->n_tpl; k++)
        if (h->s->tpl[k].cost > 0 && h->s->tpl[k].cost < cheapest)
            cheapest = h->s->tpl[k].cost;
    const double travel = isfinite(cheapest) ? 0.25 * cheapest : 0;
    sch_units best;
    memset(&best, 0, sizeof best);
    double best_obj = h->obj;
    if (!snapshot(h, &best)) {
        oq__units_free(h->mem, &best);
        return 0;
    }
    int64_t iter = 0, last_gain = 0;
    int ok = 1;
    while (ok && oq__now() < deadline) {
        if (isfinite(lower_bound) && best_obj - lower_bound <= tol * fabs(best_obj) + EPS)
            break;
        iter++;
        ok = ruin_recreate(h, best_obj + travel - h->obj);
        if (ok && iter % 512 == 0)
            ok = move_pass(h, deadline) >= 0 && oq__hx_band_pass(h, deadline) >= 0 &&
                 (h->us.n <= 2 * h->n_alive + 1024 || compact(h));
        if (ok && h->obj < best_obj - EPS) {
            best_obj = h->obj;
            last_gain = iter;
            ok = snapshot(h, &best);
        }
        if (iter - last_gain > 20000 + iter / 2)
            break;
    }
    if (ok && h->obj > best_obj + EPS)
        ok = restore(h, &best);
    oq__units_free(h->mem, &best);
    h->moves = iter;
    return ok;
}

int oq__hx_export(hx *h, sch_units *out)
{
    for (int32_t i = 0; i < h->us.n; i++)
        if (h->alive[i] && !oq__units_push(h->mem, out, &h->us.u[i], &h->us.d[h->us.u[i].first]))
            return 0;
    return 1;
}

/* ---- setup --------------------------------------------------------------------------- */

static int push_type(hx *h, const hx_type *t)
{
    if (!oq__grow(h->mem, (void **)&h->types, &h->cap_types, h->n_types + 1, sizeof *h->types))
        return 0;
    h->types[h->n_types++] = *t;
    return 1;
}

int oq__hx_init(hx *h, sch_solve *sv)
{
    const oq_schedule *s = sv->s;
    memset(h, 0, sizeof *h);
    h->sv = sv;
    h->s = s;
    h->c = &sv->costs;
    h->mem = &sv->mem;
    h->n = s->n;
    h->span = s->n + 2 * s->per_day + 1;
    seed(h, sv->o->seed);
    double max_unit = 0;
    int32_t max_len = 0;
    for (int32_t i = 0; i < s->n_tpl; i++) {
        double c = s->tpl[i].cost * (s->tpl[i].tour_only ? 7.0 * (s->h.days / 7 + 1) : 1.0);
        if (c > max_unit)
            max_unit = c;
        if (s->tpl[i].len > max_len)
            max_len = s->tpl[i].len;
    }
    h->hard_w = 1 + max_unit + sv->costs.over * max_len * 7.0 * (s->h.days / 7 + 1);
    size_t stride = (size_t)s->per_day + 1;
    h->cov = oq__calloc(h->mem, (size_t)s->n, sizeof *h->cov);
    h->pa = oq__calloc(h->mem, 2 * ((size_t)h->span + 1), sizeof *h->pa);
    h->cnt_start = oq__calloc(h->mem, (size_t)s->n_tpl * (size_t)h->span, sizeof *h->cnt_start);
    h->cnt_day = oq__calloc(h->mem, (size_t)s->n_tpl * (size_t)s->h.days, sizeof *h->cnt_day);
    h->cnt_tour = oq__calloc(h->mem, (size_t)(s->n_tour > 0 ? s->n_tour : 1), sizeof *h->cnt_tour);
    h->daily_on_day = oq__calloc(h->mem, (size_t)s->h.days, sizeof *h->daily_on_day);
    h->dp = oq__calloc(h->mem, stride * SCH_MAX_BREAKS, sizeof *h->dp);
    h->dpq = oq__calloc(h->mem, stride * SCH_MAX_BREAKS, sizeof *h->dpq);
    h->alive = oq__calloc(h->mem, 64, 1);
    h->alive_cap = 64;
    if (!h->cov || !h->pa || !h->cnt_start || !h->cnt_day || !h->cnt_tour || !h->daily_on_day ||
        !h->dp || !h->dpq || !h->alive)
        return 0;
    h->pa_from = 0;
    /* every interval starts uncovered */
    h->obj = oq__objective(s, &sv->costs, h->cov, 0, NULL, NULL);
    if (sv->costs.hard) {
        int64_t under = 0;
        for (int32_t t = 0; t < s->n; t++)
            under += s->required[t];
        h->obj = h->hard_w * (double)under;
    }
    for (int32_t k = 0; k < s->n_tpl; k++) {
        const sch_template *t = &s->tpl[k];
        if (t->tour_only)
            continue;
        for (int32_t day = 0; day < s->h.days; day++) {
            if (!((t->days >> sch_weekday(s, day)) & 1))
                continue;
            for (int32_t off = t->lo; off <= t->hi; off += t->step) {
                hx_type ty = {k, -1, 0, off, day};
                if (!push_type(h, &ty))
                    return 0;
            }
        }
    }
    for (int32_t k = 0; k < s->n_tour; k++) {
        const sch_tour *tr = &s->tour[k];
        const sch_template *t = &s->tpl[tr->tpl];
        for (int32_t pattern = 1; pattern < 128; pattern++) {
            if (!oq__tour_pattern_ok(tr, t, pattern))
                continue;
            for (int32_t band = t->lo; band + tr->drift <= t->hi; band += t->step) {
                hx_type ty = {tr->tpl, k, pattern, band, -1};
                if (!push_type(h, &ty))
                    return 0;
            }
        }
    }
    h->hkey = oq__alloc(h->mem, (size_t)(h->n_types > 0 ? h->n_types : 1) * 2 * sizeof *h->hkey);
    h->hidx = oq__alloc(h->mem, (size_t)(h->n_types > 0 ? h->n_types : 1) * 2 * sizeof *h->hidx);
    return h->hkey && h->hidx;
}

void oq__hx_free(hx *h)
{
    const oq_schedule *s = h->s;
    if (!s)
        return;
    size_t stride = (size_t)s->per_day + 1;
    oq__free(h->mem, h->cov, (size_t)s->n * sizeof *h->cov);
    oq__free(h->mem, h->pa, 2 * ((size_t)h->span + 1) * sizeof *h->pa);
    oq__free(h->mem, h->cnt_start, (size_t)s->n_tpl * (size_t)h->span * sizeof *h->cnt_start);
    oq__free(h->mem, h->cnt_day, (size_t)s->n_tpl * (size_t)s->h.days * sizeof *h->cnt_day);
    oq__free(h->mem, h->cnt_tour, (size_t)(s->n_tour > 0 ? s->n_tour : 1) * sizeof *h->cnt_tour);
    oq__free(h->mem, h->daily_on_day, (size_t)s->h.days * sizeof *h->daily_on_day);
    oq__free(h->mem, h->dp, stride * SCH_MAX_BREAKS * sizeof *h->dp);
    oq__free(h->mem, h->dpq, stride * SCH_MAX_BREAKS * sizeof *h->dpq);
    oq__free(h->mem, h->alive, (size_t)h->alive_cap);
    oq__free(h->mem, h->types, (size_t)h->cap_types * sizeof *h->types);
    oq__free(h->mem, h->hkey, (size_t)(h->n_types > 0 ? h->n_types : 1) * 2 * sizeof *h->hkey);
    oq__free(h->mem, h->hidx, (size_t)(h->n_types > 0 ? h->n_types : 1) * 2 * sizeof *h->hidx);
    oq__free(h->mem, h->list, (size_t)h->list_cap * sizeof *h->list);
    oq__units_free(h->mem, &h->us);
    memset(h, 0, sizeof *h);
}
