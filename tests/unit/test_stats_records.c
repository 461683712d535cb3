/* SPDX-License-Identifier: MIT */
/* The statistics' contact records (lib/stats/internal.h, issue #22): what a
 * waiting contact costs them, counted through the engine's allocator (pages
 * allocated as their slots are taken, not a doubled array; freed slots taken
 * again), and the figures their five lists give — waiting, longest wait,
 * backlog and its age of every queue, channel and the center — against a
 * model the test keeps itself, over a scripted stream that enters and leaves
 * every list (arrivals, answers, transfers of waiting and served contacts,
 * callbacks that change channel, parking, reopening, abandons, completions),
 * across snapshot restores. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "core/codec.h"
#include "stats/internal.h"

/* ---- an allocator that counts live bytes and blocks of one record page -------- */

typedef struct sized_alloc {
    int64_t live;
    int64_t n_pages;  /* live blocks of exactly one full record page */
} sized_alloc;

#define PAGE_BYTES ((size_t)OQ_SREC_PAGE * sizeof(oq_srec))

static void *sized_fn(void *ptr, size_t old_size, size_t new_size, void *user)
{
    sized_alloc *a = user;
    if (ptr && old_size == PAGE_BYTES)
        a->n_pages--;
    if (new_size == 0) {
        a->live -= ptr ? (int64_t)old_size : 0;
        free(ptr);
        return NULL;
    }
    void *p = realloc(ptr, new_size);
    if (!p) {
        if (ptr && old_size == PAGE_BYTES)
            a->n_pages++;
        return NULL;
    }
    a->live += (int64_t)new_size - (ptr ? (int64_t)old_size : 0);
    if (new_size == PAGE_BYTES)
        a->n_pages++;
    return p;
}

static oq_engine *sized_engine(sized_alloc *a)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = sized_fn;
    o.alloc_user = a;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    return e;
}

/* The bytes the records take, from the statistics' own fields. */
static int64_t record_bytes(const oq_stats *S)
{
    int64_t pages = S->n_pages ? (int64_t)S->page0_n + (int64_t)(S->n_pages - 1) * OQ_SREC_PAGE : 0;
    return pages * (int64_t)sizeof(oq_srec) + (int64_t)S->cap_pages * (int64_t)sizeof(oq_srec *);
}

