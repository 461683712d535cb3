/* SPDX-License-Identifier: MIT */
/* omniq — planning by simulation: a roster verified through the real router,
 * and simulation-based staffing (the schedule corrected where the simulated
 * service level misses the target).
 *
 * oq_plan_simulate() takes a center (oq_sim_options: the build callback that
 * defines channels, skills and queues, and the traffic streams) and one or
 * more rosters (omniq/schedule.h), logs every rostered agent in and out along
 * its shifts and breaks, and runs independent replications (replication r
 * with seed + r). Its result gives the service level of any span of
 * intervals — one interval, a day, the whole horizon — per queue or for the
 * whole center, as the mean over replications with a Student t 95%
 * confidence interval, and the raw per-replication counts it came from.
 *
 * oq_plan_run() is the loop of simulation-based staffing (after Atlason,
 * Epelman & Henderson 2004, in its simple practical form): schedule each
 * group's requirement, roster it, simulate everything together; where a
 * queue's simulated service level (mean over replications) misses the
 * target, raise the requirement of the group that answers for the queue by
 * one agent in that interval; once a schedule meets the target everywhere,
 * lower the requirement by one where the whole 95% interval of every queue
 * of the group is at or above target + margin (never in an interval that
 * once missed); repeat until every interval meets the target and nothing
 * more can be removed, or the budget (iterations, CPU seconds) is spent. The
 * result keeps the best iteration (fewest missed intervals, then fewest paid
 * hours) and a log of every iteration.
 *
 * Time: sim time 0 is local midnight of the horizon's first date; interval i
 * of the simulation is interval i of the schedule's horizon. A shift of a
 * wrapping horizon that runs past its end also works the start of the horizon
 * (a steady-state week), and the part past the end serves the drain.
 *
 * Layers: plan depends on sim, schedule, erlang and the configuration loader;
 * nothing below depends on it. No global state; one result is read-only and
 * may be read from several threads. Errors fill `oq_error *err` (NULL
 * accepted); a failed call returns nothing and leaves its inputs as they were. */
#ifndef OMNIQ_PLAN_H
#define OMNIQ_PLAN_H

#include "omniq/core.h"
#include "omniq/schedule.h"
#include "omniq/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_plan_sim oq_plan_sim;
typedef struct oq_plan oq_plan;

/* One roster to simulate: `result` is the schedule it was built from (its
 * horizon places the shifts) and `agents` the agents it was built from
 * (oq_roster_build's array, same order). */
typedef struct oq_plan_staff {
    const oq_schedule_result *result;
    const oq_roster *roster;
    const oq_roster_agent *agents;
    int32_t n_agents;
    int32_t reserved;
} oq_plan_staff;

/* How oq_plan_simulate runs: replications, seed, the target it reports
 * against, how agents the center lacks are created, the allocator. */
typedef struct oq_plan_sim_options {
    uint32_t struct_size;       /* set by oq_plan_sim_options_init */
    int32_t replications;       /* 2..10000 (default 10): independent replications */
    uint64_t seed;              /* replication r uses seed + r (default 1) */
    double target_sl;           /* service-level target of every queue, (0, 1] (default 0.8) */
    int32_t skill_level;        /* a rostered agent the center lacks is created with each of
                                   its skills at this level (0, the default: the skill's
                                   maximum level) */
    int32_t capacity;           /* ... and this capacity (default 100) */
    oq_alloc_fn alloc;          /* NULL: the C library's malloc */
    void *alloc_user;
} oq_plan_sim_options;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_plan_sim_options_init(oq_plan_sim_options *opts);

/* Simulate the rosters in the center. `center` gives the build callback,
 * streams (their `volumes` per interval of the horizon), interval_s (must be
 * the rosters' interval), drain_s, warmup_s, default response and accept;
 * its agents, replications, seed, duration_s and start_ms are replaced
 * (duration = the horizon, start = midnight of its first date in engine ms).
 * Agents of the rosters the built engine lacks are added with their roster
 * skills (opts.skill_level, opts.capacity); agents it has keep their own
 * skills. Agents of the center no roster names stay as built (logged out).
 * Errors: OQ_EINVAL (NULL, bad options, rosters of different horizons, an
 * interval different from the center's: *err says which), OQ_ECONFIG (a
 * stream or the build callback fails: the simulator's message), OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_plan_sim_destroy. */
