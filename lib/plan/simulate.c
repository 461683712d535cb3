/* SPDX-License-Identifier: MIT */
/* A roster verified by simulation: every rostered agent logged in and out
 * along its shifts and breaks, the center's traffic through the real router,
 * independent replications (one simulator run each, seed + r, so that every
 * replication's per-interval counts are kept), and service levels over any
 * span of intervals with Student t intervals across replications. */
#include <math.h>
#include <string.h>

#include "omniq/model.h"
#include "plan/internal.h"

oq_status oq_plan_sim_options_init(oq_plan_sim_options *o)
{
    if (!o)
        return OQ_EINVAL;
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->replications = 10;
    o->seed = 1;
    o->target_sl = 0.8;
    o->capacity = 100;
    return OQ_OK;
}

/* ---- the agents: roster windows as simulator windows ------------------------------ */

typedef struct agent_set {
    oq_mem *mem;
    oq_sim_agent *agents;
    const oq_roster_agent **spec;   /* the roster agent behind each */
    oq_sim_window *win;             /* every window, agents point into it */
    int32_t n, n_win;
} agent_set;

static void agent_set_free(agent_set *s, int32_t cap_agents, int32_t cap_win)
{
    oq__free(s->mem, s->agents, (size_t)cap_agents * sizeof *s->agents);
    oq__free(s->mem, (void *)s->spec, (size_t)cap_agents * sizeof *s->spec);
    oq__free(s->mem, s->win, (size_t)cap_win * sizeof *s->win);
}

/* Windows of a wrapping horizon: a window reaching past its end `h` also
 * covers [0, end - h) (the same week, one turn earlier). Returns the count
 * written (at most 2n) into out. */
static int32_t wrap_windows(const oq_sim_window *w, int32_t n, double h, int wrap, oq_sim_window *out)
{
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        out[k++] = w[i];
        if (wrap && w[i].end_s > h) {
            oq_sim_window x = w[i];
            x.start_s = w[i].start_s > h ? w[i].start_s - h : 0;
            x.end_s = w[i].end_s - h;
            out[k++] = x;
        }
    }
    return k;
}

/* Collect the sim agents of every roster. Errors name the agent. */
static oq_status collect_agents(const oq_plan_staff *staff, int32_t n_staff, double h, int wrap,
                                agent_set *s, int32_t *cap_agents, int32_t *cap_win, oq_error *err)
{
    int32_t na = 0, nw = 0;
    for (int32_t g = 0; g < n_staff; g++)
        for (int32_t a = 0; a < staff[g].n_agents; a++) {
            int32_t ns = 0, nb = 0;
            oq_status st = oq_roster_agent_windows(staff[g].roster, a, NULL, 0, NULL, 0, &ns, &nb);
            if (st != OQ_OK)
                return oq__error(err, st, NULL, 0, 0,
                                 "staff[%d]: agent %d is not an agent of the roster", (int)g, (int)a);
            na++;
            nw += 2 * (ns + nb);
        }
    *cap_agents = na;
    *cap_win = nw + 2; /* scratch for one agent's unwrapped windows at the end */
    s->agents = oq__calloc(s->mem, (size_t)na ? (size_t)na : 1, sizeof *s->agents);
    s->spec = oq__calloc(s->mem, (size_t)na ? (size_t)na : 1, sizeof *s->spec);
    s->win = oq__calloc(s->mem, (size_t)*cap_win, sizeof *s->win);
    if (!s->agents || !s->spec || !s->win)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    if (na == 0)
        *cap_agents = 1;
    oq_sim_window tmp_s[64], tmp_b[64 * 8];
    for (int32_t g = 0; g < n_staff; g++)
        for (int32_t a = 0; a < staff[g].n_agents; a++) {
            int32_t ns = 0, nb = 0;
            oq_roster_agent_windows(staff[g].roster, a, NULL, 0, NULL, 0, &ns, &nb);
            if (ns > 64 || nb > 64 * 8)
                return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                                 "agent '%s': more than 64 shifts in the horizon",
                                 staff[g].agents[a].id);
            oq_roster_agent_windows(staff[g].roster, a, tmp_s, 64, tmp_b, 64 * 8, &ns, &nb);
            oq_sim_agent *sa = &s->agents[s->n];
            oq_sim_agent_init(sa);
            sa->id = staff[g].agents[a].id;
            s->spec[s->n] = &staff[g].agents[a];
            oq_sim_window *ws = s->win + s->n_win;
            sa->n_shifts = wrap_windows(tmp_s, ns, h, wrap, ws);
            sa->shifts = ws;
            s->n_win += sa->n_shifts;
            oq_sim_window *wb = s->win + s->n_win;
            sa->n_breaks = wrap_windows(tmp_b, nb, h, wrap, wb);
            sa->breaks = wb;
            s->n_win += sa->n_breaks;
            s->n++;
        }
    return OQ_OK;
}

