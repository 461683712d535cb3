/* SPDX-License-Identifier: MIT */
/* Business hours in the engine: the calendars it owns, each with one timer
 * at its next opening or closing, queues' open state, and the business-time
 * clocks of queues that count only open time. */
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

#define NEVER_DAYS 1000 /* calendar.h: next_open gives up after this many closed days */

static void ecal_free(oq_engine *e, oq_ecal *k)
{
    oq_calendar_destroy(k->cal);
    oq__strfree(&e->mem, k->id);
    oq__free(&e->mem, k, sizeof *k);
}

void oq__calendars_free(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_calendars; i++)
        if (e->calendars[i])
            ecal_free(e, e->calendars[i]);
    oq__free(&e->mem, e->calendars, (size_t)e->cap_calendars * sizeof *e->calendars);
    e->calendars = NULL;
    e->n_calendars = e->cap_calendars = e->live_calendars = 0;
    oq__idmap_clear(&e->calendar_ids);
}

static int cal_open(const oq_calendar *cal, int64_t t)
{
    int32_t open = 1;
    return oq_calendar_is_open(cal, t, &open) == OQ_OK ? open : 1;
}

int oq__queue_open(const oq_engine *e, const oq_queue *q)
{
    return q->calendar < 0 || e->calendars[q->calendar]->open;
}

void oq__calendar_schedule(oq_engine *e, oq_ecal *k)
{
    /* A calendar no queue names changes nothing when it opens or closes: it
     * keeps no timer (a clock moved on by years would otherwise fire two
     * timers a day for it); oq__calendar_use brings it up to date. */
    if (k->refs == 0) {
        oq__timer_cancel(e, &k->timer);
        return;
    }
    int64_t next = INT64_MAX;
    oq_status st = k->open ? oq_calendar_next_close(k->cal, e->now, &next)
                           : oq_calendar_next_open(k->cal, e->now, &next);
    if (st == OQ_ENOTFOUND) /* closed for 1,000 days ahead: look again then */
        next = oq__add_ms(e->now, (int64_t)NEVER_DAYS * OQ_MS_PER_DAY);
    else if (st != OQ_OK)
        next = INT64_MAX; /* the clock is outside years 1..9999: it never changes */
    if (next == INT64_MAX)
        oq__timer_cancel(e, &k->timer);
    else
        oq__timer_arm(e, &k->timer, next, OQ_TIMER_CALENDAR);
}

void oq__calendar_changed(oq_engine *e, oq_ecal *k)
{
    int open = cal_open(k->cal, e->now);
    if (open != k->open) {
        k->open = open;
        for (int32_t i = 0; i < e->n_queues; i++) {
            oq_queue *q = e->queues[i];
            if (!q || q->calendar != k->idx)
                continue;
            oq_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = open ? OQ_EV_QUEUE_OPENED : OQ_EV_QUEUE_CLOSED;
            ev.time_ms = e->now;
            ev.queue = q->id;
            ev.detail = k->id;
            oq__emit(e, &ev, NULL, NULL);
        }
    }
    oq__calendar_schedule(e, k);
}

void oq__calendar_use(oq_engine *e, int32_t idx, int32_t delta)
{
    oq_ecal *k = e->calendars[idx];
    k->refs += delta;
    if (delta > 0 && k->refs == delta) /* first user: its state as of now */
        k->open = cal_open(k->cal, e->now);
    if (k->refs == 0 || k->refs == delta)
        oq__calendar_schedule(e, k);
}

/* A copy of the host's calendar with the engine's allocator. */
static oq_status copy_calendar(oq_engine *e, const oq_calendar *cal, oq_calendar **out)
{
    oq_calendar_options opts;
    oq_calendar_options_init(&opts);
    opts.alloc = e->mem.fn;
    opts.alloc_user = e->mem.user;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_calendar_copy(cal, &opts, out, &err);
    if (st != OQ_OK)
        return oq__fail(e, st, "calendar '%s': %s", oq_calendar_id(cal), err.message);
    return OQ_OK;
}

