/* SPDX-License-Identifier: MIT */
/* omniq forecast: load, backtest, forecast, staff, print. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "forecast_cli.h"

void fc_stamp(int32_t date, int32_t interval, int32_t interval_s, char *buf, size_t size)
{
    int32_t y = 0, m = 0, d = 0, s = interval * interval_s;
    oq_date_to_ymd(date, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", (int)y, (int)m, (int)d, (int)(s / 3600),
             (int)(s / 60 % 60));
}

static void date_str(int32_t date, char *buf, size_t size)
{
    int32_t y = 0, m = 0, d = 0;
    oq_date_to_ymd(date, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

/* ---- special days file ------------------------------------------------------------ */

int fc_load_special(const char *path, oq_special_day **out, int32_t *n_out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "omniq forecast: %s: cannot open\n", path);
        return 0;
    }
    oq_special_day *days = NULL;
    int32_t n = 0, cap = 0, lineno = 0, ok = 1, header = 0;
    char line[512];
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *field[4] = {NULL, NULL, NULL, NULL};
        int nf = 0;
        for (char *tok = s; tok && nf < 4; nf++) {
            char *comma = strchr(tok, ',');
            if (comma)
                *comma = '\0';
            field[nf] = trim(tok);
            tok = comma ? comma + 1 : NULL;
        }
        if (!header) { /* the header line: date,kind[,factor][,like] */
            header = 1;
            if (strcmp(field[0], "date") != 0 || !field[1] || strcmp(field[1], "kind") != 0) {
                fprintf(stderr, "%s:%d: expected the header 'date,kind[,factor][,like]'\n", path,
                        lineno);
                ok = 0;
            }
            continue;
        }
        oq_special_day d = {0, 0, 0, 0, 1};
        const char *kind = field[1] ? field[1] : "";
        const char *factor = field[2] && *field[2] ? field[2] : NULL;
        const char *like = field[3] && *field[3] ? field[3] : NULL;
        char *end;
        if (oq_date_parse(field[0], &d.date) != OQ_OK) {
            fprintf(stderr, "%s:%d: date: '%s' is not YYYY-MM-DD\n", path, lineno, field[0]);
            ok = 0;
        } else if (factor && (d.factor = strtod(factor, &end), *end || !(d.factor > 0))) {
            fprintf(stderr, "%s:%d: factor: '%s' is not a number > 0\n", path, lineno, factor);
            ok = 0;
        } else if (strcmp(kind, "closed") == 0) {
            d.kind = OQ_SPECIAL_CLOSED;
        } else if (strcmp(kind, "holiday") == 0 || strcmp(kind, "factor") == 0) {
            d.kind = OQ_SPECIAL_FACTOR;
        } else if (strcmp(kind, "like-date") == 0) {
            d.kind = OQ_SPECIAL_LIKE_DATE;
            if (!like || oq_date_parse(like, &d.like_date) != OQ_OK) {
                fprintf(stderr, "%s:%d: like: like-date needs a date YYYY-MM-DD\n", path, lineno);
                ok = 0;
            }
        } else if (strcmp(kind, "like-weekday") == 0) {
            d.kind = OQ_SPECIAL_LIKE_WEEKDAY;
            d.like_weekday = -1;
            for (int32_t w = 0; w < 7 && like; w++)
                if (strcmp(like, oq_weekday_name(w)) == 0)
                    d.like_weekday = w;
            if (d.like_weekday < 0) {
                fprintf(stderr, "%s:%d: like: like-weekday needs mon, tue, ... or sun\n", path,
                        lineno);
                ok = 0;
            }
        } else {
            fprintf(stderr, "%s:%d: kind: '%s' is not closed, holiday, factor, like-date or "
                            "like-weekday\n", path, lineno, kind);
            ok = 0;
        }
        if (!ok)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            oq_special_day *nd = realloc(days, (size_t)cap * sizeof *nd);
            if (!nd) {
                fprintf(stderr, "omniq forecast: out of memory\n");
                ok = 0;
                break;
            }
            days = nd;
        }
        days[n++] = d;
    }
    fclose(f);
    if (!ok) {
        free(days);
        return 0;
    }
    *out = days;
    *n_out = n;
    return 1;
}

/* ---- computing ----------------------------------------------------------------------- */

