/* SPDX-License-Identifier: MIT */
/* Simulation-based staffing: schedule, roster, simulate; raise the requirement
 * of a group by one agent where one of its queues misses the target, lower it
 * where all of them are comfortably above (never in an interval that once
 * missed: that would oscillate); keep the best iteration. The simple practical
 * form of Atlason, Epelman & Henderson (2004): their cutting planes on the
 * simulated service level become unit steps on the requirement, and the
 * schedule solver turns requirements into shifts. */
#include <string.h>

#include "plan/internal.h"

struct oq_plan {
    oq_mem mem;
    oq_plan_summary sum;
    int32_t n_groups, n_intervals, n_iter, cap_iter;
    oq_plan_iteration *iter;
    oq_plan_sim *sim;                 /* of the kept iteration */
    oq_schedule_result **result;      /* n_groups, kept */
    oq_roster **roster;               /* n_groups, kept */
    int32_t *required;                /* n_groups x n_intervals, kept */
};

oq_status oq_plan_options_init(oq_plan_options *o)
{
    if (!o)
        return OQ_EINVAL;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->max_iterations = 8;
    o->max_cpu_s = 60;
    o->margin = 0.1;
    o->sim = NULL;
    return OQ_OK;
}

static void free_kept(oq_mem *m, oq_schedule_result **res, oq_roster **ros, int32_t n)
{
    for (int32_t g = 0; res && g < n; g++)
        oq_schedule_result_destroy(res[g]);
    for (int32_t g = 0; ros && g < n; g++)
        oq_roster_destroy(ros[g]);
    oq__free(m, res, (size_t)n * sizeof *res);
    oq__free(m, ros, (size_t)n * sizeof *ros);
}

void oq_plan_destroy(oq_plan *p)
{
    if (!p)
        return;
    oq_mem m = p->mem;
    oq_plan_sim_destroy(p->sim);
    free_kept(&m, p->result, p->roster, p->n_groups);
    oq__free(&m, p->iter, (size_t)p->cap_iter * sizeof *p->iter);
    oq__free(&m, p->required, (size_t)p->n_groups * (size_t)p->n_intervals * sizeof *p->required);
    oq__free(&m, p, sizeof *p);
}

/* One iteration's schedules, rosters and simulation. */
typedef struct trial {
    oq_schedule_result **result;
    oq_roster **roster;
    oq_plan_sim *sim;
} trial;

static void trial_free(oq_mem *m, trial *t, int32_t n_groups)
{
    free_kept(m, t->result, t->roster, n_groups);
    oq_plan_sim_destroy(t->sim);
    memset(t, 0, sizeof *t);
}

static oq_status run_trial(const oq_sim_options *center, const oq_plan_group *groups, int32_t ng,
                           const oq_plan_options *o, oq_mem *m, trial *t, int32_t *unassigned,
                           oq_error *err)
{
    t->result = oq__calloc(m, (size_t)ng, sizeof *t->result);
    t->roster = oq__calloc(m, (size_t)ng, sizeof *t->roster);
    oq_plan_staff *staff = oq__calloc(m, (size_t)ng, sizeof *staff);
    if (!t->result || !t->roster || !staff) {
        oq__free(m, staff, (size_t)ng * sizeof *staff);
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    }
    oq_status st = OQ_OK;
    *unassigned = 0;
    for (int32_t g = 0; st == OQ_OK && g < ng; g++) {
        oq_schedule_options so;
        oq_roster_options ro;
        oq_schedule_options_init(&so);
        oq_roster_options_init(&ro);
        const oq_plan_group *gr = &groups[g];
        st = oq_schedule_solve(gr->problem, gr->schedule ? gr->schedule : &so, &t->result[g], err);
        if (st != OQ_OK)
            break;
        oq_schedule_summary ss = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(t->result[g], &ss, NULL);
        if (ss.status == OQ_SCHED_INFEASIBLE || ss.status == OQ_SCHED_NO_SOLUTION) {
            st = oq__error(err, OQ_ESTATE, NULL, 0, 0, "group '%s': the schedule is %s: %s",
                           gr->name, oq_schedule_status_name(ss.status),
                           oq_schedule_result_message(t->result[g]));
            break;
        }
        st = oq_roster_build(t->result[g], gr->agents, gr->n_agents, gr->roster ? gr->roster : &ro,
                             &t->roster[g], err);
        if (st != OQ_OK)
            break;
        oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
        oq_roster_summary_get(t->roster[g], &rs, NULL);
        *unassigned += rs.unassigned;
        staff[g].result = t->result[g];
        staff[g].roster = t->roster[g];
        staff[g].agents = gr->agents;
        staff[g].n_agents = gr->n_agents;
    }
    if (st == OQ_OK)
        st = oq_plan_simulate(center, staff, ng, o->sim, &t->sim, err);
    oq__free(m, staff, (size_t)ng * sizeof *staff);
    return st;
}

