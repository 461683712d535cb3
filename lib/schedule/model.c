/* SPDX-License-Identifier: MIT */
/* The mixed-integer model of a schedule problem (implicit breaks and tours).
 *
 * Variables: n_g, agents of each duty group (template, day, start; for tours
 * also the tour and its start band); y, agents on each tour column (tour,
 * weekday pattern, band); b, agents of a group taking a break at a given
 * offset; o_t, agents above the requirement; s_t,k, agents short (soft, one
 * column per step of the convex penalty).
 *
 * Rows: coverage of interval t: sum n_g [t on g] - sum b [t in the break] +
 * sum s - o = R_t (o bounded by the seats); a group's breaks: sum_q b_j,q =
 * n_g for each break j; consecutive breaks whose windows interact keep their
 * order (#{second break starting <= y} <= #{first break starting <= y - len},
 * which is exactly when the counts can be paired agent by agent); tours:
 * sum_s n_(tour, band, day, s) = sum of y over the patterns working that day;
 * limits: max per start, per template and day, per tour, headcount per day.
 * This is Aykin's (1996) implicit break model with Bechtold & Jacobs' tour
 * linking: every agent's breaks and starts are recovered from the counts. */
#include <math.h>
#include <string.h>

#include "schedule/internal.h"

#define INF HUGE_VAL

/* Grow parallel arrays together: every new array is allocated before any old
 * one is released, so a failure leaves them all as they were. sizes[i] is
 * the element size of *arrays[i]. */
static int grow_parallel(oq_mem *m, void **arrays[], const size_t *sizes, int count,
                         int64_t *cap, int64_t need, int64_t first)
{
    if (need <= *cap)
        return 1;
    int64_t nc = *cap ? *cap * 2 : first;
    while (nc < need)
        nc *= 2;
    void *fresh[4] = {NULL, NULL, NULL, NULL};
    int ok = 1;
    for (int i = 0; i < count && ok; i++)
        ok = (fresh[i] = oq__alloc(m, (size_t)nc * sizes[i])) != NULL;
    if (!ok) {
        for (int i = 0; i < count; i++)
            oq__free(m, fresh[i], fresh[i] ? (size_t)nc * sizes[i] : 0);
        return 0;
    }
    for (int i = 0; i < count; i++) {
        if (*cap)
            memcpy(fresh[i], *arrays[i], (size_t)*cap * sizes[i]);
        oq__free(m, *arrays[i], (size_t)*cap * sizes[i]);
        *arrays[i] = fresh[i];
    }
    *cap = nc;
    return 1;
}

static int add_col(oq_mem *m, sch_model *md, double obj, double lo, double hi, int integer)
{
    int64_t cap = md->cap_cols;
    void **arrays[] = {(void **)&md->obj, (void **)&md->col_lo, (void **)&md->col_hi,
                       (void **)&md->is_int};
    const size_t sizes[] = {sizeof *md->obj, sizeof *md->col_lo, sizeof *md->col_hi,
                            sizeof *md->is_int};
    if (!grow_parallel(m, arrays, sizes, 4, &cap, (int64_t)md->n_cols + 1, 1024))
        return -1;
    md->cap_cols = (int32_t)cap;
    int32_t j = md->n_cols++;
    md->obj[j] = obj;
    md->col_lo[j] = lo;
    md->col_hi[j] = hi;
    md->is_int[j] = (uint8_t)integer;
    return j;
}

static int add_row(oq_mem *m, sch_model *md, double lo, double hi)
{
    int64_t cap = md->cap_rows;
    void **arrays[] = {(void **)&md->row_lo, (void **)&md->row_hi};
    const size_t sizes[] = {sizeof *md->row_lo, sizeof *md->row_hi};
    if (!grow_parallel(m, arrays, sizes, 2, &cap, (int64_t)md->n_rows + 1, 1024))
        return -1;
    md->cap_rows = (int32_t)cap;
    int32_t i = md->n_rows++;
    md->row_lo[i] = lo;
    md->row_hi[i] = hi;
    return i;
}

static int add_nz(oq_mem *m, sch_model *md, int32_t col, int32_t row, double v)
{
    void **arrays[] = {(void **)&md->t_col, (void **)&md->t_row, (void **)&md->t_val};
    const size_t sizes[] = {sizeof *md->t_col, sizeof *md->t_row, sizeof *md->t_val};
    if (!grow_parallel(m, arrays, sizes, 3, &md->cap_nnz, md->nnz + 1, 8192))
        return 0;
    md->t_col[md->nnz] = col;
    md->t_row[md->nnz] = row;
    md->t_val[md->nnz] = v;
    md->nnz++;
    return 1;
}

