/* SPDX-License-Identifier: MIT */
/* omniq — umbrella header: include this one. */
#ifndef OMNIQ_OMNIQ_H
#define OMNIQ_OMNIQ_H

#include "omniq/core.h"
#include "omniq/engine.h"
#include "omniq/model.h"
#include "omniq/contact.h"
#include "omniq/escalation.h"
#include "omniq/profile.h"
#include "omniq/erlang.h"
#include "omniq/config.h"
#include "omniq/stats.h"
#include "omniq/journal.h"
#include "omniq/snapshot.h"
#include "omniq/sim.h"
#include "omniq/scenario.h"
#include "omniq/calendar.h"
#include "omniq/forecast.h"
#include "omniq/schedule.h"
#include "omniq/plan.h"

#endif /* OMNIQ_OMNIQ_H */
