/* SPDX-License-Identifier: MIT */
/* omniq simulate SCENARIO: run a scenario file (configuration + simulation
 * section) through the discrete-event simulator; print a per-queue and
 * per-channel summary; optionally write per-interval results (CSV, JSON) and
 * an SVG chart. */
#define _POSIX_C_SOURCE 200809L /* isatty, mkdir */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"

static const char USAGE[] =
    "usage: omniq simulate [--replications N] [--seed S] [--csv DIR] [--json FILE]\n"
    "                      [--svg FILE] [--quiet] SCENARIO\n"
    "\n"
    "Run SCENARIO (a configuration plus a `simulation:` section: traffic streams, agent\n"
    "shifts and breaks; docs/config.md, \"Scenario files\") through the real engine, several\n"
    "independent replications, and print per queue and per channel the mean over\n"
    "replications +- the 95% confidence half-width of: offered, answered, SL, P(wait), ASA,\n"
    "abandon % (and occupancy for the whole center), and the contacts left waiting and in\n"
    "service at the end. SL = answered within T / (answered + abandoned),\n"
    "T = the queue's sla_threshold. A progress bar goes to stderr when it is a terminal.\n"
    "\n"
    "  --replications N  override simulation.replications (1..100000)\n"
    "  --seed S          override simulation.seed (replication r uses S + r)\n"
    "  --csv DIR         write DIR/summary.csv and DIR/intervals.csv (DIR is created)\n"
    "  --json FILE       write the summary and per-interval results as JSON\n"
    "  --svg FILE        draw service level, waiting contacts and staffing per interval (SVG)\n"
    "  --quiet           print nothing on stdout (files are still written)\n";

/* ---- progress (stderr, only on a terminal, only when the run is long) ---------- */

typedef struct progress {
    int enabled, shown;
    int32_t reps, rep;
    int64_t start_ms, span_ms, last_ms;
    uint64_t events;
    struct timespec t0, last;
} progress;