OQ_API oq_status oq_plan_simulate(const oq_sim_options *center, const oq_plan_staff *staff,
                                  int32_t n_staff, const oq_plan_sim_options *opts,
                                  oq_plan_sim **out, oq_error *err);

/* Free a simulation result. NULL is a no-op. */
OQ_API void oq_plan_sim_destroy(oq_plan_sim *sim);

/* What a simulation result covers and what it cost. */
typedef struct oq_plan_sim_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_plan_sim_info) */
    int32_t replications;
    int32_t n_intervals;        /* horizon days * 86400 / interval_s */
    int32_t n_queues;           /* distinct stream queues, in order of first appearance */
    int32_t agents;             /* rostered agents simulated */
    int32_t first_date;         /* the horizon's first civil date */
    double interval_s;
    double target_sl;
    double cpu_seconds;         /* processor time of the simulation */
    double seconds;             /* wall-clock time */
} oq_plan_sim_info;

/* The result's figures. Set out->struct_size first (OQ_OUTPUT_INIT); only
 * that many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL
 * (NULL, struct_size out of range: *err, which may be NULL, names the
 * struct). Read-only: several threads may call it on a result no thread is
 * changing. */
OQ_API oq_status oq_plan_sim_info_get(const oq_plan_sim *sim, oq_plan_sim_info *out,
                                      oq_error *err);

/* Id of queue `queue` (owned by the center's options: valid while they are), NULL out of range.
 * Read-only: several threads may call it on a result no thread is changing. */
OQ_API const char *oq_plan_sim_queue(const oq_plan_sim *sim, int32_t queue);

/* Counts of one replication, one queue (-1: the whole center) and one
 * interval, over the contacts that arrived in it. */
typedef struct oq_plan_counts {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_plan_counts) */
    int32_t reserved;
    int64_t offered;
    int64_t answered;
    int64_t answered_in_t;      /* answered within the queue's threshold */
    int64_t abandoned;
} oq_plan_counts;

/* Counts of replication `replication`, queue `queue` (-1: total), interval
 * `interval`. Set out->struct_size first (OQ_OUTPUT_INIT); only that many
 * bytes are written. Errors: OQ_EINVAL (NULL, out of range, struct_size out
 * of range: *err, which may be NULL, says which). Read-only: several threads
 * may call it on a result no thread is changing. */
OQ_API oq_status oq_plan_sim_counts(const oq_plan_sim *sim, int32_t replication, int32_t queue,
                                    int32_t interval, oq_plan_counts *out, oq_error *err);

/* Service level of queue `queue` (-1: the whole center) over the contacts
 * arriving in intervals first .. first + n - 1: per replication
 * answered_in_t / (answered + abandoned) over the span (undefined when that
 * is 0: the replication does not count), then the mean over replications
 * with the 95% interval mean +- t(0.975, n-1) sd / sqrt(n) (oq_sim_t975).
 * out->n == 0 (and everything 0, as oq_sim_interval_service_level) when no
 * replication has a contact in the span. Errors: OQ_EINVAL (range).
 * Read-only: several threads may call it on a result no thread is changing. */
OQ_API oq_status oq_plan_sim_service_level(const oq_plan_sim *sim, int32_t queue, int32_t first,
                                           int32_t n, oq_sim_estimate *out);

/* ---- simulation-based staffing -------------------------------------------- */

/* A group of agents planned together: its schedule problem (requirement per
 * interval and shift templates), its agents, and the queues whose service
 * level it answers for. */
typedef struct oq_plan_group {
    const char *name;                       /* required, for messages and reports */
    oq_schedule *problem;                   /* required; its requirement is changed during
                                               the call and restored before it returns */
    const oq_schedule_options *schedule;    /* NULL: oq_schedule_options_init's */
    const oq_roster_agent *agents;          /* the agents to roster (>= 1) */
    int32_t n_agents;
    int32_t n_queues;                       /* >= 1 */
    const oq_roster_options *roster;        /* NULL: oq_roster_options_init's */
    const char *const *queues;              /* stream queues this group serves */
} oq_plan_group;

/* The staffing loop's budget and rule, and the simulation options of each
 * iteration. */
typedef struct oq_plan_options {
    uint32_t struct_size;       /* set by oq_plan_options_init */
    int32_t max_iterations;     /* corrections after the first schedule, 0..1000 (default 8;
                                   0: schedule, roster and simulate once) */
    double max_cpu_s;           /* stop correcting once this much processor time is spent
                                   (> 0, default 60) */
    double margin;              /* once the target is met everywhere, lower the requirement
                                   where the 95% interval of every queue of the group lies at
                                   or above target + margin (default 0.1; >= 1: never) */
    const oq_plan_sim_options *sim; /* replications, seed, target, allocator; NULL (the
                                   default): oq_plan_sim_options_init's. Borrowed for the
                                   call (a pointer, not an embedded struct, so either
                                   struct can grow: core.h) */
} oq_plan_options;