static int fail(const char *what, const oq_error *err, oq_status st)
{
    fprintf(stderr, "omniq forecast: %s: %s (%s)\n", what, err->message[0] ? err->message
                                                                           : oq_status_str(st),
            oq_status_name(st));
    return 0;
}

static int compute(const fc_args *a, const oq_forecast_options *base, fc_queue *q)
{
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    oq_status st = oq_volume_series_load_csv(a->path, q->name, a->interval_s, NULL, NULL,
                                             &q->series, &err);
    if (st != OQ_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 0;
    }
    q->info.struct_size = sizeof q->info;
    oq_volume_series_info_get(q->series, &q->info, NULL);
    int32_t pd = q->info.intervals_per_day;
    oq_forecast_options o = *base;
    o.quantile = a->quantile;
    if (a->intraday_s >= 0 && a->intraday_s % q->info.interval_s != 0) {
        fprintf(stderr, "omniq forecast: --intraday %s is not the start of a %d-second interval\n",
                a->intraday, (int)q->info.interval_s);
        return 0;
    }
    if (a->backtest) {
        q->have_backtest = 1;
        for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
            oq_backtest_options b;
            oq_backtest_options_init(&b);
            b.days = a->backtest;
            b.lead_days = a->lead;
            b.intraday_from = a->intraday_s >= 0 ? a->intraday_s / q->info.interval_s : -1;
            o.method = m;
            q->bt[m].struct_size = sizeof q->bt[m];
            st = oq_forecast_backtest(q->series, &o, &b, &q->bt[m], &err);
            if (st != OQ_OK)
                return fail("backtest", &err, st);
        }
    }
    o.method = a->method;
    int32_t days = a->horizon > 0 ? a->horizon : 1;
    q->n_rows = days * pd;
    q->rows = calloc((size_t)q->n_rows, sizeof *q->rows);
    if (!q->rows) {
        fprintf(stderr, "omniq forecast: out of memory\n");
        return 0;
    }
    q->finfo.struct_size = sizeof q->finfo;
    st = oq_forecast_run(q->series, q->info.last_date + 1, days, &o, q->rows, q->n_rows,
                         &q->finfo, &err);
    if (st != OQ_OK)
        return fail("forecast", &err, st);
    q->chosen = q->finfo.method;
    if (a->horizon == 0)
        q->n_rows = 0;
    if (!a->staffing && strcmp(a->format, "staff") != 0)
        return 1;
    /* what to staff: the mean or a quantile, at the given or the history's handle time */
    q->contacts = calloc((size_t)q->n_rows, sizeof(double));
    q->aht = calloc((size_t)q->n_rows, sizeof(double));
    q->plan = calloc((size_t)q->n_rows, sizeof *q->plan);
    if (!q->contacts || !q->aht || !q->plan) {
        fprintf(stderr, "omniq forecast: out of memory\n");
        return 0;
    }
    for (int32_t i = 0; i < q->n_rows; i++) {
        q->contacts[i] = a->quantile > 0 ? q->rows[i].quantile : q->rows[i].volume;
        q->aht[i] = a->aht_s > 0 ? a->aht_s : q->rows[i].aht_s;
        if (!(q->aht[i] > 0)) {
            if (q->contacts[i] > 0) {
                fprintf(stderr, "omniq forecast: %s has no aht column (or no handle time for "
                                "this weekday): give --aht SECONDS\n", a->path);
                return 0;
            }
            q->aht[i] = 1; /* no contacts: the handle time does not matter */
        }
    }
    if (!a->staffing)
        return 1;
    oq_error_init(&err);
    q->totals.struct_size = (uint32_t)sizeof q->totals;
    st = oq_erlang_plan(q->contacts, q->aht, q->n_rows, q->info.interval_s, &a->staff, q->plan,
                        &q->totals, &err);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq forecast: cannot compute the staffing plan: %s (%s): %s\n",
                oq_status_str(st), oq_status_name(st), err.message);
        return 0;
    }
    return 1;
}

/* ---- printing ------------------------------------------------------------------------ */

static const char *name_of(int32_t m) { return oq_forecast_method_name(m); }

