/* SPDX-License-Identifier: MIT */
/* Internal: the schedule problem, its expansion into duties and columns, and
 * the explicit solutions (units) the solvers exchange. Times are whole
 * intervals; a day has per_day intervals; interval t of the horizon is day
 * t / per_day. */
#ifndef OQ_SCHEDULE_INTERNAL_H
#define OQ_SCHEDULE_INTERNAL_H

#include <stdint.h>

#include "core/abi.h"
#include "core/error.h"
#include "core/mem.h"
#include "omniq/schedule.h"

#define SCH_MAX_BREAKS 8
#define SCH_NAME_MAX 63

typedef struct sch_break {
    int32_t len;            /* intervals */
    int32_t lo, hi;         /* earliest / latest start, intervals after the shift's start */
    int32_t step;           /* intervals */
    int32_t paid;
} sch_break;

typedef struct sch_template {
    char *name;
    int32_t days;           /* weekday mask */
    int32_t lo, hi, step;   /* start offsets from midnight, intervals (hi < lo + per_day) */
    int32_t len;            /* intervals */
    double paid_hours;
    double cost_per_hour;
    double cost;            /* paid_hours * cost_per_hour, per shift */
    int32_t max_per_start, max_per_day;
    int32_t n_breaks;
    sch_break breaks[SCH_MAX_BREAKS];
    int32_t n_skills;
    char **skills;
    int32_t tour_only;      /* named by a tour */
} sch_template;

typedef struct sch_tour {
    char *name;
    int32_t tpl;
    int32_t days_on;
    int32_t consecutive_off;
    int32_t max_count;
    int32_t drift;          /* intervals */
} sch_tour;

struct oq_schedule {
    oq_mem mem;
    oq_schedule_horizon h;
    int32_t per_day;        /* intervals per day */
    int32_t n;              /* intervals in the horizon */
    int32_t first_weekday;  /* weekday of day 0 */
    int32_t *required;
    double *load, *aht;     /* traffic (NULL until set) */
    sch_template *tpl;
    int32_t n_tpl, cap_tpl;
    sch_tour *tour;
    int32_t n_tour, cap_tour;
};

/* Weekday (0 = Monday) of civil date `date`. */
int32_t oq__weekday_of(int32_t date);
static inline int32_t sch_weekday(const oq_schedule *s, int32_t day)
{
    return (s->first_weekday + day) % 7;
}

/* Fields of a template or tour that a check can blame (the YAML loader maps
 * them to the node that set them). */
enum {
    SCH_F_NONE = 0,
    SCH_F_NAME,
    SCH_F_DAYS,
    SCH_F_START_EARLIEST,
    SCH_F_START_LATEST,
    SCH_F_START_STEP,
    SCH_F_LENGTH,
    SCH_F_PAID_HOURS,
    SCH_F_COST,
    SCH_F_MAX_PER_START,
    SCH_F_MAX_PER_DAY,
    SCH_F_BREAKS,
    SCH_F_BREAK_LENGTH,     /* + break index */
    SCH_F_BREAK_EARLIEST,
    SCH_F_BREAK_LATEST,
    SCH_F_BREAK_STEP,
    SCH_F_SKILLS,
    SCH_F_TOUR_TEMPLATE,
    SCH_F_TOUR_DAYS_ON,
    SCH_F_TOUR_DRIFT,
    SCH_F_TOUR_MAX
};

/* Check a template against a problem: on a problem, return 0 and write the
 * field (*field, *index: break index or -1) and a message (no "template"
 * prefix). On success fill *out (name and skills NOT copied). */
int oq__template_check(const oq_schedule *s, const oq_shift_template *t, sch_template *out,
                       int32_t *field, int32_t *index, char *msg, size_t msg_size);
/* Drop templates and tours added after the first n_tpl / n_tour (a loader
 * undoing a partial load). */
void oq__schedule_truncate(oq_schedule *s, int32_t n_tpl, int32_t n_tour);

/* Same for a tour. */
int oq__tour_check(const oq_schedule *s, const oq_shift_tour *t, sch_tour *out, int32_t *field,
                   char *msg, size_t msg_size);

/* ---- units: explicit solutions -------------------------------------------- */

/* One agent's work: a daily shift (n_days == 1, tour -1) or a week of a tour.
 * duty[i] are its working days in day order. */
typedef struct sch_duty_inst {
    int32_t day;
    int32_t start;                   /* absolute interval of the start (not wrapped) */
    int16_t brk[SCH_MAX_BREAKS];     /* break starts, intervals after the shift's start */
} sch_duty_inst;

