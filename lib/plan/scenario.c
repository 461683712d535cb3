/* SPDX-License-Identifier: MIT */
/* Plan files (docs/config.md, "Plan files"): the chain a planner runs —
 * history CSV -> forecast per queue -> staffing per interval (Erlang C, A or
 * chat) per group -> shifts -> roster -> simulation of the horizon through the
 * router (oq_plan_run). Everything that can be wrong is found at load, with
 * the file, line and column of the plan file or of the file it names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "omniq/forecast.h"
#include "omniq/scenario.h"
#include "omniq/model.h"
#include "plan/internal.h"

#define MAX_GROUPS 64
#define MAX_GROUP_QUEUES 32

typedef struct plan_queue {
    const char *id;             /* the stream's queue (owned by the center) */
    double *volumes;            /* forecast, n_intervals */
    double *aht;                /* handle time staffed (history's, else the stream's) + wrap-up */
} plan_queue;

typedef struct plan_group {
    char *name;
    oq_schedule *problem;
    oq_roster_agents *agents;
    oq_roster_options roster;
    int32_t n_queues, sessions;
    const char *queues[MAX_GROUP_QUEUES]; /* ids owned by the center */
    int32_t *required;          /* the staffing requirement, n_intervals */
} plan_group;

struct oq_plan_scenario {
    oq_mem mem;
    oq_plan_scenario_info info;
    oq_scenario *center;
    oq_sim_options sim;
    oq_sim_stream *streams;
    oq_calendar *calendar;
    oq_schedule_options sched;
    oq_plan_options opts;       /* opts.sim points to sim_opts */
    oq_plan_sim_options sim_opts;
    plan_queue *queues;
    plan_group groups[MAX_GROUPS];
    char *method;               /* the forecast method auto chose (first queue) */
};

oq_status oq_plan_scenario_info_get(const oq_plan_scenario *sc, oq_plan_scenario_info *out,
                                    oq_error *err)
{
    if (!sc)
        return oq__getter_null(err, "oq_plan_scenario_info_get", "scenario");
    return OQ__OUTPUT_PUT(out, &sc->info, oq_plan_scenario_info, first_date, err);
}

const char *oq_plan_scenario_queue(const oq_plan_scenario *sc, int32_t q)
{
    return sc && q >= 0 && q < sc->info.n_queues ? sc->queues[q].id : NULL;
}

const char *oq_plan_scenario_group(const oq_plan_scenario *sc, int32_t g)
{
    return sc && g >= 0 && g < sc->info.n_groups ? sc->groups[g].name : NULL;
}

oq_status oq_plan_scenario_forecast(const oq_plan_scenario *sc, int32_t q, double *volumes,
                                    int32_t n)
{
    if (!sc || !volumes || q < 0 || q >= sc->info.n_queues || n != sc->info.n_intervals)
        return OQ_EINVAL;
    memcpy(volumes, sc->queues[q].volumes, (size_t)n * sizeof *volumes);
    return OQ_OK;
}

oq_status oq_plan_scenario_required(const oq_plan_scenario *sc, int32_t g, int32_t *required,
                                    int32_t n)
{
    if (!sc || !required || g < 0 || g >= sc->info.n_groups || n != sc->info.n_intervals)
        return OQ_EINVAL;
    memcpy(required, sc->groups[g].required, (size_t)n * sizeof *required);
    return OQ_OK;
}

void oq_plan_scenario_destroy(oq_plan_scenario *sc)
{
    if (!sc)
        return;
    oq_mem m = sc->mem;
    size_t n = (size_t)sc->info.n_intervals;
    for (int32_t q = 0; sc->queues && q < sc->info.n_queues; q++) {
        oq__free(&m, sc->queues[q].volumes, n * sizeof(double));
        oq__free(&m, sc->queues[q].aht, n * sizeof(double));
    }
    oq__free(&m, sc->queues, (size_t)sc->info.n_queues * sizeof *sc->queues);
    for (int32_t g = 0; g < MAX_GROUPS; g++) {
        plan_group *gr = &sc->groups[g];
        oq__strfree(&m, gr->name);
        oq_schedule_destroy(gr->problem);
        oq_roster_agents_destroy(gr->agents);
        oq__free(&m, gr->required, n * sizeof *gr->required);
    }
    oq__free(&m, sc->streams, (size_t)sc->sim.n_streams * sizeof *sc->streams);
    oq__strfree(&m, sc->method);
    oq_calendar_destroy(sc->calendar);
    oq_scenario_free(sc->center);
    oq__free(&m, sc, sizeof *sc);
}

