/* SPDX-License-Identifier: MIT */
/* omniq check FILE: validate a configuration, a script, a scenario or a
 * calendar file and summarize it. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: omniq check [--quiet] [--dump] FILE\n"
    "\n"
    "Load FILE (a configuration, a script: configuration + timeline, a scenario:\n"
    "configuration + simulation, or a calendar file: holidays + calendars) exactly as\n"
    "'omniq run' and the library would. On success print a summary (channels, skills,\n"
    "groups, queues with the agents able to serve them, agents, timeline; or each\n"
    "calendar's zone, weekly hours and dated days) and exit 0;\n"
    "queues no agent can serve are flagged as warnings. On error print\n"
    "FILE:LINE:COLUMN: what was expected, on stderr, and exit 2: every error of the file\n"
    "(up to 20), with \"did you mean ...?\" for a misspelt key or id; a script's timeline\n"
    "items must name defined agents, queues and channels, and contacts an earlier arrive\n"
    "introduced.\n"
    "\n"
    "  --quiet   print nothing on success\n"
    "  --dump    print the loaded configuration as YAML (oq_config_dump) instead\n";

/* Errors of a load, kept to print once it is known which kind of file it is. */
#define ERRORS_MAX 20
typedef struct error_list {
    oq_error e[ERRORS_MAX];
    int n;
} error_list;

static void keep_error(const oq_error *err, void *user)
{
    error_list *l = user;
    if (l->n < ERRORS_MAX)
        l->e[l->n++] = *err;
}

static int32_t count(const oq_engine *e, int32_t kind)
{
    int32_t n = 0;
    oq_config_count(e, kind, &n);
    return n;
}

static const char *nth(const oq_engine *e, int32_t kind, int32_t i)
{
    const char *id = "?";
    oq_config_id(e, kind, i, &id);
    return id;
}

static void list_ids(const oq_engine *e, int32_t kind, int32_t max)
{
    int32_t n = count(e, kind);
    for (int32_t i = 0; i < n && i < max; i++)
        printf("%s%s", i ? ", " : "", nth(e, kind, i));
    if (n > max)
        printf(", ... (%d more)", (int)(n - max));
    printf("\n");
}

static void summary(const char *path, const oq_engine *e, const oq_script *s)
{
    printf("%s: OK\n", path);
    printf("channels %4d: ", (int)count(e, OQ_KIND_CHANNEL));
    int32_t nc = count(e, OQ_KIND_CHANNEL);
    for (int32_t i = 0; i < nc; i++) {
        oq_channel_spec cs;
        oq_channel_spec_init(&cs);
        oq_channel_get(e, nth(e, OQ_KIND_CHANNEL, i), &cs);
        printf("%s%s (%s%s, cost %d, max %d)", i ? ", " : "", cs.id, cs.synchronous ? "sync" : "async",
               cs.exclusive ? ", exclusive" : "", (int)cs.capacity_cost, (int)cs.max_per_agent);
    }
    printf("\n");
    int32_t na = count(e, OQ_KIND_AGENT), nsk = count(e, OQ_KIND_SKILL);
    printf("skills   %4d: ", (int)nsk);
    for (int32_t k = 0; k < nsk && k < 24; k++) {
        const char *sk = nth(e, OQ_KIND_SKILL, k);
        int32_t having = 0;
        for (int32_t a = 0; a < na; a++) {
            int32_t lvl = 0;
            oq_agent_get_skill(e, nth(e, OQ_KIND_AGENT, a), sk, &lvl);
            having += lvl > 0;
        }
        printf("%s%s (%d agents)", k ? ", " : "", sk, (int)having);
    }
    printf(nsk > 24 ? ", ...\n" : "\n");
    printf("groups   %4d:%s", (int)count(e, OQ_KIND_GROUP), count(e, OQ_KIND_GROUP) ? " " : "");
    list_ids(e, OQ_KIND_GROUP, 12);
    printf("profiles %4d:%s", (int)count(e, OQ_KIND_PROFILE), count(e, OQ_KIND_PROFILE) ? " " : "");
    list_ids(e, OQ_KIND_PROFILE, 12);
    printf("agents   %4d:%s", (int)na, na ? " " : "");
    list_ids(e, OQ_KIND_AGENT, 8);
    int32_t nq = count(e, OQ_KIND_QUEUE), uncovered = 0;
    printf("queues   %4d:\n", (int)nq);
    printf("  %-20s %-9s %-15s %8s %8s %6s %7s\n", "queue", "ordering", "strategy", "channels",
           "required", "steps", "agents");
    for (int32_t i = 0; i < nq; i++) {
        const char *q = nth(e, OQ_KIND_QUEUE, i);
        oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
        oq_queue_spec qs;
        int32_t steps = 0;
        oq_queue_spec_init(&qs);
        oq_queue_get(e, q, &qi);
        oq_queue_get_spec(e, q, &qs);
        oq_queue_step_count(e, q, &steps);
        printf("  %-20s %-9s %-15s %8d %8d %6d %7d%s\n", q, oq_ordering_name(qs.ordering),
               oq_strategy_name(qs.strategy), (int)qi.n_channels, (int)qi.n_required_skills,
               (int)steps, (int)qi.eligible_agents, qs.outbound ? "  (outbound)" : "");
        uncovered += qi.eligible_agents == 0 || qi.n_channels == 0;
    }
    if (s) {
        int32_t n = oq_script_count(s);
        oq_script_action first, last;
        if (n > 0 && oq_script_get(s, 0, &first) == OQ_OK && oq_script_get(s, n - 1, &last) == OQ_OK)
            printf("timeline %4d actions, %.3f s .. %.3f s\n", (int)n, (double)first.at_ms / 1000.0,
                   (double)last.at_ms / 1000.0);
    }
    if (!uncovered) {
        printf("coverage: every queue has at least one agent able to serve it\n");
        return;
    }
    for (int32_t i = 0; i < nq; i++) {
        const char *q = nth(e, OQ_KIND_QUEUE, i);
        oq_queue_info qi = OQ_OUTPUT_INIT(oq_queue_info);
        oq_queue_get(e, q, &qi);
        if (qi.n_channels == 0)
            printf("warning: queue '%s' accepts no channel\n", q);
        else if (qi.eligible_agents == 0)
            printf("warning: queue '%s' has no agent able to serve it (skills/groups)\n", q);
    }
}

