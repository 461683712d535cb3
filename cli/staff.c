/* SPDX-License-Identifier: MIT */
/* omniq staff: the service-level calculator over the erlang module. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"

static const char USAGE[] =
    "usage: omniq staff [OPTIONS] (--contacts N | --rate N) --aht SECONDS\n"
    "       omniq staff [OPTIONS] --csv FILE\n"
    "\n"
    "Agents needed to meet a service level: one interval from the flags, or a day of\n"
    "intervals from a CSV whose header names the columns interval, contacts and aht\n"
    "(seconds), in any order (RFC 4180 quoting; blank lines and lines starting with '#'\n"
    "are skipped). Erlang C by default, Erlang A with --patience, chat concurrency with\n"
    "--chat.\n"
    "\n"
    "  --contacts N         contacts offered in the interval\n"
    "  --rate N             contacts per hour (instead of --contacts)\n"
    "  --interval SECONDS   interval length (default 900)\n"
    "  --aht SECONDS        mean handle time\n"
    "  --threshold SECONDS  service-level threshold T (default 20)\n"
    "  --target FRACTION    required share answered within T, e.g. 0.8 or 80% (default 0.8)\n"
    "  --max-asa SECONDS    also require ASA at most this (chat: mean wait of all sessions)\n"
    "  --patience SECONDS   mean customer patience: Erlang A (abandonment)\n"
    "  --max-abandon F      with --patience: abandonment at most F\n"
    "  --max-occupancy F    cap on occupancy (agent time holding work / logged-in time),\n"
    "                       e.g. 0.85\n"
    "  --shrinkage F        breaks, training, absence: scheduled = required / (1 - F)\n"
    "  --chat K             chat concurrency: each agent holds up to K sessions\n"
    "  --chat-aht S1,..,SK  with --chat: handle time while holding 1..K sessions\n"
    "                       (or --aht: the same handle time at every level)\n"
    "  --format FMT         table (default), csv or json\n"
    "\n"
    "Every option is honoured by the model it is given to or refused (exit 1).\n"
    "occupancy = agent time holding work / logged-in time (chat: agents holding at least one\n"
    "session); utilisation (chat) = sessions in service / session slots; abandon = abandoned /\n"
    "offered.\n";

/* One meaning per word, printed with the figures (docs/statistics.md). */
#define OCCUPANCY_DEF "agent time holding work / logged-in time"
#define UTILISATION_DEF "sessions in service / (agents x sessions per agent)"
#define ABANDON_DEF "abandoned / offered"

typedef struct staff_args {
    double contacts, rate, interval_s, aht_s;
    int have_contacts, have_rate, have_aht;
    const char *csv;
    int chat;
    double chat_aht[64];
    int n_chat_aht;
    const char *format;
    oq_staffing_options o;
} staff_args;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "omniq staff: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", USAGE);
    return EXIT_USAGE;
}

static void print_num(FILE *f, double v, int prec, int json)
{
    if (isfinite(v))
        fprintf(f, "%.*f", prec, v);
    else
        fprintf(f, json ? "null" : "inf");
}

/* A figure as a CSV field ("inf" when not finite). */
static void csv_num(csv_row *r, double v, int prec)
{
    if (isfinite(v))
        csv_printf(r, "%.*f", prec, v);
    else
        csv_text(r, "inf");
}

/* Does N chat agents meet every constraint given (SL target, ASA cap,
 * occupancy cap)? 1 yes, 0 no, < 0 an error status. */
static int chat_meets(const staff_args *a, double load, const double *aht, int32_t n,
                      oq_erlang_chat_result *out)
{
    oq_status st = oq_erlang_chat(load, n, a->chat, aht, a->o.threshold_s, out, NULL);
    if (st != OQ_OK)
        return st;
    if (a->o.target_sl > 0 && !(out->service_level >= a->o.target_sl))
        return 0;
    if (a->o.max_asa_s > 0 && !(out->asa_s <= a->o.max_asa_s))
        return 0;
    if (a->o.max_occupancy > 0 && !(out->occupancy <= a->o.max_occupancy))
        return 0;
    return 1;
}

/* The smallest N meeting every constraint: from the SL requirement, gallop
 * up, then bisect (each constraint only gets easier as N grows). */
