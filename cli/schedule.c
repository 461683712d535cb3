/* SPDX-License-Identifier: MIT */
/* omniq schedule: shifts (and optionally a roster) for a requirements CSV. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "omniq/schedule.h"
#ifdef OMNIQ_HAVE_CBC
#include "omniq/schedule_cbc.h"
#endif

static const char USAGE[] =
    "usage: omniq schedule REQUIREMENTS.csv --shifts SHIFTS.yaml [OPTIONS]\n"
    "\n"
    "Shifts that cover the agents required per interval at the least cost, and\n"
    "optionally a roster of named agents. REQUIREMENTS.csv is read by header names:\n"
    "'start' (or 'interval', as 'omniq staff --format csv' writes it) and 'required';\n"
    "SHIFTS.yaml holds the templates and tours (docs/config.md).\n"
    "\n"
    "  --shifts FILE          shift templates and tours (required)\n"
    "  --solver NAME          auto (default), builtin or cbc\n"
    "  --time-limit S         stop solving after S seconds (default 60)\n"
    "  --roster FILE          give the shifts to the agents of FILE (docs/config.md)\n"
    "  --format FMT           table (default), csv or json\n"
    "  --svg FILE             draw required vs scheduled agents per interval\n"
    "  --column NAME          the requirement column (default 'required'; e.g. 'scheduled')\n"
    "  --interval S           interval length when the CSV has one row\n"
    "  --soft                 allow shortage: minimise cost + penalties (default: cover all)\n"
    "  --under-penalty X      soft: cost of one agent-hour short (default 10)\n"
    "  --sl-penalty X         soft: + X times the service level lost (needs load and aht columns)\n"
    "  --over-penalty X       cost of one agent-hour above the requirement (default 0)\n"
    "  --threshold S          service-level threshold for --sl-penalty (default 20)\n"
    "  --max-per-interval N   at most N agents working at once (seats)\n"
    "  --max-agents N         headcount limit (tours + the busiest day's daily shifts)\n"
    "  --no-wrap              the horizon does not wrap around (default: the week repeats)\n"
    "  --seed N               the heuristic's random seed (default 1)\n"
    "  --calendar FILE        hours of operation and holidays (docs/calendars.md): no shift\n"
    "                         works while the calendar is closed\n"
    "  --calendar-id ID       the calendar of FILE to use (needed when it defines several)\n";

typedef struct sched_args {
    const char *csv, *shifts, *roster, *format, *svg, *column, *calendar, *calendar_id;
    int solver; /* 0 auto, 1 builtin, 2 cbc */
    double interval_s;
    int wrap;
    oq_schedule_options o;
} sched_args;

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "omniq schedule: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", USAGE);
    return EXIT_USAGE;
}

static int num(const char *s, double *v)
{
    char *end;
    if (!s || !*s)
        return 0;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && isfinite(*v) && errno != ERANGE;
}

/* ---- dates ------------------------------------------------------------------------ */

static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* "YYYY-MM-DD HH:MM" of a time `sec` seconds after midnight of first_date. */
static void stamp(const oq_schedule_horizon *h, double sec, char *buf, size_t size)
{
    int64_t s = llround(sec), day = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    int64_t in = s - day * 86400;
    int y, m, d;
    civil(h->first_date + day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(in / 3600), (int)(in / 60 % 60));
}

static const char *weekday(const oq_schedule_horizon *h, int32_t day)
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int64_t w = ((int64_t)h->first_date + day + 3) % 7;
    return wd[w < 0 ? w + 7 : w];
}

/* ---- output ----------------------------------------------------------------------- */

static void breaks_text(const oq_schedule_result *r, int32_t i, const oq_schedule_shift *sh,
                        const oq_schedule_horizon *h, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int32_t k = 0; k < sh->n_breaks && off + 1 < size; k++) {
        oq_schedule_break b = OQ_OUTPUT_INIT(oq_schedule_break);
        oq_schedule_result_break(r, i, k, &b, NULL);
        char a[32], e[32];
        stamp(h, b.start_s, a, sizeof a);
        stamp(h, b.end_s, e, sizeof e);
        int n = snprintf(buf + off, size - off, "%s%s-%s", k ? ";" : "", a + 11, e + 11);
        if (n < 0)
            break;
        off += (size_t)n;
    }
}

