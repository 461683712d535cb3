/* SPDX-License-Identifier: MIT */
/* omniq staff: the service-level calculator over the erlang module. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: omniq staff [OPTIONS] (--contacts N | --rate N) --aht SECONDS\n"
    "       omniq staff [OPTIONS] --csv FILE\n"
    "\n"
    "Agents needed to meet a service level: one interval from the flags, or a day of\n"
    "intervals from a CSV (lines 'label,contacts,aht_seconds'; a header line and lines\n"
    "starting with '#' are skipped). Erlang C by default, Erlang A with --patience,\n"
    "chat concurrency with --chat.\n"
    "\n"
    "  --contacts N         contacts offered in the interval\n"
    "  --rate N             contacts per hour (instead of --contacts)\n"
    "  --interval SECONDS   interval length (default 900)\n"
    "  --aht SECONDS        mean handle time\n"
    "  --threshold SECONDS  service-level threshold T (default 20)\n"
    "  --target FRACTION    required share answered within T, e.g. 0.8 or 80% (default 0.8)\n"
    "  --max-asa SECONDS    also require ASA at most this\n"
    "  --patience SECONDS   mean customer patience: Erlang A (abandonment)\n"
    "  --max-abandon F      with --patience: abandonment at most F\n"
    "  --max-occupancy F    occupancy cap, e.g. 0.85\n"
    "  --shrinkage F        breaks, training, absence: scheduled = required / (1 - F)\n"
    "  --chat K             chat concurrency: each agent holds up to K sessions\n"
    "  --chat-aht S1,..,SK  with --chat: handle time while holding 1..K sessions\n"
    "                       (default: --aht for every level)\n"
    "  --format FMT         table (default), csv or json\n";

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

/* ---- one interval ------------------------------------------------------------------ */

