/* SPDX-License-Identifier: MIT */
/* Spare contact records, ext blocks and history rings (contact_life.c,
 * workorder.c; issue #22): a finished contact's record, id buffer, ext block
 * with its exclusions array and history ring are reused by later arrivals
 * instead of freed and allocated again. Checked here: reuse happens (a second wave of contacts allocates far
 * less than the first), a reused record or ext block carries nothing of its
 * previous contact (ids of other lengths, rejects, history, deadline,
 * preferred agent), what is kept is bounded, a call failing for memory
 * leaves the spare ext blocks as they were, a standby whose spare blocks
 * differ stays the primary's twin, and destroying the engine gives back
 * every byte, each block with the size it was allocated with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"
#include "test_support.h"

typedef struct world {
    test_alloc a;
    oq_engine *e;
    int64_t t;
} world;

static void world_up(world *w)
{
    memset(w, 0, sizeof *w);
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = test_alloc_fn;
    o.alloc_user = &w->a;
    assert_oq_ok(NULL, oq_engine_create(&o, &w->e));
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    assert_oq_ok(w->e, oq_channel_add(w->e, &ch));
    oq_queue_spec q;
    oq_queue_spec_init(&q);
    q.id = "q";
    q.offer_timeout_s = 0;
    q.retry_after_s = 600;
    assert_oq_ok(w->e, oq_queue_add(w->e, &q));
    assert_oq_ok(w->e, oq_queue_add_channel(w->e, 0, "q", "voice"));
    assert_oq_ok(w->e, oq_agent_add(w->e, "a0", 100));
    assert_oq_ok(w->e, oq_agent_add(w->e, "a1", 100));
    w->t = 1000;
}

/* deadline_ms 0: none. */
static void arrive_by(world *w, const char *id, int64_t deadline_ms)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = id;
    cs.queue = "q";
    cs.channel = "voice";
    cs.deadline_ms = deadline_ms;
    assert_oq_ok(w->e, oq_contact_arrive(w->e, w->t, &cs));
}

static void arrive_one(world *w, const char *id) { arrive_by(w, id, 0); }

/* n contacts arrive (nobody logged in), then are served one by one by a0
 * after a1 rejected each: a history of several entries and one exclusion. */
static void wave(world *w, const char *fmt, int n)
{
    char id[64];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, fmt, i);
        arrive_one(w, id);
    }
    assert_oq_ok(w->e, oq_agent_login(w->e, w->t, "a1", 1));
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, fmt, i);
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        assert_oq_ok(w->e, oq_contact_get(w->e, id, &ci));
        assert_int_equal(ci.state, OQ_CONTACT_OFFERED);
        assert_string_equal(ci.agent, "a1");
        assert_int_equal(ci.n_rejected, 0);
        assert_int_equal(ci.n_offers, 1);
        w->t += 10;
        assert_oq_ok(w->e, oq_offer_reject(w->e, w->t, id, "a1"));
    }
    assert_oq_ok(w->e, oq_agent_logout(w->e, w->t, "a1"));
    assert_oq_ok(w->e, oq_agent_login(w->e, w->t, "a0", 1));
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, fmt, i);
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        assert_oq_ok(w->e, oq_contact_get(w->e, id, &ci));
        assert_int_equal(ci.state, OQ_CONTACT_OFFERED);
        assert_string_equal(ci.agent, "a0");
        w->t += 10;
        assert_oq_ok(w->e, oq_offer_accept(w->e, w->t, id, "a0"));
        int32_t n_hist = -1;
        assert_oq_ok(w->e, oq_contact_history_count(w->e, id, &n_hist));
        assert_int_equal(n_hist, 2); /* its own only (arrival, assigned) */
        w->t += 10;
        assert_oq_ok(w->e, oq_contact_complete(w->e, w->t, id));
        assert_int_equal(oq_contact_get(w->e, id, &ci), OQ_ENOTFOUND);
    }
    assert_oq_ok(w->e, oq_agent_logout(w->e, w->t, "a0"));
    assert_oq_ok(w->e, oq_engine_check(w->e));
}

static void second_wave_reuses_the_records(void **state)
{
    (void)state;
    world w;
    world_up(&w);
    int64_t a0 = w.a.n_allocs;
    wave(&w, "c%d", 100);
    int64_t first = w.a.n_allocs - a0;
    int64_t live_after_first = w.a.live_bytes;
    /* Ids of the same length and of other lengths, some longer than any
     * kept buffer. */
    a0 = w.a.n_allocs;
    wave(&w, "d%d", 100);
    int64_t second = w.a.n_allocs - a0;
    wave(&w, "contact-with-a-much-longer-id-than-before-%d", 40);
    wave(&w, "x%d", 100);
    print_message("allocations: first wave %lld, second %lld\n", (long long)first, (long long)second);
    /* Each contact of the first wave allocated its record, id, history and,
     * for the reject, an ext block and its exclusions array; the second wave
     * reuses them (the few left are the engine's per-call growth, not per
     * contact). */
    assert_true(first >= 3 * 100);
    assert_true(second * 4 < first);
    /* Nothing accumulates beyond the first wave's peak. */
    assert_true(w.a.live_bytes <= live_after_first + 16384);
    oq_engine_destroy(w.e);
    assert_int_equal(w.a.live_bytes, 0);
    assert_int_equal(w.a.live_blocks, 0);
}

/* More contacts finish at once than are kept: the rest are freed, so what
 * the engine keeps after a burst is bounded. */