static double secs_since(const struct timespec *a)
{
    struct timespec b;
    timespec_get(&b, TIME_UTC);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static void on_event(const oq_event *ev, void *user)
{
    progress *p = user;
    if (ev->time_ms < p->last_ms)
        p->rep++; /* a new replication restarts the clock */
    p->last_ms = ev->time_ms;
    if ((++p->events & 4095) != 0)
        return;
    if (secs_since(&p->t0) < 1.0 || secs_since(&p->last) < 0.1)
        return; /* short runs get no bar */
    timespec_get(&p->last, TIME_UTC);
    double in_rep = (double)(ev->time_ms - p->start_ms) / (double)p->span_ms;
    double f = (p->rep + (in_rep > 1 ? 1 : in_rep)) / p->reps;
    if (f > 1)
        f = 1;
    int w = 40, fill = (int)(f * w);
    fprintf(stderr, "\rsimulating [%.*s%*s] %3d%%  replication %d/%d", fill,
            "########################################", w - fill, "", (int)(f * 100),
            (int)(p->rep + 1 > p->reps ? p->reps : p->rep + 1), (int)p->reps);
    p->shown = 1;
}

/* ---- figures ------------------------------------------------------------------- */

typedef struct scope_row {
    int32_t scope, index;
    const char *id;
    double threshold, target;   /* queues only */
    oq_sim_summary sum;
    oq_sim_estimate answered, abandoned;
    oq_sim_estimate waiting_end, serving_end; /* unfinished, in_service at the run's end */
} scope_row;

static oq_sim_estimate estimate(const double *v, int32_t n)
{
    oq_sim_estimate e;
    memset(&e, 0, sizeof e);
    e.n = n;
    double m = 0, ss = 0;
    for (int32_t i = 0; i < n; i++)
        m += v[i];
    m = n ? m / n : 0;
    for (int32_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    e.mean = m;
    e.sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
    e.half_width = n > 1 ? oq_sim_t975(n - 1) * e.sd / sqrt((double)n) : 0;
    e.low = m - e.half_width;
    e.high = m + e.half_width;
    return e;
}

static int fill_row(oq_sim *sim, int32_t reps, int32_t scope, int32_t index, scope_row *r)
{
    memset(r, 0, sizeof *r);
    r->scope = scope;
    r->index = index;
    r->sum.struct_size = sizeof r->sum;
    if (oq_sim_scope_id(sim, scope, index, &r->id) != OQ_OK ||
        oq_sim_summarize(sim, scope, index, &r->sum, NULL) != OQ_OK)
        return 0;
    double *v = calloc((size_t)reps * 4, sizeof *v);
    if (!v)
        return 0;
    for (int32_t i = 0; i < reps; i++) {
        oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
        oq_sim_replication_stats(sim, i, scope, index, &st, NULL);
        v[i] = (double)st.answered;
        v[reps + i] = (double)st.abandoned;
        v[2 * reps + i] = (double)st.unfinished;
        v[3 * reps + i] = (double)st.in_service;
    }
    r->answered = estimate(v, reps);
    r->abandoned = estimate(v + reps, reps);
    r->waiting_end = estimate(v + 2 * reps, reps);
    r->serving_end = estimate(v + 3 * reps, reps);
    free(v);
    if (scope == OQ_SIM_QUEUE) {
        oq_queue_spec qs;
        oq_queue_spec_init(&qs);
        if (oq_queue_get_spec(oq_sim_engine(sim), r->id, &qs) == OQ_OK) {
            r->threshold = qs.sla_threshold_s;
            r->target = qs.sla_target;
        }
    }
    return 1;
}

static void pm(char *buf, size_t n, double mean, double hw, int digits, double scale)
{
    snprintf(buf, n, "%.*f ± %.*f", digits, mean * scale, digits, hw * scale);
}

static void print_row(const scope_row *r, int occupancy)
{
    char off[32], ans[32], sl[32], pw[32], asa[32], ab[32], occ[32], lw[32], ls[32];
    pm(off, sizeof off, r->sum.offered.mean, r->sum.offered.half_width, 1, 1);
    pm(ans, sizeof ans, r->answered.mean, r->answered.half_width, 1, 1);
    pm(sl, sizeof sl, r->sum.service_level.mean, r->sum.service_level.half_width, 1, 100);
    pm(pw, sizeof pw, r->sum.p_wait.mean, r->sum.p_wait.half_width, 1, 100);
    pm(asa, sizeof asa, r->sum.asa_s.mean, r->sum.asa_s.half_width, 1, 1);
    pm(ab, sizeof ab, r->sum.abandon_rate.mean, r->sum.abandon_rate.half_width, 1, 100);
    if (occupancy)
        pm(occ, sizeof occ, r->sum.occupancy.mean, r->sum.occupancy.half_width, 1, 100);
    else
        snprintf(occ, sizeof occ, "-");
    pm(lw, sizeof lw, r->waiting_end.mean, r->waiting_end.half_width, 1, 1);
    pm(ls, sizeof ls, r->serving_end.mean, r->serving_end.half_width, 1, 1);
    char t[16] = "";
    if (r->scope == OQ_SIM_QUEUE)
        snprintf(t, sizeof t, "%g", r->threshold);
    /* "±" is 2 bytes in UTF-8 and one column: widths + 1 for each. */
    printf("  %-18s %4s %16s %16s %14s %14s %16s %13s %13s %12s %12s\n", r->id, t, off, ans, sl, pw,
           asa, ab, occ, lw, ls);
}

static void print_header(const char *first)
{
    printf("  %-18s %4s %15s %15s %13s %13s %15s %12s %12s %11s %11s\n", first,
           strcmp(first, "queue") == 0 ? "T" : "", "offered", "answered", "SL %", "P(wait) %",
           "ASA s", "abandon %", "occupancy %", "left wait", "left serve");
}

static void clock_str(char *buf, size_t n, double s)
{
    long t = lround(s);
    snprintf(buf, n, "%02ld:%02ld", (t / 3600) % 100, (t / 60) % 60);
}

/* ---- files --------------------------------------------------------------------- */

static void json_key_num(FILE *f, const char *key, double v)
{
    fprintf(f, ",\"%s\":", key);
    json_number(f, v);
}

static void json_est(FILE *f, const char *key, const oq_sim_estimate *e)
{
    fprintf(f, ",\"%s\":{\"mean\":", key);
    json_number(f, e->mean);
    fputs(",\"half_width\":", f);
    json_number(f, e->half_width);
    fprintf(f, ",\"n\":%d}", (int)e->n);
}

static void json_row(FILE *f, const scope_row *r)
{
    fputs("{\"id\":", f);
    json_string(f, r->id);
    if (r->scope == OQ_SIM_QUEUE) {
        json_key_num(f, "sla_threshold", r->threshold);
        json_key_num(f, "sla_target", r->target);
    }
    json_est(f, "offered", &r->sum.offered);
    json_est(f, "answered", &r->answered);
    json_est(f, "abandoned", &r->abandoned);
    json_est(f, "service_level", &r->sum.service_level);
    json_est(f, "service_level_offered", &r->sum.service_level_offered);
    json_est(f, "p_wait", &r->sum.p_wait);
    json_est(f, "asa_s", &r->sum.asa_s);
    json_est(f, "abandon_rate", &r->sum.abandon_rate);
    json_est(f, "aht_s", &r->sum.aht_s);
    json_est(f, "waiting_at_end", &r->waiting_end);
    json_est(f, "in_service_at_end", &r->serving_end);
    if (r->scope == OQ_SIM_TOTAL)
        json_est(f, "occupancy", &r->sum.occupancy);
    fputc('}', f);
}

/* Per-interval figures: counts are means per replication; avg_waiting is
 * Little's law over the interval (total wait of its arrivals / its length). */
typedef struct ival {
    double offered, answered, abandoned, sl, p_wait, asa, abandon_rate, avg_waiting, occupancy;
    double waiting_end, serving_end;
} ival;

static ival interval_fig(oq_sim *sim, int32_t reps, double interval_s, int32_t i, int32_t scope,
                         int32_t index)
{
    oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
    ival v;
    memset(&v, 0, sizeof v);
    if (oq_sim_interval_stats(sim, i, scope, index, &st, NULL) != OQ_OK)
        return v;
    v.offered = (double)st.offered / reps;
    v.answered = (double)st.answered / reps;
    v.abandoned = (double)st.abandoned / reps;
    v.sl = st.service_level;
    v.p_wait = st.p_wait;
    v.waiting_end = (double)st.unfinished / reps;
    v.serving_end = (double)st.in_service / reps;
    v.asa = st.asa_s;
    v.abandon_rate = st.abandon_rate;
    v.avg_waiting = (st.wait_answered_s + st.wait_abandoned_s) / reps / interval_s;
    v.occupancy = st.occupancy;
    return v;
}

static const char *scope_name(int32_t scope)
{
    return scope == OQ_SIM_QUEUE ? "queue" : scope == OQ_SIM_CHANNEL ? "channel" : "total";
}

static int write_csv(const char *dir, oq_sim *sim, const scope_row *rows, int32_t nrows,
                     int32_t reps, double interval_s, double start_s, int32_t nint)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "omniq simulate: cannot create %s: %s\n", dir, strerror(errno));
        return 0;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "omniq simulate: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    static const char *const SUMMARY_COLS[] = {
        "scope", "id", "sla_threshold", "offered", "offered_hw", "answered", "answered_hw",
        "service_level", "service_level_hw", "p_wait", "p_wait_hw", "asa_s", "asa_s_hw",
        "abandon_rate", "abandon_rate_hw", "occupancy", "occupancy_hw", "waiting_at_end",
        "waiting_at_end_hw", "in_service_at_end", "in_service_at_end_hw", NULL};
    csv_header(f, SUMMARY_COLS);
    for (int32_t k = 0; k < nrows; k++) {
        const scope_row *r = &rows[k];
        csv_row row;
        csv_begin(&row, f);
        csv_text(&row, scope_name(r->scope));
        csv_text(&row, r->id);
        csv_printf(&row, "%g", r->threshold);
        csv_printf(&row, "%.4f", r->sum.offered.mean);
        csv_printf(&row, "%.4f", r->sum.offered.half_width);
        csv_printf(&row, "%.4f", r->answered.mean);
        csv_printf(&row, "%.4f", r->answered.half_width);
        csv_printf(&row, "%.6f", r->sum.service_level.mean);
        csv_printf(&row, "%.6f", r->sum.service_level.half_width);
        csv_printf(&row, "%.6f", r->sum.p_wait.mean);
        csv_printf(&row, "%.6f", r->sum.p_wait.half_width);
        csv_printf(&row, "%.4f", r->sum.asa_s.mean);
        csv_printf(&row, "%.4f", r->sum.asa_s.half_width);
        csv_printf(&row, "%.6f", r->sum.abandon_rate.mean);
        csv_printf(&row, "%.6f", r->sum.abandon_rate.half_width);
        if (r->scope == OQ_SIM_TOTAL) {
            csv_printf(&row, "%.6f", r->sum.occupancy.mean);
            csv_printf(&row, "%.6f", r->sum.occupancy.half_width);
        } else {
            csv_text(&row, "");
            csv_text(&row, "");
        }
        csv_printf(&row, "%.4f", r->waiting_end.mean);
        csv_printf(&row, "%.4f", r->waiting_end.half_width);
        csv_printf(&row, "%.4f", r->serving_end.mean);
        csv_printf(&row, "%.4f", r->serving_end.half_width);
        csv_end(&row);
    }
    int ok = fclose(f) == 0;
    snprintf(path, sizeof path, "%s/intervals.csv", dir);
    if (!ok || !(f = fopen(path, "w"))) {
        fprintf(stderr, "omniq simulate: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    static const char *const INTERVAL_COLS[] = {
        "interval", "start", "scope", "id", "offered", "answered", "abandoned", "service_level",
        "p_wait", "asa_s", "abandon_rate", "avg_waiting", "occupancy", "waiting_at_end",
        "in_service_at_end", NULL};
    csv_header(f, INTERVAL_COLS);
    for (int32_t i = 0; i < nint; i++) {
        char ts[16];
        clock_str(ts, sizeof ts, start_s + i * interval_s);
        for (int32_t k = 0; k < nrows; k++) {
            ival v = interval_fig(sim, reps, interval_s, i, rows[k].scope, rows[k].index);
            csv_row row;
            csv_begin(&row, f);
            csv_printf(&row, "%d", (int)i);
            csv_text(&row, ts);
            csv_text(&row, scope_name(rows[k].scope));
            csv_text(&row, rows[k].id);
            csv_printf(&row, "%.3f", v.offered);
            csv_printf(&row, "%.3f", v.answered);
            csv_printf(&row, "%.3f", v.abandoned);
            csv_printf(&row, "%.6f", v.sl);
            csv_printf(&row, "%.6f", v.p_wait);
            csv_printf(&row, "%.3f", v.asa);
            csv_printf(&row, "%.6f", v.abandon_rate);
            csv_printf(&row, "%.4f", v.avg_waiting);
            if (rows[k].scope == OQ_SIM_TOTAL)
                csv_printf(&row, "%.6f", v.occupancy);
            else
                csv_text(&row, "");
            csv_printf(&row, "%.3f", v.waiting_end);
            csv_printf(&row, "%.3f", v.serving_end);
            csv_end(&row);
        }
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "omniq simulate: cannot write %s\n", path);
        return 0;
    }
    return 1;
}