/* ---- reading -------------------------------------------------------------------------- */

static const char *const ROOT_KEYS[] = {"center", "history", "calendar", "calendar_id", "shifts",
                                        "groups", "forecast", "service", "simulation", "loop",
                                        "schedule", NULL};
static const char *const GROUP_KEYS[] = {"name", "queues", "agents", "shifts", "sessions", NULL};
static const char *const FORECAST_KEYS[] = {"method", "days", "ha_weeks", NULL};
static const char *const SERVICE_KEYS[] = {"threshold", "target", "patience", "shrinkage",
                                           "max_occupancy", NULL};
static const char *const SIM_KEYS[] = {"replications", "seed", NULL};
static const char *const LOOP_KEYS[] = {"iterations", "cpu_seconds", "margin", NULL};
static const char *const SCHEDULE_KEYS[] = {"time_limit", NULL};

#define KEY(k, read) if ((v = oq__cfg_get(n, k)) != NULL && !(read)) return 0;

/* A path named in the plan file, relative to the plan file's folder. */
static int file_path(cfg_ctx *c, const cfg_node *n, const char *plan_path, char *out, size_t size)
{
    const char *s;
    if (!oq__cfg_string(c, n, &s))
        return 0;
    const char *slash = strrchr(plan_path, '/');
    int len = s[0] == '/' || !slash ? snprintf(out, size, "%s", s)
                                    : snprintf(out, size, "%.*s/%s", (int)(slash - plan_path),
                                               plan_path, s);
    if (len < 0 || (size_t)len >= size)
        return oq__cfg_fail(c, n, "the path is too long");
    return 1;
}

/* An error of another loader (its message has its own file:line:col), blamed on node. */
static int fail_from(cfg_ctx *c, const cfg_node *n, const oq_error *e, oq_status st)
{
    if (st == OQ_ENOMEM)
        return oq__cfg_nomem(c);
    return oq__cfg_fail(c, n, "%s", e->message[0] ? e->message : oq_status_str(st));
}

