/* SPDX-License-Identifier: MIT */
/* Forged snapshots with a valid checksum: a counter out of the range of the
 * structure it indexes, a derived field that disagrees with its source (a
 * member's profile delay, an agent blocked with no wake-up timer, reference
 * counts, the statistics lists, exclusions after missed offers, reservations
 * for named agents, the last-agent records ...). Each forgery is made by changing one
 * field of a restored copy of a rich engine and writing its snapshot (so the
 * CRC is right); restoring it must give OQ_ECORRUPT naming what is wrong —
 * never an engine that passes oq_engine_check and crashes or strands work
 * later. A control run drives an unforged copy through the same workload
 * (more routing, a day of time, removing every catalog object), which must
 * stay sound throughout. */
#include "snapshot_world.h"
#include "core/codec.h"
#include "stats/internal.h"
#include "assert_oq.h"

/* Restore buf; *st receives the status and *err (may be NULL) why it failed. */
static oq_engine *restore(const void *buf, size_t len, oq_status *st, oq_error *err)
{
    oq_engine_options o;
    w_options(&o, NULL, NULL);
    oq_engine *r = NULL;
    *st = oq_engine_restore_buffer(&o, buf, len, &r, err);
    return r;
}

static void check_ok(oq_engine *e, const char *when)
{
    oq_status st = oq_engine_check(e);
    if (st != OQ_OK)
        fprintf(stderr, "%s: %s\n", when, oq_engine_last_error(e));
    assert_oq_ok(NULL, st);
}

/* More routing, a day passing, and every catalog object removed if the
 * engine lets it: the engine must stay sound (checked after every step). */
static void drive(oq_engine *e, wstream s)
{
    for (int i = 0; i < 600; i++) {
        w_step(e, &e, 1, &s);
        check_ok(e, "after a random action");
    }
    int64_t now;
    oq_engine_now(e, &now);
    for (int h = 1; h <= 24; h++) {
        assert_oq_ok(e, oq_engine_advance(e, now + h * 3600000LL));
        check_ok(e, "after an hour");
    }
    static const char *const skills[] = {"s0", "s1", "s2"}, *const groups[] = {"g0", "g1"},
                             *const profiles[] = {"p0", "p1"},
                             *const queues[] = {"q0", "q1", "q2", "q3"},
                             *const channels[] = {"voice", "chat", "email"};
    for (int i = 0; i < 4; i++) {
        (void)oq_queue_remove(e, queues[i]);
        check_ok(e, "after removing a queue");
    }
    for (int i = 0; i < 2; i++) {
        (void)oq_profile_remove(e, profiles[i]);
        (void)oq_group_remove(e, groups[i]);
        check_ok(e, "after removing a profile and a group");
    }
    for (int i = 0; i < 3; i++) {
        (void)oq_skill_remove(e, skills[i]);
        (void)oq_channel_remove(e, channels[i]);
        check_ok(e, "after removing a skill and a channel");
    }
    size_t n;
    void *buf = w_snap(e, &n);
    oq_status st;
    oq_error err = OQ_ERROR_INIT;
    oq_engine *r = restore(buf, n, &st, &err);
    assert_oq_ok_err(&err, st);
    oq_engine_destroy(r);
    oq_free(buf);
}

/* ---- finding things to forge ----------------------------------------------- */

static oq_agent *agent_named(oq_engine *e, const char *id) { return oq__idtable_get(&e->agent_ids, id); }
static oq_queue *queue_named(oq_engine *e, const char *id) { return oq__idmap_get(&e->queue_ids, id); }

static oq_member *member_with_delay(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++)
        for (int32_t k = 0; e->agents[i] && k < e->agents[i]->n_members; k++)
            if (e->agents[i]->members[k]->delay_ms > 0)
                return e->agents[i]->members[k];
    return NULL;
}

