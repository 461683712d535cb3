/* SPDX-License-Identifier: MIT */
/* omniq — shift scheduling and rostering (排班): requirements per interval,
 * shift templates with breaks, weekly tours, limits; solvers; rosters of named
 * agents.
 *
 * A schedule problem (oq_schedule) is a horizon of whole days cut into
 * intervals (15 minutes by default) with the agents required in each, the
 * shift templates that may be used (allowed starts, length, paid hours,
 * breaks, days, cost per paid hour) and the weekly tours built from them (days
 * on and off, same start or a bounded drift). oq_schedule_solve() chooses how
 * many agents work each shift (and where their breaks fall) so that coverage
 * meets the requirement at the least cost (OQ_SCHED_HARD), or so that cost
 * plus a penalty for every agent-hour short is least (OQ_SCHED_SOFT); the
 * penalty may grow with the service level lost (Erlang C on the interval's
 * traffic). oq_roster_build() then gives the scheduled shifts to named agents.
 *
 * Solvers (docs/scheduling.md): shifts without breaks, tours or day limits are
 * a minimum-cost flow, solved exactly by the built-in network simplex; other
 * models go to an external mixed-integer solver given as a hook
 * (oq_schedule_solver; libomniq_cbc provides COIN-OR CBC, schedule_cbc.h) or,
 * without one, to the built-in LP bound + rounding + local search, which
 * states its gap to the bound. Every result says whether it is optimal,
 * feasible with a gap, or infeasible and why.
 *
 * Time: the horizon starts at local midnight of a civil date (int32_t days
 * since 1970-01-01, weekday 0 = Monday: the calendar module's convention).
 * Times of day, lengths and windows are seconds as doubles and must be whole
 * multiples of the interval. An optional calendar (oq_schedule_options.calendar)
 * gives the hours of operation and the holidays: no shift works while it is
 * closed. With `wrap` set (the default) the horizon
 * repeats: a shift running past its end continues at its start (the week
 * wraps around, as a steady-state weekly schedule does).
 *
 * Memory: every allocation of a problem, its results and rosters goes through
 * the allocator given to oq_schedule_create(). Strings and arrays passed in are
 * copied. No global state: different problems may be used on different
 * threads; one problem and the results made from it are not thread-safe
 * while the problem is being changed (solving only reads it).
 *
 * Errors: functions taking `oq_error *err` fill it on failure (NULL accepted)
 * and leave the problem unchanged. */
#ifndef OMNIQ_SCHEDULE_H
#define OMNIQ_SCHEDULE_H

#include "omniq/calendar.h"
#include "omniq/core.h"
#include "omniq/erlang.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct oq_schedule oq_schedule;
typedef struct oq_schedule_result oq_schedule_result;
typedef struct oq_roster oq_roster;

/* Bits of a weekday mask: bit w is weekday w (0 = Monday .. 6 = Sunday). */
#define OQ_DAYS_ALL      0x7f
#define OQ_DAYS_WEEKDAYS 0x1f
#define OQ_DAYS_WEEKEND  0x60

/* ---- the problem: horizon and requirements -------------------------------- */

/* The days a schedule covers: the civil date of day 0, the number of days,
 * whether the horizon wraps (a week that repeats), the interval length and
 * the allocator. */
typedef struct oq_schedule_horizon {
    uint32_t struct_size;   /* set by oq_schedule_horizon_init */
    int32_t first_date;     /* civil date of day 0 (days since 1970-01-01); default 4 (a Monday) */
    int32_t days;           /* length of the horizon in days, 1..366 (default 7) */
    int32_t wrap;           /* 1 (default): the horizon repeats; 0: shifts are cut at its end */
    double interval_s;      /* interval length: divides 86400, >= 60 (default 900) */
    oq_alloc_fn alloc;      /* NULL: the C library's malloc */
    void *alloc_user;
} oq_schedule_horizon;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_schedule_horizon_init(oq_schedule_horizon *horizon);

/* A new, empty problem over `horizon` (every requirement 0, no templates).
 * Errors: OQ_EINVAL (NULL, a field out of range: *err names it), OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_schedule_destroy. */
OQ_API oq_status oq_schedule_create(const oq_schedule_horizon *horizon, oq_schedule **out,
                                    oq_error *err);

/* Free a problem. Results and rosters made from it stay valid (they keep what
 * they need). NULL is a no-op. */
