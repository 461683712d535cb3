/* SPDX-License-Identifier: MIT */
/* The engine hosts create: the routing core (lib/engine) with the
 * statistics attached as its listener. Creation lives here, one layer up,
 * so that the engine never names the statistics (engine/observer.h). */
#include "engine/observer.h"
#include "stats/attach.h"
#include "stats/hook.h"

static const oq__observer stats_observer = {
    oq__stats_create, oq__stats_destroy, oq__stats_on_event, oq__stats_check, oq__stats_on_timer,
};

oq_status oq_engine_create(const oq_engine_options *opts, oq_engine **out)
{
    return oq__engine_create(opts, &stats_observer, out);
}

/* The listener that keeps nothing: no state, no timer, nothing to check. */
static oq_status none_attach(oq_engine *e)
{
    (void)e;
    return OQ_OK;
}
static void none_detach(oq_engine *e) { (void)e; }
static void none_event(oq_engine *e, const oq_event *ev, oq_contact *c, oq_agent *a)
{
    (void)e, (void)ev, (void)c, (void)a;
}
static oq_status none_check(oq_engine *e)
{
    (void)e;
    return OQ_OK;
}
static void none_timer(oq_engine *e, int64_t until) { (void)e, (void)until; }

static const oq__observer no_observer = {none_attach, none_detach, none_event, none_check, none_timer};

oq_status oq__engine_create_without_stats(const oq_engine_options *opts, oq_engine **out)
{
    return oq__engine_create(opts, &no_observer, out);
}