static oq_member *member_of_profile(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++)
        for (int32_t k = 0; e->agents[i] && k < e->agents[i]->n_members; k++)
            if (e->agents[i]->members[k]->profile_priority > 0)
                return e->agents[i]->members[k];
    return NULL;
}

static oq_contact *contact_where(oq_engine *e, int (*pred)(const oq_contact *))
{
    oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (pred(c))
            return c;
    }
    return NULL;
}

static int waiting_with_timer(const oq_contact *c)
{
    return c->state == OQ_CONTACT_QUEUED && oq__ctimer_kind(c, OQ_CT_WAIT) == OQ_TIMER_WAIT;
}

static int with_deadline_timer(const oq_contact *c) { return oq__ctimer_kind(c, OQ_CT_DUE) != OQ_TIMER_NONE; }
static int offered(const oq_contact *c) { return c->state == OQ_CONTACT_OFFERED; }
static int with_record(const oq_contact *c) { return c->stats_rec > 0; }

/* ---- the forgeries ------------------------------------------------------------- */

/* Each changes one thing in a restored copy; returns 0 if the world had no
 * such thing to change (the test then fails: it must exercise each). */
static int f_stats_closed_negative(oq_engine *e) { e->stats->closed = -1; return 1; }
static int f_stats_attribution_unknown(oq_engine *e) { e->stats->opt.attribution = 2; return 1; }
static int f_stats_closed_beyond(oq_engine *e) { e->stats->closed = (int64_t)1 << 62 | 5; return 1; }
static int f_stats_emitted_beyond(oq_engine *e) { e->stats->emitted = e->stats->closed + 3; return 1; }

static int f_stats_ring_slot(oq_engine *e)
{
    oq_stats *S = e->stats;
    if (S->closed < 2 || S->opt.ring_size < 2)
        return 0;
    S->center->ring[0].number = 1; /* interval 1 belongs in slot 1 */
    return 1;
}

static int f_stats_timer_gone(oq_engine *e)
{
    if (!e->stats->timer_on || e->stats->timer.pos < 0)
        return 0;
    oq__timer_cancel(e, &e->stats->timer);
    return 1;
}

static int f_stats_list_count(oq_engine *e)
{
    e->stats->center->live.n += 1;
    return 1;
}

static int f_stats_list_head(oq_engine *e)
{
    oq_stats *S = e->stats;
    /* point the center's waiting list at a free record */
    for (int32_t i = 1; i < S->cap_recs; i++)
        if (!oq__srec_live(oq__srec(S, i))) { /* a restored engine: every slot allocated */
            S->center->wait.head = i;
            return 1;
        }
    return 0;
}

static int f_stats_free_loop(oq_engine *e)
{
    oq_stats *S = e->stats;
    if (!S->free_rec)
        return 0;
    oq__srec_set_free(oq__srec(S, S->free_rec), S->free_rec);
    return 1;
}

static int f_stats_record_agent(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c || !c->stats_rec)
        return 0;
    oq_srec *r = oq__srec(e->stats, c->stats_rec);
    r->agent = r->agent == 0 ? 1 : 0;
    return 1;
}

static int f_stats_record_queue(oq_engine *e)
{
    oq_contact *c = contact_where(e, with_record);
    if (!c)
        return 0;
    oq_srec *r = oq__srec(e->stats, c->stats_rec);
    r->in &= ~(1u << L_CELIVE); /* still linked, but says it is not */
    return 1;
}

static int f_stats_agent_load(oq_engine *e)
{
    for (int32_t i = 0; i < e->stats->cap_agents; i++)
        if (e->stats->agents[i]) {
            e->stats->agents[i]->used += 30;
            return 1;
        }
    return 0;
}

static int f_stats_agents_in(oq_engine *e)
{
    e->stats->agents_in[OQ_AGENT_READY] += 2;
    return 1;
}