static int read_options(cfg_ctx *c, const cfg_node *root, oq_plan_scenario *sc,
                        oq_forecast_options *fo, oq_staffing_options *so, int32_t *days)
{
    const cfg_node *n, *v;
    if ((n = oq__cfg_get(root, "forecast")) != NULL) {
        size_t p = oq__cfg_push_key(c, "forecast");
        if (!oq__cfg_check_map(c, n, FORECAST_KEYS, 1))
            return 0;
        if ((v = oq__cfg_get(n, "method")) != NULL) {
            const char *m;
            if (!oq__cfg_string(c, v, &m))
                return 0;
            if (oq_forecast_method_parse(m, &fo->method) != OQ_OK)
                return oq__cfg_fail(c, v, "'%s' is not auto, seasonal-naive, ha, ewha, day-level "
                                          "or holt-winters", m);
        }
        KEY("days", oq__cfg_int(c, v, 1, 366, days))
        KEY("ha_weeks", oq__cfg_int(c, v, 1, 520, &fo->ha_weeks))
        oq__cfg_pop(c, p);
    }
    if ((n = oq__cfg_get(root, "service")) != NULL) {
        size_t p = oq__cfg_push_key(c, "service");
        if (!oq__cfg_check_map(c, n, SERVICE_KEYS, 1))
            return 0;
        KEY("threshold", oq__cfg_seconds(c, v, &so->threshold_s))
        if ((v = oq__cfg_get(n, "target")) != NULL &&
            (!oq__cfg_fraction(c, v, &so->target_sl) || !(so->target_sl > 0 && so->target_sl < 1)))
            return c->status != OQ_OK ? 0 : oq__cfg_fail(c, v, "the target is a share in (0, 1)");
        KEY("patience", oq__cfg_seconds(c, v, &so->patience_s))
        KEY("shrinkage", oq__cfg_number(c, v, 0, 0.95, &so->shrinkage))
        KEY("max_occupancy", oq__cfg_number(c, v, 0.01, 1, &so->max_occupancy))
        oq__cfg_pop(c, p);
    }
    oq_plan_options *o = &sc->opts;
    o->max_iterations = 0; /* a plan file verifies unless it asks for the loop */
    if ((n = oq__cfg_get(root, "simulation")) != NULL) {
        size_t p = oq__cfg_push_key(c, "simulation");
        if (!oq__cfg_check_map(c, n, SIM_KEYS, 1))
            return 0;
        KEY("replications", oq__cfg_int(c, v, 2, 10000, &sc->sim_opts.replications))
        KEY("seed", oq__cfg_u64(c, v, &sc->sim_opts.seed))
        oq__cfg_pop(c, p);
    }
    if ((n = oq__cfg_get(root, "loop")) != NULL) {
        size_t p = oq__cfg_push_key(c, "loop");
        if (!oq__cfg_check_map(c, n, LOOP_KEYS, 1))
            return 0;
        KEY("iterations", oq__cfg_int(c, v, 0, 1000, &o->max_iterations))
        KEY("cpu_seconds", oq__cfg_number(c, v, 0.001, 1e9, &o->max_cpu_s))
        KEY("margin", oq__cfg_number(c, v, 0, 1, &o->margin))
        oq__cfg_pop(c, p);
    }
    if ((n = oq__cfg_get(root, "schedule")) != NULL) {
        size_t p = oq__cfg_push_key(c, "schedule");
        if (!oq__cfg_check_map(c, n, SCHEDULE_KEYS, 1))
            return 0;
        KEY("time_limit", oq__cfg_number(c, v, 0.001, 3600, &sc->sched.time_limit_s))
        oq__cfg_pop(c, p);
    }
    sc->sim_opts.target_sl = so->target_sl;
    return 1;
}

/* The center: a scenario whose streams (one per queue) get the forecast. */
static int read_center(cfg_ctx *c, const cfg_node *n, const char *plan_path, oq_plan_scenario *sc)
{
    char path[1024];
    if (!file_path(c, n, plan_path, path, sizeof path))
        return 0;
    oq_error e = OQ_ERROR_INIT;
    oq_status st = oq_scenario_load_file(path, &sc->center, &e);
    if (st != OQ_OK)
        return fail_from(c, n, &e, st);
    sc->sim.struct_size = sizeof sc->sim;
    oq_scenario_options(sc->center, &sc->sim, NULL);
    sc->streams = oq__calloc(&sc->mem, (size_t)sc->sim.n_streams, sizeof *sc->streams);
    if (!sc->streams)
        return oq__cfg_nomem(c);
    memcpy(sc->streams, sc->sim.streams, (size_t)sc->sim.n_streams * sizeof *sc->streams);
    for (int32_t i = 0; i < sc->sim.n_streams; i++)
        for (int32_t k = 0; k < i; k++)
            if (strcmp(sc->streams[i].queue, sc->streams[k].queue) == 0)
                return oq__cfg_fail(c, n, "%s: streams %d and %d both carry queue '%s': a plan "
                                          "forecasts one stream per queue", path, (int)k, (int)i,
                                    sc->streams[i].queue);
    return 1;
}

/* Forecast every stream's queue from the history; the horizon starts the day
 * after the last day any queue has. */