/* Entries v on the coverage rows of [from, from + len). */
static int add_span(const oq_schedule *s, oq_mem *m, sch_model *md, int32_t col, int32_t from,
                    int32_t len, double v)
{
    for (int32_t i = 0; i < len; i++) {
        int32_t t = from + i;
        if (t >= s->n) {
            if (!s->h.wrap)
                return 1;
            t %= s->n;
        }
        if (!add_nz(m, md, col, t, v))
            return 0;
    }
    return 1;
}

void oq__model_free(oq_mem *m, sch_model *md)
{
    size_t c = (size_t)md->cap_cols, r = (size_t)md->cap_rows, z = (size_t)md->cap_nnz;
    oq__free(m, md->g, (size_t)md->cap_g * sizeof *md->g);
    oq__free(m, md->tc, (size_t)md->cap_tc * sizeof *md->tc);
    oq__free(m, md->bc, (size_t)md->cap_bc * sizeof *md->bc);
    oq__free(m, md->obj, c * sizeof *md->obj);
    oq__free(m, md->col_lo, c * sizeof *md->col_lo);
    oq__free(m, md->col_hi, c * sizeof *md->col_hi);
    oq__free(m, md->is_int, c * sizeof *md->is_int);
    oq__free(m, md->row_lo, r * sizeof *md->row_lo);
    oq__free(m, md->row_hi, r * sizeof *md->row_hi);
    oq__free(m, md->t_col, z * sizeof *md->t_col);
    oq__free(m, md->t_row, z * sizeof *md->t_row);
    oq__free(m, md->t_val, z * sizeof *md->t_val);
    oq__free(m, md->col_start, ((size_t)md->n_cols + 1) * sizeof *md->col_start);
    oq__free(m, md->row_index, (size_t)(md->nnz > 0 ? md->nnz : 1) * sizeof *md->row_index);
    oq__free(m, md->value, (size_t)(md->nnz > 0 ? md->nnz : 1) * sizeof *md->value);
    oq__free(m, md->short_first, (size_t)md->n_short_first * sizeof *md->short_first);
    memset(md, 0, sizeof *md);
}

/* Is the weekday mask `pattern` a tour's: days_on days inside the template's
 * days, the days off in one circular run when consecutive_off. */
int oq__tour_pattern_ok(const sch_tour *k, const sch_template *t, int32_t pattern)
{
    int on = 0;
    for (int w = 0; w < 7; w++)
        on += (pattern >> w) & 1;
    if (on != k->days_on || (pattern & ~t->days))
        return 0;
    if (!k->consecutive_off || on == 7)
        return 1;
    /* the off days form one circular run: exactly one place where an off
     * day follows a working day */
    int runs = 0;
    for (int w = 0; w < 7; w++) {
        int off = !((pattern >> w) & 1), prev_off = !((pattern >> ((w + 6) % 7)) & 1);
        runs += off && !prev_off;
    }
    return runs == 1;
}

static int push_group(oq_mem *m, sch_model *md, const sch_group *g)
{
    if (!oq__grow(m, (void **)&md->g, &md->cap_g, md->n_g + 1, sizeof *md->g))
        return 0;
    md->g[md->n_g++] = *g;
    return 1;
}

