/* SPDX-License-Identifier: MIT */
/* omniq plan: the chain a planner runs on a Monday (omniq/plan.h): history ->
 * forecast -> staffing per interval -> shifts -> roster -> the horizon
 * simulated through the router, optionally corrected by simulation; the
 * service level per day with its confidence interval and the paid hours. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: omniq plan [--format table|json] [--iterations N] [--replications N] [--seed N]\n"
    "                  PLAN.yaml\n"
    "\n"
    "Run a plan file (docs/config.md, \"Plan files\"): forecast the history's queues, staff\n"
    "every interval (Erlang C, Erlang A with a patience, chat with sessions), choose shifts,\n"
    "give them to the agents, and simulate the horizon through the router with independent\n"
    "replications; with loop iterations, add shifts where the simulated service level\n"
    "misses the target and remove them where it is far above (docs/planning.md).\n"
    "\n"
    "  --format FMT       table (default) or json\n"
    "  --iterations N     override loop.iterations (0: simulate the first schedule only)\n"
    "  --replications N   override simulation.replications (>= 2)\n"
    "  --seed N           override simulation.seed\n"
    "\n"
    "Exit codes: 0 done (whether or not the target is met: see the output), 1 usage error,\n"
    "2 bad input (file:line:column on stderr).\n";

typedef struct report {
    const oq_plan_scenario *sc;
    const oq_plan *plan;
    oq_plan_scenario_info info;
    oq_plan_summary sum;
    const oq_plan_sim *sim;
    int32_t pd;                 /* intervals per day */
} report;

/* Paid hours of the kept schedules on day d (shifts starting that day). */
static double day_paid_hours(const report *r, int32_t d)
{
    double h = 0;
    for (int32_t g = 0; g < r->info.n_groups; g++) {
        const oq_schedule_result *res = oq_plan_schedule(r->plan, g);
        oq_schedule_summary s = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(res, &s, NULL);
        for (int32_t k = 0; k < s.n_shifts; k++) {
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(res, k, &sh, NULL);
            if (sh.day == d)
                h += sh.count * sh.paid_hours;
        }
    }
    return h;
}

static double day_contacts(const report *r, int32_t d, double *buf)
{
    double c = 0;
    for (int32_t q = 0; q < r->info.n_queues; q++) {
        oq_plan_scenario_forecast(r->sc, q, buf, r->info.n_intervals);
        for (int32_t i = d * r->pd; i < (d + 1) * r->pd; i++)
            c += buf[i];
    }
    return c;
}

