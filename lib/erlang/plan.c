/* SPDX-License-Identifier: MIT */
/* Interval plan: required and scheduled agents for a day of intervals. */
#include <math.h>
#include <string.h>

#include "erlang/erlang_internal.h"

oq_status oq_erlang_plan(const double *contacts, const double *aht_s, int32_t n_intervals,
                         double interval_s, const oq_staffing_options *options,
                         oq_plan_interval *rows, oq_plan_totals *totals, oq_error *err)
{
    static const char fn[] = "oq_erlang_plan";
    oq_staffing_options full;
    /* the size first: a refused totals writes no row either */
    oq_status st = OQ__OUTPUT_CHECK(totals, oq_plan_totals, peak_required, err);
    if (st != OQ_OK)
        return st;
    if (!contacts || !aht_s || !rows)
        return oq__erlang_bad(err, fn, "contacts, aht_s and rows must not be NULL");
    if (n_intervals < 0)
        return oq__erlang_bad(err, fn, "n_intervals must be >= 0");
    if (!oq__pos(interval_s))
        return oq__erlang_bad(err, fn, "interval_s must be > 0 and finite");
    if ((st = oq__staffing_options_check(options, &full, fn, err)) != OQ_OK)
        return st;
    options = &full;
    for (int32_t i = 0; i < n_intervals; i++) {
        if (!oq__nonneg(contacts[i]))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "%s: contacts[%d] must be >= 0 and finite", fn, (int)i);
        if (contacts[i] > 0.0 &&
            (!oq__pos(aht_s[i]) || !isfinite(contacts[i] * aht_s[i] / interval_s)))
            return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                             "%s: aht_s[%d] must be > 0 and contacts * aht_s / interval_s "
                             "finite",
                             fn, (int)i);
    }
    oq_plan_totals t;
    memset(&t, 0, sizeof t);
    t.struct_size = (uint32_t)sizeof t;
    t.peak_interval = -1;
    double sl_weighted = 0.0;
    for (int32_t i = 0; i < n_intervals; i++) {
        oq_plan_interval row;
        memset(&row, 0, sizeof row);
        oq_staffing_result r;
        if (contacts[i] > 0.0) {
            row.load = contacts[i] * aht_s[i] / interval_s;
            if ((st = oq__staffing(row.load, aht_s[i], options, &r)) != OQ_OK)
                return oq__error(err, st, NULL, 0, 0,
                                 "%s: interval %d: the answer does not fit an int32_t agent "
                                 "count",
                                 fn, (int)i);
        } else {
            memset(&r, 0, sizeof r);
            r.service_level = 1.0;
        }
        row.required = r.required;
        row.scheduled = r.scheduled;
        row.service_level = r.service_level;
        row.asa_s = r.asa_s;
        row.occupancy = r.occupancy;
        row.p_abandon = r.p_abandon;
        row.p_wait = r.p_wait;
        rows[i] = row;
        t.contacts += contacts[i];
        t.required_agent_hours += row.required * interval_s / 3600.0;
        t.scheduled_agent_hours += row.scheduled * interval_s / 3600.0;
        sl_weighted += contacts[i] * row.service_level;
        if (t.peak_interval < 0 || row.required > t.peak_required) {
            t.peak_required = row.required;
            t.peak_interval = i;
        }
        if (row.scheduled > t.peak_scheduled)
            t.peak_scheduled = row.scheduled;
    }
    t.service_level = t.contacts > 0.0 ? sl_weighted / t.contacts : 1.0;
    return OQ__OUTPUT_PUT(totals, &t, oq_plan_totals, peak_required, err);
}
