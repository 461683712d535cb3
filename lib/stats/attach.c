/* SPDX-License-Identifier: MIT */
/* The engine hosts create: the routing core (lib/engine) with the
 * statistics attached as its listener. Creation lives here, one layer up,
 * so that the engine never names the statistics (engine/observer.h). */
#include "engine/observer.h"
#include "stats/hook.h"

static const oq__observer stats_observer = {
    oq__stats_create, oq__stats_destroy, oq__stats_on_event, oq__stats_check, oq__stats_on_timer,
};

oq_status oq_engine_create(const oq_engine_options *opts, oq_engine **out)
{
    return oq__engine_create(opts, &stats_observer, out);
}
