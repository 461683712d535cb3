/* SPDX-License-Identifier: MIT */
/* Rostering: giving every agent-shift of a schedule to a named agent.
 *
 * Slots are the units of work to give: one per agent of a tour row (the whole
 * week) and one per agent of a daily shift row. Tours go first (they bind
 * most), then daily shifts in time order. Each slot goes to the eligible agent
 * with the best score: an agent short of contracted hours or of a must-work
 * day first, then the fewest weekend / night shifts so far (when the slot is
 * one), then the fewest hours. Hard rules decide eligibility: skills,
 * availability, days off, one shift a day, minimum rest, maximum consecutive
 * days and maximum hours. A slot nobody can take is retried by moving one of
 * a blocking agent's daily shifts to another agent; agents still short of
 * their minimum take shifts from agents above theirs. What stays unmet is
 * reported, rule by rule. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "schedule/result.h"

typedef struct duty {
    int32_t row;            /* shift row */
    int32_t day, weekday;
    double start_s, end_s, hours;
    int weekend, night;
} duty;

typedef struct slot {
    int32_t tpl;
    int32_t first, n;       /* its duties */
    int32_t agent;          /* -1: unassigned */
} slot;

struct oq_roster {
    oq_mem mem;
    int32_t n_agents;
    int32_t *agent_first, *agent_count; /* CSR into shifts */
    oq_roster_shift *shifts;
    int32_t n_shifts;
    double *brk;            /* per roster shift: up to SCH_MAX_BREAKS (start, end) pairs */
    int32_t *brk_n;
    double *hours;
    int32_t *weekend, *night;
    oq_roster_violation *viol;
    int32_t n_viol, cap_viol;
    oq_roster_summary sum;
    char reason[8];
};

typedef struct rctx {
    const oq_schedule_result *r;
    const oq_roster_agent *ag;
    int32_t na;
    const oq_roster_options *o;
    oq_mem *mem;
    duty *d;
    int32_t nd;
    slot *sl;
    int32_t ns;
    int32_t days;
    double horizon_s;
    int32_t *busy;          /* na x days: slot index of the duty starting that day, -1 */
    int32_t *busy_duty;     /* na x days: duty index */
    uint8_t *tpl_ok;        /* na x n_tpl: skills */
    double *hours, *max_h, *min_h, *rest;
    int32_t *weekend, *night, *max_consec;
} rctx;

oq_status oq_roster_agent_init(oq_roster_agent *a)
{
    if (!a)
        return OQ_EINVAL;
    memset(a, 0, sizeof *a);
    a->struct_size = sizeof *a;
    a->min_rest_s = -1;
    return OQ_OK;
}

oq_status oq_roster_options_init(oq_roster_options *o)
{
    if (!o)
        return OQ_EINVAL;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->max_consecutive_days = 6;
    o->min_rest_s = 39600;
    o->night_start_s = 79200;
    o->night_end_s = 21600;
    o->time_limit_s = 5;
    o->seed = 1;
    return OQ_OK;
}

const char *oq_roster_rule_name(int32_t rule)
{
    switch (rule) {
    case OQ_ROSTER_UNASSIGNED: return "unassigned";
    case OQ_ROSTER_MIN_HOURS: return "min_hours";
    case OQ_ROSTER_WORK_DAY: return "work_day";
    default: return "unknown";
    }
}

/* ---- rules ---------------------------------------------------------------------- */

/* Does [s, e) of time of day (seconds, e may pass 86400) meet the night? */
static int is_night(const oq_roster_options *o, double start_s, double end_s)
{
    double ns = o->night_start_s, ne = o->night_end_s;
    if (ne <= ns)
        ne += 86400;
    for (int k = -1; k <= 1; k++) {
        double a = ns + k * 86400.0, b = ne + k * 86400.0;
        if (start_s < b && end_s > a)
            return 1;
    }
    return 0;
}

static int has_skill(const oq_roster_agent *a, const char *skill)
{
    for (int32_t i = 0; i < a->n_skills; i++)
        if (strcmp(a->skills[i], skill) == 0)
            return 1;
    return 0;
}

enum { WHY_OK = 0, WHY_SKILL, WHY_OFF, WHY_AVAIL, WHY_BUSY, WHY_REST, WHY_CONSEC, WHY_HOURS, WHY_N };
static const char *const WHY_TEXT[] = {"", "lack a skill", "have the day off",
                                       "are not available", "already work that day",
                                       "would not rest long enough", "would work too many days in a row",
                                       "would pass their maximum hours"};

static int available(const oq_roster_agent *a, const duty *d)
{
    if (a->n_available == 0)
        return 1;
    for (int32_t i = 0; i < a->n_available; i++)
        if (a->available[i].start_s <= d->start_s + 1e-6 && a->available[i].end_s >= d->end_s - 1e-6)
            return 1;
    return 0;
}