static int f_agent_blocked_without_timer(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        if (!a || a->presence != OQ_AGENT_READY || a->timer.pos >= 0 || a->max_per_window)
            continue;
        a->blocked_until = e->now + 60000;
        oq__agent_reindex(e, a); /* out of its lanes, as a blocked agent is */
        return 1;
    }
    return 0;
}

static int f_agent_timer_late(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        if (!a || a->presence != OQ_AGENT_READY || a->timer.pos >= 0 || a->max_per_window)
            continue;
        a->blocked_until = e->now + 60000;
        oq__agent_reindex(e, a);
        oq__timer_arm(e, &a->timer, e->now + 3600000, OQ_TIMER_AGENT); /* wakes an hour late */
        return 1;
    }
    return 0;
}

static int f_member_delay(oq_engine *e)
{
    oq_member *m = member_with_delay(e);
    if (!m)
        return 0;
    m->delay_ms += 3000000;
    return 1;
}

static int f_member_priority(oq_engine *e)
{
    oq_member *m = member_of_profile(e);
    if (!m)
        return 0;
    m->profile_priority += 7;
    return 1;
}

static int f_member_scores(oq_engine *e)
{
    oq_queue *q = queue_named(e, "q1"); /* prefers s1 */
    if (!q || q->n_members == 0)
        return 0;
    q->members[0]->skill_score += 4;
    return 1;
}

static int f_member_tier(oq_engine *e)
{
    oq_queue *q = queue_named(e, "q0"); /* a ladder lowers s0: several tiers */
    for (int32_t i = 0; q && i < q->n_members; i++) {
        oq_member *m = q->members[i];
        if (m->first_tier + 1 < q->n_tiers) {
            oq__member_account(m, -1);
            m->first_tier++;
            oq__member_account(m, +1); /* keep the queue's tier counts consistent with it */
            return 1;
        }
    }
    return 0;
}

static int f_queue_delays(oq_engine *e)
{
    oq_member *m = member_with_delay(e);
    if (!m)
        return 0;
    m->queue->n_delays = 0;
    return 1;
}

static int f_queue_staffed(oq_engine *e)
{
    queue_named(e, "q1")->staffed[0] += 1;
    return 1;
}

static int f_queue_counts(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c)
        return 0;
    c->queue->n_offered += 1;
    return 1;
}

static int f_skill_refs(oq_engine *e)
{
    oq_skill *s = oq__idmap_get(&e->skill_ids, "s0");
    s->refs = 0;
    return 1;
}

static int f_group_refs(oq_engine *e)
{
    oq_group *g = oq__idmap_get(&e->group_ids, "g1");
    g->refs = 0;
    return 1;
}

static int f_profile_refs(oq_engine *e)
{
    oq_profile *p = oq__idmap_get(&e->profile_ids, "p1");
    p->refs = 0;
    return 1;
}

static int f_queue_refs(oq_engine *e)
{
    queue_named(e, "q2")->refs = 0; /* q0's limit and p1 name it */
    return 1;
}

static int f_channel_queues(oq_engine *e)
{
    oq_channel *c = oq__idmap_get(&e->channel_ids, "voice");
    c->n_queues = 0;
    return 1;
}

static int f_channel_contacts(oq_engine *e)
{
    oq_channel *c = oq__idmap_get(&e->channel_ids, "email");
    c->n_contacts = 0;
    return 1;
}

static int f_agent_profile(oq_engine *e)
{
    oq_agent *a = agent_named(e, "a1"); /* in g1: p1 is in force */
    if (!a || a->eff_profile < 0)
        return 0;
    a->eff_profile = -1;
    return 1;
}

static int f_agent_idle_measure(oq_engine *e)
{
    oq_agent *a = agent_named(e, "a3"); /* p0: idle time by inbound work */
    if (!a || !a->idle_inbound)
        return 0;
    a->idle_inbound = 0;
    return 1;
}

static int f_blend_count(oq_engine *e)
{
    e->n_sl_blend = 0;
    return 1;
}

