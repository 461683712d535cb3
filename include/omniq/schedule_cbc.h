/* SPDX-License-Identifier: MIT */
/* omniq — COIN-OR CBC as the schedule module's mixed-integer solver
 * (libomniq_cbc, built when CMake finds the `cbc` pkg-config module).
 *
 *     oq_schedule_solver cbc;
 *     oq_schedule_cbc_solver(&cbc);
 *     opts.mip = &cbc;             // oq_schedule_options
 *
 * The hook solves the oq_mip the schedule module builds (implicit breaks and
 * tours, docs/scheduling.md) with CBC's branch and cut, within the options'
 * time limit and gap tolerance, starting from the module's own solution when
 * it passes one. CBC is EPL-2.0 software; linking libomniq_cbc brings it in,
 * the core library libomniq never does. Each call builds its own CBC model:
 * concurrent calls on different problems are independent. */
#ifndef OMNIQ_SCHEDULE_CBC_H
#define OMNIQ_SCHEDULE_CBC_H

#include "omniq/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill *out with the CBC solver hook (name "cbc"). OQ_EINVAL for NULL. */
OQ_API oq_status oq_schedule_cbc_solver(oq_schedule_solver *out);

/* CBC's version string ("2.10.8"), static. */
OQ_API const char *oq_schedule_cbc_version(void);

/* Solve one oq_mip with CBC: the function the hook points to, usable on its
 * own. `user` is ignored. Errors: OQ_EINVAL (NULL, n_cols or n_rows < 0, a
 * column start out of order), OQ_ENOMEM. */
OQ_API oq_status oq_schedule_cbc_solve(const oq_mip *mip, oq_mip_result *result, void *user);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_SCHEDULE_CBC_H */