static void spares_are_bounded(void **state)
{
    (void)state;
    world w;
    world_up(&w);
    int64_t base = w.a.live_blocks;
    wave(&w, "c%d", 2000);
    int64_t kept = w.a.live_blocks - base;
    print_message("blocks kept after a burst of 2000 contacts: %lld\n", (long long)kept);
    /* 256 records with their id, 256 ext blocks with their exclusions
     * array and 256 rings at most (1,280 blocks), and the engine's own
     * arrays grown by the burst; the burst's contacts held 2000 x 5. */
    assert_true(kept < 1400);
    oq_engine_destroy(w.e);
    assert_int_equal(w.a.live_bytes, 0);
}

/* Contacts come and go in a steady stream, one in ten with a reply deadline
 * (so with an ext block): a reused record does not bring its previous
 * contact's block to a contact that needs none - at every step the live
 * contacts holding a block are exactly those with a deadline. */
static void reused_records_carry_no_ext_block(void **state)
{
    (void)state;
    world w;
    world_up(&w);
    enum { LIVE = 203, ROUNDS = 3000 }; /* not a multiple of 10: a record leaves a contact with a deadline for one without */
    char id[32];
    for (int i = 0; i < LIVE + ROUNDS; i++) {
        if (i >= LIVE) { /* the oldest leaves */
            snprintf(id, sizeof id, "s%d", i - LIVE);
            assert_oq_ok(w.e, oq_contact_remove(w.e, w.t, id));
        }
        snprintf(id, sizeof id, "s%d", i);
        arrive_by(&w, id, i % 10 == 0 ? w.t + 86400000 : 0);
        w.t += 10;
    }
    int32_t with_ext = 0, with_deadline = 0;
    for (int i = ROUNDS; i < LIVE + ROUNDS; i++) {
        snprintf(id, sizeof id, "s%d", i);
        const oq_contact *c = NULL;
        assert_oq_ok(w.e, oq__lookup_contact(w.e, "contact", id, &c));
        with_ext += c->ext != NULL;
        with_deadline += i % 10 == 0;
    }
    if (with_ext != with_deadline)
        fail_msg("%d of %d live contacts hold an ext block, %d have a deadline", with_ext, LIVE, with_deadline);
    assert_oq_ok(w.e, oq_engine_check(w.e));
    /* What the spare blocks held leaves no trace: restored, the engine
     * writes the same snapshot. */
    snap_buf a = snap_of(w.e, &w.a);
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_engine_restore_buffer(NULL, a.p, a.n, &r, &err));
    snap_buf b = snap_of(r, NULL);
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0)
        fail_msg("snapshot -> restore -> snapshot differs (%zu and %zu bytes)", a.n, b.n);
    free(a.p);
    free(b.p);
    oq_engine_destroy(r);
    oq_engine_destroy(w.e);
    assert_int_equal(w.a.live_bytes, 0);
}

/* An arrival that fails for memory after taking a spare gives it back:
 * the engine is as before, and the next arrival still works. */
static void failed_arrival_keeps_the_spare(void **state)
{
    (void)state;
    for (int64_t k = 1; k <= 8; k++) {
        world w;
        world_up(&w);
        wave(&w, "c%d", 3);
        w.a.fail_at = w.a.n_allocs + k;
        oq_contact_spec cs;
        oq_contact_spec_init(&cs);
        cs.id = "a-longer-id";
        cs.queue = "q";
        cs.channel = "voice";
        oq_status st = oq_contact_arrive(w.e, w.t, &cs);
        w.a.fail_at = 0;
        oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
        if (st == OQ_ENOMEM) {
            assert_int_equal(oq_contact_get(w.e, "a-longer-id", &ci), OQ_ENOTFOUND);
            oq_engine_counts k2 = OQ_OUTPUT_INIT(oq_engine_counts);
            assert_oq_ok(w.e, oq_engine_get_counts(w.e, &k2));
            assert_int_equal(k2.contacts, 0);
        } else {
            assert_oq_ok(w.e, st);
            assert_oq_ok(w.e, oq_contact_abandon(w.e, w.t, "a-longer-id"));
        }
        assert_oq_ok(w.e, oq_engine_check(w.e));
        wave(&w, "e%d", 3);
        oq_engine_destroy(w.e);
        assert_int_equal(w.a.live_bytes, 0);
        assert_int_equal(w.a.live_blocks, 0);
    }
}

/* What a waiting contact costs the engine (issue #22: <= 256 bytes is the
 * goal), counted by the allocator: the record (208 bytes: what only an
 * offered, active or wrap-up contact needs is in a service block it holds
 * then, lib/engine/svc.c; its reply deadline and exclusions, like its
 * preferred agent and skills, in an ext block only contacts with one
 * have), the statistics' record (96, in pages: no seq,
 * its contact's is its own), the id and the heap and id-table slots - no
 * rejects array (a contact has none until an agent first misses it). The
 * bound is the figure of 2026-12-07 night (394) with a little room;
 * allocating the rejects array's first slot at arrival again (+32), or
 * giving the record its service fields, breaks it. */
static void waiting_contact_bytes(void **state)
{
    (void)state;
    world w;
    world_up(&w);
    wave(&w, "c%d", 10); /* the engine's own first arrays */
    int64_t base = w.a.live_bytes;
    enum { N = 8192 };
    char id[32];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "w%05d", i);
        arrive_one(&w, id);
    }
    double per = (double)(w.a.live_bytes - base) / N;
    print_message("engine bytes per waiting contact: %.1f\n", per);
    if (per > 412.0)
        fail_msg("%.1f engine bytes per waiting contact, more than 412", per);
    assert_oq_ok(w.e, oq_engine_check(w.e));
    oq_engine_destroy(w.e);
    assert_int_equal(w.a.live_bytes, 0);
}