/* Break columns and rows of group gi (count column g->col). */
static int group_breaks(const oq_schedule *s, oq_mem *m, sch_model *md, int32_t gi)
{
    sch_group *g = &md->g[gi];
    const sch_template *t = &s->tpl[g->tpl];
    g->brk_first = md->n_bc;
    g->n_brk = 0;
    int32_t first_of[SCH_MAX_BREAKS + 1];
    for (int32_t j = 0; j < t->n_breaks; j++) {
        const sch_break *b = &t->breaks[j];
        int32_t row = add_row(m, md, 0, 0);
        if (row < 0 || !add_nz(m, md, g->col, row, -1))
            return 0;
        first_of[j] = md->n_bc;
        for (int32_t q = b->lo; q <= b->hi; q += b->step) {
            int32_t col = add_col(m, md, 0, 0, INF, 1);
            if (col < 0 || !add_nz(m, md, col, row, 1) ||
                !add_span(s, m, md, col, g->start + q, b->len, -1))
                return 0;
            if (!oq__grow(m, (void **)&md->bc, &md->cap_bc, md->n_bc + 1, sizeof *md->bc))
                return 0;
            sch_bcol *bc = &md->bc[md->n_bc++];
            bc->group = gi;
            bc->j = j;
            bc->q = q;
            bc->col = col;
            md->g[gi].n_brk++;
        }
    }
    first_of[t->n_breaks] = md->n_bc;
    /* order of consecutive breaks whose windows interact */
    for (int32_t j = 0; j + 1 < t->n_breaks; j++) {
        const sch_break *a = &t->breaks[j], *b = &t->breaks[j + 1];
        if (a->hi + a->len <= b->lo)
            continue;
        for (int32_t y = b->lo; y <= b->hi; y += b->step) {
            if (y - a->len >= a->hi)
                break; /* every first break already started */
            int32_t row = add_row(m, md, -INF, 0);
            if (row < 0)
                return 0;
            for (int32_t k = first_of[j + 1]; k < first_of[j + 2]; k++)
                if (md->bc[k].q <= y && !add_nz(m, md, md->bc[k].col, row, 1))
                    return 0;
            for (int32_t k = first_of[j]; k < first_of[j + 1]; k++)
                if (md->bc[k].q <= y - a->len && !add_nz(m, md, md->bc[k].col, row, -1))
                    return 0;
        }
    }
    return 1;
}

/* CSC from the collected triples. */
static int finish(oq_mem *m, sch_model *md)
{
    md->col_start = oq__calloc(m, (size_t)md->n_cols + 1, sizeof *md->col_start);
    md->row_index = oq__alloc(m, (size_t)(md->nnz > 0 ? md->nnz : 1) * sizeof *md->row_index);
    md->value = oq__alloc(m, (size_t)(md->nnz > 0 ? md->nnz : 1) * sizeof *md->value);
    if (!md->col_start || !md->row_index || !md->value)
        return 0;
    for (int64_t k = 0; k < md->nnz; k++)
        md->col_start[md->t_col[k] + 1]++;
    for (int32_t j = 0; j < md->n_cols; j++)
        md->col_start[j + 1] += md->col_start[j];
    int64_t *pos = oq__alloc(m, ((size_t)md->n_cols + 1) * sizeof *pos);
    if (!pos)
        return 0;
    memcpy(pos, md->col_start, ((size_t)md->n_cols + 1) * sizeof *pos);
    for (int64_t k = 0; k < md->nnz; k++) {
        int64_t p = pos[md->t_col[k]]++;
        md->row_index[p] = md->t_row[k];
        md->value[p] = md->t_val[k];
    }
    oq__free(m, pos, ((size_t)md->n_cols + 1) * sizeof *pos);
    return 1;
}

