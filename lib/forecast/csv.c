/* SPDX-License-Identifier: MIT */
/* Loading a series from a CSV file whose header names the columns: start,
 * volume, optional aht and queue. Every refusal names the file and line. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/internal.h"

#define MAX_FIELDS 64

enum { COL_START, COL_VOLUME, COL_AHT, COL_QUEUE, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"start", "volume", "aht", "queue"};

typedef struct reader {
    FILE *f;
    const char *path;
    oq_mem *mem;
    char *buf;
    size_t cap;
    int32_t line;
    char *field[MAX_FIELDS];
    int32_t col[MAX_FIELDS];  /* 1-based column of each field */
    int32_t n_fields;
    int32_t idx[N_COLS];      /* field index of each known column, -1 absent */
    int32_t n_header;
} reader;

/* Read the next line into r->buf (without the line end). 0 at EOF, -1 ENOMEM. */
static int read_line(reader *r)
{
    size_t len = 0;
    int c = EOF;
    while ((c = fgetc(r->f)) != EOF && c != '\n') {
        if (len + 2 > r->cap) {
            size_t ncap = r->cap ? r->cap * 2 : 256;
            char *nb = oq__realloc(r->mem, r->buf, r->cap, ncap);
            if (!nb)
                return -1;
            r->buf = nb;
            r->cap = ncap;
        }
        r->buf[len++] = (char)c;
    }
    if (c == EOF && len == 0)
        return 0;
    if (!r->buf) {
        r->buf = oq__alloc(r->mem, 16);
        if (!r->buf)
            return -1;
        r->cap = 16;
    }
    if (len > 0 && r->buf[len - 1] == '\r')
        len--;
    r->buf[len] = '\0';
    r->line++;
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Split r->buf into fields (in place; "..." quoting with "" for a quote). */
static oq_status split(reader *r, oq_error *err)
{
    char *p = r->buf, *w;
    r->n_fields = 0;
    for (;;) {
        if (r->n_fields == MAX_FIELDS)
            return oq__error(err, OQ_EINVAL, r->path, r->line, (int32_t)(p - r->buf) + 1,
                             "more than %d fields", MAX_FIELDS);
        while (*p == ' ' || *p == '\t')
            p++;
        r->col[r->n_fields] = (int32_t)(p - r->buf) + 1;
        if (*p == '"') {
            char *start = ++p;
            w = start;
            for (;;) {
                if (*p == '\0')
                    return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[r->n_fields],
                                     "unterminated quoted field");
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ',' && *p != '\0')
                return oq__error(err, OQ_EINVAL, r->path, r->line, (int32_t)(p - r->buf) + 1,
                                 "text after a quoted field");
            char sep = *p;
            *w = '\0';
            r->field[r->n_fields++] = start;
            if (sep == '\0')
                return OQ_OK;
            p++;
        } else {
            char *start = p;
            while (*p && *p != ',')
                p++;
            char sep = *p;
            *p = '\0';
            r->field[r->n_fields++] = trim(start);
            if (sep == '\0')
                return OQ_OK;
            p++;
        }
    }
}

static int blank_or_comment(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0' || *s == '#';
}

/* Open the file and read the header. */
static oq_status open_reader(reader *r, oq_mem *mem, const char *path, oq_error *err)
{
    memset(r, 0, sizeof *r);
    r->mem = mem;
    r->path = path;
    if (!path)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "path: NULL");
    r->f = fopen(path, "rb");
    if (!r->f)
        return oq__error(err, OQ_EINVAL, path, 0, 0, "%s: cannot open the file", path);
    int rc;
    while ((rc = read_line(r)) == 1 && blank_or_comment(r->buf))
        ;
    if (rc < 0)
        return oq__error(err, OQ_ENOMEM, path, r->line, 0, "out of memory");
    if (rc == 0)
        return oq__error(err, OQ_EINVAL, path, 0, 0,
                         "%s: empty file (expected a header line: start,volume[,aht][,queue])",
                         path);
    oq_status st = split(r, err);
    if (st != OQ_OK)
        return st;
    for (int c = 0; c < N_COLS; c++)
        r->idx[c] = -1;
    for (int32_t i = 0; i < r->n_fields; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s", r->field[i]);
        for (char *q = name; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        int c = 0;
        while (c < N_COLS && strcmp(name, COL_NAMES[c]) != 0)
            c++;
        if (c == N_COLS)
            return oq__error(err, OQ_EINVAL, path, r->line, r->col[i],
                             "unknown column '%s' (expected start, volume, aht, queue)",
                             r->field[i]);
        if (r->idx[c] >= 0)
            return oq__error(err, OQ_EINVAL, path, r->line, r->col[i], "column '%s' appears twice",
                             COL_NAMES[c]);
        r->idx[c] = i;
    }
    for (int c = 0; c < 2; c++)
        if (r->idx[c] < 0)
            return oq__error(err, OQ_EINVAL, path, r->line, 1,
                             "missing column '%s' (the header must name start and volume)",
                             COL_NAMES[c]);
    r->n_header = r->n_fields;
    return OQ_OK;
}