oq_status oq_engine_add_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal)
{
    OQ_RECORDED(e, CALENDAR_ADD, oq_engine_add_calendar, now_ms, cal);
    oq_status st = oq__enter_at(e, now_ms);
    if (st != OQ_OK)
        return st;
    if (!cal)
        return oq__fail(e, OQ_EINVAL, "calendar is NULL");
    const char *id = oq_calendar_id(cal);
    if ((st = oq__check_id(e, "calendar.id", id)) != OQ_OK)
        return st;
    if (oq__idmap_get(&e->calendar_ids, id))
        return oq__fail(e, OQ_EEXIST, "calendar '%s' already exists", id);
    oq_ecal *k = oq__calloc(&e->mem, 1, sizeof *k);
    if (!k)
        return oq__fail(e, OQ_ENOMEM, "calendar '%s': out of memory", id);
    k->timer.pos = -1;
    k->idx = e->n_calendars;
    k->id = oq__strndup(&e->mem, id, strlen(id));
    if (!k->id || copy_calendar(e, cal, &k->cal) != OQ_OK ||
        !oq__grow(&e->mem, (void **)&e->calendars, &e->cap_calendars, e->n_calendars + 1,
                  sizeof(void *)) ||
        !oq__reserve_timers(e, 0, 1) /* room for its timer (counted like an agent's) */ ||
        !oq__idmap_put(&e->calendar_ids, k->id, k)) {
        ecal_free(e, k);
        return oq__fail(e, OQ_ENOMEM, "calendar '%s': out of memory", id);
    }
    e->calendars[e->n_calendars++] = k;
    e->live_calendars++;
    k->open = cal_open(k->cal, e->now);
    oq__calendar_schedule(e, k);
    return OQ_OK;
}

oq_status oq_engine_replace_calendar(oq_engine *e, int64_t now_ms, const oq_calendar *cal)
{
    OQ_RECORDED(e, CALENDAR_REPLACE, oq_engine_replace_calendar, now_ms, cal);
    oq_status st = oq__enter_at(e, now_ms);
    if (st != OQ_OK)
        return st;
    if (!cal)
        return oq__fail(e, OQ_EINVAL, "calendar is NULL");
    oq_ecal *k = NULL;
    oq_calendar *copy = NULL;
    if ((st = oq__find_calendar(e, "calendar", oq_calendar_id(cal), &k)) != OQ_OK ||
        (st = copy_calendar(e, cal, &copy)) != OQ_OK)
        return st;
    oq_calendar_destroy(k->cal);
    k->cal = copy;
    /* The business clocks of its queues' waiting contacts count differently
     * now: their ladder steps and limits are re-armed by the dispatch. */
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && e->queues[i]->calendar == k->idx)
            oq__queue_rewake(e, e->queues[i]);
    oq__deadlines_rearm(e, NULL, k->idx); /* so do their deadline warnings */
    oq__calendar_changed(e, k);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_engine_remove_calendar(oq_engine *e, const char *id)
{
    OQ_RECORDED(e, CALENDAR_REMOVE, oq_engine_remove_calendar, id);
    oq_status st = oq__enter(e);
    oq_ecal *k = NULL;
    if (st == OQ_OK)
        st = oq__find_calendar(e, "calendar", id, &k);
    if (st != OQ_OK)
        return st;
    if (k->refs > 0)
        return oq__fail(e, OQ_ESTATE, "calendar '%s': %d queue(s) use it", id, k->refs);
    oq__timer_cancel(e, &k->timer);
    oq__idmap_del(&e->calendar_ids, k->id);
    e->calendars[k->idx] = NULL;
    e->live_calendars--;
    ecal_free(e, k);
    return OQ_OK;
}

oq_status oq_engine_get_calendar(const oq_engine *e, const char *id, const oq_calendar **out)
{
    if (!e || !out)
        return OQ_EINVAL;
    const oq_ecal *k = NULL;
    oq_status st = oq__lookup_calendar(e, "calendar", id, &k);
    if (st != OQ_OK)
        return st;
    *out = k->cal;
    return OQ_OK;
}

oq_status oq_engine_calendar_count(const oq_engine *e, int32_t *count)
{
    if (!e || !count)
        return OQ_EINVAL;
    *count = e->live_calendars;
    return OQ_OK;
}

/* ---- business-time clocks ------------------------------------------------------ */

static const oq_calendar *clock_of(const oq_engine *e, const oq_queue *q)
{
    return q->business_time && q->calendar >= 0 ? e->calendars[q->calendar]->cal : NULL;
}

int64_t oq__queue_after(const oq_engine *e, const oq_queue *q, int64_t from, int64_t d_ms)
{
    const oq_calendar *cal = clock_of(e, q);
    if (!cal)
        return oq__add_ms(from, d_ms);
    int64_t out = INT64_MAX;
    return oq_calendar_add_business_ms(cal, from, d_ms, &out) == OQ_OK ? out : INT64_MAX;
}

int64_t oq__queue_elapsed(const oq_engine *e, const oq_queue *q, int64_t from, int64_t to)
{
    const oq_calendar *cal = clock_of(e, q);
    int64_t out = to - from;
    if (cal && to > from && oq_calendar_business_ms(cal, from, to, &out) != OQ_OK)
        out = to - from;
    return out;
}