/* Gap rule between two duties (circular on a wrapping horizon). */
static int rest_ok(const rctx *x, double rest, const duty *p, const duty *q)
{
    double H = x->horizon_s;
    for (int k = -1; k <= 1; k++) {
        if (k != 0 && !x->r->h.wrap)
            continue;
        double qs = q->start_s + k * H, qe = q->end_s + k * H;
        if (qs < p->end_s + rest && qe + rest > p->start_s)
            return 0;
    }
    return 1;
}

static int day_of(const rctx *x, int32_t d)
{
    if (d >= 0 && d < x->days)
        return d;
    if (!x->r->h.wrap)
        return -1;
    return ((d % x->days) + x->days) % x->days;
}

/* Why agent a cannot take duties [first, first + n) (WHY_OK if it can). */
static int why_not(const rctx *x, int32_t a, int32_t tpl, const duty *dd, int32_t n)
{
    const oq_roster_agent *ag = &x->ag[a];
    if (!x->tpl_ok[(size_t)a * x->r->n_tpl + (size_t)tpl])
        return WHY_SKILL;
    double add = 0;
    for (int32_t k = 0; k < n; k++) {
        const duty *d = &dd[k];
        if ((ag->off_days >> d->weekday) & 1)
            return WHY_OFF;
        if (!available(ag, d))
            return WHY_AVAIL;
        if (x->busy[(size_t)a * x->days + d->day] >= 0)
            return WHY_BUSY;
        for (int32_t o = -2; o <= 2; o++) {
            int32_t od = day_of(x, d->day + o);
            if (od < 0 || o == 0)
                continue;
            int32_t di = x->busy_duty[(size_t)a * x->days + od];
            if (di >= 0 && !rest_ok(x, x->rest[a], d, &x->d[di]))
                return WHY_REST;
        }
        for (int32_t j = 0; j < k; j++)
            if (!rest_ok(x, x->rest[a], d, &dd[j]))
                return WHY_REST;
        add += d->hours;
    }
    if (x->max_h[a] > 0 && x->hours[a] + add > x->max_h[a] + 1e-9)
        return WHY_HOURS;
    /* consecutive days, counting the new ones */
    for (int32_t k = 0; k < n; k++) {
        int32_t run = 1;
        for (int dir = -1; dir <= 1; dir += 2) {
            for (int32_t step = 1; step <= x->days; step++) {
                int32_t od = day_of(x, dd[k].day + dir * step);
                if (od < 0)
                    break;
                int worked = x->busy[(size_t)a * x->days + od] >= 0;
                for (int32_t j = 0; !worked && j < n; j++)
                    worked = dd[j].day == od;
                if (!worked)
                    break;
                run++;
            }
        }
        if (run > x->max_consec[a])
            return WHY_CONSEC;
    }
    return WHY_OK;
}

static void take(rctx *x, int32_t s, int32_t a, int sign)
{
    slot *sl = &x->sl[s];
    for (int32_t k = 0; k < sl->n; k++) {
        const duty *d = &x->d[sl->first + k];
        size_t i = (size_t)a * x->days + d->day;
        x->busy[i] = sign > 0 ? s : -1;
        x->busy_duty[i] = sign > 0 ? sl->first + k : -1;
        x->hours[a] += sign * d->hours;
        x->weekend[a] += sign * d->weekend;
        x->night[a] += sign * d->night;
    }
    sl->agent = sign > 0 ? a : -1;
}

/* Lower is better. */
static double score(const rctx *x, int32_t a, const slot *sl)
{
    const oq_roster_agent *ag = &x->ag[a];
    double sc = 0;
    if (x->min_h[a] > 0 && x->hours[a] < x->min_h[a])
        sc -= 1000 * (x->min_h[a] - x->hours[a]) / x->min_h[a];
    for (int32_t k = 0; k < sl->n; k++) {
        const duty *d = &x->d[sl->first + k];
        if ((ag->work_days >> d->weekday) & 1)
            sc -= 500;
        if (d->weekend)
            sc += 20.0 * x->weekend[a];
        if (d->night)
            sc += 20.0 * x->night[a];
    }
    double scale = x->max_h[a] > 0 ? x->max_h[a] : 40.0 * x->days / 7.0;
    sc += 50 * x->hours[a] / scale;
    return sc;
}

static int assign_best(rctx *x, int32_t s, uint64_t *rng)
{
    const slot *sl = &x->sl[s];
    int32_t best = -1;
    double best_sc = HUGE_VAL;
    int32_t off = x->na ? (int32_t)(*rng % (uint64_t)x->na) : 0;
    *rng = *rng * 6364136223846793005u + 1442695040888963407u;
    for (int32_t i = 0; i < x->na; i++) {
        int32_t a = (i + off) % x->na;
        if (why_not(x, a, sl->tpl, &x->d[sl->first], sl->n) != WHY_OK)
            continue;
        double sc = score(x, a, sl);
        if (sc < best_sc) {
            best_sc = sc;
            best = a;
        }
    }
    if (best < 0)
        return 0;
    take(x, s, best, 1);
    return 1;
}