OQ_API void oq_schedule_destroy(oq_schedule *sched);

/* The horizon the problem was created with (alloc fields included). Set out->struct_size first
 * (its _init does); only that many bytes are written (core.h: versioned structs). Errors:
 * OQ_EINVAL (NULL, struct_size out of range: *err, which may be NULL, names the struct).
 * Read-only. */
OQ_API oq_status oq_schedule_get_horizon(const oq_schedule *sched, oq_schedule_horizon *out,
                                         oq_error *err);

/* Number of intervals: days * 86400 / interval_s. */
OQ_API int32_t oq_schedule_interval_count(const oq_schedule *sched);

/* Agents required in intervals first .. first + n - 1 (each >= 0; interval 0
 * starts at midnight of first_date). Errors: OQ_EINVAL (range, a negative
 * value: *err names the interval). */
OQ_API oq_status oq_schedule_set_required(oq_schedule *sched, int32_t first, int32_t n,
                                          const int32_t *required, oq_error *err);

/* The traffic behind the requirement, for the service-level penalty: load in
 * Erlangs (>= 0) and mean handle time aht_s (> 0 where load > 0) of intervals
 * first .. first + n - 1. aht_s may be NULL when every load is 0. */
OQ_API oq_status oq_schedule_set_traffic(oq_schedule *sched, int32_t first, int32_t n,
                                         const double *load, const double *aht_s, oq_error *err);

/* Requirements and traffic from an interval plan (oq_erlang_plan rows):
 * `required` of each row, or `scheduled` (after shrinkage) when use_scheduled
 * is 1; the rows' loads with handle times aht_s (NULL: no traffic is set). */
OQ_API oq_status oq_schedule_set_plan(oq_schedule *sched, int32_t first, int32_t n,
                                      const oq_plan_interval *rows, int32_t use_scheduled,
                                      const double *aht_s, oq_error *err);

/* Copy the requirement of every interval into required[0 .. n - 1]; n must be
 * oq_schedule_interval_count(). */
OQ_API oq_status oq_schedule_get_required(const oq_schedule *sched, int32_t *required, int32_t n);

/* Read a requirements CSV into a new problem. The first line names the
 * columns; `start` (or `interval`, the column `omniq staff --format csv`
 * writes) holds each interval's local start — "YYYY-MM-DD HH:MM[:SS]" (also
 * with a T), "ddd HH:MM" (mon .. sun) or "HH:MM" (a day without a date: days
 * follow each other, day 0 is a Monday) — and `column` (NULL: "required")
 * the agents needed, a number >= 0 (fractions are rounded up). Rows must be
 * consecutive intervals of one length (interval_s, or inferred from the
 * rows); the horizon runs from midnight of the first row's day to the end of
 * the last row's day, intervals outside the rows needing 0 agents. Columns
 * `load` and `aht` (as `omniq staff` writes them) set the traffic. `base`
 * (may be NULL) gives first_date/wrap/alloc defaults; its days and
 * interval_s are ignored. Errors: OQ_ECONFIG with file:line:column (missing
 * column, bad time, a gap or overlap between rows, mixed interval lengths,
 * bad number), OQ_EINVAL (NULL path), OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_schedule_destroy. */
OQ_API oq_status oq_schedule_load_csv(const char *path, const char *column, double interval_s,
                                      const oq_schedule_horizon *base, oq_schedule **out,
                                      oq_error *err);

/* ---- shift templates and tours -------------------------------------------- */

/* A break inside a shift. Its start lies between earliest_s and latest_s
 * after the shift's start, on a grid of step_s (0: the interval); the whole
 * break must end within the shift. Breaks of one template are taken in the
 * order given and never overlap. */
typedef struct oq_shift_break {
    double length_s;        /* > 0 */
    double earliest_s;      /* >= 0 */
    double latest_s;        /* >= earliest_s */
    double step_s;          /* >= 0 */
    int32_t paid;           /* 1: paid time (counts in paid hours); 0: unpaid */
    int32_t reserved;
} oq_shift_break;

/* A shift template. Starts run from earliest_start_s to latest_start_s
 * (seconds after local midnight of the shift's day; latest may pass
 * midnight, up to earliest + 86400 - interval) every start_step_s. */
