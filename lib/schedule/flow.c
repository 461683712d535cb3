/* SPDX-License-Identifier: MIT */
/* Break-free shifts as a minimum-cost flow.
 *
 * Coverage rows: for every interval t, (agents on shifts covering t) - u_t +
 * v_t = R_t, with u_t >= 0 the agents above the requirement and v_t >= 0 those
 * missing (soft objective only). Subtracting row t-1 from row t leaves one +1
 * and one -1 in every column: a shift covering [a, b) becomes an arc b -> a,
 * u_t an arc t -> t+1, v_t an arc t+1 -> t, and node t has supply
 * R_{t-1} - R_t. Seats cap u_t; a template's max_per_start caps its arcs.
 *
 * On a horizon that does not wrap (nodes 0..n, R_{-1} = R_n = 0) the rows are
 * recovered exactly from the differences and the flow optimum is the integer
 * optimum. On a wrapping week the same holds after cutting the circle at a
 * boundary no candidate shift crosses. When every boundary is crossed (a
 * 24/7 center) the differences lose one row: the circular network solves the
 * problem for R + K (one K for every interval, chosen freely), and the
 * missing row is priced by a Lagrange multiplier searched until K = 0
 * (Bartholdi, Orlin & Ratliff's parametric idea). Every multiplier gives a
 * lower bound; a flow with K = 0 is optimal. Otherwise the best flow with
 * K >= 0 is improved by local search and the gap is stated: with shifts of
 * several lengths the circular matrix is not totally unimodular, so no
 * rounding can promise the integer optimum there (docs/scheduling.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/internal.h"
#include "schedule/netflow.h"

int oq__flow_applies(const oq_schedule *s, const oq_schedule_options *o)
{
    if (s->n_tour > 0 || o->max_agents > 0)
        return 0;
    for (int32_t i = 0; i < s->n_tpl; i++)
        if (s->tpl[i].n_breaks > 0 || s->tpl[i].max_per_day > 0)
            return 0;
    return 1;
}

/* ---- duties ----------------------------------------------------------------------- */

int oq__duties_build(const oq_schedule *s, oq_mem *m, const sch_costs *c, int tours_too,
                     sch_duties *out)
{
    memset(out, 0, sizeof *out);
    for (int32_t k = 0; k < s->n_tpl; k++) {
        const sch_template *t = &s->tpl[k];
        if (t->tour_only && !tours_too)
            continue;
        for (int32_t day = 0; day < s->h.days; day++) {
            if (!((t->days >> sch_weekday(s, day)) & 1))
                continue;
            for (int32_t off = t->lo; off <= t->hi; off += t->step) {
                int32_t start = day * s->per_day + off;
                if (!s->h.wrap && start >= s->n)
                    continue; /* would start after the horizon: covers nothing */
                if (!oq__duty_open(s, c, t, start))
                    continue; /* the calendar is closed during it */
                if (!oq__grow(m, (void **)&out->d, &out->cap, out->n + 1, sizeof *out->d)) {
                    oq__duties_free(m, out);
                    return 0;
                }
                sch_duty *d = &out->d[out->n++];
                d->tpl = k;
                d->day = day;
                d->start = start;
                d->len = t->len;
            }
        }
    }
    return 1;
}

void oq__duties_free(oq_mem *m, sch_duties *d)
{
    oq__free(m, d->d, (size_t)d->cap * sizeof *d->d);
    memset(d, 0, sizeof *d);
}

void oq__interval_label(const oq_schedule *s, int32_t t, char *buf, size_t size)
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    t = ((t % s->n) + s->n) % s->n;
    int32_t day = t / s->per_day;
    long sec = lround((double)(t % s->per_day) * s->h.interval_s);
    snprintf(buf, size, "%s %02ld:%02ld (day %d)", wd[sch_weekday(s, day)], sec / 3600,
             (sec / 60) % 60, (int)day);
}