oq_status oq__model_build(const oq_schedule *s, oq_mem *m, const oq_schedule_options *o,
                          const sch_costs *c, int direct_tours, sch_model *md)
{
    memset(md, 0, sizeof *md);
    const int32_t n = s->n;
#define CHECK(x)                                                                                 \
    do {                                                                                         \
        if (!(x))                                                                                \
            goto nomem;                                                                          \
    } while (0)
    /* coverage rows 0 .. n-1 */
    for (int32_t t = 0; t < n; t++) {
        int32_t eff = sch_effective_req(s, c, t);
        CHECK(add_row(m, md, eff, eff) >= 0);
    }
    /* surplus and shortage */
    md->over_first = md->n_cols;
    for (int32_t t = 0; t < n; t++) {
        int32_t eff = sch_effective_req(s, c, t);
        double hi = c->cap > 0 ? (double)(c->cap - eff) : INF;
        int32_t col = add_col(m, md, c->over, 0, hi, 0);
        CHECK(col >= 0 && add_nz(m, md, col, t, -1));
    }
    if (!c->hard) {
        md->short_first = oq__calloc(m, (size_t)n + 1, sizeof *md->short_first);
        CHECK(md->short_first);
        md->n_short_first = n + 1;
        for (int32_t t = 0; t < n; t++) {
            md->short_first[t] = md->n_cols;
            int32_t r = s->required[t], eff = sch_effective_req(s, c, t);
            int32_t steps = c->off[t + 1] - c->off[t];
            for (int32_t j = r - eff; j < r;) {
                double v = sch_short_cost(c, t, j);
                int32_t k = j + 1;
                while (k < r && (k >= steps - 1 || sch_short_cost(c, t, k) == v))
                    k++;
                int32_t col = add_col(m, md, v, 0, (double)(k - j), 0);
                CHECK(col >= 0 && add_nz(m, md, col, t, 1));
                j = k;
            }
        }
        md->short_first[n] = md->n_cols;
    }
    /* daily duty groups */
    for (int32_t k = 0; k < s->n_tpl; k++) {
        const sch_template *t = &s->tpl[k];
        if (t->tour_only)
            continue;
        for (int32_t day = 0; day < s->h.days; day++) {
            if (!((t->days >> sch_weekday(s, day)) & 1))
                continue;
            int32_t day_row = -1;
            if (t->max_per_day > 0)
                CHECK((day_row = add_row(m, md, -INF, t->max_per_day)) >= 0);
            for (int32_t off = t->lo; off <= t->hi; off += t->step) {
                int32_t start = day * s->per_day + off;
                if ((!s->h.wrap && start >= n) || !oq__duty_open(s, c, t, start))
                    continue;
                sch_group g = {k, -1, -1, day, start, 0, 0, 0};
                double hi = t->max_per_start > 0 ? t->max_per_start : INF;
                CHECK((g.col = add_col(m, md, t->cost, 0, hi, 1)) >= 0);
                CHECK(add_span(s, m, md, g.col, start, t->len, 1));
                if (day_row >= 0)
                    CHECK(add_nz(m, md, g.col, day_row, 1));
                CHECK(push_group(m, md, &g));
                CHECK(group_breaks(s, m, md, md->n_g - 1));
            }
        }
    }
    const int32_t n_daily = md->n_g;
    /* tours */
    const int32_t weeks = s->h.days / 7;
    for (int32_t k = 0; k < s->n_tour; k++) {
        const sch_tour *tr = &s->tour[k];
        const sch_template *t = &s->tpl[tr->tpl];
        int32_t tour_row = -1;
        if (tr->max_count > 0)
            CHECK((tour_row = add_row(m, md, -INF, tr->max_count)) >= 0);
        /* a tour with one start a week and breaks at fixed offsets can be a
         * plain covering column (no groups, no links): fewer rows, which
         * branch and cut prefers; the first-order LP prefers the implicit
         * form (fewer non-zeros) */
        int direct = direct_tours && tr->drift == 0 && t->max_per_start == 0 &&
                     t->max_per_day == 0;
        for (int32_t j = 0; j < t->n_breaks; j++)
            direct = direct && t->breaks[j].lo == t->breaks[j].hi;
        for (int32_t band = t->lo; band + tr->drift <= t->hi; band += t->step) {
            int32_t first_tc = md->n_tc;
            for (int32_t pattern = 1; pattern < 128; pattern++) {
                if (!oq__tour_pattern_ok(tr, t, pattern))
                    continue;
                int on = 0;
                for (int w = 0; w < 7; w++)
                    on += (pattern >> w) & 1;
                int usable = 1; /* a direct column needs every working day open */
                for (int32_t day = 0; direct && usable && day < s->h.days; day++)
                    if ((pattern >> sch_weekday(s, day)) & 1)
                        usable = oq__duty_open(s, c, t, day * s->per_day + band);
                if (!usable)
                    continue;
                sch_tcol tc = {k, pattern, band, 0, on * weeks};
                CHECK((tc.col = add_col(m, md, t->cost * tc.days, 0, INF, 1)) >= 0);
                if (tour_row >= 0)
                    CHECK(add_nz(m, md, tc.col, tour_row, 1));
                CHECK(oq__grow(m, (void **)&md->tc, &md->cap_tc, md->n_tc + 1, sizeof *md->tc));
                md->tc[md->n_tc++] = tc;
                for (int32_t day = 0; direct && day < s->h.days; day++) {
                    if (!((pattern >> sch_weekday(s, day)) & 1))
                        continue;
                    int32_t start = day * s->per_day + band;
                    CHECK(add_span(s, m, md, tc.col, start, t->len, 1));
                    for (int32_t j = 0; j < t->n_breaks; j++)
                        CHECK(add_span(s, m, md, tc.col, start + t->breaks[j].lo,
                                       t->breaks[j].len, -1));
                }
            }
            for (int32_t day = 0; !direct && day < s->h.days; day++) {
                int32_t wd = sch_weekday(s, day);
                if (!((t->days >> wd) & 1))
                    continue;
                /* sum of the day's groups - sum of the tours working it = 0 */
                int32_t link = add_row(m, md, 0, 0);
                CHECK(link >= 0);
                for (int32_t i = first_tc; i < md->n_tc; i++)
                    if ((md->tc[i].pattern >> wd) & 1)
                        CHECK(add_nz(m, md, md->tc[i].col, link, -1));
                for (int32_t off = band; off <= band + tr->drift; off += t->step) {
                    int32_t start = day * s->per_day + off;
                    if (!oq__duty_open(s, c, t, start))
                        continue; /* none open: the link row keeps such tours at 0 */
                    sch_group g = {tr->tpl, k, band, day, start, 0, 0, 0};
                    CHECK((g.col = add_col(m, md, 0, 0, INF, 1)) >= 0);
                    CHECK(add_span(s, m, md, g.col, start, t->len, 1));
                    CHECK(add_nz(m, md, g.col, link, 1));
                    CHECK(push_group(m, md, &g));
                    CHECK(group_breaks(s, m, md, md->n_g - 1));
                }
            }
        }
    }
    /* limits over tour groups of a template: per start and per day */
    for (int32_t k = 0; k < s->n_tpl; k++) {
        const sch_template *t = &s->tpl[k];
        if (!t->tour_only || (t->max_per_start == 0 && t->max_per_day == 0))
            continue;
        for (int32_t day = 0; day < s->h.days; day++) {
            int32_t day_row = -1;
            if (t->max_per_day > 0)
                CHECK((day_row = add_row(m, md, -INF, t->max_per_day)) >= 0);
            for (int32_t off = t->lo; off <= t->hi; off += t->step) {
                int32_t start_row = -1;
                if (t->max_per_start > 0)
                    CHECK((start_row = add_row(m, md, -INF, t->max_per_start)) >= 0);
                for (int32_t i = n_daily; i < md->n_g; i++) {
                    const sch_group *g = &md->g[i];
                    if (g->tpl != k || g->day != day || g->start != day * s->per_day + off)
                        continue;
                    if (start_row >= 0)
                        CHECK(add_nz(m, md, g->col, start_row, 1));
                    if (day_row >= 0)
                        CHECK(add_nz(m, md, g->col, day_row, 1));
                }
            }
        }
    }
    /* headcount: tours + the daily shifts starting on each day */
    if (o->max_agents > 0) {
        for (int32_t day = 0; day < s->h.days; day++) {
            int32_t row = add_row(m, md, -INF, o->max_agents);
            CHECK(row >= 0);
            for (int32_t i = 0; i < md->n_tc; i++)
                CHECK(add_nz(m, md, md->tc[i].col, row, 1));
            for (int32_t i = 0; i < n_daily; i++)
                if (md->g[i].day == day)
                    CHECK(add_nz(m, md, md->g[i].col, row, 1));
        }
    }
    CHECK(finish(m, md));
    return OQ_OK;
nomem:
    oq__model_free(m, md);
    return OQ_ENOMEM;
#undef CHECK
}

