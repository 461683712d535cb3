/* SPDX-License-Identifier: MIT */
/* omniq forecast: interval volumes from a history CSV (omniq/forecast.h):
 * backtests of every method, the forecast with its prediction bands, the
 * intraday re-forecast's evaluation, and the staffing plan of the forecast
 * (oq_erlang_plan) or the CSV that `omniq staff --csv` reads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "forecast_cli.h"

static const char USAGE[] =
    "usage: omniq forecast [OPTIONS] HISTORY.csv\n"
    "\n"
    "Forecast interval volumes from a history CSV whose header names its columns: start\n"
    "('YYYY-MM-DD HH:MM[:SS]', the interval's local start), volume, and optionally aht\n"
    "(seconds) and queue. Days absent from the file are closed days.\n"
    "\n"
    "  --queue NAME       forecast this queue (default: every queue of the file)\n"
    "  --interval S       interval length in seconds (default: the file's; a multiple sums)\n"
    "  --horizon DAYS     days to forecast after the history (default 7; 0: none)\n"
    "  --method NAME      auto (default), seasonal-naive, ha, ewha, day-level, holt-winters\n"
    "  --ha-weeks K       weeks the historical average takes (default 8)\n"
    "  --backtest DAYS    evaluate every method on the last DAYS days (rolling origin)\n"
    "  --lead DAYS        with --backtest: forecast each day from DAYS days before (default 1)\n"
    "  --intraday HH:MM   with --backtest: evaluate re-forecasting the rest of each day from\n"
    "                     its actuals up to HH:MM\n"
    "  --special FILE     special days: CSV 'date,kind[,factor][,like]', kind closed, holiday,\n"
    "                     factor, like-date (like: a date of the history) or like-weekday\n"
    "                     (like: mon..sun); special days are not history\n"
    "  --calendar FILE    hours of operation and holidays (docs/calendars.md): closed days\n"
    "                     and holidays are not history and forecast 0, as is every interval\n"
    "                     outside the hours\n"
    "  --calendar-id ID   the calendar of FILE to use (needed when it defines several)\n"
    "  --format FMT       table (default), csv, json, or staff (the CSV `omniq staff --csv`\n"
    "                     reads: interval,contacts,aht)\n"
    "  --svg FILE         draw the last four weeks, the forecast and its 80/95 % bands\n"
    "\n"
    "staffing (a plan per forecast interval through the Erlang formulas):\n"
    "  --aht SECONDS      handle time (default: the history's aht column)\n"
    "  --threshold S      service-level threshold (default 20)\n"
    "  --target F         share answered within the threshold, e.g. 0.8 or 80%\n"
    "  --patience S       mean patience: Erlang A\n"
    "  --shrinkage F      scheduled = required / (1 - F)\n"
    "  --max-occupancy F  occupancy cap\n"
    "  --quantile Q       staff to the Q-quantile of the forecast (e.g. 0.9), not its mean\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "omniq forecast: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", USAGE);
    return EXIT_USAGE;
}

static int parse_int(const char *s, int lo, int hi, int32_t *out)
{
    double v;
    if (!parse_num(s, 0, &v) || v != floor(v) || v < lo || v > hi)
        return 0;
    *out = (int32_t)v;
    return 1;
}

static int parse_hhmm(const char *s, int32_t *seconds)
{
    int h, m;
    char tail;
    if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 ||
        m < 0 || m > 59)
        return 0;
    *seconds = h * 3600 + m * 60;
    return 1;
}

int cmd_forecast(int argc, char **argv)
{
    fc_args a;
    memset(&a, 0, sizeof a);
    a.horizon = 7;
    a.method = OQ_FORECAST_AUTO;
    a.ha_weeks = 8;
    a.lead = 1;
    a.intraday_s = -1;
    a.format = "table";
    oq_staffing_options_init(&a.staff);
    a.staff.threshold_s = 20;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (is_help(opt)) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
        if (opt[0] != '-' || opt[1] == '\0') {
            if (a.path)
                return usage_error("one history file only (also got '%s')", opt);
            a.path = opt;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value (or is unknown)", opt);
        const char *val = argv[++i];
        double v = 0;
        int bad = 0;
        if (strcmp(opt, "--queue") == 0)
            a.queue = val;
        else if (strcmp(opt, "--interval") == 0)
            bad = !parse_int(val, 1, 86400, &a.interval_s) || 86400 % a.interval_s != 0;
        else if (strcmp(opt, "--horizon") == 0)
            bad = !parse_int(val, 0, 3660, &a.horizon);
        else if (strcmp(opt, "--method") == 0)
            bad = oq_forecast_method_parse(val, &a.method) != OQ_OK;
        else if (strcmp(opt, "--ha-weeks") == 0)
            bad = !parse_int(val, 1, 520, &a.ha_weeks);
        else if (strcmp(opt, "--backtest") == 0)
            bad = !parse_int(val, 1, 3660, &a.backtest);
        else if (strcmp(opt, "--lead") == 0)
            bad = !parse_int(val, 1, 366, &a.lead);
        else if (strcmp(opt, "--intraday") == 0) {
            bad = !parse_hhmm(val, &a.intraday_s);
            a.intraday = val;
        } else if (strcmp(opt, "--special") == 0)
            a.special_path = val;
        else if (strcmp(opt, "--calendar") == 0)
            a.calendar = val;
        else if (strcmp(opt, "--calendar-id") == 0)
            a.calendar_id = val;
        else if (strcmp(opt, "--format") == 0) {
            bad = strcmp(val, "table") && strcmp(val, "csv") && strcmp(val, "json") &&
                  strcmp(val, "staff");
            a.format = val;
        } else if (strcmp(opt, "--svg") == 0)
            a.svg = val;
        else if (strcmp(opt, "--aht") == 0) {
            bad = !parse_num(val, 0, &v) || !(v > 0);
            a.aht_s = v;
        } else if (strcmp(opt, "--threshold") == 0) {
            bad = !parse_num(val, 0, &v) || v < 0;
            a.staff.threshold_s = v;
            a.staffing = 1;
        } else if (strcmp(opt, "--target") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v < 1);
            a.staff.target_sl = v;
            a.staffing = 1;
        } else if (strcmp(opt, "--patience") == 0) {
            bad = !parse_num(val, 0, &v) || !(v > 0);
            a.staff.patience_s = v;
            a.staffing = 1;
        } else if (strcmp(opt, "--shrinkage") == 0) {
            bad = !parse_num(val, 1, &v) || !(v >= 0 && v < 1);
            a.staff.shrinkage = v;
            a.staffing = 1;
        } else if (strcmp(opt, "--max-occupancy") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v <= 1);
            a.staff.max_occupancy = v;
            a.staffing = 1;
        } else if (strcmp(opt, "--quantile") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v < 1);
            a.quantile = v;
        } else
            return usage_error("unknown option '%s'", opt);
        if (bad) {
            fprintf(stderr, "omniq forecast: bad value '%s' for %s\n%s", val, opt, USAGE);
            return EXIT_USAGE;
        }
    }
    if (!a.path)
        return usage_error("%s", "missing the history file");
    if (a.calendar_id && !a.calendar)
        return usage_error("%s", "--calendar-id names a calendar of --calendar FILE");
    if (a.intraday && !a.backtest)
        return usage_error("%s", "--intraday evaluates a backtest: give --backtest DAYS too");
    if (a.lead != 1 && !a.backtest)
        return usage_error("%s", "--lead needs --backtest");
    if (a.staffing && !(a.staff.target_sl > 0) && !(a.staff.max_occupancy > 0))
        return usage_error("%s", "staffing needs --target (or --max-occupancy)");
    if (a.staffing && strcmp(a.format, "staff") == 0)
        return usage_error("%s", "--format staff prints what `omniq staff --csv` reads; "
                                 "give the service-level options to omniq staff");
    if ((a.staffing || strcmp(a.format, "staff") == 0) && a.horizon == 0)
        return usage_error("%s", "staffing needs a forecast (--horizon 1 or more)");
    if (a.quantile > 0 && !a.staffing && strcmp(a.format, "staff") != 0)
        return usage_error("%s", "--quantile chooses the volume to staff to: give --target or "
                                 "--format staff");
    return fc_main(&a);
}