static void waiting_contacts_cost_pages_not_a_doubled_array(void **state)
{
    (void)state;
    enum { N = 20000 };
    sized_alloc a = {0};
    oq_engine *e = sized_engine(&a);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 0, 30, 3);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    assert_oq_ok(e, oq_queue_add_channel(e, 0, "q", "chat"));
    char id[16];
    /* The first contact of each channel makes its statistics blocks. */
    assert_oq_ok(e, arrive(e, 1, "first-voice", "voice", "q", 0));
    assert_oq_ok(e, arrive(e, 1, "first-chat", "chat", "q", 0));
    const oq_stats *S = e->stats;
    int64_t live0 = a.live, rec0 = record_bytes(S);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 2 + i, id, i % 3 ? "voice" : "chat", "q", 0));
    }
    /* A record is 96 bytes (no seq: its contact's is its own) and the pages
     * hold only the slots taken: less than one page and the page table of
     * slack, whatever N. */
    assert_true(sizeof(oq_srec) <= 96);
    int64_t rec = record_bytes(S) - rec0;
    print_message("statistics: %.1f bytes per waiting contact (%d contacts, %d pages of %d records of %zu "
                  "bytes); the engine in all %.1f\n",
                  (double)rec / N, N, S->n_pages, OQ_SREC_PAGE, sizeof(oq_srec), (double)(a.live - live0) / N);
    int64_t most = (int64_t)(N + 2 + OQ_SREC_PAGE) * 96 + (int64_t)S->cap_pages * (int64_t)sizeof(oq_srec *);
    if (rec > most)
        fail_msg("statistics records take %lld bytes for %d waiting contacts (%.1f each), want <= %lld",
                 (long long)rec, N, (double)rec / N, (long long)most);
    /* Pages are allocated as their first slot is taken: the slot count
     * doubled to 32768 (as the snapshot records it), the pages cover the
     * 20,003 slots used only. */
    assert_int_equal(S->cap_recs, 32768);
    assert_int_equal(S->fresh, N + 3);
    assert_int_equal(S->n_pages, (N + 2) / OQ_SREC_PAGE + 1);
    /* Through the allocator: the pages are live blocks of one page each (page
     * 0 grew to a whole one), not one array of 32768 records. */
    assert_int_equal(a.n_pages, S->n_pages);
    assert_true(a.live - live0 >= rec);
    assert_oq_ok(e, oq_engine_check(e));

    /* Freed slots are taken again before any new page. */
    for (int i = 0; i < N; i += 2) {
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, oq_contact_abandon(e, N + 10, id));
    }
    int32_t pages = S->n_pages;
    int64_t live1 = a.live;
    for (int i = 0; i < N / 2; i++) {
        snprintf(id, sizeof id, "d%d", i);
        assert_oq_ok(e, arrive(e, N + 20 + i, id, "voice", "q", 0));
    }
    assert_int_equal(S->n_pages, pages);
    assert_int_equal(S->fresh, N + 3);
    assert_int_equal(S->n_recs, N + 2);
    assert_int_equal(a.live - live1 >= 0, 1);
    assert_oq_ok(e, oq_engine_check(e));

    /* A snapshot restores every slot, and writes the same bytes again. */
    void *buf = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &n));
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_engine_restore_buffer(NULL, buf, n, &r, &err) != OQ_OK)
        fail_msg("restore: %s", err.message);
    assert_int_equal(r->stats->fresh, r->stats->cap_recs);
    assert_oq_ok(r, oq_engine_check(r));
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &again, &n2));
    assert_int_equal(n, n2);
    assert_memory_equal(buf, again, n);
    oq_free(again);
    /* Both take the same slots from here on. */
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof id, "f%d", i);
        assert_oq_ok(e, arrive(e, 2 * N + i, id, "chat", "q", 0));
        assert_oq_ok(r, arrive(r, 2 * N + i, id, "chat", "q", 0));
    }
    oq_free(buf);
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &n));
    assert_oq_ok(r, oq_engine_snapshot_buffer(r, &again, &n2));
    assert_int_equal(n, n2);
    assert_memory_equal(buf, again, n);
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(r, oq_engine_check(r));
    oq_free(buf);
    oq_free(again);
    oq_engine_destroy(r);
    oq_engine_destroy(e);
    assert_int_equal(a.live, 0);
}

/* ---- the lists' figures against a model -------------------------------------- */

enum { MAXC = 4000, NQ = 2, NCH = 3 };
static const char *const QS[NQ] = {"q0", "q1"};
static const char *const CHS[NCH] = {"voice", "chat", "callback"};

typedef struct mcontact {
    int exists, waiting, answered;
    int q, ch;
    int64_t q_since, chw_since, cew_since, chl_since, cel_since;
} mcontact;

static mcontact M[MAXC];
static int n_made;
static int64_t n_answered_first, n_abandoned_unanswered, n_completed;
static uint64_t rng;

static uint32_t rn(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return n ? (uint32_t)(rng >> 33) % n : 0;
}

static const char *cid(int i)
{
    static char b[16];
    snprintf(b, sizeof b, "c%d", i);
    return b;
}

/* A random existing contact in engine state `st` (0: any), or -1. */
static int pick(oq_engine *e, int32_t st)
{
    for (int tries = 0; tries < 40 && n_made; tries++) {
        int i = (int)rn((uint32_t)n_made);
        if (M[i].exists && (!st || contact_state(e, cid(i)) == st))
            return i;
    }
    return -1;
}

typedef struct want {
    int32_t waiting, backlog;
    int64_t oldest_wait, oldest_live; /* INT64_MAX: none */
} want;

static void want_add(want *w, int waiting, int64_t wait_since, int live, int64_t live_since)
{
    if (waiting) {
        w->waiting++;
        if (wait_since < w->oldest_wait)
            w->oldest_wait = wait_since;
    }
    if (live) {
        w->backlog++;
        if (live_since < w->oldest_live)
            w->oldest_live = live_since;
    }
}