int oq__cover_why(const oq_schedule *s, oq_mem *m, const oq_schedule_options *o,
                  const sch_duties *d, char *msg, size_t size)
{
    int64_t *reach = oq__calloc(m, (size_t)s->n, sizeof *reach);
    if (!reach)
        return -1;
    for (int32_t i = 0; i < d->n; i++) {
        const sch_template *t = &s->tpl[d->d[i].tpl];
        int64_t add = t->max_per_start > 0 ? t->max_per_start : NSX_INF;
        for (int32_t k = 0; k < d->d[i].len; k++) {
            int32_t u = d->d[i].start + k;
            if (u >= s->n) {
                if (!s->h.wrap)
                    break;
                u %= s->n;
            }
            reach[u] = reach[u] + add > NSX_INF ? NSX_INF : reach[u] + add;
        }
    }
    int found = 0;
    char label[48];
    for (int32_t t = 0; t < s->n && !found; t++) {
        int32_t r = s->required[t];
        if (r <= 0)
            continue;
        oq__interval_label(s, t, label, sizeof label);
        if (reach[t] == 0) {
            snprintf(msg, size, "interval %s needs %d agents but no shift template covers it%s",
                     label, (int)r,
                     o->calendar ? " while the calendar is open" : "");
            found = 1;
        } else if (o->max_per_interval > 0 && r > o->max_per_interval) {
            snprintf(msg, size, "interval %s needs %d agents but max_per_interval allows %d",
                     label, (int)r, (int)o->max_per_interval);
            found = 1;
        } else if (reach[t] < r) {
            snprintf(msg, size,
                     "interval %s needs %d agents but the shifts covering it hold at most %lld "
                     "(max_per_start)",
                     label, (int)r, (long long)reach[t]);
            found = 1;
        }
    }
    oq__free(m, reach, (size_t)s->n * sizeof *reach);
    return found;
}

/* ---- the network --------------------------------------------------------------------- */

/* Costs become integers: the smallest power of ten up to 1e6 that makes every
 * cost whole (to 1e-9), else 1e6; smaller if the largest cost would pass 2^40. */
static double cost_scale(const oq_schedule *s, const sch_costs *c)
{
    double maxc = c->over;
    for (int32_t i = 0; i < s->n_tpl; i++)
        if (s->tpl[i].cost > maxc)
            maxc = s->tpl[i].cost;
    int32_t nshort = c->hard ? 0 : c->off[s->n];
    for (int32_t k = 0; k < nshort; k++)
        if (c->short_cost[k] > maxc)
            maxc = c->short_cost[k];
    double scale = 1;
    for (; scale < 1e6; scale *= 10) {
        int whole = 1;
        for (int32_t i = -1; whole && i < s->n_tpl + nshort; i++) {
            double v = i < 0 ? c->over : i < s->n_tpl ? s->tpl[i].cost : c->short_cost[i - s->n_tpl];
            v *= scale;
            whole = fabs(v - nearbyint(v)) < 1e-9 * (1 + fabs(v));
        }
        if (whole)
            break;
    }
    while (scale > 1e-6 && maxc * scale > 1099511627776.0)
        scale /= 10;
    return scale;
}

typedef struct flow_net {
    nsx g;
    int32_t *duty_arc;      /* per duty */
    int32_t *eff;           /* effective requirement per position */
    int32_t n_duty;
    int32_t u_anchor, v_first, v_last; /* arcs of the anchor row (circular), -1 */
    double scale;
    double fixed;           /* penalty made certain by the seats (soft) */
} flow_net;

static void net_free(oq_mem *m, flow_net *fn)
{
    oq__nsx_free(&fn->g);
    oq__free(m, fn->duty_arc, (size_t)(fn->n_duty > 0 ? fn->n_duty : 1) * sizeof *fn->duty_arc);
    fn->duty_arc = NULL;
}

/* Build the network, cut at boundary p (positions i = interval (i + p) mod n),
 * or kept circular (p = 0) with `lambda` priced on row `anchor`. */
