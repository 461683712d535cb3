/* SPDX-License-Identifier: MIT */
/* omniq run SCRIPT: replay a timeline through a real engine; one JSON object
 * per line for every engine event. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: omniq run [--stats] [--until SECONDS] SCRIPT\n"
    "\n"
    "Load SCRIPT (configuration + timeline), then perform its actions in order. Between\n"
    "actions the engine's timers fire at their exact due times (oq_engine_advance at every\n"
    "deadline). Every engine event is printed as one JSON object per line, keys in a fixed\n"
    "order: t (seconds, millisecond precision), event, then contact, agent, queue,\n"
    "from_queue, channel, state, prev_state, priority, wait, detail where they apply.\n"
    "A failed action prints an \"action_failed\" line (and a message on stderr) and the\n"
    "replay goes on; the exit status is then 2.\n"
    "\n"
    "  --stats          print statistics at the end: a \"stats_definitions\" line, then one\n"
    "                   \"stats\" line per queue and for the center, with service level under\n"
    "                   each standard definition and the wait histogram\n"
    "  --until SECONDS  after the last action, keep firing timers up to this time\n";

/* ---- statistics (omniq/stats.h) ----------------------------------------------- */

typedef struct run_state {
    const oq_engine *e;
    oq_stats_options so;   /* the histogram's bounds */
} run_state;

static void counts(const int64_t *v, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        printf("%s%" PRId64, i ? "," : "", v[i]);
}

static void stats_line(const run_state *r, const char *key, const char *id,
                       const oq_queue_stats *st, int64_t now_ms)
{
    printf("{\"t\":%.3f,\"event\":\"stats\",\"%s\":", (double)now_ms / 1000.0, key);
    json_string(stdout, id);
    printf(",\"offered\":%" PRId64 ",\"answered\":%" PRId64 ",\"answered_within\":%" PRId64
           ",\"abandoned\":%" PRId64 ",\"abandoned_short\":%" PRId64 ",\"handled\":%" PRId64
           ",\"refused\":%" PRId64 ",\"transferred_in\":%" PRId64 ",\"transferred_out\":%" PRId64
           ",\"overflowed_in\":%" PRId64 ",\"overflowed_out\":%" PRId64,
           st->offered, st->answered, st->answered_within, st->abandoned, st->abandoned_short,
           st->handled, st->queue_rejected, st->transferred_in, st->transferred_out,
           st->overflowed_in, st->overflowed_out);
    /* One key per standard definition; docs/statistics.md gives each formula. */
    static const struct { int32_t def; const char *key; } defs[] = {
        {OQ_SL_ANSWERED_ABANDONED, "answered_abandoned"}, {OQ_SL_OFFERED, "offered"},
        {OQ_SL_OFFERED_NO_SHORT, "offered_no_short"}, {OQ_SL_ANSWERED, "answered"},
        {OQ_SL_ASTERISK_SL2, "sl2"}};
    printf(",\"service_level\":{");
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        double sl = 0;
        oq_stats_service_level(st, defs[i].def, &sl);
        printf("%s\"%s\":%.4f", i ? "," : "", defs[i].key, sl);
    }
    printf("},\"asa\":%.3f,\"aht\":%.3f,\"abandon_rate\":%.4f,\"waiting\":%d", st->asa_s,
           st->aht_s, st->abandon_rate, (int)st->waiting_now);
    /* Waits by bucket: bucket i holds bounds[i-1] <= wait < bounds[i] (the
     * last one is open); answered and abandoned contacts separately. */
    int32_t nb = st->n_wait_bounds < r->so.n_wait_bounds ? st->n_wait_bounds : r->so.n_wait_bounds;
    printf(",\"wait_histogram\":{\"bounds\":[");
    for (int32_t i = 0; i < nb; i++)
        printf("%s%g", i ? "," : "", r->so.wait_bounds_s[i]);
    printf("],\"answered\":[");
    counts(st->wait_hist_answered, nb + 1);
    printf("],\"abandoned\":[");
    counts(st->wait_hist_abandoned, nb + 1);
    printf("]}");
    /* A queue counting in its calendar's open time: the same waits in business time. */
    if (st->business_answered + st->business_abandoned > 0)
        printf(",\"business\":{\"answered\":%" PRId64 ",\"answered_within\":%" PRId64
               ",\"abandoned\":%" PRId64 ",\"asa\":%.3f,\"service_level\":%.4f}",
               st->business_answered, st->business_answered_within, st->business_abandoned,
               st->asa_business_s, st->sl_business);
    printf("}\n");
}

