/* SPDX-License-Identifier: MIT */
/* Benchmark of the forecast module.
 *
 * 1. Speed: a year of 5-minute history (365 x 288 = 105,120 intervals, a
 *    synthetic weekly-shaped Poisson series) backtested over the last 60 days
 *    with every method; CPU and wall time of the whole set, median and spread
 *    of several runs. Target: under 1 s on one core.
 * 2. Accuracy, when the bank data is present (../shared/data from the project
 *    root, or --data DIR, or $OMNIQ_DATA_DIR): the "Anonymous Bank" calls of
 *    1999 in 6-minute intervals, summed to 30 minutes (the resolution of the
 *    issue's figures: its Poisson floor of about 12 % is that of half hours),
 *    with the year's Israeli holidays as special days. Over the July-December
 *    ordinary days: next-day WAPE of auto against the best HA-k (k = 1..8) in
 *    hindsight (target <= 0.95x overall, and per month never more than 2 %
 *    worse), the noon re-forecast's cut of the afternoon WAPE (target >= 10 %
 *    relative), and the coverage of the 80 % and 95 % intervals (80 +- 3 %,
 *    95 +- 2 %). Skipped cleanly without the file.
 *
 * Usage: bench_forecast [--quick] [--runs N] [--data DIR]
 * --runs N: timing runs (default 5); --quick: one timing run, accuracy
 * figures still complete (CI smoke test). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, gmtime_r */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "omniq/forecast.h"

static double wall_s(void) { return bench_wall(); }
static double cpu_s(void) { return bench_cpu(); }

static int32_t ymd(int y, int m, int d)
{
    int32_t date = 0;
    oq_date_from_ymd(y, m, d, &date);
    return date;
}

static void check(oq_status st, const oq_error *err, const char *what)
{
    if (st != OQ_OK) {
        fprintf(stderr, "bench_forecast: %s: %s (%s)\n", what, err->message, oq_status_name(st));
        exit(1);
    }
}

/* ---- 1. speed ---------------------------------------------------------------- */

/* Deterministic Poisson draws (Knuth for small means, normal beyond 30). */
static uint64_t rng_state = 88172645463325252ull;
static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}
static double poisson(double mu)
{
    if (mu > 30) {
        double u1 = uniform(), u2 = uniform();
        double z = sqrt(-2 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2);
        double x = floor(mu + sqrt(mu) * z + 0.5);
        return x < 0 ? 0 : x;
    }
    double l = exp(-mu), p = 1;
    int k = 0;
    do {
        k++;
        p *= uniform();
    } while (p > l);
    return k - 1;
}

static oq_volume_series *synthetic_year(int32_t interval_s, int32_t first_date)
{
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    check(oq_volume_series_create(interval_s, NULL, NULL, &s, &err), &err, "create");
    int32_t pd = 86400 / interval_s;
    double *v = malloc((size_t)pd * sizeof *v);
    static const double weekday[7] = {1.0, 0.95, 0.92, 0.9, 0.85, 0.35, 0.15};
    double level = 1;
    for (int32_t d = 0; d < 365; d++) {
        int32_t date = first_date + d, w = ((date % 7) + 7 + 3) % 7;
        level = 0.7 * level + 0.3 * (1 + 0.15 * (uniform() - 0.5) * 2);
        for (int32_t i = 0; i < pd; i++) {
            double h = (i + 0.5) * 24.0 / pd;
            double shape = h < 7 || h > 22 ? 0.05 : 1 + 0.6 * sin((h - 7) / 15 * 3.14159);
            v[i] = poisson(6.0 * 300 / interval_s * weekday[w] * level * shape);
        }
        check(oq_volume_series_set_day(s, date, v, NULL, pd, &err), &err, "set_day");
    }
    free(v);
    return s;
}

