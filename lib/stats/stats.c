/* Statistics: not collected yet (issue 5). The hooks are in place. */
#include "stats/hook.h"

oq_status oq__stats_create(oq_engine *e)
{
    e->stats = NULL;
    return OQ_OK;
}

void oq__stats_destroy(oq_engine *e) { e->stats = NULL; }

void oq__stats_on_event(oq_engine *e, const oq_event *ev)
{
    (void)e;
    (void)ev;
}

void oq__stats_on_timer(oq_engine *e) { (void)e; }
