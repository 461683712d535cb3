/* SPDX-License-Identifier: MIT */
/* Clocks for the solvers' time limits and reported times. (The routing
 * engine never reads a clock; a solver with a time limit has to.) */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <time.h>

#include "schedule/internal.h"

double oq__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double oq__cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