static oq_status chat_staffing(const staff_args *a, double load, const double *aht, int32_t *n,
                               oq_erlang_chat_result *out)
{
    int32_t lo = 0;
    oq_status st = oq_erlang_chat_agents(load, a->chat, aht, a->o.threshold_s, a->o.target_sl, &lo);
    if (st != OQ_OK)
        return st;
    int64_t fail = (int64_t)lo - 1, hi = lo, step = 1;
    int m;
    while ((m = chat_meets(a, load, aht, (int32_t)hi, out)) == 0) {
        fail = hi;
        hi += step;
        step *= 2;
        if (hi > INT32_MAX)
            return OQ_ERANGE;
    }
    if (m < 0)
        return m;
    while (hi - fail > 1) {
        int64_t mid = fail + (hi - fail) / 2;
        if ((m = chat_meets(a, load, aht, (int32_t)mid, out)) < 0)
            return m;
        if (m)
            hi = mid;
        else
            fail = mid;
    }
    *n = (int32_t)hi;
    return oq_erlang_chat(load, *n, a->chat, aht, a->o.threshold_s, out, NULL);
}

/* "300 s" or, for chat with several handle times, "300 s at 1 session,
 * 360 s at 2, 450 s at 3". */
static void aht_text(const staff_args *a, const double *aht, char *buf, size_t size)
{
    if (a->chat <= 1 || !a->n_chat_aht) {
        snprintf(buf, size, "%.6g s%s", a->chat ? aht[0] : a->aht_s,
                 a->chat > 1 ? " at every concurrency" : "");
        return;
    }
    size_t used = 0;
    for (int j = 0; j < a->chat && used < size; j++) {
        int w = snprintf(buf + used, size - used, j == 0 ? "%.6g s at 1 session" : ", %.6g s at %d",
                         aht[j], j + 1);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---- one interval ------------------------------------------------------------------ */

static int one_interval(const staff_args *a)
{
    double contacts = a->have_contacts ? a->contacts : a->rate * a->interval_s / 3600.0;
    double load = contacts * a->aht_s / a->interval_s;
    oq_staffing_result r = OQ_OUTPUT_INIT(oq_staffing_result);
    oq_error err = OQ_ERROR_INIT;
    oq_status st;
    const char *model = a->o.patience_s > 0 ? "Erlang A" : "Erlang C";
    char model_buf[64];
    double aht[64];
    oq_erlang_chat_result cr = OQ_OUTPUT_INIT(oq_erlang_chat_result);
    if (a->chat > 0) {
        for (int j = 0; j < a->chat; j++)
            aht[j] = a->n_chat_aht ? a->chat_aht[j] : a->aht_s;
        load = contacts * aht[0] / a->interval_s; /* Erlangs at one session per agent */
        int32_t n = 0;
        st = chat_staffing(a, load, aht, &n, &cr);
        if (st == OQ_OK) {
            r.required = n;
            st = oq_erlang_scheduled(n, a->o.shrinkage, &r.scheduled);
            r.service_level = cr.service_level;
            r.asa_s = cr.asa_s;
            r.occupancy = cr.occupancy;
        }
        snprintf(model_buf, sizeof model_buf, "chat, %d sessions per agent", a->chat);
        model = model_buf;
    } else {
        st = oq_erlang_staffing(load, a->aht_s, &a->o, &r, &err);
    }
    if (st != OQ_OK) {
        fprintf(stderr, "omniq staff: cannot compute: %s (%s)%s%s\n", oq_status_str(st),
                oq_status_name(st), err.message[0] ? ": " : "", err.message);
        return EXIT_INPUT;
    }
    double aht_load = a->chat ? aht[0] : a->aht_s; /* the AHT that makes the load */
    if (strcmp(a->format, "json") == 0) {
        printf("{\"model\":");
        json_string(stdout, model);
        printf(",\"contacts\":%.6g,\"interval\":%.6g,\"aht\":%.6g", contacts, a->interval_s,
               aht_load);
        if (a->chat) {
            printf(",\"chat_aht\":[");
            for (int j = 0; j < a->chat; j++)
                printf("%s%.6g", j ? "," : "", aht[j]);
            printf("]");
        }
        printf(",\"load\":%.6f,\"required\":%d,\"scheduled\":%d,\"service_level\":", load,
               (int)r.required, (int)r.scheduled);
        print_num(stdout, r.service_level, 6, 1);
        printf(",\"threshold\":%.6g,\"asa\":", a->o.threshold_s);
        print_num(stdout, r.asa_s, 3, 1);
        printf(",\"occupancy\":");
        print_num(stdout, r.occupancy, 6, 1);
        if (a->chat) {
            printf(",\"utilisation\":");
            print_num(stdout, cr.utilisation, 6, 1);
        }
        printf(",\"p_abandon\":");
        print_num(stdout, r.p_abandon, 6, 1);
        printf(",\"definitions\":{\"occupancy\":\"%s\",", OCCUPANCY_DEF);
        if (a->chat)
            printf("\"utilisation\":\"%s\",", UTILISATION_DEF);
        printf("\"p_abandon\":\"%s\"}}\n", ABANDON_DEF);
    } else if (strcmp(a->format, "csv") == 0) {
        static const char *const COLS[] = {"contacts", "interval", "aht", "load", "required",
                                           "scheduled", "service_level", "asa", "occupancy",
                                           "p_abandon", NULL};
        static const char *const CHAT_COLS[] = {"contacts", "interval", "aht", "load", "required",
                                                "scheduled", "service_level", "asa", "occupancy",
                                                "p_abandon", "utilisation", NULL};
        csv_header(stdout, a->chat ? CHAT_COLS : COLS);
        csv_row row;
        csv_begin(&row, stdout);
        csv_printf(&row, "%.6g", contacts);
        csv_printf(&row, "%.6g", a->interval_s);
        csv_printf(&row, "%.6g", aht_load);
        csv_printf(&row, "%.6f", load);
        csv_printf(&row, "%d", (int)r.required);
        csv_printf(&row, "%d", (int)r.scheduled);
        csv_num(&row, r.service_level, 6);
        csv_num(&row, r.asa_s, 3);
        csv_num(&row, r.occupancy, 6);
        csv_num(&row, r.p_abandon, 6);
        if (a->chat)
            csv_num(&row, cr.utilisation, 6);
        csv_end(&row);
    } else {
        char aht_buf[512];
        aht_text(a, aht, aht_buf, sizeof aht_buf);
        printf("model             %s\n", model);
        printf("contacts          %.6g per %.6g s (%.1f per hour), AHT %s\n", contacts,
               a->interval_s, contacts * 3600.0 / a->interval_s, aht_buf);
        printf("load              %.3f Erlangs\n", load);
        printf("required agents   %d\n", (int)r.required);
        printf("scheduled agents  %d (shrinkage %.2f)\n", (int)r.scheduled, a->o.shrinkage);
        printf("service level     %.4f within %.6g s (target %.2f)\n", r.service_level,
               a->o.threshold_s, a->o.target_sl);
        printf("ASA               ");
        print_num(stdout, r.asa_s, 2, 0);
        printf(" s%s\n", a->chat ? " (mean wait of all sessions)" : "");
        printf("occupancy         %.4f (%s)\n", r.occupancy, OCCUPANCY_DEF);
        if (a->chat)
            printf("utilisation       %.4f (%s)\n", cr.utilisation, UTILISATION_DEF);
        printf("abandon           %.4f (%s)\n", r.p_abandon, ABANDON_DEF);
    }
    return EXIT_OK;
}

/* ---- a day from a CSV ---------------------------------------------------------------- */

typedef struct day {
    char (*label)[32];
    double *contacts, *aht;
    int32_t n, cap;
} day;

static void day_free(day *d)
{
    free(d->label);
    free(d->contacts);
    free(d->aht);
}

static int day_push(day *d, const char *label, double contacts, double aht)
{
    if (d->n == d->cap) {
        int32_t cap = d->cap ? d->cap * 2 : 96;
        char(*l)[32] = realloc(d->label, (size_t)cap * sizeof *l);
        if (l)
            d->label = l;
        double *c = realloc(d->contacts, (size_t)cap * sizeof *c);
        if (c)
            d->contacts = c;
        double *h = realloc(d->aht, (size_t)cap * sizeof *h);
        if (h)
            d->aht = h;
        if (!l || !c || !h)
            return 0;
        d->cap = cap;
    }
    snprintf(d->label[d->n], sizeof d->label[d->n], "%s", label);
    d->contacts[d->n] = contacts;
    d->aht[d->n] = aht;
    d->n++;
    return 1;
}

/* The columns of a day CSV, found by their header names in any order. */
enum { COL_LABEL, COL_CONTACTS, COL_AHT, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"interval", "contacts", "aht"};

/* Read "interval,contacts,aht" rows (RFC 4180 quoting) by the header's
 * column names; '#' comment lines and blank lines are skipped anywhere.
 * Errors name FILE:LINE. */
static int read_csv(const char *path, day *d)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "omniq staff: %s: cannot open\n", path);
        return 0;
    }
    char line[4096];
    int lineno = 0, ok = 1, n_cols = 0;
    int col_of[N_COLS]; /* column index of each name, -1 until the header is read */
    for (int k = 0; k < N_COLS; k++)
        col_of[k] = -1;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "%s:%d: line longer than %d bytes\n", path, lineno, (int)sizeof line - 2);
            ok = 0;
            break;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *fld[16];
        const char *why = NULL;
        int n = csv_split(s, fld, 16, &why);
        if (n < 0) {
            fprintf(stderr, "%s:%d: %s\n", path, lineno, why);
            ok = 0;
            break;
        }
        if (n_cols == 0) { /* the header */
            n_cols = n;
            for (int i = 0; ok && i < n; i++) {
                const char *name = trim(fld[i]);
                int k = 0;
                while (k < N_COLS && strcmp(name, COL_NAMES[k]) != 0)
                    k++;
                if (k == N_COLS) {
                    fprintf(stderr, "%s:%d: unknown column '%s' (the header names the columns: "
                                    "interval, contacts, aht)\n", path, lineno, name);
                    ok = 0;
                } else if (col_of[k] >= 0) {
                    fprintf(stderr, "%s:%d: column '%s' appears twice\n", path, lineno, name);
                    ok = 0;
                } else {
                    col_of[k] = i;
                }
            }
            for (int k = 0; ok && k < N_COLS; k++)
                if (col_of[k] < 0) {
                    fprintf(stderr, "%s:%d: missing column '%s' (the first line that is not a "
                                    "comment is the header: interval,contacts,aht)\n",
                            path, lineno, COL_NAMES[k]);
                    ok = 0;
                }
            continue;
        }
        if (n != n_cols) {
            fprintf(stderr, "%s:%d: %d fields, the header has %d\n", path, lineno, n, n_cols);
            ok = 0;
            break;
        }
        char *c_txt = trim(fld[col_of[COL_CONTACTS]]), *a_txt = trim(fld[col_of[COL_AHT]]);
        double contacts, aht;
        if (!parse_num(c_txt, 0, &contacts) || contacts < 0) {
            fprintf(stderr, "%s:%d: contacts: expected a number >= 0, got '%s'\n", path, lineno, c_txt);
            ok = 0;
        } else if (!parse_num(a_txt, 0, &aht) || !(aht > 0)) {
            fprintf(stderr, "%s:%d: aht: expected a number of seconds > 0, got '%s'\n", path, lineno,
                    a_txt);
            ok = 0;
        } else if (!day_push(d, trim(fld[col_of[COL_LABEL]]), contacts, aht)) {
            fprintf(stderr, "omniq staff: out of memory\n");
            ok = 0;
        }
    }
    fclose(f);
    if (ok && n_cols == 0) {
        fprintf(stderr, "%s: no header line (interval,contacts,aht)\n", path);
        ok = 0;
    } else if (ok && d->n == 0) {
        fprintf(stderr, "%s: no intervals\n", path);
        ok = 0;
    }
    return ok;
}