static int f_contact_wait_timer(oq_engine *e)
{
    oq_contact *c = contact_where(e, waiting_with_timer);
    if (!c)
        return 0;
    oq__ctimer_cancel(e, c, OQ_CT_WAIT);
    return 1;
}

static int f_contact_deadline_timer(oq_engine *e)
{
    oq_contact *c = contact_where(e, with_deadline_timer);
    if (!c)
        return 0;
    oq__ctimer_cancel(e, c, OQ_CT_DUE);
    return 1;
}

static int f_contact_offer_timer_kind(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c || oq__ctimer_kind(c, OQ_CT_SERVICE) == OQ_TIMER_NONE)
        return 0;
    oq__ctimer_arm(e, c, OQ_CT_SERVICE, c->svc->t_due, OQ_TIMER_WRAPUP); /* an offer that "ends wrap-up" */
    return 1;
}

static int f_contact_arrived_later(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c)
        return 0;
    c->arrived = e->now + 5000;
    return 1;
}

static int f_contact_seq_wraps(oq_engine *e)
{
    e->next_contact_seq = UINT64_MAX; /* the next contact would be numbered 0, then wrap */
    return 1;
}

static int f_journal_seq_zero(oq_engine *e)
{
    e->journal_seq = 0;
    return 1;
}

/* A contact holding an exclusion of an agent still there in the presence it
 * missed in; its index in *k. */
static oq_contact *contact_with_exclusion(oq_engine *e, int32_t *k)
{
    oq_contact *c;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        for (int32_t j = 0; c->ext && j < c->ext->n_rejects; j++) {
            const oq_exclusion *x = &c->ext->rejects[j];
            const oq_agent *a = x->agent < e->n_agents ? e->agents[x->agent] : NULL;
            if (a && a->seq == x->agent_seq && a->presence_gen == x->gen) {
                *k = j;
                return c;
            }
        }
    }
    return NULL;
}

static int f_exclusion_future_presence(oq_engine *e)
{
    int32_t k;
    oq_contact *c = contact_with_exclusion(e, &k);
    if (!c)
        return 0;
    c->ext->rejects[k].gen++; /* comes to life at the agent's next presence change */
    return 1;
}

static int f_exclusion_twice(oq_engine *e)
{
    int32_t k;
    oq_contact *c = contact_with_exclusion(e, &k);
    if (!c || c->ext->n_rejects >= c->ext->cap_rejects)
        return 0;
    c->ext->rejects[c->ext->n_rejects++] = c->ext->rejects[k];
    return 1;
}

static int f_exclusion_no_agent(oq_engine *e)
{
    int32_t k;
    oq_contact *c = contact_with_exclusion(e, &k);
    if (!c)
        return 0;
    c->ext->rejects[k].agent_seq = e->next_agent_seq + 3; /* an agent not created yet */
    return 1;
}

static int queued_with_preferred(const oq_contact *c)
{
    return c->state == OQ_CONTACT_QUEUED && c->ext && c->ext->pref_agent_idx >= 0;
}

static int f_reserved_for_unready_agent(oq_engine *e)
{
    oq_contact *c = contact_where(e, queued_with_preferred);
    oq_agent *a = NULL;
    for (int32_t i = 0; i < e->n_agents && !a; i++)
        if (e->agents[i] && e->agents[i]->presence != OQ_AGENT_READY)
            a = e->agents[i];
    if (!c || !a)
        return 0;
    c->ext->pref_agent_idx = a->idx;
    c->ext->pref_agent_seq = a->seq;
    c->ext->pref_until = e->now + 60000;
    return 1;
}

static int f_last_agents_beyond_bound(oq_engine *e)
{
    if (e->served.count < 2)
        return 0;
    e->last_agent_max = e->served.count - 1;
    return 1;
}

static int f_contact_unknown_flag(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c)
        return 0;
    c->flags |= 0x40;
    return 1;
}