/* ---- solutions -------------------------------------------------------------------------- */

static int32_t round_count(double v)
{
    if (!(v > 0.5))
        return 0;
    return v > 1e9 ? 1000000000 : (int32_t)llround(v);
}

/* Break offsets for the `count` agents of group g: each break's placements
 * in increasing order, agent i taking the i-th (sorted pairing keeps order
 * when the order rows hold). out[i * SCH_MAX_BREAKS + j]. */
static void group_break_offsets(const oq_schedule *s, const sch_model *md, const sch_group *g,
                                const double *x, int32_t count, int16_t *out)
{
    const sch_template *t = &s->tpl[g->tpl];
    for (int32_t j = 0; j < t->n_breaks; j++) {
        int32_t agent = 0, last_q = t->breaks[j].lo;
        for (int32_t k = g->brk_first; k < g->brk_first + g->n_brk && agent < count; k++) {
            const sch_bcol *b = &md->bc[k];
            if (b->j != j)
                continue;
            last_q = b->q;
            for (int32_t c = round_count(x[b->col]); c > 0 && agent < count; c--)
                out[(size_t)agent++ * SCH_MAX_BREAKS + (size_t)j] = (int16_t)b->q;
        }
        /* counts that fell short (rounding): the last placement seen */
        for (; agent < count; agent++)
            out[(size_t)agent * SCH_MAX_BREAKS + (size_t)j] = (int16_t)last_q;
    }
    /* enforce the order the windows allow (a no-op for a solver's solution) */
    for (int32_t a = 0; a < count; a++)
        for (int32_t j = 1; j < t->n_breaks; j++) {
            int16_t *p = &out[(size_t)a * SCH_MAX_BREAKS];
            int32_t min = p[j - 1] + t->breaks[j - 1].len;
            while (p[j] < min && p[j] + t->breaks[j].step <= t->breaks[j].hi)
                p[j] = (int16_t)(p[j] + t->breaks[j].step);
        }
}