/* ---- the build callback: the center, then the rostered agents it lacks ------------- */

typedef struct build_ctx {
    const oq_sim_options *center;
    const agent_set *agents;
    int32_t skill_level, capacity;
    int64_t start_ms;
} build_ctx;

static oq_status build(oq_engine *e, uint64_t seed, void *user)
{
    const build_ctx *b = user;
    oq_status st = b->center->build(e, seed, b->center->build_user);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < b->agents->n; i++) {
        const oq_roster_agent *ra = b->agents->spec[i];
        oq_agent_info info = OQ_OUTPUT_INIT(oq_agent_info);
        if (oq_agent_get(e, ra->id, &info) == OQ_OK)
            continue; /* the center defines it, with its own skill levels */
        if ((st = oq_agent_add(e, ra->id, b->capacity)) != OQ_OK)
            return st;
        for (int32_t k = 0; k < ra->n_skills; k++) {
            int32_t max_level = 0;
            if (oq_skill_get(e, ra->skills[k], &max_level) != OQ_OK)
                continue; /* a roster-only qualification ("night"): not a routing skill */
            int32_t level = b->skill_level > 0 && b->skill_level < max_level ? b->skill_level
                                                                             : max_level;
            if ((st = oq_agent_set_skill(e, b->start_ms, ra->id, ra->skills[k], level)) != OQ_OK)
                return st;
        }
    }
    return OQ_OK;
}

oq_status oq__plan_center(const oq_sim_options **center, oq_sim_options *full, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!*center)
        return OQ_OK;
    if (OQ__OPTIONS_COPY(full, *center, oq_sim_options, replications, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "center: %s", why);
    *center = full;
    return OQ_OK;
}

/* ---- running ---------------------------------------------------------------------- */

/* Check the arguments, with the caller's options copied over the defaults
 * into *o (core.h: versioned structs). */
static oq_status check(const oq_sim_options *center, const oq_plan_staff *staff, int32_t n_staff,
                       const oq_plan_sim_options *opts, oq_plan_sim_options *o,
                       oq_schedule_horizon *h, oq_error *err)
{
    char why[OQ__ABI_MSG];
    if (!center || !opts || (!staff && n_staff > 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "center, staff and options are required");
    if (OQ__OPTIONS_COPY(o, opts, oq_plan_sim_options, replications, why) != OQ_OK)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options: %s", why);
    if (o->replications < 2 || o->replications > 10000)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "options.replications: %d, need 2..10000 (an interval needs two)",
                         (int)o->replications);
    if (!(o->target_sl > 0 && o->target_sl <= 1))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "options.target_sl: need (0, 1]");
    if (o->capacity < 1 || o->skill_level < 0)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "options.capacity >= 1 and options.skill_level >= 0 needed");
    if (n_staff < 1)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "n_staff: need at least one roster");
    if (!center->build)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "center.build: required");
    for (int32_t g = 0; g < n_staff; g++) {
        oq_schedule_horizon hg = OQ_OUTPUT_INIT(oq_schedule_horizon);
        if (!staff[g].result || !staff[g].roster || staff[g].n_agents < 0 ||
            (!staff[g].agents && staff[g].n_agents > 0))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "staff[%d]: result, roster and agents are required", (int)g);
        oq_status st = oq_schedule_result_horizon(staff[g].result, &hg, err);
        if (st != OQ_OK)
            return st;
        if (g == 0)
            *h = hg;
        else if (hg.first_date != h->first_date || hg.days != h->days ||
                 hg.interval_s != h->interval_s)
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "staff[%d]: its horizon differs from staff[0]'s", (int)g);
    }
    if (center->interval_s != h->interval_s)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "center.interval_s: %g s, but the rosters' intervals are %g s",
                         center->interval_s, h->interval_s);
    return OQ_OK;
}