/* ---- spare ext blocks (contact_life.c) ------------------------------------
 * What the checks below hold the pool to: a finished contact's ext block
 * is kept (at most 256, each with an exclusions array of at most 4 slots or
 * none), a failed call that took one gives it back where it was, a contact
 * that takes one finds nothing of its previous contact in it, and an engine
 * whose pool differs (a restored standby's is empty) does exactly the
 * same. */

/* An allocator that knows each block's size (in a header before it): a
 * free or grow naming another size than the block has is counted, so the
 * size the engine keeps for an exclusions array that came with a spare
 * block must be the array's. Failures and byte counts are test_alloc's. */
typedef struct sized_alloc {
    test_alloc a; /* first: snap_of lifts its failure point */
    int64_t wrong_size;
} sized_alloc;

enum { SIZED_HEAD = 16 };

static void *sized_fn(void *ptr, size_t old_size, size_t new_size, void *user)
{
    sized_alloc *s = user;
    unsigned char *base = ptr ? (unsigned char *)ptr - SIZED_HEAD : NULL;
    if (base) {
        size_t had;
        memcpy(&had, base, sizeof had);
        s->wrong_size += had != old_size;
    }
    unsigned char *p = test_alloc_fn(base, base ? old_size + SIZED_HEAD : 0,
                                     new_size ? new_size + SIZED_HEAD : 0, &s->a);
    if (!p)
        return NULL;
    memcpy(p, &new_size, sizeof new_size);
    return p + SIZED_HEAD;
}

/* Channel voice, queue q (offers time out after 10 s, misses keep an agent
 * away for 600 s, a deadline warns 5 s before), queue q2 beside it, agents
 * a0..a2; nobody logged in. */
static oq_engine *spares_engine(sized_alloc *s)
{
    oq_engine_options o;
    oq_engine_options_init(&o);
    o.alloc = sized_fn;
    o.alloc_user = s;
    oq_engine *e = NULL;
    assert_oq_ok(NULL, oq_engine_create(&o, &e));
    oq_channel_spec ch;
    oq_channel_spec_init(&ch);
    ch.id = "voice";
    assert_oq_ok(e, oq_channel_add(e, &ch));
    assert_oq_ok(e, oq_skill_add(e, "fr", 5));
    const char *queues[] = {"q", "q2"};
    for (int i = 0; i < 2; i++) {
        oq_queue_spec q;
        oq_queue_spec_init(&q);
        q.id = queues[i];
        q.offer_timeout_s = 10;
        q.retry_after_s = 600;
        q.deadline_warning_s = 5;
        assert_oq_ok(e, oq_queue_add(e, &q));
        assert_oq_ok(e, oq_queue_add_channel(e, 0, queues[i], "voice"));
    }
    assert_oq_ok(e, oq_agent_add(e, "a0", 100));
    assert_oq_ok(e, oq_agent_add(e, "a1", 100));
    assert_oq_ok(e, oq_agent_add(e, "a2", 100));
    return e;
}

static oq_status arrive_full(oq_engine *e, int64_t t, const char *id, const char *queue, int64_t deadline_ms,
                             const char *pref_agent)
{
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    cs.id = id;
    cs.queue = queue;
    cs.channel = "voice";
    cs.deadline_ms = deadline_ms;
    cs.preferred_agent = pref_agent;
    cs.preferred_wait_s = pref_agent ? 5 : 0;
    return oq_contact_arrive(e, t, &cs);
}

enum { SPARES_MAX = OQ_SPARE_CONTACTS_MAX };

/* The engine's spare ext blocks in order, checked: as many as it counts
 * (at most SPARES_MAX), each once, none a live contact's, each with no
 * exclusions array or one of at most 4 slots. */
static int32_t spare_blocks(const oq_engine *e, const oq_contact_ext **out)
{
    int32_t n = 0;
    for (const oq_contact_ext *x = e->spare_ext; x; x = oq__spare_ext_next(x)) {
        if (n >= SPARES_MAX)
            fail_msg("more than %d spare ext blocks (or a loop): the engine counts %d", SPARES_MAX, e->n_spare_ext);
        for (int32_t i = 0; i < n; i++)
            if (out[i] == x)
                fail_msg("spare ext block %d is block %d again", n, i);
        if (x->cap_rejects < 0 || x->cap_rejects > 4 || (x->rejects == NULL) != (x->cap_rejects == 0))
            fail_msg("spare ext block %d keeps an exclusions array of %d slots (%s)", n, x->cap_rejects,
                     x->rejects ? "allocated" : "none");
        out[n++] = x;
    }
    if (n != e->n_spare_ext)
        fail_msg("%d spare ext blocks listed, the engine counts %d", n, e->n_spare_ext);
    const oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));)
        for (int32_t i = 0; c->ext && i < n; i++)
            if (c->ext == out[i])
                fail_msg("contact '%s' holds spare ext block %d", c->id, i);
    return n;
}

static void assert_same_snap(snap_buf x, snap_buf y, const char *what)
{
    if (x.n != y.n || memcmp(x.p, y.p, x.n) != 0)
        fail_msg("%s (snapshots of %zu and %zu bytes)", what, x.n, y.n);
    free(x.p);
    free(y.p);
}