int oq__model_units(const oq_schedule *s, oq_mem *m, const sch_model *md, const double *x,
                    sch_units *us)
{
    int16_t *offs = NULL;
    size_t offs_n = 0;
    int ok = 1;
    /* daily groups */
    for (int32_t i = 0; ok && i < md->n_g; i++) {
        const sch_group *g = &md->g[i];
        if (g->tour >= 0)
            continue;
        int32_t cnt = round_count(x[g->col]);
        if (cnt == 0)
            continue;
        size_t need = (size_t)cnt * SCH_MAX_BREAKS;
        if (need > offs_n) {
            int16_t *p = oq__realloc(m, offs, offs_n * sizeof *p, need * sizeof *p);
            if (!p) {
                ok = 0;
                break;
            }
            offs = p;
            offs_n = need;
        }
        group_break_offsets(s, md, g, x, cnt, offs);
        sch_unit u = {g->tpl, -1, 0, -1, 1, 0};
        for (int32_t a = 0; ok && a < cnt; a++) {
            sch_duty_inst d;
            memset(&d, 0, sizeof d);
            d.day = g->day;
            d.start = g->start;
            memcpy(d.brk, offs + (size_t)a * SCH_MAX_BREAKS, sizeof d.brk);
            ok = oq__units_push(m, us, &u, &d);
        }
    }
    /* tours: per (tour, band) the agents of each pattern, then each working
     * day's starts and breaks taken in order from the day's groups */
    for (int32_t i0 = 0; ok && i0 < md->n_tc;) {
        int32_t i1 = i0;
        while (i1 < md->n_tc && md->tc[i1].tour == md->tc[i0].tour &&
               md->tc[i1].band == md->tc[i0].band)
            i1++;
        const sch_tour *tr = &s->tour[md->tc[i0].tour];
        const sch_template *t = &s->tpl[tr->tpl];
        int32_t agents = 0;
        for (int32_t i = i0; i < i1; i++)
            agents += round_count(x[md->tc[i].col]);
        if (agents > 0) {
            int32_t first_unit = us->n;
            sch_duty_inst days[7 * 53];
            for (int32_t i = i0; ok && i < i1; i++) {
                for (int32_t c = round_count(x[md->tc[i].col]); ok && c > 0; c--) {
                    sch_unit u = {tr->tpl, md->tc[i].tour, md->tc[i].pattern, md->tc[i].band, 0, 0};
                    for (int32_t day = 0; day < s->h.days && u.n_days < 7 * 53; day++)
                        if ((u.pattern >> sch_weekday(s, day)) & 1) {
                            memset(&days[u.n_days], 0, sizeof days[0]);
                            days[u.n_days].day = day;
                            days[u.n_days].start = day * s->per_day + u.band;
                            u.n_days++;
                        }
                    ok = oq__units_push(m, us, &u, days);
                }
            }
            /* each day: the groups of (tour, band, day) in start order give
             * starts and breaks to that day's working agents in turn */
            for (int32_t day = 0; ok && day < s->h.days; day++) {
                int32_t wd = sch_weekday(s, day);
                int32_t next = first_unit; /* next unit to receive a start this day */
                for (int32_t gi = 0; ok && gi < md->n_g; gi++) {
                    const sch_group *g = &md->g[gi];
                    if (g->tour != md->tc[i0].tour || g->band != md->tc[i0].band || g->day != day)
                        continue;
                    int32_t cnt = round_count(x[g->col]);
                    size_t need = (size_t)(cnt > 0 ? cnt : 1) * SCH_MAX_BREAKS;
                    if (need > offs_n) {
                        int16_t *p = oq__realloc(m, offs, offs_n * sizeof *p, need * sizeof *p);
                        if (!p) {
                            ok = 0;
                            break;
                        }
                        offs = p;
                        offs_n = need;
                    }
                    group_break_offsets(s, md, g, x, cnt, offs);
                    for (int32_t a = 0; a < cnt; a++) {
                        while (next < us->n && !((us->u[next].pattern >> wd) & 1))
                            next++;
                        if (next >= us->n)
                            break;
                        sch_unit *u = &us->u[next];
                        for (int32_t k = 0; k < u->n_days; k++) {
                            sch_duty_inst *d = &us->d[u->first + k];
                            if (d->day == day) {
                                d->start = g->start;
                                memcpy(d->brk, offs + (size_t)a * SCH_MAX_BREAKS, sizeof d->brk);
                            }
                        }
                        next++;
                    }
                }
                /* agents the groups did not reach (rounding): earliest breaks */
                for (; next < us->n; next++) {
                    sch_unit *u = &us->u[next];
                    if (!((u->pattern >> wd) & 1))
                        continue;
                    for (int32_t k = 0; k < u->n_days; k++) {
                        sch_duty_inst *d = &us->d[u->first + k];
                        if (d->day != day)
                            continue;
                        int32_t free_at = 0;
                        for (int32_t j = 0; j < t->n_breaks; j++) {
                            int32_t q = t->breaks[j].lo;
                            while (q < free_at && q + t->breaks[j].step <= t->breaks[j].hi)
                                q += t->breaks[j].step;
                            d->brk[j] = (int16_t)q;
                            free_at = q + t->breaks[j].len;
                        }
                    }
                }
            }
        }
        i0 = i1;
    }
    oq__free(m, offs, offs_n * sizeof *offs);
    return ok;
}