static int net_build(const oq_schedule *s, oq_mem *m, const sch_costs *c, const sch_duties *dd,
                     int32_t p, int circular, int32_t anchor, int64_t lambda, double scale,
                     flow_net *fn)
{
    const int32_t n = s->n;
    memset(fn, 0, sizeof *fn);
    fn->scale = scale;
    fn->n_duty = dd->n;
    fn->u_anchor = fn->v_first = fn->v_last = -1;
    if (!oq__nsx_init(&fn->g, m, circular ? n : n + 1))
        return 0;
    fn->duty_arc = oq__calloc(m, (size_t)(dd->n > 0 ? dd->n : 1), sizeof *fn->duty_arc);
    if (!fn->duty_arc)
        return 0;
#define NODE(i) (circular ? ((i) % n) : (i))
    for (int32_t i = 0; i < dd->n; i++) {
        const sch_duty *d = &dd->d[i];
        const sch_template *t = &s->tpl[d->tpl];
        int32_t a = ((d->start - p) % n + n) % n, len = d->len;
        if (!s->h.wrap && a + len > n)
            len = n - a; /* cut at the horizon's end */
        int64_t cost = llround(t->cost * scale);
        if (circular && ((anchor - a) % n + n) % n < len)
            cost += lambda;
        int64_t cap = t->max_per_start > 0 ? t->max_per_start : NSX_INF;
        if ((fn->duty_arc[i] = oq__nsx_arc(&fn->g, NODE(a + len), NODE(a), cost, cap)) < 0)
            return 0;
    }
    int32_t prev_eff = circular ? sch_effective_req(s, c, (n - 1 + p) % n) : 0;
    for (int32_t i = 0; i < n; i++) {
        const int32_t t = (i + p) % n, r = s->required[t], eff = sch_effective_req(s, c, t);
        const int is_anchor = circular && t == anchor;
        int64_t cap = c->cap > 0 ? (int64_t)c->cap - eff : NSX_INF;
        int64_t over = llround(c->over * scale) - (is_anchor ? lambda : 0);
        int32_t a = oq__nsx_arc(&fn->g, NODE(i), NODE(i + 1), over, cap);
        if (a < 0)
            return 0;
        if (is_anchor)
            fn->u_anchor = a;
        if (!c->hard) {
            /* the j-th missing agent costs short_cost[j]; equal consecutive
             * costs share one arc; the first r - eff are certain */
            int32_t steps = c->off[t + 1] - c->off[t];
            for (int32_t j = 0; j < r - eff; j++)
                fn->fixed += sch_short_cost(c, t, j);
            for (int32_t j = r - eff; j < r;) {
                double v = sch_short_cost(c, t, j);
                int32_t k = j + 1;
                while (k < r && (k >= steps - 1 || sch_short_cost(c, t, k) == v))
                    k++;
                int64_t cost = llround(v * scale) + (is_anchor ? lambda : 0);
                int32_t b = oq__nsx_arc(&fn->g, NODE(i + 1), NODE(i), cost, (int64_t)(k - j));
                if (b < 0)
                    return 0;
                if (is_anchor) {
                    if (fn->v_first < 0)
                        fn->v_first = b;
                    fn->v_last = b;
                }
                j = k;
            }
        }
        fn->g.supply[NODE(i)] += (int64_t)prev_eff - eff;
        prev_eff = eff;
    }
    if (!circular)
        fn->g.supply[n] += prev_eff;
#undef NODE
    return 1;
}

/* Units from the duty arcs' flows. */
static int net_units(oq_mem *m, const sch_duties *dd, const flow_net *fn, sch_units *us)
{
    for (int32_t i = 0; i < dd->n; i++) {
        int64_t f = fn->g.flow[fn->duty_arc[i]];
        sch_unit u = {dd->d[i].tpl, -1, 0, -1, 1, 0};
        sch_duty_inst di;
        memset(&di, 0, sizeof di);
        di.day = dd->d[i].day;
        di.start = dd->d[i].start;
        for (int64_t k = 0; k < f; k++)
            if (!oq__units_push(m, us, &u, &di))
                return 0;
    }
    return 1;
}

/* Counts of candidate shifts crossing each boundary (boundary p lies before
 * interval p); the boundary with the fewest in *best, that count returned
 * (-1 out of memory). */