/* Index of a stream queue in the simulation result, -1 if none. */
static int32_t queue_index(const oq_plan_sim *sim, const char *id)
{
    for (int32_t q = 0; q < sim->info.n_queues; q++)
        if (strcmp(sim->queues[q], id) == 0)
            return q;
    return -1;
}

/* Pairs (queue, interval) below target; below[q * ni + i] marks them. */
static int32_t count_missed(const oq_plan_sim *sim, double target, uint8_t *below)
{
    int32_t missed = 0, ni = sim->info.n_intervals;
    for (int32_t q = 0; q < sim->info.n_queues; q++)
        for (int32_t i = 0; i < ni; i++) {
            oq_sim_estimate e;
            oq_plan_sim_service_level(sim, q, i, 1, &e);
            int b = e.n > 0 && e.mean < target;
            below[(size_t)q * (size_t)ni + (size_t)i] = (uint8_t)b;
            missed += b;
        }
    return missed;
}

static double paid_hours(trial *t, int32_t ng)
{
    double h = 0;
    for (int32_t g = 0; g < ng; g++) {
        oq_schedule_summary s = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(t->result[g], &s, NULL);
        h += s.paid_hours;
    }
    return h;
}

/* Check the arguments, with the caller's options copied over the defaults
 * into *o (core.h: versioned structs). */
