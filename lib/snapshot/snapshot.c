/* SPDX-License-Identifier: MIT */
/* oq_engine_snapshot / oq_engine_restore: the whole engine state in a
 * versioned, checksummed byte stream (docs/snapshot.md).
 *
 * Writing walks every object and writes its fields in a fixed order. Reading
 * first takes the whole input, checks the magic, version, length and CRC-32,
 * and only then builds the engine — so a flipped bit or a truncated file is
 * refused before anything is built. Every index and count is still checked
 * while building (a forged file with a valid checksum must not crash), and
 * the result must pass oq_engine_check(). All allocations of a restore go
 * through a tracking allocator, so a failed restore frees every block it made
 * whatever state it stopped in. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/internal.h"
#include "engine/internal.h"
#include "omniq/snapshot.h"
#include "calendar/codec.h"
#include "core/codec.h"
#include "core/error.h"
#include "core/text.h"
#include "stats/persist.h"

#define MAGIC "OMNIQSNP"
#define MAX_SLOTS (1 << 26)

/* Room for why a restore failed (then copied into the caller's oq_error). */
#define RESTORE_MSG 256

/* ---- writing ---------------------------------------------------------------- */

static void w_timer(oq_wr *w, const oq_timer *t)
{
    int armed = t->pos >= 0 && t->kind != OQ_TIMER_NONE;
    oq__wr_u8(w, (uint8_t)armed);
    oq__wr_i32(w, armed ? t->kind : 0);
    oq__wr_i64(w, armed ? t->due : 0);
    oq__wr_u64(w, armed ? t->seq : 0);
}

static void w_levels(oq_wr *w, const oq_skill_level *a, int32_t n)
{
    oq__wr_i32(w, n);
    for (int32_t i = 0; i < n; i++) {
        oq__wr_i32(w, a[i].skill);
        oq__wr_i32(w, a[i].level);
    }
}

static void w_ints(oq_wr *w, const int32_t *a, int32_t n)
{
    oq__wr_i32(w, n);
    for (int32_t i = 0; i < n; i++)
        oq__wr_i32(w, a[i]);
}

static void w_queue(oq_wr *w, const oq_queue *q)
{
    oq__wr_str(w, q->id);
    oq__wr_i32(w, q->refs);
    oq__wr_i32(w, q->priority);
    oq__wr_i32(w, q->ordering);
    oq__wr_i32(w, q->strategy);
    oq__wr_i32(w, q->timeout_not_ready);
    oq__wr_f64(w, q->sla_threshold_s);
    oq__wr_f64(w, q->sla_target);
    oq__wr_f64(w, q->offer_timeout_s);
    oq__wr_f64(w, q->wrapup_s);
    oq__wr_f64(w, q->aging_per_s);
    oq__wr_i32(w, q->n_lanes);
    for (int32_t l = 0; l < q->n_lanes; l++) {
        oq__wr_i32(w, q->lanes[l].channel);
        oq__wr_i32(w, q->lanes[l].reserved);
    }
    w_levels(w, q->req, q->n_req);
    w_levels(w, q->pref, q->n_pref);
    w_ints(w, q->groups, q->n_groups);
    oq__wr_i32(w, q->n_members);
    oq__wr_i64(w, q->rr_counter);
    oq__wr_i32(w, q->n_queued);
    oq__wr_i32(w, q->n_offered);
    oq__wr_i32(w, q->n_active);
    oq__wr_i32(w, q->n_parked);
    oq__wr_i32(w, q->blend_rule);
    oq__wr_i32(w, q->n_delays);
    oq__wr_i32(w, q->delays_overflow);
    for (int32_t i = 0; i < q->n_delays; i++) {
        oq__wr_i64(w, q->delays[i]);
        oq__wr_i32(w, q->delay_count[i]);
    }
    oq__wr_i32(w, q->n_tiers);
    oq__wr_i32(w, q->n_steps);
    for (int32_t i = 0; i < q->n_steps; i++) {
        const oq_step *s = &q->steps[i];
        oq__wr_i32(w, s->action);
        oq__wr_i32(w, s->timing);
        oq__wr_i64(w, s->after_ms);
        oq__wr_i32(w, s->skill);
        oq__wr_i32(w, s->level);
        oq__wr_i32(w, s->group);
        oq__wr_i32(w, s->priority);
        oq__wr_i32(w, s->queue);
        oq__wr_str(w, s->message);
        oq__wr_i32(w, s->skip_if_no_agents);
        oq__wr_f64(w, s->when_ewt_above_s);
        oq__wr_f64(w, s->when_sl_below);
        oq__wr_i32(w, s->tier_after);
    }
    oq__wr_i32(w, q->max_length);
    oq__wr_i32(w, q->limit_action);
    oq__wr_i32(w, q->limit_queue);
    oq__wr_i32(w, q->callback_channel);
    oq__wr_i64(w, q->max_wait_ms);
    oq__wr_i32(w, q->refuse_if_no_agents);
    oq__wr_i32(w, q->outbound);
    oq__wr_f64(w, q->default_aht_s);
    oq__wr_f64(w, q->deadline_warning_s);
    oq__wr_i32(w, q->keep_offer_on_not_ready);
    oq__wr_i32(w, q->max_offers);
    oq__wr_i64(w, q->retry_after_ms);
    oq__wr_i64(w, q->last_agent_window_ms);
    oq__wr_i64(w, q->last_agent_wait_ms);
    oq__wr_f64(w, q->aht_ema_s);
    oq__wr_i64(w, q->sl_met);
    oq__wr_i64(w, q->sl_total);
    oq__wr_i64(w, q->n_completed);
    for (int32_t t = 0; t < OQ_TIERS_MAX; t++)
        oq__wr_i32(w, q->staffed[t]);
    oq__wr_i32(w, q->calendar);
    oq__wr_i32(w, q->closed_action);
    oq__wr_i32(w, q->closed_queue);
    oq__wr_i32(w, q->business_time);
}

static void w_agent(oq_wr *w, const oq_agent *a)
{
    oq__wr_str(w, a->id);
    oq__wr_u64(w, a->seq);
    oq__wr_i32(w, a->capacity);
    oq__wr_i32(w, a->used);
    oq__wr_i32(w, a->presence);
    oq__wr_u32(w, a->presence_gen);
    oq__wr_i32(w, a->state);
    oq__wr_i64(w, a->state_since);
    oq__wr_i64(w, a->last_activity);
    oq__wr_i64(w, a->last_inbound);
    oq__wr_i32(w, a->profile);
    oq__wr_i32(w, a->eff_profile);
    oq__wr_i32(w, a->idle_inbound);
    oq__wr_i32(w, a->max_no_answer);
    oq__wr_i32(w, a->missed_in_row);
    oq__wr_i32(w, a->max_per_window);
    oq__wr_i64(w, a->window_ms);
    oq__wr_i64(w, a->reject_delay_ms);
    oq__wr_i64(w, a->no_answer_delay_ms);
    oq__wr_i64(w, a->blocked_until);
    for (int32_t i = 0; i < a->max_per_window; i++)
        oq__wr_i64(w, a->offer_times[i]);
    oq__wr_i32(w, a->n_offer_times);
    oq__wr_i32(w, a->offer_head);
    w_timer(w, &a->timer);
    oq__wr_i64(w, a->handled);
    oq__wr_str(w, a->nr_reason);
    w_levels(w, a->skills, a->n_skills);
    w_ints(w, a->groups, a->n_groups);
    oq__wr_i32(w, a->ch_cap);
    for (int32_t i = 0; i < a->ch_cap; i++) {
        oq__wr_i32(w, a->ch_count[i]);
        oq__wr_i32(w, a->ch_limit[i]);
    }
    oq__wr_i32(w, a->n_offered);
    oq__wr_i32(w, a->n_active);
    oq__wr_i32(w, a->n_wrapup);
    oq__wr_i32(w, a->n_exclusive);
    oq__wr_i32(w, a->n_members);
    for (int32_t i = 0; i < a->n_members; i++) {
        const oq_member *m = a->members[i];
        oq__wr_i32(w, m->queue->idx);
        oq__wr_i32(w, m->slot_in_queue);
        oq__wr_i32(w, m->first_tier);
        oq__wr_i32(w, m->pref_match);
        oq__wr_i32(w, m->skill_score);
        oq__wr_i32(w, m->profile_priority);
        oq__wr_i64(w, m->delay_ms);
        oq__wr_i64(w, m->rr_seq);
        oq__wr_i64(w, m->taken);
        oq__wr_u64(w, m->rand_key);
        uint32_t in = 0;
        for (int32_t l = 0; l < m->queue->n_lanes; l++)
            if (m->pos[l] >= 0)
                in |= 1u << l;
        oq__wr_u32(w, in);
    }
}

static void w_contact(oq_wr *w, const oq_contact *c)
{
    oq__wr_str(w, c->id);
    oq__wr_str(w, c->customer);
    oq__wr_u64(w, c->seq);
    oq__wr_i32(w, c->state);
    oq__wr_i32(w, c->channel);
    /* A contact holding no agent has no service block: its fields read 0
     * (libraries before the service blocks kept the last offer's values). */
    oq__wr_i32(w, oq__c_cost(c));
    oq__wr_i32(w, oq__c_exclusive(c));
    oq__wr_i32(w, c->priority);
    oq__wr_i32(w, c->queue->idx);
    oq__wr_i32(w, c->lane);
    oq__wr_i32(w, oq__c_agent(c) ? oq__c_agent(c)->idx : -1);
    oq__wr_i64(w, c->arrived);
    oq__wr_i64(w, c->enqueued);
    oq__wr_i64(w, c->entered);
    oq__wr_i64(w, oq__c_deadline(c));
    oq__wr_i32(w, c->step);
    oq__wr_i32(w, c->tier);
    oq__wr_i64(w, c->step_base);
    oq__wr_i64(w, c->recheck_at);
    oq__wr_i64(w, c->limit_retry_at);
    const oq_contact_ext *ext = c->ext; /* none: the values a contact without one has */
    oq__wr_i64(w, ext ? ext->pref_until : 0);
    oq__wr_i32(w, c->deadline_stage);
    oq__wr_u32(w, ext ? ext->pref_hold : 0);
    oq__wr_i64(w, oq__c_offered_at(c));
    oq__wr_i64(w, oq__c_assigned_at(c));
    oq__wr_i64(w, oq__c_wrapup_at(c));
    oq__wr_i32(w, ext ? ext->pref_agent_idx : -1);
    oq__wr_u64(w, ext ? ext->pref_agent_seq : 0);
    oq__wr_i32(w, c->n_req);
    oq__wr_i32(w, c->n_pref);
    for (int32_t i = 0; i < c->n_req + c->n_pref; i++) {
        oq__wr_i32(w, c->extra[i].skill);
        oq__wr_i32(w, c->extra[i].level);
    }
    oq__wr_i32(w, oq__c_n_rejects(c)); /* not its room (one more): how much memory it holds is no state */
    for (int32_t i = 0; i < oq__c_n_rejects(c); i++) {
        const oq_exclusion *x = &c->ext->rejects[i];
        oq__wr_u64(w, x->agent_seq);
        oq__wr_i64(w, x->until);
        oq__wr_i32(w, x->agent);
        oq__wr_u32(w, x->gen);
        oq__wr_u32(w, x->misses);
    }
    oq__wr_i32(w, c->offers_here);
    oq__wr_i32(w, c->hops);
    oq__wr_i32(w, c->n_offers);
    const struct oq_history *h = c->history;
    int32_t hcap = oq__history_stored_cap(c);
    oq__wr_i32(w, hcap);
    if (hcap) {
        oq__wr_i32(w, h->n);
        oq__wr_i32(w, h->dropped);
        for (int32_t i = 0; i < h->n; i++) {
            const oq_history_item *it = &h->items[(h->start + i) % h->cap];
            oq__wr_i32(w, it->type);
            oq__wr_i32(w, it->queue);
            oq__wr_i64(w, it->time);
            oq__wr_i32(w, it->agent);
            oq__wr_i32(w, it->detail_code);
            oq__wr_str(w, it->detail_code == OQ_DETAIL_OWNED ? it->detail : NULL);
        }
    }
    for (int slot = 0; slot < OQ_CONTACT_TIMERS; slot++) {
        oq_timer t = oq__ctimer_view(c, slot);
        w_timer(w, &t);
    }
    oq__wr_i32(w, c->stats_rec);
    oq__wr_u8(w, (uint8_t)(c->flags & ~OQ_CF_RESERVED)); /* the reserved list is rebuilt */
}