static int64_t fewest_crossings(const oq_schedule *s, oq_mem *m, const sch_duties *dd,
                                int32_t *best)
{
    const int32_t n = s->n;
    int64_t *diff = oq__calloc(m, (size_t)n + 1, sizeof *diff);
    if (!diff)
        return -1;
    for (int32_t i = 0; i < dd->n; i++) {
        /* [a, a + len) crosses the boundaries a+1 .. a+len-1 (mod n) */
        int32_t lo = (dd->d[i].start + 1) % n, cnt = dd->d[i].len - 1;
        if (cnt <= 0)
            continue;
        if (cnt >= n)
            cnt = n;
        diff[lo]++;
        if (lo + cnt <= n) {
            diff[lo + cnt]--;
        } else {
            diff[n]--;
            diff[0]++;
            diff[lo + cnt - n]--;
        }
    }
    int64_t fewest = INT64_MAX, run = 0;
    *best = 0;
    for (int32_t p = 0; p < n; p++) {
        run += diff[p];
        if (run < fewest) {
            fewest = run;
            *best = p;
        }
    }
    oq__free(m, diff, ((size_t)n + 1) * sizeof *diff);
    return fewest;
}

static double units_cost(const oq_schedule *s, const sch_units *us)
{
    double cost = 0;
    for (int32_t i = 0; i < us->n; i++)
        cost += s->tpl[us->u[i].tpl].cost * us->u[i].n_days;
    return cost;
}

/* The objective of units, and whether they meet every requirement. */
static int units_eval(sch_solve *sv, const sch_units *us, double *obj, int64_t *under)
{
    int32_t *cov = oq__calloc(&sv->mem, (size_t)sv->s->n, sizeof *cov);
    if (!cov)
        return 0;
    oq__units_coverage(sv->s, us, cov);
    *obj = oq__objective(sv->s, &sv->costs, cov, units_cost(sv->s, us), under, NULL);
    oq__free(&sv->mem, cov, (size_t)sv->s->n * sizeof *cov);
    return 1;
}

/* ---- the linear case ------------------------------------------------------------------ */

static oq_status linear_solve(sch_solve *sv, const sch_duties *dd, int32_t p, double scale)
{
    flow_net fn;
    oq_status st = OQ_OK;
    if (!net_build(sv->s, &sv->mem, &sv->costs, dd, p, 0, -1, 0, scale, &fn)) {
        net_free(&sv->mem, &fn);
        return OQ_ENOMEM;
    }
    int r = oq__nsx_solve(&fn.g);
    if (r == NSX_NOMEM) {
        st = OQ_ENOMEM;
    } else if (r == NSX_OPTIMAL) {
        if (!net_units(&sv->mem, dd, &fn, &sv->units))
            st = OQ_ENOMEM;
        sv->status = OQ_SCHED_OPTIMAL;
        snprintf(sv->message, sizeof sv->message,
                 "network simplex: optimal (%lld pivots, %d nodes, %d arcs)",
                 (long long)fn.g.pivots, (int)fn.g.n, (int)fn.g.m);
    } else {
        sv->status = OQ_SCHED_INFEASIBLE;
        snprintf(sv->message, sizeof sv->message,
                 "no schedule covers every interval within the limits");
    }
    net_free(&sv->mem, &fn);
    if (st == OQ_OK && sv->status == OQ_SCHED_OPTIMAL) {
        double obj;
        int64_t under;
        if (!units_eval(sv, &sv->units, &obj, &under))
            return OQ_ENOMEM;
        sv->lower_bound = obj;
    }
    return st;
}

/* ---- the circular case ---------------------------------------------------------------- */

typedef struct lag_eval {
    int status;         /* NSX_* */
    int64_t k;          /* coverage - requirement on every row */
    double f;           /* the flow's cost without the multiplier, base scale units */
    double lb;          /* L(lambda) in objective units */
} lag_eval;

/* Crossing of the anchor row by arc a: +1 when a unit of flow on it adds
 * coverage to the row (shifts covering it, shortage arcs), -1 for its surplus
 * arc, 0 otherwise. */
static int arc_crossing(const flow_net *fn, const uint8_t *covers, int32_t a)
{
    if (a < fn->n_duty)
        return covers[a];
    if (a == fn->u_anchor)
        return -1;
    if (fn->v_first >= 0 && a >= fn->v_first && a <= fn->v_last)
        return 1;
    return 0;
}