typedef struct oq_shift_template {
    uint32_t struct_size;       /* set by oq_shift_template_init */
    int32_t days;               /* weekday mask (OQ_DAYS_*): days it may start on (default all) */
    const char *name;           /* required, unique, 1..63 bytes */
    double earliest_start_s;    /* in [0, 86400) */
    double latest_start_s;      /* in [earliest, earliest + 86400) */
    double start_step_s;        /* > 0 (default: the interval) */
    double length_s;            /* > 0, at most 86400 */
    double paid_hours;          /* < 0 (default): length minus unpaid breaks */
    double cost_per_hour;       /* >= 0 (default 1): cost = paid_hours * cost_per_hour */
    int32_t max_per_start;      /* agents on one shift (template, day, start); 0: no limit */
    int32_t max_per_day;        /* agents starting this template on one day; 0: no limit */
    int32_t n_breaks;           /* 0..8 */
    int32_t n_skills;
    const oq_shift_break *breaks;
    const char *const *skills;  /* skills an agent needs to work it (rostering) */
} oq_shift_template;

/* Defaults as above (no name). OQ_EINVAL for NULL. */
OQ_API oq_status oq_shift_template_init(oq_shift_template *tpl);

/* Add a template (copied). Errors: OQ_EINVAL (*err names the field: a start
 * window or length that is not a multiple of the interval, a break window
 * that leaves its shift, breaks that cannot all fit, ...), OQ_EEXIST (name
 * taken), OQ_ENOMEM. *index (may be NULL) receives the template's index. */
OQ_API oq_status oq_schedule_add_template(oq_schedule *sched, const oq_shift_template *tpl,
                                          int32_t *index, oq_error *err);

/* A weekly tour over a template: an agent works days_on days of every week,
 * off the other 7 - days_on (consecutive, counting Sunday-Monday as
 * consecutive, when consecutive_off is 1), starting each working day within
 * max_drift_s of the tour's earliest start (0: the same start every day).
 * The template's days limit the working days. A template named by a tour is
 * only scheduled as part of a tour. Needs a horizon of whole weeks. */
typedef struct oq_shift_tour {
    uint32_t struct_size;       /* set by oq_shift_tour_init */
    int32_t days_on;            /* 1..7 (default 5) */
    const char *name;           /* required, unique, 1..63 bytes */
    const char *template_name;  /* required: an added template */
    int32_t consecutive_off;    /* default 1 */
    int32_t max_count;          /* agents on this tour; 0: no limit */
    double max_drift_s;         /* >= 0, a multiple of the template's start step (default 0) */
} oq_shift_tour;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_shift_tour_init(oq_shift_tour *tour);

/* Add a tour (copied). Errors: OQ_EINVAL (field), OQ_ENOTFOUND (template),
 * OQ_EEXIST (name), OQ_ENOMEM. *index (may be NULL) receives its index. */
OQ_API oq_status oq_schedule_add_tour(oq_schedule *sched, const oq_shift_tour *tour,
                                      int32_t *index, oq_error *err);

/* Number of templates / tours added. */
OQ_API int32_t oq_schedule_template_count(const oq_schedule *sched);
OQ_API int32_t oq_schedule_tour_count(const oq_schedule *sched);

/* Name of template / tour `index` (owned by the problem), NULL out of range. */
OQ_API const char *oq_schedule_template_name(const oq_schedule *sched, int32_t index);
OQ_API const char *oq_schedule_tour_name(const oq_schedule *sched, int32_t index);

/* ---- an external mixed-integer solver ------------------------------------- */

/* A mixed-integer program: minimise sum obj[j] x[j] subject to
 * row_lo[i] <= (A x)[i] <= row_hi[i] and col_lo[j] <= x[j] <= col_hi[j], x[j]
 * integer where is_int[j]. A is stored by columns: the entries of column j
 * are row_index[k], value[k] for k in col_start[j] .. col_start[j + 1] - 1.
 * Unbounded sides are -HUGE_VAL / HUGE_VAL. Everything is owned by the caller
 * and valid during the call only. */
typedef struct oq_mip {
    int32_t n_cols;
    int32_t n_rows;
    const double *obj;
    const double *col_lo;
    const double *col_hi;
    const uint8_t *is_int;
    const double *row_lo;
    const double *row_hi;
    const int64_t *col_start;   /* n_cols + 1 entries */
    const int32_t *row_index;
    const double *value;
    const double *start;        /* a feasible solution to start from, or NULL */
    double time_limit_s;        /* > 0: stop after this long with the best found */
    double gap_tolerance;       /* stop when (objective - bound) / |objective| <= this */
} oq_mip;