static void w_resume(const char *customer, int32_t queue, uint64_t seq, int64_t enqueued,
                     int64_t expires, void *user)
{
    oq_wr *w = user;
    oq__wr_str(w, customer);
    oq__wr_i32(w, queue);
    oq__wr_u64(w, seq);
    oq__wr_i64(w, enqueued);
    oq__wr_i64(w, expires);
}

static void w_served(const char *customer, int32_t agent, uint64_t agent_seq, int64_t served,
                     void *user)
{
    oq_wr *w = user;
    oq__wr_str(w, customer);
    oq__wr_i32(w, agent);
    oq__wr_u64(w, agent_seq);
    oq__wr_i64(w, served);
}

static void write_all(oq_engine *e, oq_wr *w)
{
    oq__wr_bytes(w, MAGIC, 8);
    oq__wr_u32(w, OQ_SNAPSHOT_VERSION);
    oq__wr_u32(w, 0); /* flags */

    oq__wr_tag(w, "ENGN");
    oq__wr_u64(w, e->rng);
    oq__wr_i64(w, e->now);
    oq__wr_i64(w, e->abandon_resume_ms);
    oq__wr_i32(w, e->resume_sweep_at);
    oq__wr_i32(w, e->last_agent_max);
    oq__wr_u64(w, e->next_agent_seq);
    oq__wr_u64(w, e->next_contact_seq);
    oq__wr_u64(w, e->next_timer_seq);
    oq__wr_i32(w, e->n_sl_blend);
    oq__wr_u64(w, e->journal_seq);

    oq__wr_tag(w, "CHAN");
    oq__wr_i32(w, e->n_channels);
    for (int32_t i = 0; i < e->n_channels; i++) {
        const oq_channel *c = e->channels[i];
        oq__wr_u8(w, c != NULL);
        if (!c)
            continue;
        oq__wr_str(w, c->id);
        oq__wr_i32(w, c->synchronous);
        oq__wr_i32(w, c->exclusive);
        oq__wr_i32(w, c->cost);
        oq__wr_i32(w, c->max_per_agent);
        oq__wr_i32(w, c->n_queues);
        oq__wr_i32(w, c->n_contacts);
    }
    oq__wr_tag(w, "SKIL");
    oq__wr_i32(w, e->n_skills);
    for (int32_t i = 0; i < e->n_skills; i++) {
        const oq_skill *s = e->skills[i];
        oq__wr_u8(w, s != NULL);
        if (!s)
            continue;
        oq__wr_str(w, s->id);
        oq__wr_i32(w, s->max_level);
        oq__wr_i32(w, s->refs);
    }
    oq__wr_tag(w, "GRUP");
    oq__wr_i32(w, e->n_groups);
    for (int32_t i = 0; i < e->n_groups; i++) {
        const oq_group *g = e->groups[i];
        oq__wr_u8(w, g != NULL);
        if (!g)
            continue;
        oq__wr_str(w, g->id);
        oq__wr_i32(w, g->refs);
        oq__wr_i32(w, g->profile);
    }
    oq__wr_tag(w, "PROF");
    oq__wr_i32(w, e->n_profiles);
    for (int32_t i = 0; i < e->n_profiles; i++) {
        const oq_profile *p = e->profiles[i];
        oq__wr_u8(w, p != NULL);
        if (!p)
            continue;
        oq__wr_str(w, p->id);
        oq__wr_i32(w, p->refs);
        oq__wr_i32(w, p->n_queues);
        for (int32_t k = 0; k < p->n_queues; k++) {
            oq__wr_i32(w, p->queues[k].queue);
            oq__wr_i32(w, p->queues[k].priority);
            oq__wr_i64(w, p->queues[k].delay_ms);
        }
        oq__wr_i32(w, p->ch_cap);
        for (int32_t k = 0; k < p->ch_cap; k++) {
            oq__wr_i32(w, p->ch_max[k]);
            oq__wr_i32(w, p->ch_cross[k]);
        }
        oq__wr_i32(w, p->force_longest_waiting);
        oq__wr_i32(w, p->idle_measure);
    }
    oq__wr_tag(w, "CALS");
    oq__wr_i32(w, e->n_calendars);
    for (int32_t i = 0; i < e->n_calendars; i++) {
        const oq_ecal *k = e->calendars[i];
        oq__wr_u8(w, k != NULL);
        if (!k)
            continue;
        oq__w_calendar(w, k->cal);
        oq__wr_i32(w, k->refs);
        oq__wr_i32(w, k->open);
        w_timer(w, &k->timer);
    }
    oq__wr_tag(w, "QUEU");
    oq__wr_i32(w, e->n_queues);
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq__wr_u8(w, e->queues[i] != NULL);
        if (e->queues[i])
            w_queue(w, e->queues[i]);
    }
    oq__wr_tag(w, "AGNT");
    oq__wr_i32(w, e->n_agents);
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq__wr_u8(w, e->agents[i] != NULL);
        if (e->agents[i])
            w_agent(w, e->agents[i]);
    }
    /* Contacts: parked list, then each agent's held list, then each lane's
     * waiting heap — every list in its own order. */
    oq__wr_tag(w, "CONT");
    oq__wr_i32(w, e->n_contacts);
    for (const oq_contact *c = e->parked; c; c = c->link_next)
        w_contact(w, c);
    for (int32_t i = 0; i < e->n_agents; i++)
        for (const oq_contact *c = e->agents[i] ? e->agents[i]->held : NULL; c; c = c->link_next)
            w_contact(w, c);
    for (int32_t i = 0; i < e->n_queues; i++) {
        const oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < q->n_lanes; l++)
            for (int32_t k = 0; k < q->lanes[l].contacts.n; k++)
                w_contact(w, q->lanes[l].contacts.items[k]);
    }
    oq__wr_tag(w, "RESU");
    oq__wr_i32(w, e->resume.count);
    if (!oq__resume_visit(e, w_resume, w) && w->st == OQ_OK)
        w->st = OQ_ENOMEM;
    oq__wr_tag(w, "LAST");
    oq__wr_i32(w, e->served.count);
    oq__last_agent_visit(e, w_served, w);
    oq__wr_tag(w, "STAT");
    oq__stats_write(e, w);
    oq__wr_tag(w, "END!");
    uint64_t total = w->total + 8 + 4; /* this field and the checksum included */
    oq__wr_u64(w, total);
    uint32_t crc = w->crc;
    oq__wr_u32(w, crc);
    oq__wr_flush(w);
}

oq_status oq_engine_snapshot(const oq_engine *ce, oq_write_fn write, void *user)
{
    if (!ce || !write)
        return OQ_EINVAL;
    oq_engine *e = (oq_engine *)(uintptr_t)ce; /* only the resume walk allocates (scratch) */
    if (e->in_callback)
        return oq__fail(e, OQ_EBUSY, "snapshot from inside an engine callback");
    if (!e->stats) /* a snapshot holds them, and a restore makes an engine with them */
        return oq__fail(e, OQ_ESTATE, "snapshot: this engine keeps no statistics (a simulator "
                                      "replication's engine: oq_sim_options.engine_stats)");
    /* The writer and its buffer come from the engine's allocator, like every
     * other byte the engine holds (a host that counts or caps them sees it). */
    oq_wr *w = oq__calloc(&e->mem, 1, sizeof *w);
    if (!w)
        return oq__fail(e, OQ_ENOMEM, "snapshot: no memory for the writer's buffer (%zu bytes)",
                        sizeof *w);
    w->fn = write;
    w->user = user;
    write_all(e, w);
    oq_status st = w->st;
    oq__free(&e->mem, w, sizeof *w);
    return st;
}

typedef struct membuf {
    uint8_t *p;
    size_t n, cap;
} membuf;