/* Move an optimal flow along cycles of zero reduced cost, each changing K by
 * `dir` (+1 or -1), until K = 0: the optimum stays optimal for the priced
 * costs and the lost row is met. Search: for each residual arc crossing the
 * row in direction dir, a path back from its head to its tail over residual
 * zero-cost arcs with no net crossing (breadth-first over node x crossing
 * level in -2..2). Returns the K reached. */
static int64_t walk_to_zero(oq_mem *m, flow_net *fn, const uint8_t *covers, int64_t k)
{
    nsx *g = &fn->g;
    const int32_t n = g->n, ma = g->m, levels = 5;
    const int dir = k < 0 ? 1 : -1;
    /* residual arcs as (arc, sense): sense +1 forward, -1 backward */
    int32_t *head = oq__alloc(m, ((size_t)n + 1) * sizeof *head);
    int32_t *next = oq__alloc(m, 2 * (size_t)ma * sizeof *next);
    int32_t *prev = oq__alloc(m, (size_t)n * levels * sizeof *prev);
    int32_t *queue = oq__alloc(m, (size_t)n * levels * sizeof *queue);
    if (!head || !next || !prev || !queue)
        goto out;
    for (int guard = 0; k != 0 && guard < 1000000; guard++) {
        /* zero-reduced-cost residual graph */
        for (int32_t v = 0; v <= n; v++)
            head[v] = -1;
        for (int32_t a = 0; a < ma; a++) {
            int64_t rc = g->cost[a] + g->pi[g->src[a]] - g->pi[g->dst[a]];
            if (rc != 0)
                continue;
            if (g->flow[a] < g->cap[a]) { /* forward: id 2a from src */
                next[2 * a] = head[g->src[a]];
                head[g->src[a]] = 2 * a;
            }
            if (g->flow[a] > 0) { /* backward: id 2a+1 from dst */
                next[2 * a + 1] = head[g->dst[a]];
                head[g->dst[a]] = 2 * a + 1;
            }
        }
        int moved = 0;
        for (int32_t e0 = 0; e0 < 2 * ma && !moved; e0++) {
            int32_t a0 = e0 / 2, sense0 = e0 % 2 ? -1 : 1;
            int64_t rc = g->cost[a0] + g->pi[g->src[a0]] - g->pi[g->dst[a0]];
            if (rc != 0 || sense0 * arc_crossing(fn, covers, a0) != dir)
                continue;
            if (sense0 > 0 ? g->flow[a0] >= g->cap[a0] : g->flow[a0] <= 0)
                continue;
            int32_t from = sense0 > 0 ? g->dst[a0] : g->src[a0]; /* walk from its head */
            int32_t to = sense0 > 0 ? g->src[a0] : g->dst[a0];   /* back to its tail */
            for (int32_t i = 0; i < n * levels; i++)
                prev[i] = -2;
            int32_t qh = 0, qt = 0, start = from * levels + 2;
            prev[start] = -1;
            queue[qt++] = start;
            int32_t found = -1;
            while (qh < qt && found < 0) {
                int32_t st = queue[qh++], v = st / levels, lv = st % levels;
                for (int32_t e = head[v]; e >= 0; e = next[e]) {
                    int32_t a = e / 2, sense = e % 2 ? -1 : 1;
                    int32_t w = sense > 0 ? g->dst[a] : g->src[a];
                    int32_t nl = lv + sense * arc_crossing(fn, covers, a);
                    if (nl < 0 || nl >= levels || prev[w * levels + nl] != -2)
                        continue;
                    prev[w * levels + nl] = e;
                    if (w == to && nl == 2) {
                        found = w * levels + nl;
                        break;
                    }
                    queue[qt++] = w * levels + nl;
                }
            }
            if (found < 0)
                continue;
            /* the cycle: e0 then the path; push one unit if every arc has room
             * for the times it is used */
            int ok = 1;
            for (int pass = 0; pass < 2 && ok; pass++) {
                int32_t sign = pass == 0 ? -1 : 1; /* first check, then push */
                for (int32_t st = found; st != start && ok;) {
                    int32_t e = prev[st], a = e / 2, sense = e % 2 ? -1 : 1;
                    if (pass == 0) {
                        g->flow[a] += sense;
                        if (g->flow[a] < 0 || g->flow[a] > g->cap[a])
                            ok = 0;
                    }
                    int32_t v = sense > 0 ? g->src[a] : g->dst[a];
                    int32_t lv = st % levels - sense * arc_crossing(fn, covers, a);
                    st = v * levels + lv;
                    (void)sign;
                }
                if (pass == 0) {
                    /* undo the trial (the same walk again) */
                    for (int32_t st = found; st != start;) {
                        int32_t e = prev[st], a = e / 2, sense = e % 2 ? -1 : 1;
                        g->flow[a] -= sense;
                        int32_t v = sense > 0 ? g->src[a] : g->dst[a];
                        st = v * levels + (st % levels - sense * arc_crossing(fn, covers, a));
                    }
                    if (!ok)
                        break;
                    g->flow[a0] += sense0;
                    if (g->flow[a0] < 0 || g->flow[a0] > g->cap[a0])
                        ok = 0;
                    g->flow[a0] -= sense0;
                }
            }
            if (!ok)
                continue;
            for (int32_t st = found; st != start;) {
                int32_t e = prev[st], a = e / 2, sense = e % 2 ? -1 : 1;
                g->flow[a] += sense;
                int32_t v = sense > 0 ? g->src[a] : g->dst[a];
                st = v * levels + (st % levels - sense * arc_crossing(fn, covers, a));
            }
            g->flow[a0] += sense0;
            k += dir;
            moved = 1;
        }
        if (!moved)
            break;
    }
out:
    oq__free(m, head, head ? ((size_t)n + 1) * sizeof *head : 0);
    oq__free(m, next, next ? 2 * (size_t)ma * sizeof *next : 0);
    oq__free(m, prev, prev ? (size_t)n * levels * sizeof *prev : 0);
    oq__free(m, queue, queue ? (size_t)n * levels * sizeof *queue : 0);
    return k;
}