static int one_interval(const staff_args *a)
{
    double contacts = a->have_contacts ? a->contacts : a->rate * a->interval_s / 3600.0;
    double load = contacts * a->aht_s / a->interval_s;
    oq_staffing_result r;
    memset(&r, 0, sizeof r);
    oq_status st;
    const char *model = a->o.patience_s > 0 ? "Erlang A" : "Erlang C";
    char model_buf[64];
    if (a->chat > 0) {
        double aht[64];
        for (int j = 0; j < a->chat; j++)
            aht[j] = a->n_chat_aht ? a->chat_aht[j] : a->aht_s;
        double chat_load = contacts * aht[0] / a->interval_s;
        load = chat_load;
        int32_t n = 0;
        st = oq_erlang_chat_agents(chat_load, a->chat, aht, a->o.threshold_s, a->o.target_sl, &n);
        oq_erlang_chat_result cr;
        if (st == OQ_OK)
            st = oq_erlang_chat(chat_load, n, a->chat, aht, a->o.threshold_s, &cr);
        if (st == OQ_OK && a->o.max_occupancy > 0) {
            /* raise N until the session occupancy cap holds */
            while (st == OQ_OK && cr.occupancy > a->o.max_occupancy && n < INT32_MAX) {
                n++;
                st = oq_erlang_chat(chat_load, n, a->chat, aht, a->o.threshold_s, &cr);
            }
        }
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
        st = oq_erlang_staffing(load, a->aht_s, &a->o, &r);
    }
    if (st != OQ_OK) {
        fprintf(stderr, "omniq staff: cannot compute: %s (%s)\n", oq_status_str(st), oq_status_name(st));
        return EXIT_INPUT;
    }
    if (strcmp(a->format, "json") == 0) {
        printf("{\"model\":");
        json_string(stdout, model);
        printf(",\"contacts\":%.6g,\"interval\":%.6g,\"aht\":%.6g,\"load\":%.6f,\"required\":%d,"
               "\"scheduled\":%d,\"service_level\":",
               contacts, a->interval_s, a->aht_s, load, (int)r.required, (int)r.scheduled);
        print_num(stdout, r.service_level, 6, 1);
        printf(",\"threshold\":%.6g,\"asa\":", a->o.threshold_s);
        print_num(stdout, r.asa_s, 3, 1);
        printf(",\"occupancy\":");
        print_num(stdout, r.occupancy, 6, 1);
        printf(",\"p_abandon\":");
        print_num(stdout, r.p_abandon, 6, 1);
        printf("}\n");
    } else if (strcmp(a->format, "csv") == 0) {
        printf("contacts,interval,aht,load,required,scheduled,service_level,asa,occupancy,p_abandon\n");
        printf("%.6g,%.6g,%.6g,%.6f,%d,%d,", contacts, a->interval_s, a->aht_s, load,
               (int)r.required, (int)r.scheduled);
        print_num(stdout, r.service_level, 6, 0);
        printf(",");
        print_num(stdout, r.asa_s, 3, 0);
        printf(",");
        print_num(stdout, r.occupancy, 6, 0);
        printf(",");
        print_num(stdout, r.p_abandon, 6, 0);
        printf("\n");
    } else {
        printf("model             %s\n", model);
        printf("contacts          %.6g per %.6g s (%.1f per hour), AHT %.6g s\n", contacts,
               a->interval_s, contacts * 3600.0 / a->interval_s, a->aht_s);
        printf("load              %.3f Erlangs\n", load);
        printf("required agents   %d\n", (int)r.required);
        printf("scheduled agents  %d (shrinkage %.2f)\n", (int)r.scheduled, a->o.shrinkage);
        printf("service level     %.4f within %.6g s (target %.2f)\n", r.service_level,
               a->o.threshold_s, a->o.target_sl);
        printf("ASA               ");
        print_num(stdout, r.asa_s, 2, 0);
        printf(" s\noccupancy         %.4f\n", r.occupancy);
        printf("abandon           %.4f\n", r.p_abandon);
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

static int read_csv(const char *path, day *d)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "omniq staff: %s: cannot open\n", path);
        return 0;
    }
    char line[1024];
    int lineno = 0, ok = 1;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *f1 = s, *f2 = strchr(f1, ',');
        char *f3 = f2 ? strchr(f2 + 1, ',') : NULL;
        if (!f2 || !f3 || strchr(f3 + 1, ',')) {
            fprintf(stderr, "%s:%d: expected 3 fields 'label,contacts,aht_seconds'\n", path, lineno);
            ok = 0;
            break;
        }
        *f2++ = '\0';
        *f3++ = '\0';
        double contacts, aht;
        int num_ok = parse_num(trim(f2), 0, &contacts) && parse_num(trim(f3), 0, &aht);
        if (!num_ok && d->n == 0 && lineno == 1)
            continue; /* header */
        if (!num_ok || contacts < 0 || !(aht > 0)) {
            fprintf(stderr, "%s:%d: expected contacts >= 0 and aht > 0, got '%s', '%s'\n", path,
                    lineno, trim(f2), trim(f3));
            ok = 0;
        } else if (!day_push(d, trim(f1), contacts, aht)) {
            fprintf(stderr, "omniq staff: out of memory\n");
            ok = 0;
        }
    }
    fclose(f);
    if (ok && d->n == 0) {
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
    oq_plan_totals t;
    oq_status st = rows ? oq_erlang_plan(d.contacts, d.aht, d.n, a->interval_s, &a->o, rows, &t)
                        : OQ_ENOMEM;
    if (st != OQ_OK) {
        fprintf(stderr, "omniq staff: cannot compute the plan: %s (%s)\n", oq_status_str(st),
                oq_status_name(st));
        free(rows);
        day_free(&d);
        return EXIT_INPUT;
    }
    int json = strcmp(a->format, "json") == 0, csv = strcmp(a->format, "csv") == 0;
    if (json)
        printf("{\"interval\":%.6g,\"threshold\":%.6g,\"target\":%.6g,\"intervals\":[", a->interval_s,
               a->o.threshold_s, a->o.target_sl);
    else if (csv)
        printf("interval,contacts,aht,load,required,scheduled,service_level,asa,occupancy,p_abandon\n");
    else
        printf("%-12s %9s %7s %9s %8s %9s %7s %8s %6s %7s\n", "interval", "contacts", "aht", "load",
               "required", "scheduled", "SL", "ASA", "occ", "abandon");
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
            printf("%s,%.6g,%.6g,%.6f,%d,%d,", d.label[i], d.contacts[i], d.aht[i], r->load,
                   (int)r->required, (int)r->scheduled);
            print_num(stdout, r->service_level, 6, 0);
            printf(",");
            print_num(stdout, r->asa_s, 3, 0);
            printf(",");
            print_num(stdout, r->occupancy, 6, 0);
            printf(",");
            print_num(stdout, r->p_abandon, 6, 0);
            printf("\n");
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
    if (a.o.max_abandon > 0 && !(a.o.patience_s > 0))
        return usage_error("%s needs --patience", "--max-abandon");
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
    if (a.n_chat_aht && !a.chat)
        return usage_error("%s", "--chat-aht needs --chat");
    if (a.chat && a.n_chat_aht && a.n_chat_aht != a.chat)
        return usage_error("%s", "--chat-aht needs exactly K values (K = --chat)");
    if (a.chat && a.o.patience_s > 0)
        return usage_error("%s", "--chat and --patience cannot be combined");
    if (!a.have_aht)
        a.aht_s = a.chat_aht[0];
    return one_interval(&a);
}