static oq_status mem_write(const void *data, size_t len, void *user)
{
    membuf *b = user;
    if (len > b->cap - b->n) {
        size_t cap = b->cap ? b->cap : 65536;
        while (len > cap - b->n) {
            if (cap > SIZE_MAX / 2)
                return OQ_ENOMEM;
            cap *= 2;
        }
        uint8_t *p = realloc(b->p, cap);
        if (!p)
            return OQ_ENOMEM;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return OQ_OK;
}

oq_status oq_engine_snapshot_buffer(const oq_engine *e, void **out, size_t *len)
{
    if (!e || !out || !len)
        return OQ_EINVAL;
    membuf b = {0};
    oq_status st = oq_engine_snapshot(e, mem_write, &b);
    if (st != OQ_OK) {
        free(b.p);
        return st;
    }
    *out = b.p;
    *len = b.n;
    return OQ_OK;
}

/* ---- restoring: a tracking allocator ------------------------------------------ */

typedef struct block {
    void *p;
    size_t size;
} block;

typedef struct tracker {
    oq_alloc_fn fn;
    void *user;
    block *blocks;
    size_t n, cap;
    int failed;           /* the tracker itself ran out of memory */
} tracker;

static void *tracking_alloc(void *ptr, size_t old_size, size_t new_size, void *user)
{
    tracker *t = user;
    size_t at = t->n;
    if (ptr) {
        while (at > 0 && t->blocks[at - 1].p != ptr)
            at--;
        at = at ? at - 1 : t->n; /* t->n: not tracked (cannot happen) */
    }
    if (new_size == 0) {
        t->fn(ptr, old_size, 0, t->user);
        if (at < t->n)
            t->blocks[at] = t->blocks[--t->n];
        return NULL;
    }
    if (!ptr && t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        block *nb = t->fn(t->blocks, t->cap * sizeof *nb, cap * sizeof *nb, t->user);
        if (!nb) {
            t->failed = 1;
            return NULL;
        }
        t->blocks = nb;
        t->cap = cap;
    }
    void *p = t->fn(ptr, old_size, new_size, t->user);
    if (!p)
        return NULL;
    if (ptr) {
        if (at < t->n) {
            t->blocks[at].p = p;
            t->blocks[at].size = new_size;
        }
    } else {
        t->blocks[t->n].p = p;
        t->blocks[t->n].size = new_size;
        t->n++;
    }
    return p;
}

static void tracker_release(tracker *t, int free_blocks)
{
    if (free_blocks)
        for (size_t i = t->n; i-- > 0;)
            t->fn(t->blocks[i].p, t->blocks[i].size, 0, t->user);
    t->fn(t->blocks, t->cap * sizeof *t->blocks, 0, t->user);
    t->blocks = NULL;
    t->n = t->cap = 0;
}

/* ---- restoring: the parser ------------------------------------------------------ */

typedef struct rx {
    oq_engine *e;
    oq_rd *r;
    int nomem;
    uint32_t version; /* the input's format: OQ_SNAPSHOT_VERSION or the one before */
} rx;

static int nomem(rx *x)
{
    x->nomem = 1;
    return oq__rd_fail(x->r, "out of memory");
}

static void *xalloc(rx *x, size_t n, size_t size)
{
    if (n == 0 || x->r->bad)
        return NULL;
    void *p = oq__calloc(&x->e->mem, n, size);
    if (!p)
        nomem(x);
    return p;
}

static char *xstr(rx *x, const char *what, int nullable)
{
    const char *s;
    size_t n;
    int is_null;
    if (!oq__rd_str(x->r, OQ_ID_MAX, &s, &n, &is_null, what))
        return NULL;
    if (is_null) {
        if (!nullable)
            oq__rd_fail(x->r, "%s: missing id", what);
        return NULL;
    }
    if (n == 0 && !nullable) {
        oq__rd_fail(x->r, "%s: empty id", what);
        return NULL;
    }
    /* An id is what the API's id check lets in (lookups trust every stored
     * id to have passed it): no NUL inside, valid UTF-8. */
    if (!nullable && (memchr(s, 0, n) || !oq__utf8_valid((const unsigned char *)s, n))) {
        oq__rd_fail(x->r, "%s: not a valid id (a NUL byte or invalid UTF-8)", what);
        return NULL;
    }
    char *c = oq__strndup(&x->e->mem, s, n);
    if (!c)
        nomem(x);
    return c;
}

/* A slot array of n entries (NULL holes allowed). */
static int32_t r_slots(rx *x, void ***arr, int32_t *cap, const char *what)
{
    int32_t n = oq__rd_count(x->r, MAX_SLOTS, 1, what);
    if (n > 0 && !x->r->bad) {
        *arr = xalloc(x, (size_t)n, sizeof(void *));
        *cap = *arr ? n : 0;
    }
    return x->r->bad ? 0 : n;
}

static int put_id(rx *x, oq_idmap *m, const char *id, void *obj, const char *what)
{
    if (x->r->bad)
        return 0;
    if (oq__idmap_get(m, id))
        return oq__rd_fail(x->r, "%s '%s': duplicate id", what, id);
    if (!oq__idmap_put(m, id, obj))
        return nomem(x);
    return 1;
}

/* put_id for the tables of agents and contacts (core/idtable.h). */
static int put_in_table(rx *x, oq_idtable *t, const char *id, void *obj, const char *what)
{
    if (x->r->bad)
        return 0;
    if (oq__idtable_get(t, id))
        return oq__rd_fail(x->r, "%s '%s': duplicate id", what, id);
    if (!oq__idtable_put(t, obj))
        return nomem(x);
    return 1;
}

#define IDX(slots, n, what) r_index(x, (void **)(slots), (n), (what), 0)
#define IDX_OR_NONE(slots, n, what) r_index(x, (void **)(slots), (n), (what), 1)

/* An index naming a live slot (or -1 when allowed). */
static int32_t r_index(rx *x, void **slots, int32_t n, const char *what, int none_ok)
{
    size_t at = x->r->off;
    int32_t v = oq__rd_i32(x->r);
    if (x->r->bad)
        return -1;
    if (v == -1 && none_ok)
        return -1;
    if (v < 0 || v >= n || !slots[v]) {
        x->r->off = at;
        oq__rd_fail(x->r, "%s: index %d names no object", what, v);
        return -1;
    }
    return v;
}

static void r_timer(rx *x, oq_timer *t, int32_t k1, int32_t k2)
{
    oq_rd *r = x->r;
    uint8_t armed = oq__rd_u8(r);
    if (armed > 1)
        oq__rd_fail(r, "timer armed flag %u", armed);
    int32_t kind = oq__rd_i32(r);
    t->due = oq__rd_instant(r, "timer due");
    t->seq = oq__rd_u64(r);
    t->pos = -1;
    t->kind = OQ_TIMER_NONE;
    if (r->bad || !armed)
        return;
    if (kind != k1 && kind != k2) {
        oq__rd_fail(r, "timer kind %d not allowed here", kind);
        return;
    }
    if (t->seq == 0 || t->seq >= x->e->next_timer_seq) {
        oq__rd_fail(r, "timer sequence %llu out of range", (unsigned long long)t->seq);
        return;
    }
    t->kind = kind;
}

/* Sorted (skill, level) array with skills naming live skills. */
static oq_skill_level *r_levels(rx *x, int32_t *n, int32_t *cap, int32_t max_n, const char *what)
{
    oq_engine *e = x->e;
    *n = oq__rd_count(x->r, max_n, 8, what);
    *cap = 0;
    if (*n == 0 || x->r->bad)
        return NULL;
    oq_skill_level *a = xalloc(x, (size_t)*n, sizeof *a);
    if (!a)
        return NULL;
    *cap = *n;
    for (int32_t i = 0; i < *n && !x->r->bad; i++) {
        a[i].skill = IDX(e->skills, e->n_skills, what);
        a[i].level = oq__rd_range(x->r, 1, OQ_LEVEL_MAX, "skill level");
        if (!x->r->bad && i > 0 && a[i].skill <= a[i - 1].skill)
            oq__rd_fail(x->r, "%s: skills not sorted", what);
    }
    return a;
}

static int32_t *r_groups(rx *x, int32_t *n, int32_t *cap, const char *what)
{
    oq_engine *e = x->e;
    *n = oq__rd_count(x->r, MAX_SLOTS, 4, what);
    *cap = 0;
    if (*n == 0 || x->r->bad)
        return NULL;
    int32_t *a = xalloc(x, (size_t)*n, sizeof *a);
    if (!a)
        return NULL;
    *cap = *n;
    for (int32_t i = 0; i < *n && !x->r->bad; i++) {
        a[i] = IDX(e->groups, e->n_groups, what);
        if (!x->r->bad && oq__int_list_has(a, i, a[i]))
            oq__rd_fail(x->r, "%s: group listed twice", what);
    }
    return a;
}

/* A finite, non-negative setting within what the public API accepts. */
static int finite(double v) { return isfinite(v) && v >= 0 && v <= 9.0e12; }

static oq_queue *r_queue(rx *x, int32_t idx)
{
    oq_engine *e = x->e;
    oq_rd *r = x->r;
    oq_queue *q = xalloc(x, 1, sizeof *q);
    if (!q)
        return NULL;
    e->queues[idx] = q; /* visible to the tracking cleanup only; ids below */
    q->idx = idx;
    q->limit_queue = q->callback_channel = q->calendar = q->closed_queue = -1;
    q->id = xstr(x, "queue id", 0);
    q->refs = oq__rd_range(r, 0, INT32_MAX / 4, "queue refs");
    q->priority = oq__rd_range(r, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, "queue priority");
    q->ordering = oq__rd_range(r, 0, 2, "queue ordering");
    q->strategy = oq__rd_i32(r);
    if (!r->bad && !oq__strategy_known(q->strategy)) {
        oq__rd_fail(r, "queue strategy %d is unknown", (int)q->strategy);
        q->strategy = OQ_STRATEGY_LONGEST_IDLE;
    }
    q->timeout_not_ready = oq__rd_range(r, 0, 1, "queue timeout_not_ready");
    q->sla_threshold_s = oq__rd_f64(r);
    q->sla_target = oq__rd_f64(r);
    q->offer_timeout_s = oq__rd_f64(r);
    q->wrapup_s = oq__rd_f64(r);
    q->aging_per_s = oq__rd_f64(r);
    if (!r->bad && !(finite(q->sla_threshold_s) && finite(q->sla_target) && finite(q->offer_timeout_s) &&
                     finite(q->wrapup_s) && finite(q->aging_per_s)))
        oq__rd_fail(r, "queue '%s': a setting is not a finite number >= 0", q->id);
    if (!r->bad && q->sla_target > 1)
        oq__rd_fail(r, "queue '%s': sla_target above 1", q->id);
    q->n_lanes = oq__rd_range(r, 0, OQ_QUEUE_CHANNELS_MAX, "queue lanes");
    for (int32_t l = 0; l < q->n_lanes && !r->bad; l++) {
        q->lanes[l].channel = IDX_OR_NONE(e->channels, e->n_channels, "lane channel");
        q->lanes[l].chbit = oq__channel_bit(q->lanes[l].channel);
        q->lanes[l].reserved = oq__rd_range(r, 0, INT32_MAX / 2, "lane reserved");
        if (!r->bad && q->lanes[l].channel < 0 && q->lanes[l].reserved != 0)
            oq__rd_fail(r, "queue '%s': free lane %d reserves contacts", q->id, l);
        for (int32_t k = 0; k < l && !r->bad; k++)
            if (q->lanes[l].channel >= 0 && q->lanes[k].channel == q->lanes[l].channel)
                oq__rd_fail(r, "queue '%s': channel accepted twice", q->id);
    }
    q->req = r_levels(x, &q->n_req, &q->cap_req, MAX_SLOTS, "queue required skills");
    q->pref = r_levels(x, &q->n_pref, &q->cap_pref, 32, "queue preferred skills");
    q->groups = r_groups(x, &q->n_groups, &q->cap_groups, "queue groups");
    int32_t n_members = oq__rd_count(r, MAX_SLOTS, 60, "queue members"); /* 60 bytes each, later */
    if (n_members > 0 && !r->bad) {
        q->members = xalloc(x, (size_t)n_members, sizeof *q->members);
        q->cap_members = q->members ? n_members : 0;
    }
    q->sync_gain = r->bad ? 0 : n_members; /* expected members, until they are linked */
    q->rr_counter = oq__rd_n64(r, "queue round-robin counter");
    q->n_queued = oq__rd_range(r, 0, INT32_MAX / 4, "queue queued");
    q->n_offered = oq__rd_range(r, 0, INT32_MAX / 4, "queue offered");
    q->n_active = oq__rd_range(r, 0, INT32_MAX / 4, "queue active");
    q->n_parked = oq__rd_range(r, 0, INT32_MAX / 4, "queue parked");
    q->blend_rule = oq__rd_range(r, 0, 1, "queue blend rule");
    q->n_delays = oq__rd_range(r, 0, OQ_QUEUE_DELAYS_MAX, "queue delays");
    q->delays_overflow = oq__rd_range(r, 0, INT32_MAX / 4, "queue delays overflow");
    for (int32_t i = 0; i < q->n_delays; i++) {
        q->delays[i] = oq__rd_n64(r, "queue delay");
        q->delay_count[i] = oq__rd_range(r, 1, INT32_MAX / 4, "queue delay count");
    }
    q->n_tiers = oq__rd_range(r, 1, OQ_TIERS_MAX, "queue tiers");
    q->n_steps = oq__rd_count(r, OQ_LADDER_MAX, 16, "queue steps");
    if (q->n_steps > 0 && !r->bad) {
        q->steps = xalloc(x, (size_t)q->n_steps, sizeof *q->steps);
        q->cap_steps = q->steps ? q->n_steps : 0;
        if (!q->steps)
            q->n_steps = 0;
    }
    for (int32_t i = 0; i < q->n_steps && !r->bad; i++) {
        oq_step *s = &q->steps[i];
        s->action = oq__rd_i32(r);
        if (!r->bad && !oq__step_action_known(s->action)) {
            oq__rd_fail(r, "step action %d is unknown", (int)s->action);
            s->action = OQ_STEP_ALERT;
        }
        s->timing = oq__rd_range(r, 0, 1, "step timing");
        s->after_ms = oq__rd_n64(r, "step after_ms");
        s->skill = IDX_OR_NONE(e->skills, e->n_skills, "step skill");
        s->level = oq__rd_range(r, 0, OQ_LEVEL_MAX, "step level");
        s->group = IDX_OR_NONE(e->groups, e->n_groups, "step group");
        s->priority = oq__rd_range(r, -2 * OQ_PRIORITY_MAX, 2 * OQ_PRIORITY_MAX, "step priority");
        s->queue = oq__rd_range(r, -1, e->n_queues - 1, "step queue"); /* checked below */
        s->message = xstr(x, "step message", 1);
        s->skip_if_no_agents = oq__rd_range(r, OQ_SKIP_NEVER, OQ_SKIP_NONE_LOGGED_IN, "step skip_if_no_agents");
        s->when_ewt_above_s = oq__rd_f64(r);
        s->when_sl_below = oq__rd_f64(r);
        s->tier_after = oq__rd_range(r, 0, q->n_tiers - 1, "step tier");
        if (!r->bad && s->after_ms < 0)
            oq__rd_fail(r, "step after_ms is negative");
        if (!r->bad && !(finite(s->when_ewt_above_s) && finite(s->when_sl_below)))
            oq__rd_fail(r, "step condition is not a finite number >= 0");
        if (!r->bad && s->skill < 0 &&
            (s->action == OQ_STEP_LOWER_LEVEL || s->action == OQ_STEP_DROP_REQUIRED ||
             s->action == OQ_STEP_DROP_PREFERRED))
            oq__rd_fail(r, "skill step without a skill");
        if (!r->bad && s->action == OQ_STEP_ADD_GROUP && s->group < 0)
            oq__rd_fail(r, "ADD_GROUP step without a group");
        if (!r->bad && s->action == OQ_STEP_OVERFLOW && s->queue < 0)
            oq__rd_fail(r, "OVERFLOW step without a queue");
    }
    q->max_length = oq__rd_range(r, 0, INT32_MAX / 4, "queue max_length");
    q->limit_action = oq__rd_range(r, OQ_LIMIT_REJECT, OQ_LIMIT_CALLBACK_KEEP_PLACE, "queue limit_action");
    q->limit_queue = oq__rd_range(r, -1, e->n_queues - 1, "queue limit_queue");
    q->callback_channel = IDX_OR_NONE(e->channels, e->n_channels, "queue callback channel");
    q->max_wait_ms = oq__rd_n64(r, "queue max_wait_ms");
    q->refuse_if_no_agents = oq__rd_range(r, 0, 1, "queue refuse_if_no_agents");
    q->outbound = oq__rd_range(r, 0, 1, "queue outbound");
    q->default_aht_s = oq__rd_f64(r);
    q->deadline_warning_s = oq__rd_f64(r);
    q->keep_offer_on_not_ready = oq__rd_range(r, 0, 1, "queue keep_offer_on_not_ready");
    q->max_offers = oq__rd_range(r, 0, INT16_MAX, "queue max_offers");
    q->retry_after_ms = oq__rd_n64(r, "queue retry_after_ms");
    q->last_agent_window_ms = oq__rd_n64(r, "queue last_agent_window_ms");
    q->last_agent_wait_ms = oq__rd_n64(r, "queue last_agent_wait_ms");
    q->aht_ema_s = oq__rd_f64(r);
    q->sl_met = oq__rd_n64(r, "queue sl_met");
    q->sl_total = oq__rd_n64(r, "queue sl_total");
    q->n_completed = oq__rd_n64(r, "queue completed");
    for (int32_t t = 0; t < OQ_TIERS_MAX; t++)
        q->staffed[t] = oq__rd_range(r, 0, INT32_MAX / 4, "queue staffed");
    q->calendar = IDX_OR_NONE(e->calendars, e->n_calendars, "queue calendar");
    q->closed_action = oq__rd_range(r, OQ_CLOSED_REJECT, OQ_CLOSED_CALLBACK, "queue closed_action");
    q->closed_queue = oq__rd_range(r, -1, e->n_queues - 1, "queue closed_queue"); /* checked below */
    q->business_time = oq__rd_range(r, 0, 1, "queue business_time");
    if (!r->bad && q->calendar >= 0)
        e->calendars[q->calendar]->refs--; /* counted back to 0 once every queue is read */
    if (!r->bad && q->business_time && q->calendar < 0)
        oq__rd_fail(r, "queue '%s': business time without a calendar", q->id);
    /* The handle-time average follows real handle times: up to the whole
     * clock range (INT64_MAX ms) once the clock has gone that far. */
    if (!r->bad && (q->max_wait_ms < 0 || !finite(q->default_aht_s) || !finite(q->deadline_warning_s) ||
                    !(isfinite(q->aht_ema_s) && q->aht_ema_s >= 0 && q->aht_ema_s <= (double)INT64_MAX / 1000.0)))
        oq__rd_fail(r, "queue '%s': a setting is out of range", q->id);
    if (!r->bad)
        put_id(x, &e->queue_ids, q->id, q, "queue");
    return q;
}

static oq_agent *r_agent(rx *x, int32_t idx)
{
    oq_engine *e = x->e;
    oq_rd *r = x->r;
    oq_agent *a = xalloc(x, 1, sizeof *a);
    if (!a)
        return NULL;
    e->agents[idx] = a;
    a->idx = idx;
    a->timer.pos = -1;
    a->id = xstr(x, "agent id", 0);
    a->seq = oq__rd_u64(r);
    if (!r->bad && (a->seq == 0 || a->seq >= e->next_agent_seq))
        oq__rd_fail(r, "agent sequence out of range");
    a->capacity = oq__rd_range(r, 1, OQ_CAPACITY_MAX, "agent capacity");
    a->used = oq__rd_range(r, 0, INT32_MAX / 4, "agent used");
    a->presence = oq__rd_range(r, 0, 2, "agent presence");
    a->presence_gen = oq__rd_u32(r);
    a->state = oq__rd_range(r, 0, 4, "agent state");
    a->state_since = oq__rd_past(r, e->now, "agent state_since");
    a->last_activity = oq__rd_past(r, e->now, "agent last_activity");
    a->last_inbound = oq__rd_past(r, e->now, "agent last_inbound");
    a->profile = IDX_OR_NONE(e->profiles, e->n_profiles, "agent profile");
    a->eff_profile = IDX_OR_NONE(e->profiles, e->n_profiles, "agent profile in force");
    a->idle_inbound = oq__rd_range(r, 0, 1, "agent idle_inbound");
    a->max_no_answer = oq__rd_range(r, 0, 1000, "agent max_no_answer");
    a->missed_in_row = oq__rd_range(r, 0, INT32_MAX / 4, "agent missed_in_row");
    a->max_per_window = oq__rd_range(r, 0, 64, "agent max_per_window");
    a->window_ms = oq__rd_n64(r, "agent window");
    a->reject_delay_ms = oq__rd_n64(r, "agent reject delay");
    a->no_answer_delay_ms = oq__rd_n64(r, "agent no-answer delay");
    a->blocked_until = oq__rd_instant(r, "agent blocked_until");
    if (a->max_per_window > 0 && !r->bad) {
        a->offer_times = xalloc(x, (size_t)a->max_per_window, sizeof *a->offer_times);
        if (!a->offer_times)
            a->max_per_window = 0;
        for (int32_t i = 0; i < a->max_per_window; i++)
            a->offer_times[i] = oq__rd_past(r, e->now, "agent offer time");
    }
    a->n_offer_times = oq__rd_range(r, 0, a->max_per_window, "agent offer count");
    a->offer_head = oq__rd_range(r, 0, a->max_per_window > 0 ? a->max_per_window - 1 : 0, "agent offer head");
    r_timer(x, &a->timer, OQ_TIMER_AGENT, OQ_TIMER_AGENT);
    a->handled = oq__rd_n64(r, "agent handled");
    a->nr_reason = xstr(x, "not-ready reason", 1);
    a->skills = r_levels(x, &a->n_skills, &a->cap_skills, MAX_SLOTS, "agent skills");
    for (int32_t i = 0; i < a->n_skills && !r->bad; i++)
        if (a->skills[i].level > e->skills[a->skills[i].skill]->max_level)
            oq__rd_fail(r, "agent '%s': skill level above the skill's maximum", a->id);
    a->groups = r_groups(x, &a->n_groups, &a->cap_groups, "agent groups");
    int32_t ch_cap = oq__rd_count(r, MAX_SLOTS, 8, "agent channel slots");
    if (!r->bad && ch_cap < e->n_channels)
        oq__rd_fail(r, "agent '%s': channel arrays shorter than the channels", a->id);
    if (ch_cap > 0 && !r->bad) {
        a->ch_count = xalloc(x, (size_t)ch_cap, sizeof *a->ch_count);
        a->ch_limit = xalloc(x, (size_t)ch_cap, sizeof *a->ch_limit);
        if (a->ch_count && a->ch_limit) {
            a->ch_cap = ch_cap;
            for (int32_t i = 0; i < ch_cap; i++) {
                a->ch_count[i] = oq__rd_range(r, 0, INT32_MAX / 4, "agent channel count");
                a->ch_limit[i] = oq__rd_range(r, -1, 10000, "agent channel limit");
            }
        }
    }
    a->n_offered = oq__rd_range(r, 0, INT32_MAX / 4, "agent offered");
    a->n_active = oq__rd_range(r, 0, INT32_MAX / 4, "agent active");
    a->n_wrapup = oq__rd_range(r, 0, INT32_MAX / 4, "agent wrap-up");
    a->n_exclusive = oq__rd_range(r, 0, INT32_MAX / 4, "agent exclusive");
    int32_t nm = oq__rd_count(r, e->n_queues, 40, "agent members");
    if (nm > 0 && !r->bad) {
        a->members = xalloc(x, (size_t)nm, sizeof *a->members);
        a->cap_members = a->members ? nm : 0;
    }
    for (int32_t i = 0; i < nm && !r->bad; i++) {
        oq_member *m = xalloc(x, 1, sizeof *m);
        if (!m)
            break;
        int32_t qi = IDX(e->queues, e->n_queues, "member queue");
        if (r->bad)
            break;
        oq_queue *q = e->queues[qi];
        m->agent = a;
        m->queue = q;
        m->slot_in_agent = i;
        m->slot_in_queue = oq__rd_range(r, 0, q->cap_members - 1, "member slot in queue");
        m->first_tier = oq__rd_range(r, 0, q->n_tiers - 1, "member tier");
        m->pref_match = oq__rd_range(r, 0, OQ_CONTACT_SKILLS_MAX, "member preferred matches");
        m->skill_score = oq__rd_range(r, 0, INT32_MAX / 4, "member skill score");
        m->profile_priority = oq__rd_range(r, 0, 1000, "member profile priority");
        m->delay_ms = oq__rd_n64(r, "member delay");
        m->rr_seq = oq__rd_n64(r, "member rr_seq");
        m->taken = oq__rd_n64(r, "member taken");
        m->rand_key = oq__rd_u64(r);
        uint32_t in = oq__rd_u32(r);
        if (r->bad)
            break;
        if (in >> q->n_lanes)
            oq__rd_fail(r, "member lane bits beyond the queue's lanes");
        for (int32_t l = 0; l < OQ_QUEUE_CHANNELS_MAX; l++)
            m->pos[l] = (in >> l & 1u) ? 0 : -1; /* 0: to be pushed */
        if (q->members[m->slot_in_queue])
            oq__rd_fail(r, "member slot %d of queue '%s' used twice", m->slot_in_queue, q->id);
        else if (oq__agent_member_of(a, q))
            oq__rd_fail(r, "agent '%s' member of queue '%s' twice", a->id, q->id);
        if (r->bad)
            break;
        q->members[m->slot_in_queue] = m;
        q->n_members++;
        a->members[a->n_members++] = m;
    }
    if (!r->bad)
        put_in_table(x, &e->agent_ids, a->id, a, "agent");
    return a;
}

static int r_contact(rx *x)
{
    oq_engine *e = x->e;
    oq_rd *r = x->r;
    oq_contact *c = xalloc(x, 1, sizeof *c);
    if (!c)
        return 0;
    c->heap_pos = -1;
    c->id = xstr(x, "contact id", 0);
    c->customer = xstr(x, "customer", 1);
    c->seq = oq__rd_u64(r);
    if (!r->bad && (c->seq == 0 || c->seq >= e->next_contact_seq))
        oq__rd_fail(r, "contact sequence out of range");
    c->state = oq__rd_range(r, OQ_CONTACT_QUEUED, OQ_CONTACT_PARKED, "contact state");
    c->channel = IDX(e->channels, e->n_channels, "contact channel");
    oq_contact_svc svc = {0}; /* kept only while it holds an agent (types.h) */
    svc.cost = oq__rd_range(r, 0, OQ_CAPACITY_MAX, "contact cost");
    svc.exclusive = oq__rd_range(r, 0, 1, "contact exclusive");
    c->priority = oq__rd_range(r, -OQ_PRIORITY_MAX, OQ_PRIORITY_MAX, "contact priority");
    int32_t qi = IDX(e->queues, e->n_queues, "contact queue");
    if (r->bad)
        return 0;
    c->queue = e->queues[qi];
    c->lane = oq__rd_range(r, 0, c->queue->n_lanes - 1, "contact lane");
    int32_t ai = IDX_OR_NONE(e->agents, e->n_agents, "contact agent");
    oq_agent *agent = ai >= 0 ? e->agents[ai] : NULL;
    c->arrived = oq__rd_past(r, e->now, "contact arrived");
    c->enqueued = oq__rd_past(r, e->now, "contact enqueued");
    c->entered = oq__rd_past(r, e->now, "contact entered");
    int64_t deadline = oq__rd_instant(r, "contact deadline");
    c->step = oq__rd_range(r, 0, c->queue->n_steps, "contact step");
    c->tier = oq__rd_range(r, 0, c->queue->n_tiers - 1, "contact tier");
    c->step_base = oq__rd_past(r, e->now, "contact step base");
    c->recheck_at = oq__rd_instant(r, "contact recheck");
    c->limit_retry_at = oq__rd_instant(r, "contact limit retry");
    oq_contact_ext ext = {0};
    ext.deadline = deadline;
    ext.pref_until = oq__rd_instant(r, "contact preferred-agent reservation");
    c->deadline_stage = oq__rd_range(r, 0, 2, "contact deadline stage");
    ext.pref_hold = oq__rd_u32(r);
    svc.offered_at = oq__rd_past(r, e->now, "contact offered_at");
    svc.assigned_at = oq__rd_past(r, e->now, "contact assigned_at");
    svc.wrapup_at = oq__rd_past(r, e->now, "contact wrapup_at");
    ext.pref_agent_idx = oq__rd_range(r, -1, e->n_agents - 1, "contact preferred agent");
    ext.pref_agent_seq = oq__rd_u64(r);
    int32_t n_req = oq__rd_range(r, 0, OQ_CONTACT_SKILLS_MAX, "contact required skills");
    int32_t n_pref = oq__rd_range(r, 0, OQ_CONTACT_SKILLS_MAX, "contact preferred skills");
    if (r->bad)
        return 0;
    if (n_req + n_pref > 0) {
        c->extra = xalloc(x, (size_t)(n_req + n_pref), sizeof *c->extra);
        if (!c->extra)
            return 0;
        c->n_req = n_req;
        c->n_pref = n_pref;
        for (int32_t i = 0; i < n_req + n_pref && !r->bad; i++) {
            c->extra[i].skill = IDX(e->skills, e->n_skills, "contact skill");
            c->extra[i].level = oq__rd_range(r, 1, OQ_LEVEL_MAX, "contact skill level");
        }
    }
    ext.n_rejects = oq__rd_count(r, MAX_SLOTS - 1, 28, "contact rejects");
    if (r->bad)
        return 0;
    /* With the room for one more a contact holding any keeps
     * (oq__exclusion_room), in its ext block, made below. */
    if (ext.n_rejects > 0) {
        ext.rejects = xalloc(x, (size_t)ext.n_rejects + 1, sizeof *ext.rejects);
        if (!ext.rejects)
            return 0;
        ext.cap_rejects = ext.n_rejects + 1;
    }
    for (int32_t i = 0; i < ext.n_rejects && !r->bad; i++) {
        oq_exclusion *ex = &ext.rejects[i];
        ex->agent_seq = oq__rd_u64(r);
        ex->until = oq__rd_instant(r, "contact exclusion end");
        ex->agent = oq__rd_range(r, 0, e->n_agents - 1, "contact exclusion agent"); /* may be removed */
        ex->gen = oq__rd_u32(r);
        ex->misses = oq__rd_u32(r);
        if (!r->bad && ex->misses == 0)
            oq__rd_fail(r, "contact exclusion with no miss");
    }
    c->offers_here = (int16_t)oq__rd_range(r, 0, INT16_MAX, "contact offers in its queue");
    c->hops = (int16_t)oq__rd_range(r, 0, INT16_MAX, "contact overflows");
    c->n_offers = oq__rd_range(r, 0, INT32_MAX / 4, "contact offers");
    int32_t hcap = oq__rd_range(r, 0, OQ_HISTORY_MAX, "history capacity");
    if (hcap > 0 && !r->bad) {
        struct oq_history *h = oq__alloc(&e->mem, sizeof(struct oq_history) + (size_t)hcap * sizeof(oq_history_item));
        if (!h)
            return nomem(x);
        memset(h, 0, sizeof(struct oq_history) + (size_t)hcap * sizeof(oq_history_item));
        h->cap = hcap;
        c->history = h;
        int32_t n = oq__rd_range(r, 0, hcap, "history entries");
        h->dropped = oq__rd_range(r, 0, INT32_MAX / 4, "history dropped");
        for (int32_t i = 0; i < n && !r->bad; i++) {
            oq_history_item *it = &h->items[i];
            it->type = oq__rd_range(r, 1, 64, "history type");
            it->queue = IDX(e->queues, e->n_queues, "history queue");
            it->time = oq__rd_past(r, e->now, "history time");
            it->agent = oq__rd_range(r, -1, e->n_agents - 1, "history agent");
            it->detail_code = oq__rd_range(r, OQ_DETAIL_NONE, OQ_DETAIL_CLOSED_CALLBACK, "history detail");
            it->detail = xstr(x, "history detail", 1);
            h->n = i + 1;
            if (!r->bad && (it->detail_code == OQ_DETAIL_OWNED) != (it->detail != NULL))
                oq__rd_fail(r, "history detail text and code disagree");
        }
    }
    static const int32_t kinds[OQ_CONTACT_TIMERS][2] = {
        [OQ_CT_SERVICE] = {OQ_TIMER_OFFER, OQ_TIMER_WRAPUP},
        [OQ_CT_WAIT] = {OQ_TIMER_WAIT, OQ_TIMER_WAIT},
        [OQ_CT_DUE] = {OQ_TIMER_DUE, OQ_TIMER_DUE},
    };
    oq_timer t[OQ_CONTACT_TIMERS];
    for (int slot = 0; slot < OQ_CONTACT_TIMERS; slot++)
        r_timer(x, &t[slot], kinds[slot][0], kinds[slot][1]);
    /* The ext block (types.h) when anything it holds is not "none", and
     * whenever the contact has preferred skills or a deadline (the engine
     * never allocates it later for those). */
    if (ext.pref_until != 0 || ext.pref_hold != 0 || ext.pref_agent_idx != -1 ||
        ext.pref_agent_seq != 0 || n_pref > 0 || ext.deadline > 0 || ext.n_rejects > 0 ||
        t[OQ_CT_DUE].kind != OQ_TIMER_NONE) {
        c->ext = xalloc(x, 1, sizeof *c->ext);
        if (!c->ext)
            return 0;
        *c->ext = ext;
    }
    /* The service block while it holds an agent (a snapshot written before
     * blocks existed may carry its last offer's values on a waiting
     * contact: nothing reads them there, so they are dropped). */
    if (r->bad)
        return 0;
    int holds = c->state != OQ_CONTACT_QUEUED && c->state != OQ_CONTACT_PARKED;
    if (holds && agent) {
        if (svc.cost < 1)
            return oq__rd_fail(r, "contact '%s': holds an agent at no capacity cost", c->id);
        c->svc = xalloc(x, 1, sizeof *c->svc);
        if (!c->svc)
            return 0;
        *c->svc = svc;
        c->svc->agent = agent;
    } else if (t[OQ_CT_SERVICE].kind != OQ_TIMER_NONE) {
        return oq__rd_fail(r, "contact '%s': an offer or wrap-up timer without an agent", c->id);
    }
    for (int slot = 0; slot < OQ_CONTACT_TIMERS; slot++)
        oq__ctimer_set(c, slot, &t[slot]);
    c->stats_rec = oq__rd_range(r, 0, INT32_MAX - 1, "contact statistics record"); /* checked by oq__stats_read */
    c->flags = oq__rd_u8(r);
    if (r->bad)
        return 0;
    if (c->flags & ~OQ_CF_STORED)
        return oq__rd_fail(r, "contact '%s': unknown flags 0x%x", c->id, c->flags);
    /* Where it lives: parked list, an agent's held list, or its lane's heap. */
    oq_queue *q = c->queue;
    if (q->lanes[c->lane].channel != c->channel)
        return oq__rd_fail(r, "contact '%s': channel differs from its lane's", c->id);

    if (c->state == OQ_CONTACT_PARKED || c->state == OQ_CONTACT_QUEUED) {
        if (agent)
            return oq__rd_fail(r, "contact '%s': %s but held by an agent", c->id,
                               oq_contact_state_name(c->state));
    } else if (!agent) {
        return oq__rd_fail(r, "contact '%s': %s without an agent", c->id, oq_contact_state_name(c->state));
    } else if (c->channel >= agent->ch_cap) {
        return oq__rd_fail(r, "contact '%s': channel beyond the agent's arrays", c->id);
    }
    if (c->state == OQ_CONTACT_QUEUED) {
        oq_heap *h = &q->lanes[c->lane].contacts;
        if (h->n >= h->cap && !oq__heap_reserve(h, &e->mem, h->n + 1))
            return nomem(x);
        oq__lane_push(q, c);
    } else if (c->state == OQ_CONTACT_PARKED) {
        oq_contact *tail = e->parked;
        while (tail && tail->link_next)
            tail = tail->link_next;
        c->link_prev = tail;
        if (tail)
            tail->link_next = c;
        else
            e->parked = c;
    } else {
        oq_agent *a = agent;
        oq_contact *tail = a->held;
        while (tail && tail->link_next)
            tail = tail->link_next;
        c->link_prev = tail;
        if (tail)
            tail->link_next = c;
        else
            a->held = c;
    }
    e->n_contacts++;
    switch (c->state) {
    case OQ_CONTACT_QUEUED: e->n_queued++; break;
    case OQ_CONTACT_OFFERED: e->n_offered++; break;
    case OQ_CONTACT_ACTIVE: e->n_active++; break;
    case OQ_CONTACT_WRAPUP: e->n_wrapup++; break;
    default: e->n_parked++; break;
    }
    return put_in_table(x, &e->contact_ids, c->id, c, "contact");
}

static int push_timer(rx *x, oq_timer *t)
{
    if (t->kind == OQ_TIMER_NONE)
        return 1;
    oq_engine *e = x->e;
    if (e->timers.n >= e->timers.cap && !oq__heap_reserve(&e->timers, &e->mem, e->timers.n + 1))
        return nomem(x);
    oq__heap_push(&e->timers, &oq__timer_heap_ops, NULL, t);
    return 1;
}

/* A contact's armed timer slots: one heap entry. */
static int push_contact_timers(rx *x, oq_contact *c)
{
    return oq__ctimer_restore(x->e, c) || nomem(x);
}

/* The engine's calendars (before the queues, which name them). Each is
 * rebuilt with the restore's allocator; restored_calendars_adopt hands them
 * the host's once the restore succeeds. */
static int r_calendars(rx *x)
{
    oq_engine *e = x->e;
    oq_rd *r = x->r;
    if (!oq__rd_tag(r, "CALS"))
        return 0;
    int32_t n = r_slots(x, (void ***)&e->calendars, &e->cap_calendars, "calendar slots");
    oq_calendar_options opts;
    oq_calendar_options_init(&opts);
    opts.alloc = e->mem.fn;
    opts.alloc_user = e->mem.user;
    for (int32_t i = 0; i < n && !r->bad; i++, e->n_calendars++) {
        if (!oq__rd_u8(r))
            continue;
        oq_ecal *k = xalloc(x, 1, sizeof *k);
        if (!k)
            return 0;
        e->calendars[i] = k;
        k->idx = i;
        k->timer.pos = -1;
        int nomem_cal = 0;
        if (!oq__r_calendar(r, &opts, &k->cal, &nomem_cal))
            return nomem_cal ? nomem(x) : 0;
        const char *id = oq_calendar_id(k->cal);
        k->id = oq__strndup(&e->mem, id, strlen(id));
        if (!k->id)
            return nomem(x);
        k->refs = oq__rd_range(r, 0, INT32_MAX / 4, "calendar queues");
        k->open = oq__rd_range(r, 0, 1, "calendar open");
        r_timer(x, &k->timer, OQ_TIMER_CALENDAR, OQ_TIMER_CALENDAR);
        e->live_calendars++;
        if (!r->bad)
            put_id(x, &e->calendar_ids, k->id, k, "calendar");
    }
    return !r->bad;
}

/* The restored calendars allocate through the host's allocator from now on
 * (they were built through the restore's tracking one). */
static void restored_calendars_adopt(oq_engine *e, oq_alloc_fn fn, void *user)
{
    for (int32_t i = 0; i < e->n_calendars; i++)
        if (e->calendars[i]) {
            e->calendars[i]->cal->mem.fn = fn;
            e->calendars[i]->cal->mem.user = user;
        }
}

static uint64_t agent_seq(const void *p) { return ((const oq_agent *)p)->seq; }
static uint64_t contact_seq(const void *p) { return ((const oq_contact *)p)->seq; }

static int agent_seq_cmp(const void *a, const void *b)
{
    uint64_t x = agent_seq(*(void *const *)a), y = agent_seq(*(void *const *)b);
    return x < y ? -1 : x > y;
}

static int contact_seq_cmp(const void *a, const void *b)
{
    uint64_t x = contact_seq(*(void *const *)a), y = contact_seq(*(void *const *)b);
    return x < y ? -1 : x > y;
}

/* Sort v[0..k) (agents or contacts: records whose first field is the id) by
 * sequence number and refuse the first two that share one. */
static void refuse_shared_seq(rx *x, void **v, size_t k, int (*cmp)(const void *, const void *),
                              uint64_t (*seq)(const void *), const char *what)
{
    qsort(v, k, sizeof *v, cmp);
    for (size_t i = 1; i < k && !x->r->bad; i++)
        if (seq(v[i - 1]) == seq(v[i]))
            oq__rd_fail(x->r, "%s '%s' and '%s' have the same sequence number %llu", what,
                        *(char *const *)v[i - 1], *(char *const *)v[i], (unsigned long long)seq(v[i]));
}

/* Agents are told apart by their sequence numbers (exclusions, a customer's
 * last agent, a reservation for a preferred agent) and contacts of equal
 * rank are ordered by theirs, so a file giving two the same number is
 * refused: its engine would confuse them. The engine never makes one (each
 * takes next_*_seq), and the range check alone lets it through. */
static int unique_seqs(rx *x)
{
    oq_engine *e = x->e;
    size_t n = (size_t)(e->n_agents > e->n_contacts ? e->n_agents : e->n_contacts);
    if (n < 2)
        return 1;
    void **v = oq__alloc(&e->mem, n * sizeof *v);
    if (!v)
        return nomem(x);
    size_t k = 0;
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i])
            v[k++] = e->agents[i];
    refuse_shared_seq(x, v, k, agent_seq_cmp, agent_seq, "agents");
    k = 0;
    oq_contact *c;
    for (int32_t pos = 0; k < n && (c = oq__idtable_next(&e->contact_ids, &pos));)
        v[k++] = c;
    refuse_shared_seq(x, v, k, contact_seq_cmp, contact_seq, "contacts");
    oq__free(&e->mem, v, n * sizeof *v);
    return !x->r->bad;
}

