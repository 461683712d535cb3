/* SPDX-License-Identifier: MIT */
/* Internal: the local-search state of the built-in heuristic — live units,
 * coverage, the marginal value of one agent more in each interval, the unit
 * types a greedy step may add, and the counters the limits need. */
#ifndef OQ_SCHEDULE_HEUR_H
#define OQ_SCHEDULE_HEUR_H

#include "schedule/internal.h"

/* A unit type: a daily shift (tpl, day, start offset `band`; tour -1) or a
 * tour column (tour, pattern, band). */
typedef struct hx_type {
    int32_t tpl, tour, pattern, band, day;
} hx_type;

typedef struct hx {
    sch_solve *sv;
    const oq_schedule *s;
    const sch_costs *c;
    oq_mem *mem;
    int32_t n, span;        /* intervals; positions a duty may reach (3n) */
    int32_t *cov;
    double hard_w;          /* hard objective: cost of one agent-interval short */
    double obj;             /* cost + penalties of the live units */
    double cost;
    sch_units us;
    uint8_t *alive;         /* per unit */
    int32_t alive_cap;
    int32_t n_alive;
    hx_type *types;
    int32_t n_types, cap_types;
    double *pa;             /* prefix sums of the marginal value over span */
    int32_t pa_from;        /* pa[0..pa_from] current, the rest stale */
    /* limits */
    int32_t *cnt_start;     /* n_tpl x span: agents per (template, start) */
    int32_t *cnt_day;       /* n_tpl x days */
    int32_t *cnt_tour;      /* n_tour */
    int32_t *daily_on_day;  /* days: daily shifts starting that day */
    int32_t tours_alive;
    /* scratch */
    double *dp;             /* (per_day + 1) x SCH_MAX_BREAKS */
    int32_t *dpq;
    double *hkey;           /* greedy heap */
    int32_t *hidx;
    int32_t hn;
    int32_t *list;          /* undo lists */
    int32_t list_cap;
    uint64_t rng[4];
    int64_t moves;
} hx;

int oq__hx_init(hx *h, sch_solve *sv);
void oq__hx_free(hx *h);
/* Add a unit (copied) to the live set if its limits allow; 0 out of memory. */
int oq__hx_add(hx *h, const sch_unit *u, const sch_duty_inst *d);
/* Greedy: add the best unit while one lowers the objective. 0 out of memory. */
int oq__hx_greedy(hx *h);
/* Re-decompose the days off of every start band of the tours with one start,
 * fixed breaks and any days off (the rest fixed, each band's best count and
 * days exactly). Returns the bands improved, -1 out of memory. */
int64_t oq__hx_band_pass(hx *h, double deadline);
/* Local search until the deadline, a long stall, or the gap to lower_bound
 * within the options' tolerance. 0 out of memory. */
int oq__hx_search(hx *h, double lower_bound, double deadline);
/* Weekday counts left[] to agents: one agent's days_on (`on`) weekdays, those
 * with most left (taken off left[]); the mask. Every count is worked when
 * each left[w] <= the agents still to take and sum left = on * agents. */
int32_t oq__band_pattern(int32_t on, int32_t *left);
/* The unit of one agent of tour k starting at offset `band` every working day
 * of weekday mask `pattern`, breaks at their (fixed) earliest offsets; d
 * holds 7 * 53 duties. */
void oq__band_unit(const oq_schedule *s, int32_t k, int32_t band, int32_t pattern, sch_unit *u,
                   sch_duty_inst *d);
/* The LP solution x of model md: tour columns of tours with one start a day,
 * fixed breaks and any days off rounded band by band — the band's fractional
 * agent count W to nearest, its weekday counts by largest remainder to sum
 * days_on * W (each <= W), split into agents as the band move does (each
 * takes the days_on weekdays with most left) — so the start keeps the LP's
 * shape instead of losing every column's fraction to a floor. Those columns
 * are zeroed in x (the model's own rounding then skips them) and their
 * agents pushed to us. 0 out of memory. */
int oq__lp_round_bands(sch_solve *sv, const sch_model *md, double *x, sch_units *us);
/* The live units into *out (which must be empty). 0 out of memory. */
int oq__hx_export(hx *h, sch_units *out);
/* Agent-intervals short of the requirement now. */
int64_t oq__hx_under(const hx *h);

#endif