/* Solve the circle at multiplier `lambda` with costs scaled by scale * mult;
 * with `walk`, move the optimum to K = 0 along zero-cost cycles when it can.
 * Every flow found competes (by its true objective) for *best. */
static oq_status lag_try(sch_solve *sv, const sch_duties *dd, int32_t anchor, int64_t lambda,
                         double scale, int64_t mult, int walk, lag_eval *ev, sch_units *best,
                         double *best_obj)
{
    const oq_schedule *s = sv->s;
    flow_net fn;
    memset(ev, 0, sizeof *ev);
    uint8_t *covers = oq__calloc(&sv->mem, (size_t)(dd->n > 0 ? dd->n : 1), 1);
    if (!covers)
        return OQ_ENOMEM;
    for (int32_t i = 0; i < dd->n; i++)
        covers[i] = ((anchor - dd->d[i].start) % s->n + s->n) % s->n < dd->d[i].len;
    if (!net_build(s, &sv->mem, &sv->costs, dd, 0, 1, anchor, lambda, scale * (double)mult, &fn)) {
        net_free(&sv->mem, &fn);
        oq__free(&sv->mem, covers, (size_t)(dd->n > 0 ? dd->n : 1));
        return OQ_ENOMEM;
    }
    ev->status = oq__nsx_solve(&fn.g);
    oq_status st = ev->status == NSX_NOMEM ? OQ_ENOMEM : OQ_OK;
    if (ev->status == NSX_OPTIMAL) {
        int64_t crossing = 0;
        for (int32_t a = 0; a < fn.g.m; a++)
            crossing += arc_crossing(&fn, covers, a) * fn.g.flow[a];
        int32_t eff = sch_effective_req(s, &sv->costs, anchor);
        ev->k = crossing - eff;
        double flowcost = 0;
        for (int32_t a = 0; a < fn.g.m; a++)
            flowcost += (double)fn.g.flow[a] * (double)fn.g.cost[a];
        ev->lb = (flowcost - (double)lambda * eff) / (scale * (double)mult) + fn.fixed;
        ev->f = (flowcost - (double)lambda * (double)crossing) / (double)mult;
        if (walk && ev->k != 0)
            ev->k = walk_to_zero(&sv->mem, &fn, covers, ev->k);
        /* keep the best schedule seen by its true objective (a hard problem
         * ranks any shortage after every full cover): K < 0 leaves agents
         * short, the local search repairs that later */
        sch_units us;
        memset(&us, 0, sizeof us);
        double obj;
        int64_t under;
        if (!net_units(&sv->mem, dd, &fn, &us) || !units_eval(sv, &us, &obj, &under)) {
            st = OQ_ENOMEM;
        } else {
            double key = sv->costs.hard && under > 0 ? 1e30 + (double)under : obj;
            if (key < *best_obj) {
                oq__units_free(&sv->mem, best);
                *best = us;
                *best_obj = key;
                memset(&us, 0, sizeof us);
            }
        }
        oq__units_free(&sv->mem, &us);
    }
    net_free(&sv->mem, &fn);
    oq__free(&sv->mem, covers, (size_t)(dd->n > 0 ? dd->n : 1));
    return st;
}