/* Row i's start and end stamps and its breaks, as every output shows them. */
typedef struct shift_text {
    char start[32], end[32], breaks[256];
} shift_text;

static void shift_texts(const oq_schedule_result *r, const oq_schedule_horizon *h, int32_t i,
                        const oq_schedule_shift *sh, double start_s, double end_s, shift_text *out)
{
    stamp(h, start_s, out->start, sizeof out->start);
    stamp(h, end_s, out->end, sizeof out->end);
    breaks_text(r, i, sh, h, out->breaks, sizeof out->breaks);
}

static void print_table(const oq_schedule_result *r, const oq_schedule_horizon *h)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    printf("schedule: %s (%s) — %s\n", oq_schedule_status_name(sm.status),
           oq_schedule_result_solver(r), oq_schedule_result_message(r));
    if (sm.status == OQ_SCHED_INFEASIBLE || sm.status == OQ_SCHED_NO_SOLUTION)
        return;
    printf("paid hours %.2f, cost %.2f, objective %.2f, lower bound %.2f, gap %.3f%%\n",
           sm.paid_hours, sm.cost, sm.objective, sm.lower_bound, sm.gap * 100);
    printf("short %lld agent-intervals (%.2f h), over %lld (%.2f h); headcount %d; %.3f s "
           "(cpu %.3f s)\n",
           (long long)sm.under, sm.under_hours, (long long)sm.over, sm.over_hours, (int)sm.agents,
           sm.seconds, sm.cpu_seconds);
    printf("%-14s %-10s %-16s %-16s %6s  %s\n", "template", "tour", "start", "end", "count",
           "breaks");
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        oq_schedule_result_shift(r, i, &sh, NULL);
        shift_text x;
        shift_texts(r, h, i, &sh, sh.start_s, sh.end_s, &x);
        printf("%-14s %-10s %s %-16s %-16s %6d  %s\n",
               oq_schedule_result_template_name(r, sh.template_index),
               sh.tour_index >= 0 ? oq_schedule_result_tour_name(r, sh.tour_index) : "-",
               weekday(h, sh.day), x.start, x.end, (int)sh.count, x.breaks);
    }
}

static void print_csv(const oq_schedule_result *r, const oq_schedule_horizon *h)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    static const char *const names[] = {"template", "tour", "tour_row", "day", "start", "end",
                                        "count", "paid_hours", "breaks", NULL};
    csv_header(stdout, names);
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        oq_schedule_result_shift(r, i, &sh, NULL);
        shift_text x;
        shift_texts(r, h, i, &sh, sh.start_s, sh.end_s, &x);
        csv_row row;
        csv_begin(&row, stdout);
        csv_text(&row, oq_schedule_result_template_name(r, sh.template_index));
        csv_text(&row, sh.tour_index >= 0 ? oq_schedule_result_tour_name(r, sh.tour_index) : "");
        csv_printf(&row, "%d", (int)sh.tour_row);
        csv_printf(&row, "%d", (int)sh.day);
        csv_text(&row, x.start);
        csv_text(&row, x.end);
        csv_printf(&row, "%d", (int)sh.count);
        csv_printf(&row, "%.4g", sh.paid_hours);
        csv_text(&row, x.breaks);
        csv_end(&row);
    }
}

static void json_num(double v)
{
    if (isfinite(v))
        printf("%.6g", v);
    else
        printf("null");
}