static int forecast_queues(cfg_ctx *c, const cfg_node *n, const char *plan_path,
                           oq_plan_scenario *sc, const oq_forecast_options *fo, int32_t days)
{
    char path[1024];
    if (!file_path(c, n, plan_path, path, sizeof path))
        return 0;
    int32_t nq = sc->sim.n_streams;
    oq_volume_series *series[256];
    if (nq > 256)
        return oq__cfg_fail(c, n, "at most 256 queues");
    memset(series, 0, sizeof series);
    int ok = 1;
    oq_error e = OQ_ERROR_INIT;
    int32_t last = INT32_MIN, interval = 0;
    for (int32_t q = 0; ok && q < nq; q++) {
        oq_status st = oq_volume_series_load_csv(path, sc->streams[q].queue, 0, NULL, NULL,
                                                 &series[q], &e);
        if (st == OQ_OK) {
            oq_volume_series_info vi = OQ_OUTPUT_INIT(oq_volume_series_info);
            oq_volume_series_info_get(series[q], &vi, NULL);
            if (interval && vi.interval_s != interval)
                ok = oq__cfg_fail(c, n, "%s: queue '%s' has %d-second intervals, the others %d",
                                  path, sc->streams[q].queue, (int)vi.interval_s, (int)interval);
            interval = vi.interval_s;
            last = vi.last_date > last ? vi.last_date : last;
        } else {
            ok = fail_from(c, n, &e, st);
        }
    }
    if (ok && (double)interval != sc->sim.interval_s)
        ok = oq__cfg_fail(c, n, "%s has %d-second intervals, the center's simulation %g", path,
                          (int)interval, sc->sim.interval_s);
    int32_t pd = interval > 0 ? 86400 / interval : 0, ni = days * pd;
    sc->info.first_date = last + 1;
    sc->info.days = days;
    sc->info.interval_s = interval;
    sc->info.n_intervals = ok ? ni : 0;
    sc->info.n_queues = ok ? nq : 0;
    if (ok) {
        sc->queues = oq__calloc(&sc->mem, (size_t)nq, sizeof *sc->queues);
        ok = sc->queues ? 1 : oq__cfg_nomem(c);
    }
    oq_forecast_row *rows = ok ? oq__calloc(&sc->mem, (size_t)ni, sizeof *rows) : NULL;
    if (ok && !rows)
        ok = oq__cfg_nomem(c);
    oq_engine *e_tmp = NULL; /* for the queues' wrap-up */
    if (ok && (oq_engine_create(NULL, &e_tmp) != OQ_OK || oq_scenario_build(e_tmp, sc->center) != OQ_OK))
        ok = oq__cfg_nomem(c);
    for (int32_t q = 0; ok && q < nq; q++) {
        plan_queue *pq = &sc->queues[q];
        pq->id = sc->streams[q].queue;
        pq->volumes = oq__calloc(&sc->mem, (size_t)ni, sizeof(double));
        pq->aht = oq__calloc(&sc->mem, (size_t)ni, sizeof(double));
        if (!pq->volumes || !pq->aht) {
            ok = oq__cfg_nomem(c);
            break;
        }
        oq_forecast_info fi = OQ_OUTPUT_INIT(oq_forecast_info);
        oq_status st = oq_forecast_run(series[q], sc->info.first_date, days, fo, rows, ni, &fi, &e);
        if (st != OQ_OK) {
            ok = fail_from(c, n, &e, st);
            break;
        }
        if (q == 0 && !sc->method) {
            const char *m = oq_forecast_method_name(fi.method);
            sc->method = oq__strndup(&sc->mem, m, strlen(m));
        }
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        double wrap = oq_queue_get_spec(e_tmp, pq->id, &qs) == OQ_OK ? qs.wrapup_s : 0;
        for (int32_t i = 0; i < ni; i++) {
            pq->volumes[i] = rows[i].volume;
            pq->aht[i] = (rows[i].aht_s > 0 ? rows[i].aht_s : sc->streams[q].handle.mean) + wrap;
        }
        sc->streams[q].volumes = pq->volumes;
        sc->streams[q].n_volumes = ni;
    }
    oq_engine_destroy(e_tmp);
    oq__free(&sc->mem, rows, (size_t)ni * sizeof *rows);
    for (int32_t q = 0; q < nq; q++)
        oq_volume_series_destroy(series[q]);
    sc->sim.streams = sc->streams;
    return ok;
}