static void close_reader(reader *r)
{
    if (r->f)
        fclose(r->f);
    oq__free(r->mem, r->buf, r->cap);
    r->f = NULL;
    r->buf = NULL;
}

/* Next data row, split; 0 at EOF. Field count must match the header. */
static int next_row(reader *r, oq_status *st, oq_error *err)
{
    int rc;
    while ((rc = read_line(r)) == 1 && blank_or_comment(r->buf))
        ;
    if (rc <= 0) {
        *st = rc < 0 ? oq__error(err, OQ_ENOMEM, r->path, r->line, 0, "out of memory") : OQ_OK;
        return 0;
    }
    *st = split(r, err);
    if (*st == OQ_OK && r->n_fields != r->n_header)
        *st = oq__error(err, OQ_EINVAL, r->path, r->line, 1,
                        "%d fields, the header has %d", (int)r->n_fields, (int)r->n_header);
    return *st == OQ_OK;
}

static int digits(const char *s, int n, int32_t *out)
{
    int32_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "YYYY-MM-DD HH:MM[:SS]" (or 'T') -> date and second of day. */
static int parse_start(const char *s, int32_t *date, int32_t *sec)
{
    int32_t y, mo, d, h, mi, se = 0;
    size_t n = strlen(s);
    if (n != 16 && n != 19)
        return 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi))
        return 0;
    if (n == 19 && (s[16] != ':' || !digits(s + 17, 2, &se)))
        return 0;
    if (h > 23 || mi > 59 || se > 59 || oq_date_from_ymd(y, mo, d, date) != OQ_OK)
        return 0;
    *sec = h * 3600 + mi * 60 + se;
    return 1;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!*s)
        return 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

typedef struct row {
    int32_t date, sec, line;
    double volume, aht;
} row;

static void format_stamp(int32_t date, int32_t sec, char *buf, size_t size)
{
    char d[16];
    oq__fc_format_date(date, d, sizeof d);
    if (sec % 60)
        snprintf(buf, size, "%s %02d:%02d:%02d", d, (int)(sec / 3600), (int)(sec / 60 % 60),
                 (int)(sec % 60));
    else
        snprintf(buf, size, "%s %02d:%02d", d, (int)(sec / 3600), (int)(sec / 60 % 60));
}

/* Read every row of the selected queue into *rows (sorted-checked). */
static oq_status read_rows(reader *r, const char *queue, row **rows, int32_t *n_rows,
                           int32_t *cap, char **only_queue, oq_error *err)
{
    oq_status st = OQ_OK;
    char first_queue[256] = "";
    int32_t first_queue_line = 0;
    while (next_row(r, &st, err)) {
        if (r->idx[COL_QUEUE] >= 0) {
            const char *q = r->field[r->idx[COL_QUEUE]];
            if (queue && strcmp(q, queue) != 0)
                continue;
            if (!queue) {
                if (!first_queue_line) {
                    snprintf(first_queue, sizeof first_queue, "%s", q);
                    first_queue_line = r->line;
                } else if (strcmp(q, first_queue) != 0) {
                    return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[r->idx[COL_QUEUE]],
                                     "queue '%s' after queue '%s' (line %d): the file holds "
                                     "several queues, choose one",
                                     q, first_queue, (int)first_queue_line);
                }
            }
        }
        row x = {0, 0, r->line, 0, 0};
        int32_t fi = r->idx[COL_START];
        if (!parse_start(r->field[fi], &x.date, &x.sec))
            return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[fi],
                             "start: '%s' is not a date-time 'YYYY-MM-DD HH:MM[:SS]'", r->field[fi]);
        fi = r->idx[COL_VOLUME];
        if (!parse_number(r->field[fi], &x.volume))
            return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[fi],
                             "volume: '%s' is not a number", r->field[fi]);
        if (x.volume < 0)
            return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[fi],
                             "volume: %s is negative", r->field[fi]);
        fi = r->idx[COL_AHT];
        if (fi >= 0 && *r->field[fi]) {
            if (!parse_number(r->field[fi], &x.aht) || x.aht < 0)
                return oq__error(err, OQ_EINVAL, r->path, r->line, r->col[fi],
                                 "aht: '%s' is not a number of seconds >= 0", r->field[fi]);
        }
        if (*n_rows > 0) {
            const row *p = &(*rows)[*n_rows - 1];
            if (x.date < p->date || (x.date == p->date && x.sec <= p->sec)) {
                char a[32], b[32];
                format_stamp(x.date, x.sec, a, sizeof a);
                format_stamp(p->date, p->sec, b, sizeof b);
                int32_t col = r->col[r->idx[COL_START]];
                if (x.date == p->date && x.sec == p->sec)
                    return oq__error(err, OQ_EINVAL, r->path, r->line, col,
                                     "start: duplicate timestamp %s (also on line %d)", a,
                                     (int)p->line);
                return oq__error(err, OQ_EINVAL, r->path, r->line, col,
                                 "start: %s is before the previous row's %s (line %d): rows "
                                 "must be sorted by start",
                                 a, b, (int)p->line);
            }
        }
        if (!oq__grow(r->mem, (void **)rows, cap, *n_rows + 1, sizeof **rows))
            return oq__error(err, OQ_ENOMEM, r->path, r->line, 0, "out of memory");
        (*rows)[(*n_rows)++] = x;
    }
    if (st != OQ_OK)
        return st;
    if (only_queue && first_queue_line)
        *only_queue = oq__strndup(r->mem, first_queue, strlen(first_queue));
    return OQ_OK;
}

