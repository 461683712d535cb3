/* SPDX-License-Identifier: MIT */
/* Statistics: the read side. Nothing here changes routing; the only state a
 * read may touch is closing intervals that have already ended (no timer
 * armed) and the engine's last-error message. */
#include <string.h>

#include "stats/internal.h"
#include "stats/kpi.h"

const char *oq_sl_definition_name(int32_t definition)
{
    switch (definition) {
    case OQ_SL_ANSWERED_ABANDONED: return "answered_within_t/(answered+abandoned)";
    case OQ_SL_OFFERED: return "answered_within_t/offered";
    case OQ_SL_OFFERED_NO_SHORT: return "answered_within_t/(offered-short_abandoned)";
    case OQ_SL_ANSWERED: return "answered_within_t/answered";
    case OQ_SL_ASTERISK_SL2: return "(answered_within_t+abandoned_within_t)/(answered+abandoned)";
    default: return "unknown";
    }
}

static double ratio(int64_t num, int64_t den) { return oq__kpi_ratio((double)num, (double)den, 0.0); }

/* The counts of a service level, from as much of the caller's struct as it
 * holds (fields past it count as 0). 0 when the struct is refused. */
static int sl_counts(const oq_queue_stats *caller, oq__kpi_counts *k)
{
    oq_queue_stats full;
    memset(&full, 0, sizeof full);
    if (!caller ||
        oq__options_copy(&full, caller, sizeof full, _Alignof(oq_queue_stats),
                         OQ__FIELD_END(oq_queue_stats, period), "oq_queue_stats", NULL) != OQ_OK)
        return 0;
    *k = (oq__kpi_counts){full.offered, full.answered, full.answered_within,
                          full.abandoned, full.abandoned_short, full.abandoned_within};
    return 1;
}

oq_status oq_stats_service_level_if_empty(const oq_queue_stats *s, int32_t definition,
                                          double if_empty, double *out)
{
    oq__kpi_counts k;
    if (!out || !(if_empty >= 0 && if_empty <= 1) || !sl_counts(s, &k))
        return OQ_EINVAL;
    return oq__kpi_service_level(&k, definition, if_empty, out) ? OQ_OK : OQ_EINVAL;
}

oq_status oq_stats_service_level(const oq_queue_stats *s, int32_t definition, double *out)
{
    return oq_stats_service_level_if_empty(s, definition, 0.0, out);
}

/* The two gauges that grow with time alone: the age of the oldest waiting
 * contact and of the oldest live one (the others are counts). */
void oq__sgauge_ages(const oq_stats *S, const oq_sobj *ob, int scope, int64_t t, oq_sgauge *g)
{
    g->longest_ms = g->backlog_age_ms = 0;
    if (!ob)
        return;
    int wait_kind = scope == OQ_SCOPE_QUEUE ? L_QWAIT : scope == OQ_SCOPE_CHANNEL ? L_CHWAIT : L_CEWAIT;
    int64_t w = oq__slist_oldest(S, &ob->wait, wait_kind);
    g->longest_ms = w == INT64_MIN ? 0 : t - w;
    if (scope != OQ_SCOPE_QUEUE) {
        int64_t l = oq__slist_oldest(S, &ob->live, scope == OQ_SCOPE_CHANNEL ? L_CHLIVE : L_CELIVE);
        g->backlog_age_ms = l == INT64_MIN ? 0 : t - l;
    }
}

void oq__sgauges(oq_engine *e, const oq_sobj *ob, int scope, int32_t idx, int64_t t, oq_sgauge *g)
{
    oq_stats *S = e->stats;
    memset(g, 0, sizeof *g);
    if (ob) {
        g->waiting = ob->wait.n;
        if (scope != OQ_SCOPE_QUEUE)
            g->backlog = ob->live.n;
    }
    oq__sgauge_ages(S, ob, scope, t, g);
    int32_t n_state[5] = {0};
    if (scope == OQ_SCOPE_CENTER) {
        memcpy(n_state, S->agents_in, sizeof n_state);
    } else if (scope == OQ_SCOPE_QUEUE) {
        const oq_queue *q = idx < e->n_queues ? e->queues[idx] : NULL;
        if (q) {
            g->backlog = q->n_queued + q->n_offered + q->n_active;
            for (int32_t i = 0; i < q->n_members; i++) {
                int32_t st = q->members[i]->agent->state;
                if (st >= 0 && st < 5)
                    n_state[st]++;
            }
        }
    } else if (idx < e->n_channels && e->channels[idx]) {
        for (int32_t i = 0; i < e->n_agents; i++) {
            const oq_agent *a = e->agents[i];
            if (a && a->state > OQ_AGENT_OFFLINE && a->state < 5 &&
                oq__agent_channel_limit(e, a, idx) > 0)
                n_state[a->state]++;
        }
    }
    g->ready = n_state[OQ_AGENT_READY];
    g->busy = n_state[OQ_AGENT_BUSY];
    g->wrapup = n_state[OQ_AGENT_WRAPUP];
    g->not_ready = n_state[OQ_AGENT_NOT_READY];
}