typedef struct forgery {
    const char *name;
    int (*fn)(oq_engine *e);
    const char *says; /* the refusal names it */
} forgery;

/* Ids that the API's id check would refuse: lookups trust every stored id
 * to have passed it, so a restore must refuse them too. (The id keeps its
 * length: the snapshot writes the string; the table is never consulted.) */
static int f_contact_id_not_utf8(oq_engine *e)
{
    oq_contact *c = contact_where(e, offered);
    if (!c)
        return 0;
    ((char *)c->id)[0] = (char)0xff;
    return 1;
}

static int f_agent_id_not_utf8(oq_engine *e)
{
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i]) {
            ((char *)e->agents[i]->id)[0] = (char)0xc3; /* a lead byte followed by ASCII */
            return 1;
        }
    return 0;
}

/* Two agents (two contacts) given one sequence number: the second takes
 * the first's. */
static int f_agent_seq_twice(oq_engine *e)
{
    oq_agent *first = NULL;
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i]) {
            if (first) {
                e->agents[i]->seq = first->seq;
                return 1;
            }
            first = e->agents[i];
        }
    return 0;
}

static int f_contact_seq_twice(oq_engine *e)
{
    oq_contact *c, *first = NULL;
    for (int32_t pos = 0; (c = oq__idtable_next(&e->contact_ids, &pos));) {
        if (first) {
            c->seq = first->seq;
            return 1;
        }
        first = c;
    }
    return 0;
}

static const forgery FORGERIES[] = {
    {"two agents with one sequence number", f_agent_seq_twice, "same sequence number"},
    {"two contacts with one sequence number", f_contact_seq_twice, "same sequence number"},
    {"a contact id that is not UTF-8", f_contact_id_not_utf8, "contact id: not a valid id"},
    {"an agent id that is not UTF-8", f_agent_id_not_utf8, "agent id: not a valid id"},
    {"statistics: negative count of closed intervals", f_stats_closed_negative, "closed intervals"},
    {"statistics: an attribution this library does not know", f_stats_attribution_unknown,
     "statistics attribution 2"},
    {"statistics: closed intervals beyond 2^62", f_stats_closed_beyond, "closed intervals"},
    {"statistics: more intervals reported than closed", f_stats_emitted_beyond, "reported intervals"},
    {"statistics: closed interval in the wrong ring slot", f_stats_ring_slot, "ring slot"},
    {"statistics: interval timer gone while configured", f_stats_timer_gone, "statistics interval timer"},
    {"statistics: list length wrong", f_stats_list_count, "statistics list"},
    {"statistics: list starting at a free record", f_stats_list_head, "statistics list"},
    {"statistics: free records in a loop", f_stats_free_loop, "free record"},
    {"statistics: record holding another agent's capacity", f_stats_record_agent, "statistics record"},
    {"statistics: record linked but not marked", f_stats_record_queue, "statistics list"},
    {"statistics: agent load not its contacts'", f_stats_agent_load, "load"},
    {"statistics: agents per state not the agents'", f_stats_agents_in, "agents"},
    {"agent blocked with no wake-up timer", f_agent_blocked_without_timer, "wake-up"},
    {"agent wake-up timer after its block ends", f_agent_timer_late, "wake-up"},
    {"member delay differs from its profile's", f_member_delay, "delay"},
    {"member priority differs from its profile's", f_member_priority, "priority"},
    {"member skill score differs from its skills", f_member_scores, "score"},
    {"member tier differs from its skills", f_member_tier, "tier"},
    {"queue's table of member delays emptied", f_queue_delays, "delay"},
    {"queue's staffed count off", f_queue_staffed, "staffed"},
    {"queue's offered count off", f_queue_counts, "offered"},
    {"skill references dropped", f_skill_refs, "references"},
    {"group references dropped", f_group_refs, "references"},
    {"profile references dropped", f_profile_refs, "references"},
    {"queue references dropped", f_queue_refs, "references"},
    {"channel's queue count dropped", f_channel_queues, "queues"},
    {"channel's contact count dropped", f_channel_contacts, "contacts"},
    {"agent's profile in force wrong", f_agent_profile, "profile"},
    {"agent's idle measure wrong", f_agent_idle_measure, "idle"},
    {"outbound blending count wrong", f_blend_count, "blend"},
    {"waiting contact's ladder timer gone", f_contact_wait_timer, "wait timer"},
    {"contact's deadline timer gone", f_contact_deadline_timer, "deadline timer"},
    {"offer timer of the wrong kind", f_contact_offer_timer_kind, "timer"},
    {"contact arrived after the clock", f_contact_arrived_later, "arrived"},
    {"next journal record numbered 0", f_journal_seq_zero, "journal sequence"},
    {"contact numbering about to wrap", f_contact_seq_wraps, "contact sequence"},
    {"exclusion from a presence the agent has not had", f_exclusion_future_presence, "exclusion"},
    {"two exclusions of one agent", f_exclusion_twice, "two exclusions"},
    {"exclusion of an agent never created", f_exclusion_no_agent, "exclusion"},
    {"reservation for an agent not ready", f_reserved_for_unready_agent, "reserved"},
    {"last-agent records beyond last_agent_max", f_last_agents_beyond_bound, "last agents"},
    {"contact flag unknown", f_contact_unknown_flag, "flags"},
};