#define OQ_MIP_OPTIMAL     0   /* proven optimal (within gap_tolerance) */
#define OQ_MIP_FEASIBLE    1   /* stopped (time) with a solution */
#define OQ_MIP_INFEASIBLE  2   /* proven infeasible */
#define OQ_MIP_NO_SOLUTION 3   /* stopped before any solution */

/* What a MIP hook reports back: status (OQ_MIP_*), objective, proven bound
 * and the solution in the caller-provided `x`. */
typedef struct oq_mip_result {
    int32_t status;             /* OQ_MIP_* */
    int32_t reserved;
    double objective;           /* of x */
    double bound;               /* proven lower bound on the optimum */
    double *x;                  /* caller-provided, n_cols entries: the solution */
} oq_mip_result;

/* Solve `mip` into `result` (status, objective, bound, x). Return OQ_OK when
 * result->status is meaningful, an error otherwise. */
typedef oq_status (*oq_mip_solve_fn)(const oq_mip *mip, oq_mip_result *result, void *user);

/* A solver the schedule module calls for models that are not a flow. */
typedef struct oq_schedule_solver {
    const char *name;           /* "cbc" */
    oq_mip_solve_fn solve;
    void *user;
} oq_schedule_solver;

/* ---- solving -------------------------------------------------------------- */

#define OQ_SCHED_HARD 0          /* cover every requirement at least cost */
#define OQ_SCHED_SOFT 1          /* least cost + penalties for agent-hours short */

#define OQ_SCHED_SOLVER_AUTO    0 /* flow when exact, else the hook if given, else heuristic */
#define OQ_SCHED_SOLVER_BUILTIN 1 /* flow or the built-in heuristic, never the hook */
#define OQ_SCHED_SOLVER_MIP     2 /* the hook for every model (options.mip required) */

/* Options of oq_schedule_solve: objective (hard cover or soft with penalties),
 * seats, headcount, solver, time limit, gap, seed, MIP hook and calendar. Fill
 * with oq_schedule_options_init. */
typedef struct oq_schedule_options {
    uint32_t struct_size;       /* set by oq_schedule_options_init */
    int32_t objective;          /* OQ_SCHED_HARD (default) or OQ_SCHED_SOFT */
    double under_penalty;       /* SOFT: cost per agent-hour short (default 10) */
    double sl_penalty;          /* SOFT: + cost per agent-hour short times the service
                                   level that agent loses (needs traffic; default 0) */
    double over_penalty;        /* cost per agent-hour above the requirement (default 0) */
    double threshold_s;         /* service-level threshold for sl_penalty (default 20) */
    int32_t max_per_interval;   /* agents working in one interval (seats); 0: no limit */
    int32_t max_agents;         /* headcount: tours + daily shifts starting on the busiest
                                   day; 0: no limit */
    int32_t solver;             /* OQ_SCHED_SOLVER_* */
    int32_t reserved;
    double time_limit_s;        /* > 0 (default 60): solvers stop with the best found */
    double gap_tolerance;       /* stop when the gap is at most this (default 1e-6) */
    uint64_t seed;              /* the heuristic's random choices (default 1) */
    const oq_schedule_solver *mip; /* external solver, or NULL */
    const oq_calendar *calendar; /* hours of operation and holidays, or NULL: a shift
                                   may only work intervals the calendar is open all
                                   through (the horizon's dates and times of day are
                                   the calendar's local ones); borrowed for the call */
} oq_schedule_options;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_schedule_options_init(oq_schedule_options *opts);

#define OQ_SCHED_OPTIMAL     0   /* proven optimal */
#define OQ_SCHED_FEASIBLE    1   /* a solution; optimality not proven (see gap) */
#define OQ_SCHED_INFEASIBLE  2   /* no schedule meets the hard rules (message says why) */
#define OQ_SCHED_NO_SOLUTION 3   /* the time limit came before any solution */

/* Static name of a result status ("optimal", "feasible", "infeasible",
 * "no_solution"); "unknown" otherwise. */
OQ_API const char *oq_schedule_status_name(int32_t status);