static oq_status circular_solve(sch_solve *sv, const sch_duties *dd, double scale)
{
    const oq_schedule *s = sv->s;
    /* price the row crossed by the fewest shifts */
    int32_t anchor = 0;
    {
        int64_t fewest = INT64_MAX;
        int64_t *cnt = oq__calloc(&sv->mem, (size_t)s->n, sizeof *cnt);
        if (!cnt)
            return OQ_ENOMEM;
        for (int32_t i = 0; i < dd->n; i++)
            for (int32_t k = 0; k < dd->d[i].len; k++)
                cnt[(dd->d[i].start + k) % s->n]++;
        for (int32_t t = 0; t < s->n; t++)
            if (cnt[t] < fewest) {
                fewest = cnt[t];
                anchor = t;
            }
        oq__free(&sv->mem, cnt, (size_t)s->n * sizeof *cnt);
    }
    sch_units best;
    memset(&best, 0, sizeof best);
    double best_obj = HUGE_VAL, lb = -HUGE_VAL;
    lag_eval ev;
    int64_t step = llround(scale) > 0 ? llround(scale) : 1;
    int64_t lam_neg = 0, lam_pos = 0; /* K < 0 at lam_neg side (higher), K >= 0 at lam_pos */
    int have_neg = 0, have_pos = 0, done = 0;
    int64_t side_k[2] = {0, 0};
    double side_f[2] = {0, 0};
    int have_side[2] = {0, 0};
    oq_status st = lag_try(sv, dd, anchor, 0, scale, 1, 0, &ev, &best, &best_obj);
    /* K falls as lambda rises: find a bracket, then bisect on whole lambdas */
    int64_t lambda = 0;
    for (int iter = 0; st == OQ_OK && !done && iter < 128; iter++) {
        if (ev.status == NSX_OPTIMAL && ev.lb > lb)
            lb = ev.lb;
        if (ev.status == NSX_OPTIMAL && ev.k == 0) {
            done = 1;
            break;
        }
        /* too high: K < 0, or unbounded towards K -> -inf (lambda > 0: the
         * surplus arcs around the circle pay); unbounded at lambda < 0 is the
         * other way (shifts around the circle pay) */
        int high = ev.status == NSX_OPTIMAL ? ev.k < 0 : lambda > 0;
        if (ev.status == NSX_OPTIMAL) {
            if (ev.k < 0) {
                side_k[0] = ev.k;
                side_f[0] = ev.f;
                have_side[0] = 1;
            } else {
                side_k[1] = ev.k;
                side_f[1] = ev.f;
                have_side[1] = 1;
            }
        }
        if (high) {
            lam_neg = lambda;
            have_neg = 1;
        } else {
            lam_pos = lambda;
            have_pos = 1;
        }
        if (have_neg && have_pos) {
            if (lam_neg - lam_pos <= 1)
                break;
            lambda = lam_pos + (lam_neg - lam_pos) / 2;
        } else {
            lambda = high ? lambda - step : lambda + step;
            step *= 2;
            if (step > ((int64_t)1 << 50))
                break;
        }
        if (oq__now() > sv->deadline)
            break;
        st = lag_try(sv, dd, anchor, lambda, scale, 1, 0, &ev, &best, &best_obj);
    }
    /* the exact maximiser of L: where the supporting lines of the two sides
     * meet (Newton on a concave piecewise-linear function); costs scaled by
     * the K difference make it a whole number. There the optimal face holds
     * both sides, and a walk along zero-cost cycles may reach K = 0. */
    for (int it = 0; st == OQ_OK && !done && have_side[0] && have_side[1] && it < 64; it++) {
        if (oq__now() > sv->deadline)
            break;
        int64_t mult = side_k[1] - side_k[0];
        double lam = side_f[0] - side_f[1];
        if (!(fabs(lam) < 4e15) || mult > 1000000)
            break;
        st = lag_try(sv, dd, anchor, (int64_t)llround(lam), scale, mult, 1, &ev, &best,
                     &best_obj);
        if (st != OQ_OK || ev.status != NSX_OPTIMAL)
            break;
        if (ev.lb > lb)
            lb = ev.lb;
        if (ev.k == 0) {
            done = 1;
            break;
        }
        /* a new line strictly below both: replace the side of its sign */
        double line = side_f[0] + lam / (double)mult * (double)side_k[0];
        double here = ev.f + lam / (double)mult * (double)ev.k;
        if (here >= line - 1e-6 * (1 + fabs(line)))
            break; /* lambda is the maximiser: the walk could not reach 0 */
        int side = ev.k > 0;
        side_k[side] = ev.k;
        side_f[side] = ev.f;
    }
    if (st != OQ_OK) {
        oq__units_free(&sv->mem, &best);
        return st;
    }
    sv->lower_bound = lb;
    sv->units = best;
    if (sv->costs.hard && !have_pos && (lb > 1e15 || step > ((int64_t)1 << 50))) {
        /* the multiplier's bound grows without end: the LP has no cover */
        oq__units_free(&sv->mem, &sv->units);
        sv->status = OQ_SCHED_INFEASIBLE;
        sv->lower_bound = HUGE_VAL;
        snprintf(sv->message, sizeof sv->message,
                 "no schedule covers every interval within the limits (max_per_start, "
                 "max_per_interval): even the LP relaxation has none");
        return OQ_OK;
    }
    if (done && best_obj < 1e30) {
        sv->status = OQ_SCHED_OPTIMAL;
        sv->lower_bound = best_obj;
        snprintf(sv->message, sizeof sv->message,
                 "network simplex on the circular week: optimal (the priced row is met exactly)");
        return OQ_OK;
    }
    st = oq__improve_units(sv, &sv->units);
    if (st == OQ_OK && sv->status != OQ_SCHED_NO_SOLUTION)
        snprintf(sv->message, sizeof sv->message,
                 "network simplex on the circular week: LP bound %.6g from the multiplier of the "
                 "row the differences lose; %s",
                 lb,
                 sv->status == OQ_SCHED_OPTIMAL ? "local search reached it: optimal"
                                                 : "best flow improved by local search");
    return st;
}