static int restore_body(rx *x)
{
    oq_engine *e = x->e;
    oq_rd *r = x->r;
    if (!oq__rd_tag(r, "ENGN"))
        return 0;
    e->rng = oq__rd_u64(r);
    e->now = oq__rd_clock(r, "clock");
    e->abandon_resume_ms = oq__rd_n64(r, "abandon_resume");
    e->resume_sweep_at = oq__rd_range(r, 0, INT32_MAX / 4, "resume sweep");
    e->last_agent_max = oq__rd_range(r, 0, OQ_LAST_AGENT_MAX, "last_agent_max");
    /* Sequence counters only grow: far from wrapping (a contact numbered 0
     * would look like a free statistics record). */
    e->next_agent_seq = (uint64_t)oq__rd_i64_in(r, 1, OQ_SANE64, "next agent sequence number");
    e->next_contact_seq = (uint64_t)oq__rd_i64_in(r, 1, OQ_SANE64, "next contact sequence number");
    e->next_timer_seq = (uint64_t)oq__rd_i64_in(r, 1, OQ_SANE64, "next timer sequence number");
    e->n_sl_blend = oq__rd_range(r, 0, INT32_MAX / 4, "blend count");
    e->journal_seq = (uint64_t)oq__rd_i64_in(r, 1, OQ_SANE64, "next journal sequence number");
    if (!r->bad && e->abandon_resume_ms < 0)
        return oq__rd_fail(r, "negative abandon_resume");

    if (!oq__rd_tag(r, "CHAN"))
        return 0;
    int32_t n = r_slots(x, (void ***)&e->channels, &e->cap_channels, "channel slots");
    for (int32_t i = 0; i < n && !r->bad; i++, e->n_channels++) {
        if (!oq__rd_u8(r))
            continue;
        oq_channel *c = xalloc(x, 1, sizeof *c);
        if (!c)
            return 0;
        e->channels[i] = c;
        c->idx = i;
        c->id = xstr(x, "channel id", 0);
        c->synchronous = oq__rd_range(r, 0, 1, "channel synchronous");
        c->exclusive = oq__rd_range(r, 0, 1, "channel exclusive");
        c->cost = oq__rd_range(r, 1, OQ_CAPACITY_MAX, "channel cost");
        c->max_per_agent = oq__rd_range(r, 1, 10000, "channel max_per_agent");
        c->n_queues = oq__rd_range(r, 0, INT32_MAX / 4, "channel queues");
        c->n_contacts = oq__rd_range(r, 0, INT32_MAX / 4, "channel contacts");
        e->live_channels++;
        put_id(x, &e->channel_ids, c->id, c, "channel");
    }
    if (!oq__rd_tag(r, "SKIL"))
        return 0;
    n = r_slots(x, (void ***)&e->skills, &e->cap_skills, "skill slots");
    for (int32_t i = 0; i < n && !r->bad; i++, e->n_skills++) {
        if (!oq__rd_u8(r))
            continue;
        oq_skill *s = xalloc(x, 1, sizeof *s);
        if (!s)
            return 0;
        e->skills[i] = s;
        s->idx = i;
        s->id = xstr(x, "skill id", 0);
        s->max_level = oq__rd_range(r, 1, OQ_LEVEL_MAX, "skill max_level");
        s->refs = oq__rd_range(r, 0, INT32_MAX / 4, "skill refs");
        e->live_skills++;
        put_id(x, &e->skill_ids, s->id, s, "skill");
    }
    if (!oq__rd_tag(r, "GRUP"))
        return 0;
    n = r_slots(x, (void ***)&e->groups, &e->cap_groups, "group slots");
    for (int32_t i = 0; i < n && !r->bad; i++, e->n_groups++) {
        if (!oq__rd_u8(r))
            continue;
        oq_group *g = xalloc(x, 1, sizeof *g);
        if (!g)
            return 0;
        e->groups[i] = g;
        g->idx = i;
        g->id = xstr(x, "group id", 0);
        g->refs = oq__rd_range(r, 0, INT32_MAX / 4, "group refs");
        g->profile = oq__rd_i32(r); /* checked once profiles are read */
        e->live_groups++;
        put_id(x, &e->group_ids, g->id, g, "group");
    }
    if (!oq__rd_tag(r, "PROF"))
        return 0;
    n = r_slots(x, (void ***)&e->profiles, &e->cap_profiles, "profile slots");
    for (int32_t i = 0; i < n && !r->bad; i++, e->n_profiles++) {
        if (!oq__rd_u8(r))
            continue;
        oq_profile *p = xalloc(x, 1, sizeof *p);
        if (!p)
            return 0;
        e->profiles[i] = p;
        p->idx = i;
        p->id = xstr(x, "profile id", 0);
        p->refs = oq__rd_range(r, 0, INT32_MAX / 4, "profile refs");
        p->n_queues = oq__rd_count(r, MAX_SLOTS, 16, "profile queues");
        if (p->n_queues > 0 && !r->bad) {
            p->queues = xalloc(x, (size_t)p->n_queues, sizeof *p->queues);
            p->cap_queues = p->queues ? p->n_queues : 0;
            if (!p->queues)
                p->n_queues = 0;
        }
        for (int32_t k = 0; k < p->n_queues && !r->bad; k++) {
            p->queues[k].queue = oq__rd_i32(r); /* checked once queues are read */
            p->queues[k].priority = oq__rd_range(r, 1, 1000, "profile queue priority");
            p->queues[k].delay_ms = oq__rd_n64(r, "profile delay");
        }
        int32_t cc = oq__rd_count(r, MAX_SLOTS, 8, "profile channel slots");
        if (cc > 0 && !r->bad) {
            p->ch_max = xalloc(x, (size_t)cc, sizeof *p->ch_max);
            p->ch_cross = xalloc(x, (size_t)cc, sizeof *p->ch_cross);
            if (p->ch_max && p->ch_cross) {
                p->ch_cap = cc;
                for (int32_t k = 0; k < cc; k++) {
                    p->ch_max[k] = oq__rd_range(r, -1, 10000, "profile channel max");
                    p->ch_cross[k] = oq__rd_range(r, 0, 1, "profile cross channel");
                }
            }
        }
        p->force_longest_waiting = oq__rd_range(r, 0, 1, "profile force_longest_waiting");
        p->idle_measure = oq__rd_range(r, 0, 1, "profile idle_measure");
        e->live_profiles++;
        put_id(x, &e->profile_ids, p->id, p, "profile");
    }
    for (int32_t i = 0; i < e->n_groups && !r->bad; i++)
        if (e->groups[i]) {
            int32_t pi = e->groups[i]->profile;
            if (pi != -1 && (pi < 0 || pi >= e->n_profiles || !e->profiles[pi]))
                return oq__rd_fail(r, "group '%s': profile %d names no profile", e->groups[i]->id, pi);
        }
    if (!r_calendars(x))
        return 0;
    if (!oq__rd_tag(r, "QUEU"))
        return 0;
    n = r_slots(x, (void ***)&e->queues, &e->cap_queues, "queue slots");
    e->n_queues = n; /* indexes of later queues may be named before they are read */
    for (int32_t i = 0; i < n && !r->bad; i++) {
        if (!oq__rd_u8(r))
            continue;
        if (!r_queue(x, i))
            return 0;
        e->live_queues++;
        e->n_score_queues += e->queues[i]->strategy == OQ_STRATEGY_HOST_SCORE;
        e->n_outbound_queues += e->queues[i]->outbound;
    }
    if (r->bad)
        return 0;
    /* Queue indexes named by steps, limits and profiles. */
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (!q)
            continue;
        for (int32_t k = 0; k < q->n_steps; k++)
            if (q->steps[k].queue >= 0 && !e->queues[q->steps[k].queue])
                return oq__rd_fail(r, "queue '%s': step names a removed queue", q->id);
        if (q->limit_queue >= 0 && !e->queues[q->limit_queue])
            return oq__rd_fail(r, "queue '%s': limit names a removed queue", q->id);
        if (q->closed_queue >= 0 && (!e->queues[q->closed_queue] || q->closed_queue == i))
            return oq__rd_fail(r, "queue '%s': closed_queue names a removed queue or itself", q->id);
        if ((q->closed_action == OQ_CLOSED_OVERFLOW || q->closed_action == OQ_CLOSED_CALLBACK) &&
            q->closed_queue < 0)
            return oq__rd_fail(r, "queue '%s': closed action without a queue", q->id);
        if (q->closed_action == OQ_CLOSED_CALLBACK && q->callback_channel < 0)
            return oq__rd_fail(r, "queue '%s': closed callback without a channel", q->id);
        if ((q->limit_action == OQ_LIMIT_OVERFLOW || q->limit_action == OQ_LIMIT_CALLBACK) &&
            q->limit_queue < 0 && (q->max_length > 0 || q->max_wait_ms > 0 || q->max_offers > 0))
            return oq__rd_fail(r, "queue '%s': limit action without a queue", q->id);
        if ((q->limit_action == OQ_LIMIT_CALLBACK || q->limit_action == OQ_LIMIT_CALLBACK_KEEP_PLACE) &&
            q->callback_channel < 0 && (q->max_length > 0 || q->max_wait_ms > 0 || q->max_offers > 0))
            return oq__rd_fail(r, "queue '%s': callback limit without a channel", q->id);
    }
    for (int32_t i = 0; i < e->n_calendars; i++)
        if (e->calendars[i] && e->calendars[i]->refs != 0)
            return oq__rd_fail(r, "calendar '%s': its queue count does not match the queues naming it",
                               e->calendars[i]->id);
    /* The counts matched (each queue took one off): put them back. */
    for (int32_t i = 0; i < e->n_queues; i++)
        if (e->queues[i] && e->queues[i]->calendar >= 0)
            e->calendars[e->queues[i]->calendar]->refs++;
    for (int32_t i = 0; i < e->n_profiles; i++) {
        oq_profile *p = e->profiles[i];
        for (int32_t k = 0; p && k < p->n_queues; k++) {
            int32_t qi = p->queues[k].queue;
            if (qi < 0 || qi >= e->n_queues || !e->queues[qi])
                return oq__rd_fail(r, "profile '%s': queue %d names no queue", p->id, qi);
        }
    }
    if (!oq__rd_tag(r, "AGNT"))
        return 0;
    n = r_slots(x, (void ***)&e->agents, &e->cap_agents, "agent slots");
    e->n_agents = n;
    for (int32_t i = 0; i < n && !r->bad; i++) {
        if (!oq__rd_u8(r))
            continue;
        if (!r_agent(x, i))
            return 0;
        e->live_agents++;
    }
    if (r->bad)
        return 0;
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        if (q && q->n_members != q->sync_gain)
            return oq__rd_fail(r, "queue '%s': %d members listed, %d found", q->id, q->sync_gain, q->n_members);
        if (q)
            q->sync_gain = 0;
    }
    if (!oq__rd_tag(r, "CONT"))
        return 0;
    int32_t nc = oq__rd_count(r, INT32_MAX / 4, 32, "contacts");
    for (int32_t i = 0; i < e->n_queues && !r->bad; i++) {
        oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < q->n_lanes; l++) {
            int32_t res = q->lanes[l].reserved;
            if (res > nc)
                return oq__rd_fail(r, "queue '%s': lane reserves %d of %d contacts", q->id, res, nc);
            if (!oq__heap_reserve(&q->lanes[l].contacts, &e->mem, res > 0 ? res : 1) ||
                !oq__heap_reserve(&q->lanes[l].agents, &e->mem, q->n_members > 0 ? q->n_members : 1))
                return nomem(x);
        }
    }
    for (int32_t i = 0; i < nc && !r->bad; i++)
        if (!r_contact(x))
            return 0;
    if (r->bad)
        return 0;
    /* Service blocks (svc.c): the free list the offers of the next call may
     * need, by the lowest capacity cost a contact holds or a channel asks. */
    int32_t unit = OQ_CAPACITY_MAX;
    for (int32_t i = 0; i < e->n_channels; i++)
        if (e->channels[i] && e->channels[i]->cost < unit)
            unit = e->channels[i]->cost;
    for (int32_t i = 0; i < e->n_agents; i++)
        for (oq_contact *c = e->agents[i] ? e->agents[i]->held : NULL; c; c = c->link_next)
            if (c->svc->cost < unit)
                unit = c->svc->cost;
    oq__svc_recount(e, unit);
    if (!oq__svc_reserve(e, 0, 0))
        return nomem(x);
    /* Reservations for named agents: the agents' reserved lists. */
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < q->n_lanes; l++)
            for (int32_t k = 0; k < q->lanes[l].contacts.n; k++) {
                oq_contact *c = q->lanes[l].contacts.items[k];
                int64_t until = oq__pref_until(c);
                oq__reserved_link(e, c);
                if (oq__pref_until(c) != until)
                    return oq__rd_fail(r, "contact '%s': reserved for an agent not logged in and ready", c->id);
            }
    }
    {
        /* Each lane reserves heap room for exactly its contacts (any state). */
        int32_t per_lane[OQ_QUEUE_CHANNELS_MAX];
        for (int32_t i = 0; i < e->n_queues; i++) {
            oq_queue *q = e->queues[i];
            if (!q)
                continue;
            memset(per_lane, 0, sizeof per_lane);
            for (int32_t l = 0; l < q->n_lanes; l++)
                per_lane[l] = q->lanes[l].contacts.n;
            for (int32_t k = 0; k < e->n_agents; k++)
                for (oq_contact *c = e->agents[k] ? e->agents[k]->held : NULL; c; c = c->link_next)
                    per_lane[c->lane] += c->queue == q;
            for (oq_contact *c = e->parked; c; c = c->link_next)
                per_lane[c->lane] += c->queue == q;
            for (int32_t l = 0; l < q->n_lanes; l++)
                if (per_lane[l] != q->lanes[l].reserved)
                    return oq__rd_fail(r, "queue '%s': lane %d reserves %d, holds %d contacts", q->id, l,
                                       q->lanes[l].reserved, per_lane[l]);
        }
    }
    if (!oq__rd_tag(r, "RESU"))
        return 0;
    int32_t nr = oq__rd_count(r, INT32_MAX / 4, 32, "resume places");
    for (int32_t i = 0; i < nr && !r->bad; i++) {
        const char *s;
        size_t len;
        int is_null;
        if (!oq__rd_str(r, OQ_ID_MAX, &s, &len, &is_null, "resume customer"))
            return 0;
        if (is_null)
            return oq__rd_fail(r, "resume place without a customer");
        int32_t qi = oq__rd_range(r, 0, e->n_queues - 1, "resume queue");
        uint64_t seq = oq__rd_u64(r);
        int64_t enq = oq__rd_past(r, e->now, "resume place"), exp = oq__rd_instant(r, "resume expiry");
        if (r->bad)
            return 0;
        oq_status st = oq__resume_put(e, s, len, qi, seq, enq, exp);
        if (st == OQ_ENOMEM)
            return nomem(x);
        if (st != OQ_OK)
            return oq__rd_fail(r, "resume place listed twice");
    }
    if (!oq__rd_tag(r, "LAST"))
        return 0;
    int32_t nl = oq__rd_count(r, e->last_agent_max, 20, "last agents");
    int64_t prev_served = INT64_MIN;
    for (int32_t i = 0; i < nl && !r->bad; i++) {
        const char *s;
        size_t len;
        int is_null;
        if (!oq__rd_str(r, OQ_ID_MAX, &s, &len, &is_null, "last-agent customer"))
            return 0;
        if (is_null || len == 0)
            return oq__rd_fail(r, "last-agent record without a customer");
        int32_t ai = oq__rd_range(r, 0, e->n_agents > 0 ? e->n_agents - 1 : 0, "last-agent agent");
        uint64_t aseq = oq__rd_u64(r);
        int64_t served = oq__rd_past(r, e->now, "last-agent time");
        if (r->bad)
            return 0;
        if (served < prev_served || served > e->now)
            return oq__rd_fail(r, "last-agent records out of order");
        prev_served = served;
        oq_status st = oq__last_agent_put(e, s, len, ai, aseq, served);
        if (st == OQ_ENOMEM)
            return nomem(x);
        if (st != OQ_OK)
            return oq__rd_fail(r, "last-agent customer listed twice");
    }
    if (!oq__rd_tag(r, "STAT"))
        return 0;
    if (!oq__stats_read(e, r, x->version, &x->nomem))
        return 0;
    if (!oq__rd_tag(r, "END!") || !unique_seqs(x))
        return 0;
    /* Heaps: available agents of each lane, then every armed timer. */
    for (int32_t i = 0; i < e->n_agents; i++) {
        oq_agent *a = e->agents[i];
        for (int32_t k = 0; a && k < a->n_members; k++) {
            oq_member *m = a->members[k];
            oq_queue *q = m->queue;
            for (int32_t l = 0; l < q->n_lanes; l++) {
                if (m->pos[l] < 0)
                    continue;
                m->pos[l] = -1;
                oq_heap *h = &q->lanes[l].agents;
                if (h->n >= h->cap)
                    return oq__rd_fail(r, "queue '%s': more available agents than members", q->id);
                oq__lane_agent_push(q, l, m);
            }
        }
    }
    if (!oq__sig_rebuild(e)) /* derived indexes are never stored */
        return nomem(x);
    if (!oq__reserve_timers(e, 0, 0))
        return nomem(x);
    for (int32_t i = 0; i < e->n_agents; i++)
        if (e->agents[i] && !push_timer(x, &e->agents[i]->timer))
            return 0;
    for (int32_t i = 0; i < e->n_agents; i++)
        for (oq_contact *c = e->agents[i] ? e->agents[i]->held : NULL; c; c = c->link_next)
            if (!push_contact_timers(x, c))
                return 0;
    for (oq_contact *c = e->parked; c; c = c->link_next)
        if (!push_contact_timers(x, c))
            return 0;
    for (int32_t i = 0; i < e->n_queues; i++) {
        oq_queue *q = e->queues[i];
        for (int32_t l = 0; q && l < q->n_lanes; l++)
            for (int32_t k = 0; k < q->lanes[l].contacts.n; k++) {
                oq_contact *c = q->lanes[l].contacts.items[k];
                if (!push_contact_timers(x, c))
                    return 0;
            }
    }
    for (int32_t i = 0; i < e->n_calendars; i++)
        if (e->calendars[i] && !push_timer(x, &e->calendars[i]->timer))
            return 0;
    oq_timer *st = oq__stats_timer(e);
    if (st && st->kind != OQ_TIMER_NONE && st->seq >= e->next_timer_seq)
        return oq__rd_fail(r, "statistics timer sequence out of range");
    if (st && !push_timer(x, st))
        return 0;
    return !r->bad;
}