static int write_json(const char *path, const char *scenario, oq_sim *sim, const scope_row *rows,
                      int32_t nrows, int32_t reps, uint64_t seed, double interval_s, double start_s,
                      int32_t nint)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "omniq simulate: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    fputs("{\"scenario\":", f);
    json_string(f, scenario);
    fprintf(f, ",\"replications\":%d,\"seed\":%" PRIu64 ",\"interval_s\":", (int)reps, seed);
    json_number(f, interval_s);
    fprintf(f, ",\"intervals\":%d,", (int)nint);
    fputs("\"definitions\":{\"service_level\":\"answered within the queue's sla_threshold / "
          "(answered + abandoned)\",\"p_wait\":\"answered or abandoned after waiting at all / "
          "(answered + abandoned)\",\"abandon_rate\":\"abandoned / offered\",\"occupancy\":"
          "\"agent time holding work (ringing, talking, wrap-up) / logged-in time\","
          "\"waiting_at_end\":\"contacts still waiting when the run ended\","
          "\"in_service_at_end\":\"contacts answered but not completed when the run ended\"},"
          "\"estimates\":\"mean over replications, 95% confidence half-width (Student t)\",\n"
          "\"summary\":{", f);
    for (int32_t scope = OQ_SIM_TOTAL; scope <= OQ_SIM_CHANNEL; scope++) {
        fprintf(f, "%s\"%s\":%s", scope ? ",\n" : "",
                scope == OQ_SIM_TOTAL ? "total" : scope == OQ_SIM_QUEUE ? "queues" : "channels",
                scope ? "[" : "");
        int first = 1;
        for (int32_t k = 0; k < nrows; k++)
            if (rows[k].scope == scope) {
                if (!first)
                    fputc(',', f);
                first = 0;
                json_row(f, &rows[k]);
            }
        if (scope)
            fputc(']', f);
    }
    fputs("},\n\"intervals\":[", f);
    for (int32_t i = 0; i < nint; i++) {
        char ts[16];
        clock_str(ts, sizeof ts, start_s + i * interval_s);
        fprintf(f, "%s\n{\"index\":%d,\"start\":\"%s\",\"scopes\":[", i ? "," : "", (int)i, ts);
        for (int32_t k = 0; k < nrows; k++) {
            ival v = interval_fig(sim, reps, interval_s, i, rows[k].scope, rows[k].index);
            fprintf(f, "%s{\"scope\":\"%s\",\"id\":", k ? "," : "", scope_name(rows[k].scope));
            json_string(f, rows[k].id);
            json_key_num(f, "offered", v.offered);
            json_key_num(f, "answered", v.answered);
            json_key_num(f, "abandoned", v.abandoned);
            json_key_num(f, "service_level", v.sl);
            json_key_num(f, "p_wait", v.p_wait);
            json_key_num(f, "asa_s", v.asa);
            json_key_num(f, "abandon_rate", v.abandon_rate);
            json_key_num(f, "avg_waiting", v.avg_waiting);
            json_key_num(f, "waiting_at_end", v.waiting_end);
            json_key_num(f, "in_service_at_end", v.serving_end);
            if (rows[k].scope == OQ_SIM_TOTAL)
                json_key_num(f, "occupancy", v.occupancy);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n]}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "omniq simulate: cannot write %s\n", path);
        return 0;
    }
    return 1;
}