static void print_json(const oq_schedule_result *r, const oq_schedule_horizon *h,
                       const oq_roster *ro, const oq_roster_agent *ag, int32_t na)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    printf("{\"status\":");
    json_string(stdout, oq_schedule_status_name(sm.status));
    printf(",\"solver\":");
    json_string(stdout, oq_schedule_result_solver(r));
    printf(",\"message\":");
    json_string(stdout, oq_schedule_result_message(r));
    printf(",\"objective\":");
    json_num(sm.objective);
    printf(",\"cost\":");
    json_num(sm.cost);
    printf(",\"paid_hours\":");
    json_num(sm.paid_hours);
    printf(",\"lower_bound\":");
    json_num(sm.lower_bound);
    printf(",\"gap\":");
    json_num(sm.gap);
    printf(",\"seconds\":%.6f,\"cpu_seconds\":%.6f,\"interval\":%g,\"shifts\":[", sm.seconds,
           sm.cpu_seconds, h->interval_s);
    for (int32_t i = 0; i < sm.n_shifts; i++) {
        oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
        oq_schedule_result_shift(r, i, &sh, NULL);
        char a[32];
        stamp(h, sh.start_s, a, sizeof a);
        printf("%s{\"template\":", i ? "," : "");
        json_string(stdout, oq_schedule_result_template_name(r, sh.template_index));
        printf(",\"tour\":");
        if (sh.tour_index >= 0)
            json_string(stdout, oq_schedule_result_tour_name(r, sh.tour_index));
        else
            printf("null");
        printf(",\"tour_row\":%d,\"day\":%d,\"start\":\"%s\",\"length\":%g,\"count\":%d,"
               "\"paid_hours\":%.6g,\"breaks\":[",
               (int)sh.tour_row, (int)sh.day, a, sh.end_s - sh.start_s, (int)sh.count,
               sh.paid_hours);
        for (int32_t k = 0; k < sh.n_breaks; k++) {
            oq_schedule_break b = OQ_OUTPUT_INIT(oq_schedule_break);
            oq_schedule_result_break(r, i, k, &b, NULL);
            char bs[32];
            stamp(h, b.start_s, bs, sizeof bs);
            printf("%s{\"start\":\"%s\",\"length\":%g,\"paid\":%s}", k ? "," : "", bs,
                   b.end_s - b.start_s, b.paid ? "true" : "false");
        }
        printf("]}");
    }
    printf("],\"coverage\":[");
    int32_t n = sm.n_intervals;
    int32_t *req = malloc((size_t)n * sizeof *req), *cov = malloc((size_t)n * sizeof *cov);
    if (req && cov) {
        oq_schedule_result_required(r, req, n);
        oq_schedule_result_coverage(r, cov, n);
        for (int32_t t = 0; t < n; t++) {
            char a[32];
            stamp(h, t * h->interval_s, a, sizeof a);
            printf("%s{\"start\":\"%s\",\"required\":%d,\"scheduled\":%d}", t ? "," : "", a,
                   (int)req[t], (int)cov[t]);
        }
    }
    free(req);
    free(cov);
    printf("],\"under\":%lld,\"under_hours\":%.6g,\"over\":%lld,\"agents\":%d,\"roster\":[",
           (long long)sm.under, sm.under_hours, (long long)sm.over, (int)sm.agents);
    for (int32_t a = 0; ro && a < na; a++) {
        double hours;
        int32_t we, ni, cnt;
        oq_roster_agent_totals(ro, a, &hours, &we, &ni);
        oq_roster_agent_shift_count(ro, a, &cnt);
        printf("%s{\"agent\":", a ? "," : "");
        json_string(stdout, ag[a].id);
        printf(",\"hours\":%.6g,\"weekend\":%d,\"night\":%d,\"shifts\":[", hours, (int)we, (int)ni);
        for (int32_t k = 0; k < cnt; k++) {
            oq_roster_shift rs = OQ_OUTPUT_INIT(oq_roster_shift);
            oq_roster_agent_shift(ro, a, k, &rs, NULL);
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(r, rs.shift_row, &sh, NULL);
            char s0[32], s1[32];
            stamp(h, rs.start_s, s0, sizeof s0);
            stamp(h, rs.end_s, s1, sizeof s1);
            printf("%s{\"template\":", k ? "," : "");
            json_string(stdout, oq_schedule_result_template_name(r, sh.template_index));
            printf(",\"shift_row\":%d,\"start\":\"%s\",\"end\":\"%s\",\"breaks\":[",
                   (int)rs.shift_row, s0, s1);
            for (int32_t b = 0; b < sh.n_breaks; b++) {
                oq_schedule_break br = OQ_OUTPUT_INIT(oq_schedule_break);
                oq_schedule_result_break(r, rs.shift_row, b, &br, NULL);
                char bs[32];
                stamp(h, br.start_s, bs, sizeof bs);
                printf("%s{\"start\":\"%s\",\"length\":%g}", b ? "," : "", bs,
                       br.end_s - br.start_s);
            }
            printf("]}");
        }
        printf("]}");
    }
    printf("]");
    if (ro) {
        oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
        oq_roster_summary_get(ro, &rs, NULL);
        printf(",\"roster_summary\":{\"agents\":%d,\"assigned\":%d,\"unassigned\":%d,"
               "\"seconds\":%.6f,\"hours_min\":%.6g,\"hours_max\":%.6g,\"weekend_min\":%d,"
               "\"weekend_max\":%d,\"night_min\":%d,\"night_max\":%d},\"violations\":[",
               (int)rs.agents, (int)rs.assigned, (int)rs.unassigned, rs.seconds, rs.hours_min,
               rs.hours_max, (int)rs.weekend_min, (int)rs.weekend_max, (int)rs.night_min,
               (int)rs.night_max);
        for (int32_t i = 0; i < rs.violations; i++) {
            oq_roster_violation v = OQ_OUTPUT_INIT(oq_roster_violation);
            oq_roster_violation_get(ro, i, &v, NULL);
            printf("%s{\"rule\":", i ? "," : "");
            json_string(stdout, oq_roster_rule_name(v.rule));
            printf(",\"agent\":");
            if (v.agent >= 0)
                json_string(stdout, ag[v.agent].id);
            else
                printf("null");
            printf(",\"shift_row\":%d,\"day\":%d,\"message\":", (int)v.shift_row, (int)v.day);
            json_string(stdout, v.message);
            printf("}");
        }
        printf("]");
    }
    printf("}\n");
}

