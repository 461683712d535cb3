/* SPDX-License-Identifier: MIT */
/* omniq — command line for people at a terminal:
 *   omniq check FILE      validate a configuration or script
 *   omniq run SCRIPT      replay a script's timeline, one JSON event per line
 *   omniq staff ...       service-level / staffing calculator (Erlang C, A, chat)
 *   omniq simulate FILE   run a scenario through the simulator; summary, CSV/JSON/SVG
 *   omniq forecast CSV    forecast interval volumes; backtests, bands, staffing
 *   omniq schedule CSV    shifts (and a roster) covering the agents required per interval
 *   omniq plan FILE       history -> forecast -> staffing -> shifts -> roster -> simulation
 * Exit codes: 0 success, 1 usage error, 2 bad input. Errors go to stderr,
 * results to stdout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: omniq [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  check FILE     validate a configuration or script; print a summary\n"
    "  run SCRIPT     replay a script's timeline through an engine; one JSON event per line\n"
    "  staff ...      agents needed for a service level (one interval, or a day from a CSV)\n"
    "  simulate SCENARIO  simulate a day (configuration + traffic + shifts); summary table,\n"
    "                 per-interval CSV/JSON, SVG chart\n"
    "  forecast HISTORY.csv  forecast interval volumes from a history; backtest the methods,\n"
    "                 prediction bands, the staffing plan of the forecast\n"
    "  schedule CSV --shifts FILE  shifts covering the agents required per interval;\n"
    "                 optional roster of named agents (--roster), CSV/JSON, SVG chart\n"
    "  plan PLAN.yaml  the whole chain: forecast, staffing, shifts, roster, the week simulated\n"
    "                 through the router (service level per day with its interval, paid hours)\n"
    "\n"
    "'omniq COMMAND --help' describes a command. Exit codes: 0 success, 1 usage error,\n"
    "2 bad input (the errors are printed on stderr).\n";

int is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0; }

void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void json_number(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) { /* range first: the cast of 1e300 is UB */
        fprintf(f, "%lld", (long long)v);
        return;
    }
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    fputs(tmp, f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (is_help(cmd)) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("omniq %s\n", oq_version());
        return EXIT_OK;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "simulate") == 0)
        return cmd_simulate(argc - 1, argv + 1);
    if (strcmp(cmd, "staff") == 0)
        return cmd_staff(argc - 1, argv + 1);
    if (strcmp(cmd, "forecast") == 0)
        return cmd_forecast(argc - 1, argv + 1);
    if (strcmp(cmd, "schedule") == 0)
        return cmd_schedule(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc - 1, argv + 1);
    fprintf(stderr, "omniq: unknown command '%s'\n\n%s", cmd, USAGE);
    return EXIT_USAGE;
}