void oq_plan_sim_destroy(oq_plan_sim *p)
{
    if (!p)
        return;
    oq_mem m = p->mem;
    size_t nc = (size_t)p->info.replications * (size_t)p->info.n_intervals * (size_t)p->n_scopes;
    oq__free(&m, p->counts, nc * sizeof *p->counts);
    oq__free(&m, (void *)p->queues, (size_t)(p->n_scopes - 1 > 0 ? p->n_scopes - 1 : 1) *
                                        sizeof *p->queues);
    oq__free(&m, p, sizeof *p);
}

/* The counts of replication r, scope k (0: total, q + 1: queue q), interval i. */
static plan_counts *counts_at(const oq_plan_sim *p, int32_t r, int32_t k, int32_t i)
{
    return &p->counts[((size_t)r * (size_t)p->info.n_intervals + (size_t)i) * (size_t)p->n_scopes +
                      (size_t)k];
}

/* One replication: a simulator of one replication with seed + r. */
static oq_status run_one(oq_plan_sim *p, const oq_sim_options *so, int32_t r, oq_error *err)
{
    oq_sim *sim = NULL;
    oq_error e = OQ_ERROR_INIT;
    oq_status st = oq_sim_create(so, &sim, &e);
    if (st != OQ_OK)
        return oq__error(err, st, NULL, 0, 0, "simulation: %s", e.message);
    if ((st = oq_sim_run(sim)) != OQ_OK) {
        oq__error(err, st == OQ_ENOMEM ? OQ_ENOMEM : OQ_ECONFIG, NULL, 0, 0, "simulation: %s",
                  oq_sim_last_error(sim));
        oq_sim_destroy(sim);
        return st == OQ_ENOMEM ? OQ_ENOMEM : OQ_ECONFIG;
    }
    int32_t nq = 0, ni = 0;
    oq_sim_scope_count(sim, OQ_SIM_QUEUE, &nq);
    oq_sim_interval_count(sim, &ni);
    if (r == 0) {
        p->n_scopes = nq + 1;
        p->info.n_queues = nq;
        p->queues = oq__calloc(&p->mem, (size_t)(nq > 0 ? nq : 1), sizeof *p->queues);
        size_t nc = (size_t)p->info.replications * (size_t)p->info.n_intervals * (size_t)p->n_scopes;
        p->counts = oq__calloc(&p->mem, nc, sizeof *p->counts);
        if (!p->queues || !p->counts) {
            oq_sim_destroy(sim);
            return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
        }
        for (int32_t q = 0; q < nq; q++)
            oq_sim_scope_id(sim, OQ_SIM_QUEUE, q, &p->queues[q]);
    }
    for (int32_t i = 0; i < p->info.n_intervals && i < ni; i++)
        for (int32_t k = 0; k < p->n_scopes; k++) {
            oq_sim_stats s = OQ_OUTPUT_INIT(oq_sim_stats);
            oq_sim_interval_stats(sim, i, k ? OQ_SIM_QUEUE : OQ_SIM_TOTAL, k ? k - 1 : 0, &s, NULL);
            plan_counts *c = counts_at(p, r, k, i);
            c->offered = s.offered;
            c->answered = s.answered;
            c->answered_in_t = s.answered_in_t;
            c->abandoned = s.abandoned;
        }
    oq_sim_destroy(sim);
    return OQ_OK;
}

