/* SPDX-License-Identifier: MIT */
/* Escalation ladders: defining a queue's steps. What a step does to a
 * waiting contact is in waiting.c; who qualifies at each tier in
 * membership.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

/* The one list of step actions: index = OQ_STEP_* value, the name the
 * configuration loads and dumps (lib/config asks oq_step_action_name), and
 * with it the range steps and snapshots accept (oq__step_action_known). */
static const char *const STEP_ACTION_NAMES[] = {
    [OQ_STEP_LOWER_LEVEL] = "lower_level",       [OQ_STEP_DROP_REQUIRED] = "drop_required",
    [OQ_STEP_ADD_GROUP] = "add_group",           [OQ_STEP_DROP_PREFERRED] = "drop_preferred",
    [OQ_STEP_RAISE_PRIORITY] = "raise_priority", [OQ_STEP_OVERFLOW] = "overflow",
    [OQ_STEP_ALERT] = "alert",                   [OQ_STEP_PRIORITY_AT_LEAST] = "priority_at_least",
};

int oq__step_action_known(int32_t action)
{
    return action >= 0 && action < (int32_t)(sizeof STEP_ACTION_NAMES / sizeof *STEP_ACTION_NAMES) &&
           STEP_ACTION_NAMES[action];
}

const char *oq_step_action_name(int32_t action)
{
    return oq__step_action_known(action) ? STEP_ACTION_NAMES[action] : "unknown";
}

void oq_escalation_step_init(oq_escalation_step *step)
{
    if (!step)
        return;
    memset(step, 0, sizeof *step);
    step->struct_size = sizeof *step;
    step->action = OQ_STEP_ALERT;
    step->timing = OQ_STEP_AFTER_ENTRY;
}

/* The minimum level of `skill` the queue requires once steps [0, n) fired. */
static int32_t required_after(const oq_queue *q, int32_t n, int32_t skill)
{
    int32_t need = oq__level_of(q->req, q->n_req, skill);
    for (int32_t j = 0; j < n; j++) {
        const oq_step *st = &q->steps[j];
        if (st->skill != skill)
            continue;
        if (st->action == OQ_STEP_LOWER_LEVEL && st->level < need)
            need = st->level;
        else if (st->action == OQ_STEP_DROP_REQUIRED)
            need = 0;
    }
    return need;
}

static int relaxes(int32_t action)
{
    return action == OQ_STEP_LOWER_LEVEL || action == OQ_STEP_DROP_REQUIRED ||
           action == OQ_STEP_ADD_GROUP;
}

