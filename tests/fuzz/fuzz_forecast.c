/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the forecast module's CSV loader and the forecasts of
 * what it loads.
 *
 * The input is a history CSV (start,volume[,aht][,queue]), written to a file
 * and loaded with oq_volume_series_load_csv through a counting allocator. A
 * refusal must be OQ_EINVAL or OQ_ENOMEM with a NUL-terminated message naming
 * the file; a loaded series must describe itself consistently, and when it is
 * small enough a two-day forecast (auto, with bands) and a short backtest must
 * succeed or refuse with a documented status, every band must contain its
 * mean's neighbourhood (lo95 <= lo80 <= hi80 <= hi95, all >= 0). A second pass
 * fails the N-th allocation (N from a hash of the input). No byte may leak. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "omniq/omniq.h"
#include "fuzz_alloc.h"

#define MAX_CELLS 200000 /* frames beyond this are too slow for a fuzz input */

static char g_path[64];

static void write_input(const uint8_t *data, size_t size)
{
    if (!g_path[0])
        snprintf(g_path, sizeof g_path, "/tmp/oq-fuzz-forecast-%ld.csv", (long)getpid());
    FILE *f = fopen(g_path, "wb");
    if (!f)
        fuzz_die("cannot write the input file");
    if (size && fwrite(data, 1, size, f) != size)
        fuzz_die("cannot write the input file");
    fclose(f);
}

static void check_error(oq_status st, const oq_error *err, const char *what)
{
    if (st != OQ_EINVAL && st != OQ_ENOMEM && st != OQ_ESTATE && st != OQ_ERANGE) {
        fprintf(stderr, "%s: %s %s\n", what, oq_status_name(st), err->message);
        fuzz_die("undocumented status");
    }
    if (!memchr(err->message, '\0', sizeof err->message) || !memchr(err->path, '\0', sizeof err->path))
        fuzz_die("oq_error text not NUL-terminated");
    if (err->status != st || !err->message[0])
        fuzz_die("oq_error not filled on failure");
}

static void exercise(const oq_volume_series *s, fuzz_alloc *a)
{
    oq_volume_series_info info = OQ_OUTPUT_INIT(oq_volume_series_info);
    if (oq_volume_series_info_get(s, &info, NULL) != OQ_OK || info.days < 1 ||
        info.intervals_per_day * info.interval_s != 86400 || info.first_date > info.last_date ||
        !(info.total_volume >= 0))
        fuzz_die("inconsistent series info");
    int64_t span = (int64_t)info.last_date - info.first_date + 3;
    if (span * info.intervals_per_day > MAX_CELLS)
        return;
    oq_forecast_options o;
    oq_forecast_options_init(&o);
    o.alloc = fuzz_alloc_fn;
    o.alloc_user = a;
    o.quantile = 0.9;
    int32_t n = 2 * info.intervals_per_day;
    oq_forecast_row *rows = malloc((size_t)n * sizeof *rows);
    if (!rows)
        return;
    oq_error err = OQ_ERROR_INIT;
    oq_forecast_info fi = OQ_OUTPUT_INIT(oq_forecast_info);
    oq_status st = oq_forecast_run(s, info.last_date + 1, 2, &o, rows, n, &fi, &err);
    if (st != OQ_OK)
        check_error(st, &err, "oq_forecast_run");
    for (int32_t i = 0; st == OQ_OK && i < n; i++) {
        const oq_forecast_row *r = &rows[i];
        if (!(r->volume >= 0) || !isfinite(r->volume) || !(r->lo95 >= 0) ||
            r->lo95 > r->lo80 || r->lo80 > r->hi80 || r->hi80 > r->hi95)
            fuzz_die("a forecast row is not a mean inside nested bands");
    }
    free(rows);
    oq_backtest_options b;
    oq_backtest_options_init(&b);
    b.days = 3;
    b.intraday_from = info.intervals_per_day / 2;
    oq_backtest_result r = OQ_OUTPUT_INIT(oq_backtest_result);
    st = oq_forecast_backtest(s, &o, &b, &r, &err);
    if (st != OQ_OK)
        check_error(st, &err, "oq_forecast_backtest");
    else if (!(r.wape >= 0 || isnan(r.wape)) || r.days < 1)
        fuzz_die("inconsistent backtest result");
}

static void one_pass(int64_t fail_at)
{
    fuzz_alloc a;
    memset(&a, 0, sizeof a);
    a.fail_at = fail_at;
    oq_volume_series *s = NULL;
    oq_error err = OQ_ERROR_INIT;
    oq_error_init(&err);
    oq_status st = oq_volume_series_load_csv(g_path, NULL, 0, fuzz_alloc_fn, &a, &s, &err);
    if (st != OQ_OK) {
        check_error(st, &err, "oq_volume_series_load_csv");
        if (s)
            fuzz_die("*out written on failure");
    } else {
        exercise(s, &a);
        oq_volume_series_destroy(s);
    }
    if (a.live_bytes != 0 || a.live_blocks != 0)
        fuzz_die("bytes leaked");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;
    write_input(data, size);
    one_pass(0);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    one_pass(1 + (int64_t)(h % 64));
    return 0;
}