/* Solve the problem. On OQ_OK *out receives a result, whatever its status
 * (an infeasible problem is a result, not an error). Errors: OQ_EINVAL (NULL,
 * bad options, no template, a tour on a horizon of partial weeks,
 * sl_penalty without traffic, OQ_SCHED_SOLVER_MIP without a hook: *err says
 * which), OQ_ENOMEM, or the hook's error. The problem is only read.
 * *out belongs to the caller: destroy it with oq_schedule_result_destroy. */
OQ_API oq_status oq_schedule_solve(const oq_schedule *sched, const oq_schedule_options *opts,
                                   oq_schedule_result **out, oq_error *err);

/* Free a result. NULL is a no-op. */
OQ_API void oq_schedule_result_destroy(oq_schedule_result *result);

/* A schedule's figures (oq_schedule_result_summary): status, objective, cost,
 * paid hours, lower bound and gap, time spent, shortage and excess, rows and
 * headcount. */
typedef struct oq_schedule_summary {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_schedule_summary) */
    int32_t status;             /* OQ_SCHED_* */
    int32_t n_intervals;
    int32_t n_shifts;           /* rows of oq_schedule_result_shift */
    int32_t n_tours;            /* rows of oq_schedule_result_tour */
    int32_t agents;             /* headcount: tour agents + daily shifts of the busiest day */
    double objective;           /* cost + penalties (what was minimised) */
    double cost;                /* sum of paid hours * cost per hour */
    double paid_hours;
    double lower_bound;         /* no schedule has a smaller objective */
    double gap;                 /* (objective - lower_bound) / objective; 0 when optimal */
    double seconds;             /* wall-clock time of the solve */
    double cpu_seconds;         /* processor time of the solve */
    double under_hours;         /* agent-hours short of the requirement */
    double over_hours;          /* agent-hours above it */
    int64_t under;              /* agent-intervals short */
    int64_t over;               /* agent-intervals above */
} oq_schedule_summary;

/* The result's figures. Set out->struct_size first (OQ_OUTPUT_INIT); only that many bytes are
 * written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, struct_size out
 * of range: *err, which may be NULL, says which). Read-only: several threads
 * may call it on a result no thread is changing. */
OQ_API oq_status oq_schedule_result_summary(const oq_schedule_result *result,
                                            oq_schedule_summary *out, oq_error *err);

/* What the solver said: why a problem is infeasible, or how a figure was
 * reached ("network simplex: optimal", "heuristic: gap to the LP bound ...").
 * Owned by the result; "" for NULL. */
OQ_API const char *oq_schedule_result_message(const oq_schedule_result *result);

/* Name of the solver that produced the result: "flow", "heuristic", or the
 * hook's name. Owned by the result. */
OQ_API const char *oq_schedule_result_solver(const oq_schedule_result *result);

/* One row of the schedule: `count` agents work template `template_index` on
 * `day`, starting at interval `start` (counted from the horizon's start; a
 * start past midnight keeps its day), with the same breaks. Rows of a tour
 * carry its index and the tour row they belong to. */
typedef struct oq_schedule_shift {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_schedule_shift) */
    int32_t template_index;
    int32_t tour_index;         /* -1: a daily shift */
    int32_t tour_row;           /* row of oq_schedule_result_tour, or -1 */
    int32_t day;                /* 0 .. days - 1 */
    int32_t start;              /* interval index of the start */
    int32_t length;             /* intervals */
    int32_t count;              /* agents (>= 1) */
    int32_t n_breaks;
    int32_t reserved;
    double start_s;             /* seconds from the horizon's start */
    double end_s;               /* start_s + length (may pass the horizon's end) */
    double paid_hours;          /* per agent */
    double cost;                /* per agent */
} oq_schedule_shift;

/* One break of a scheduled shift: its start (seconds from the horizon's
 * start), length and whether it is paid. */
typedef struct oq_schedule_break {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_schedule_break) */
    int32_t start;              /* interval index (from the horizon's start, not wrapped) */
    int32_t length;             /* intervals */
    int32_t paid;
    double start_s;             /* seconds from the horizon's start */
    double end_s;
} oq_schedule_break;

/* A tour row: `count` agents work the same week — shift rows first_shift ..
 * first_shift + n_shifts - 1, one per working day. */
typedef struct oq_schedule_tour_row {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_schedule_tour_row) */
    int32_t tour_index;
    int32_t count;
    int32_t days;               /* weekday mask of the working days */
    int32_t first_shift;
    int32_t n_shifts;
} oq_schedule_tour_row;

