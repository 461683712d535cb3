/* SPDX-License-Identifier: MIT */
/* Internal: the simulator's pieces shared between its files. */
#ifndef OQ_SIM_INTERNAL_H
#define OQ_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "omniq/sim.h"
#include "stats/cohort.h"

/* ---- random numbers (rng.c) ---------------------------------------------- */

/* xoshiro256** (Blackman & Vigna), seeded through splitmix64. */
typedef struct oq_sim_rng {
    uint64_t s[4];
} oq_sim_rng;

void oq__sim_rng_seed(oq_sim_rng *r, uint64_t seed);
uint64_t oq__sim_rng_next(oq_sim_rng *r);
/* Uniform in the open interval (0, 1). */
double oq__sim_uniform(oq_sim_rng *r);
/* Standard exponential (mean 1). */
double oq__sim_exp1(oq_sim_rng *r);
/* A draw from `d`, in seconds (0 for OQ_DIST_NONE). `d` must be valid. */
double oq__sim_sample(oq_sim_rng *r, const oq_sim_dist *d);
/* OQ_OK, or OQ_EINVAL with a message "<field>: ..." written to buf. */
oq_status oq__sim_dist_check(const oq_sim_dist *d, int allow_none, const char *field, char *buf,
                             size_t buf_size);

/* ---- results (results.c) --------------------------------------------------- */

/* *out: the figures of one cohort cell (lib/stats counts them), its ratios
 * derived; total_scope: the total (agent time and occupancy are its only). */
void oq__sim_stats_read(oq_sim_stats *out, const oq__cohort_cell *c, int total_scope);

#endif