/* Defaults as above (sim NULL: oq_plan_sim_options_init's). OQ_EINVAL for NULL. */
OQ_API oq_status oq_plan_options_init(oq_plan_options *opts);

/* Run the loop. On OQ_OK *out receives the plan (whether or not the target
 * was met: see oq_plan_summary). Errors: OQ_EINVAL (NULL, bad options or
 * group: *err names it, a queue no stream carries), a schedule, roster or
 * simulation error (its message), OQ_ENOMEM. The groups' problems are
 * unchanged afterwards. *out belongs to the caller: destroy it with oq_plan_destroy. */
OQ_API oq_status oq_plan_run(const oq_sim_options *center, const oq_plan_group *groups,
                             int32_t n_groups, const oq_plan_options *opts, oq_plan **out,
                             oq_error *err);

/* Free a plan. NULL is a no-op. */
OQ_API void oq_plan_destroy(oq_plan *plan);

/* What the staffing loop did and what it kept. */
typedef struct oq_plan_summary {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_plan_summary) */
    int32_t iterations;         /* schedules simulated (1 + corrections) */
    int32_t best;               /* the iteration kept (0-based) */
    int32_t met;                /* 1: every interval with traffic meets the target */
    int32_t missed;             /* (queue, interval) pairs of the kept iteration below target */
    int32_t first_missed;       /* the same for the first schedule */
    int32_t n_groups;
    int32_t budget_spent;       /* 1: stopped by max_iterations or max_cpu_s */
    double paid_hours;          /* of the kept schedules (sum over groups) */
    double first_paid_hours;    /* of the first schedules */
    double cpu_seconds;         /* processor time of the whole call */
    double seconds;             /* wall-clock time */
} oq_plan_summary;

/* The plan's figures. Set out->struct_size first (OQ_OUTPUT_INIT); only
 * that many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL
 * (NULL, struct_size out of range: *err, which may be NULL, names the
 * struct). Read-only: several threads may call it on a plan no thread is
 * changing. */
OQ_API oq_status oq_plan_summary_get(const oq_plan *plan, oq_plan_summary *out, oq_error *err);

/* One iteration of the loop. */
typedef struct oq_plan_iteration {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_plan_iteration) */
    int32_t missed;             /* (queue, interval) pairs below target */
    int32_t added;              /* agent-intervals of requirement added after it */
    int32_t removed;            /* agent-intervals of requirement removed after it */
    int32_t unassigned;         /* agent-shifts no agent could take (all groups) */
    int32_t reserved;
    double paid_hours;          /* scheduled paid hours (all groups) */
    double service_level;       /* the whole center over the horizon (mean over replications) */
    double cpu_seconds;         /* processor time of this iteration */
} oq_plan_iteration;

/* Iteration `index` (0 .. iterations - 1). Set out->struct_size first
 * (OQ_OUTPUT_INIT); only that many bytes are written. Errors: OQ_EINVAL
 * (NULL, index or struct_size out of range: *err, which may be NULL, says
 * which). Read-only: several threads may call it on a plan no thread is
 * changing. */
OQ_API oq_status oq_plan_iteration_get(const oq_plan *plan, int32_t index,
                                       oq_plan_iteration *out, oq_error *err);

/* The kept iteration's simulation, schedule result and roster of group
 * `group`, and its requirement (required[0 .. n - 1], n = the horizon's
 * intervals). Owned by the plan: valid until oq_plan_destroy. NULL / OQ_EINVAL
 * out of range. Read-only: several threads may call them on a plan no thread
 * is changing. */
OQ_API const oq_plan_sim *oq_plan_simulation(const oq_plan *plan);
OQ_API const oq_schedule_result *oq_plan_schedule(const oq_plan *plan, int32_t group);
OQ_API const oq_roster *oq_plan_roster(const oq_plan *plan, int32_t group);
OQ_API oq_status oq_plan_required(const oq_plan *plan, int32_t group, int32_t *required,
                                  int32_t n);

/* ---- plan files: the whole chain ---------------------------------------------- */