/* Per queue and for the whole center, since the engine started. */
static void stats_print(run_state *r, int64_t now_ms)
{
    oq_stats_options_init(&r->so);
    oq_stats_get_options(r->e, &r->so);
    /* One meaning per word: what the figures of the lines below are. */
    printf("{\"t\":%.3f,\"event\":\"stats_definitions\",\"abandon_rate\":\"abandoned / offered\","
           "\"asa\":\"mean wait of answered contacts (s)\",\"aht\":\"mean talk + wrap-up of "
           "handled contacts (s)\",\"wait_histogram\":\"contacts by wait: bucket i holds "
           "bounds[i-1] <= wait < bounds[i] (s), the last is open\"}\n",
           (double)now_ms / 1000.0);
    int32_t nq = 0;
    oq_config_count(r->e, OQ_KIND_QUEUE, &nq);
    for (int32_t i = 0; i < nq; i++) {
        const char *id = "";
        oq_queue_stats st = OQ_OUTPUT_INIT(oq_queue_stats);
        if (oq_config_id(r->e, OQ_KIND_QUEUE, i, &id) == OQ_OK &&
            oq_stats_queue(r->e, id, OQ_PERIOD_DAY, &st) == OQ_OK)
            stats_line(r, "queue", id, &st, now_ms);
    }
    oq_queue_stats center = OQ_OUTPUT_INIT(oq_queue_stats);
    if (oq_stats_center(r->e, OQ_PERIOD_DAY, &center) == OQ_OK)
        stats_line(r, "center", "all", &center, now_ms);
    oq_engine_counts c = OQ_OUTPUT_INIT(oq_engine_counts);
    if (oq_engine_get_counts(r->e, &c) == OQ_OK)
        printf("{\"t\":%.3f,\"event\":\"engine\",\"contacts\":%d,\"queued\":%d,\"offered\":%d,"
               "\"active\":%d,\"wrapup\":%d,\"parked\":%d,\"timers\":%d}\n",
               (double)now_ms / 1000.0, (int)c.contacts, (int)c.contacts_queued,
               (int)c.contacts_offered, (int)c.contacts_active, (int)c.contacts_wrapup,
               (int)c.contacts_parked, (int)c.timers);
}

/* ---- events --------------------------------------------------------------------- */

static void field(const char *key, const char *value)
{
    if (!value)
        return;
    printf(",\"%s\":", key);
    json_string(stdout, value);
}

static void on_event(const oq_event *ev, void *user)
{
    run_state *r = user;
    printf("{\"t\":%.3f,\"event\":\"%s\"", (double)ev->time_ms / 1000.0, oq_event_type_name(ev->type));
    field("contact", ev->contact);
    field("agent", ev->agent);
    field("queue", ev->queue);
    field("from_queue", ev->from_queue);
    field("channel", ev->channel);
    if (ev->type == OQ_EV_AGENT_STATE) {
        printf(",\"state\":\"%s\",\"prev_state\":\"%s\"", oq_agent_state_name(ev->agent_state),
               oq_agent_state_name(ev->prev_agent_state));
    }
    if (ev->contact && ev->type != OQ_EV_AGENT_STATE)
        printf(",\"priority\":%d", (int)ev->priority);
    if (ev->type == OQ_EV_ASSIGNED || ev->type == OQ_EV_ABANDONED || ev->type == OQ_EV_OFFERED)
        printf(",\"wait\":%.3f", (double)ev->wait_ms / 1000.0);
    field("detail", ev->detail);
    printf("}\n");
    (void)r;
}

/* Fire every timer due up to `until` at its own deadline. */
static void advance_to(oq_engine *e, int64_t until)
{
    for (;;) {
        int64_t d = INT64_MAX;
        if (oq_engine_next_deadline(e, &d) != OQ_OK || d > until)
            break;
        if (oq_engine_advance(e, d) != OQ_OK)
            break;
    }
}

int cmd_run(int argc, char **argv)
{
    const char *path = NULL;
    int stats = 0, have_until = 0;
    double until_s = 0;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--stats") == 0) {
            stats = 1;
        } else if (strcmp(argv[i], "--until") == 0) {
            char *end = NULL;
            if (i + 1 >= argc || (until_s = strtod(argv[i + 1], &end), end == argv[i + 1] || *end)) {
                fprintf(stderr, "omniq run: --until needs a number of seconds\n%s", USAGE);
                return EXIT_USAGE;
            }
            have_until = 1;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "omniq run: unknown option '%s'\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (path) {
            fprintf(stderr, "omniq run: one SCRIPT only\n%s", USAGE);
            return EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "omniq run: missing SCRIPT\n%s", USAGE);
        return EXIT_USAGE;
    }
    run_state r = {0};
    oq_engine_options opts;
    oq_engine_options_init(&opts);
    opts.on_event = on_event;
    opts.event_user = &r;
    oq_engine *e = NULL;
    oq_script *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_script_load_file(&opts, path, &e, &s, &err) != OQ_OK) {
        fprintf(stderr, "%s\n", err.message);
        return EXIT_INPUT;
    }
    r.e = e;
    int failed = 0;
    int32_t n = oq_script_count(s);
    for (int32_t i = 0; i < n; i++) {
        oq_script_action a;
        oq_script_get(s, i, &a);
        advance_to(e, a.at_ms);
        oq_status st = oq_script_apply(e, s, i);
        if (st != OQ_OK) {
            const char *msg = oq_engine_last_error(e);
            fprintf(stderr, "%s:%d: %s at t=%.3f failed: %s (%s)\n", path, (int)a.line,
                    oq_script_action_name(a.action), (double)a.at_ms / 1000.0, msg,
                    oq_status_name(st));
            printf("{\"t\":%.3f,\"event\":\"action_failed\",\"action\":\"%s\",\"line\":%d,\"status\":\"%s\"",
                   (double)a.at_ms / 1000.0, oq_script_action_name(a.action), (int)a.line,
                   oq_status_name(st));
            field("contact", a.contact);
            field("agent", a.agent);
            field("detail", msg);
            printf("}\n");
            failed = 1;
        }
    }
    if (have_until) {
        int64_t until = (int64_t)(until_s * 1000.0 + (until_s >= 0 ? 0.5 : -0.5)), now = 0;
        advance_to(e, until);
        if (oq_engine_now(e, &now) == OQ_OK && until > now)
            oq_engine_advance(e, until);
    }
    if (stats) {
        int64_t now = 0;
        oq_engine_now(e, &now);
        stats_print(&r, now);
    }
    oq_script_free(s);
    oq_engine_destroy(e);
    fflush(stdout);
    return failed ? EXIT_INPUT : EXIT_OK;
}
