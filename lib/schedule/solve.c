/* SPDX-License-Identifier: MIT */
/* oq_schedule_solve: options, checks, the choice of solver, timing. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schedule/result.h"

oq_status oq_schedule_options_init(oq_schedule_options *o)
{
    if (!o)
        return OQ_EINVAL;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->objective = OQ_SCHED_HARD;
    o->under_penalty = 10;
    o->threshold_s = 20;
    o->solver = OQ_SCHED_SOLVER_AUTO;
    o->time_limit_s = 60;
    o->gap_tolerance = 1e-6;
    o->seed = 1;
    return OQ_OK;
}

const char *oq_schedule_status_name(int32_t status)
{
    switch (status) {
    case OQ_SCHED_OPTIMAL: return "optimal";
    case OQ_SCHED_FEASIBLE: return "feasible";
    case OQ_SCHED_INFEASIBLE: return "infeasible";
    case OQ_SCHED_NO_SOLUTION: return "no_solution";
    default: return "unknown";
    }
}

static int finite_ge(double v, double lo) { return isfinite(v) && v >= lo; }

static oq_status check(const oq_schedule *s, const oq_schedule_options *o, oq_error *err)
{
#define BAD(...) return oq__error(err, OQ_EINVAL, NULL, 0, 0, __VA_ARGS__)
    if (o->objective != OQ_SCHED_HARD && o->objective != OQ_SCHED_SOFT)
        BAD("options.objective: %d is neither OQ_SCHED_HARD nor OQ_SCHED_SOFT", (int)o->objective);
    if (!finite_ge(o->under_penalty, 0) || o->under_penalty > 1e9)
        BAD("options.under_penalty: %g is not in 0..1e9", o->under_penalty);
    if (!finite_ge(o->sl_penalty, 0) || o->sl_penalty > 1e9)
        BAD("options.sl_penalty: %g is not in 0..1e9", o->sl_penalty);
    if (!finite_ge(o->over_penalty, 0) || o->over_penalty > 1e9)
        BAD("options.over_penalty: %g is not in 0..1e9", o->over_penalty);
    if (!finite_ge(o->threshold_s, 0))
        BAD("options.threshold_s: %g is not >= 0", o->threshold_s);
    if (o->objective == OQ_SCHED_SOFT && !(o->under_penalty > 0 || o->sl_penalty > 0))
        BAD("options: the soft objective needs under_penalty or sl_penalty > 0");
    if (o->objective == OQ_SCHED_SOFT && o->sl_penalty > 0 && !s->load)
        BAD("options.sl_penalty: needs the traffic (oq_schedule_set_traffic or a plan with "
            "handle times)");
    if (o->max_per_interval < 0 || o->max_agents < 0)
        BAD("options: max_per_interval and max_agents must be >= 0");
    if (o->solver < OQ_SCHED_SOLVER_AUTO || o->solver > OQ_SCHED_SOLVER_MIP)
        BAD("options.solver: %d is not an OQ_SCHED_SOLVER_* value", (int)o->solver);
    if (o->solver == OQ_SCHED_SOLVER_MIP && (!o->mip || !o->mip->solve))
        BAD("options.mip: OQ_SCHED_SOLVER_MIP needs a solver hook");
    if (!(o->time_limit_s > 0) || !isfinite(o->time_limit_s))
        BAD("options.time_limit_s: %g is not > 0", o->time_limit_s);
    if (!finite_ge(o->gap_tolerance, 0) || o->gap_tolerance >= 1)
        BAD("options.gap_tolerance: %g is not in [0, 1)", o->gap_tolerance);
    if (s->n_tpl == 0)
        BAD("the problem has no shift template");
    if (s->n_tour > 0 && s->h.days % 7 != 0)
        BAD("tours need a horizon of whole weeks; it has %d days", (int)s->h.days);
    return OQ_OK;
#undef BAD
}

oq_status oq_schedule_solve(const oq_schedule *s, const oq_schedule_options *opts,
                            oq_schedule_result **out, oq_error *err)
{
    oq_schedule_options full; /* the caller's options over the defaults: core.h, versioned structs */
    const oq_schedule_options *o = &full;
    char why[OQ__ABI_MSG];
    if (!s || !opts || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "schedule, options and out are required");
    if (OQ__OPTIONS_COPY(&full, opts, oq_schedule_options, objective, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", why);
    oq_status st = check(s, o, err);
    if (st != OQ_OK)
        return st;
    sch_solve sv;
    memset(&sv, 0, sizeof sv);
    sv.mem = s->mem;
    sv.s = s;
    sv.o = o;
    sv.err = err;
    sv.t0_wall = oq__now();
    sv.t0_cpu = oq__cpu_now();
    sv.deadline = sv.t0_wall + o->time_limit_s;
    sv.lower_bound = -HUGE_VAL;
    sv.status = OQ_SCHED_NO_SOLUTION;
    if (!oq__costs_build(s, &sv.mem, o, &sv.costs, err))
        return OQ_ENOMEM;
    const int flow = o->solver != OQ_SCHED_SOLVER_MIP && oq__flow_applies(s, o);
    const int hook = !flow && o->solver != OQ_SCHED_SOLVER_BUILTIN && o->mip && o->mip->solve;
    if (flow)
        st = oq__flow_solve(&sv);
    else if (hook)
        st = oq__mip_solve(&sv, o->mip);
    else
        st = oq__heuristic_solve(&sv);
    if (st == OQ_OK) {
        st = oq__result_from_units(s, o, &sv.costs, &sv.units, sv.status, sv.lower_bound,
                                   sv.solver, sv.message, out);
        if (st == OQ_OK) {
            (*out)->seconds = oq__now() - sv.t0_wall;
            (*out)->cpu_seconds = oq__cpu_now() - sv.t0_cpu;
        }
    }
    oq__units_free(&sv.mem, &sv.units);
    oq__costs_free(&sv.mem, s, &sv.costs);
    if (st == OQ_ENOMEM)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (st != OQ_OK && err && oq__error_get_status(err) != st)
        return oq__error(err, st, NULL, 0, 0, "%s", sv.message[0] ? sv.message : oq_status_str(st));
    return st;
}