/* Validate a step and resolve its ids into *out (no side effects). */
static oq_status resolve_step(oq_engine *e, oq_queue *q, const oq_escalation_step *s, oq_step *out)
{
    const char *qid = q->id;
    int32_t n = q->n_steps;
    if (n >= OQ_LADDER_MAX)
        return oq__fail(e, OQ_ERANGE, "queue '%s': a ladder has at most %d steps", qid, OQ_LADDER_MAX);
    if (!oq__step_action_known(s->action))
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].action: unknown action %d", qid, n, s->action);
    if (s->timing != OQ_STEP_AFTER_ENTRY && s->timing != OQ_STEP_AFTER_PREVIOUS)
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].timing: unknown timing %d", qid, n, s->timing);
    if (!isfinite(s->after_s) || s->after_s < 0 || s->after_s > 9.0e12)
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].after_s must be a finite number >= 0", qid, n);
    if (s->skip_if_no_agents < OQ_SKIP_NEVER || s->skip_if_no_agents > OQ_SKIP_NONE_LOGGED_IN)
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].skip_if_no_agents must be OQ_SKIP_NEVER, OQ_SKIP_NONE_AVAILABLE or OQ_SKIP_NONE_LOGGED_IN (0..2), got %d",
                        qid, n, s->skip_if_no_agents);
    if (!isfinite(s->when_ewt_above_s) || s->when_ewt_above_s < 0)
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].when_ewt_above_s must be a finite number >= 0", qid, n);
    if (!(s->when_sl_below >= 0 && s->when_sl_below <= 1))
        return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].when_sl_below must be within [0, 1]", qid, n);
    memset(out, 0, sizeof *out);
    out->action = s->action;
    out->timing = s->timing;
    out->after_ms = (int64_t)(s->after_s * 1000.0 + 0.5);
    out->skill = out->group = out->queue = -1;
    out->skip_if_no_agents = s->skip_if_no_agents;
    out->when_ewt_above_s = s->when_ewt_above_s;
    out->when_sl_below = s->when_sl_below;
    oq_status st = OQ_OK;
    char field[32];
    switch (s->action) {
    case OQ_STEP_LOWER_LEVEL:
    case OQ_STEP_DROP_REQUIRED:
    case OQ_STEP_DROP_PREFERRED: {
        oq_skill *sk = NULL;
        snprintf(field, sizeof field, "step[%d].skill", n);
        if ((st = oq__find_skill(e, field, s->skill, &sk)) != OQ_OK)
            return st;
        out->skill = sk->idx;
        int32_t need = required_after(q, n, sk->idx);
        if (s->action == OQ_STEP_DROP_PREFERRED)
            break;
        if (need == 0)
            return oq__fail(e, OQ_ESTATE, "queue '%s': step[%d]: skill '%s' is not required at that point",
                            qid, n, s->skill);
        if (s->action == OQ_STEP_LOWER_LEVEL) {
            if (s->level < 1 || s->level >= need)
                return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].level must be 1..%d (below the current %d)",
                                qid, n, need - 1, need);
            out->level = s->level;
        }
        break;
    }
    case OQ_STEP_ADD_GROUP: {
        oq_group *g = NULL;
        snprintf(field, sizeof field, "step[%d].group", n);
        if ((st = oq__find_group(e, field, s->group, &g)) != OQ_OK)
            return st;
        if (q->n_groups == 0)
            return oq__fail(e, OQ_ESTATE, "queue '%s': step[%d]: the queue targets no group, every agent already qualifies",
                            qid, n);
        out->group = g->idx;
        break;
    }
    case OQ_STEP_RAISE_PRIORITY:
    case OQ_STEP_PRIORITY_AT_LEAST:
        if (s->priority < -OQ_PRIORITY_MAX || s->priority > OQ_PRIORITY_MAX)
            return oq__fail(e, OQ_EINVAL, "queue '%s': step[%d].priority must be within +-%d", qid, n,
                            OQ_PRIORITY_MAX);
        out->priority = s->priority;
        break;
    case OQ_STEP_OVERFLOW: {
        oq_queue *t = NULL;
        snprintf(field, sizeof field, "step[%d].queue", n);
        if ((st = oq__find_queue(e, field, s->queue, &t)) != OQ_OK)
            return st;
        if (t == q)
            return oq__fail(e, OQ_ESTATE, "queue '%s': step[%d] overflows to the queue itself", qid, n);
        out->queue = t->idx;
        break;
    }
    default: /* OQ_STEP_ALERT */
        if (s->message) {
            snprintf(field, sizeof field, "step[%d].message", n);
            if ((st = oq__check_id(e, field, s->message)) != OQ_OK)
                return st;
        }
        break;
    }
    return OQ_OK;
}

int32_t oq__ladder_first_invalid(const oq_queue *q)
{
    for (int32_t j = 0; j < q->n_steps; j++) {
        const oq_step *st = &q->steps[j];
        if (st->action == OQ_STEP_LOWER_LEVEL || st->action == OQ_STEP_DROP_REQUIRED) {
            int32_t need = required_after(q, j, st->skill);
            if (need == 0 || (st->action == OQ_STEP_LOWER_LEVEL && st->level >= need))
                return j;
        } else if (st->action == OQ_STEP_ADD_GROUP && q->n_groups == 0) {
            return j;
        }
    }
    return -1;
}

