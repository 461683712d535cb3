/* SPDX-License-Identifier: MIT */
/* omniq — core: status codes, version, allocator hook.
 *
 * Everything here is pure and thread-safe: no function in this header touches
 * mutable state. */
#ifndef OMNIQ_CORE_H
#define OMNIQ_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "omniq/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OQ_VERSION_MAJOR 0
#define OQ_VERSION_MINOR 1
#define OQ_VERSION_PATCH 0
#define OQ_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with oq_version_number(). */
#define OQ_VERSION_NUMBER \
    (OQ_VERSION_MAJOR * 10000 + OQ_VERSION_MINOR * 100 + OQ_VERSION_PATCH)

/* Every fallible function returns an oq_status: OQ_OK (0) or a negative code.
 * A plain int32_t (not an enum) so its size is fixed for ctypes and the ABI. */
typedef int32_t oq_status;

#define OQ_OK        0   /* success */
#define OQ_EINVAL   -1   /* an argument is NULL, malformed or out of range */
#define OQ_ENOTFOUND -2  /* an id names no object of that kind */
#define OQ_EEXIST   -3   /* an object with that id already exists */
#define OQ_ENOMEM   -4   /* the allocator refused; nothing was changed */
#define OQ_ESTATE   -5   /* the operation is illegal in the object's current state */
#define OQ_ECONFIG  -6   /* a configuration is inconsistent or cannot be parsed */
#define OQ_EBUSY    -7   /* a mutating call was made from inside an engine callback */
#define OQ_ECORRUPT -8   /* damaged input (snapshot, journal record, sequence gap) or an internal invariant that does not hold (oq_engine_check) */
#define OQ_ERANGE   -9   /* a count or size exceeds a built-in limit */

/* A static, NUL-terminated English description of `status` ("invalid argument").
 * Unknown codes give "unknown status". Never NULL; the string is owned by the
 * library and lives for the whole process. Thread-safe. */
OQ_API const char *oq_status_str(oq_status status);

/* The symbolic name of `status` ("OQ_EINVAL"), or "OQ_UNKNOWN". Static, thread-safe. */
OQ_API const char *oq_status_name(oq_status status);

/* The run-time library version as "MAJOR.MINOR.PATCH". Static, thread-safe.
 * Hosts linking dynamically (or through ctypes) should compare this, not the
 * macros, which only describe the headers they were compiled against. */
OQ_API const char *oq_version(void);

/* The run-time version as MAJOR * 10000 + MINOR * 100 + PATCH. Thread-safe. */
OQ_API int32_t oq_version_number(void);

/* Allocator hook, in the style of Lua's lua_Alloc: one function does it all.
 * (Unlike lua_Alloc, `user` comes last, as in every omniq callback.)
 *   new_size > 0, ptr == NULL      -> allocate new_size bytes
 *   new_size > 0, ptr != NULL      -> resize a block of old_size bytes
 *   new_size == 0                  -> free ptr (a block of old_size bytes); return NULL
 * It must return memory aligned for any object type, or NULL on failure (never
 * abort). The engine always passes the exact size it allocated as old_size, so
 * a hook can account bytes precisely. `user` is the pointer given alongside. */
typedef void *(*oq_alloc_fn)(void *ptr, size_t old_size, size_t new_size, void *user);

/* Free memory the library returned to the caller (a YAML dump, a snapshot
 * buffer, a report string: each function says when). NULL is a no-op.
 * Thread-safe. */
OQ_API void oq_free(void *ptr);