/* The file's interval: the most common positive gap between rows of a day. */
static oq_status infer_interval(const reader *r, const row *rows, int32_t n, int32_t *out,
                                oq_error *err)
{
    /* gaps are < 86400: count them in a small open hash of (gap, count) */
    int32_t keys[64] = {0}, counts[64] = {0};
    int any = 0;
    for (int32_t i = 1; i < n; i++) {
        if (rows[i].date != rows[i - 1].date)
            continue;
        int32_t g = rows[i].sec - rows[i - 1].sec;
        any = 1;
        for (int32_t h = (int32_t)((uint32_t)g * 2654435761u % 64), k = 0; k < 64; k++, h = (h + 1) % 64) {
            if (keys[h] == g || keys[h] == 0) {
                keys[h] = g;
                counts[h]++;
                break;
            }
        }
    }
    int32_t best = 0, best_count = 0;
    for (int h = 0; h < 64; h++)
        if (keys[h] && (counts[h] > best_count || (counts[h] == best_count && keys[h] < best))) {
            best = keys[h];
            best_count = counts[h];
        }
    if (!any) {
        /* one row per day: daily counts if every row starts at the same time */
        for (int32_t i = 1; i < n; i++)
            if (rows[i].sec != rows[0].sec)
                return oq__error(err, OQ_EINVAL, r->path, rows[i].line, 0,
                                 "cannot infer the interval (one row per day at different "
                                 "times): give the interval");
        *out = 86400;
        return OQ_OK;
    }
    if (86400 % best != 0)
        return oq__error(err, OQ_EINVAL, r->path, 0, 0,
                         "%s: the rows are mostly %d s apart, which does not divide a day",
                         r->path, (int)best);
    *out = best;
    return OQ_OK;
}

static oq_status build(reader *r, const row *rows, int32_t n, int32_t interval_s, oq_mem *mem,
                       const char *queue, oq_volume_series **out, oq_error *err)
{
    int32_t grid;
    oq_status st = infer_interval(r, rows, n, &grid, err);
    if (st != OQ_OK)
        return st;
    for (int32_t i = 0; i < n; i++)
        if (rows[i].sec % grid != 0) {
            char a[32];
            format_stamp(rows[i].date, rows[i].sec, a, sizeof a);
            return oq__error(err, OQ_EINVAL, r->path, rows[i].line, r->col[r->idx[COL_START]],
                             "start: %s is not on the %d-second grid of the other rows "
                             "(mixed interval lengths)",
                             a, (int)grid);
        }
    if (interval_s == 0)
        interval_s = grid;
    else if (interval_s % grid != 0 || 86400 % interval_s != 0)
        return oq__error(err, OQ_EINVAL, r->path, 0, 0,
                         "%s: the rows are %d s apart: cannot make %d-second intervals of them",
                         r->path, (int)grid, (int)interval_s);
    oq_volume_series *s;
    st = oq_volume_series_create(interval_s, mem->fn, mem->user, &s, err);
    if (st != OQ_OK)
        return st;
    int32_t per = s->per_day;
    double *v = oq__calloc(mem, (size_t)per * 3, sizeof(double));
    int has_aht = 0;
    for (int32_t i = 0; i < n; i++)
        has_aht |= rows[i].aht > 0;
    for (int32_t i = 0; v && i < n && st == OQ_OK;) {
        int32_t date = rows[i].date;
        double *work = v + per, *wvol = v + 2 * per;
        memset(v, 0, (size_t)per * 3 * sizeof(double));
        for (; i < n && rows[i].date == date; i++) {
            int32_t k = rows[i].sec / interval_s;
            v[k] += rows[i].volume;
            if (rows[i].aht > 0) {
                work[k] += rows[i].volume * rows[i].aht;
                wvol[k] += rows[i].volume;
            }
        }
        for (int32_t k = 0; k < per; k++)
            work[k] = wvol[k] > 0 ? work[k] / wvol[k] : 0;
        st = oq_volume_series_set_day(s, date, v, has_aht ? work : NULL, per, err);
    }
    if (!v)
        st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
    oq__free(mem, v, (size_t)per * 3 * sizeof(double));
    if (st == OQ_OK && queue)
        st = oq__series_set_queue(s, queue, err);
    if (st != OQ_OK) {
        oq_volume_series_destroy(s);
        return st;
    }
    *out = s;
    return OQ_OK;
}