/* The group's requirement per interval from its queues' forecast. */
static int staff_group(cfg_ctx *c, const cfg_node *n, oq_plan_scenario *sc, plan_group *gr,
                       const oq_staffing_options *so)
{
    int32_t ni = sc->info.n_intervals;
    double *contacts = oq__calloc(&sc->mem, (size_t)ni, sizeof(double));
    double *aht = oq__calloc(&sc->mem, (size_t)ni, sizeof(double));
    oq_plan_interval *rows = oq__calloc(&sc->mem, (size_t)ni, sizeof *rows);
    gr->required = oq__calloc(&sc->mem, (size_t)ni, sizeof *gr->required);
    int ok = contacts && aht && rows && gr->required ? 1 : oq__cfg_nomem(c);
    for (int32_t i = 0; ok && i < ni; i++) {
        double work = 0;
        for (int32_t k = 0; k < gr->n_queues; k++)
            for (int32_t q = 0; q < sc->info.n_queues; q++)
                if (strcmp(sc->queues[q].id, gr->queues[k]) == 0) {
                    contacts[i] += sc->queues[q].volumes[i];
                    work += sc->queues[q].volumes[i] * sc->queues[q].aht[i];
                }
        aht[i] = contacts[i] > 0 ? work / contacts[i] : 1;
    }
    oq_plan_totals tot = OQ_OUTPUT_INIT(oq_plan_totals);
    if (ok && gr->sessions <= 1) {
        oq_error why = OQ_ERROR_INIT;
        oq_status st = oq_erlang_plan(contacts, aht, ni, sc->info.interval_s, so, rows, &tot, &why);
        if (st != OQ_OK)
            ok = oq__cfg_fail(c, n, "staffing: %s", why.message);
    } else if (ok) { /* chat: every session of an agent as fast as one alone (conservative) */
        double s_aht[64];
        for (int32_t i = 0; ok && i < ni; i++) {
            rows[i].load = contacts[i] * aht[i] / sc->info.interval_s;
            if (contacts[i] <= 0)
                continue;
            for (int32_t k = 0; k < gr->sessions; k++)
                s_aht[k] = aht[i];
            if (oq_erlang_chat_agents(rows[i].load, gr->sessions, s_aht, so->threshold_s,
                                      so->target_sl, &rows[i].required) != OQ_OK ||
                oq_erlang_scheduled(rows[i].required, so->shrinkage, &rows[i].scheduled) != OQ_OK)
                ok = oq__cfg_fail(c, n, "staffing (chat): no staffing meets the target");
        }
    }
    for (int32_t i = 0; ok && i < ni; i++)
        gr->required[i] = rows[i].scheduled;
    oq_error e = OQ_ERROR_INIT;
    if (ok) {
        oq_status st = oq_schedule_set_required(gr->problem, 0, ni, gr->required, &e);
        if (st != OQ_OK)
            ok = fail_from(c, n, &e, st);
    }
    oq__free(&sc->mem, contacts, (size_t)ni * sizeof(double));
    oq__free(&sc->mem, aht, (size_t)ni * sizeof(double));
    oq__free(&sc->mem, rows, (size_t)ni * sizeof *rows);
    return ok;
}

