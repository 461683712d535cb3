/* SPDX-License-Identifier: MIT */
/* Agent presence: login, ready, not ready, logout, end of wrap-up. */
#include <string.h>

#include "engine/internal.h"
#include "engine/journal.h"

/* Apply a presence (and reason, already copied or NULL) and route. An agent
 * going not ready gives back the offers ringing on it (unless their queue
 * keeps them ringing). */
static void set_presence(oq_engine *e, oq_agent *a, int32_t presence, char *reason)
{
    oq__strfree(&e->mem, a->nr_reason);
    a->nr_reason = reason;
    if (presence != a->presence)
        a->presence_gen++; /* a presence change ends its exclusions from contacts */
    oq__agent_set_presence(e, a, presence);
    oq__agent_reindex(e, a);
    if (presence == OQ_AGENT_NOT_READY) {
        oq__offers_withdraw(e, a, OQ_WITHDRAWN_NOT_READY, 1);
        oq__agent_end_reservations(e, a); /* contacts waiting for it go to others at once */
    }
    oq__agent_refresh(e, a);
    oq__mark_agent(e, a);
    oq__dispatch(e);
}

/* An agent going READY may take offers: service blocks for them first
 * (svc.c), before the call changes anything. */
static oq_status reserve_ready(oq_engine *e, const oq_agent *a)
{
    if (!oq__svc_reserve_agent(e, a, a->svc_k, 1))
        return oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", a->id);
    return OQ_OK;
}

static oq_status copy_reason(oq_engine *e, const char *agent, const char *reason, char **out)
{
    *out = NULL;
    if (!reason || !*reason)
        return OQ_OK;
    oq_status st = oq__check_id(e, "reason", reason);
    if (st != OQ_OK)
        return st;
    *out = oq__strndup(&e->mem, reason, strlen(reason));
    return *out ? OQ_OK : oq__fail(e, OQ_ENOMEM, "agent '%s': out of memory", agent);
}

oq_status oq_agent_login(oq_engine *e, int64_t now_ms, const char *agent, int32_t ready)
{
    OQ_RECORDED(e, AGENT_LOGIN, oq_agent_login, now_ms, agent, ready);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (ready != 0 && ready != 1)
        return oq__fail(e, OQ_EINVAL, "agent '%s': ready must be 0 or 1, got %d", agent, ready);
    if (a->presence != OQ_AGENT_OFFLINE)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is already logged in", agent);
    char *reason = NULL;
    if (ready && (st = reserve_ready(e, a)) != OQ_OK)
        return st;
    if (!ready && (st = copy_reason(e, agent, "login", &reason)) != OQ_OK)
        return st;
    a->last_activity = e->now;
    set_presence(e, a, ready ? OQ_AGENT_READY : OQ_AGENT_NOT_READY, reason);
    return OQ_OK;
}

oq_status oq_agent_ready(oq_engine *e, int64_t now_ms, const char *agent)
{
    OQ_RECORDED(e, AGENT_READY, oq_agent_ready, now_ms, agent);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (a->presence == OQ_AGENT_OFFLINE)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is logged out: log it in first", agent);
    if ((st = reserve_ready(e, a)) != OQ_OK)
        return st;
    set_presence(e, a, OQ_AGENT_READY, NULL);
    return OQ_OK;
}

oq_status oq_agent_not_ready(oq_engine *e, int64_t now_ms, const char *agent, const char *reason)
{
    OQ_RECORDED(e, AGENT_NOT_READY, oq_agent_not_ready, now_ms, agent, reason);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (a->presence == OQ_AGENT_OFFLINE)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is logged out: log it in first", agent);
    char *copy = NULL;
    if ((st = copy_reason(e, agent, reason, &copy)) != OQ_OK)
        return st;
    set_presence(e, a, OQ_AGENT_NOT_READY, copy);
    return OQ_OK;
}

oq_status oq_agent_logout(oq_engine *e, int64_t now_ms, const char *agent)
{
    OQ_RECORDED(e, AGENT_LOGOUT, oq_agent_logout, now_ms, agent);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (a->presence == OQ_AGENT_OFFLINE)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is already logged out", agent);
    a->presence_gen++;
    oq__agent_set_presence(e, a, OQ_AGENT_OFFLINE); /* first: withdrawn offers cannot come back */
    oq__agent_reindex(e, a);
    oq__offers_withdraw(e, a, "offer withdrawn: agent logged out", 0);
    oq__agent_end_reservations(e, a);
    oq__agent_disown(e, a);
    oq__strfree(&e->mem, a->nr_reason);
    a->nr_reason = NULL;
    oq__agent_refresh(e, a);
    oq__agent_announce_logout(e, a); /* wallboards see it now, not when the work ends */
    oq__mark_agent(e, a);
    oq__dispatch(e);
    return OQ_OK;
}

oq_status oq_agent_end_wrapup(oq_engine *e, int64_t now_ms, const char *agent)
{
    OQ_RECORDED(e, AGENT_END_WRAPUP, oq_agent_end_wrapup, now_ms, agent);
    oq_agent *a = NULL;
    oq_status st = oq__agent_at(e, now_ms, agent, &a);
    if (st != OQ_OK)
        return st;
    if (a->n_wrapup == 0)
        return oq__fail(e, OQ_ESTATE, "agent '%s' is not in wrap-up", agent);
    for (oq_contact *c = a->held, *next; c; c = next) {
        next = c->link_next;
        if (c->state == OQ_CONTACT_WRAPUP) {
            oq__ctimer_cancel(e, c, OQ_CT_SERVICE);
            oq__wrapup_expired(e, c);
        }
    }
    oq__dispatch(e);
    return OQ_OK;
}
