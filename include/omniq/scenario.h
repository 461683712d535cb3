/* SPDX-License-Identifier: MIT */
/* omniq — simulation scenarios: a configuration plus its simulated day, from YAML.
 *
 * A scenario file is a configuration (omniq/config.h) with a `simulation:`
 * section; loading one yields the oq_sim_options (omniq/sim.h) of the run.
 * It belongs to the simulator's layer: it reads the configuration with the
 * configuration loader and fills the simulator's structures, so neither of
 * those headers needs this one. Thread-safety: different scenarios are
 * independent; a scenario is read-only once loaded and may be shared by
 * threads that only read it. */
#ifndef OMNIQ_SCENARIO_H
#define OMNIQ_SCENARIO_H

#include "omniq/config.h"
#include "omniq/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A scenario is a configuration plus a `simulation:` section (traffic
 * streams, agent shifts and behaviour, replications; docs/config.md,
 * "Scenario files"). Loading validates everything (the configuration by
 * building a trial engine, then the simulation section against it); a
 * loaded scenario yields oq_sim_options whose build callback defines the
 * configuration in each replication's fresh engine. */
typedef struct oq_scenario oq_scenario;

/* Load a scenario from the file `path`, or (path NULL) from the buffer `yaml`
 * of `len` bytes named `name`, with `options` (may be NULL: defaults; its
 * `engine` and `check_references` do not apply). Errors as oq_config_load;
 * *out receives the scenario (free it with oq_scenario_free). */
OQ_API oq_status oq_scenario_load(const oq_load_options *options, const char *path,
                                  const char *yaml, size_t len, const char *name,
                                  oq_scenario **out, oq_error *err);

/* Load a scenario file. On success *out receives the scenario (free it with
 * oq_scenario_free). Errors: OQ_EINVAL (NULL argument), OQ_ECONFIG (cannot
 * read, bad YAML, bad configuration or simulation section: *err names
 * file:line:col and the path, e.g. "simulation.streams[2].handle.mean"),
 * OQ_ENOMEM. *out is untouched on error. */
OQ_API oq_status oq_scenario_load_file(const char *path, oq_scenario **out, oq_error *err);

/* The same from a buffer of `len` bytes; `name` (may be NULL) is used in messages.
 * *out belongs to the caller: destroy it with oq_scenario_free. */
OQ_API oq_status oq_scenario_load_buffer(const char *yaml, size_t len, const char *name,
                                         oq_scenario **out, oq_error *err);

/* Fill *out with the scenario's simulation options (oq_sim_options_init
 * first, then every field the file sets; build = the scenario's build
 * callback). Streams, agents and strings point into the scenario: valid
 * while it lives. The caller may change fields (seed, replications,
 * on_event) before oq_sim_create.
 * Set out->struct_size first (its _init does); only that
 * many bytes are written (core.h: versioned structs). Errors: OQ_EINVAL
 * (NULL, struct_size out of range: *err, which may be NULL, names the
 * struct). Read-only. */
OQ_API oq_status oq_scenario_options(const oq_scenario *s, oq_sim_options *out, oq_error *err);

/* Define the scenario's configuration (channels ... agents; not the engine
 * section) in an existing, empty engine at its current clock. This is what
 * the build callback does. Errors: OQ_EINVAL, OQ_ECONFIG (the engine is not
 * empty: oq_engine_last_error says why), OQ_ENOMEM. */
OQ_API oq_status oq_scenario_build(oq_engine *e, const oq_scenario *s);

/* Free a scenario. NULL is a no-op. */
OQ_API void oq_scenario_free(oq_scenario *s);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_SCENARIO_H */