static const oq_contact *contact_of(const oq_engine *e, const char *id)
{
    const oq_contact *c = NULL;
    assert_oq_ok(e, oq__lookup_contact(e, "contact", id, &c));
    return c;
}

/* The agent the contact is offered to (it must be offered). */
static const char *offered_to(oq_engine *e, const char *id)
{
    const oq_contact *c = contact_of(e, id);
    if (c->state != OQ_CONTACT_OFFERED || !oq__c_agent(c))
        fail_msg("contact '%s' is %s, not offered", id, oq_contact_state_name(c->state));
    return oq__c_agent(c)->id;
}

/* A reused block carries nothing of its previous contact: that contact had
 * a deadline whose warning had fired, a preferred agent reserved, a
 * preferred skill and exclusions; and the pooled block is then scribbled
 * over (all but its link and exclusions array), as if its bytes were
 * anything. The contact that takes it has its own deadline or none, its
 * own preferred agent, no exclusion, no deadline timer - and an engine
 * restored from its snapshot writes the same snapshot. */
static void reused_ext_block_carries_nothing(void **state)
{
    (void)state;
    sized_alloc s = {0};
    oq_engine *e = spares_engine(&s);
    assert_oq_ok(e, oq_agent_login(e, 0, "a0", 1));
    assert_oq_ok(e, oq_agent_login(e, 0, "a1", 1));
    oq_contact_spec cs;
    oq_contact_spec_init(&cs);
    const char *fr = "fr";
    int32_t lvl = 1;
    cs.id = "old";
    cs.queue = "q";
    cs.channel = "voice";
    cs.deadline_ms = 20000;
    cs.preferred_agent = "a1";
    cs.preferred_wait_s = 60;
    cs.n_preferred = 1;
    cs.preferred_skills = &fr;
    cs.preferred_levels = &lvl;
    assert_oq_ok(e, oq_contact_arrive(e, 1000, &cs));
    assert_string_equal(offered_to(e, "old"), "a1");
    assert_oq_ok(e, oq_offer_reject(e, 2000, "old", "a1")); /* an exclusion; a0 gets it */
    assert_string_equal(offered_to(e, "old"), "a0");
    assert_oq_ok(e, oq_offer_reject(e, 3000, "old", "a0"));
    assert_oq_ok(e, oq_engine_advance(e, 16000)); /* the warning at 15 s */
    const oq_contact *old = contact_of(e, "old");
    assert_int_equal(old->deadline_stage, 1);
    assert_int_equal(old->ext->n_rejects, 2);
    assert_int_equal(old->ext->cap_rejects, 4);
    assert_oq_ok(e, oq_contact_remove(e, 16000, "old"));
    const oq_contact_ext *pool[SPARES_MAX];
    assert_int_equal(spare_blocks(e, pool), 1);
    oq_contact_ext *x = e->spare_ext, *link = oq__spare_ext_next(x);
    oq_exclusion *rejects = x->rejects;
    int32_t cap = x->cap_rejects;
    memset(x, 0xA5, sizeof *x);
    memset(rejects, 0xA5, (size_t)cap * sizeof *rejects);
    memcpy(&x->deadline, &link, sizeof link);
    x->rejects = rejects;
    x->cap_rejects = cap;

    /* No deadline: the block for its preferred agent (a2, not logged in). */
    assert_oq_ok(e, arrive_full(e, 17000, "new", "q", 0, "a2"));
    const oq_contact *c = contact_of(e, "new");
    if (c->ext != x)
        fail_msg("contact 'new' did not take the spare block (%p, not %p)", (void *)c->ext, (void *)x);
    assert_int_equal(spare_blocks(e, pool), 0);
    assert_int_equal(c->ext->deadline, 0);
    assert_int_equal(c->ext->n_rejects, 0);
    assert_int_equal(c->ext->cap_rejects, cap); /* its room only */
    assert_int_equal(c->ext->pref_hold, 0);
    assert_int_equal(c->ext->due_at, 0);
    assert_int_equal(c->ext->due_seq, 0);
    assert_int_equal(c->deadline_stage, 0);
    oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
    assert_oq_ok(e, oq_contact_get(e, "new", &ci));
    assert_int_equal(ci.deadline_ms, 0);
    assert_int_equal(ci.n_rejected, 0);
    assert_string_equal(ci.preferred_agent, "a2");
    assert_int_equal(ci.reserved_until_ms, 0); /* a2 is not ready: no reservation */
    assert_oq_ok(e, oq_engine_check(e));
    /* a0 and a1 missed 'old', not 'new': it is offered at once. */
    assert_oq_ok(e, oq_agent_login(e, 17000, "a2", 0));
    assert_int_equal(c->state, OQ_CONTACT_OFFERED);
    assert_oq_ok(e, oq_engine_check(e));
    assert_oq_ok(e, oq_contact_remove(e, 18000, "new"));

    /* A deadline: its own, its warning and breach at their times. */
    x = e->spare_ext;
    assert_non_null(x);
    memset(x->rejects, 0xA5, (size_t)x->cap_rejects * sizeof *x->rejects);
    x->pref_hold = 0xFFFFFFFFu;
    x->pref_until = INT64_MAX;
    x->due_at = 19000;
    x->due_seq = 1;
    assert_oq_ok(e, oq_agent_logout(e, 18000, "a0"));
    assert_oq_ok(e, oq_agent_logout(e, 18000, "a1"));
    assert_oq_ok(e, oq_agent_logout(e, 18000, "a2"));
    assert_oq_ok(e, arrive_full(e, 18000, "dl", "q", 40000, NULL));
    c = contact_of(e, "dl");
    assert_ptr_equal(c->ext, x);
    assert_int_equal(c->ext->deadline, 40000);
    assert_int_equal(c->ext->pref_until, 0);
    assert_int_equal(c->ext->pref_hold, 0);
    assert_int_equal(c->ext->pref_agent_idx, -1);
    assert_int_equal(c->ext->n_rejects, 0);
    int64_t next = 0;
    assert_oq_ok(e, oq_engine_next_deadline(e, &next));
    assert_int_equal(next, 35000); /* the warning, 5 s before */
    assert_oq_ok(e, oq_engine_check(e));
    snap_buf a = snap_of(e, &s.a);
    oq_engine *r = NULL;
    oq_error err = OQ_ERROR_INIT;
    assert_oq_ok_err(&err, oq_engine_restore_buffer(NULL, a.p, a.n, &r, &err));
    assert_same_snap(a, snap_of(r, NULL), "snapshot -> restore -> snapshot differs after a reused block");
    oq_engine_destroy(r);
    assert_oq_ok(e, oq_engine_advance(e, 40000));
    assert_int_equal(c->deadline_stage, 2);
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    assert_int_equal(s.a.live_bytes, 0);
    assert_int_equal(s.wrong_size, 0);
}