/* Versioned structs: how the ABI grows.
 *
 * Every public struct whose first field is `uint32_t struct_size` is
 * versioned; a release may append fields to it, never reorder, resize or
 * remove one. struct_size tells the library which version the host was
 * compiled against (the sizeof in its headers).
 *
 * Input structs (options and specs: oq_engine_options, oq_queue_spec,
 * oq_sim_options, ...) are filled by their _init function, which sets
 * struct_size, then changed field by field. The library accepts
 *     end of the first field after struct_size <= struct_size <= sizeof
 * (for oq_staffing_options the first field after `reserved`), copies the
 * caller's struct_size bytes over a struct holding the _init defaults and
 * works on that: a host built against an older header gets the defaults for
 * the fields it does not know. A struct_size above this library's sizeof
 * (a header newer than the library), below the minimum (never set) or not a
 * multiple of the struct's alignment (_Alignof: 8 with a pointer, double
 * or int64, 4 for int32 only; no header's struct ends elsewhere, and such a
 * size would cut a pointer in two) is
 * OQ_EINVAL, with a message naming the struct ("oq_queue_spec.struct_size:
 * ..."). A field added in a later version never takes the tail padding of
 * the version before (it starts at or after that version's sizeof), so an
 * older host's padding bytes are never read as a value. Arrays of versioned structs (oq_roster_agent) are strided by this
 * library's sizeof, so their elements must have exactly that size.
 *
 * Output structs (oq_queue_stats, oq_agent_stats, oq_agent_info,
 * oq_queue_info, oq_contact_info, oq_engine_counts, oq_reason_stats, the
 * planning results — oq_plan_summary, oq_schedule_summary, oq_roster_shift,
 * oq_sim_stats, oq_forecast_info, oq_backtest_result, ... —, the Erlang
 * results oq_erlang_a_result, oq_staffing_result, oq_erlang_chat_result,
 * oq_plan_totals, oq_error — with its own rule for a bad size, below —
 * and an input struct read back such as oq_queue_get_spec's or
 * oq_schedule_get_horizon's) have
 * their struct_size set by the caller before the
 * call, with OQ_OUTPUT_INIT below or, for input types, the _init function.
 * The library writes only the first struct_size bytes (struct_size itself
 * stays as set; bytes past it are untouched) and accepts the same range as
 * for inputs (a getter of a planning object or of a simulator result, and
 * a pure Erlang function, which have no engine message they may change,
 * name the struct — or the
 * index out of range — in its oq_error *err). A host reading a field knows
 * it was written when its header has it.
 *
 * Not versioned (no struct_size; their layout is fixed forever, a change
 * would be a new struct or a new function): elements of arrays the caller
 * passes in or has filled (oq_sim_stream, oq_sim_window, oq_sim_agent,
 * oq_sim_dist, oq_shift_break, oq_plan_group, oq_plan_staff, oq_special_day,
 * oq_forecast_row, oq_plan_interval: an array is
 * strided by one sizeof, so every element would need the same struct_size
 * and a mismatch could not be detected per element); payloads the library
 * hands to a callback or through a borrowed pointer (oq_event,
 * oq_journal_record, oq_history_entry: the library owns and fills them, the
 * host only reads what its header knows, so no size travels with them);
 * the solver-hook contract (oq_mip, oq_mip_result, oq_schedule_solver:
 * versioned as a whole by the hook's interface); and small value structs
 * (oq_local_time, oq_script_action, oq_sim_estimate: embedded in other
 * structs as values or filled whole, never grown).
 *
 * Rules for the headers themselves: a new field goes at the end and must
 * start at or after the previous version's sizeof (add an explicit reserved
 * field rather than let it fall into old tail padding, which an old host
 * passes uninitialised); a public struct never embeds another versioned
 * struct (it points to one, as oq_plan_options.sim, or the settings are
 * read separately, as oq_queue_get_spec); a version ends without tail
 * padding (a reserved field fills it) and tests/unit/test_abi.c records
 * every version's size; small value structs without struct_size
 * (oq_sim_dist, oq_sim_estimate, ...) are fixed forever and never grow.
 * Snapshots: a library reads its own snapshot format and the one before
 * (oq_engine_restore, docs/reliability.md). */

/* An output struct of `type` with struct_size set and every other field
 * zero, for a declaration: `oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);`.
 * (ctypes hosts set struct_size = sizeof themselves.) */
#define OQ_OUTPUT_INIT(type) { .struct_size = (uint32_t)sizeof(type) }

/* The one error shape of the calls that have no live engine to hold a
 * message: the configuration, scenario, calendar, shift and plan loaders,
 * snapshot restore, journal replay (oq_journal_apply), simulator creation
 * and the planning modules' constructors. (A call on a live engine keeps its
 * message in oq_engine_last_error instead.)
 *
 * A versioned output struct (above): the caller owns it and sets
 * struct_size (OQ_ERROR_INIT, oq_error_init; ctypes hosts set sizeof
 * themselves). A function taking `oq_error *err` accepts NULL there (the
 * status alone then says what happened). On failure it writes the first
 * min(struct_size, sizeof(oq_error)) bytes of the error — struct_size stays
 * as set, bytes past it are untouched, a string the size cuts is still
 * NUL-terminated, and a struct_size of 0 (never set) receives nothing — and
 * on success it leaves *err untouched. Unlike the other output structs a bad
 * struct_size here never fails the call: the error's own destination must
 * not be a reason for an error that could not then be reported.
 * Thread-safety: nothing is kept between calls; each thread uses its own. */
typedef struct oq_error {
    uint32_t struct_size; /* set by the caller: sizeof(oq_error) of its header */
    oq_status status;     /* the status the call returned */
    int32_t line;         /* 1-based line in `path`; 0 when the error has no position */
    int32_t column;       /* 1-based column; 0 likewise */
    char message[512];    /* NUL-terminated, naming the field, id or file:line:col, e.g.
                             "shifts.yaml:4:12: templates[0].length: ..." */
    char path[256];       /* the file (or buffer) name; "" when none */
} oq_error;

/* An oq_error ready to receive an error: `oq_error err = OQ_ERROR_INIT;`. */
#define OQ_ERROR_INIT OQ_OUTPUT_INIT(oq_error)

/* Zero *err and set its struct_size to sizeof(oq_error) (for hosts that
 * cannot use OQ_ERROR_INIT). NULL is a no-op. Thread-safe. */
OQ_API void oq_error_init(oq_error *err);

/* ---- time windows -------------------------------------------------------- */

/* A window of time [start_s, end_s) in seconds from a start its user names:
 * an agent's shift or break in a simulation (omniq/sim.h: from the run's
 * start), a roster's shifts and breaks (omniq/schedule.h: from the horizon's
 * start). Declared here because both use it and neither depends on the
 * other. A plain value struct (not versioned). */
typedef struct oq_sim_window {
    double start_s;
    double end_s;
    const char *reason;         /* breaks: the not-ready reason (NULL: "break") */
} oq_sim_window;

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_CORE_H */
