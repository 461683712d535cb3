/* SPDX-License-Identifier: MIT */
/* Internal: a calendar as bytes, for snapshots and journal records. The
 * zone's transition table and rule are written as the calendar holds them
 * (a restored engine answers as the saved one did, whatever tz database the
 * restoring machine has); hours, exceptions and holidays are rebuilt through
 * the calendar's own building calls, so a damaged record is refused with the
 * same checks a host's calls get. */
#ifndef OQ_CALENDAR_CODEC_H
#define OQ_CALENDAR_CODEC_H

#include "omniq/calendar.h"
#include "core/codec.h"

void oq__w_calendar(oq_wr *w, const oq_calendar *cal);

/* Read one calendar allocating through `opts`; 0 on error (recorded in r,
 * with *nomem set when memory ran out). *out untouched on error. */
int oq__r_calendar(oq_rd *r, const oq_calendar_options *opts, oq_calendar **out, int *nomem);

#endif