static void svg_text(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (*p == '"')
            fputs("&quot;", f);
        else
            fputc(*p, f);
    }
}

/* Horizontal grid lines of a panel: `ticks` + 1 labelled values 0..vmax. */
static void svg_grid(FILE *f, double L, double pw, double top, double h, double vmax, int pct)
{
    for (int g = 0; g <= 4; g++) {
        double y = top + h - h * g / 4.0;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>", L, y, L + pw, y);
        if (pct)
            fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%d%%</text>\n", L - 6, y + 4,
                    g * 25);
        else
            fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.3g</text>\n", L - 6, y + 4,
                    vmax * g / 4.0);
    }
}

/* Three panels, what a planner looks at first: service level per interval
 * (each queue against its own target; the center with the 95% confidence
 * band of its interval SL across replications), average contacts waiting,
 * and staffing (agents logged in and ready, means over replications). */
static int write_svg(const char *path, const char *scenario, oq_sim *sim, const scope_row *rows,
                     int32_t nrows, int32_t reps, double interval_s, double start_s, int32_t nint)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "omniq simulate: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    static const char *const COLORS[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    const double W = 960, L = 60, R = 210, T1 = 50, H1 = 260, T2 = 360, H2 = 150, T3 = 560,
                 H3 = 150;
    const double pw = W - L - R;
    double wmax = 1, amax = 1;
    for (int32_t i = 0; i < nint; i++) {
        ival v = interval_fig(sim, reps, interval_s, i, OQ_SIM_TOTAL, 0);
        oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
        if (v.avg_waiting > wmax)
            wmax = v.avg_waiting;
        if (oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &st, NULL) == OQ_OK &&
            st.staffed_s / reps / interval_s > amax)
            amax = st.staffed_s / reps / interval_s;
    }
    wmax = ceil(wmax * 1.1);
    amax = ceil(amax * 1.1);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", W, T3 + H3 + 50);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"60\" y=\"24\" "
          "font-size=\"15\" font-weight=\"bold\">", f);
    svg_text(f, scenario);
    fprintf(f, " — service level per interval (%d replication%s)</text>\n", (int)reps,
            reps == 1 ? "" : "s");
    svg_grid(f, L, pw, T1, H1, 1, 1);
    svg_grid(f, L, pw, T2, H2, wmax, 0);
    svg_grid(f, L, pw, T3, H3, amax, 0);
    for (int32_t i = 0; i <= nint; i += nint > 24 ? 4 : 1) {
        char ts[16];
        double x = L + pw * i / nint;
        clock_str(ts, sizeof ts, start_s + i * interval_s);
        fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%s</text>"
                   "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%s</text>"
                   "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">%s</text>\n",
                x, T1 + H1 + 16, ts, x, T2 + H2 + 16, ts, x, T3 + H3 + 16, ts);
    }
    fprintf(f, "<text x=\"%g\" y=\"%g\" font-weight=\"bold\">average contacts waiting per interval "
               "(total wait of the interval's arrivals / interval length)</text>\n", L, T2 - 10);
    fprintf(f, "<text x=\"%g\" y=\"%g\" font-weight=\"bold\">staffing: agents logged in and ready "
               "(not on a break), mean over replications</text>\n", L, T3 - 10);
    /* the center's 95% confidence band (replications' interval SL) */
    oq_sim_estimate *band = calloc((size_t)nint, sizeof *band);
    int have_band = band != NULL && reps > 1;
    for (int32_t i = 0; have_band && i < nint; i++)
        have_band = oq_sim_interval_service_level(sim, i, &band[i]) == OQ_OK;
    if (have_band) {
        fputs("<polygon class=\"total-ci\" fill=\"#000\" fill-opacity=\"0.12\" stroke=\"none\" points=\"", f);
        for (int32_t i = 0; i < nint; i++)
            fprintf(f, "%.1f,%.1f ", L + pw * (i + 0.5) / nint,
                    T1 + H1 - H1 * fmin(1.0, band[i].n ? band[i].high : 0));
        for (int32_t i = nint - 1; i >= 0; i--)
            fprintf(f, "%.1f,%.1f ", L + pw * (i + 0.5) / nint,
                    T1 + H1 - H1 * fmax(0.0, band[i].n ? band[i].low : 0));
        fputs("\"/>\n", f);
    }
    free(band);
    /* lines: queues thin, each with its own target dashed in its color; total thick */
    int color = 0;
    double ly = T1 + 20;
    for (int32_t k = 0; k < nrows; k++) {
        const scope_row *r = &rows[k];
        if (r->scope == OQ_SIM_CHANNEL)
            continue;
        int total = r->scope == OQ_SIM_TOTAL;
        const char *col = total ? "#000" : COLORS[color++ % 10];
        fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"",
                total ? "total-sl" : "queue-sl", col, total ? "3" : "1.2");
        for (int32_t i = 0; i < nint; i++) {
            ival v = interval_fig(sim, reps, interval_s, i, r->scope, r->index);
            fprintf(f, "%.1f,%.1f ", L + pw * (i + 0.5) / nint, T1 + H1 - H1 * v.sl);
        }
        fputs("\"/>\n", f);
        if (!total && r->target > 0) {
            double ty = T1 + H1 - H1 * r->target;
            fprintf(f, "<line class=\"queue-target\" x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" "
                       "stroke=\"%s\" stroke-dasharray=\"6,4\"/>\n", L, ty, L + pw, ty, col);
        }
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"%s\"/>"
                   "<text x=\"%g\" y=\"%g\">", L + pw + 8, ly + 24, L + pw + 28, ly + 24, col,
                total ? "3" : "1.2", L + pw + 32, ly + 28);
        svg_text(f, r->id);
        if (!total && r->target > 0)
            fprintf(f, " (target %.0f%% in %gs)", r->target * 100, r->threshold);
        else if (total && have_band)
            fputs(" (band: 95% CI)", f);
        fputs("</text>\n", f);
        ly += 16;
    }
    fprintf(f, "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"");
    for (int32_t i = 0; i < nint; i++) {
        ival v = interval_fig(sim, reps, interval_s, i, OQ_SIM_TOTAL, 0);
        fprintf(f, "%.1f,%.1f ", L + pw * (i + 0.5) / nint, T2 + H2 - H2 * v.avg_waiting / wmax);
    }
    fputs("\"/>\n", f);
    /* staffing: logged in, ready */
    for (int line = 0; line < 2; line++) {
        fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                line ? "agents-ready" : "agents-logged-in", line ? "#2ca02c" : "#1f77b4");
        for (int32_t i = 0; i < nint; i++) {
            oq_sim_stats st = OQ_OUTPUT_INIT(oq_sim_stats);
            double agents = 0;
            if (oq_sim_interval_stats(sim, i, OQ_SIM_TOTAL, 0, &st, NULL) == OQ_OK)
                agents = (line ? st.ready_s : st.staffed_s) / reps / interval_s;
            fprintf(f, "%.1f,%.1f ", L + pw * (i + 0.5) / nint, T3 + H3 - H3 * agents / amax);
        }
        fputs("\"/>\n", f);
        double y = T3 + 20 + 16 * line;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"/>"
                   "<text x=\"%g\" y=\"%g\">%s</text>\n", L + pw + 8, y, L + pw + 28, y,
                line ? "#2ca02c" : "#1f77b4", L + pw + 32, y + 4,
                line ? "agents ready" : "agents logged in");
    }
    fputs("</svg>\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "omniq simulate: cannot write %s\n", path);
        return 0;
    }
    return 1;
}