static void print_table(const fc_args *a, const fc_queue *q)
{
    char d0[16], d1[16];
    date_str(q->info.first_date, d0, sizeof d0);
    date_str(q->info.last_date, d1, sizeof d1);
    int32_t pd = q->info.intervals_per_day;
    printf("%s%s%s%d-second intervals, history %s .. %s (%d days present, %d not history)\n",
           q->name ? "queue " : "", q->name ? q->name : "", q->name ? ": " : "",
           (int)q->info.interval_s, d0, d1, (int)q->info.days, (int)q->finfo.excluded_days);
    if (q->have_backtest) {
        printf("\nbacktest: the last %d days, each forecast %d day%s ahead from the days before it\n",
               (int)a->backtest, (int)a->lead, a->lead == 1 ? "" : "s");
        printf("  %-16s %7s %7s %8s %6s %6s %5s\n", "method", "WAPE", "MAPE", "RMSE", "cov80",
               "cov95", "days");
        for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
            const oq_backtest_result *r = &q->bt[m];
            printf("  %-16s %7.4f %7.4f %8.3f %6.3f %6.3f %5d", name_of(m), r->wape, r->mape,
                   r->rmse, r->coverage80, r->coverage95, (int)r->days);
            if (m == OQ_FORECAST_AUTO)
                printf("  (mostly %s)", name_of(r->chosen));
            printf("\n");
        }
        if (a->intraday) {
            const oq_backtest_result *r = &q->bt[a->method];
            printf("  re-forecast from %s (%s): WAPE of the rest of the day %.4f -> %.4f\n",
                   a->intraday, name_of(a->method), r->intraday_before, r->intraday_after);
        }
    }
    if (q->n_rows == 0)
        return;
    printf("\nforecast: %d day%s from %s, method %s%s; 80 %% and 95 %% prediction bands\n",
           (int)(q->n_rows / pd), q->n_rows / pd == 1 ? "" : "s",
           (date_str(q->rows[0].date, d0, sizeof d0), d0), name_of(q->chosen),
           a->method == OQ_FORECAST_AUTO ? " (chosen by auto)" : "");
    printf("  %-16s %8s %6s %6s %6s %6s", "start", "volume", "lo80", "hi80", "lo95", "hi95");
    if (q->plan)
        printf(" %8s %7s %8s %9s %7s", a->quantile > 0 ? "staffed" : "contacts", "aht",
               "required", "scheduled", "SL");
    printf("\n");
    for (int32_t d = 0; d < q->n_rows / pd; d++) {
        const oq_forecast_row *r = q->rows + (size_t)d * (size_t)pd;
        date_str(r[0].date, d0, sizeof d0);
        const char *wd = oq_weekday_name(oq_date_weekday(r[0].date));
        if (r[0].day_kind == OQ_FORECAST_DAY_CLOSED) {
            printf("  %s (%s) closed\n", d0, wd);
            continue;
        }
        double total = 0;
        int32_t hidden = 0;
        for (int32_t i = 0; i < pd; i++) {
            char ts[32];
            fc_stamp(r[i].date, r[i].interval, q->info.interval_s, ts, sizeof ts);
            total += r[i].volume;
            if (r[i].volume == 0 && r[i].hi95 == 0) { /* nothing expected: not worth a line */
                hidden++;
                continue;
            }
            printf("  %-16s %8.2f %6.0f %6.0f %6.0f %6.0f", ts, r[i].volume, r[i].lo80, r[i].hi80,
                   r[i].lo95, r[i].hi95);
            if (q->plan) {
                size_t k = (size_t)d * (size_t)pd + (size_t)i;
                printf(" %8.2f %7.1f %8d %9d %7.4f", q->contacts[k], q->aht[k],
                       (int)q->plan[k].required, (int)q->plan[k].scheduled,
                       q->plan[k].service_level);
            }
            printf("\n");
        }
        printf("  %s (%s) total %.1f%s", d0, wd, total,
               r[0].day_kind == OQ_FORECAST_DAY_SPECIAL ? " (special day)" : "");
        if (hidden)
            printf(" (%d intervals with nothing expected not shown)", (int)hidden);
        printf("\n");
    }
    if (q->plan)
        printf("staffing: %.2f required agent-hours, %.2f scheduled, peak %d required, service "
               "level %.4f\n",
               q->totals.required_agent_hours, q->totals.scheduled_agent_hours,
               (int)q->totals.peak_required, q->totals.service_level);
}

