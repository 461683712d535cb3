/* SPDX-License-Identifier: MIT */
/* Internal: the simulation result of a roster and the staffing loop's plan. */
#ifndef OQ_PLAN_INTERNAL_H
#define OQ_PLAN_INTERNAL_H

#include "core/abi.h"
#include "core/error.h"
#include "core/mem.h"
#include "omniq/plan.h"

/* One cell of the counts (oq_plan_counts without its struct_size: the
 * result holds replications x intervals x scopes of them). */
typedef struct plan_counts {
    int64_t offered, answered, answered_in_t, abandoned;
} plan_counts;

struct oq_plan_sim {
    oq_mem mem;
    oq_plan_sim_info info;
    int32_t n_scopes;           /* 1 + n_queues: scope 0 is the total, q + 1 queue q */
    const char **queues;        /* n_queues ids (borrowed from the center's streams) */
    plan_counts *counts;        /* [replication][interval][scope] */
};

/* The clocks of lib/schedule/clock.c (monotonic wall, process CPU), seconds. */
double oq__now(void);
double oq__cpu_now(void);

/* The simulator options of the center (`*center`, when not NULL) copied
 * over the defaults into *full and *center pointed at it (core.h: versioned
 * structs). OQ_EINVAL with "center: ..." in *err on a bad struct_size. */
oq_status oq__plan_center(const oq_sim_options **center, oq_sim_options *full, oq_error *err);

#endif