/* An unassigned daily slot: move one of a blocking agent's daily shifts away. */
static int repair(rctx *x, int32_t s, uint64_t *rng)
{
    slot *sl = &x->sl[s];
    if (sl->n != 1)
        return 0;
    const duty *d = &x->d[sl->first];
    /* with every agent already at work that day, no move can free one */
    int32_t free_that_day = 0;
    for (int32_t a = 0; a < x->na && !free_that_day; a++)
        free_that_day = x->busy[(size_t)a * x->days + d->day] < 0;
    if (!free_that_day)
        return 0;
    for (int32_t a = 0; a < x->na; a++) {
        int w = why_not(x, a, sl->tpl, d, 1);
        if (w != WHY_BUSY && w != WHY_REST && w != WHY_CONSEC && w != WHY_HOURS)
            continue;
        for (int32_t o = -2; o <= 2; o++) {
            int32_t od = day_of(x, d->day + o);
            if (od < 0)
                continue;
            int32_t other = x->busy[(size_t)a * x->days + od];
            if (other < 0 || x->sl[other].n != 1)
                continue;
            take(x, other, a, -1);
            if (why_not(x, a, sl->tpl, d, 1) == WHY_OK) {
                take(x, s, a, 1);
                /* the moved shift needs another agent (not a) */
                const slot *os = &x->sl[other];
                int32_t best = -1;
                double best_sc = HUGE_VAL;
                for (int32_t b = 0; b < x->na; b++) {
                    if (b == a || why_not(x, b, os->tpl, &x->d[os->first], 1) != WHY_OK)
                        continue;
                    double sc = score(x, b, os);
                    if (sc < best_sc) {
                        best_sc = sc;
                        best = b;
                    }
                }
                if (best >= 0) {
                    take(x, other, best, 1);
                    return 1;
                }
                take(x, s, a, -1);
            }
            take(x, other, a, 1);
        }
    }
    (void)rng;
    return 0;
}

static int add_violation(oq_roster *ro, int32_t rule, int32_t agent, int32_t row, int32_t day,
                         const char *msg)
{
    if (!oq__grow(&ro->mem, (void **)&ro->viol, &ro->cap_viol, ro->n_viol + 1, sizeof *ro->viol))
        return 0;
    oq_roster_violation *v = &ro->viol[ro->n_viol++];
    memset(v, 0, sizeof *v);
    v->rule = rule;
    v->agent = agent;
    v->shift_row = row;
    v->day = day;
    snprintf(v->message, sizeof v->message, "%s", msg);
    return 1;
}

static void hhmm(double s, char *buf, size_t size)
{
    int t = (int)lround(fmod(s, 86400.0));
    if (t < 0 || t >= 86400)
        t = 0;
    snprintf(buf, size, "%02d:%02d", t / 3600 % 24, (t / 60) % 60);
}

/* ---- build ------------------------------------------------------------------------ */

static oq_status check_agents(const oq_roster_agent *ag, int32_t na, oq_error *err)
{
    for (int32_t i = 0; i < na; i++) {
        const oq_roster_agent *a = &ag[i];
        char why[OQ__ABI_MSG];
        /* An array's stride is this library's sizeof: its elements must be
         * of exactly this size (core.h: versioned structs). */
        if (oq__struct_size_check(a, sizeof *a, _Alignof(oq_roster_agent), sizeof *a, "oq_roster_agent", why) != OQ_OK)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "agents[%d]: %s", (int)i, why);
        if (!a->id || !a->id[0])
            return oq__error(err, OQ_EINVAL, NULL, 0, 0, "agents[%d].id: required", (int)i);
        for (int32_t k = 0; k < i; k++)
            if (strcmp(ag[k].id, a->id) == 0)
                return oq__error(err, OQ_EINVAL, NULL, 0, 0, "agents[%d]: id '%s' is taken",
                                 (int)i, a->id);
#define BAD(...) return oq__error(err, OQ_EINVAL, NULL, 0, 0, __VA_ARGS__)
        if (a->n_skills < 0 || (a->n_skills > 0 && !a->skills))
            BAD("agent '%s': skills: a count >= 0 with an array", a->id);
        for (int32_t k = 0; k < a->n_skills; k++)
            if (!a->skills[k])
                BAD("agent '%s': skills[%d] is NULL", a->id, (int)k);
        if (!(a->min_hours >= 0) || !(a->max_hours >= 0) || !isfinite(a->min_hours) ||
            !isfinite(a->max_hours) || (a->max_hours > 0 && a->min_hours > a->max_hours))
            BAD("agent '%s': hours: need 0 <= min_hours <= max_hours (max 0: no limit)", a->id);
        if ((a->work_days | a->off_days) & ~OQ_DAYS_ALL || (a->work_days & a->off_days))
            BAD("agent '%s': work_days and off_days: weekday masks without a common day", a->id);
        if (a->n_available < 0 || (a->n_available > 0 && !a->available))
            BAD("agent '%s': available: a count >= 0 with an array", a->id);
        for (int32_t k = 0; k < a->n_available; k++)
            if (!(a->available[k].end_s > a->available[k].start_s))
                BAD("agent '%s': available[%d]: end must be after start", a->id, (int)k);
        if (a->max_consecutive_days < 0)
            BAD("agent '%s': max_consecutive_days: negative", a->id);
        if (!isfinite(a->min_rest_s))
            BAD("agent '%s': min_rest_s: not a number", a->id);
#undef BAD
    }
    return OQ_OK;
}

