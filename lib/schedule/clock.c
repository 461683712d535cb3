/* SPDX-License-Identifier: MIT */
/* Clocks for the solvers' time limits and reported times. (The routing
 * engine never reads a clock; a solver with a time limit has to.) */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <time.h>

#include "schedule/internal.h"

/* Time limits are wall time. A build with OQ_SCHED_LIMIT_CPU defined reads
 * them as this process's CPU time instead: on a shared machine that shows
 * what a quiet one would reach within the same limit (measurement only). */
double oq__now(void)
{
    struct timespec ts;
#ifdef OQ_SCHED_LIMIT_CPU
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double oq__cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