static void expect(const oq_queue_stats *s, const want *w, int64_t now, int queue_scope, const char *what)
{
    double longest = w->waiting ? (double)(now - w->oldest_wait) / 1000.0 : 0.0;
    double age = w->backlog ? (double)(now - w->oldest_live) / 1000.0 : 0.0;
    if (s->waiting_now != w->waiting || fabs(s->longest_wait_s - longest) > 1e-9)
        fail_msg("%s at %lld: waiting %d, longest %.3f s; the model %d, %.3f s", what, (long long)now,
                 s->waiting_now, s->longest_wait_s, w->waiting, longest);
    if (!queue_scope && (s->backlog != w->backlog || fabs(s->backlog_age_s - age) > 1e-9))
        fail_msg("%s at %lld: backlog %d aged %.3f s; the model %d, %.3f s", what, (long long)now, s->backlog,
                 s->backlog_age_s, w->backlog, age);
}

static void compare(oq_engine *e)
{
    int64_t now = 0;
    assert_oq_ok(e, oq_engine_now(e, &now));
    want wq[NQ], wc[NCH], wall;
    for (int i = 0; i < NQ; i++)
        wq[i] = (want){0, 0, INT64_MAX, INT64_MAX};
    for (int i = 0; i < NCH; i++)
        wc[i] = (want){0, 0, INT64_MAX, INT64_MAX};
    wall = (want){0, 0, INT64_MAX, INT64_MAX};
    for (int i = 0; i < n_made; i++) {
        const mcontact *c = &M[i];
        if (!c->exists)
            continue;
        want_add(&wq[c->q], c->waiting, c->q_since, 0, 0);
        want_add(&wc[c->ch], c->waiting, c->chw_since, 1, c->chl_since);
        want_add(&wall, c->waiting, c->cew_since, 1, c->cel_since);
    }
    oq_queue_stats s = OQ_OUTPUT_INIT(oq_queue_stats);
    for (int i = 0; i < NQ; i++) {
        assert_oq_ok(e, oq_stats_queue(e, QS[i], OQ_PERIOD_DAY, &s));
        expect(&s, &wq[i], now, 1, QS[i]);
    }
    for (int i = 0; i < NCH; i++) {
        assert_oq_ok(e, oq_stats_channel(e, CHS[i], OQ_PERIOD_DAY, &s));
        expect(&s, &wc[i], now, 0, CHS[i]);
    }
    assert_oq_ok(e, oq_stats_center(e, OQ_PERIOD_DAY, &s));
    expect(&s, &wall, now, 0, "the center");
    assert_int_equal(s.offered, n_made);
    assert_int_equal(s.answered, n_answered_first);
    assert_int_equal(s.abandoned, n_abandoned_unanswered);
    assert_int_equal(s.handled, n_completed);
    assert_int_equal(s.dropped, 0);
}

/* The contact the engine offered to some agent and the host accepts now. */
static void accept_an_offer(oq_engine *e, int64_t t)
{
    char agent[32];
    for (int i = n_made - 1; i >= 0; i--)
        if (M[i].exists && contact_state(e, cid(i)) == OQ_CONTACT_OFFERED) {
            contact_agent(e, cid(i), agent, sizeof agent);
            assert_oq_ok(e, oq_offer_accept(e, t, cid(i), agent));
            if (!M[i].answered)
                n_answered_first++;
            M[i].answered = 1;
            M[i].waiting = 0;
            return;
        }
}

static oq_engine *restored(oq_engine *e)
{
    void *buf = NULL;
    size_t n = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &n));
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    if (oq_engine_restore_buffer(NULL, buf, n, &r, &err) != OQ_OK)
        fail_msg("restore: %s", err.message);
    oq_free(buf);
    oq_engine_destroy(e);
    return r;
}