static int read_group(cfg_ctx *c, const cfg_node *n, const char *plan_path, const cfg_node *shifts0,
                      oq_plan_scenario *sc, plan_group *gr, const oq_staffing_options *so)
{
    const cfg_node *v;
    if (!oq__cfg_check_map(c, n, GROUP_KEYS, 0))
        return 0;
    const char *name;
    if (!(v = oq__cfg_get(n, "name")))
        return oq__cfg_fail(c, n, "a group needs a name");
    if (!oq__cfg_id(c, v, &name))
        return 0;
    for (int32_t g = 0; g < sc->info.n_groups; g++)
        if (strcmp(sc->groups[g].name, name) == 0)
            return oq__cfg_fail(c, v, "group '%s' is defined twice", name);
    if (!(gr->name = oq__strndup(&sc->mem, name, strlen(name))))
        return oq__cfg_nomem(c);
    /* queues: each a stream's queue */
    if (!(v = oq__cfg_get(n, "queues")) || !oq__cfg_is_seq(v) || v->n < 1 || v->n > MAX_GROUP_QUEUES)
        return oq__cfg_fail(c, v ? v : n, "queues: a list of 1 to %d queues", MAX_GROUP_QUEUES);
    for (int32_t k = 0; k < v->n; k++) {
        const char *q;
        if (!oq__cfg_id(c, v->kids[k], &q))
            return 0;
        int32_t found = -1;
        for (int32_t i = 0; i < sc->info.n_queues && found < 0; i++)
            if (strcmp(sc->queues[i].id, q) == 0)
                found = i;
        if (found < 0)
            return oq__cfg_fail(c, v->kids[k], "'%s' is the queue of no stream of the center", q);
        gr->queues[gr->n_queues++] = sc->queues[found].id;
    }
    gr->sessions = 1;
    if ((v = oq__cfg_get(n, "sessions")) && !oq__cfg_int(c, v, 1, 64, &gr->sessions))
        return 0;
    /* the schedule problem over the forecast's horizon, with the group's shifts */
    oq_schedule_horizon h;
    oq_schedule_horizon_init(&h);
    h.first_date = sc->info.first_date;
    h.days = sc->info.days;
    h.interval_s = sc->info.interval_s;
    oq_error e = OQ_ERROR_INIT;
    oq_status st = oq_schedule_create(&h, &gr->problem, &e);
    if (st != OQ_OK)
        return fail_from(c, n, &e, st);
    const cfg_node *sn = oq__cfg_get(n, "shifts") ? oq__cfg_get(n, "shifts") : shifts0;
    if (!sn)
        return oq__cfg_fail(c, n, "no shifts: give the group or the plan a shift file");
    char path[1024];
    if (!file_path(c, sn, plan_path, path, sizeof path))
        return 0;
    if ((st = oq_schedule_load_shifts(gr->problem, path, &e)) != OQ_OK)
        return fail_from(c, sn, &e, st);
    if (!(v = oq__cfg_get(n, "agents")))
        return oq__cfg_fail(c, n, "a group needs an agents file");
    if (!file_path(c, v, plan_path, path, sizeof path))
        return 0;
    if ((st = oq_roster_agents_load(path, &h, &gr->agents, &e)) != OQ_OK)
        return fail_from(c, v, &e, st);
    int32_t count = 0;
    oq_roster_agents_list(gr->agents, &count);
    if (count < 1)
        return oq__cfg_fail(c, v, "%s: no agents", path);
    gr->roster.struct_size = sizeof gr->roster;
    oq_roster_agents_options(gr->agents, &gr->roster, NULL);
    return staff_group(c, n, sc, gr, so);
}

static int read_plan(cfg_ctx *c, const cfg_node *root, const char *plan_path, oq_plan_scenario *sc)
{
    if (!root || !oq__cfg_check_map(c, root, ROOT_KEYS, 0))
        return root ? 0 : oq__cfg_fail(c, NULL, "the plan file is empty");
    oq_forecast_options fo;
    oq_forecast_options_init(&fo);
    oq_staffing_options so;
    oq_staffing_options_init(&so);
    so.threshold_s = 20;
    so.target_sl = 0.8;
    int32_t days = 7;
    if (!read_options(c, root, sc, &fo, &so, &days))
        return 0;
    sc->info.target_sl = so.target_sl;
    sc->info.threshold_s = so.threshold_s;
    sc->info.replications = sc->sim_opts.replications;
    const cfg_node *v;
    if (!(v = oq__cfg_get(root, "center")))
        return oq__cfg_fail(c, root, "center: the scenario file of the center is required");
    if (!read_center(c, v, plan_path, sc))
        return 0;
    const cfg_node *cal = oq__cfg_get(root, "calendar"), *cal_id = oq__cfg_get(root, "calendar_id");
    if (cal) {
        char path[1024];
        const char *id = NULL;
        if (!file_path(c, cal, plan_path, path, sizeof path) || (cal_id && !oq__cfg_id(c, cal_id, &id)))
            return 0;
        oq_error e = OQ_ERROR_INIT;
        oq_status st = oq_calendar_load_file(path, id, NULL, &sc->calendar, &e);
        if (st != OQ_OK)
            return fail_from(c, cal, &e, st);
        fo.calendar = sc->calendar;
        sc->sched.calendar = sc->calendar;
    } else if (cal_id) {
        return oq__cfg_fail(c, cal_id, "calendar_id names a calendar of the `calendar` file: "
                                       "give that too");
    }
    if (!(v = oq__cfg_get(root, "history")))
        return oq__cfg_fail(c, root, "history: the history CSV is required");
    if (!forecast_queues(c, v, plan_path, sc, &fo, days))
        return 0;
    const cfg_node *groups = oq__cfg_get(root, "groups");
    if (!groups || !oq__cfg_is_seq(groups) || groups->n < 1 || groups->n > MAX_GROUPS)
        return oq__cfg_fail(c, groups ? groups : root, "groups: a list of 1 to %d groups",
                            MAX_GROUPS);
    size_t p = oq__cfg_push_key(c, "groups");
    for (int32_t g = 0; g < groups->n; g++) {
        size_t pi = oq__cfg_push_index(c, g);
        if (!read_group(c, groups->kids[g], plan_path, oq__cfg_get(root, "shifts"), sc,
                        &sc->groups[g], &so))
            return 0;
        sc->info.n_groups++;
        oq__cfg_pop(c, pi);
    }
    oq__cfg_pop(c, p);
    /* every queue answered for by some group: else nobody is planned for it */
    for (int32_t q = 0; q < sc->info.n_queues; q++) {
        int found = 0;
        for (int32_t g = 0; g < sc->info.n_groups && !found; g++)
            for (int32_t k = 0; k < sc->groups[g].n_queues && !found; k++)
                found = strcmp(sc->groups[g].queues[k], sc->queues[q].id) == 0;
        if (!found)
            return oq__cfg_fail(c, groups, "queue '%s' has a stream but no group plans for it",
                                sc->queues[q].id);
    }
    return 1;
}