static void bench_speed(int runs, const bench_env *env, double *out_cpu, double *out_wall)
{
    oq_volume_series *s = synthetic_year(300, ymd(2023, 1, 1));
    double *cpu = calloc((size_t)runs, sizeof *cpu), *wall = calloc((size_t)runs, sizeof *wall);
    double wape[OQ_FORECAST_METHODS] = {0};
    if (!cpu || !wall)
        exit(1);
    for (int r = 0; r < runs; r++) {
        double c0 = cpu_s(), w0 = wall_s();
        for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
            oq_forecast_options o;
            oq_forecast_options_init(&o);
            o.method = m;
            oq_backtest_options b;
            oq_backtest_options_init(&b);
            b.days = 60;
            oq_backtest_result res = OQ_OUTPUT_INIT(oq_backtest_result);
            oq_error err = OQ_ERROR_INIT;
            check(oq_forecast_backtest(s, &o, &b, &res, &err), &err, "backtest");
            wape[m] = res.wape;
        }
        cpu[r] = cpu_s() - c0;
        wall[r] = wall_s() - w0;
    }
    bench_spread sc = bench_spread_of(cpu, runs), sw = bench_spread_of(wall, runs);
    printf("speed: a year of 5-minute history (105,120 intervals), 60-day backtest of all %d "
           "methods, %d run%s\n",
           OQ_FORECAST_METHODS, runs, runs > 1 ? "s" : "");
    printf("  cpu  median %.3f s (min %.3f, max %.3f)\n", sc.med, sc.min, sc.max);
    printf("  wall median %.3f s (min %.3f, max %.3f)   target < 1 s: %s\n", sw.med, sw.min, sw.max,
           sc.med < 1 ? "met" : "MISSED");
    printf("  (synthetic next-day WAPE:");
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++)
        printf(" %s %.3f", oq_forecast_method_name(m), wape[m]);
    printf(")\n");
    printf("{\"bench\":\"forecast_speed\",\"intervals\":105120,\"backtest_days\":60,\"methods\":%d,"
           "\"runs\":%d,\"cpu_median_s\":%.4f,\"cpu_min_s\":%.4f,\"cpu_max_s\":%.4f,"
           "\"wall_median_s\":%.4f,\"wall_min_s\":%.4f,\"wall_max_s\":%.4f",
           OQ_FORECAST_METHODS, runs, sc.med, sc.min, sc.max, sw.med, sw.min, sw.max);
    bench_env_json(env);
    printf("}\n");
    *out_cpu = sc.med;
    *out_wall = sw.med;
    free(cpu);
    free(wall);
    oq_volume_series_destroy(s);
}

/* ---- 2. the bank data ---------------------------------------------------------- */

/* Israeli public and Jewish holidays of 1999 and their eves (the days the
 * center was closed or ran short), plus the election day of 17 May. */
static const char *const HOLIDAYS_1999[] = {
    "1999-03-02", /* Purim */
    "1999-03-31", "1999-04-01", "1999-04-02", "1999-04-03", "1999-04-04", "1999-04-05",
    "1999-04-06", "1999-04-07", /* Passover: eve, first day, intermediate days, seventh day */
    "1999-04-20", "1999-04-21", /* Memorial Day, Independence Day */
    "1999-05-17",               /* general election */
    "1999-05-20", "1999-05-21", /* Shavuot eve, Shavuot */
    "1999-07-22",               /* Tisha B'Av */
    "1999-09-10", "1999-09-11", "1999-09-12", /* Rosh Hashanah eve and days */
    "1999-09-19", "1999-09-20",               /* Yom Kippur eve and day */
    "1999-09-24", "1999-09-25", "1999-09-26", "1999-09-27", "1999-09-28", "1999-09-29",
    "1999-09-30", "1999-10-01", "1999-10-02", /* Sukkot, intermediate days, Simchat Torah */
};
#define N_HOLIDAYS ((int)(sizeof HOLIDAYS_1999 / sizeof HOLIDAYS_1999[0]))