static oq_status fail_corrupt(char *restore_err, const char *msg)
{
    snprintf(restore_err, RESTORE_MSG, "%s", msg);
    return OQ_ECORRUPT;
}

/* oq_engine_restore_buffer; on failure restore_err (RESTORE_MSG bytes) says why. */
static oq_status restore_buffer(const oq_engine_options *opts, const void *buf, size_t len,
                                oq_engine **out, char *restore_err)
{
    oq_engine_options o;
    if (!out || (!buf && len)) {
        snprintf(restore_err, RESTORE_MSG, "%s", out ? "buf is NULL (with a length)" : "out is NULL");
        return OQ_EINVAL;
    }
    if (!opts)
        oq_engine_options_init(&o);
    else if (OQ__OPTIONS_COPY(&o, opts, oq_engine_options, alloc, restore_err) != OQ_OK)
        return OQ_EINVAL; /* core.h: versioned structs */
    const uint8_t *p = buf;
    char msg[200];
    if (len < 8 + 4 + 4 + 4 + 8 + 4)
        return fail_corrupt(restore_err, len >= 8 && memcmp(p, MAGIC, 8) != 0 ? "at byte 0: not an omniq snapshot (bad magic)"
                                                                : "truncated: shorter than the smallest snapshot");
    if (memcmp(p, MAGIC, 8) != 0)
        return fail_corrupt(restore_err, "at byte 0: not an omniq snapshot (bad magic)");
    uint32_t version = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
    /* Its own format and the one before (format 3 differs only in the
     * statistics blocks, which did not say how many counters they hold). */
    if (version != OQ_SNAPSHOT_VERSION && version != OQ_SNAPSHOT_VERSION - 1) {
        snprintf(msg, sizeof msg, "at byte 8: snapshot format version %u, this library reads %d and %d",
                 version, OQ_SNAPSHOT_VERSION, OQ_SNAPSHOT_VERSION - 1);
        return fail_corrupt(restore_err, msg);
    }
    oq_rd tr = {p, len, len - 12, 0, NULL, 0};
    uint64_t total = oq__rd_u64(&tr);
    uint32_t crc = oq__rd_u32(&tr);
    if (total != len || memcmp(p + len - 16, "END!", 4) != 0) {
        snprintf(msg, sizeof msg, "at byte %zu: truncated or trailing bytes (%zu bytes, the trailer says %llu)",
                 len - 12, len, (unsigned long long)total);
        return fail_corrupt(restore_err, msg);
    }
    if (oq__crc32(0, p, len - 4) != crc) {
        snprintf(msg, sizeof msg, "at byte %zu: checksum mismatch (the snapshot is corrupted)", len - 4);
        return fail_corrupt(restore_err, msg);
    }

    tracker t = {0};
    t.fn = o.alloc ? o.alloc : oq__default_alloc;
    t.user = o.alloc ? o.alloc_user : NULL;
    oq_engine_options eo = o;
    eo.alloc = tracking_alloc;
    eo.alloc_user = &t;
    eo.seed = 1;
    eo.abandon_resume_s = 0;
    eo.start_ms = 0;
    oq_engine *e = NULL;
    oq_status st = oq_engine_create(&eo, &e);
    if (st != OQ_OK) {
        tracker_release(&t, 1);
        snprintf(restore_err, RESTORE_MSG, "%s", st == OQ_ENOMEM ? "out of memory" : oq_status_str(st));
        return st;
    }
    /* The engine was created with its default statistics; the restore
     * replaces them (oq__stats_read) after the model. */
    oq_rd r = {p, len - 12, 16, 0, restore_err, RESTORE_MSG};
    rx x = {e, &r, 0, version};
    int ok = restore_body(&x);
    if (ok && !t.failed) {
        e->on_event = NULL; /* the check must not report anything */
        if (oq_engine_check(e) != OQ_OK) {
            snprintf(restore_err, RESTORE_MSG, "inconsistent content: %s", oq_engine_last_error(e));
            ok = 0;
        }
        e->err[0] = 0;
    }
    if (!ok || t.failed) {
        int was_nomem = x.nomem || t.failed;
        tracker_release(&t, 1);
        if (was_nomem) {
            snprintf(restore_err, RESTORE_MSG, "out of memory");
            return OQ_ENOMEM;
        }
        return OQ_ECORRUPT;
    }
    e->mem.fn = t.fn;
    e->mem.user = t.user;
    restored_calendars_adopt(e, t.fn, t.user);
    e->on_event = o.on_event;
    e->event_user = o.event_user;
    tracker_release(&t, 0);
    *out = e;
    return OQ_OK;
}