/* One row of the counters table read into oq_queue_stats (stats/counters.h). */
#define OQ__READ_COUNT(o, k, id, field, per) (o)->field = (k)[K_##id];
#define OQ__READ_MEAN_S(o, k, id, field, per) (o)->field = oq__kpi_mean_ms((k)[K_##id], (k)[K_##per]);
#define OQ__READ_MAX_S(o, k, id, field, per) (o)->field = (double)(k)[K_##id] / 1000.0;

void oq__stats_fill(const oq_stats *S, const oq_sblock *b, const oq_sgauge *g, oq_queue_stats *o)
{
    const int64_t *k = b->k;
    o->n_wait_bounds = S->opt.n_wait_bounds;
#define OQ__READ_ROW(id, read, field, per) OQ__READ_##read(o, k, id, field, per)
    OQ__STATS_COUNTERS(OQ__READ_ROW)
#undef OQ__READ_ROW
    /* Figures of several counters. */
    oq__kpi_counts n = {o->offered, o->answered, o->answered_within,
                        o->abandoned, o->abandoned_short, o->abandoned_within};
    o->abandon_rate = oq__kpi_abandon_rate(&n);
    o->aht_s = oq__kpi_mean_ms(oq__sat_add(k[K_TALK], k[K_WRAP]), k[K_HANDLED]);
    o->deadline_share = ratio(k[K_DL_MET], k[K_DL_N]);
    o->sl_business = ratio(k[K_BANS_IN], oq__sat_add(k[K_BANS_N], k[K_BAB_N]));
    memcpy(o->wait_hist_answered, b->hist_ans, sizeof o->wait_hist_answered);
    memcpy(o->wait_hist_abandoned, b->hist_ab, sizeof o->wait_hist_abandoned);
    /* The engine's read-out: a service level with nothing to measure is 0. */
    oq__kpi_service_level(&n, OQ_SL_ANSWERED_ABANDONED, 0.0, &o->sl_answered_abandoned);
    oq__kpi_service_level(&n, OQ_SL_OFFERED, 0.0, &o->sl_offered);
    oq__kpi_service_level(&n, OQ_SL_OFFERED_NO_SHORT, 0.0, &o->sl_offered_no_short);
    oq__kpi_service_level(&n, OQ_SL_ANSWERED, 0.0, &o->sl_answered);
    oq__kpi_service_level(&n, OQ_SL_ASTERISK_SL2, 0.0, &o->sl_asterisk_sl2);
    o->waiting_now = g->waiting;
    o->agents_ready = g->ready;
    o->agents_busy = g->busy;
    o->agents_wrapup = g->wrapup;
    o->agents_not_ready = g->not_ready;
    o->backlog = g->backlog;
    o->longest_wait_s = (double)g->longest_ms / 1000.0;
    o->backlog_age_s = (double)g->backlog_age_ms / 1000.0;
    o->dropped = S->dropped;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Sum the window's buckets (O(n_buckets)). */
static void window_sum(const oq_stats *S, const oq_sobj *ob, int64_t now, oq_sblock *out)
{
    memset(out, 0, sizeof *out);
    int64_t b_now = floor_div(now, S->bucket_ms);
    for (int32_t i = 0; i < S->n_buckets; i++) {
        const oq_sblock *w = &ob->win[i];
        if (w->stamp == INT64_MIN || w->stamp > b_now || w->stamp <= b_now - S->n_buckets)
            continue;
        oq__sblock_fold(out, w);
    }
}

static oq_status check_period(oq_engine *e, int32_t period, int agents)
{
    if (period == OQ_PERIOD_INTERVAL || period == OQ_PERIOD_DAY ||
        (!agents && period == OQ_PERIOD_WINDOW))
        return OQ_OK;
    if (agents && period == OQ_PERIOD_WINDOW)
        return oq__fail(e, OQ_EINVAL, "period: OQ_PERIOD_WINDOW is not kept for agents");
    return oq__fail(e, OQ_EINVAL,
                    "period: must be OQ_PERIOD_INTERVAL (0), OQ_PERIOD_WINDOW (1) or "
                    "OQ_PERIOD_DAY (2), got %d",
                    period);
}

static oq_status read_obj(oq_engine *e, const oq_sobj *ob, int scope, int32_t idx, int32_t period,
                          oq_queue_stats *out)
{
    oq_stats *S = e->stats;
    oq_sblock zero, win; /* win: the window's or the day's sum */
    memset(&zero, 0, sizeof zero);
    const oq_sblock *b = &zero;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out; /* whole, for the service levels computed from it */
    out->period = period;
    out->end_ms = e->now;
    switch (period) {
    case OQ_PERIOD_INTERVAL:
        out->start_ms = S->cur_start;
        if (ob)
            b = &ob->cur;
        break;
    case OQ_PERIOD_WINDOW: {
        int64_t from = (floor_div(e->now, S->bucket_ms) - S->n_buckets + 1) * S->bucket_ms;
        out->start_ms = from;
        if (ob) {
            window_sum(S, ob, e->now, &win);
            b = &win;
        }
        break;
    }
    default:
        out->start_ms = S->day_start;
        if (ob)
            b = oq__sday(S, ob, &win);
        break;
    }
    oq_sgauge g;
    oq__sgauges(e, ob, scope, idx, e->now, &g);
    oq__stats_fill(S, b, &g, out);
    return OQ_OK;
}

/* Common entry of the reads: engine, out, and lazily closed intervals. */
static oq_status enter_read(const oq_engine *ce, const void *out, oq_engine **e)
{
    if (!ce)
        return OQ_EINVAL;
    *e = (oq_engine *)ce; /* only bookkeeping and the error message are written */
    if (!out)
        return oq__fail(*e, OQ_EINVAL, "out is NULL");
    oq_status st = oq__stats_kept(*e);
    if (st != OQ_OK)
        return st;
    oq__stats_roll(*e, (*e)->now);
    return OQ_OK;
}

/* enter_read for the readers of oq_queue_stats, with the caller's struct_size checked. */
static oq_status enter_queue_read(const oq_engine *ce, oq_queue_stats *caller, oq_engine **e)
{
    oq_status st = enter_read(ce, caller, e);
    return st == OQ_OK ? OQ__OUT_CHECK(*e, caller, oq_queue_stats, period) : st;
}

/* The figures read into *full written to the caller's struct as far as it fits. */
static oq_status handed_over(oq_queue_stats *caller, const oq_queue_stats *full, oq_status st)
{
    if (st == OQ_OK)
        oq__output_copy(caller, full, sizeof *full);
    return st;
}

static oq_sobj *existing(oq_sobj **arr, int32_t cap, int32_t idx)
{
    return idx < cap ? arr[idx] : NULL;
}

oq_status oq_stats_queue(const oq_engine *ce, const char *queue, int32_t period, oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_queue *q = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", queue, &q);
    if (st == OQ_OK)
        st = check_period(e, period, 0);
    if (st != OQ_OK)
        return st;
    st = read_obj(e, existing(e->stats->queues, e->stats->cap_queues, q->idx), OQ_SCOPE_QUEUE,
                  q->idx, period, out);
    out->threshold_s = q->sla_threshold_s;
    return handed_over(caller, out, st);
}

oq_status oq_stats_channel(const oq_engine *ce, const char *channel, int32_t period,
                           oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_channel *ch = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &ch);
    if (st == OQ_OK)
        st = check_period(e, period, 0);
    if (st != OQ_OK)
        return st;
    st = read_obj(e, existing(e->stats->channels, e->stats->cap_channels, ch->idx),
                  OQ_SCOPE_CHANNEL, ch->idx, period, out);
    out->threshold_s = -1;
    return handed_over(caller, out, st);
}