static void print_roster(const oq_schedule_result *r, const oq_schedule_horizon *h,
                         const oq_roster *ro, const oq_roster_agent *ag, int32_t na, int csv)
{
    oq_roster_summary rs = OQ_OUTPUT_INIT(oq_roster_summary);
    oq_roster_summary_get(ro, &rs, NULL);
    if (csv)
        csv_header(stdout, (const char *const[]){"agent", "template", "start", "end", "paid_hours",
                                                  "breaks", NULL});
    else
        printf("roster: %d agents, %d agent-shifts given, %d unassigned, %d rule(s) not met; "
               "hours %.2f..%.2f, weekend shifts %d..%d, night shifts %d..%d; %.3f s\n",
               (int)rs.agents, (int)rs.assigned, (int)rs.unassigned, (int)rs.violations,
               rs.hours_min, rs.hours_max, (int)rs.weekend_min, (int)rs.weekend_max,
               (int)rs.night_min, (int)rs.night_max, rs.seconds);
    for (int32_t a = 0; a < na; a++) {
        int32_t cnt;
        double hours;
        oq_roster_agent_shift_count(ro, a, &cnt);
        oq_roster_agent_totals(ro, a, &hours, NULL, NULL);
        if (!csv)
            printf("  %-16s %6.2f h:", ag[a].id, hours);
        for (int32_t k = 0; k < cnt; k++) {
            oq_roster_shift s = OQ_OUTPUT_INIT(oq_roster_shift);
            oq_roster_agent_shift(ro, a, k, &s, NULL);
            oq_schedule_shift sh = OQ_OUTPUT_INIT(oq_schedule_shift);
            oq_schedule_result_shift(r, s.shift_row, &sh, NULL);
            shift_text x;
            shift_texts(r, h, s.shift_row, &sh, s.start_s, s.end_s, &x);
            if (csv) {
                csv_row row;
                csv_begin(&row, stdout);
                csv_text(&row, ag[a].id);
                csv_text(&row, oq_schedule_result_template_name(r, sh.template_index));
                csv_text(&row, x.start);
                csv_text(&row, x.end);
                csv_printf(&row, "%.4g", s.paid_hours);
                csv_text(&row, x.breaks);
                csv_end(&row);
            } else {
                printf(" %s %s-%s", weekday(h, s.day), x.start + 11, x.end + 11);
            }
        }
        if (!csv)
            printf("\n");
    }
    for (int32_t i = 0; !csv && i < rs.violations; i++) {
        oq_roster_violation v = OQ_OUTPUT_INIT(oq_roster_violation);
        oq_roster_violation_get(ro, i, &v, NULL);
        printf("  not met (%s): %s\n", oq_roster_rule_name(v.rule), v.message);
    }
}