/* More blocks given back than are kept: 256 stay, each with at most 4
 * exclusion slots - contacts missed by one agent (2 slots), two or three
 * (4) and four (8: the array is dropped) - the rest freed; the next
 * arrivals take them all, then allocate; and every block and array is
 * freed with its size. */
static void spare_ext_blocks_are_bounded(void **state)
{
    (void)state;
    sized_alloc s = {0};
    oq_engine *e = spares_engine(&s);
    assert_oq_ok(e, oq_agent_add(e, "a3", 100));
    enum { G = 60, N = 4 * G, EXTRA = 40 };
    char id[16];
    for (int i = 0; i < N + EXTRA; i++) { /* b<N> on: past the bound */
        snprintf(id, sizeof id, "b%d", i);
        assert_oq_ok(e, arrive_full(e, 1000, id, "q", 500000, NULL));
    }
    const char *agents[] = {"a0", "a1", "a2", "a3"};
    const int32_t slots_then[] = {2, 4, 4, 8};
    int64_t t = 1000;
    for (int k = 0; k < 4; k++) {
        /* Agent k misses every contact left (those before it, still ready,
         * missed them all), then a group leaves. */
        assert_oq_ok(e, oq_agent_login(e, t, agents[k], 1));
        oq_agent *a = NULL;
        assert_oq_ok(e, oq__find_agent(e, "agent", agents[k], &a));
        int32_t missed = 0;
        for (; a->held; missed++) {
            snprintf(id, sizeof id, "%s", a->held->id);
            assert_oq_ok(e, oq_offer_reject(e, t, id, agents[k]));
        }
        assert_int_equal(missed, N + EXTRA - G * k);
        for (int i = k; i < N; i += 4) {
            snprintf(id, sizeof id, "b%d", i);
            const oq_contact *c = contact_of(e, id);
            assert_int_equal(c->ext->n_rejects, k + 1);
            assert_int_equal(c->ext->cap_rejects, slots_then[k]);
            assert_oq_ok(e, oq_contact_remove(e, t, id));
        }
        assert_oq_ok(e, oq_engine_check(e));
    }
    for (int i = N; i < N + EXTRA; i++) {
        snprintf(id, sizeof id, "b%d", i);
        assert_int_equal(contact_of(e, id)->ext->cap_rejects, 8);
        assert_oq_ok(e, oq_contact_remove(e, t, id));
    }
    const oq_contact_ext *pool[SPARES_MAX];
    assert_int_equal(spare_blocks(e, pool), SPARES_MAX);
    int32_t slots[5] = {0};
    for (int32_t i = 0; i < SPARES_MAX; i++)
        slots[pool[i]->cap_rejects]++;
    print_message("spare ext blocks: %d without an array, %d with 2 slots, %d with 4\n", slots[0], slots[2],
                  slots[4]);
    assert_int_equal(slots[2], G);
    assert_int_equal(slots[4], 2 * G);
    assert_int_equal(slots[0], SPARES_MAX - 3 * G); /* their arrays dropped */
    int64_t allocs = s.a.n_allocs;
    for (int i = 0; i < N + EXTRA; i++) {
        snprintf(id, sizeof id, "n%d", i);
        assert_oq_ok(e, arrive_full(e, t, id, "q", 600000, NULL));
        const oq_contact *c = contact_of(e, id);
        assert_int_equal(c->ext->n_rejects, 0);
        assert_int_equal(c->ext->deadline, 600000);
    }
    assert_int_equal(spare_blocks(e, pool), 0);
    print_message("%d arrivals with a deadline then: %lld allocations\n", N + EXTRA,
                  (long long)(s.a.n_allocs - allocs));
    assert_oq_ok(e, oq_engine_check(e));
    oq_engine_destroy(e);
    assert_int_equal(s.a.live_bytes, 0);
    assert_int_equal(s.wrong_size, 0);
}

/* The calls that take a spare ext block (or make one) and can then fail
 * for memory: an arrival with a deadline, a reject, a park with an owner,
 * a transfer to an agent. Failing each of their allocations in turn (one,
 * or that one and all after it) with the pool empty, its first block
 * without an exclusions array or with one: a failed call leaves the
 * engine's snapshot as it was and the pool as it was (the block it took
 * back in its place, with its array), or - the pool empty - one block it
 * made; a call that succeeds leaves a sound pool and engine. */
