/* SPDX-License-Identifier: MIT */
/* omniq — configuration files (YAML) and scripts.
 *
 * A configuration file describes channels, skills, routing profiles, agent
 * groups, queues (with their ladders, limits and blending) and agents, plus a
 * few engine options; docs/config.md has the format. The loader builds a NEW
 * engine through the public API, so every validation of the API applies; on
 * any error the engine is destroyed (no half-built engine) and *err tells
 * where (file, 1-based line and column) and what was expected.
 *
 * A script is a configuration plus a `timeline:` of host actions at given
 * times (docs/config.md, "Scripts"); the `omniq run` command replays one.
 *
 * Memory: the parser (libyaml) and the loader's temporary tree use the C
 * library's malloc, not the engine's allocator hook (libyaml has no hook);
 * the engine built from the file allocates through opts->alloc as usual.
 * Strings returned to the caller (oq_config_dump) are freed with oq_free().
 *
 * Safety: YAML aliases are rejected (no "billion laughs"), nesting is bounded
 * (OQ_CONFIG_DEPTH_MAX), numbers are parsed strictly (no "12abc", NaN or
 * overflow), mapping keys must be unique and unknown keys are errors. The
 * document is validated while it is parsed: an unknown top-level key stops
 * the parse at once, and the size and node count are bounded
 * (oq_load_options; generous defaults, which a service loading files from
 * its users should lower).
 *
 * Errors: every loader reports into a caller's oq_error (core.h). An
 * unknown key or id comes with "did you mean '...'?" when a known
 * one is within a small edit distance. The loader goes on after an error in
 * one entry (a queue, an agent, a timeline item) to report the others, up to
 * oq_load_options.max_errors, each to oq_load_options.on_error; *err holds
 * the first.
 *
 * Thread-safety: the loader touches no global state; loading on several
 * threads at once is fine. Dump and the oq_config_count/oq_config_id getters
 * read an engine: same rules as the other read-only calls (engine.h). */
#ifndef OMNIQ_CONFIG_H
#define OMNIQ_CONFIG_H

#include "omniq/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OQ_CONFIG_DEPTH_MAX 32   /* deepest YAML nesting accepted */

/* Load a configuration file into a new engine. `opts` (may be NULL for
 * defaults) provides the allocator and the event sink; the file's `engine:`
 * section overrides its seed, start time and abandon_resume. On success
 * *out receives the engine. Errors: OQ_EINVAL (NULL argument), OQ_ECONFIG
 * (cannot read the file, bad YAML, bad or inconsistent content), OQ_ENOMEM;
 * *out is untouched and *err (oq_error, core.h; may be NULL) holds the
 * status, the file name, the 1-based line and column (0, 0 when the error has
 * no position, e.g. file not found) and the message
 * ("name:line:col: queues.sales.escalation[1].after: expected ..."). A file
 * containing a `timeline:` is rejected here: load it with oq_script_load_*.
 * *out belongs to the caller: destroy it with oq_engine_destroy. */
OQ_API oq_status oq_config_load_file(const oq_engine_options *opts, const char *path,
                                     oq_engine **out, oq_error *err);

/* The same from a buffer of `len` bytes (need not be NUL-terminated);
 * `name` (may be NULL: "<buffer>") is used in messages.
 * *out belongs to the caller: destroy it with oq_engine_destroy. */
OQ_API oq_status oq_config_load_buffer(const oq_engine_options *opts, const char *yaml,
                                       size_t len, const char *name, oq_engine **out,
                                       oq_error *err);

/* Write the engine's configuration (not its contacts or agent presence) as
 * YAML that loads into an identical configuration. *out_yaml receives a
 * NUL-terminated string (free it with oq_free), *out_len its length (may be
 * NULL). The engine section records the current clock as `start` and the
 * random generator's current state as `seed`. Errors: OQ_EINVAL, OQ_ENOMEM. */
OQ_API oq_status oq_config_dump(const oq_engine *e, char **out_yaml, size_t *out_len);

/* Enumeration of a configuration's ids (OQ_KIND_*, oq_config_count, oq_config_next,
 * oq_config_id, oq_config_exists) is declared in omniq/engine.h. */

/* ---- load options ---------------------------------------------------------- */

typedef struct oq_script oq_script;   /* a timeline (below) */

#define OQ_LOAD_MAX_BYTES_DEFAULT (64LL * 1024 * 1024) /* 64 MiB */
#define OQ_LOAD_MAX_NODES_DEFAULT 2000000LL             /* YAML nodes */
#define OQ_LOAD_MAX_ERRORS_DEFAULT 20
#define OQ_LOAD_MAX_ERRORS_MAX 1000

/* Receives each error of a load, in the order found (the first is also the
 * one in the loader's *err). `error` is valid during the call only. */
typedef void (*oq_load_error_fn)(const oq_error *error, void *user);

/* How oq_config_load / oq_scenario_load read a document. Caller-owned,
 * copied by the call; initialise with oq_load_options_init. */
typedef struct oq_load_options {
    uint32_t struct_size;       /* set by oq_load_options_init */
    int32_t max_errors;         /* errors reported before the loader stops, 1..OQ_LOAD_MAX_ERRORS_MAX
                                   (default 20) */
    int64_t max_bytes;          /* the largest document accepted, in bytes, >= 1
                                   (default OQ_LOAD_MAX_BYTES_DEFAULT) */
    int64_t max_nodes;          /* the most YAML nodes (scalars, mappings, lists), >= 1
                                   (default OQ_LOAD_MAX_NODES_DEFAULT: ~200 MB of tree at most) */
    int32_t check_references;   /* scripts: 1 = every timeline item must name a defined agent,
                                   queue and channel, and a contact an earlier `arrive`
                                   introduced (what `omniq check` does); 0 (default) = such
                                   references are checked when the action runs */
    int32_t reserved;           /* 0 */
    const oq_engine_options *engine; /* for the engine built (NULL: defaults; scenarios ignore it) */
    oq_load_error_fn on_error;  /* optional: every error, in order */
    void *error_user;
} oq_load_options;