static void figures_of_every_list_follow_a_model(void **state)
{
    (void)state;
    memset(M, 0, sizeof M);
    n_made = 0;
    n_answered_first = n_abandoned_unanswered = n_completed = 0;
    rng = 2026;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_channel(e, "chat", 1, 100, 1);
    add_channel(e, "callback", 1, 100, 1);
    for (int i = 0; i < NQ; i++) {
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = QS[i];
        q.callback_channel = "callback";
        q.offer_timeout_s = 0; /* offers wait for the test */
        q.wrapup_s = 0;
        assert_oq_ok(e, oq_queue_add(e, &q));
        for (int k = 0; k < NCH; k++)
            assert_oq_ok(e, oq_queue_add_channel(e, 0, QS[i], CHS[k]));
    }
    int n_agents = 0;
    int64_t t = 1000;
    for (int op = 0; op < 6000; op++) {
        t += rn(3) ? rn(2500) : 0; /* equal times too */
        int k = (int)rn(op < 2500 ? 10 : 16); /* mostly arrivals at first: more than a page of records */
        int i;
        char agent[16];
        switch (k) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
            if (n_made < MAXC && (op < 2500 || k < 3)) {
                int q = (int)rn(NQ), ch = (int)rn(2);
                assert_oq_ok(e, arrive(e, t, cid(n_made), CHS[ch], QS[q], 0));
                M[n_made] = (mcontact){1, 1, 0, q, ch, t, t, t, t, t};
                n_made++;
            } else if ((i = pick(e, OQ_CONTACT_QUEUED)) >= 0) { /* transfer a waiting contact */
                int q = 1 - M[i].q;
                assert_oq_ok(e, oq_contact_transfer(e, t, cid(i), QS[q]));
                M[i].q = q;
                M[i].q_since = t;
            }
            break;
        case 10: /* abandon a waiting one, or remove the oldest of a channel: the heads move */
            if (rn(2)) {
                int ch = (int)rn(NCH);
                for (i = 0; i < n_made && !(M[i].exists && M[i].ch == ch); i++)
                    ;
                if (i < n_made) {
                    assert_oq_ok(e, oq_contact_remove(e, t, cid(i)));
                    M[i].exists = 0;
                }
            } else if ((i = pick(e, OQ_CONTACT_QUEUED)) >= 0) {
                assert_oq_ok(e, oq_contact_abandon(e, t, cid(i)));
                n_abandoned_unanswered += !M[i].answered;
                M[i].exists = 0;
            }
            break;
        case 11: /* an agent more, who takes an offer */
            snprintf(agent, sizeof agent, "a%d", n_agents++);
            add_agent(e, agent, 100);
            assert_oq_ok(e, oq_agent_login(e, t, agent, 1));
            accept_an_offer(e, t);
            break;
        case 12: /* complete a served one: its agent may take another */
            if ((i = pick(e, OQ_CONTACT_ACTIVE)) >= 0) {
                assert_oq_ok(e, oq_contact_complete(e, t, cid(i)));
                M[i].exists = 0;
                n_completed++;
                if (rn(2))
                    accept_an_offer(e, t);
            }
            break;
        case 13: /* a callback: the channel changes, the place in the queue stays */
            if ((i = pick(e, OQ_CONTACT_QUEUED)) >= 0 && M[i].ch != 2) {
                assert_oq_ok(e, oq_contact_request_callback(e, t, cid(i)));
                M[i].ch = 2;
                M[i].chw_since = M[i].chl_since = t;
            }
            break;
        case 14: /* park a waiting or served one, or reopen a parked one */
            if (rn(2) && (i = pick(e, OQ_CONTACT_PARKED)) >= 0) {
                int q = (int)rn(NQ);
                assert_oq_ok(e, oq_contact_reopen(e, t, cid(i), QS[q], 0));
                M[i].waiting = 1;
                M[i].q = q;
                M[i].q_since = M[i].chw_since = M[i].cew_since = t;
            } else if ((i = pick(e, rn(2) ? OQ_CONTACT_QUEUED : OQ_CONTACT_ACTIVE)) >= 0) {
                assert_oq_ok(e, oq_contact_park(e, t, cid(i), "customer"));
                M[i].waiting = 0;
            }
            break;
        default: /* a served one sent back to a queue: waits again from now */
            if ((i = pick(e, OQ_CONTACT_ACTIVE)) >= 0) {
                int q = (int)rn(NQ);
                assert_oq_ok(e, oq_contact_transfer(e, t, cid(i), QS[q]));
                M[i].waiting = 1;
                M[i].q = q;
                M[i].q_since = M[i].chw_since = M[i].cew_since = t;
            }
            break;
        }
        if (op % 50 == 0)
            compare(e);
        if (op % 1000 == 999) {
            assert_oq_ok(e, oq_engine_check(e));
            e = restored(e); /* every slot allocated from here on */
            compare(e);
        }
    }
    compare(e);
    assert_oq_ok(e, oq_engine_check(e));
    assert_true(e->stats->n_pages >= 2);
    print_message("model: %d contacts, %lld answered, %lld abandoned, %lld completed, %d agents\n", n_made,
                  (long long)n_answered_first, (long long)n_abandoned_unanswered, (long long)n_completed,
                  n_agents);
    assert_true(n_answered_first > 100 && n_abandoned_unanswered > 50 && n_completed > 50);
    oq_engine_destroy(e);
}