static void print_csv(const fc_args *a, const fc_queue *q, int first)
{
    static const char *const KINDS[] = {"regular", "closed", "special", "actual"};
    if (first) {
        static const char *const COLS[] = {
            "queue", "start", "volume", "lo80", "hi80", "lo95", "hi95", "method", "day",
            "contacts", "aht", "load", "required", "scheduled", "service_level", "asa",
            "occupancy", "p_abandon", NULL};
        static const char *const PLAIN[] = {"queue", "start", "volume", "lo80", "hi80", "lo95",
                                            "hi95", "method", "day", NULL};
        csv_header(stdout, (q->plan ? COLS : PLAIN) + (q->name ? 0 : 1));
    }
    for (int32_t i = 0; i < q->n_rows; i++) {
        const oq_forecast_row *r = &q->rows[i];
        char ts[32];
        fc_stamp(r->date, r->interval, q->info.interval_s, ts, sizeof ts);
        csv_row row;
        csv_begin(&row, stdout);
        if (q->name)
            csv_text(&row, q->name);
        csv_text(&row, ts);
        csv_printf(&row, "%.4f", r->volume);
        csv_printf(&row, "%.0f", r->lo80);
        csv_printf(&row, "%.0f", r->hi80);
        csv_printf(&row, "%.0f", r->lo95);
        csv_printf(&row, "%.0f", r->hi95);
        csv_text(&row, name_of(r->method));
        csv_text(&row, KINDS[r->day_kind]);
        if (q->plan) {
            const oq_plan_interval *p = &q->plan[i];
            csv_printf(&row, "%.4f", q->contacts[i]);
            csv_printf(&row, "%.6g", q->aht[i]);
            csv_printf(&row, "%.6f", p->load);
            csv_printf(&row, "%d", (int)p->required);
            csv_printf(&row, "%d", (int)p->scheduled);
            csv_printf(&row, "%.6f", p->service_level);
            if (isfinite(p->asa_s))
                csv_printf(&row, "%.3f", p->asa_s);
            else
                csv_text(&row, "inf");
            csv_printf(&row, "%.6f", p->occupancy);
            csv_printf(&row, "%.6f", p->p_abandon);
        }
        csv_end(&row);
    }
    (void)a;
}

/* interval,contacts,aht: the input of `omniq staff --csv` (its --interval must match). */
static void print_staff_input(const fc_queue *q, int first)
{
    static const char *const COLS[] = {"interval", "contacts", "aht", NULL};
    if (first)
        csv_header(stdout, COLS);
    for (int32_t i = 0; i < q->n_rows; i++) {
        char ts[32];
        fc_stamp(q->rows[i].date, q->rows[i].interval, q->info.interval_s, ts, sizeof ts);
        csv_row row;
        csv_begin(&row, stdout);
        csv_text(&row, ts);
        csv_printf(&row, "%.4f", q->contacts[i]);
        csv_printf(&row, "%.6g", q->aht[i]);
        csv_end(&row);
    }
}

static void json_num(double v) { json_number(stdout, v); }

static void print_json(const fc_args *a, const fc_queue *q)
{
    printf("{");
    if (q->name) {
        printf("\"queue\":");
        json_string(stdout, q->name);
        printf(",");
    }
    printf("\"interval\":%d,\"method\":\"%s\",\"forecast\":[", (int)q->info.interval_s,
           name_of(q->chosen));
    for (int32_t i = 0; i < q->n_rows; i++) {
        const oq_forecast_row *r = &q->rows[i];
        char ts[32];
        fc_stamp(r->date, r->interval, q->info.interval_s, ts, sizeof ts);
        printf("%s{\"start\":\"%s\",\"volume\":", i ? "," : "", ts);
        json_num(r->volume);
        printf(",\"lo80\":%.0f,\"hi80\":%.0f,\"lo95\":%.0f,\"hi95\":%.0f", r->lo80, r->hi80,
               r->lo95, r->hi95);
        if (q->plan) {
            const oq_plan_interval *p = &q->plan[i];
            printf(",\"contacts\":");
            json_num(q->contacts[i]);
            printf(",\"aht\":");
            json_num(q->aht[i]);
            printf(",\"required\":%d,\"scheduled\":%d,\"service_level\":", (int)p->required,
                   (int)p->scheduled);
            json_num(p->service_level);
        }
        printf("}");
    }
    printf("]");
    if (q->have_backtest) {
        printf(",\"backtest\":{\"days\":%d,\"lead_days\":%d,\"results\":[", (int)a->backtest,
               (int)a->lead);
        for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
            const oq_backtest_result *r = &q->bt[m];
            printf("%s{\"method\":\"%s\",\"wape\":", m ? "," : "", name_of(m));
            json_num(r->wape);
            printf(",\"mape\":");
            json_num(r->mape);
            printf(",\"rmse\":");
            json_num(r->rmse);
            printf(",\"coverage80\":");
            json_num(r->coverage80);
            printf(",\"coverage95\":");
            json_num(r->coverage95);
            printf(",\"days_evaluated\":%d}", (int)r->days);
        }
        printf("],\"chosen\":\"%s\"", name_of(q->chosen));
        if (a->intraday) {
            const oq_backtest_result *r = &q->bt[a->method];
            printf(",\"intraday\":{\"from\":\"%s\",\"wape_before\":", a->intraday);
            json_num(r->intraday_before);
            printf(",\"wape_after\":");
            json_num(r->intraday_after);
            printf("}");
        }
        printf("}");
    }
    if (q->plan)
        printf(",\"staffing\":{\"required_agent_hours\":%.3f,\"scheduled_agent_hours\":%.3f,"
               "\"peak_required\":%d,\"service_level\":%.6f}",
               q->totals.required_agent_hours, q->totals.scheduled_agent_hours,
               (int)q->totals.peak_required, q->totals.service_level);
    printf("}");
}