/* ---- command ------------------------------------------------------------------- */

static int parse_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

int cmd_simulate(int argc, char **argv)
{
    const char *path = NULL, *csv = NULL, *json = NULL, *svg = NULL;
    long long reps_arg = 0, seed_arg = -1;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--replications") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "--csv") == 0 || strcmp(a, "--json") == 0 || strcmp(a, "--svg") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "omniq simulate: %s needs a value\n%s", a, USAGE);
                return EXIT_USAGE;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--replications") == 0 && !parse_count(v, 1, 100000, &reps_arg)) {
                fprintf(stderr, "omniq simulate: --replications: expected 1..100000, got '%s'\n", v);
                return EXIT_USAGE;
            }
            if (strcmp(a, "--seed") == 0 && !parse_count(v, 0, INT64_MAX, &seed_arg)) {
                fprintf(stderr, "omniq simulate: --seed: expected an integer >= 0, got '%s'\n", v);
                return EXIT_USAGE;
            }
            if (strcmp(a, "--csv") == 0)
                csv = v;
            else if (strcmp(a, "--json") == 0)
                json = v;
            else if (strcmp(a, "--svg") == 0)
                svg = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "omniq simulate: unknown option '%s'\n%s", a, USAGE);
            return EXIT_USAGE;
        } else if (path) {
            fprintf(stderr, "omniq simulate: one SCENARIO only\n%s", USAGE);
            return EXIT_USAGE;
        } else {
            path = a;
        }
    }
    if (!path) {
        fprintf(stderr, "omniq simulate: missing SCENARIO\n%s", USAGE);
        return EXIT_USAGE;
    }
    oq_scenario *sc = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_scenario_load_file(path, &sc, &err) != OQ_OK) {
        fprintf(stderr, "%s\n", err.message);
        return EXIT_INPUT;
    }
    oq_sim_options o = OQ_OUTPUT_INIT(oq_sim_options);
    oq_scenario_options(sc, &o, NULL);
    if (reps_arg > 0)
        o.replications = (int32_t)reps_arg;
    if (seed_arg >= 0)
        o.seed = (uint64_t)seed_arg;
    o.engine_stats = OQ_SIM_ENGINE_STATS_NONE; /* the report reads only the simulator's figures */
    progress prog;
    memset(&prog, 0, sizeof prog);
    prog.enabled = isatty(2);
    prog.reps = o.replications;
    prog.start_ms = o.start_ms;
    prog.last_ms = o.start_ms;
    prog.span_ms = (int64_t)(o.duration_s * 1000) > 0 ? (int64_t)(o.duration_s * 1000) : 1;
    timespec_get(&prog.t0, TIME_UTC);
    prog.last = prog.t0;
    if (prog.enabled) {
        o.on_event = on_event;
        o.event_user = &prog;
    }
    oq_sim *sim = NULL;
    if (oq_sim_create(&o, &sim, &err) != OQ_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        oq_scenario_free(sc);
        return EXIT_INPUT;
    }
    oq_status st = oq_sim_run(sim);
    if (prog.shown)
        fprintf(stderr, "\r%*s\r", 78, "");
    if (st != OQ_OK) {
        fprintf(stderr, "%s: simulation failed: %s\n", path, oq_sim_last_error(sim));
        oq_sim_destroy(sim);
        oq_scenario_free(sc);
        return EXIT_INPUT;
    }
    double elapsed = secs_since(&prog.t0);

    int32_t nq = 0, nc = 0, nint = 0;
    oq_sim_scope_count(sim, OQ_SIM_QUEUE, &nq);
    oq_sim_scope_count(sim, OQ_SIM_CHANNEL, &nc);
    oq_sim_interval_count(sim, &nint);
    int32_t nrows = 1 + nq + nc, k = 0;
    scope_row *rows = calloc((size_t)nrows, sizeof *rows);
    int ok = rows != NULL && fill_row(sim, o.replications, OQ_SIM_TOTAL, 0, &rows[k++]);
    for (int32_t i = 0; ok && i < nq; i++)
        ok = fill_row(sim, o.replications, OQ_SIM_QUEUE, i, &rows[k++]);
    for (int32_t i = 0; ok && i < nc; i++)
        ok = fill_row(sim, o.replications, OQ_SIM_CHANNEL, i, &rows[k++]);
    if (!ok) {
        fprintf(stderr, "omniq simulate: out of memory\n");
        free(rows);
        oq_sim_destroy(sim);
        oq_scenario_free(sc);
        return EXIT_INPUT;
    }
    double start_s = (double)o.start_ms / 1000.0;
    if (!quiet) {
        char t0[16], t1[16];
        clock_str(t0, sizeof t0, start_s);
        clock_str(t1, sizeof t1, start_s + o.duration_s);
        printf("%s: %d replications (seed %" PRIu64 "), arrivals %s-%s in %d intervals of %g min",
               path, (int)o.replications, o.seed, t0, t1, (int)nint, o.interval_s / 60);
        if (o.warmup_s > 0)
            printf(", warm-up %g s", o.warmup_s);
        printf("\nmean ± 95%% CI half-width over replications; T = the queue's threshold (s)\n"
               "SL %% = answered within T / (answered + abandoned); ASA = mean wait of answered (s)\n"
               "P(wait) %% = answered or abandoned after any wait / (answered + abandoned)\n"
               "abandon %% = abandoned / offered; occupancy %% = agent time holding work (ringing,\n"
               "talking, wrap-up) / logged-in time; left wait, left serve = contacts still waiting,\n"
               "in service when the run ended\n\n");
        print_header("queue");
        for (int32_t i = 1; i <= nq; i++)
            print_row(&rows[i], 0);
        printf("\n");
        print_header("channel");
        for (int32_t i = 1 + nq; i < nrows; i++)
            print_row(&rows[i], 0);
        printf("\n");
        print_row(&rows[0], 1);
        if (rows[0].waiting_end.mean > 0 || rows[0].serving_end.mean > 0)
            printf("\nnote: %.1f contacts per replication were still waiting and %.1f in service "
                   "when the run ended\n(simulation.drain: %g s after the arrivals stopped); they "
                   "are in no SL, ASA or P(wait) figure.\n",
                   rows[0].waiting_end.mean, rows[0].serving_end.mean, o.drain_s);
    }
    ok = 1;
    if (csv)
        ok = write_csv(csv, sim, rows, nrows, o.replications, o.interval_s, start_s, nint) && ok;
    if (json)
        ok = write_json(json, path, sim, rows, nrows, o.replications, o.seed, o.interval_s, start_s,
                        nint) && ok;
    if (svg)
        ok = write_svg(svg, path, sim, rows, nrows, o.replications, o.interval_s, start_s, nint) && ok;
    (void)elapsed;
    free(rows);
    oq_sim_destroy(sim);
    oq_scenario_free(sc);
    return ok ? EXIT_OK : EXIT_INPUT;
}
