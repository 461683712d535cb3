/* SPDX-License-Identifier: MIT */
/* Internal: the result object (rows, figures, and the copies of the problem
 * it keeps so it outlives it). */
#ifndef OQ_SCHEDULE_RESULT_H
#define OQ_SCHEDULE_RESULT_H

#include "schedule/internal.h"

struct oq_schedule_result {
    oq_mem mem;
    oq_schedule_horizon h;
    int32_t per_day, n, first_weekday;
    int32_t *required;
    sch_template *tpl;          /* copies: names, lengths, breaks, costs, skills */
    int32_t n_tpl;
    char **tour_names;
    int32_t n_tour;
    int32_t status;
    double objective, cost, paid_hours, lower_bound, gap, seconds, cpu_seconds;
    int64_t under, over;
    int32_t agents;
    char message[256];
    char solver[32];
    oq_schedule_shift *shift;
    int32_t n_shift, cap_shift;
    int32_t *brk_first;         /* per shift row: its first break in brk */
    int32_t cap_bf;
    oq_schedule_break *brk;
    int32_t n_brk, cap_brk;
    oq_schedule_tour_row *tours;
    int32_t n_tours, cap_tours;
};

#endif
