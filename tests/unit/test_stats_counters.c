/* SPDX-License-Identifier: MIT */
/* The statistics counters table (lib/stats/counters.h) and oq_queue_stats
 * agree: every counter is read into its own field as its row says, and
 * every field of oq_queue_stats is written by the read-out (a field added to
 * the header with no row, or a row the read-out skipped, fails here). The
 * bindings and docs side of the same table: tests/tools/test_stats_counters.py. */
#include <stddef.h>
#include <string.h>

#include "test_support.h"
#include "stats/internal.h"

/* A block whose every counter, histogram bucket and gauge is set, each to
 * its own value, none 0. */
static void distinct_block(oq_sblock *b, oq_sgauge *g)
{
    memset(b, 0, sizeof *b);
    for (int k = 0; k < K_N; k++)
        b->k[k] = 1000 * (k + 2) + 7 * k + 1; /* > every denominator, never a whole second */
    for (int h = 0; h < OQ_HIST_N; h++) {
        b->hist_ans[h] = 100 + h;
        b->hist_ab[h] = 200 + h;
    }
    g->waiting = 3;
    g->ready = 4;
    g->busy = 5;
    g->wrapup = 6;
    g->not_ready = 7;
    g->backlog = 8;
    g->longest_ms = 9500;
    g->backlog_age_ms = 10500;
}

/* The statistics (default options, some figures dropped) and a distinct block. */
static void distinct_input(oq_stats *S, oq_sblock *b, oq_sgauge *g)
{
    memset(S, 0, sizeof *S);
    oq_stats_options_init(&S->opt);
    S->dropped = 11;
    distinct_block(b, g);
}

/* Bytes the read-out leaves to its caller: struct_size, period, the span and
 * the threshold, and the padding after n_wait_bounds. */