static int write_svg(const char *path, const oq_schedule_result *r, const oq_schedule_horizon *h)
{
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    int32_t n = sm.n_intervals;
    int32_t *req = malloc((size_t)n * sizeof *req), *cov = malloc((size_t)n * sizeof *cov);
    FILE *f = req && cov ? fopen(path, "w") : NULL;
    if (!f) {
        fprintf(stderr, "omniq schedule: cannot write %s: %s\n", path,
                req && cov ? strerror(errno) : "out of memory");
        free(req);
        free(cov);
        return 0;
    }
    oq_schedule_result_required(r, req, n);
    oq_schedule_result_coverage(r, cov, n);
    int32_t ymax = 1;
    for (int32_t t = 0; t < n; t++) {
        if (req[t] > ymax)
            ymax = req[t];
        if (cov[t] > ymax)
            ymax = cov[t];
    }
    double top = ceil(ymax * 1.08);
    const double W = 1200, L = 60, R = 20, T = 56, H = 360, pw = W - L - R;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", W, T + H + 50);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
               "<text x=\"%g\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Required vs "
               "scheduled agents per interval — %s, %.2f paid hours, %lld agent-intervals "
               "short</text>\n",
            L, oq_schedule_status_name(sm.status), sm.paid_hours, (long long)sm.under);
    fprintf(f, "<rect x=\"%g\" y=\"30\" width=\"14\" height=\"10\" fill=\"#9ecae1\"/>"
               "<text x=\"%g\" y=\"39\">scheduled (working, breaks excluded)</text>"
               "<line x1=\"%g\" y1=\"35\" x2=\"%g\" y2=\"35\" stroke=\"#000\" stroke-width=\"1.5\"/>"
               "<text x=\"%g\" y=\"39\">required</text>\n",
            L, L + 18, L + 260, L + 284, L + 288);
    for (int g = 0; g <= 4; g++) {
        double y = T + H - H * g / 4.0;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
                   "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.0f</text>\n",
                L, y, L + pw, y, L - 6, y + 4, top * g / 4.0);
    }
    int32_t per_day = (int32_t)lround(86400.0 / h->interval_s);
    for (int32_t d = 0; d <= h->days; d++) {
        double x = L + pw * d * per_day / n;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#bbb\"/>\n", x, T, x,
                T + H);
        if (d < h->days) {
            char a[32];
            stamp(h, d * 86400.0, a, sizeof a);
            a[10] = '\0';
            fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%s %s</text>\n",
                    x + pw * per_day / n / 2, T + H + 18, weekday(h, d), a + 5);
        }
    }
    /* scheduled: a filled step area; required: a step line */
    fprintf(f, "<polygon fill=\"#9ecae1\" stroke=\"none\" points=\"%g,%g ", L, T + H);
    for (int32_t t = 0; t < n; t++) {
        double x0 = L + pw * t / n, x1 = L + pw * (t + 1) / n, y = T + H - H * cov[t] / top;
        fprintf(f, "%.1f,%.1f %.1f,%.1f ", x0, y, x1, y);
    }
    fprintf(f, "%g,%g\"/>\n<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\" points=\"",
            L + pw, T + H);
    for (int32_t t = 0; t < n; t++) {
        double x0 = L + pw * t / n, x1 = L + pw * (t + 1) / n, y = T + H - H * req[t] / top;
        fprintf(f, "%.1f,%.1f %.1f,%.1f ", x0, y, x1, y);
    }
    fprintf(f, "\"/>\n");
    /* shortage in red */
    for (int32_t t = 0; t < n; t++)
        if (cov[t] < req[t])
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
                       "fill=\"#d62728\" opacity=\"0.6\"/>\n",
                    L + pw * t / n, T + H - H * req[t] / top, pw / n, H * (req[t] - cov[t]) / top);
    fprintf(f, "</svg>\n");
    free(req);
    free(cov);
    if (fclose(f) != 0) {
        fprintf(stderr, "omniq schedule: cannot write %s\n", path);
        return 0;
    }
    return 1;
}

