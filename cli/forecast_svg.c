/* SPDX-License-Identifier: MIT */
/* omniq forecast --svg: the last four weeks of history, the forecast and its
 * 80 % and 95 % bands on one time axis. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "forecast_cli.h"

#define HISTORY_DAYS 28

static void escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

int fc_write_svg(const char *path, const fc_args *a, const fc_queue *q)
{
    int32_t pd = q->info.intervals_per_day;
    int32_t h_days = (int32_t)(q->info.last_date - q->info.first_date + 1);
    if (h_days > HISTORY_DAYS)
        h_days = HISTORY_DAYS;
    int32_t h_first = q->info.last_date - h_days + 1;
    int32_t f_days = q->n_rows / pd;
    int32_t n = (h_days + f_days) * pd; /* points on the time axis */
    double *hist = malloc((size_t)h_days * (size_t)pd * sizeof *hist);
    if (!hist) {
        fprintf(stderr, "omniq forecast: out of memory\n");
        return 0;
    }
    double ymax = 1;
    for (int32_t d = 0; d < h_days; d++) {
        int32_t present;
        oq_volume_series_day(q->series, h_first + d, hist + (size_t)d * (size_t)pd, NULL, pd,
                             &present);
    }
    for (int32_t i = 0; i < h_days * pd; i++)
        ymax = hist[i] > ymax ? hist[i] : ymax;
    for (int32_t i = 0; i < q->n_rows; i++)
        ymax = q->rows[i].hi95 > ymax ? q->rows[i].hi95 : ymax;
    /* a round top: four grid steps of 1, 2, 2.5 or 5 x 10^k */
    double raw = ymax / 4, mag = pow(10, floor(log10(raw))), unit = mag;
    static const double STEPS[] = {1, 2, 2.5, 5, 10};
    for (int k = 0; k < 5; k++)
        if (STEPS[k] * mag >= raw) {
            unit = STEPS[k] * mag;
            break;
        }
    ymax = 4 * unit;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "omniq forecast: cannot write %s: %s\n", path, strerror(errno));
        free(hist);
        return 0;
    }
    const double W = 1100, L = 60, R = 20, T = 50, H = 360;
    const double pw = W - L - R;
#define X(i) (L + pw * ((i) + 0.5) / n)
#define Y(v) (T + H - H * (v) / ymax)
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
               "<text x=\"%g\" y=\"24\" font-size=\"15\" font-weight=\"bold\">",
            W, T + H + 60, L);
    if (q->name) {
        escape(f, q->name);
        fputs(" — ", f);
    }
    fprintf(f, "contacts per %d-minute interval: history, forecast (%s) and 80/95 %% bands"
               "</text>\n",
            (int)(q->info.interval_s / 60), oq_forecast_method_name(q->chosen));
    for (int g = 0; g <= 4; g++) {
        double v = ymax * g / 4.0;
        fprintf(f, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                   "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n",
                L, Y(v), L + pw, Y(v), L - 6, Y(v) + 4, v);
    }
    /* one tick per day (per week when the axis is long) */
    int32_t step = h_days + f_days > 21 ? 7 : 1;
    for (int32_t d = 0; d <= h_days + f_days; d += step) {
        int32_t y, m, dd;
        oq_date_to_ymd(h_first + d, &y, &m, &dd);
        double x = L + pw * d * pd / n;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#eee\"/>"
                   "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%02d-%02d</text>\n",
                x, T, x, T + H, x, T + H + 16, (int)m, (int)dd);
    }
    double x0 = L + pw * h_days * pd / n;
    fprintf(f, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#888\" "
               "stroke-dasharray=\"4 3\"/>\n",
            x0, T, x0, T + H);
    /* bands: 95 % then 80 % on top */
    for (int b = 0; b < 2 && q->n_rows > 0; b++) {
        fprintf(f, "<polygon fill=\"%s\" stroke=\"none\" points=\"", b ? "#9ecae1" : "#deebf7");
        for (int32_t i = 0; i < q->n_rows; i++)
            fprintf(f, "%.1f,%.1f ", X(h_days * pd + i), Y(b ? q->rows[i].hi80 : q->rows[i].hi95));
        for (int32_t i = q->n_rows - 1; i >= 0; i--)
            fprintf(f, "%.1f,%.1f ", X(h_days * pd + i), Y(b ? q->rows[i].lo80 : q->rows[i].lo95));
        fputs("\"/>\n", f);
    }
    fputs("<polyline fill=\"none\" stroke=\"#444\" stroke-width=\"1\" points=\"", f);
    for (int32_t i = 0; i < h_days * pd; i++)
        fprintf(f, "%.1f,%.1f ", X(i), Y(hist[i]));
    fputs("\"/>\n<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"1.5\" points=\"", f);
    for (int32_t i = 0; i < q->n_rows; i++)
        fprintf(f, "%.1f,%.1f ", X(h_days * pd + i), Y(q->rows[i].volume));
    fputs("\"/>\n", f);
    /* legend */
    double ly = T + H + 38;
    fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#444\"/>"
               "<text x=\"%g\" y=\"%g\">history</text>\n"
               "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#08519c\" stroke-width=\"1.5\"/>"
               "<text x=\"%g\" y=\"%g\">forecast</text>\n"
               "<rect x=\"%g\" y=\"%g\" width=\"20\" height=\"10\" fill=\"#9ecae1\"/>"
               "<text x=\"%g\" y=\"%g\">80 %% band</text>\n"
               "<rect x=\"%g\" y=\"%g\" width=\"20\" height=\"10\" fill=\"#deebf7\"/>"
               "<text x=\"%g\" y=\"%g\">95 %% band</text>\n",
            L, ly, L + 20, ly, L + 26, ly + 4, L + 100, ly, L + 120, ly, L + 126, ly + 4, L + 200,
            ly - 5, L + 226, ly + 4, L + 310, ly - 5, L + 336, ly + 4);
    fputs("</svg>\n", f);
#undef X
#undef Y
    int ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "omniq forecast: cannot write %s\n", path);
        ok = 0;
    }
    free(hist);
    (void)a;
    return ok;
}