/* A failed restore's status and reason into the caller's oq_error. */
static oq_status restore_report(oq_error *err, oq_status st, const char *why)
{
    if (st != OQ_OK)
        oq__error(err, st, NULL, 0, 0, "snapshot: %s", why[0] ? why : oq_status_str(st));
    return st;
}

oq_status oq_engine_restore_buffer(const oq_engine_options *opts, const void *buf, size_t len,
                                   oq_engine **out, oq_error *err)
{
    char why[RESTORE_MSG] = "";
    return restore_report(err, restore_buffer(opts, buf, len, out, why), why);
}

static oq_status restore_stream(const oq_engine_options *opts, oq_read_fn read, void *user,
                                oq_engine **out, char *restore_err)
{
    oq_engine_options o;
    if (!read || !out) {
        snprintf(restore_err, RESTORE_MSG, "%s is NULL", read ? "out" : "read");
        return OQ_EINVAL;
    }
    if (opts && OQ__OPTIONS_COPY(&o, opts, oq_engine_options, alloc, restore_err) != OQ_OK)
        return OQ_EINVAL; /* core.h: versioned structs */
    if (opts)
        opts = &o;
    oq_mem m;
    oq__mem_init(&m, opts ? opts->alloc : NULL, opts ? opts->alloc_user : NULL);
    size_t cap = 65536, n = 0;
    uint8_t *buf = oq__alloc(&m, cap);
    if (!buf) {
        snprintf(restore_err, RESTORE_MSG, "out of memory");
        return OQ_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2 || cap >= ((size_t)1 << 40)) {
                oq__free(&m, buf, cap);
                return fail_corrupt(restore_err, "input larger than any snapshot");
            }
            uint8_t *nb = oq__realloc(&m, buf, cap, cap * 2);
            if (!nb) {
                oq__free(&m, buf, cap);
                snprintf(restore_err, RESTORE_MSG, "out of memory");
                return OQ_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        int64_t k = read(buf + n, cap - n, user);
        if (k < 0 || (uint64_t)k > cap - n) {
            oq__free(&m, buf, cap);
            char msg[96];
            snprintf(msg, sizeof msg, "at byte %zu: the reader reported an error", n);
            return fail_corrupt(restore_err, msg);
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    oq_status st = restore_buffer(opts, buf, n, out, restore_err);
    oq__free(&m, buf, cap);
    return st;
}

oq_status oq_engine_restore(const oq_engine_options *opts, oq_read_fn read, void *user,
                            oq_engine **out, oq_error *err)
{
    char why[RESTORE_MSG] = "";
    return restore_report(err, restore_stream(opts, read, user, out, why), why);
}
