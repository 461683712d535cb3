/* omniq — service-level mathematics (Erlang B, C, A and staffing).
 * Pure functions: no engine, no allocation, thread-safe. */
#ifndef OMNIQ_ERLANG_H
#define OMNIQ_ERLANG_H

#include "omniq/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Erlang B: the probability that a contact offered `load` Erlangs to
 * `agents` servers with no queue is blocked. OQ_EINVAL for a negative, NaN or
 * infinite load or negative agents; *blocking untouched on error. */
OQ_API oq_status oq_erlang_b(double load, int32_t agents, double *blocking);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_ERLANG_H */