/* A voice queue with n contacts waiting, c0 .. c<n-1>, arrived at 1 .. n ms. */
static oq_engine *voice_queue_waiting(int n)
{
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 1 + i, id, "voice", "q", 0));
    }
    return e;
}

/* A record the library never writes — flags it does not set, a live slot
 * with a free link — is refused by the check and by restore. */
static void records_the_library_never_writes_are_refused(void **state)
{
    (void)state;
    oq_engine *e = voice_queue_waiting(2);
    oq_srec *r = oq__srec(e->stats, 1);
    assert_true(oq__srec_live(r));
    r->flags |= 0x40;
    assert_int_equal(oq_engine_check(e), OQ_ECORRUPT);
    void *buf = NULL;
    size_t n = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, &buf, &n));
    oq_engine *x = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_engine_restore_buffer(NULL, buf, n, &x, &err), OQ_ECORRUPT);
    assert_non_null(strstr(err.message, "statistics record flags"));
    oq_free(buf);
    r->flags &= 0x07;
    assert_oq_ok(e, oq_engine_check(e));

    /* Slot 1 as written: seq, five (prev, next, since), in, queue, channel,
     * agent, cost, flags, next free (116 bytes). Give it a free link. */
    unsigned char *b = NULL;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, (void **)&b, &n));
    unsigned char rec[12];
    const oq_contact *c0 = oq__idtable_get(&e->contact_ids, "c0");
    assert_non_null(c0);
    assert_int_equal(c0->stats_rec, 1);
    uint64_t seq = c0->seq; /* a record's seq is its contact's */
    for (int i = 0; i < 8; i++)
        rec[i] = (unsigned char)(seq >> (8 * i));
    const unsigned char links[4] = {0, 0, 0, 0}; /* prev 0, then next 2 in its queue */
    memcpy(rec + 8, links, 4);
    size_t at = 0;
    for (size_t i = 0; i + 116 + 4 <= n && !at; i++)
        if (memcmp(b + i, rec, 12) == 0 && b[i + 12] == 2 && b[i + 13] == 0 && b[i + 112] == 0)
            at = i;
    assert_true(at > 0);
    b[at + 112] = 2;
    uint32_t crc = oq__crc32(0, b, n - 4);
    for (int i = 0; i < 4; i++)
        b[n - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
    x = NULL;
    assert_int_equal(oq_engine_restore_buffer(NULL, b, n, &x, &err), OQ_ECORRUPT);
    if (!strstr(err.message, "is live and has a free link"))
        fail_msg("restore said: %s", err.message);
    oq_free(b);
    oq_engine_destroy(e);
}

