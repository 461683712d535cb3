/* SPDX-License-Identifier: MIT */
/* How a module above the engine reports an error on a live engine: the
 * engine's last-error message (oq_engine_last_error) set with the status it
 * returns. The one piece of the engine's private interface the configuration
 * module's scripts use (docs/design.md, "What modules above the engine see"). */
#ifndef OQ_ENGINE_FAIL_H
#define OQ_ENGINE_FAIL_H

#include "omniq/engine.h"

#if defined(__GNUC__) || defined(__clang__)
#define OQ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OQ_PRINTF(a, b)
#endif

/* Record a message for `status` and return status. */
#define OQ_ENGINE_ERR_MAX 512
oq_status oq__fail(const oq_engine *e, oq_status status, const char *fmt, ...) OQ_PRINTF(3, 4);

#endif /* OQ_ENGINE_FAIL_H */