static int day_plan(const staff_args *a)
{
    day d = {0};
    if (!read_csv(a->csv, &d)) {
        day_free(&d);
        return EXIT_INPUT;
    }
    oq_plan_interval *rows = calloc((size_t)d.n, sizeof *rows);
    oq_plan_totals t = OQ_OUTPUT_INIT(oq_plan_totals);
    oq_error err = OQ_ERROR_INIT;
    oq_status st = rows ? oq_erlang_plan(d.contacts, d.aht, d.n, a->interval_s, &a->o, rows, &t,
                                         &err)
                        : OQ_ENOMEM;
    if (st != OQ_OK) {
        fprintf(stderr, "omniq staff: cannot compute the plan: %s (%s)%s%s\n", oq_status_str(st),
                oq_status_name(st), err.message[0] ? ": " : "", err.message);
        free(rows);
        day_free(&d);
        return EXIT_INPUT;
    }
    int json = strcmp(a->format, "json") == 0, csv = strcmp(a->format, "csv") == 0;
    if (json)
        printf("{\"interval\":%.6g,\"threshold\":%.6g,\"target\":%.6g,\"definitions\":"
               "{\"occupancy\":\"%s\",\"p_abandon\":\"%s\"},\"intervals\":[",
               a->interval_s, a->o.threshold_s, a->o.target_sl, OCCUPANCY_DEF, ABANDON_DEF);
    else if (csv) {
        static const char *const COLS[] = {"interval", "contacts", "aht", "load", "required",
                                           "scheduled", "service_level", "asa", "occupancy",
                                           "p_abandon", NULL};
        csv_header(stdout, COLS);
    }
    else
        printf("%s model; occ = occupancy: %s; abandon = %s\n"
               "%-12s %9s %7s %9s %8s %9s %7s %8s %6s %7s\n",
               a->o.patience_s > 0 ? "Erlang A" : "Erlang C", OCCUPANCY_DEF, ABANDON_DEF,
               "interval", "contacts", "aht", "load", "required", "scheduled", "SL", "ASA", "occ",
               "abandon");
    for (int32_t i = 0; i < d.n; i++) {
        const oq_plan_interval *r = &rows[i];
        if (json) {
            printf("%s{\"label\":", i ? "," : "");
            json_string(stdout, d.label[i]);
            printf(",\"contacts\":%.6g,\"aht\":%.6g,\"load\":%.6f,\"required\":%d,\"scheduled\":%d,"
                   "\"service_level\":",
                   d.contacts[i], d.aht[i], r->load, (int)r->required, (int)r->scheduled);
            print_num(stdout, r->service_level, 6, 1);
            printf(",\"asa\":");
            print_num(stdout, r->asa_s, 3, 1);
            printf(",\"occupancy\":");
            print_num(stdout, r->occupancy, 6, 1);
            printf(",\"p_abandon\":");
            print_num(stdout, r->p_abandon, 6, 1);
            printf("}");
        } else if (csv) {
            csv_row row;
            csv_begin(&row, stdout);
            csv_text(&row, d.label[i]);
            csv_printf(&row, "%.6g", d.contacts[i]);
            csv_printf(&row, "%.6g", d.aht[i]);
            csv_printf(&row, "%.6f", r->load);
            csv_printf(&row, "%d", (int)r->required);
            csv_printf(&row, "%d", (int)r->scheduled);
            csv_num(&row, r->service_level, 6);
            csv_num(&row, r->asa_s, 3);
            csv_num(&row, r->occupancy, 6);
            csv_num(&row, r->p_abandon, 6);
            csv_end(&row);
        } else {
            char asa[32];
            if (isfinite(r->asa_s))
                snprintf(asa, sizeof asa, "%.2f", r->asa_s);
            else
                snprintf(asa, sizeof asa, "inf");
            printf("%-12s %9.6g %7.6g %9.3f %8d %9d %7.4f %8s %6.3f %7.4f\n", d.label[i],
                   d.contacts[i], d.aht[i], r->load, (int)r->required, (int)r->scheduled,
                   r->service_level, asa, r->occupancy, r->p_abandon);
        }
    }
    if (json) {
        printf("],\"totals\":{\"contacts\":%.6g,\"required_agent_hours\":%.3f,"
               "\"scheduled_agent_hours\":%.3f,\"peak_required\":%d,\"peak_scheduled\":%d,"
               "\"peak_interval\":",
               t.contacts, t.required_agent_hours, t.scheduled_agent_hours, (int)t.peak_required,
               (int)t.peak_scheduled);
        json_string(stdout, t.peak_interval >= 0 ? d.label[t.peak_interval] : "");
        printf(",\"service_level\":%.6f}}\n", t.service_level);
    } else if (!csv) {
        printf("total: %.6g contacts, %.2f required agent-hours, %.2f scheduled agent-hours, "
               "peak %d required / %d scheduled at %s, service level %.4f\n",
               t.contacts, t.required_agent_hours, t.scheduled_agent_hours, (int)t.peak_required,
               (int)t.peak_scheduled, t.peak_interval >= 0 ? d.label[t.peak_interval] : "-",
               t.service_level);
    }
    free(rows);
    day_free(&d);
    return EXIT_OK;
}