/* Restore a snapshot whose bytes were edited (the checksum made right). */
static oq_status restore_edited(unsigned char *b, size_t n, oq_error *err)
{
    uint32_t crc = oq__crc32(0, b, n - 4);
    for (int i = 0; i < 4; i++)
        b[n - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
    oq_engine *x = NULL;
    oq_status st = oq_engine_restore_buffer(NULL, b, n, &x, err);
    oq_engine_destroy(x);
    return st;
}

/* A record keeps no seq and a free one keeps its next link where a live one
 * keeps its agent: snapshots still write both, the seq found on the contact
 * and a free slot's agent as it was (-1 freed, 0 never taken), and a restore
 * gives them back; a free slot holding any other agent is refused (no
 * version freed a record before its contact gave its agent back). */
static void free_records_keep_their_saved_form(void **state)
{
    (void)state;
    oq_engine *e = new_engine(NULL, NULL);
    add_channel(e, "voice", 1, 100, 1);
    add_queue(e, "q", OQ_ORDER_FIFO, OQ_STRATEGY_LONGEST_IDLE, "voice");
    add_agent(e, "a0", 100);
    add_agent(e, "a1", 100);
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "c%d", i);
        assert_oq_ok(e, arrive(e, 1 + i, id, "voice", "q", 0));
    }
    assert_oq_ok(e, oq_contact_abandon(e, 10, "c1")); /* slot 2 freed: agent -1 */
    const oq_srec *r2 = oq__srec(e->stats, 2);
    assert_false(oq__srec_live(r2));
    assert_int_equal(oq__srec_agent_saved(r2), -1);
    assert_int_equal(oq__srec_next_free(r2), 5); /* the first never taken */
    const oq_contact *c3 = oq__idtable_get(&e->contact_ids, "c3");
    assert_non_null(c3);

    /* Slot 4 as written (116 bytes: seq, five (prev, next, since), in,
     * queue, channel, agent, cost, flags, next free): its contact's seq. */
    unsigned char *b = NULL, *b2 = NULL;
    size_t n = 0, n2 = 0;
    assert_oq_ok(e, oq_engine_snapshot_buffer(e, (void **)&b, &n));
    unsigned char zero[112] = {0};
    size_t at = 0; /* slot 5: never taken, a zero record chained to 6 */
    for (size_t i = 0; i + 116 * 2 <= n && !at; i++)
        if (memcmp(b + i, zero, 112) == 0 && b[i + 112] == 6 && !b[i + 113] && !b[i + 114] && !b[i + 115] &&
            memcmp(b + i + 116, zero, 112) == 0 && b[i + 116 + 112] == 7)
            at = i;
    assert_true(at > 2 * 116);
    const unsigned char *s4 = b + at - 116;
    uint64_t seq4 = 0;
    for (int i = 7; i >= 0; i--)
        seq4 = seq4 << 8 | s4[i];
    assert_true(seq4 == c3->seq);
    const unsigned char *s2 = b + at - 3 * 116; /* freed: seq 0, agent -1, next 5 */
    for (int i = 0; i < 8; i++)
        assert_int_equal(s2[i], 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(s2[100 + i], 0xff);
    assert_int_equal(s2[112], 5);

    /* Restored, the engine writes the same bytes. */
    oq_engine *x = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_int_equal(oq_engine_restore_buffer(NULL, b, n, &x, &err), OQ_OK);
    assert_oq_ok(x, oq_engine_check(x));
    assert_int_equal(oq__srec_agent_saved(oq__srec(x->stats, 5)), 0);
    assert_int_equal(oq__srec_next_free(oq__srec(x->stats, 5)), 6);
    assert_oq_ok(x, oq_engine_snapshot_buffer(x, (void **)&b2, &n2));
    assert_true(n2 == n && memcmp(b, b2, n) == 0);
    oq_free(b2);
    oq_engine_destroy(x);

    /* A free slot holding agent 1, then one holding -1 where it was 0. */
    b[at + 100] = 1;
    if (restore_edited(b, n, &err) != OQ_ECORRUPT || !strstr(err.message, "is free and holds agent 1"))
        fail_msg("restore said: %s", err.message);
    memset(b + at + 100, 0xff, 4);
    assert_int_equal(restore_edited(b, n, &err), OQ_OK);
    oq_free(b);
    oq_engine_destroy(e);
}

/* The check finds a record two contacts name (a record holds no seq: the
 * contacts are marked as they claim it), and takes every mark off again. */
static void a_record_two_contacts_name_is_found(void **state)
{
    (void)state;
    oq_engine *e = voice_queue_waiting(3);
    oq_contact *c1 = oq__idtable_get(&e->contact_ids, "c1");
    int32_t own = c1->stats_rec;
    c1->stats_rec = own == 1 ? 3 : 1;
    assert_int_equal(oq_engine_check(e), OQ_ECORRUPT);
    assert_non_null(strstr(oq_engine_last_error(e), "is not its own"));
    c1->stats_rec = 2 * 1024; /* a slot never taken */
    assert_int_equal(oq_engine_check(e), OQ_ECORRUPT);
    c1->stats_rec = own;
    for (int32_t i = 1; i < e->stats->fresh; i++)
        assert_false(oq__srec(e->stats, i)->in & SR_CLAIMED);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waiting_contacts_cost_pages_not_a_doubled_array),
        cmocka_unit_test(figures_of_every_list_follow_a_model),
        cmocka_unit_test(records_the_library_never_writes_are_refused),
        cmocka_unit_test(free_records_keep_their_saved_form),
        cmocka_unit_test(a_record_two_contacts_name_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