static oq_status check_groups(const oq_sim_options *center, const oq_plan_group *groups, int32_t ng,
                              const oq_plan_options *opts, oq_plan_options *o,
                              oq_plan_sim_options *sim, int32_t *ni, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!center || !groups || ng < 1 || !opts)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "center, groups (>= 1) and options are required");
    if (OQ__OPTIONS_COPY(o, opts, oq_plan_options, max_iterations, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", why);
    /* The simulation options, over their defaults, into *sim; o->sim then
     * points there for the rest of the call. */
    if (!o->sim)
        oq_plan_sim_options_init(sim);
    else if (OQ__OPTIONS_COPY(sim, o->sim, oq_plan_sim_options, replications, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options.sim: %s", why);
    o->sim = sim;
    if (o->max_iterations < 0 || o->max_iterations > 1000 || !(o->max_cpu_s > 0) || !(o->margin >= 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "options: max_iterations 0..1000, max_cpu_s > 0 and margin >= 0 needed");
    for (int32_t g = 0; g < ng; g++) {
        const oq_plan_group *gr = &groups[g];
        if (!gr->name || !gr->problem || !gr->agents || gr->n_agents < 1 || gr->n_queues < 1 ||
            !gr->queues)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "groups[%d]: name, problem, agents (>= 1) and queues (>= 1) are required",
                             (int)g);
        int32_t n = oq_schedule_interval_count(gr->problem);
        if (g == 0)
            *ni = n;
        else if (n != *ni)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "groups[%d] ('%s'): %d intervals, groups[0] has %d", (int)g, gr->name,
                             (int)n, (int)*ni);
        for (int32_t k = 0; k < gr->n_queues; k++) {
            int found = 0;
            for (int32_t s = 0; s < center->n_streams && !found; s++)
                found = gr->queues[k] && center->streams[s].queue &&
                        strcmp(center->streams[s].queue, gr->queues[k]) == 0;
            if (!found)
                return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                                 "groups[%d] ('%s').queues[%d]: '%s' is the queue of no stream",
                                 (int)g, gr->name, (int)k, gr->queues[k] ? gr->queues[k] : "(null)");
        }
    }
    return OQ_OK;
}

/* Set (or restore) every group's requirement from req. */
static void set_required(const oq_plan_group *groups, int32_t ng, int32_t ni, const int32_t *req)
{
    for (int32_t g = 0; g < ng; g++)
        oq_schedule_set_required(groups[g].problem, 0, ni, req + (size_t)g * (size_t)ni, NULL);
}

/* Adjust the requirements after a trial; returns the agent-intervals added and removed.
 * Removing happens only once a trial meets the target everywhere (remove_ok),
 * and only where the whole 95% interval of every queue of the group lies at or
 * above target + margin: removing while intervals still miss throws away the
 * agents the neighbours need, and a point estimate above the margin is often
 * noise. */
static void adjust(const oq_plan_group *groups, int32_t ng, int32_t ni, const oq_plan_sim *sim,
                   double target, double margin, int remove_ok, const uint8_t *below,
                   uint8_t *tabu, int32_t *req, int32_t *added, int32_t *removed)
{
    *added = *removed = 0;
    for (int32_t g = 0; g < ng; g++) {
        int32_t *r = req + (size_t)g * (size_t)ni;
        uint8_t *tb = tabu + (size_t)g * (size_t)ni;
        for (int32_t i = 0; i < ni; i++) {
            int miss = 0, high = 1, any = 0;
            for (int32_t k = 0; k < groups[g].n_queues; k++) {
                int32_t q = queue_index(sim, groups[g].queues[k]);
                if (q < 0)
                    continue;
                oq_sim_estimate e;
                oq_plan_sim_service_level(sim, q, i, 1, &e);
                if (e.n == 0)
                    continue;
                any = 1;
                miss |= below[(size_t)q * (size_t)ni + (size_t)i];
                high &= e.low >= target + margin;
            }
            if (miss) {
                r[i]++;
                tb[i] = 1;
                (*added)++;
            } else if (remove_ok && any && high && !tb[i] && r[i] > 0) {
                r[i]--;
                (*removed)++;
            }
        }
    }
}

oq_status oq_plan_run(const oq_sim_options *center, const oq_plan_group *groups, int32_t ng,
                        const oq_plan_options *o, oq_plan **out, oq_error *err)
{
    int32_t ni = 0;
    oq_plan_options full;
    oq_plan_sim_options sim_full;
    oq_sim_options center_full;
    oq_status st = oq__plan_center(&center, &center_full, err);
    if (st == OQ_OK)
        st = check_groups(center, groups, ng, o, &full, &sim_full, &ni, err);
    if (st != OQ_OK)
        return st;
    o = &full;
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out is NULL");
    double cpu0 = oq__cpu_now(), wall0 = oq__now();
    oq_mem mem;
    oq__mem_init(&mem, o->sim->alloc, o->sim->alloc_user);
    oq_plan *p = oq__calloc(&mem, 1, sizeof *p);
    if (!p)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    p->mem = mem;
    p->n_groups = ng;
    p->n_intervals = ni;
    size_t nreq = (size_t)ng * (size_t)ni;
    int32_t *orig = oq__calloc(&p->mem, nreq, sizeof *orig);
    int32_t *req = oq__calloc(&p->mem, nreq, sizeof *req);
    uint8_t *tabu = oq__calloc(&p->mem, nreq, 1);
    p->required = oq__calloc(&p->mem, nreq, sizeof *p->required);
    if (!orig || !req || !tabu || !p->required)
        st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    int have_orig = st == OQ_OK; /* only then may the problems be changed (and restored) */
    for (int32_t g = 0; have_orig && g < ng; g++)
        oq_schedule_get_required(groups[g].problem, orig + (size_t)g * (size_t)ni, ni);
    if (have_orig)
        memcpy(req, orig, nreq * sizeof *req);
    uint8_t *below = NULL;
    size_t nbelow = 0;
    int32_t best_missed = -1;
    int converged = 0;
    double best_hours = 0;
    for (int32_t it = 0; st == OQ_OK && it <= o->max_iterations; it++) {
        double c0 = oq__cpu_now();
        set_required(groups, ng, ni, req);
        trial t;
        memset(&t, 0, sizeof t);
        int32_t unassigned = 0;
        st = run_trial(center, groups, ng, o, &p->mem, &t, &unassigned, err);
        if (st != OQ_OK) {
            trial_free(&p->mem, &t, ng);
            break;
        }
        if (!below) {
            nbelow = (size_t)(t.sim->info.n_queues > 0 ? t.sim->info.n_queues : 1) * (size_t)ni;
            below = oq__calloc(&p->mem, nbelow, 1);
            if (!below) {
                trial_free(&p->mem, &t, ng);
                st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        if (!oq__grow(&p->mem, (void **)&p->iter, &p->cap_iter, p->n_iter + 1, sizeof *p->iter)) {
            trial_free(&p->mem, &t, ng);
            st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        oq_plan_iteration *rec = &p->iter[p->n_iter++];
        memset(rec, 0, sizeof *rec);
        rec->missed = count_missed(t.sim, o->sim->target_sl, below);
        rec->paid_hours = paid_hours(&t, ng);
        rec->unassigned = unassigned;
        oq_sim_estimate all;
        oq_plan_sim_service_level(t.sim, -1, 0, ni, &all);
        rec->service_level = all.mean;
        if (it == 0) {
            p->sum.first_missed = rec->missed;
            p->sum.first_paid_hours = rec->paid_hours;
        }
        int better = best_missed < 0 || rec->missed < best_missed ||
                     (rec->missed == best_missed && rec->paid_hours < best_hours);
        if (better) { /* keep this one */
            oq_plan_sim_destroy(p->sim);
            free_kept(&p->mem, p->result, p->roster, p->result ? ng : 0);
            p->sim = t.sim;
            p->result = t.result;
            p->roster = t.roster;
            memcpy(p->required, req, nreq * sizeof *req);
            p->sum.best = it;
            best_missed = rec->missed;
            best_hours = rec->paid_hours;
        }
        if (it < o->max_iterations)
            adjust(groups, ng, ni, t.sim, o->sim->target_sl, o->margin, rec->missed == 0, below,
                   tabu, req, &rec->added, &rec->removed);
        if (!better)
            trial_free(&p->mem, &t, ng);
        rec->cpu_seconds = oq__cpu_now() - c0;
        /* done: met and nothing left to remove, or the budget is spent */
        converged = rec->added == 0 && rec->removed == 0 && it < o->max_iterations;
        if (converged || oq__cpu_now() - cpu0 >= o->max_cpu_s)
            break;
    }
    if (have_orig)
        set_required(groups, ng, ni, orig); /* the caller's problems as they were */
    oq__free(&p->mem, orig, nreq * sizeof *orig);
    oq__free(&p->mem, req, nreq * sizeof *req);
    oq__free(&p->mem, tabu, nreq);
    oq__free(&p->mem, below, nbelow);
    if (st != OQ_OK) {
        oq_plan_destroy(p);
        return st;
    }
    p->sum.iterations = p->n_iter;
    p->sum.missed = best_missed;
    p->sum.met = best_missed == 0;
    p->sum.n_groups = ng;
    p->sum.paid_hours = best_hours;
    p->sum.budget_spent = !converged;
    p->sum.cpu_seconds = oq__cpu_now() - cpu0;
    p->sum.seconds = oq__now() - wall0;
    *out = p;
    return OQ_OK;
}

oq_status oq_plan_summary_get(const oq_plan *p, oq_plan_summary *out, oq_error *err)
{
    if (!p)
        return oq__getter_null(err, "oq_plan_summary_get", "plan");
    return OQ__OUTPUT_PUT(out, &p->sum, oq_plan_summary, iterations, err);
}

oq_status oq_plan_iteration_get(const oq_plan *p, int32_t index, oq_plan_iteration *out,
                                oq_error *err)
{
    if (!p)
        return oq__getter_null(err, "oq_plan_iteration_get", "plan");
    if (index < 0 || index >= p->n_iter)
        return oq__getter_range(err, "oq_plan_iteration_get", "iteration", index, p->n_iter);
    return OQ__OUTPUT_PUT(out, &p->iter[index], oq_plan_iteration, missed, err);
}

const oq_plan_sim *oq_plan_simulation(const oq_plan *p) { return p ? p->sim : NULL; }

const oq_schedule_result *oq_plan_schedule(const oq_plan *p, int32_t g)
{
    return p && g >= 0 && g < p->n_groups ? p->result[g] : NULL;
}

const oq_roster *oq_plan_roster(const oq_plan *p, int32_t g)
{
    return p && g >= 0 && g < p->n_groups ? p->roster[g] : NULL;
}

oq_status oq_plan_required(const oq_plan *p, int32_t g, int32_t *required, int32_t n)
{
    if (!p || !required || g < 0 || g >= p->n_groups || n != p->n_intervals)
        return OQ_EINVAL;
    memcpy(required, p->required + (size_t)g * (size_t)n, (size_t)n * sizeof *required);
    return OQ_OK;
}
