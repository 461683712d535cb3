/* SPDX-License-Identifier: MIT */
/* The engine's event sink. Runs inside engine calls: it may only read the
 * engine. It (1) keeps the tenant's contact registry, (2) formats the event
 * as a JSON line and appends it to the output of the tenant's clients that
 * asked for it (the agent's "hello" connections, and monitors). Nothing is sent from here: the
 * loop sends only after the journal records of the call are committed. */
#include <string.h>

#include "protocol/json.h"
#include "server.h"

void events_write(buf *b, const oq_event *ev)
{
    buf_puts(b, "{\"event\":");
    json_put_string(b, oq_event_type_name(ev->type));
    buf_printf(b, ",\"time_ms\":%lld", (long long)ev->time_ms);
    if (ev->contact) {
        buf_puts(b, ",\"contact\":");
        json_put_string(b, ev->contact);
    }
    if (ev->agent) {
        buf_puts(b, ",\"agent\":");
        json_put_string(b, ev->agent);
    }
    if (ev->queue) {
        buf_puts(b, ",\"queue\":");
        json_put_string(b, ev->queue);
    }
    if (ev->from_queue) {
        buf_puts(b, ",\"from_queue\":");
        json_put_string(b, ev->from_queue);
    }
    if (ev->channel) {
        buf_puts(b, ",\"channel\":");
        json_put_string(b, ev->channel);
    }
    if (ev->detail) {
        buf_puts(b, ",\"detail\":");
        json_put_string(b, ev->detail);
    }
    if (ev->type == OQ_EV_AGENT_STATE) {
        buf_puts(b, ",\"state\":");
        json_put_string(b, oq_agent_state_name(ev->agent_state));
        buf_puts(b, ",\"prev_state\":");
        json_put_string(b, oq_agent_state_name(ev->prev_agent_state));
    }
    if (ev->type == OQ_EV_OFFERED || ev->type == OQ_EV_ASSIGNED || ev->type == OQ_EV_ABANDONED)
        buf_printf(b, ",\"wait_ms\":%lld", (long long)ev->wait_ms);
    buf_puts(b, "}\n");
}

void events_on_event(const oq_event *ev, void *user)
{
    tenant *t = user;
    server *s = t->srv;
    switch (ev->type) {
    case OQ_EV_CONTACT_QUEUED:
    case OQ_EV_REOPENED:
        if (ev->contact)
            registry_add(t->reg, ev->contact);
        break;
    case OQ_EV_COMPLETED:
    case OQ_EV_ABANDONED:
    case OQ_EV_REMOVED:
    case OQ_EV_QUEUE_REJECTED:
        if (ev->contact)
            registry_remove(t->reg, ev->contact);
        break;
    default:
        break;
    }
    buf line = {0};
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (c->dead || c->t != t) /* a standby's replay reaches nobody: its leader told them */
            continue;
        if (!c->monitor && !(c->agent[0] && ev->agent && strcmp(c->agent, ev->agent) == 0))
            continue;
        if (!line.len)
            events_write(&line, ev);
        buf_put(&c->out, line.data, line.len);
    }
    buf_free(&line);
}