/* ---- main ------------------------------------------------------------------------- */

int cmd_schedule(int argc, char **argv)
{
    sched_args a;
    memset(&a, 0, sizeof a);
    a.format = "table";
    a.wrap = 1;
    oq_schedule_options_init(&a.o);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (is_help(opt)) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
        if (strcmp(opt, "--soft") == 0) {
            a.o.objective = OQ_SCHED_SOFT;
            continue;
        }
        if (strcmp(opt, "--no-wrap") == 0) {
            a.wrap = 0;
            continue;
        }
        if (opt[0] != '-' || opt[1] != '-') {
            if (a.csv)
                return usage("more than one requirements file ('%s')", opt);
            a.csv = opt;
            continue;
        }
        if (i + 1 >= argc)
            return usage("option '%s' needs a value (or is unknown)", opt);
        const char *val = argv[++i];
        double v = 0;
        int ok = 1;
        if (strcmp(opt, "--shifts") == 0)
            a.shifts = val;
        else if (strcmp(opt, "--roster") == 0)
            a.roster = val;
        else if (strcmp(opt, "--svg") == 0)
            a.svg = val;
        else if (strcmp(opt, "--column") == 0)
            a.column = val;
        else if (strcmp(opt, "--calendar") == 0)
            a.calendar = val;
        else if (strcmp(opt, "--calendar-id") == 0)
            a.calendar_id = val;
        else if (strcmp(opt, "--format") == 0) {
            ok = strcmp(val, "table") == 0 || strcmp(val, "csv") == 0 || strcmp(val, "json") == 0;
            a.format = val;
        } else if (strcmp(opt, "--solver") == 0) {
            a.solver = strcmp(val, "auto") == 0 ? 0 : strcmp(val, "builtin") == 0 ? 1
                       : strcmp(val, "cbc") == 0                                  ? 2
                                                                                  : -1;
            ok = a.solver >= 0;
        } else if (strcmp(opt, "--time-limit") == 0) {
            ok = num(val, &v) && v > 0;
            a.o.time_limit_s = v;
        } else if (strcmp(opt, "--interval") == 0) {
            ok = num(val, &v) && v > 0;
            a.interval_s = v;
        } else if (strcmp(opt, "--under-penalty") == 0) {
            ok = num(val, &v) && v >= 0;
            a.o.under_penalty = v;
        } else if (strcmp(opt, "--sl-penalty") == 0) {
            ok = num(val, &v) && v >= 0;
            a.o.sl_penalty = v;
        } else if (strcmp(opt, "--over-penalty") == 0) {
            ok = num(val, &v) && v >= 0;
            a.o.over_penalty = v;
        } else if (strcmp(opt, "--threshold") == 0) {
            ok = num(val, &v) && v >= 0;
            a.o.threshold_s = v;
        } else if (strcmp(opt, "--max-per-interval") == 0) {
            ok = num(val, &v) && v >= 0 && v == floor(v) && v < 2e9;
            a.o.max_per_interval = (int32_t)v;
        } else if (strcmp(opt, "--max-agents") == 0) {
            ok = num(val, &v) && v >= 0 && v == floor(v) && v < 2e9;
            a.o.max_agents = (int32_t)v;
        } else if (strcmp(opt, "--seed") == 0) {
            ok = num(val, &v) && v >= 0 && v == floor(v);
            a.o.seed = (uint64_t)v;
        } else {
            return usage("unknown option '%s'", opt);
        }
        if (!ok) {
            fprintf(stderr, "omniq schedule: bad value '%s' for %s\n%s", val, opt, USAGE);
            return EXIT_USAGE;
        }
    }
    if (!a.csv)
        return usage("%s", "missing REQUIREMENTS.csv");
    if (!a.shifts)
        return usage("%s", "missing --shifts FILE");
#ifndef OMNIQ_HAVE_CBC
    if (a.solver == 2) {
        fprintf(stderr, "omniq schedule: --solver cbc: this omniq was built without CBC "
                        "(install coinor-libcbc-dev and rebuild)\n");
        return EXIT_USAGE;
    }