typedef struct sch_unit {
    int32_t tpl;
    int32_t tour;                    /* -1: a daily shift */
    int32_t pattern;                 /* tours: weekday mask worked */
    int32_t band;                    /* tours: earliest start offset of the band; daily: -1 */
    int32_t n_days;
    int32_t first;                   /* index of its first sch_duty_inst */
} sch_unit;

typedef struct sch_units {
    sch_unit *u;
    int32_t n, cap;
    sch_duty_inst *d;
    int32_t nd, capd;
} sch_units;

int oq__units_push(oq_mem *m, sch_units *us, const sch_unit *u, const sch_duty_inst *duties);
void oq__units_free(oq_mem *m, sch_units *us);

/* Coverage (agents working, not on break) of every interval from the units:
 * cov[0 .. s->n - 1] (zeroed first). */
void oq__units_coverage(const oq_schedule *s, const sch_units *us, int32_t *cov);

/* Add `sign` times one agent of duty (tpl, start, breaks) to cov. */
void oq__duty_apply(const oq_schedule *s, const sch_template *t, const sch_duty_inst *d,
                    int32_t *cov, int32_t sign);

/* ---- penalties -------------------------------------------------------------- */

/* Marginal costs of coverage per interval for an objective: short[t][j] is
 * the cost of the (j+1)-th missing agent in interval t (non-decreasing in j),
 * over is the cost of one agent above the requirement in an interval. */
typedef struct sch_costs {
    int32_t hard;
    double over;            /* per agent-interval */
    double *short_cost;     /* soft: flat [off[t] .. off[t+1]) per interval */
    int32_t *off;           /* soft: n + 1 offsets */
    int32_t cap;            /* seats per interval (0: none) */
    uint8_t *open;          /* per interval: 1 when work is allowed (NULL: always) */
} sch_costs;

/* May one agent work template t from interval `start` (every interval of the
 * shift open by the calendar)? */
int oq__duty_open(const oq_schedule *s, const sch_costs *c, const sch_template *t,
                  int32_t start);

int oq__costs_build(const oq_schedule *s, oq_mem *mem, const oq_schedule_options *o,
                    sch_costs *c, oq_error *err);
void oq__costs_free(oq_mem *m, const oq_schedule *s, sch_costs *c);
/* Cost of the j-th (0-based) missing agent in interval t (soft only). */
static inline double sch_short_cost(const sch_costs *c, int32_t t, int32_t j)
{
    int32_t k = c->off[t] + j, last = c->off[t + 1] - 1;
    return c->short_cost[k < last ? k : last];
}

/* The objective of coverage `cov` plus `cost`: cost + penalties; under/over
 * agent-intervals through the pointers (may be NULL). */
double oq__objective(const oq_schedule *s, const sch_costs *c, const int32_t *cov, double cost,
                     int64_t *under, int64_t *over);

/* ---- results ----------------------------------------------------------------- */

/* Build a result from units (grouping identical ones into rows); takes the
 * status and figures given, recomputes cost, coverage and penalties. */
oq_status oq__result_from_units(const oq_schedule *s, const oq_schedule_options *o,
                                const sch_costs *c, const sch_units *us, int32_t status,
                                double lower_bound, const char *solver, const char *message,
                                oq_schedule_result **out);

/* ---- duties: every (template, day, start) a shift may take ------------------- */

typedef struct sch_duty {
    int32_t tpl, day;
    int32_t start;          /* absolute interval (not wrapped) */
    int32_t len;
} sch_duty;

typedef struct sch_duties {
    sch_duty *d;
    int32_t n, cap;
} sch_duties;

/* Every duty of the templates (those used only by tours too when tours_too)
 * that the calendar (c->open) allows. */
int oq__duties_build(const oq_schedule *s, oq_mem *m, const sch_costs *c, int tours_too,
                     sch_duties *out);
void oq__duties_free(oq_mem *m, sch_duties *d);

/* "Tue 03:00 (day 1)" for interval t. */
void oq__interval_label(const oq_schedule *s, int32_t t, char *buf, size_t size);

/* Why a hard problem cannot be covered by these duties (an interval no shift
 * covers, more than the seats, more than capped shifts hold). 1 when found,
 * 0 when none of those applies, -1 out of memory. */
int oq__cover_why(const oq_schedule *s, oq_mem *m, const oq_schedule_options *o,
                  const sch_duties *d, char *msg, size_t size);

/* The requirement less what the seats make certain to be short (soft). */
static inline int32_t sch_effective_req(const oq_schedule *s, const sch_costs *c, int32_t t)
{
    int32_t r = s->required[t];
    return c->cap > 0 && r > c->cap ? c->cap : r;
}

/* ---- the mixed-integer model ------------------------------------------------------ */