/* Shift row `index` (0 .. n_shifts - 1). Set out->struct_size first (OQ_OUTPUT_INIT); only that
 * many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, index or
 * struct_size out of range: *err, which may be NULL, says which). Read-only: several threads may
 * call it on a result no thread is changing. */
OQ_API oq_status oq_schedule_result_shift(const oq_schedule_result *result, int32_t index,
                                          oq_schedule_shift *out, oq_error *err);

/* Break `k` (0 .. n_breaks - 1) of shift row `index`. Set out->struct_size first
 * (OQ_OUTPUT_INIT); only that many bytes are written (core.h: versioned structs). Errors:
 * OQ_EINVAL (NULL, index, k or struct_size out of range: *err, which may be NULL, says which).
 * Read-only: several threads may call it on a result no thread is changing. */
OQ_API oq_status oq_schedule_result_break(const oq_schedule_result *result, int32_t index,
                                          int32_t k, oq_schedule_break *out, oq_error *err);

/* Tour row `index` (0 .. n_tours - 1). Set out->struct_size first (OQ_OUTPUT_INIT); only that
 * many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, index or
 * struct_size out of range: *err, which may be NULL, says which). Read-only: several threads may
 * call it on a result no thread is changing. */
OQ_API oq_status oq_schedule_result_tour(const oq_schedule_result *result, int32_t index,
                                         oq_schedule_tour_row *out, oq_error *err);

/* Agents working (on shift, not on break) in every interval, recomputed from
 * the shift rows: scheduled[0 .. n - 1], n = summary.n_intervals. */
OQ_API oq_status oq_schedule_result_coverage(const oq_schedule_result *result,
                                             int32_t *scheduled, int32_t n);

/* The requirement the result was solved against: required[0 .. n - 1]. */
OQ_API oq_status oq_schedule_result_required(const oq_schedule_result *result,
                                             int32_t *required, int32_t n);

/* Name of template / tour `index` as the result knows it (owned by the
 * result; NULL out of range). */
OQ_API const char *oq_schedule_result_template_name(const oq_schedule_result *result,
                                                    int32_t index);
OQ_API const char *oq_schedule_result_tour_name(const oq_schedule_result *result, int32_t index);

/* The horizon of the result (alloc fields as given to the problem). Set
 * out->struct_size first (oq_schedule_horizon_init or OQ_OUTPUT_INIT does);
 * only that many bytes are written (core.h: versioned structs). Errors:
 * OQ_EINVAL (result or out NULL, struct_size out of range: *err, which may
 * be NULL, names the argument or `oq_schedule_horizon.struct_size`; *out is
 * then untouched). Read-only: several threads may call it on a result no
 * thread is changing. */
OQ_API oq_status oq_schedule_result_horizon(const oq_schedule_result *result,
                                            oq_schedule_horizon *out, oq_error *err);

/* ---- rostering ------------------------------------------------------------ */

/* A named agent to give shifts to. Hours are paid hours per week (a horizon
 * of other lengths scales them by days / 7). Availability windows are seconds
 * from the horizon's start (oq_sim_window: reason ignored); a shift is given
 * only when it lies inside one window (none: always available). */
typedef struct oq_roster_agent {
    uint32_t struct_size;       /* set by oq_roster_agent_init */
    int32_t n_skills;
    const char *id;             /* required, unique */
    const char *const *skills;
    double min_hours;           /* contracted minimum per week (>= 0; default 0) */
    double max_hours;           /* contracted maximum per week (0: no limit) */
    int32_t work_days;          /* weekday mask of days the agent must work */
    int32_t off_days;           /* weekday mask of days the agent never works */
    int32_t n_available;
    int32_t max_consecutive_days; /* 0: the roster options' value */
    const oq_sim_window *available;
    double min_rest_s;          /* < 0: the roster options' value */
} oq_roster_agent;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_roster_agent_init(oq_roster_agent *agent);

/* Rules every agent's roster keeps (consecutive days, rest between shifts,
 * the night window), the time limit and the seed. Fill with
 * oq_roster_options_init. */