void oq__model_from_units(const oq_schedule *s, const sch_model *md, const sch_units *us,
                          const sch_costs *c, double *x)
{
    memset(x, 0, (size_t)md->n_cols * sizeof *x);
    /* group and break counts: find each duty's group by (tour, band, day, start) */
    for (int32_t i = 0; i < us->n; i++) {
        const sch_unit *u = &us->u[i];
        if (u->tour >= 0)
            for (int32_t k = 0; k < md->n_tc; k++)
                if (md->tc[k].tour == u->tour && md->tc[k].pattern == u->pattern &&
                    md->tc[k].band == u->band) {
                    x[md->tc[k].col] += 1;
                    break;
                }
        for (int32_t k = 0; k < u->n_days; k++) {
            const sch_duty_inst *d = &us->d[u->first + k];
            for (int32_t gi = 0; gi < md->n_g; gi++) {
                const sch_group *g = &md->g[gi];
                if (g->tpl != u->tpl || g->tour != u->tour || g->band != u->band ||
                    g->day != d->day || g->start != d->start)
                    continue;
                x[g->col] += 1;
                for (int32_t b = g->brk_first; b < g->brk_first + g->n_brk; b++)
                    if (md->bc[b].q == d->brk[md->bc[b].j])
                        x[md->bc[b].col] += 1;
                break;
            }
        }
    }
    /* one pass over the columns: coverage of each interval */
    double *cov = x + md->n_cols; /* the caller's scratch after the solution */
    memset(cov, 0, (size_t)s->n * sizeof *cov);
    for (int32_t j = 0; j < md->n_cols; j++) {
        if (x[j] == 0 || (j >= md->over_first && j < md->over_first + s->n))
            continue;
        if (md->short_first && j >= md->short_first[0] && j < md->short_first[s->n])
            continue;
        for (int64_t k = md->col_start[j]; k < md->col_start[j + 1]; k++)
            if (md->row_index[k] < s->n)
                cov[md->row_index[k]] += md->value[k] * x[j];
    }
    for (int32_t t = 0; t < s->n; t++) {
        double eff = sch_effective_req(s, c, t), diff = cov[t] - eff;
        if (diff >= 0) {
            x[md->over_first + t] = diff;
        } else if (md->short_first) {
            double left = -diff;
            for (int32_t j = md->short_first[t]; j < md->short_first[t + 1] && left > 0; j++) {
                double take = left < md->col_hi[j] ? left : md->col_hi[j];
                x[j] = take;
                left -= take;
            }
        }
    }
}