int cmd_staff(int argc, char **argv)
{
    staff_args a;
    memset(&a, 0, sizeof a);
    a.interval_s = 900;
    a.format = "table";
    oq_staffing_options_init(&a.o);
    a.o.threshold_s = 20;
    a.o.target_sl = 0.8;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (is_help(opt)) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        }
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value (or is unknown)", opt);
        const char *val = argv[++i];
        double v = 0;
        int num = parse_num(val, 0, &v);
        int bad = 0;
        if (strcmp(opt, "--contacts") == 0) {
            bad = !num || v < 0;
            a.contacts = v;
            a.have_contacts = 1;
        } else if (strcmp(opt, "--rate") == 0) {
            bad = !num || v < 0;
            a.rate = v;
            a.have_rate = 1;
        } else if (strcmp(opt, "--interval") == 0) {
            bad = !num || !(v > 0);
            a.interval_s = v;
        } else if (strcmp(opt, "--aht") == 0) {
            bad = !num || !(v > 0);
            a.aht_s = v;
            a.have_aht = 1;
        } else if (strcmp(opt, "--threshold") == 0) {
            bad = !num || v < 0;
            a.o.threshold_s = v;
        } else if (strcmp(opt, "--target") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v < 1);
            a.o.target_sl = v;
        } else if (strcmp(opt, "--max-asa") == 0) {
            bad = !num || !(v > 0);
            a.o.max_asa_s = v;
        } else if (strcmp(opt, "--patience") == 0) {
            bad = !num || !(v > 0);
            a.o.patience_s = v;
        } else if (strcmp(opt, "--max-abandon") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v < 1);
            a.o.max_abandon = v;
        } else if (strcmp(opt, "--max-occupancy") == 0) {
            bad = !parse_num(val, 1, &v) || !(v > 0 && v <= 1);
            a.o.max_occupancy = v;
        } else if (strcmp(opt, "--shrinkage") == 0) {
            bad = !parse_num(val, 1, &v) || !(v >= 0 && v < 1);
            a.o.shrinkage = v;
        } else if (strcmp(opt, "--chat") == 0) {
            bad = !num || v < 1 || v > 64 || v != floor(v);
            a.chat = (int)v;
        } else if (strcmp(opt, "--chat-aht") == 0) {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", val);
            a.n_chat_aht = 0;
            for (char *tok = strtok(buf, ","); tok && !bad; tok = strtok(NULL, ",")) {
                double h;
                bad = a.n_chat_aht >= 64 || !parse_num(trim(tok), 0, &h) || !(h > 0);
                if (!bad)
                    a.chat_aht[a.n_chat_aht++] = h;
            }
            bad = bad || a.n_chat_aht == 0;
        } else if (strcmp(opt, "--csv") == 0) {
            a.csv = val;
        } else if (strcmp(opt, "--format") == 0) {
            bad = strcmp(val, "table") != 0 && strcmp(val, "csv") != 0 && strcmp(val, "json") != 0;
            a.format = val;
        } else {
            return usage_error("unknown option '%s'", opt);
        }
        if (bad) {
            fprintf(stderr, "omniq staff: bad value '%s' for %s\n%s", val, opt, USAGE);
            return EXIT_USAGE;
        }
    }
    /* Every option is honoured by the mode it is given to, or refused. */
    if (a.o.max_abandon > 0 && !(a.o.patience_s > 0))
        return usage_error("%s needs --patience", "--max-abandon");
    if (a.n_chat_aht && !a.chat)
        return usage_error("%s", "--chat-aht needs --chat");
    if (a.csv) {
        if (a.have_contacts || a.have_rate || a.have_aht || a.chat)
            return usage_error("%s takes contacts and AHT from the file (no --contacts/--rate/--aht/--chat)",
                               "--csv");
        return day_plan(&a);
    }
    if (a.have_contacts == a.have_rate)
        return usage_error("%s", "give exactly one of --contacts or --rate");
    if (!a.have_aht && !(a.chat && a.n_chat_aht))
        return usage_error("%s", "missing --aht");
    if (a.chat && a.n_chat_aht && a.n_chat_aht != a.chat)
        return usage_error("%s", "--chat-aht needs exactly K values (K = --chat)");
    if (a.chat && a.n_chat_aht && a.have_aht)
        return usage_error("%s", "give --aht (the same handle time at every concurrency) or "
                                 "--chat-aht (one per concurrency), not both");
    if (a.chat && a.o.patience_s > 0)
        return usage_error("%s", "--chat and --patience cannot be combined");
    if (!a.have_aht)
        a.aht_s = a.chat_aht[0];
    return one_interval(&a);
}