static void date_str(int32_t date, char *buf, size_t n)
{
    int32_t y = 0, m = 0, d = 0;
    oq_date_to_ymd(date, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

static void print_sl(const oq_sim_estimate *e)
{
    if (e->n == 0)
        printf("  %15s", "-");
    else
        printf("  %6.3f ± %5.3f", e->mean, e->half_width);
}

static void print_table(const report *r, const char *path, double *buf)
{
    char d0[16], d1[16];
    date_str(r->info.first_date, d0, sizeof d0);
    date_str(r->info.first_date + r->info.days - 1, d1, sizeof d1);
    printf("plan %s: %s .. %s, %d-minute intervals, target %.0f %% within %g s, %d replications\n",
           path, d0, d1, (int)(r->info.interval_s / 60), 100 * r->info.target_sl,
           r->info.threshold_s, (int)r->info.replications);
    printf("forecast (%s):", oq_plan_scenario_method(r->sc));
    for (int32_t q = 0; q < r->info.n_queues; q++) {
        oq_plan_scenario_forecast(r->sc, q, buf, r->info.n_intervals);
        double t = 0;
        for (int32_t i = 0; i < r->info.n_intervals; i++)
            t += buf[i];
        printf("%s %s %.0f contacts", q ? "," : "", oq_plan_scenario_queue(r->sc, q), t);
    }
    printf("\n");
    int32_t *req = malloc((size_t)r->info.n_intervals * sizeof *req);
    for (int32_t g = 0; req && g < r->info.n_groups; g++) {
        oq_schedule_summary s = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(oq_plan_schedule(r->plan, g), &s, NULL);
        oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
        oq_roster_summary_get(oq_plan_roster(r->plan, g), &rs, NULL);
        oq_plan_scenario_required(r->sc, g, req, r->info.n_intervals);
        double ah = 0;
        for (int32_t i = 0; i < r->info.n_intervals; i++)
            ah += req[i] * r->info.interval_s / 3600.0;
        printf("group %s: Erlang requirement %.1f agent-hours; schedule %.1f paid hours (%s, %s); "
               "roster %d agents, %d agent-shifts unassigned\n",
               oq_plan_scenario_group(r->sc, g), ah, s.paid_hours,
               oq_schedule_result_solver(oq_plan_schedule(r->plan, g)),
               oq_schedule_status_name(s.status), (int)rs.agents, (int)rs.unassigned);
    }
    free(req);
    for (int32_t k = 0; k < r->sum.iterations; k++) {
        oq_plan_iteration it = OQ_OUTPUT_INIT(oq_plan_iteration);
        oq_plan_iteration_get(r->plan, k, &it, NULL);
        printf("iteration %d: %d queue-intervals below target, %.1f paid hours, SL %.3f",
               (int)k, (int)it.missed, it.paid_hours, it.service_level);
        if (it.added || it.removed)
            printf(" -> requirement +%d / -%d agent-intervals", (int)it.added, (int)it.removed);
        printf("%s\n", k == r->sum.best ? "  (kept)" : "");
    }
    printf("\n%-16s %9s %8s  %15s", "day", "contacts", "paid h", "service level");
    for (int32_t q = 0; q < r->info.n_queues; q++)
        printf("  %15s", oq_plan_scenario_queue(r->sc, q));
    printf("\n");
    double tc = 0, th = 0;
    for (int32_t d = 0; d < r->info.days; d++) {
        int32_t date = r->info.first_date + d;
        date_str(date, d0, sizeof d0);
        double c = day_contacts(r, d, buf), h = day_paid_hours(r, d);
        tc += c;
        th += h;
        printf("%s %s %9.0f %8.1f", oq_weekday_name(oq_date_weekday(date)), d0, c, h);
        oq_sim_estimate e;
        oq_plan_sim_service_level(r->sim, -1, d * r->pd, r->pd, &e);
        print_sl(&e);
        for (int32_t q = 0; q < r->info.n_queues; q++) {
            oq_plan_sim_service_level(r->sim, q, d * r->pd, r->pd, &e);
            print_sl(&e);
        }
        printf("\n");
    }
    printf("%-16s %9.0f %8.1f", "total", tc, th);
    oq_sim_estimate e;
    oq_plan_sim_service_level(r->sim, -1, 0, r->info.n_intervals, &e);
    print_sl(&e);
    for (int32_t q = 0; q < r->info.n_queues; q++) {
        oq_plan_sim_service_level(r->sim, q, 0, r->info.n_intervals, &e);
        print_sl(&e);
    }
    printf("\n\n%s: %d queue-interval%s below the target (first schedule: %d); %.1f paid hours "
           "(first: %.1f); %.1f s\n",
           r->sum.met ? "target met in every interval" : "target NOT met",
           (int)r->sum.missed, r->sum.missed == 1 ? "" : "s", (int)r->sum.first_missed,
           r->sum.paid_hours, r->sum.first_paid_hours, r->sum.seconds);
    printf("(service level: mean over replications ± the half-width of its 95 %% interval)\n");
}

static void json_est(const oq_sim_estimate *e)
{
    printf("{\"mean\":");
    json_number(stdout, e->mean);
    printf(",\"low\":");
    json_number(stdout, e->low);
    printf(",\"high\":");
    json_number(stdout, e->high);
    printf(",\"n\":%d}", (int)e->n);
}

static void json_sl_row(const report *r, int32_t first, int32_t n)
{
    oq_sim_estimate e;
    oq_plan_sim_service_level(r->sim, -1, first, n, &e);
    printf(",\"service_level\":");
    json_est(&e);
    printf(",\"queues\":{");
    for (int32_t q = 0; q < r->info.n_queues; q++) {
        oq_plan_sim_service_level(r->sim, q, first, n, &e);
        printf("%s", q ? "," : "");
        json_string(stdout, oq_plan_scenario_queue(r->sc, q));
        printf(":");
        json_est(&e);
    }
    printf("}");
}

static void print_json(const report *r, double *buf)
{
    char d0[16];
    date_str(r->info.first_date, d0, sizeof d0);
    printf("{\"first_date\":\"%s\",\"days\":%d,\"interval\":%d,\"target\":", d0,
           (int)r->info.days, (int)r->info.interval_s);
    json_number(stdout, r->info.target_sl);
    printf(",\"threshold\":");
    json_number(stdout, r->info.threshold_s);
    printf(",\"replications\":%d,\"method\":", (int)r->info.replications);
    json_string(stdout, oq_plan_scenario_method(r->sc));
    printf(",\"met\":%s,\"missed\":%d,\"first_missed\":%d,\"paid_hours\":",
           r->sum.met ? "true" : "false", (int)r->sum.missed, (int)r->sum.first_missed);
    json_number(stdout, r->sum.paid_hours);
    printf(",\"first_paid_hours\":");
    json_number(stdout, r->sum.first_paid_hours);
    printf(",\"seconds\":");
    json_number(stdout, r->sum.seconds);
    printf(",\"groups\":[");
    for (int32_t g = 0; g < r->info.n_groups; g++) {
        const oq_schedule_result *res = oq_plan_schedule(r->plan, g);
        oq_schedule_summary s = OQ_OUTPUT_INIT(oq_schedule_summary);
        oq_schedule_result_summary(res, &s, NULL);
        oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
        oq_roster_summary_get(oq_plan_roster(r->plan, g), &rs, NULL);
        printf("%s{\"name\":", g ? "," : "");
        json_string(stdout, oq_plan_scenario_group(r->sc, g));
        printf(",\"status\":\"%s\",\"paid_hours\":", oq_schedule_status_name(s.status));
        json_number(stdout, s.paid_hours);
        printf(",\"agents\":%d,\"unassigned\":%d,\"shifts\":[", (int)rs.agents, (int)rs.unassigned);
        for (int32_t k = 0; k < s.n_shifts; k++) {
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(res, k, &sh, NULL);
            printf("%s{\"template\":", k ? "," : "");
            json_string(stdout, oq_schedule_result_template_name(res, sh.template_index));
            printf(",\"day\":%d,\"start\":", (int)sh.day);
            json_number(stdout, sh.start_s);
            printf(",\"end\":");
            json_number(stdout, sh.end_s);
            printf(",\"count\":%d,\"paid_hours\":", (int)sh.count);
            json_number(stdout, sh.paid_hours);
            printf("}");
        }
        printf("]}");
    }
    printf("],\"iterations\":[");
    for (int32_t k = 0; k < r->sum.iterations; k++) {
        oq_plan_iteration it = OQ_OUTPUT_INIT(oq_plan_iteration);
        oq_plan_iteration_get(r->plan, k, &it, NULL);
        printf("%s{\"missed\":%d,\"added\":%d,\"removed\":%d,\"unassigned\":%d,\"paid_hours\":",
               k ? "," : "", (int)it.missed, (int)it.added, (int)it.removed, (int)it.unassigned);
        json_number(stdout, it.paid_hours);
        printf(",\"service_level\":");
        json_number(stdout, it.service_level);
        printf("}");
    }
    printf("],\"best\":%d,\"days_detail\":[", (int)r->sum.best);
    for (int32_t d = 0; d < r->info.days; d++) {
        date_str(r->info.first_date + d, d0, sizeof d0);
        printf("%s{\"date\":\"%s\",\"contacts\":", d ? "," : "", d0);
        json_number(stdout, day_contacts(r, d, buf));
        printf(",\"paid_hours\":");
        json_number(stdout, day_paid_hours(r, d));
        json_sl_row(r, d * r->pd, r->pd);
        printf("}");
    }
    printf("],\"total\":{\"paid_hours\":");
    json_number(stdout, r->sum.paid_hours);
    json_sl_row(r, 0, r->info.n_intervals);
    printf("}}\n");
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "omniq plan: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, "\n%s", USAGE);
    return EXIT_USAGE;
}

int cmd_plan(int argc, char **argv)
{
    const char *path = NULL, *format = "table";
    long iterations = -1, replications = -1;
    long long seed = -1;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (is_help(opt)) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
        if (opt[0] != '-') {
            if (path)
                return usage_error("one plan file only (also got '%s')", opt);
            path = opt;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value (or is unknown)", opt);
        const char *val = argv[++i];
        char *end = NULL;
        if (strcmp(opt, "--format") == 0) {
            format = val;
            if (strcmp(val, "table") && strcmp(val, "json"))
                return usage_error("--format: '%s' is not table or json", val);
        } else if (strcmp(opt, "--iterations") == 0) {
            iterations = strtol(val, &end, 10);
            if (*end || iterations < 0 || iterations > 1000)
                return usage_error("--iterations: '%s' is not 0..1000", val);
        } else if (strcmp(opt, "--replications") == 0) {
            replications = strtol(val, &end, 10);
            if (*end || replications < 2 || replications > 10000)
                return usage_error("--replications: '%s' is not 2..10000", val);
        } else if (strcmp(opt, "--seed") == 0) {
            seed = strtoll(val, &end, 10);
            if (*end || seed < 0)
                return usage_error("--seed: '%s' is not a number >= 0", val);
        } else {
            return usage_error("unknown option '%s'", opt);
        }
    }
    if (!path)
        return usage_error("%s", "missing the plan file");
    oq_plan_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    if (oq_plan_scenario_load(path, &sc, &err) != OQ_OK) {
        fprintf(stderr, "omniq plan: %s\n", err.message);
        return EXIT_INPUT;
    }
    oq_plan_options o = OQ_OUTPUT_INIT(oq_plan_options);
    oq_plan_scenario_options(sc, &o, NULL);
    oq_plan_sim_options so = *o.sim; /* the file's, changed by the flags below */
    o.sim = &so;
    if (iterations >= 0)
        o.max_iterations = (int32_t)iterations;
    if (replications > 0)
        so.replications = (int32_t)replications;
    if (seed >= 0)
        so.seed = (uint64_t)seed;
    oq_plan *plan = NULL;
    oq_status st = oq_plan_scenario_run(sc, &o, &plan, &err);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq plan: %s: %s\n", path, err.message);
        oq_plan_scenario_destroy(sc);
        return EXIT_INPUT;
    }
    report r;
    memset(&r, 0, sizeof r);
    r.sc = sc;
    r.plan = plan;
    r.info.struct_size = sizeof r.info;
    r.sum.struct_size = sizeof r.sum;
    oq_plan_scenario_info_get(sc, &r.info, NULL);
    if (replications > 0)
        r.info.replications = (int32_t)replications;
    oq_plan_summary_get(plan, &r.sum, NULL);
    r.sim = oq_plan_simulation(plan);
    r.pd = 86400 / r.info.interval_s;
    double *buf = malloc((size_t)r.info.n_intervals * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "omniq plan: out of memory\n");
        oq_plan_destroy(plan);
        oq_plan_scenario_destroy(sc);
        return EXIT_INPUT;
    }
    if (strcmp(format, "json") == 0)
        print_json(&r, buf);
    else
        print_table(&r, path, buf);
    free(buf);
    oq_plan_destroy(plan);
    oq_plan_scenario_destroy(sc);
    return EXIT_OK;
}