typedef struct oq_roster_options {
    uint32_t struct_size;       /* set by oq_roster_options_init */
    int32_t max_consecutive_days; /* default 6 */
    double min_rest_s;          /* between the end of a shift and the next start (default 39600: 11 h) */
    double night_start_s;       /* a shift working at any time from night_start_s .. */
    double night_end_s;         /* .. to night_end_s (local time of day) is a night shift
                                   (defaults 79200 and 21600: 22:00-06:00) */
    double time_limit_s;        /* improvement stops after this long (default 5) */
    uint64_t seed;              /* tie-breaking (default 1) */
} oq_roster_options;

/* Defaults as above. OQ_EINVAL for NULL. */
OQ_API oq_status oq_roster_options_init(oq_roster_options *opts);

/* Give every agent-shift of `result` to one of `agents`: hard rules are
 * skills, availability, days off, minimum rest, maximum consecutive days and
 * maximum hours; contracted minimum hours and must-work days are met when
 * possible; weekends and nights are spread evenly. Shifts no agent can take
 * stay unassigned. Every rule that could not be met is reported
 * (oq_roster_violation). The roster keeps a copy of what it needs; `result`
 * may be destroyed afterwards. Errors: OQ_EINVAL (NULL, a bad agent field,
 * duplicate id: *err names it), OQ_ENOMEM. */
OQ_API oq_status oq_roster_build(const oq_schedule_result *result, const oq_roster_agent *agents,
                                 int32_t n_agents, const oq_roster_options *opts,
                                 oq_roster **out, oq_error *err);

/* Free a roster. NULL is a no-op. */
OQ_API void oq_roster_destroy(oq_roster *roster);

/* A roster's figures (oq_roster_summary_get): agents, shifts assigned and
 * left unassigned, violations, time spent, and the spread of hours, weekend
 * and night work between agents. */
typedef struct oq_roster_summary {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_roster_summary) */
    int32_t agents;
    int32_t assigned;           /* agent-shifts given to an agent */
    int32_t unassigned;         /* agent-shifts nobody could take */
    int32_t violations;         /* rows of oq_roster_violation_get */
    int32_t weekend_min;        /* fewest / most weekend shifts of one working agent */
    int32_t weekend_max;
    int32_t night_min;          /* fewest / most night shifts of one working agent */
    int32_t night_max;
    int32_t reserved;
    double seconds;             /* wall-clock time of oq_roster_build */
    double hours_min;           /* smallest and largest paid hours of one agent */
    double hours_max;
} oq_roster_summary;

/* The roster's figures. Set out->struct_size first (OQ_OUTPUT_INIT); only that many bytes are
 * written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, struct_size out
 * of range: *err, which may be NULL, says which). Read-only: several threads
 * may call it on a roster no thread is changing. */
OQ_API oq_status oq_roster_summary_get(const oq_roster *roster, oq_roster_summary *out,
                                       oq_error *err);

/* One shift given to an agent: shift row `shift_row` of the result. */
typedef struct oq_roster_shift {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_roster_shift) */
    int32_t shift_row;
    int32_t day;
    int32_t start;              /* interval index */
    int32_t length;             /* intervals */
    int32_t reserved;
    double start_s;             /* seconds from the horizon's start */
    double end_s;
    double paid_hours;
} oq_roster_shift;

/* Number of shifts given to agent `agent` (index into the agents passed). */
OQ_API oq_status oq_roster_agent_shift_count(const oq_roster *roster, int32_t agent,
                                             int32_t *count);

/* Shift `k` of agent `agent`, in time order. Set out->struct_size first (OQ_OUTPUT_INIT); only
 * that many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, agent, k or
 * struct_size out of range: *err, which may be NULL, says which). Read-only: several threads may
 * call it on a roster no thread is changing. */
OQ_API oq_status oq_roster_agent_shift(const oq_roster *roster, int32_t agent, int32_t k,
                                       oq_roster_shift *out, oq_error *err);

/* Paid hours, weekend shifts and night shifts of agent `agent`; any output may be NULL. */
OQ_API oq_status oq_roster_agent_totals(const oq_roster *roster, int32_t agent, double *hours,
                                        int32_t *weekend_shifts, int32_t *night_shifts);

/* The agent's shifts and breaks as simulator windows (seconds from the
 * horizon's start; breaks' reason "break"), ready for oq_sim_agent.shifts /
 * .breaks: writes at most shift_cap / break_cap windows and the numbers
 * available in *n_shifts / *n_breaks (so a call with caps 0 sizes the
 * arrays). The reason strings are owned by the roster. */