static int caller_byte(size_t at)
{
    struct { size_t off, len; } own[] = {
        {offsetof(oq_queue_stats, struct_size), 4},
        {offsetof(oq_queue_stats, period), 4},
        {offsetof(oq_queue_stats, n_wait_bounds) + 4,
         offsetof(oq_queue_stats, start_ms) - offsetof(oq_queue_stats, n_wait_bounds) - 4},
        {offsetof(oq_queue_stats, start_ms), 8},
        {offsetof(oq_queue_stats, end_ms), 8},
        {offsetof(oq_queue_stats, threshold_s), 8},
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (at >= own[i].off && at < own[i].off + own[i].len)
            return 1;
    return 0;
}

static void every_field_is_read_out(void **state)
{
    (void)state;
    oq_stats S;
    oq_sblock b;
    oq_sgauge g;
    distinct_input(&S, &b, &g);
    /* Read into all-zero and all-one bytes: a byte the read-out writes is
     * the same in both; one it skips keeps what was there. */
    oq_queue_stats o0, o1;
    memset(&o0, 0x00, sizeof o0);
    memset(&o1, 0xff, sizeof o1);
    o0.struct_size = o1.struct_size = sizeof o0; /* as the readers set it: the service levels read it */
    oq__stats_fill(&S, &b, &g, &o0);
    oq__stats_fill(&S, &b, &g, &o1);
    const unsigned char *p0 = (const unsigned char *)&o0, *p1 = (const unsigned char *)&o1;
    for (size_t at = 0; at < sizeof o0; at++) {
        int written = p0[at] == p1[at];
        if (!written && !caller_byte(at))
            fail_msg("byte %zu of oq_queue_stats (of %zu) is never written by the read-out: a field "
                     "with no row in lib/stats/counters.h and no line in read.c's oq__stats_fill?",
                     at, sizeof o0);
        if (written && caller_byte(at) && at >= offsetof(oq_queue_stats, start_ms))
            fail_msg("byte %zu of oq_queue_stats belongs to the caller but the read-out writes it", at);
    }
}

/* Each row's field holds its counter as the row says (and has the type the
 * row's kind needs: a compile error otherwise). */
#define ROW_COUNT(o, b, id, field, per)                                                            \
    _Static_assert(_Generic((o).field, int64_t: 1, default: 0), #field " of a COUNT row is int64_t"); \
    assert_int_equal((o).field, (b).k[K_##id]);
#define ROW_MEAN_S(o, b, id, field, per)                                                           \
    _Static_assert(_Generic((o).field, double: 1, default: 0), #field " of a MEAN_S row is double");  \
    assert_float_equal((o).field, (double)(b).k[K_##id] / 1000.0 / (double)(b).k[K_##per], 1e-12);
#define ROW_MAX_S(o, b, id, field, per)                                                            \
    _Static_assert(_Generic((o).field, double: 1, default: 0), #field " of a MAX_S row is double");   \
    assert_float_equal((o).field, (double)(b).k[K_##id] / 1000.0, 1e-12);

static void every_row_reads_its_own_field(void **state)
{
    (void)state;
    oq_stats S;
    oq_sblock b;
    oq_sgauge g;
    distinct_input(&S, &b, &g);
    oq_queue_stats o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    oq__stats_fill(&S, &b, &g, &o);
#define ROW(id, read, field, per) ROW_##read(o, b, id, field, per)
    OQ__STATS_COUNTERS(ROW)
#undef ROW
    /* No two rows share a field. */
    static const size_t at[] = {
#define ROW_AT(id, read, field, per) offsetof(oq_queue_stats, field),
        OQ__STATS_COUNTERS(ROW_AT)
#undef ROW_AT
    };
    assert_int_equal(sizeof at / sizeof at[0], K_N);
    for (int i = 0; i < K_N; i++)
        for (int j = 0; j < i; j++)
            if (at[i] == at[j])
                fail_msg("counters %d and %d of lib/stats/counters.h read into the same field", j, i);
    /* The figures of several counters. */
    assert_float_equal(o.aht_s, (double)(b.k[K_TALK] + b.k[K_WRAP]) / 1000.0 / (double)b.k[K_HANDLED], 1e-12);
    assert_float_equal(o.abandon_rate, (double)b.k[K_ABANDONED] / (double)b.k[K_OFFERED], 1e-12);
    assert_int_equal(o.waiting_now, g.waiting);
    assert_int_equal(o.dropped, S.dropped);
}

/* MAX_S rows merge by max across a window's buckets, every other by sum. */
static void only_max_rows_merge_by_max(void **state)
{
    (void)state;
    int maxes = 0;
#define ROW_KIND(id, read, field, per) \
    assert_int_equal(oq__k_is_max(K_##id), strcmp(#read, "MAX_S") == 0); \
    maxes += oq__k_is_max(K_##id);
    OQ__STATS_COUNTERS(ROW_KIND)
#undef ROW_KIND
    assert_int_equal(maxes, 2); /* the longest answered and abandoned waits */
}

/* The snapshot writes the counters in table order and reads a shorter block
 * as the first rows: the first 40 rows (format 3's) keep their order for
 * good, so a new counter is a new last row. */
static void snapshot_order_is_kept(void **state)
{
    (void)state;
    static const char *const v3[OQ__STATS_COUNTERS_V3] = {
        "OFFERED", "ARRIVALS", "ANSWERED", "ANS_IN", "ABANDONED", "AB_SHORT", "AB_IN", "TR_IN",
        "TR_OUT", "OV_IN", "OV_OUT", "REJECTED", "REMOVED", "OFFERS", "ACCEPTED", "OFF_REJ",
        "OFF_TMO", "ACCEPT_MS", "ANS_WAIT", "AB_WAIT", "HANDLED", "TALK", "WRAP", "FR_N", "FR_MS",
        "RES_N", "RES_MS", "DL_N", "DL_MET", "FLOW_IN", "FLOW_AFTER", "CALLBACKS", "BANS_N",
        "BANS_WAIT", "BANS_IN", "BAB_N", "BAB_WAIT", "BAB_IN", "ANS_MAX", "AB_MAX",
    };
    static const char *const rows[] = {
#define ROW_NAME(id, read, field, per) #id,
        OQ__STATS_COUNTERS(ROW_NAME)
#undef ROW_NAME
    };
    assert_true(K_N >= OQ__STATS_COUNTERS_V3);
    for (int k = 0; k < OQ__STATS_COUNTERS_V3; k++)
        if (strcmp(rows[k], v3[k]) != 0)
            fail_msg("row %d of lib/stats/counters.h is %s, snapshots hold %s there: add new "
                     "counters as last rows", k, rows[k], v3[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_field_is_read_out),
        cmocka_unit_test(every_row_reads_its_own_field),
        cmocka_unit_test(only_max_rows_merge_by_max),
        cmocka_unit_test(snapshot_order_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