/* A plan file (YAML, docs/config.md "Plan files") loaded and prepared: the
 * center (a scenario file), the history CSV forecast per queue over the
 * horizon (the days after the history), each group's requirement per
 * interval (Erlang C, Erlang A with `patience`, or chat with `sessions`),
 * shift files and agent files; optional calendar. */
typedef struct oq_plan_scenario oq_plan_scenario;

/* A loaded plan file's horizon, queues, groups and settings. */
typedef struct oq_plan_scenario_info {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_plan_scenario_info) */
    int32_t first_date;         /* the horizon's first civil date (the day after the history) */
    int32_t days;
    int32_t interval_s;
    int32_t n_intervals;
    int32_t n_queues;           /* the center's streams' queues, in stream order */
    int32_t n_groups;
    int32_t replications;
    int32_t loop_iterations;    /* 0: verify the first schedule only */
    int32_t reserved;
    double target_sl;
    double threshold_s;
} oq_plan_scenario_info;

/* Load and prepare a plan file: every file it names is read, the forecast
 * and the staffing are computed. Paths in the file are relative to its
 * folder. Errors: OQ_ECONFIG with file:line:column (of the plan file, or of
 * the file it names: history CSV, scenario, shift, agent or calendar file),
 * OQ_EINVAL (NULL), OQ_ENOMEM. Thread-safe (no shared state).
 * *out belongs to the caller: destroy it with oq_plan_scenario_destroy. */
OQ_API oq_status oq_plan_scenario_load(const char *path, oq_plan_scenario **out, oq_error *err);

/* Free a plan scenario. NULL is a no-op. */
OQ_API void oq_plan_scenario_destroy(oq_plan_scenario *sc);

/* The scenario's figures. Set out->struct_size first (OQ_OUTPUT_INIT);
 * only that many bytes are written (core.h: versioned structs). Errors:
 * OQ_EINVAL (NULL, struct_size out of range: *err, which may be NULL, names
 * the struct). Read-only: several threads may call it on a scenario no
 * thread is changing. */
OQ_API oq_status oq_plan_scenario_info_get(const oq_plan_scenario *sc, oq_plan_scenario_info *out,
                                           oq_error *err);

/* Id of queue `queue` / name of group `group` (owned by the scenario); NULL out of range.
 * Read-only: several threads may call them on a scenario no thread is changing. */
OQ_API const char *oq_plan_scenario_queue(const oq_plan_scenario *sc, int32_t queue);
OQ_API const char *oq_plan_scenario_group(const oq_plan_scenario *sc, int32_t group);

/* Name of the forecast method used (auto's choice for the first queue); "" for NULL.
 * Read-only: several threads may call it on a scenario no thread is changing. */
OQ_API const char *oq_plan_scenario_method(const oq_plan_scenario *sc);

/* The forecast of queue `queue` (contacts per interval, volumes[0 .. n - 1])
 * and the staffing requirement of group `group` (agents scheduled per
 * interval, after shrinkage); n must be info.n_intervals. Errors: OQ_EINVAL.
 * Read-only: several threads may call them on a scenario no thread is changing. */
OQ_API oq_status oq_plan_scenario_forecast(const oq_plan_scenario *sc, int32_t queue,
                                           double *volumes, int32_t n);
OQ_API oq_status oq_plan_scenario_required(const oq_plan_scenario *sc, int32_t group,
                                           int32_t *required, int32_t n);

/* The loop and simulation options the file sets (oq_plan_options_init's for what it leaves out;
 * loop.iterations defaults to 0 in a plan file). out->sim points to the scenario's simulation
 * options (valid while it lives; to change one, copy *out->sim and point out->sim at the copy).
 * Set out->struct_size first (its _init does); only that many bytes are written (core.h:
 * versioned structs). Errors: OQ_EINVAL (NULL, struct_size out of range: *err, which may be
 * NULL, names the struct). Read-only. */
OQ_API oq_status oq_plan_scenario_options(const oq_plan_scenario *sc, oq_plan_options *out,
                                          oq_error *err);

/* Schedule, roster and simulate the scenario (oq_plan_run with its groups),
 * with `opts` (NULL: the file's, oq_plan_scenario_options). The scenario's
 * problems are used during the call (one call at a time per scenario).
 * Errors as oq_plan_run. *out belongs to the caller: destroy it with oq_plan_destroy. */
OQ_API oq_status oq_plan_scenario_run(const oq_plan_scenario *sc, const oq_plan_options *opts,
                                      oq_plan **out, oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_PLAN_H */