static void queue_free(fc_queue *q)
{
    oq_volume_series_destroy(q->series);
    free(q->rows);
    free(q->plan);
    free(q->contacts);
    free(q->aht);
}

int fc_main(const fc_args *a)
{
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.ha_weeks = a->ha_weeks;
    oq_special_day *special = NULL;
    int32_t n_special = 0;
    if (a->special_path && !fc_load_special(a->special_path, &special, &n_special))
        return EXIT_INPUT;
    o.special_days = special;
    o.n_special_days = n_special;
    oq_calendar *cal = NULL;
    oq_error cerr = OQ_ERROR_INIT;
    oq_error_init(&cerr);
    if (a->calendar && oq_calendar_load_file(a->calendar, a->calendar_id, NULL, &cal, &cerr) != OQ_OK) {
        fprintf(stderr, "omniq forecast: %s\n", cerr.message);
        free(special);
        return EXIT_INPUT;
    }
    o.calendar = cal;
    /* the queues: the one asked for, or every queue of the file */
    char *names = NULL;
    int32_t n_queues = 1;
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    if (!a->queue) {
        oq_status st = oq_volume_csv_queues(a->path, &names, &n_queues, &err);
        if (st != OQ_OK) {
            fprintf(stderr, "%s\n", err.message);
            oq_calendar_destroy(cal);
            free(special);
            return EXIT_INPUT;
        }
        if (n_queues == 0)
            n_queues = 1;
    }
    if ((a->svg || strcmp(a->format, "staff") == 0) && n_queues > 1) {
        fprintf(stderr, "omniq forecast: --%s is for one queue: give --queue NAME\n",
                a->svg ? "svg" : "format staff");
        oq_free(names);
        oq_calendar_destroy(cal);
        free(special);
        return EXIT_USAGE;
    }
    int json = strcmp(a->format, "json") == 0, rc = EXIT_OK;
    const char *next = names;
    if (json && n_queues > 1)
        printf("{\"queues\":[");
    for (int32_t k = 0; k < n_queues && rc == EXIT_OK; k++) {
        fc_queue q;
        memset(&q, 0, sizeof q);
        char name[512];
        if (a->queue)
            q.name = a->queue;
        else if (names && *next) {
            const char *nl = strchr(next, '\n');
            snprintf(name, sizeof name, "%.*s", (int)(nl - next), next);
            q.name = name;
            next = nl + 1;
        }
        if (!compute(a, &o, &q))
            rc = EXIT_INPUT;
        else if (json) {
            if (k)
                printf(",");
            print_json(a, &q);
        } else if (strcmp(a->format, "csv") == 0)
            print_csv(a, &q, k == 0);
        else if (strcmp(a->format, "staff") == 0)
            print_staff_input(&q, k == 0);
        else {
            if (k)
                printf("\n");
            print_table(a, &q);
        }
        if (rc == EXIT_OK && a->svg && !fc_write_svg(a->svg, a, &q))
            rc = EXIT_INPUT;
        queue_free(&q);
    }
    if (json && rc == EXIT_OK)
        printf(n_queues > 1 ? "]}\n" : "\n");
    oq_free(names);
    oq_calendar_destroy(cal);
    free(special);
    return rc;
}