oq_status oq_plan_simulate(const oq_sim_options *center, const oq_plan_staff *staff,
                           int32_t n_staff, const oq_plan_sim_options *o, oq_plan_sim **out,
                           oq_error *err)
{
    oq_schedule_horizon h;
    oq_plan_sim_options full;
    oq_sim_options center_full;
    oq_schedule_horizon_init(&h);
    oq_status st = oq__plan_center(&center, &center_full, err);
    if (st == OQ_OK)
        st = check(center, staff, n_staff, o, &full, &h, err);
    if (st != OQ_OK)
        return st;
    o = &full;
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out is NULL");
    double cpu0 = oq__cpu_now(), wall0 = oq__now();
    oq_mem mem;
    oq__mem_init(&mem, o->alloc, o->alloc_user);
    oq_plan_sim *p = oq__calloc(&mem, 1, sizeof *p);
    if (!p)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    p->mem = mem;
    p->n_scopes = 1;
    p->info.replications = o->replications;
    p->info.interval_s = h.interval_s;
    p->info.n_intervals = (int32_t)lround((double)h.days * 86400.0 / h.interval_s);
    p->info.target_sl = o->target_sl;
    p->info.first_date = h.first_date;
    agent_set set;
    memset(&set, 0, sizeof set);
    set.mem = &p->mem;
    int32_t cap_agents = 0, cap_win = 0;
    double horizon_s = (double)h.days * 86400.0;
    st = collect_agents(staff, n_staff, horizon_s, h.wrap, &set, &cap_agents, &cap_win, err);
    p->info.agents = set.n;
    build_ctx b = {center, &set, o->skill_level, o->capacity, (int64_t)h.first_date * 86400000};
    oq_sim_options so = *center;
    so.replications = 1;
    /* No replication's engine outlives run_one: their statistics (unless
     * the caller asked for them in every engine) would be counted unread. */
    if (so.engine_stats != OQ_SIM_ENGINE_STATS_ALL)
        so.engine_stats = OQ_SIM_ENGINE_STATS_NONE;
    so.duration_s = horizon_s;
    so.start_ms = b.start_ms;
    so.build = build;
    so.build_user = &b;
    so.agents = set.agents;
    so.n_agents = set.n;
    for (int32_t r = 0; st == OQ_OK && r < o->replications; r++) {
        so.seed = o->seed + (uint64_t)r;
        st = run_one(p, &so, r, err);
    }
    agent_set_free(&set, cap_agents, cap_win);
    if (st != OQ_OK) {
        oq_plan_sim_destroy(p);
        return st;
    }
    p->info.cpu_seconds = oq__cpu_now() - cpu0;
    p->info.seconds = oq__now() - wall0;
    *out = p;
    return OQ_OK;
}

/* ---- results ---------------------------------------------------------------------- */

oq_status oq_plan_sim_info_get(const oq_plan_sim *p, oq_plan_sim_info *out, oq_error *err)
{
    if (!p)
        return oq__getter_null(err, "oq_plan_sim_info_get", "sim");
    return OQ__OUTPUT_PUT(out, &p->info, oq_plan_sim_info, replications, err);
}

const char *oq_plan_sim_queue(const oq_plan_sim *p, int32_t q)
{
    return p && q >= 0 && q < p->info.n_queues ? p->queues[q] : NULL;
}

oq_status oq_plan_sim_counts(const oq_plan_sim *p, int32_t r, int32_t q, int32_t i,
                             oq_plan_counts *out, oq_error *err)
{
    if (!p)
        return oq__getter_null(err, "oq_plan_sim_counts", "sim");
    if (r < 0 || r >= p->info.replications || q < -1 || q >= p->info.n_queues || i < 0 ||
        i >= p->info.n_intervals)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "oq_plan_sim_counts: replication %d, queue %d, interval %d out of range "
                         "(%d replications, %d queues, %d intervals)",
                         (int)r, (int)q, (int)i, (int)p->info.replications, (int)p->info.n_queues,
                         (int)p->info.n_intervals);
    const plan_counts *c = counts_at(p, r, q + 1, i);
    oq_plan_counts full = OQ_OUTPUT_INIT(oq_plan_counts);
    full.offered = c->offered;
    full.answered = c->answered;
    full.answered_in_t = c->answered_in_t;
    full.abandoned = c->abandoned;
    return OQ__OUTPUT_PUT(out, &full, oq_plan_counts, offered, err);
}

oq_status oq_plan_sim_service_level(const oq_plan_sim *p, int32_t q, int32_t first, int32_t n,
                                    oq_sim_estimate *out)
{
    if (!p || !out || q < -1 || q >= p->info.n_queues || first < 0 || n < 1 ||
        n > p->info.n_intervals - first)
        return OQ_EINVAL;
    double sum = 0, sum2 = 0;
    int32_t m = 0;
    for (int32_t r = 0; r < p->info.replications; r++) {
        int64_t in_t = 0, closed = 0;
        for (int32_t i = first; i < first + n; i++) {
            const plan_counts *c = counts_at(p, r, q + 1, i);
            in_t += c->answered_in_t;
            closed += c->answered + c->abandoned;
        }
        if (closed == 0)
            continue;
        double sl = (double)in_t / (double)closed;
        sum += sl;
        sum2 += sl * sl;
        m++;
    }
    memset(out, 0, sizeof *out);
    out->n = m;
    out->mean = m ? sum / m : 0.0;
    if (m >= 2) {
        double var = (sum2 - sum * sum / m) / (m - 1);
        out->sd = var > 0 ? sqrt(var) : 0;
        out->half_width = oq_sim_t975(m - 1) * out->sd / sqrt((double)m);
    }
    out->low = out->mean - out->half_width;
    out->high = out->mean + out->half_width;
    return OQ_OK;
}
