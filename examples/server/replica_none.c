/* SPDX-License-Identifier: MIT */
/* The JetStream side when the server is built without libnats: --journal
 * is refused at start-up; everything else is never reached (no tenant ever
 * leads or stands by) or answers for the one SQLite tenant. */
#include <stdio.h>

#include "server.h"

int replica_supported(void)
{
    fprintf(stderr, "omniq-server: --journal: this server was built without NATS JetStream support "
                    "(install libnats-dev and rebuild)\n");
    return 0;
}

int replica_start(server *s)
{
    (void)s;
    return -1;
}

void replica_stop(server *s) { (void)s; }

int replica_submit(tenant *t)
{
    (void)t;
    return -1;
}

int replica_finish(tenant *t, int with_snapshot, int64_t now_ms)
{
    (void)t;
    (void)with_snapshot;
    (void)now_ms;
    return -1;
}

void replica_tick(server *s, int64_t now_ms)
{
    (void)s;
    (void)now_ms;
}

int64_t replica_wait_ms(server *s)
{
    (void)s;
    return 1000;
}

int replica_handover(tenant *t, const char *to, char *err, size_t errlen)
{
    (void)to;
    snprintf(err, errlen, "tenant '%s' is not replicated (this server keeps it in SQLite)", t->name);
    return -1;
}

void replica_leader(tenant *t, char *addr, size_t alen, char *holder, size_t hlen)
{
    snprintf(addr, alen, "%s", t->srv->advertise);
    snprintf(holder, hlen, "%s", t->srv->name);
}

const char *replica_snapshot_phase(tenant *t)
{
    (void)t;
    return "none";
}

uint64_t replica_lag(tenant *t)
{
    (void)t;
    return 0;
}

void replica_release(server *s) { (void)s; }