oq_status oq_stats_center(const oq_engine *ce, int32_t period, oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st == OQ_OK)
        st = check_period(e, period, 0);
    if (st != OQ_OK)
        return st;
    st = read_obj(e, e->stats->center, OQ_SCOPE_CENTER, 0, period, out);
    out->threshold_s = -1;
    return handed_over(caller, out, st);
}

oq_status oq_stats_interval_count(const oq_engine *ce, int32_t *count)
{
    oq_engine *e = NULL;
    oq_status st = enter_read(ce, count, &e);
    if (st != OQ_OK)
        return st;
    const oq_stats *S = e->stats;
    *count = (int32_t)(S->closed < S->opt.ring_size ? S->closed : S->opt.ring_size);
    return OQ_OK;
}

static oq_status read_closed(oq_engine *e, const oq_sobj *ob, int32_t k, oq_queue_stats *out)
{
    oq_stats *S = e->stats;
    int32_t n = (int32_t)(S->closed < S->opt.ring_size ? S->closed : S->opt.ring_size);
    if (k < 0 || k >= n)
        return oq__fail(e, OQ_EINVAL, "k: %d is out of range: %d closed intervals kept", k, n);
    int64_t number = S->closed - 1 - k;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out; /* whole, for the service levels computed from it */
    out->period = OQ_PERIOD_CLOSED;
    out->end_ms = S->cur_start - (int64_t)k * S->interval_ms;
    out->start_ms = out->end_ms - S->interval_ms;
    const oq_sclosed *c = ob ? &ob->ring[number % S->opt.ring_size] : NULL;
    if (c && c->number == number) {
        out->start_ms = c->start;
        out->end_ms = c->end;
        oq__stats_fill(S, &c->b, &c->g, out);
    } else {
        oq_sblock zero;
        oq_sgauge g;
        memset(&zero, 0, sizeof zero);
        memset(&g, 0, sizeof g);
        oq__stats_fill(S, &zero, &g, out);
    }
    return OQ_OK;
}