enum { OP_ARRIVE, OP_REJECT, OP_PARK, OP_TO_AGENT, N_OPS };

static oq_status spare_op(oq_engine *e, int op)
{
    switch (op) {
    case OP_ARRIVE: return arrive_full(e, 6000, "c", "q", 90000, NULL);
    case OP_REJECT: return oq_offer_reject(e, 6000, "c", "a1");
    case OP_PARK: return oq_contact_park(e, 6000, "c", "later");
    default: return oq_contact_transfer_to_agent(e, 6000, "c", "a0", 5);
    }
}

static void failed_calls_give_the_spare_block_back(void **state)
{
    (void)state;
    static const char *const ops[] = {"arrival with a deadline", "reject", "park", "transfer to an agent"};
    for (int op = 0; op < N_OPS; op++)
        for (int pool = 0; pool < 3; pool++) /* empty; first block without an array; first with one */
            for (int all = 0; all <= 1; all++)
                for (int64_t k = 1;; k++) {
                    sized_alloc s = {0};
                    oq_engine *e = spares_engine(&s);
                    assert_oq_ok(e, oq_agent_login(e, 1000, "a1", 1));
                    if (pool) {
                        /* 'r' rejected by a1 (an array of 2), 'd' with a deadline (none). */
                        assert_oq_ok(e, arrive_full(e, 2000, "r", "q", 0, NULL));
                        assert_oq_ok(e, oq_offer_reject(e, 3000, "r", "a1"));
                        assert_oq_ok(e, arrive_full(e, 4000, "d", "q", 50000, NULL));
                        assert_oq_ok(e, oq_contact_remove(e, 5000, pool == 1 ? "r" : "d"));
                        assert_oq_ok(e, oq_contact_remove(e, 5000, pool == 1 ? "d" : "r"));
                    }
                    if (op == OP_ARRIVE) /* four waiting: the lane grows for 'c' after its block is taken */
                        for (int i = 0; i < 4; i++) {
                            char id[8];
                            snprintf(id, sizeof id, "f%d", i);
                            assert_oq_ok(e, arrive_full(e, 5500, id, "q", 0, NULL));
                        }
                    if (op != OP_ARRIVE) { /* 'c' offered to a1, no ext block */
                        assert_oq_ok(e, arrive_full(e, 6000, "c", "q", 0, NULL));
                        assert_string_equal(offered_to(e, "c"), "a1");
                        assert_null(contact_of(e, "c")->ext);
                    }
                    assert_oq_ok(e, oq_engine_advance(e, 6000));
                    const oq_contact_ext *before[SPARES_MAX], *after[SPARES_MAX];
                    int32_t caps[SPARES_MAX];
                    int32_t n0 = spare_blocks(e, before);
                    for (int32_t i = 0; i < n0; i++)
                        caps[i] = before[i]->cap_rejects;
                    snap_buf s0 = snap_of(e, &s.a);
                    s.a.fail_at = s.a.n_allocs + k;
                    s.a.fail_all = all;
                    s.a.n_failed = 0;
                    oq_status st = spare_op(e, op);
                    s.a.fail_at = 0;
                    s.a.fail_all = 0;
                    int32_t n1 = spare_blocks(e, after);
                    if (st == OQ_ENOMEM) {
                        if (!strstr(oq_engine_last_error(e), "memory"))
                            fail_msg("%s: %s without saying so: %s", ops[op], oq_status_name(st),
                                     oq_engine_last_error(e));
                        char what[160];
                        snprintf(what, sizeof what, "%s failing allocation %lld%s (%s, pool %d) changed the engine",
                                 ops[op], (long long)k, all ? " and after" : "", oq_status_name(st), pool);
                        assert_same_snap(s0, snap_of(e, &s.a), what);
                        if (n0 > 0 ? n1 != n0 : n1 > 1)
                            fail_msg("%s: %s left %d spare ext blocks of %d", ops[op], oq_status_name(st), n1, n0);
                        for (int32_t i = 0; i < n0; i++)
                            if (after[i] != before[i] || after[i]->cap_rejects != caps[i])
                                fail_msg("%s: %s: spare block %d is not as it was (%d slots, %d before)", ops[op],
                                         oq_status_name(st), i, after[i]->cap_rejects, caps[i]);
                    } else {
                        free(s0.p);
                        assert_oq_ok(e, st);
                        if (op == OP_ARRIVE) {
                            oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
                            assert_oq_ok(e, oq_contact_get(e, "c", &ci));
                            assert_int_equal(ci.deadline_ms, 90000);
                            assert_int_equal(n1, n0 > 0 ? n0 - 1 : 0);
                        }
                    }
                    assert_oq_ok(e, oq_engine_check(e));
                    /* And on: the contact's life goes on as the engine's. */
                    if (contact_state(e, "c") >= 0)
                        assert_oq_ok(e, oq_contact_remove(e, 6500, "c"));
                    assert_oq_ok(e, arrive_full(e, 7000, "after", "q", 99000, NULL));
                    assert_oq_ok(e, oq_engine_check(e));
                    int64_t failed = s.a.n_failed;
                    oq_engine_destroy(e);
                    if (s.a.live_bytes != 0 || s.wrong_size != 0)
                        fail_msg("%s, allocation %lld failing: %lld bytes left, %lld frees of the wrong size",
                                 ops[op], (long long)k, (long long)s.a.live_bytes, (long long)s.wrong_size);
                    if (failed == 0)
                        break; /* past the call's last allocation */
                    assert_true(k < 64);
                }
}