OQ_API oq_status oq_roster_agent_windows(const oq_roster *roster, int32_t agent,
                                         oq_sim_window *shifts, int32_t shift_cap,
                                         oq_sim_window *breaks, int32_t break_cap,
                                         int32_t *n_shifts, int32_t *n_breaks);

/* Rules a roster reports. */
#define OQ_ROSTER_UNASSIGNED   1   /* an agent-shift no agent could take */
#define OQ_ROSTER_MIN_HOURS    2   /* an agent below contracted minimum hours */
#define OQ_ROSTER_WORK_DAY     3   /* a must-work day the agent does not work */

/* Static name of a rule ("unassigned", "min_hours", "work_day"); "unknown" otherwise. */
OQ_API const char *oq_roster_rule_name(int32_t rule);

/* One rule an assignment breaks (OQ_ROSTER_*): the agent, the day and what
 * was found. */
typedef struct oq_roster_violation {
    uint32_t struct_size;       /* set by the caller: OQ_OUTPUT_INIT(oq_roster_violation) */
    int32_t rule;               /* OQ_ROSTER_* */
    int32_t agent;              /* agent index, or -1 */
    int32_t shift_row;          /* shift row, or -1 */
    int32_t day;                /* day, or -1 */
    char message[192];          /* "shift early8 on day 2 at 06:00: no agent free with skill 'chat'" */
} oq_roster_violation;

/* Violation `index` (0 .. violations - 1). Set out->struct_size first (OQ_OUTPUT_INIT); only
 * that many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL (NULL, index or
 * struct_size out of range: *err, which may be NULL, says which). Read-only: several threads may
 * call it on a roster no thread is changing. */
OQ_API oq_status oq_roster_violation_get(const oq_roster *roster, int32_t index,
                                         oq_roster_violation *out, oq_error *err);

/* ---- loading shift and agent files (YAML; docs/config.md) ----------------- */

/* Add the templates and tours of a shift file (YAML, docs/config.md) to
 * `sched`. Either everything is added or nothing. Errors: OQ_ECONFIG with
 * file:line:column (bad YAML, unknown key, a time that is not a multiple of
 * the problem's interval, a break window outside its shift, a file interval
 * different from the problem's, ...), OQ_EINVAL (NULL), OQ_ENOMEM. */
OQ_API oq_status oq_schedule_load_shifts(oq_schedule *sched, const char *path, oq_error *err);

/* The same from a buffer of `len` bytes; `name` (NULL: "<buffer>") in messages. */
OQ_API oq_status oq_schedule_load_shifts_buffer(oq_schedule *sched, const char *yaml, size_t len,
                                                const char *name, oq_error *err);

/* A set of roster agents read from a file (YAML, docs/config.md), and the
 * roster options its `rules:` section sets. Owns its strings. */
typedef struct oq_roster_agents oq_roster_agents;

/* Read an agents file. `horizon` places availability given by weekday.
 * Errors: OQ_ECONFIG with file:line:column, OQ_EINVAL, OQ_ENOMEM.
 * *out belongs to the caller: destroy it with oq_roster_agents_destroy. */
OQ_API oq_status oq_roster_agents_load(const char *path, const oq_schedule_horizon *horizon,
                                       oq_roster_agents **out, oq_error *err);

/* The same from a buffer; `name` (NULL: "<buffer>") in messages.
 * *out belongs to the caller: destroy it with oq_roster_agents_destroy. */
OQ_API oq_status oq_roster_agents_load_buffer(const char *yaml, size_t len, const char *name,
                                              const oq_schedule_horizon *horizon,
                                              oq_roster_agents **out, oq_error *err);

/* Free a set of agents. NULL is a no-op. */
OQ_API void oq_roster_agents_destroy(oq_roster_agents *agents);

/* The agents (owned by the set; valid until it is destroyed) and their number. */
OQ_API const oq_roster_agent *oq_roster_agents_list(const oq_roster_agents *agents,
                                                    int32_t *count);

/* The roster options the file sets (defaults for what it leaves out). Set out->struct_size first
 * (its _init does); only that many bytes are written (core.h: versioned structs). Errors:
 * OQ_EINVAL (NULL, struct_size out of range: *err, which may be NULL, names the struct).
 * Read-only. */
OQ_API oq_status oq_roster_agents_options(const oq_roster_agents *agents, oq_roster_options *out,
                                          oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_SCHEDULE_H */