/* ---- entry ------------------------------------------------------------------------------- */

oq_status oq__flow_solve(sch_solve *sv)
{
    const oq_schedule *s = sv->s;
    sch_duties dd;
    if (!oq__duties_build(s, &sv->mem, &sv->costs, 0, &dd))
        return OQ_ENOMEM;
    snprintf(sv->solver, sizeof sv->solver, "flow");
    oq_status st = OQ_OK;
    if (sv->costs.hard) {
        int why = oq__cover_why(s, &sv->mem, sv->o, &dd, sv->message, sizeof sv->message);
        if (why < 0) {
            oq__duties_free(&sv->mem, &dd);
            return OQ_ENOMEM;
        }
        if (why > 0) {
            sv->status = OQ_SCHED_INFEASIBLE;
            sv->lower_bound = HUGE_VAL;
            oq__duties_free(&sv->mem, &dd);
            return OQ_OK;
        }
    }
    double scale = cost_scale(s, &sv->costs);
    if (!s->h.wrap) {
        st = linear_solve(sv, &dd, 0, scale);
    } else {
        int32_t p = 0;
        int64_t crossing = fewest_crossings(s, &sv->mem, &dd, &p);
        if (crossing < 0)
            st = OQ_ENOMEM;
        else if (crossing == 0)
            st = linear_solve(sv, &dd, p, scale);
        else
            st = circular_solve(sv, &dd, scale);
    }
    oq__duties_free(&sv->mem, &dd);
    return st;
}