oq_status oq_volume_series_load_csv(const char *path, const char *queue, int32_t interval_s,
                                    oq_alloc_fn alloc, void *alloc_user, oq_volume_series **out,
                                    oq_error *err)
{
    if (!out)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "out: NULL");
    if (interval_s != 0 && (interval_s < 1 || interval_s > 86400 || 86400 % interval_s != 0))
        return oq__error(err, OQ_EINVAL, NULL, 0, 0,
                         "interval_s: %d does not divide a day (0: infer it)", (int)interval_s);
    oq_mem mem;
    oq__mem_init(&mem, alloc, alloc_user);
    reader r;
    row *rows = NULL;
    int32_t n = 0, cap = 0;
    char *only = NULL;
    oq_status st = open_reader(&r, &mem, path, err);
    if (st == OQ_OK && queue && r.idx[COL_QUEUE] < 0)
        st = oq__error(err, OQ_EINVAL, path, 1, 0, "no queue column to select queue '%s' from",
                       queue);
    if (st == OQ_OK)
        st = read_rows(&r, queue, &rows, &n, &cap, queue ? NULL : &only, err);
    if (st == OQ_OK && n == 0)
        st = queue ? oq__error(err, OQ_EINVAL, path, 0, 0, "%s: no rows for queue '%s'", path, queue)
                   : oq__error(err, OQ_EINVAL, path, 0, 0, "%s: no rows (empty history)", path);
    if (st == OQ_OK)
        st = build(&r, rows, n, interval_s, &mem, queue ? queue : only, out, err);
    oq__strfree(&mem, only);
    oq__free(&mem, rows, (size_t)cap * sizeof *rows);
    close_reader(&r);
    return st;
}

oq_status oq_volume_csv_queues(const char *path, char **out_names, int32_t *out_count,
                               oq_error *err)
{
    if (!out_names || !out_count)
        return oq__error(err, OQ_EINVAL, NULL, 0, 0, "%s: NULL", out_names ? "out_count" : "out_names");
    oq_mem mem;
    oq__mem_init(&mem, NULL, NULL);
    reader r;
    oq_status st = open_reader(&r, &mem, path, err);
    char *names = NULL; /* malloc: returned to the caller, freed with oq_free */
    size_t len = 0;
    int32_t count = 0;
    if (st == OQ_OK) {
        names = malloc(1);
        if (!names)
            st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
        else
            names[0] = '\0';
    }
    while (st == OQ_OK && r.idx[COL_QUEUE] >= 0 && next_row(&r, &st, err)) {
        const char *q = r.field[r.idx[COL_QUEUE]];
        size_t ql = strlen(q);
        int seen = 0;
        for (const char *p = names; *p && !seen;) {
            const char *nl = strchr(p, '\n');
            seen = (size_t)(nl - p) == ql && memcmp(p, q, ql) == 0;
            p = nl + 1;
        }
        if (seen)
            continue;
        if (strchr(q, '\n'))
            st = oq__error(err, OQ_EINVAL, path, r.line, r.col[r.idx[COL_QUEUE]],
                           "queue: a name with a line break");
        char *nn = st == OQ_OK ? realloc(names, len + ql + 2) : NULL;
        if (st == OQ_OK && !nn)
            st = oq__error(err, OQ_ENOMEM, NULL, 0, 0, "out of memory");
        if (st != OQ_OK)
            break;
        names = nn;
        memcpy(names + len, q, ql);
        names[len + ql] = '\n';
        names[len + ql + 1] = '\0';
        len += ql + 1;
        count++;
    }
    close_reader(&r);
    if (st != OQ_OK) {
        free(names);
        return st;
    }
    *out_names = names;
    *out_count = count;
    return OQ_OK;
}