#define N_FORGERIES (int)(sizeof FORGERIES / sizeof FORGERIES[0])

static void forgeries_are_refused(void **state)
{
    (void)state;
    int made[N_FORGERIES] = {0};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        wstream s;
        memset(&s, 0, sizeof s);
        s.rng = seed;
        s.t = 1000;
        oq_engine_options o;
        w_options(&o, NULL, NULL);
        oq_engine *e = NULL;
        assert_oq_ok(NULL, oq_engine_create(&o, &e));
        w_setup(e, s.t);
        for (int i = 0; i < 400 + 150 * (int)seed; i++)
            w_step(e, &e, 1, &s);
        size_t n;
        void *buf = w_snap(e, &n);
        for (int k = 0; k < N_FORGERIES; k++) {
            oq_status st;
            oq_error err = OQ_ERROR_INIT;
            oq_engine *f = restore(buf, n, &st, &err);
            assert_oq_ok_err(&err, st);
            if (!FORGERIES[k].fn(f)) {
                oq_engine_destroy(f);
                continue;
            }
            made[k]++;
            size_t fn;
            void *forged = w_snap(f, &fn);
            oq_engine_destroy(f);
            oq_engine *r = restore(forged, fn, &st, &err);
            if (st == OQ_OK) {
                fprintf(stderr, "forgery accepted: %s (seed %llu)\n", FORGERIES[k].name,
                        (unsigned long long)seed);
                drive(r, s); /* fails (or crashes) on an unsound engine */
                oq_engine_destroy(r);
            }
            assert_int_equal(st, OQ_ECORRUPT);
            assert_null(r);
            if (!strstr(err.message, FORGERIES[k].says))
                fprintf(stderr, "%s: refused with \"%s\" (expected it to name '%s')\n", FORGERIES[k].name,
                        err.message, FORGERIES[k].says);
            assert_non_null(strstr(err.message, FORGERIES[k].says));
            oq_free(forged);
        }
        /* The control: the same workload on the unforged engine is sound. */
        oq_status st;
        oq_error err = OQ_ERROR_INIT;
        oq_engine *r = restore(buf, n, &st, &err);
        assert_oq_ok_err(&err, st);
        drive(r, s);
        oq_engine_destroy(r);
        oq_free(buf);
        oq_engine_destroy(e);
    }
    for (int k = 0; k < N_FORGERIES; k++) {
        if (!made[k])
            fprintf(stderr, "never made: %s\n", FORGERIES[k].name);
        assert_true(made[k] > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forgeries_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