oq_status oq_stats_interval_queue(const oq_engine *ce, const char *queue, int32_t k,
                                  oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_queue *q = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st == OQ_OK)
        st = oq__find_queue(e, "queue", queue, &q);
    if (st != OQ_OK)
        return st;
    st = read_closed(e, existing(e->stats->queues, e->stats->cap_queues, q->idx), k, out);
    if (st == OQ_OK)
        out->threshold_s = q->sla_threshold_s;
    return handed_over(caller, out, st);
}

oq_status oq_stats_interval_channel(const oq_engine *ce, const char *channel, int32_t k,
                                    oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_channel *ch = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &ch);
    if (st != OQ_OK)
        return st;
    st = read_closed(e, existing(e->stats->channels, e->stats->cap_channels, ch->idx), k, out);
    if (st == OQ_OK)
        out->threshold_s = -1;
    return handed_over(caller, out, st);
}

oq_status oq_stats_interval_center(const oq_engine *ce, int32_t k, oq_queue_stats *caller)
{
    oq_queue_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_engine *e = NULL;
    oq_status st = enter_queue_read(ce, caller, &e);
    if (st != OQ_OK)
        return st;
    st = read_closed(e, e->stats->center, k, out);
    if (st == OQ_OK)
        out->threshold_s = -1;
    return handed_over(caller, out, st);
}

/* ---- agents ------------------------------------------------------------------ */

static oq_status find_agent_stats(const oq_engine *ce, const char *agent, int32_t period,
                                  const void *out, oq_engine **e, oq_agent **a,
                                  const oq_sagent **g)
{
    oq_status st = enter_read(ce, out, e);
    if (st == OQ_OK)
        st = oq__find_agent(*e, "agent", agent, a);
    if (st == OQ_OK)
        st = check_period(*e, period, 1);
    if (st != OQ_OK)
        return st;
    const oq_stats *S = (*e)->stats;
    *g = (*a)->idx < S->cap_agents ? S->agents[(*a)->idx] : NULL;
    return OQ_OK;
}

/* The accumulator of `period` brought up to now (without changing it). */
static void agent_acc_now(const oq_engine *e, const oq_sagent *g, int32_t period, oq_sagent_acc *acc)
{
    *acc = period == OQ_PERIOD_INTERVAL ? g->cur : g->day;
    int64_t dt = e->now - g->last_t;
    if (dt <= 0)
        return;
    acc->state_ms[g->state] = oq__sat_add(acc->state_ms[g->state], dt);
    if (g->state != OQ_AGENT_OFFLINE) {
        acc->used_int += (double)g->used * (double)dt;
        acc->cap_int += (double)g->cap * (double)dt;
    }
    if (g->state == OQ_AGENT_NOT_READY && g->reason >= 0)
        acc->reason_ms[g->reason] = oq__sat_add(acc->reason_ms[g->reason], dt);
}