/* A standby whose spare blocks differ from the primary's - restored from
 * the primary's snapshot, its pool is empty; or the other way round - sees
 * the same calls through the journal and stays the same engine byte for
 * byte, also when the primary's time-outs find no memory (every other
 * step, or always) and its contacts' exclusions arrays came from the pool
 * with other room (none, 2 or 3 slots) than the standby's. The contacts' deadlines go through
 * warnings, a transfer, a park and a reopen on the way. */
static void journal_apply(const oq_journal_record *r, void *user)
{
    assert_oq_ok_e(oq_journal_apply, (oq_engine *)user, r->data, r->len);
}

static void assert_twins(oq_engine *p, sized_alloc *sp, oq_engine *r, const char *when)
{
    assert_oq_ok(p, oq_engine_check(p));
    assert_oq_ok(r, oq_engine_check(r));
    char what[160];
    snprintf(what, sizeof what, "the journal-fed standby differs from the primary %s", when);
    assert_same_snap(snap_of(p, &sp->a), snap_of(r, NULL), what);
}

static void standby_with_other_spare_blocks(void **state)
{
    (void)state;
    for (int run = 0; run < 4; run++) {
        int restored_primary = run & 1, short_always = run >> 1;
        /* Engine b: 'z' missed by a0 and a1 (2 exclusions in 4 slots). */
        sized_alloc sb = {0}, s1 = {0}, s2 = {0};
        oq_engine *b = spares_engine(&sb);
        assert_oq_ok(b, oq_agent_login(b, 1000, "a0", 1));
        assert_oq_ok(b, oq_agent_login(b, 1000, "a1", 1));
        assert_oq_ok(b, arrive_full(b, 2000, "z", "q", 0, NULL));
        assert_oq_ok(b, oq_offer_reject(b, 3000, "z", offered_to(b, "z")));
        assert_oq_ok(b, oq_offer_reject(b, 3000, "z", offered_to(b, "z")));
        oq_engine_options o;
        oq_engine_options_init(&o);
        o.alloc = sized_fn;
        o.alloc_user = &s1;
        /* x: restored from b ('z' with 2 exclusions in 3 slots); it gives
         * 'z' and two others to its pool: slots 3, 2 and none. */
        snap_buf sn = snap_of(b, &sb.a);
        oq_engine *x = NULL;
        assert_oq_ok_e(oq_engine_restore_buffer, &o, sn.p, sn.n, &x);
        free(sn.p);
        assert_int_equal(contact_of(x, "z")->ext->cap_rejects, 3);
        assert_oq_ok(x, arrive_full(x, 4000, "y", "q", 0, NULL)); /* offered: z waits, missed by both */
        assert_oq_ok(x, oq_offer_reject(x, 5000, "y", offered_to(x, "y")));
        assert_int_equal(contact_of(x, "y")->ext->cap_rejects, 2);
        assert_oq_ok(x, arrive_full(x, 6000, "w", "q", 70000, NULL));
        assert_oq_ok(x, oq_contact_remove(x, 7000, "y"));
        assert_oq_ok(x, oq_contact_remove(x, 7000, "z"));
        assert_oq_ok(x, oq_contact_remove(x, 7000, "w"));
        const oq_contact_ext *pool[SPARES_MAX];
        assert_int_equal(spare_blocks(x, pool), 3);
        assert_int_equal(pool[0]->cap_rejects, 0);
        assert_int_equal(pool[1]->cap_rejects, 3);
        assert_int_equal(pool[2]->cap_rejects, 2);
        /* y: restored from x, no spare block. */
        o.alloc_user = &s2;
        sn = snap_of(x, &s1.a);
        oq_engine *y = NULL;
        assert_oq_ok_e(oq_engine_restore_buffer, &o, sn.p, sn.n, &y);
        free(sn.p);
        assert_int_equal(y->n_spare_ext, 0);
        oq_engine *p = restored_primary ? y : x, *r = restored_primary ? x : y;
        sized_alloc *sp = restored_primary ? &s2 : &s1;
        assert_oq_ok(p, oq_engine_set_journal(p, journal_apply, r));
        assert_twins(p, sp, r, "at the start");
        /* Three contacts with deadlines take x's spare blocks (slots 0, 3, 2). */
        assert_oq_ok(p, oq_agent_login(p, 8000, "a2", 1));
        assert_oq_ok(p, arrive_full(p, 8000, "c1", "q", 200000, NULL));
        assert_oq_ok(p, arrive_full(p, 8000, "c2", "q", 230000, NULL));
        assert_oq_ok(p, arrive_full(p, 8000, "c3", "q", 260000, NULL));
        assert_twins(p, sp, r, "after the arrivals");
        /* Time-outs every 10 s: memory short for the primary every other
         * step, so its exclusions are kept or forgotten by its own room -
         * the same on the standby, whatever room it has. */
        int64_t t = 8000;
        for (int i = 0; i < 12; i++) {
            t += 10000;
            char when[64];
            snprintf(when, sizeof when, "after the time-outs to %lld ms", (long long)t);
            if (short_always || i % 2 == 1) {
                sp->a.fail_at = sp->a.n_allocs + 1;
                sp->a.fail_all = 1;
            }
            assert_oq_ok(p, oq_engine_advance(p, t));
            sp->a.fail_at = 0;
            sp->a.fail_all = 0;
            assert_twins(p, sp, r, when);
            if (i == 3) { /* c1 to q2 with its deadline, c2 parked */
                assert_oq_ok(p, oq_contact_transfer(p, t, "c1", "q2"));
                assert_oq_ok(p, oq_contact_park(p, t, "c2", "later"));
                assert_twins(p, sp, r, "after a transfer and a park");
            }
            if (i == 7) {
                oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info);
                assert_oq_ok(p, oq_contact_get(p, "c2", &ci));
                int64_t dl = ci.deadline_ms;
                assert_oq_ok(p, oq_contact_reopen(p, t, "c2", "q", 0));
                assert_oq_ok(p, oq_contact_get(p, "c2", &ci));
                assert_int_equal(ci.deadline_ms, dl + 40000); /* parked 40 s: moved that much */
                assert_twins(p, sp, r, "after a reopen");
            }
        }
        int32_t n_ex = 0;
        const char *ids[] = {"c1", "c2", "c3"};
        for (int i = 0; i < 3; i++)
            if (contact_state(p, ids[i]) >= 0) {
                oq_contact_info ci = OQ_OUTPUT_INIT(oq_contact_info), cr = OQ_OUTPUT_INIT(oq_contact_info);
                assert_oq_ok(p, oq_contact_get(p, ids[i], &ci));
                assert_oq_ok(r, oq_contact_get(r, ids[i], &cr));
                assert_int_equal(ci.deadline_ms, cr.deadline_ms);
                assert_int_equal(ci.n_rejected, cr.n_rejected);
                n_ex += ci.n_rejected;
            }
        print_message("restored primary %d, memory short %s: %d exclusions held at the end\n", restored_primary,
                      short_always ? "always" : "every other step", n_ex);
        if (!short_always)
            assert_true(n_ex > 0);
        for (int i = 0; i < 3; i++)
            if (contact_state(p, ids[i]) >= 0)
                assert_oq_ok(p, oq_contact_remove(p, t, ids[i]));
        assert_twins(p, sp, r, "at the end");
        spare_blocks(x, pool);
        spare_blocks(y, pool);
        oq_engine_destroy(b);
        oq_engine_destroy(x);
        oq_engine_destroy(y);
        assert_int_equal(sb.a.live_bytes + s1.a.live_bytes + s2.a.live_bytes, 0);
        assert_int_equal(sb.wrong_size + s1.wrong_size + s2.wrong_size, 0);
    }
}