static void step_refs(oq_engine *e, const oq_step *st, int32_t sign)
{
    if (st->skill >= 0)
        e->skills[st->skill]->refs += sign;
    if (st->group >= 0)
        e->groups[st->group]->refs += sign;
    if (st->queue >= 0)
        e->queues[st->queue]->refs += sign;
}

static oq_status find_idle_queue(oq_engine *e, int64_t now_ms, const char *queue, oq_queue **out)
{
    oq_status st = oq__queue_at(e, now_ms, queue, out);
    if (st != OQ_OK)
        return st;
    oq_queue *q = *out;
    if (q->n_queued + q->n_offered + q->n_active + q->n_parked > 0)
        return oq__fail(e, OQ_ESTATE, "queue '%s': its ladder cannot change while it holds contacts",
                        queue);
    return OQ_OK;
}

oq_status oq_queue_add_step(oq_engine *e, int64_t now_ms, const char *queue,
                            const oq_escalation_step *step)
{
    oq_escalation_step full; /* the caller's step over the defaults: core.h, versioned structs */
    oq_status st0 = OQ__SPEC_IN(e, &full, step, oq_escalation_step, action);
    if (st0 != OQ_OK)
        return st0;
    step = &full;
    OQ_RECORDED(e, QUEUE_ADD_STEP, oq_queue_add_step, now_ms, queue, step);
    oq_queue *q = NULL;
    oq_status st = find_idle_queue(e, now_ms, queue, &q);
    oq_step s;
    if (st == OQ_OK)
        st = resolve_step(e, q, step, &s);
    if (st != OQ_OK)
        return st;
    if (step->action == OQ_STEP_ALERT && step->message &&
        !(s.message = oq__strndup(&e->mem, step->message, strlen(step->message))))
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", queue);
    if (!oq__grow(&e->mem, (void **)&q->steps, &q->cap_steps, q->n_steps + 1, sizeof *q->steps)) {
        oq__strfree(&e->mem, s.message);
        return oq__fail(e, OQ_ENOMEM, "queue '%s': out of memory", queue);
    }
    s.tier_after = q->n_tiers - 1 + relaxes(s.action);
    q->steps[q->n_steps++] = s;
    int32_t old_tiers = q->n_tiers;
    q->n_tiers = s.tier_after + 1;
    if ((st = oq__sync_queue(e, q)) != OQ_OK) {
        q->n_steps--;
        q->n_tiers = old_tiers;
        oq__strfree(&e->mem, s.message);
        return oq__fail(e, st, "queue '%s': out of memory", queue);
    }
    step_refs(e, &s, +1);
    for (int32_t i = 0; i < q->n_members; i++)
        oq__mark_agent(e, q->members[i]->agent);
    oq__dispatch(e);
    return OQ_OK;
}

void oq__ladder_clear(oq_engine *e, oq_queue *q)
{
    for (int32_t i = 0; i < q->n_steps; i++) {
        step_refs(e, &q->steps[i], -1);
        oq__strfree(&e->mem, q->steps[i].message);
    }
    q->n_steps = 0;
    q->n_tiers = 1;
}

oq_status oq_queue_clear_steps(oq_engine *e, int64_t now_ms, const char *queue)
{
    OQ_RECORDED(e, QUEUE_CLEAR_STEPS, oq_queue_clear_steps, now_ms, queue);
    oq_queue *q = NULL;
    oq_status st = find_idle_queue(e, now_ms, queue, &q);
    if (st != OQ_OK)
        return st;
    /* Dropping relaxations only narrows who qualifies: re-syncing frees
     * members and never allocates, so it cannot fail. */
    oq__ladder_clear(e, q);
    st = oq__sync_queue(e, q);
    (void)st;
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_queue_step_count(const oq_engine *e, const char *queue, int32_t *count)
{
    if (!e)
        return OQ_EINVAL;
    if (!count)
        return oq__fail(e, OQ_EINVAL, "count is NULL");
    const oq_queue *q = NULL;
    oq_status st = oq__lookup_queue(e, "queue", queue, &q);
    if (st == OQ_OK)
        *count = q->n_steps;
    return st;
}