#else
    oq_schedule_solver cbc;
    oq_schedule_cbc_solver(&cbc);
    if (a.solver != 1)
        a.o.mip = &cbc;
    if (a.solver == 2)
        a.o.solver = OQ_SCHED_SOLVER_MIP;
#endif
    if (a.solver == 1)
        a.o.solver = OQ_SCHED_SOLVER_BUILTIN;
    if (a.o.objective == OQ_SCHED_HARD && (a.o.sl_penalty > 0))
        return usage("%s", "--sl-penalty needs --soft");
    oq_schedule_horizon base;
    oq_schedule_horizon_init(&base);
    base.wrap = a.wrap;
    oq_schedule *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_status st = oq_schedule_load_csv(a.csv, a.column, a.interval_s, &base, &s, &err);
    if (st == OQ_OK)
        st = oq_schedule_load_shifts(s, a.shifts, &err);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq schedule: %s\n", err.message);
        oq_schedule_destroy(s);
        return EXIT_INPUT;
    }
    oq_schedule_horizon h = OQ_OUTPUT_INIT(oq_schedule_horizon);
    oq_schedule_get_horizon(s, &h, NULL);
    oq_calendar *cal = NULL;
    if (a.calendar && oq_calendar_load_file(a.calendar, a.calendar_id, NULL, &cal, &err) != OQ_OK) {
        fprintf(stderr, "omniq schedule: %s\n", err.message);
        oq_schedule_destroy(s);
        return EXIT_INPUT;
    }
    a.o.calendar = cal;
    oq_roster_agents *agents = NULL;
    if (a.roster && oq_roster_agents_load(a.roster, &h, &agents, &err) != OQ_OK) {
        fprintf(stderr, "omniq schedule: %s\n", err.message);
        oq_calendar_destroy(cal);
        oq_schedule_destroy(s);
        return EXIT_INPUT;
    }
    oq_schedule_result *r = NULL;
    st = oq_schedule_solve(s, &a.o, &r, &err);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq schedule: %s\n", err.message);
        oq_roster_agents_destroy(agents);
        oq_calendar_destroy(cal);
        oq_schedule_destroy(s);
        return EXIT_INPUT;
    }
    oq_schedule_summary sm = OQ_OUTPUT_INIT(oq_schedule_summary);
    oq_schedule_result_summary(r, &sm, NULL);
    oq_roster *ro = NULL;
    int32_t na = 0;
    const oq_roster_agent *ag = agents ? oq_roster_agents_list(agents, &na) : NULL;
    int rc = EXIT_OK;
    if (agents && (sm.status == OQ_SCHED_OPTIMAL || sm.status == OQ_SCHED_FEASIBLE)) {
        oq_roster_options ro_opts = OQ_OUTPUT_INIT(oq_roster_options);
        oq_roster_agents_options(agents, &ro_opts, NULL);
        if (oq_roster_build(r, ag, na, &ro_opts, &ro, &err) != OQ_OK) {
            fprintf(stderr, "omniq schedule: roster: %s\n", err.message);
            rc = EXIT_INPUT;
        }
    }
    if (rc == EXIT_OK) {
        if (strcmp(a.format, "json") == 0) {
            print_json(r, &h, ro, ag, na);
        } else if (strcmp(a.format, "csv") == 0) {
            if (ro)
                print_roster(r, &h, ro, ag, na, 1);
            else
                print_csv(r, &h);
        } else {
            print_table(r, &h);
            if (ro)
                print_roster(r, &h, ro, ag, na, 0);
        }
        if (a.svg && !write_svg(a.svg, r, &h))
            rc = EXIT_INPUT;
        if (sm.status == OQ_SCHED_INFEASIBLE || sm.status == OQ_SCHED_NO_SOLUTION) {
            fprintf(stderr, "omniq schedule: %s: %s\n", oq_schedule_status_name(sm.status),
                    oq_schedule_result_message(r));
            rc = EXIT_INPUT;
        }
    }
    oq_roster_destroy(ro);
    oq_schedule_result_destroy(r);
    oq_roster_agents_destroy(agents);
    oq_calendar_destroy(cal);
    oq_schedule_destroy(s);
    return rc;
}