/* Defaults as above; struct_size set. NULL is a no-op. Thread-safe. */
OQ_API void oq_load_options_init(oq_load_options *options);

/* Load a configuration or a script from the file `path`, or (path NULL) from
 * the buffer `yaml` of `len` bytes named `name` (may be NULL: "<buffer>").
 * With script == NULL the document must be a configuration (a `timeline:`
 * is an error, as in oq_config_load_file); otherwise *script receives the
 * timeline (free it with oq_script_free). `options` may be NULL (defaults).
 * On success *engine receives the engine; on error nothing is returned, *err
 * (may be NULL) holds the first error and options->on_error received each
 * one. Errors: OQ_EINVAL (NULL engine, bad options: named in *err),
 * OQ_ECONFIG (cannot read, bad YAML, a limit exceeded, bad content), OQ_ENOMEM.
 * Thread-safe as the other loaders. */
OQ_API oq_status oq_config_load(const oq_load_options *options, const char *path,
                                const char *yaml, size_t len, const char *name,
                                oq_engine **engine, oq_script **script, oq_error *err);

/* ---- scripts ------------------------------------------------------------ */

/* Timeline actions (oq_script_action.action). */
#define OQ_ACT_LOGIN        1  /* agent, ready */
#define OQ_ACT_READY        2  /* agent */
#define OQ_ACT_NOT_READY    3  /* agent, reason */
#define OQ_ACT_LOGOUT       4  /* agent */
#define OQ_ACT_ARRIVE       5  /* contact, channel, queue, customer, preferred_agent, priority, skills, deadline */
#define OQ_ACT_ACCEPT       6  /* contact, agent (NULL: the agent it is offered to) */
#define OQ_ACT_REJECT       7  /* contact, agent (likewise) */
#define OQ_ACT_ABANDON      8  /* contact */
#define OQ_ACT_COMPLETE     9  /* contact */
#define OQ_ACT_END_WRAPUP  10  /* agent */
#define OQ_ACT_TRANSFER    11  /* contact, queue; or contact, agent, wait_s */
#define OQ_ACT_ESCALATE    12  /* contact, queue, reason */
#define OQ_ACT_PARK        13  /* contact, reason */
#define OQ_ACT_REOPEN      14  /* contact, queue (NULL: same), wait_s (owner wait) */
#define OQ_ACT_PRIORITY    15  /* contact, priority (raise or lower) */
#define OQ_ACT_REMOVE      16  /* contact */
#define OQ_ACT_ADVANCE     17  /* nothing: move the clock */
#define OQ_ACT_CALLBACK    18  /* contact: the customer asks for a kept-place callback */

/* Static name of an action ("arrive"), "unknown" for others. */
OQ_API const char *oq_script_action_name(int32_t action);

/* One timeline item. Strings are owned by the script (valid until
 * oq_script_free); NULL when absent. */
typedef struct oq_script_action {
    int32_t action;        /* OQ_ACT_* */
    int32_t line;          /* where the item is in the file (1-based) */
    int64_t at_ms;         /* host time of the action */
    const char *agent;
    const char *contact;
    const char *queue;
    const char *channel;
    const char *customer;
    const char *preferred_agent;
    const char *reason;
    int32_t ready;         /* LOGIN: 1 ready, 0 not ready */
    int32_t priority;      /* ARRIVE, PRIORITY */
    double wait_s;         /* ARRIVE: preferred-agent wait; TRANSFER to agent, REOPEN: owner wait */
    int64_t deadline_ms;   /* ARRIVE: reply deadline (host ms), 0 = none */
    int32_t n_required;    /* ARRIVE: extra skills */
    int32_t n_preferred;
    const char *const *required_skills;
    const int32_t *required_levels;
    const char *const *preferred_skills;
    const int32_t *preferred_levels;
} oq_script_action;

/* Load a script (configuration + timeline; a plain configuration is a script
 * with an empty timeline). On success *engine receives the
 * engine built from the configuration and *script the timeline (free it with
 * oq_script_free). Same errors as oq_config_load_file; a timeline item's
 * errors (unknown action, missing or unknown field, times going backwards)
 * name its line and column. References to agents/contacts are checked when
 * the action runs, not at load. */
OQ_API oq_status oq_script_load_file(const oq_engine_options *opts, const char *path,
                                     oq_engine **engine, oq_script **script,
                                     oq_error *err);
OQ_API oq_status oq_script_load_buffer(const oq_engine_options *opts, const char *yaml,
                                       size_t len, const char *name, oq_engine **engine,
                                       oq_script **script, oq_error *err);

/* Number of timeline items (0 for NULL). */
OQ_API int32_t oq_script_count(const oq_script *script);
/* Item `index` into *out. OQ_EINVAL out of range. */
OQ_API oq_status oq_script_get(const oq_script *script, int32_t index, oq_script_action *out);
/* Perform item `index` on the engine at its time (calls oq_engine_advance
 * first, so due timers fire). Returns the engine call's status; on error the
 * engine's last error says why. */
OQ_API oq_status oq_script_apply(oq_engine *e, const oq_script *script, int32_t index);
OQ_API void oq_script_free(oq_script *script);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_CONFIG_H */
