/* SPDX-License-Identifier: MIT */
/* omniq forecast: what the command's files share. */
#ifndef OMNIQ_FORECAST_CLI_H
#define OMNIQ_FORECAST_CLI_H

#include <stdint.h>

#include "omniq/omniq.h"

typedef struct fc_args {
    const char *path, *queue, *special_path, *format, *svg, *intraday, *calendar, *calendar_id;
    int32_t interval_s, horizon, method, ha_weeks, backtest, lead, intraday_s;
    double aht_s, quantile;
    int staffing;
    oq_staffing_options staff;
} fc_args;

/* One queue's results, ready to print. */
typedef struct fc_queue {
    const char *name;               /* NULL: the file has no queue column */
    oq_volume_series *series;
    oq_volume_series_info info;
    oq_forecast_row *rows;          /* horizon * per_day */
    int32_t n_rows;
    oq_forecast_info finfo;
    int32_t chosen;                 /* the method auto chooses at the origin (or the one given) */
    oq_backtest_result bt[OQ_FORECAST_METHODS];
    int have_backtest;
    oq_plan_interval *plan;         /* staffing, n_rows, or NULL */
    oq_plan_totals totals;
    double *contacts, *aht;         /* what was staffed, n_rows */
} fc_queue;

/* Run the command once its options are parsed (cli/forecast_run.c). */
int fc_main(const fc_args *a);

/* Special days from a CSV 'date,kind[,factor][,like]' (malloc'd array). 0 on
 * error (printed with file and line). */
int fc_load_special(const char *path, oq_special_day **out, int32_t *n);

/* "YYYY-MM-DD HH:MM" of interval i of date. */
void fc_stamp(int32_t date, int32_t interval, int32_t interval_s, char *buf, size_t size);

/* The SVG chart of one queue (cli/forecast_svg.c). 0 on error (printed). */
int fc_write_svg(const char *path, const fc_args *a, const fc_queue *q);

#endif