static oq_volume_series *load_bank(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    check(oq_volume_series_create(360, NULL, NULL, &s, &err), &err, "create");
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        if (++lineno == 1)
            continue;
        double calls;
        int u, y, m, d;
        if (sscanf(line, "%lf,%d,%d-%d-%d", &calls, &u, &y, &m, &d) != 5) {
            fprintf(stderr, "%s:%d: unexpected line\n", path, lineno);
            exit(1);
        }
        check(oq_volume_series_add(s, ymd(y, m, d), u - 1, calls, 0, &err), &err, path);
    }
    fclose(f);
    return s;
}

static oq_backtest_result backtest(const oq_volume_series *s, const oq_special_day *sd,
                                   int32_t method, int32_t k, int32_t end, int32_t days,
                                   int32_t intraday_from)
{
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.method = method;
    o.ha_weeks = k;
    o.special_days = sd;
    o.n_special_days = N_HOLIDAYS;
    oq_backtest_options b;
    oq_backtest_options_init(&b);
    b.end_date = end;
    b.days = days;
    b.intraday_from = intraday_from;
    oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
    oq_error err = OQ_ERROR_INIT;
    check(oq_forecast_backtest(s, &o, &b, &r, &err), &err, "backtest");
    return r;
}

static int bench_bank(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/anonymous-bank-1999-6min.csv", dir);
    oq_volume_series *raw = load_bank(path);
    if (!raw) {
        printf("bank data: %s not found, accuracy figures skipped\n", path);
        return 0;
    }
    oq_volume_series *s;
    oq_error err = OQ_ERROR_INIT;
    check(oq_volume_series_aggregate(raw, 1800, &s, &err), &err, "aggregate");
    oq_special_day sd[N_HOLIDAYS];
    for (int i = 0; i < N_HOLIDAYS; i++) {
        int y, m, d;
        sscanf(HOLIDAYS_1999[i], "%d-%d-%d", &y, &m, &d);
        sd[i] = (oq_special_day){ymd(y, m, d), OQ_SPECIAL_FACTOR, 0, 0, 1.0};
    }
    int32_t end = ymd(1999, 12, 31), days = end - ymd(1999, 7, 1) + 1;
    double c0 = cpu_s();
    printf("\nbank data (%s), 30-minute intervals, next-day forecasts of the July-December "
           "ordinary days\n",
           path);
    printf("  %-16s %7s %7s %8s %7s %7s %5s\n", "method", "WAPE", "MAPE", "RMSE", "cov80",
           "cov95", "days");
    double best_ha = INFINITY;
    int best_k = 0;
    for (int k = 1; k <= 8; k++) {
        oq_backtest_result r = backtest(s, sd, OQ_FORECAST_HA, k, end, days, -1);
        printf("  ha (k=%d)%-8s %7.4f %7.4f %8.3f %7.4f %7.4f %5d\n", k, "", r.wape, r.mape,
               r.rmse, r.coverage80, r.coverage95, (int)r.days);
        if (r.wape < best_ha) {
            best_ha = r.wape;
            best_k = k;
        }
    }
    oq_backtest_result res[OQ_FORECAST_METHODS];
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++) {
        res[m] = backtest(s, sd, m, 8, end, days, 24);
        if (m != OQ_FORECAST_HA)
            printf("  %-16s %7.4f %7.4f %8.3f %7.4f %7.4f %5d\n", oq_forecast_method_name(m),
                   res[m].wape, res[m].mape, res[m].rmse, res[m].coverage80, res[m].coverage95,
                   (int)res[m].days);
    }
    const oq_backtest_result *a = &res[OQ_FORECAST_AUTO];
    double ratio = a->wape / best_ha;
    printf("\n  %-54s %-22s %s\n", "figure", "target", "measured");
    printf("  %-54s %-22s %.4f / %.4f = %.3f  %s\n", "auto WAPE / best HA-k in hindsight",
           "<= 0.95", a->wape, best_ha, ratio, ratio <= 0.95 ? "met" : "MISSED");
    int months_ok = 1;
    for (int mo = 7; mo <= 12; mo++) {
        int32_t m_end = mo == 12 ? ymd(1999, 12, 31) : ymd(1999, mo + 1, 1) - 1;
        int32_t m_days = m_end - ymd(1999, mo, 1) + 1;
        double mb = INFINITY;
        int mk = 0;
        for (int k = 1; k <= 8; k++) {
            oq_backtest_result r = backtest(s, sd, OQ_FORECAST_HA, k, m_end, m_days, -1);
            if (r.wape < mb) {
                mb = r.wape;
                mk = k;
            }
        }
        oq_backtest_result r = backtest(s, sd, OQ_FORECAST_AUTO, 8, m_end, m_days, -1);
        int ok = r.wape <= mb * 1.02;
        months_ok &= ok;
        char what[64];
        snprintf(what, sizeof what, "  1999-%02d auto vs best HA-k (k=%d)", mo, mk);
        printf("  %-54s %-22s %.4f / %.4f = %.3f  %s\n", what, "<= 1.02", r.wape, mb,
               r.wape / mb, ok ? "met" : "MISSED");
    }
    double cut = 1 - a->intraday_after / a->intraday_before;
    printf("  %-54s %-22s %.4f -> %.4f (%.1f %%)  %s\n",
           "noon re-forecast: afternoon WAPE cut (auto)", ">= 10 % relative",
           a->intraday_before, a->intraday_after, 100 * cut, cut >= 0.10 ? "met" : "MISSED");
    const oq_backtest_result *h = &res[OQ_FORECAST_HA];
    printf("  %-54s %-22s %.4f -> %.4f (%.1f %%)\n", "  (the same from HA-8's day-ahead forecast)",
           "", h->intraday_before, h->intraday_after,
           100 * (1 - h->intraday_after / h->intraday_before));
    printf("  %-54s %-22s %.1f %%  %s\n", "80 % interval coverage (auto)", "80 +- 3 %",
           100 * a->coverage80, fabs(a->coverage80 - 0.80) <= 0.03 ? "met" : "MISSED");
    printf("  %-54s %-22s %.1f %%  %s\n", "95 % interval coverage (auto)", "95 +- 2 %",
           100 * a->coverage95, fabs(a->coverage95 - 0.95) <= 0.02 ? "met" : "MISSED");
    printf("  (all of the above: %.2f s CPU)\n", cpu_s() - c0);
    printf("{\"bench\":\"forecast_bank\",\"interval_s\":1800,\"days\":%d,\"best_ha_k\":%d,"
           "\"best_ha_wape\":%.5f,\"auto_wape\":%.5f,\"ratio\":%.4f,\"months_within_2pct\":%s,"
           "\"intraday_before\":%.5f,\"intraday_after\":%.5f,\"coverage80\":%.4f,"
           "\"coverage95\":%.4f",
           (int)a->days, best_k, best_ha, a->wape, ratio, months_ok ? "true" : "false",
           a->intraday_before, a->intraday_after, a->coverage80, a->coverage95);
    for (int32_t m = 0; m < OQ_FORECAST_METHODS; m++)
        printf(",\"wape_%s\":%.5f", oq_forecast_method_name(m), res[m].wape);
    printf("}\n");
    oq_volume_series_destroy(s);
    oq_volume_series_destroy(raw);
    return 1;
}

int main(int argc, char **argv)
{
    int quick = 0, runs = -1;
    const char *dir = getenv("OMNIQ_DATA_DIR");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (bench_runs_arg(argc, argv, &i, &runs))
            continue;
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_forecast [--quick] [--runs N] [--data DIR]\n");
            return 1;
        }
    }
    if (!dir)
        dir = "../shared/data";
    if (runs < 0)
        runs = quick ? 1 : 5;
    bench_env env;
    bench_env_get(&env);
    printf("bench_forecast (%s)\n", quick ? "quick" : "full");
    bench_env_print("bench_forecast", &env, runs, quick);
    double cpu, wall;
    bench_speed(runs, &env, &cpu, &wall);
    bench_bank(dir);
    return 0;
}