void oq_roster_destroy(oq_roster *ro)
{
    if (!ro)
        return;
    oq_mem m = ro->mem;
    size_t na = (size_t)ro->n_agents, ns = (size_t)(ro->n_shifts > 0 ? ro->n_shifts : 1);
    oq__free(&m, ro->agent_first, (na + 1) * sizeof *ro->agent_first);
    oq__free(&m, ro->agent_count, (na + 1) * sizeof *ro->agent_count);
    oq__free(&m, ro->shifts, ns * sizeof *ro->shifts);
    oq__free(&m, ro->brk, ns * 2 * SCH_MAX_BREAKS * sizeof *ro->brk);
    oq__free(&m, ro->brk_n, ns * sizeof *ro->brk_n);
    oq__free(&m, ro->hours, (na + 1) * sizeof *ro->hours);
    oq__free(&m, ro->weekend, (na + 1) * sizeof *ro->weekend);
    oq__free(&m, ro->night, (na + 1) * sizeof *ro->night);
    oq__free(&m, ro->viol, (size_t)ro->cap_viol * sizeof *ro->viol);
    oq__free(&m, ro, sizeof *ro);
}

static void ctx_free(rctx *x)
{
    size_t na = (size_t)x->na + 1, days = (size_t)x->days;
    oq__free(x->mem, x->d, (size_t)(x->nd + 1) * sizeof *x->d);
    oq__free(x->mem, x->sl, (size_t)(x->ns + 1) * sizeof *x->sl);
    oq__free(x->mem, x->busy, na * days * sizeof *x->busy);
    oq__free(x->mem, x->busy_duty, na * days * sizeof *x->busy_duty);
    oq__free(x->mem, x->tpl_ok, na * (size_t)(x->r->n_tpl + 1));
    oq__free(x->mem, x->hours, na * sizeof *x->hours);
    oq__free(x->mem, x->max_h, na * sizeof *x->max_h);
    oq__free(x->mem, x->min_h, na * sizeof *x->min_h);
    oq__free(x->mem, x->rest, na * sizeof *x->rest);
    oq__free(x->mem, x->weekend, na * sizeof *x->weekend);
    oq__free(x->mem, x->night, na * sizeof *x->night);
    oq__free(x->mem, x->max_consec, na * sizeof *x->max_consec);
}

static int cmp_time(const rctx *x, int32_t a, int32_t b)
{
    const duty *p = &x->d[x->sl[a].first], *q = &x->d[x->sl[b].first];
    return p->start_s < q->start_s ? -1 : p->start_s > q->start_s ? 1 : (a > b) - (a < b);
}

static int cmp_slot(int32_t a, int32_t b, const void *ctx) { return cmp_time(ctx, a, b); }