oq_status oq_stats_agent(const oq_engine *ce, const char *agent, int32_t period,
                         oq_agent_stats *caller)
{
    oq_engine *e = NULL;
    oq_agent *a = NULL;
    const oq_sagent *g = NULL;
    oq_agent_stats full, *out = &full; /* handed over as far as the caller's fits */
    oq_status st = find_agent_stats(ce, agent, period, caller, &e, &a, &g);
    if (st == OQ_OK)
        st = OQ__OUT_CHECK(e, caller, oq_agent_stats, period);
    if (st != OQ_OK)
        return st;
    const oq_stats *S = e->stats;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out; /* whole, for the service levels computed from it */
    out->period = period;
    out->state = a->state;
    out->start_ms = period == OQ_PERIOD_INTERVAL ? S->cur_start : S->day_start;
    out->end_ms = e->now;
    out->dropped = S->dropped;
    if (!g) {
        oq__output_copy(caller, out, sizeof *out);
        return OQ_OK;
    }
    oq_sagent_acc acc;
    agent_acc_now(e, g, period, &acc);
    out->offline_s = (double)acc.state_ms[OQ_AGENT_OFFLINE] / 1000.0;
    out->ready_s = (double)acc.state_ms[OQ_AGENT_READY] / 1000.0;
    out->not_ready_s = (double)acc.state_ms[OQ_AGENT_NOT_READY] / 1000.0;
    out->busy_s = (double)acc.state_ms[OQ_AGENT_BUSY] / 1000.0;
    out->wrapup_s = (double)acc.state_ms[OQ_AGENT_WRAPUP] / 1000.0;
    int64_t busy = oq__sat_add(acc.state_ms[OQ_AGENT_BUSY], acc.state_ms[OQ_AGENT_WRAPUP]);
    int64_t logged = oq__sat_add(oq__sat_add(acc.state_ms[OQ_AGENT_READY], acc.state_ms[OQ_AGENT_NOT_READY]), busy);
    out->logged_in_s = (double)logged / 1000.0;
    out->occupancy = oq__kpi_occupancy((double)busy, (double)logged);
    out->utilisation = acc.cap_int > 0 ? acc.used_int / acc.cap_int : 0.0;
    out->handled = acc.handled;
    out->aht_s = oq__kpi_mean_ms(oq__sat_add(acc.talk_ms, acc.wrap_ms), acc.handled);
    out->mean_talk_s = oq__kpi_mean_ms(acc.talk_ms, acc.handled);
    out->mean_wrapup_s = oq__kpi_mean_ms(acc.wrap_ms, acc.handled);
    out->offers = acc.offers;
    out->offers_accepted = acc.accepted;
    out->offers_rejected = acc.rejected;
    out->offers_timed_out = acc.timed_out;
    out->n_reasons = g->n_reasons;
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}

oq_status oq_stats_agent_reason(const oq_engine *ce, const char *agent, int32_t period, int32_t k,
                                oq_reason_stats *caller)
{
    oq_engine *e = NULL;
    oq_agent *a = NULL;
    const oq_sagent *g = NULL;
    oq_status st = find_agent_stats(ce, agent, period, caller, &e, &a, &g);
    if (st == OQ_OK)
        st = OQ__OUT_CHECK(e, caller, oq_reason_stats, reason);
    if (st != OQ_OK)
        return st;
    int32_t n = g ? g->n_reasons : 0;
    if (k < 0 || k > n)
        return oq__fail(e, OQ_EINVAL, "k: %d is out of range 0..%d for agent '%s'", k, n, agent);
    oq_reason_stats full = OQ_OUTPUT_INIT(oq_reason_stats), *out = &full;
    if (k == n) {
        out->reason = "(other)";
        k = OQ_STATS_REASONS_MAX;
    } else {
        out->reason = g->reasons[k];
    }
    if (g) {
        oq_sagent_acc acc;
        agent_acc_now(e, g, period, &acc);
        out->seconds = (double)acc.reason_ms[k] / 1000.0;
    }
    oq__output_copy(caller, out, sizeof *out);
    return OQ_OK;
}

oq_status oq_stats_agent_channel(const oq_engine *ce, const char *agent, const char *channel,
                                 int32_t period, int64_t *handled)
{
    oq_engine *e = NULL;
    oq_agent *a = NULL;
    oq_channel *ch = NULL;
    const oq_sagent *g = NULL;
    oq_status st = find_agent_stats(ce, agent, period, handled, &e, &a, &g);
    if (st == OQ_OK)
        st = oq__find_channel(e, "channel", channel, &ch);
    if (st != OQ_OK)
        return st;
    *handled = 0;
    if (g && ch->idx < g->ch_cap)
        *handled = period == OQ_PERIOD_INTERVAL ? g->ch_cur[ch->idx] : g->ch_day[ch->idx];
    return OQ_OK;
}