/* oq_engine_check verifies the spare pools: a count that lies, a block
 * kept by the pool and a live contact at once, a kept array over the
 * bound, each is reported (OQ_ECORRUPT, naming it) and the engine passes
 * again once mended. */
static void check_sees_a_broken_spare_pool(void **state)
{
    (void)state;
    sized_alloc s = {0};
    oq_engine *e = spares_engine(&s);
    assert_oq_ok(e, arrive_full(e, 1000, "gone", "q", 500000, NULL));
    assert_oq_ok(e, arrive_full(e, 1000, "gone2", "q", 500000, NULL));
    assert_oq_ok(e, oq_contact_remove(e, 2000, "gone"));
    assert_oq_ok(e, oq_contact_remove(e, 2000, "gone2"));
    assert_oq_ok(e, arrive_full(e, 3000, "live", "q", 500000, NULL)); /* takes one of the two */
    assert_int_equal(e->n_spare_ext, 1);
    assert_oq_ok(e, oq_engine_check(e));

    static const struct {
        const char *what, *says;
    } cases[] = {{"a count one too high", "spare ext blocks, counted"},
                 {"a spare record count one too high", "spare contact records, counted"},
                 {"a live contact holding the spare block", "also a spare one"},
                 {"a spare block keeping 8 exclusion slots", "exclusion slots"}};
    oq_contact *live = NULL;
    assert_oq_ok(e, oq__find_contact(e, "contact", "live", &live));
    for (int k = 0; k < 4; k++) {
        oq_contact_ext *mine = live->ext;
        int32_t cap = e->spare_ext->cap_rejects;
        if (k == 0)
            e->n_spare_ext++;
        else if (k == 1)
            e->n_spare_contacts++;
        else if (k == 2)
            live->ext = e->spare_ext;
        else
            e->spare_ext->cap_rejects = 8;
        oq_status st = oq_engine_check(e);
        const char *msg = oq_engine_last_error(e);
        if (st != OQ_ECORRUPT || !strstr(msg, cases[k].says))
            fail_msg("%s: oq_engine_check returned %s (%s), expected corrupt naming '%s'", cases[k].what,
                     oq_status_str(st), msg, cases[k].says);
        if (k == 0)
            e->n_spare_ext--;
        else if (k == 1)
            e->n_spare_contacts--;
        else if (k == 2)
            live->ext = mine;
        else
            e->spare_ext->cap_rejects = cap;
        assert_oq_ok(e, oq_engine_check(e));
    }
    oq_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_wave_reuses_the_records),
        cmocka_unit_test(spares_are_bounded),
        cmocka_unit_test(reused_records_carry_no_ext_block),
        cmocka_unit_test(failed_arrival_keeps_the_spare),
        cmocka_unit_test(waiting_contact_bytes),
        cmocka_unit_test(reused_ext_block_carries_nothing),
        cmocka_unit_test(spare_ext_blocks_are_bounded),
        cmocka_unit_test(failed_calls_give_the_spare_block_back),
        cmocka_unit_test(standby_with_other_spare_blocks),
        cmocka_unit_test(check_sees_a_broken_spare_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