oq_status oq_roster_build(const oq_schedule_result *r, const oq_roster_agent *ag, int32_t na,
                          const oq_roster_options *o, oq_roster **out, oq_error *err)
{
    oq_roster_options full; /* the caller's options over the defaults: core.h, versioned structs */
    char bad_size[OQ__ABI_MSG];
    if (!r || !out || na < 0 || (na > 0 && !ag))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "result, agents and out are required");
    if (!o)
        oq_roster_options_init(&full);
    else if (OQ__OPTIONS_COPY(&full, o, oq_roster_options, max_consecutive_days, bad_size) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", bad_size);
    o = &full;
    if (o->max_consecutive_days < 1 || !(o->min_rest_s >= 0) || !isfinite(o->min_rest_s) ||
        !(o->time_limit_s > 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "options: max_consecutive_days >= 1, min_rest_s >= 0 and "
                         "time_limit_s > 0 are required");
    oq_status st = check_agents(ag, na, err);
    if (st != OQ_OK)
        return st;
    const double t0 = oq__now();
    oq_mem mem = r->mem;
    mem.live_bytes = 0;
    rctx x;
    memset(&x, 0, sizeof x);
    x.r = r;
    x.ag = ag;
    x.na = na;
    x.o = o;
    x.mem = &mem;
    x.days = r->h.days;
    x.horizon_s = r->n * r->h.interval_s;
    /* duties and slots */
    int32_t nd = 0, ns = 0;
    for (int32_t i = 0; i < r->n_shift; i++) {
        nd += r->shift[i].count;
        if (r->shift[i].tour_row < 0)
            ns += r->shift[i].count;
    }
    for (int32_t i = 0; i < r->n_tours; i++)
        ns += r->tours[i].count;
    size_t nas = (size_t)na + 1, days = (size_t)x.days;
    x.d = oq__calloc(&mem, (size_t)nd + 1, sizeof *x.d);
    x.sl = oq__calloc(&mem, (size_t)ns + 1, sizeof *x.sl);
    x.busy = oq__alloc(&mem, nas * days * sizeof *x.busy);
    x.busy_duty = oq__alloc(&mem, nas * days * sizeof *x.busy_duty);
    x.tpl_ok = oq__calloc(&mem, nas * (size_t)(r->n_tpl + 1), 1);
    x.hours = oq__calloc(&mem, nas, sizeof *x.hours);
    x.max_h = oq__calloc(&mem, nas, sizeof *x.max_h);
    x.min_h = oq__calloc(&mem, nas, sizeof *x.min_h);
    x.rest = oq__calloc(&mem, nas, sizeof *x.rest);
    x.weekend = oq__calloc(&mem, nas, sizeof *x.weekend);
    x.night = oq__calloc(&mem, nas, sizeof *x.night);
    x.max_consec = oq__calloc(&mem, nas, sizeof *x.max_consec);
    x.nd = nd;
    x.ns = ns;
    oq_roster *ro = oq__calloc(&mem, 1, sizeof *ro);
    int32_t *order = oq__alloc(&mem, ((size_t)ns + 1) * sizeof *order);
    int32_t *tmp = oq__alloc(&mem, ((size_t)ns + 1) * sizeof *tmp);
    if (!x.d || !x.sl || !x.busy || !x.busy_duty || !x.tpl_ok || !x.hours || !x.max_h ||
        !x.min_h || !x.rest || !x.weekend || !x.night || !x.max_consec || !ro || !order || !tmp) {
        st = OQ_ENOMEM;
        goto fail;
    }
    ro->mem = mem;
    for (size_t i = 0; i < nas * days; i++)
        x.busy[i] = x.busy_duty[i] = -1;
    const double weeks = x.days / 7.0;
    for (int32_t a = 0; a < na; a++) {
        x.max_h[a] = ag[a].max_hours * weeks;
        x.min_h[a] = ag[a].min_hours * weeks;
        x.rest[a] = ag[a].min_rest_s >= 0 ? ag[a].min_rest_s : o->min_rest_s;
        x.max_consec[a] = ag[a].max_consecutive_days > 0 ? ag[a].max_consecutive_days
                                                          : o->max_consecutive_days;
        for (int32_t k = 0; k < r->n_tpl; k++) {
            int ok = 1;
            for (int32_t j = 0; ok && j < r->tpl[k].n_skills; j++)
                ok = has_skill(&ag[a], r->tpl[k].skills[j]);
            x.tpl_ok[(size_t)a * r->n_tpl + (size_t)k] = (uint8_t)ok;
        }
    }
    /* one duty per agent of every row; tour rows give one slot per agent */
    int32_t di = 0, si = 0;
    for (int32_t t = 0; t < r->n_tours; t++) {
        const oq_schedule_tour_row *tr = &r->tours[t];
        for (int32_t c = 0; c < tr->count; c++) {
            slot *sl = &x.sl[si++];
            sl->tpl = r->shift[tr->first_shift].template_index;
            sl->first = di;
            sl->n = tr->n_shifts;
            sl->agent = -1;
            for (int32_t k = 0; k < tr->n_shifts; k++, di++) {
                const oq_schedule_shift *sh = &r->shift[tr->first_shift + k];
                duty *d = &x.d[di];
                d->row = tr->first_shift + k;
                d->day = sh->day;
                d->weekday = (r->first_weekday + sh->day) % 7;
                d->start_s = sh->start_s;
                d->end_s = sh->end_s;
                d->hours = sh->paid_hours;
                d->weekend = d->weekday >= 5;
                d->night = is_night(o, fmod(sh->start_s, 86400.0),
                                    fmod(sh->start_s, 86400.0) + (sh->end_s - sh->start_s));
            }
        }
    }
    const int32_t n_tour_slots = si;
    for (int32_t i = 0; i < r->n_shift; i++) {
        const oq_schedule_shift *sh = &r->shift[i];
        if (sh->tour_row >= 0)
            continue;
        for (int32_t c = 0; c < sh->count; c++, di++) {
            duty *d = &x.d[di];
            d->row = i;
            d->day = sh->day;
            d->weekday = (r->first_weekday + sh->day) % 7;
            d->start_s = sh->start_s;
            d->end_s = sh->end_s;
            d->hours = sh->paid_hours;
            d->weekend = d->weekday >= 5;
            d->night = is_night(o, fmod(sh->start_s, 86400.0),
                                fmod(sh->start_s, 86400.0) + (sh->end_s - sh->start_s));
            slot *sl = &x.sl[si++];
            sl->tpl = sh->template_index;
            sl->first = di;
            sl->n = 1;
            sl->agent = -1;
        }
    }
    x.nd = di;
    /* tours first, then daily shifts in time order */
    for (int32_t i = 0; i < ns; i++)
        order[i] = i;
    oq__sort_idx(order + n_tour_slots, ns - n_tour_slots, cmp_slot, &x, tmp);
    uint64_t rng = o->seed * 0x9e3779b97f4a7c15u + 1;
    for (int32_t k = 0; k < ns; k++)
        assign_best(&x, order[k], &rng);
    /* repairs: a failed one is not retried for another agent of the same row */
    int32_t failed_row = -1;
    for (int32_t k = 0; k < ns && oq__now() - t0 < 0.6 * o->time_limit_s; k++) {
        const slot *sl = &x.sl[order[k]];
        if (sl->agent >= 0 || x.d[sl->first].row == failed_row)
            continue;
        if (!repair(&x, order[k], &rng))
            failed_row = x.d[sl->first].row;
    }
    /* agents short of their minimum take daily shifts from agents above theirs */
    for (int32_t a = 0; a < na && oq__now() - t0 < o->time_limit_s; a++) {
        for (int32_t s = n_tour_slots; s < ns && x.hours[a] < x.min_h[a] - 1e-9; s++) {
            int32_t b = x.sl[s].agent;
            if (b < 0 || b == a || x.hours[b] - x.d[x.sl[s].first].hours < x.min_h[b] - 1e-9)
                continue;
            take(&x, s, b, -1);
            if (why_not(&x, a, x.sl[s].tpl, &x.d[x.sl[s].first], 1) == WHY_OK)
                take(&x, s, a, 1);
            else
                take(&x, s, b, 1);
        }
    }
    /* the roster: shifts per agent in time order */
    ro->n_agents = na;
    ro->n_shifts = 0;
    for (int32_t s = 0; s < ns; s++)
        if (x.sl[s].agent >= 0)
            ro->n_shifts += x.sl[s].n;
    size_t nsh = (size_t)(ro->n_shifts > 0 ? ro->n_shifts : 1);
    ro->agent_first = oq__calloc(&mem, nas, sizeof *ro->agent_first);
    ro->agent_count = oq__calloc(&mem, nas, sizeof *ro->agent_count);
    ro->shifts = oq__calloc(&mem, nsh, sizeof *ro->shifts);
    ro->brk = oq__calloc(&mem, nsh * 2 * SCH_MAX_BREAKS, sizeof *ro->brk);
    ro->brk_n = oq__calloc(&mem, nsh, sizeof *ro->brk_n);
    ro->hours = oq__calloc(&mem, nas, sizeof *ro->hours);
    ro->weekend = oq__calloc(&mem, nas, sizeof *ro->weekend);
    ro->night = oq__calloc(&mem, nas, sizeof *ro->night);
    if (!ro->agent_first || !ro->agent_count || !ro->shifts || !ro->brk || !ro->brk_n ||
        !ro->hours || !ro->weekend || !ro->night) {
        st = OQ_ENOMEM;
        goto fail;
    }
    for (int32_t s = 0; s < ns; s++)
        if (x.sl[s].agent >= 0)
            ro->agent_count[x.sl[s].agent] += x.sl[s].n;
    for (int32_t a = 0; a < na; a++)
        ro->agent_first[a + 1] = ro->agent_first[a] + ro->agent_count[a];
    memset(ro->agent_count, 0, nas * sizeof *ro->agent_count);
    for (int32_t k = 0; k < ns; k++) {
        int32_t s = order[k], a = x.sl[s].agent;
        if (a < 0)
            continue;
        for (int32_t j = 0; j < x.sl[s].n; j++) {
            const duty *d = &x.d[x.sl[s].first + j];
            const oq_schedule_shift *sh = &r->shift[d->row];
            int32_t pos = ro->agent_first[a] + ro->agent_count[a]++;
            oq_roster_shift *rs = &ro->shifts[pos];
            rs->shift_row = d->row;
            rs->day = d->day;
            rs->start = sh->start;
            rs->length = sh->length;
            rs->start_s = sh->start_s;
            rs->end_s = sh->end_s;
            rs->paid_hours = sh->paid_hours;
            ro->brk_n[pos] = sh->n_breaks;
            for (int32_t b = 0; b < sh->n_breaks; b++) {
                const oq_schedule_break *br = &r->brk[r->brk_first[d->row] + b];
                ro->brk[(size_t)pos * 2 * SCH_MAX_BREAKS + 2 * (size_t)b] = br->start_s;
                ro->brk[(size_t)pos * 2 * SCH_MAX_BREAKS + 2 * (size_t)b + 1] = br->end_s;
            }
        }
    }
    /* time order within each agent (tours were placed before daily shifts) */
    for (int32_t a = 0; a < na; a++) {
        oq_roster_shift *v = ro->shifts + ro->agent_first[a];
        int32_t n = ro->agent_count[a];
        for (int32_t i = 1; i < n; i++)
            for (int32_t j = i; j > 0 && v[j].start_s < v[j - 1].start_s; j--) {
                oq_roster_shift t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
                size_t p = (size_t)(ro->agent_first[a] + j), q = p - 1;
                double tb[2 * SCH_MAX_BREAKS];
                memcpy(tb, ro->brk + p * 2 * SCH_MAX_BREAKS, sizeof tb);
                memcpy(ro->brk + p * 2 * SCH_MAX_BREAKS, ro->brk + q * 2 * SCH_MAX_BREAKS, sizeof tb);
                memcpy(ro->brk + q * 2 * SCH_MAX_BREAKS, tb, sizeof tb);
                int32_t tn = ro->brk_n[p];
                ro->brk_n[p] = ro->brk_n[q];
                ro->brk_n[q] = tn;
            }
        ro->hours[a] = x.hours[a];
        ro->weekend[a] = x.weekend[a];
        ro->night[a] = x.night[a];
    }
    /* what was not met */
    char msg[256], hm[16];
    /* one report per row of the schedule, with how many of its agents stayed */
    for (int32_t k = 0; k < ns; k++) {
        int32_t s = order[k];
        const slot *sl = &x.sl[s];
        if (sl->agent >= 0)
            continue;
        const duty *d = &x.d[sl->first];
        int seen = 0;
        for (int32_t j = 0; j < k && !seen; j++) {
            const slot *o2 = &x.sl[order[j]];
            seen = o2->agent < 0 && x.d[o2->first].row == d->row;
        }
        if (seen)
            continue;
        int32_t left = 0, of = 0;
        for (int32_t j = 0; j < ns; j++)
            if (x.d[x.sl[j].first].row == d->row) {
                of++;
                left += x.sl[j].agent < 0;
            }
        int32_t why[WHY_N] = {0};
        for (int32_t a = 0; a < na; a++)
            why[why_not(&x, a, sl->tpl, &x.d[sl->first], sl->n)]++;
        int32_t top = WHY_SKILL;
        for (int32_t w = WHY_SKILL; w < WHY_N; w++)
            if (why[w] > why[top])
                top = w;
        hhmm(d->start_s, hm, sizeof hm);
        snprintf(msg, sizeof msg,
                 "%s %s on day %d at %s: %d of its %d agent%s could not be given (%d of %d "
                 "agents %s)",
                 sl->n > 1 ? "tour week of" : "shift", r->tpl[sl->tpl].name, (int)d->day, hm,
                 (int)left, (int)of, of == 1 ? "" : "s", (int)why[top], (int)na, WHY_TEXT[top]);
        if (!add_violation(ro, OQ_ROSTER_UNASSIGNED, -1, d->row, d->day, msg)) {
            st = OQ_ENOMEM;
            goto fail;
        }
    }
    for (int32_t a = 0; a < na; a++) {
        if (x.min_h[a] > 0 && x.hours[a] < x.min_h[a] - 1e-9) {
            snprintf(msg, sizeof msg, "agent '%s' works %.2f h, below the contracted %.2f h",
                     ag[a].id, x.hours[a], x.min_h[a]);
            if (!add_violation(ro, OQ_ROSTER_MIN_HOURS, a, -1, -1, msg)) {
                st = OQ_ENOMEM;
                goto fail;
            }
        }
        for (int32_t day = 0; day < x.days; day++) {
            int32_t wd = (r->first_weekday + day) % 7;
            if (!((ag[a].work_days >> wd) & 1) || x.busy[(size_t)a * x.days + day] >= 0)
                continue;
            snprintf(msg, sizeof msg, "agent '%s' must work day %d but has no shift that day",
                     ag[a].id, (int)day);
            if (!add_violation(ro, OQ_ROSTER_WORK_DAY, a, -1, day, msg)) {
                st = OQ_ENOMEM;
                goto fail;
            }
        }
    }
    /* figures */
    oq_roster_summary *sum = &ro->sum;
    sum->agents = na;
    sum->violations = ro->n_viol;
    sum->hours_min = na ? HUGE_VAL : 0;
    sum->weekend_min = sum->night_min = INT32_MAX;
    int any_working = 0;
    for (int32_t s = 0; s < ns; s++) {
        if (x.sl[s].agent >= 0)
            sum->assigned += x.sl[s].n;
        else
            sum->unassigned += x.sl[s].n;
    }
    for (int32_t a = 0; a < na; a++) {
        if (x.hours[a] < sum->hours_min)
            sum->hours_min = x.hours[a];
        if (x.hours[a] > sum->hours_max)
            sum->hours_max = x.hours[a];
        if (ro->agent_count[a] == 0)
            continue;
        any_working = 1;
        if (x.weekend[a] < sum->weekend_min)
            sum->weekend_min = x.weekend[a];
        if (x.weekend[a] > sum->weekend_max)
            sum->weekend_max = x.weekend[a];
        if (x.night[a] < sum->night_min)
            sum->night_min = x.night[a];
        if (x.night[a] > sum->night_max)
            sum->night_max = x.night[a];
    }
    if (!any_working)
        sum->weekend_min = sum->night_min = 0;
    snprintf(ro->reason, sizeof ro->reason, "break");
    ctx_free(&x);
    oq__free(&mem, order, ((size_t)ns + 1) * sizeof *order);
    oq__free(&mem, tmp, ((size_t)ns + 1) * sizeof *tmp);
    ro->mem = mem;
    sum->seconds = oq__now() - t0;
    *out = ro;
    return OQ_OK;
fail:
    ctx_free(&x);
    oq__free(&mem, order, order ? ((size_t)ns + 1) * sizeof *order : 0);
    oq__free(&mem, tmp, tmp ? ((size_t)ns + 1) * sizeof *tmp : 0);
    if (ro) {
        ro->mem = mem;
        ro->n_agents = na;
        oq_roster_destroy(ro);
    }
    return oq__error(err, st, NULL, 0, 0, "out of memory");
}

/* ---- accessors -------------------------------------------------------------------- */

oq_status oq_roster_summary_get(const oq_roster *ro, oq_roster_summary *out, oq_error *err)
{
    if (!ro)
        return oq__getter_null(err, "oq_roster_summary_get", "roster");
    return OQ__OUTPUT_PUT(out, &ro->sum, oq_roster_summary, agents, err);
}

oq_status oq_roster_agent_shift_count(const oq_roster *ro, int32_t a, int32_t *count_out)
{
    if (!ro || !count_out || a < 0 || a >= ro->n_agents)
        return OQ_EINVAL;
    *count_out = ro->agent_count[a];
    return OQ_OK;
}

oq_status oq_roster_agent_shift(const oq_roster *ro, int32_t a, int32_t k, oq_roster_shift *out,
                                oq_error *err)
{
    static const char fn[] = "oq_roster_agent_shift";
    if (!ro)
        return oq__getter_null(err, fn, "roster");
    if (a < 0 || a >= ro->n_agents)
        return oq__getter_range(err, fn, "agent", a, ro->n_agents);
    if (k < 0 || k >= ro->agent_count[a])
        return oq__getter_range(err, fn, "shift", k, ro->agent_count[a]);
    return OQ__OUTPUT_PUT(out, &ro->shifts[ro->agent_first[a] + k], oq_roster_shift, shift_row,
                          err);
}

oq_status oq_roster_agent_totals(const oq_roster *ro, int32_t a, double *hours,
                                 int32_t *weekend_shifts, int32_t *night_shifts)
{
    if (!ro || a < 0 || a >= ro->n_agents)
        return OQ_EINVAL;
    if (hours)
        *hours = ro->hours[a];
    if (weekend_shifts)
        *weekend_shifts = ro->weekend[a];
    if (night_shifts)
        *night_shifts = ro->night[a];
    return OQ_OK;
}

oq_status oq_roster_agent_windows(const oq_roster *ro, int32_t a, oq_sim_window *shifts,
                                  int32_t shift_cap, oq_sim_window *breaks, int32_t break_cap,
                                  int32_t *n_shifts, int32_t *n_breaks)
{
    if (!ro || a < 0 || a >= ro->n_agents || shift_cap < 0 || break_cap < 0 ||
        (shift_cap > 0 && !shifts) || (break_cap > 0 && !breaks))
        return OQ_EINVAL;
    int32_t ns = 0, nb = 0;
    for (int32_t k = 0; k < ro->agent_count[a]; k++) {
        size_t pos = (size_t)(ro->agent_first[a] + k);
        const oq_roster_shift *rs = &ro->shifts[pos];
        if (ns < shift_cap) {
            shifts[ns].start_s = rs->start_s;
            shifts[ns].end_s = rs->end_s;
            shifts[ns].reason = NULL;
        }
        ns++;
        for (int32_t b = 0; b < ro->brk_n[pos]; b++) {
            if (nb < break_cap) {
                breaks[nb].start_s = ro->brk[pos * 2 * SCH_MAX_BREAKS + 2 * (size_t)b];
                breaks[nb].end_s = ro->brk[pos * 2 * SCH_MAX_BREAKS + 2 * (size_t)b + 1];
                breaks[nb].reason = ro->reason;
            }
            nb++;
        }
    }
    if (n_shifts)
        *n_shifts = ns;
    if (n_breaks)
        *n_breaks = nb;
    return OQ_OK;
}

oq_status oq_roster_violation_get(const oq_roster *ro, int32_t i, oq_roster_violation *out,
                                  oq_error *err)
{
    static const char fn[] = "oq_roster_violation_get";
    if (!ro)
        return oq__getter_null(err, fn, "roster");
    if (i < 0 || i >= ro->n_viol)
        return oq__getter_range(err, fn, "violation", i, ro->n_viol);
    return OQ__OUTPUT_PUT(out, &ro->viol[i], oq_roster_violation, rule, err);
}