/* The calendars of FILE (docs/calendars.md): check every one; unless quiet,
 * print a header (the file's name alone for a calendar file, a "calendars"
 * line of the summary otherwise) and one line per calendar. */
static int check_calendars(const char *path, int quiet, int in_summary)
{
    char *ids = NULL;
    int32_t n = 0;
    oq_error err = OQ_ERROR_INIT;
    if (oq_calendar_ids_file(path, &ids, &n, &err) != OQ_OK) {
        fprintf(stderr, "%s\n", err.message);
        return EXIT_INPUT;
    }
    if (!quiet && in_summary)
        printf("calendars %3d:\n", (int)n);
    else if (!quiet)
        printf("%s: %d calendar%s\n", path, (int)n, n == 1 ? "" : "s");
    const char *id = ids;
    for (int32_t i = 0; i < n && !quiet; i++, id += strlen(id) + 1) {
        oq_calendar *cal = NULL;
        if (oq_calendar_load_file(path, id, NULL, &cal, &err) != OQ_OK) {
            fprintf(stderr, "%s\n", err.message);
            oq_free(ids);
            return EXIT_INPUT;
        }
        /* Dated days over the years a center plans in; hours of a week of regular days. */
        int32_t from = 0, to = 0, kinds[4] = {0, 0, 0, 0}, week_from = -1, run = 0;
        oq_date_from_ymd(1970, 1, 1, &from);
        oq_date_from_ymd(2100, 1, 1, &to);
        for (int32_t d = from; d < to; d++) {
            int32_t kind = OQ_DAY_REGULAR;
            oq_calendar_day_kind(cal, d, &kind, NULL);
            kinds[kind & 3]++;
            run = kind == OQ_DAY_REGULAR ? run + 1 : 0;
            if (run == 8 && week_from < 0)
                week_from = d - 6; /* its previous day is regular too: no foreign night */
        }
        int64_t week_ms = 0, ms = 0;
        for (int32_t d = week_from; week_from >= 0 && d < week_from + 7; d++)
            if (oq_calendar_open_ms_of_day(cal, d, &ms) == OQ_OK)
                week_ms += ms;
        printf("calendar %s: %s, %.4g h open a regular week; dated days: %d holiday, "
               "%d closed, %d special hours\n",
               id, oq_calendar_time_zone(cal), (double)week_ms / 3600000.0,
               (int)kinds[OQ_DAY_HOLIDAY], (int)kinds[OQ_DAY_CLOSED], (int)kinds[OQ_DAY_SPECIAL]);
        oq_calendar_destroy(cal);
    }
    oq_free(ids);
    return EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    int quiet = 0, dump = 0;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--dump") == 0) {
            dump = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "omniq check: unknown option '%s'\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (path) {
            fprintf(stderr, "omniq check: one FILE only\n%s", USAGE);
            return EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "omniq check: missing FILE\n%s", USAGE);
        return EXIT_USAGE;
    }
    oq_engine *e = NULL;
    oq_script *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    error_list errs;
    memset(&errs, 0, sizeof errs);
    oq_load_options lo;
    oq_load_options_init(&lo);
    lo.max_errors = ERRORS_MAX;
    lo.check_references = 1; /* timeline items naming undefined agents, queues, contacts */
    lo.on_error = keep_error;
    lo.error_user = &errs;
    oq_status st = oq_config_load(&lo, path, NULL, 0, path, &e, &s, &err);
    oq_scenario *sc = NULL;
    if (st != OQ_OK && errs.n > 0 && strstr(errs.e[0].message, "unknown key 'simulation'")) {
        /* a scenario file (configuration + simulation section) */
        errs.n = 0;
        oq_sim_options so = OQ_OUTPUT_INIT(oq_sim_options);
        st = oq_scenario_load(&lo, path, NULL, 0, path, &sc, &err);
        if (st == OQ_OK && (oq_scenario_options(sc, &so, NULL) != OQ_OK ||
                            oq_engine_create(NULL, &e) != OQ_OK || oq_scenario_build(e, sc) != OQ_OK)) {
            snprintf(errs.e[0].message, sizeof errs.e[0].message, "%s: cannot build the scenario", path);
            errs.n = 1;
            st = OQ_ECONFIG;
        }
        if (st == OQ_OK && !quiet && !dump) {
            summary(path, e, NULL);
            printf("simulation: %d streams, %d agents driven, %d replications of %g s "
                   "(%g s intervals)\n", (int)so.n_streams, (int)so.n_agents, (int)so.replications,
                   so.duration_s, so.interval_s);
            quiet = 1;
        }
        if (st != OQ_OK) {
            oq_engine_destroy(e);
            oq_scenario_free(sc);
            e = NULL;
        }
    }
    if (st != OQ_OK) {
        /* every error found (up to ERRORS_MAX), in the order found */
        for (int i = 0; i < errs.n; i++)
            fprintf(stderr, "%s\n", errs.e[i].message);
        if (errs.n == 0)
            fprintf(stderr, "%s\n", err.message);
        if (errs.n >= ERRORS_MAX)
            fprintf(stderr, "%s: stopped after %d errors\n", path, ERRORS_MAX);
        return EXIT_INPUT;
    }
    if (dump) {
        char *yaml = NULL;
        size_t len = 0;
        if (oq_config_dump(e, &yaml, &len) != OQ_OK) {
            fprintf(stderr, "omniq check: out of memory\n");
            oq_script_free(s);
            oq_scenario_free(sc);
            oq_engine_destroy(e);
            return EXIT_INPUT;
        }
        fwrite(yaml, 1, len, stdout);
        oq_free(yaml);
    } else {
        /* A file of calendars alone (holidays + calendars, no center) gets the
         * calendar summary only; a center that defines calendars gets both. */
        int32_t n_cal = 0;
        oq_engine_calendar_count(e, &n_cal);
        int center = count(e, OQ_KIND_CHANNEL) + count(e, OQ_KIND_QUEUE) + count(e, OQ_KIND_AGENT) > 0 ||
                     (s && oq_script_count(s) > 0) || sc;
        if (!quiet && center)
            summary(path, e, s);
        if (n_cal > 0 || !center) {
            int rc = check_calendars(path, quiet, center);
            if (rc != EXIT_OK) {
                oq_script_free(s);
                oq_scenario_free(sc);
                oq_engine_destroy(e);
                return rc;
            }
        }
    }
    oq_script_free(s);
    oq_scenario_free(sc);
    oq_engine_destroy(e);
    return EXIT_OK;
}
