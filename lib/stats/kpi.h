/* SPDX-License-Identifier: MIT */
/* Internal: the one set of KPI formulas of omniq — every ratio and mean the
 * statistics report, computed from counts.
 *
 * Pure functions of their arguments (no engine state), so the layers above
 * the statistics use them too: the simulator (lib/sim/results.c) derives
 * its service levels, rates and means here instead of keeping formulas of
 * its own (docs/design.md, "one KPI pipeline"). Static inline: the engine's
 * read-out and the simulator's pay a call to nothing.
 *
 * A ratio with a zero denominator has no value; what it reads as is the
 * reader's choice, passed as `if_empty`: the engine's read-out
 * (oq_stats_service_level, oq_queue_stats) reports 0, the simulator 1 for a
 * service level (an interval with nothing answered or abandoned missed no
 * target: the planner's convention) — docs/statistics.md, "Empty periods". */
#ifndef OQ_STATS_KPI_H
#define OQ_STATS_KPI_H

#include <stdint.h>

#include "core/sat.h"
#include "omniq/stats.h"

/* num / den, or if_empty when den is not > 0. */
static inline double oq__kpi_ratio(double num, double den, double if_empty)
{
    return den > 0 ? num / den : if_empty;
}

/* The counts a service level is defined on (stats.h, OQ_SL_*). */
typedef struct oq__kpi_counts {
    int64_t offered;
    int64_t answered;
    int64_t answered_within;   /* A: answered with wait <= T */
    int64_t abandoned;
    int64_t abandoned_short;
    int64_t abandoned_within;  /* B: abandoned with wait <= T */
} oq__kpi_counts;

/* Answered plus abandoned: the contacts whose wait ended with an outcome. */
static inline int64_t oq__kpi_done(const oq__kpi_counts *c)
{
    return oq__sat_add(c->answered, c->abandoned);
}

/* Service level of `definition` (OQ_SL_*) into *out; 0 for an unknown
 * definition (*out untouched). */
static inline int oq__kpi_service_level(const oq__kpi_counts *c, int32_t definition,
                                        double if_empty, double *out)
{
    int64_t num = c->answered_within, den;
    switch (definition) {
    case OQ_SL_ANSWERED_ABANDONED: den = oq__kpi_done(c); break;
    case OQ_SL_OFFERED: den = c->offered; break;
    case OQ_SL_OFFERED_NO_SHORT: den = c->offered - c->abandoned_short; break;
    case OQ_SL_ANSWERED: den = c->answered; break;
    case OQ_SL_ASTERISK_SL2:
        num = oq__sat_add(c->answered_within, c->abandoned_within);
        den = oq__kpi_done(c);
        break;
    default: return 0;
    }
    *out = oq__kpi_ratio((double)num, (double)den, if_empty);
    return 1;
}

/* Abandoned over offered (as everywhere in omniq: Erlang A's p_abandon too). */
static inline double oq__kpi_abandon_rate(const oq__kpi_counts *c)
{
    return oq__kpi_ratio((double)c->abandoned, (double)c->offered, 0.0);
}

/* The share of the outcomes that waited at all (wait > 0). */
static inline double oq__kpi_p_wait(const oq__kpi_counts *c, int64_t waited)
{
    return oq__kpi_ratio((double)waited, (double)oq__kpi_done(c), 0.0);
}

/* A mean of a sum of seconds over n items; 0 over none. */
static inline double oq__kpi_mean(double sum_s, int64_t n)
{
    return oq__kpi_ratio(sum_s, (double)n, 0.0);
}

/* A mean in seconds of a sum of milliseconds over n items; 0 over none. */
static inline double oq__kpi_mean_ms(int64_t sum_ms, int64_t n)
{
    return n > 0 ? (double)sum_ms / 1000.0 / (double)n : 0.0;
}

/* Agent time holding work over logged-in time; 0 when nobody was logged in. */
static inline double oq__kpi_occupancy(double busy, double staffed)
{
    return oq__kpi_ratio(busy, staffed, 0.0);
}

#endif