oq_status oq_plan_scenario_load(const char *path, oq_plan_scenario **out, oq_error *err)
{
    if (!path || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path and out are required");
    oq_mem mem;
    oq__mem_init(&mem, NULL, NULL);
    oq_plan_scenario *sc = oq__calloc(&mem, 1, sizeof *sc);
    if (!sc)
        return oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    sc->mem = mem;
    oq_plan_options_init(&sc->opts);
    oq_plan_sim_options_init(&sc->sim_opts);
    sc->opts.sim = &sc->sim_opts;
    oq_schedule_options_init(&sc->sched);
    sc->sched.time_limit_s = 10;
    cfg_ctx c;
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = 1;
    oq__cfg_ctx_init(&c, path, err, &lo);
    char *buf = NULL;
    size_t len = 0;
    cfg_node *root = NULL;
    int ok = oq__cfg_read_file(&c, path, &buf, &len) && oq__cfg_parse(&c, buf, len, &root) &&
             read_plan(&c, root, path, sc);
    oq__cfg_free(root);
    free(buf);
    if (!ok) {
        oq_plan_scenario_destroy(sc);
        oq_status st = c.status != OQ_OK ? c.status : OQ_ECONFIG;
        oq__error_status(err, st);
        return st;
    }
    sc->info.loop_iterations = sc->opts.max_iterations;
    *out = sc;
    return OQ_OK;
}

const char *oq_plan_scenario_method(const oq_plan_scenario *sc)
{
    return sc && sc->method ? sc->method : "";
}

oq_status oq_plan_scenario_options(const oq_plan_scenario *sc, oq_plan_options *out, oq_error *err)
{
    if (!sc)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "scenario is required");
    return OQ__OUTPUT_PUT(out, &sc->opts, oq_plan_options, max_iterations, err);
}

oq_status oq_plan_scenario_run(const oq_plan_scenario *sc, const oq_plan_options *opts,
                               oq_plan **out, oq_error *err)
{
    if (!sc || !out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "scenario and out are required");
    oq_plan_group groups[MAX_GROUPS];
    for (int32_t g = 0; g < sc->info.n_groups; g++) {
        const plan_group *gr = &sc->groups[g];
        int32_t n = 0;
        groups[g].name = gr->name;
        groups[g].problem = gr->problem;
        groups[g].schedule = &sc->sched;
        groups[g].agents = oq_roster_agents_list(gr->agents, &n);
        groups[g].n_agents = n;
        groups[g].roster = &gr->roster;
        groups[g].n_queues = gr->n_queues;
        groups[g].queues = gr->queues;
    }
    return oq_plan_run(&sc->sim, groups, sc->info.n_groups, opts ? opts : &sc->opts, out, err);
}