/* A duty group: the agents working template tpl on day `day` from `start`,
 * as daily shifts (tour -1) or as part of tour `tour` in start band `band`. */
typedef struct sch_group {
    int32_t tpl, tour, band, day, start;
    int32_t col;            /* its count variable */
    int32_t brk_first;      /* its first break column (sch_model.bcol) */
    int32_t n_brk;          /* break columns of the group */
} sch_group;

/* A tour column: agents on tour `tour` working weekdays `pattern`, starting
 * every working day within [band, band + drift] (offsets from midnight). */
typedef struct sch_tcol {
    int32_t tour, pattern, band;
    int32_t col;
    int32_t days;           /* working days in the horizon */
} sch_tcol;

/* A break column: agents of group `group` taking break `j` `q` intervals
 * after their start. */
typedef struct sch_bcol {
    int32_t group, j, q;
    int32_t col;
} sch_bcol;

typedef struct sch_model {
    sch_group *g;
    int32_t n_g, cap_g;
    sch_tcol *tc;
    int32_t n_tc, cap_tc;
    sch_bcol *bc;
    int32_t n_bc, cap_bc;
    /* the program, columns then rows (oq_mip's arrays) */
    int32_t n_cols, cap_cols, n_rows, cap_rows;
    double *obj, *col_lo, *col_hi, *row_lo, *row_hi;
    uint8_t *is_int;
    int64_t *col_start;     /* built by oq__model_finish */
    int32_t *row_index;
    double *value;
    int64_t nnz, cap_nnz;
    /* entries collected as (col, row, value) triples before finishing */
    int32_t *t_col, *t_row;
    double *t_val;
    int32_t over_first;     /* the over column of interval t: over_first + t */
    int32_t *short_first;   /* per interval: first short column, n_short_first entries (soft) */
    int32_t n_short_first;  /* n + 1 once allocated, else 0 */
} sch_model;

/* Is weekday mask `pattern` one of tour k's (days_on days within the
 * template's days; the days off one circular run when consecutive_off)? */
int oq__tour_pattern_ok(const sch_tour *k, const sch_template *t, int32_t pattern);

/* Build the model of the problem (coverage rows first: row t is interval t).
 * direct_tours: tours with one start and fixed breaks as covering columns. */
oq_status oq__model_build(const oq_schedule *s, oq_mem *m, const oq_schedule_options *o,
                          const sch_costs *c, int direct_tours, sch_model *md);
void oq__model_free(oq_mem *m, sch_model *md);
/* Units from a solution x of the model (rounded to integers). */
int oq__model_units(const oq_schedule *s, oq_mem *m, const sch_model *md, const double *x,
                    sch_units *us);
/* A start vector from units (for a solver's warm start): x[0 .. n_cols - 1];
 * x must hold n_cols + n doubles (the tail is scratch). */
void oq__model_from_units(const oq_schedule *s, const sch_model *md, const sch_units *us,
                          const sch_costs *c, double *x);

/* ---- solvers ---------------------------------------------------------------- */

typedef struct sch_solve {
    oq_mem mem;             /* the problem's allocator hook (a copy) */
    const oq_schedule *s;
    const oq_schedule_options *o;
    sch_costs costs;
    double t0_wall, t0_cpu;
    double deadline;        /* wall-clock seconds (oq__now) */
    int32_t status;         /* OQ_SCHED_* */
    double lower_bound;
    char message[256];
    char solver[32];
    sch_units units;
    oq_error *err;
} sch_solve;

double oq__now(void);       /* monotonic wall clock, seconds */
double oq__cpu_now(void);   /* process CPU time, seconds */

/* Is the model a pure flow (no breaks, tours, per-day limits, headcount)? */
int oq__flow_applies(const oq_schedule *s, const oq_schedule_options *o);
/* The exact network solver: fills sv->units, status, lower bound, message.
 * Returns OQ_OK or an error (ENOMEM). */
oq_status oq__flow_solve(sch_solve *sv);
/* The MIP model through a hook (options.mip). */
oq_status oq__mip_solve(sch_solve *sv, const oq_schedule_solver *hook);
/* LP bound + rounding + local search. */
oq_status oq__heuristic_solve(sch_solve *sv);
/* Local search on a solution (moves, drops, repairs) until the deadline or
 * no move improves it. */
oq_status oq__improve_units(sch_solve *sv, sch_units *us);

/* Sort idx[0..n-1] by cmp(a, b, ctx) (stable merge sort; tmp holds n). */
void oq__sort_idx(int32_t *idx, int32_t n, int (*cmp)(int32_t, int32_t, const void *),
                  const void *ctx, int32_t *tmp);

#endif
