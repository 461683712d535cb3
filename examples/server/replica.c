/* SPDX-License-Identifier: MIT */
/* A tenant on the NATS JetStream journal: leading, standing by, failing
 * over, handing over (server.h, jetstream.h).
 *
 *   SYNCING  no engine: load the tenant's snapshot from the snapshot bucket
 *            (or, for a tenant nobody ever led, take its lease and build it
 *            from --config, storing that as snapshot 0), then follow the
 *            stream from the snapshot's message + 1               -> STANDBY
 *   STANDBY  apply every message as it arrives (oq_journal_apply of each of
 *            its records, messages in sequence: a gap or a record that
 *            does not apply means this
 *            replica is wrong and is rebuilt -> SYNCING); watch the lease
 *            every LEASE_POLL_MS. When it expires (its revision unchanged
 *            for --lease-secs), is released, or is handed to this server:
 *            take it (compare-and-set on its revision), catch up to the
 *            stream's end, stop following, turn the journal on and append
 *            an advance to now — the first append, which fences a stale
 *            leader still holding an older view                    -> LEADING
 *   LEADING  each loop turn's records are published as one message
 *            (compare-and-append, replica_submit) and acknowledged (replica_finish) before any
 *            reply or event goes out; the lease is renewed every third of
 *            its length. A refused or unacknowledged append: the engine is
 *            ahead of the stream, the tenant's clients are dropped without
 *            their replies and the replica is rebuilt            -> SYNCING
 *            A lease lost to another server, or handed over: the engine is
 *            exact, the clients are closed after what was sent     -> STANDBY
 *
 * Safety does not rest on the lease: two servers that both believe they
 * lead still cannot both append message n (jetstream.c). The lease only
 * decides who should try, and tells clients where the leader is. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jetstream.h"
#include "server.h"
#include "upload.h"

#define LEASE_POLL_MS 100     /* how often a standby reads the lease */
#define APPLY_PER_TURN 20000  /* messages a standby applies per loop turn (then serves sockets) */
#define RETRY_MS 1000         /* a syncing tenant tries again after this */
#define STALL_CHECK_MS 1000   /* how often a standby compares itself with the stream's end */
#define DELIVERY_WAIT_MS 200  /* a takeover waits this long for the follower, then reads directly */

struct replica {
    nats_log *log;
    nats_lease lease;        /* as last read */
    int64_t lease_seen_ms;   /* monotonic: when that revision (or its absence) was first seen */
    int64_t next_lease_ms;   /* monotonic: next read (standby) or renewal (leader) */
    uint64_t my_rev;         /* our lease's revision while leading */
    int64_t renewed_ms;      /* monotonic: the last renewal that worked */
    int64_t expired_ms;      /* monotonic: when the lease was found expired (takeover time) */
    int64_t retry_ms;        /* syncing: next attempt */
    int64_t quiet_until_ms;  /* after a hand-over to anyone: do not take it back before this */
    uint64_t lag;            /* messages after the last one applied, when it was delivered */
    int64_t snap_seq;        /* the snapshot this replica was built from (the last message it includes) */
    int64_t snap_loaded_ms;  /* wall clock when it was loaded */
    int64_t next_check_ms;   /* monotonic: next comparison with the stream's end */
    int64_t checked_seq;     /* the message applied at the last comparison (-1: follow again) */
    int64_t checked_last;    /* the stream's end then */
    int warned;              /* said that the cluster does not answer (once per outage) */
    int failed;              /* a record of this batch could not be published */
    buf msg;                 /* the message being framed (replica_submit) */
    uint64_t n_msgs;         /* messages the batch took (replica_submit) */
    nats_log *snap_log;      /* the same tenant on the server's snapshot connection (uploads) */
    upload *up;              /* the periodic snapshot being written (upload.c), or NULL */
    int64_t up_records_at;   /* since_snapshot and since_bytes when it was forked */
    int64_t up_bytes_at;
    int up_orphan;           /* it was stopped at a step-down: whatever it did, not this leadership's */
};

static int64_t lease_ms(const tenant *t) { return t->srv->opt.lease_ms; }

/* ---- start and stop ------------------------------------------------------------ */

int replica_supported(void) { return 1; }

int replica_start(server *s)
{
    if (pipe(s->wake_fd) != 0) {
        perror("omniq-server: pipe");
        return -1;
    }
    for (int i = 0; i < 2; i++)
        fcntl(s->wake_fd[i], F_SETFL, fcntl(s->wake_fd[i], F_GETFL, 0) | O_NONBLOCK);
    char err[512];
    const char *name = s->opt.name ? s->opt.name : "omniq-server";
    char snap_name[SERVER_NAME_MAX + 16];
    snprintf(snap_name, sizeof snap_name, "%s-snapshots", name);
    if (nats_link_open(s->opt.journal, name, s->opt.journal_timeout_ms, &s->link, err, sizeof err) ||
        nats_link_open(s->opt.journal, snap_name, s->opt.journal_timeout_ms, &s->snap_link, err, sizeof err)) {
        fprintf(stderr, "omniq-server: %s\n", err);
        return -1;
    }
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        t->rep = calloc(1, sizeof *t->rep);
        if (!t->rep)
            abort();
        t->state = TENANT_SYNCING; /* its stream is opened by the first sync (open_log) */
    }
    return 0;
}

/* Open (creating if needed) the tenant's stream and buckets: retried while
 * the cluster is busy (a fresh or loaded cluster can time out). 0 or -1. */
static int open_log(tenant *t)
{
    replica *rp = t->rep;
    char err[512];
    if (rp->log)
        return 0;
    if (nats_log_open(t->srv->link, t->name, t->srv->opt.replicas, &rp->log, err, sizeof err) ||
        nats_log_open(t->srv->snap_link, t->name, t->srv->opt.replicas, &rp->snap_log, err, sizeof err)) {
        if (!rp->warned++)
            server_log(t->srv, "%s; trying again", err);
        nats_log_close(rp->log);
        rp->log = NULL;
        return -1;
    }
    rp->warned = 0;
    server_log(t->srv, "tenant %s: journal stream OMNIQ_%s (role %s)", t->name, t->name,
               t->lead ? "primary" : "standby");
    return 0;
}

void replica_stop(server *s)
{
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        if (t->rep && t->rep->up) { /* before the log it uses is closed */
            upload_stop(t->rep->up);
            upload_free(t->rep->up);
            t->rep->up = NULL;
            t->bg_upload = 0;
        }
        if (t->rep && t->rep->log)
            nats_log_close(t->rep->log);
        if (t->rep && t->rep->snap_log)
            nats_log_close(t->rep->snap_log);
        if (t->rep)
            buf_free(&t->rep->msg);
        free(t->rep);
        t->rep = NULL;
    }
    nats_link_drop(s->snap_link);
    s->snap_link = NULL;
    nats_link_close(s->link);
    s->link = NULL;
    for (int i = 0; i < 2; i++)
        if (s->wake_fd[i] >= 0)
            close(s->wake_fd[i]);
    s->wake_fd[0] = s->wake_fd[1] = -1;
}

/* ---- the lease ------------------------------------------------------------------- */

/* Read the lease; note when its revision changed. 0 or -1 (no answer). */
static int read_lease(tenant *t, int64_t mono)
{
    replica *rp = t->rep;
    nats_lease l;
    if (nats_lease_read(rp->log, &l)) {
        if (!rp->warned++)
            server_log(t->srv, "tenant %s: the cluster does not answer: %s", t->name, nats_log_error(rp->log));
        return -1;
    }
    rp->warned = 0;
    if (rp->lease_seen_ms == 0 || l.found != rp->lease.found || l.revision != rp->lease.revision)
        rp->lease_seen_ms = mono;
    rp->lease = l;
    return 0;
}

/* May this server take the lease now (as last read)? */
static int lease_takeable(tenant *t, int64_t mono)
{
    replica *rp = t->rep;
    const nats_lease *l = &rp->lease;
    const char *me = t->srv->name;
    int expired = mono - rp->lease_seen_ms >= lease_ms(t);
    if (mono < rp->quiet_until_ms)
        return 0;
    if (!l->found) /* never led: the primary at once, standbys after a lease */
        return t->lead || expired;
    if (strcmp(l->to, me) == 0)
        return 1; /* handed over to this server */
    if (!l->holder[0])
        return 1; /* released (a clean shutdown, a hand-over to anyone) */
    if (strcmp(l->holder, me) == 0 && !l->to[0])
        return 1; /* ours from before a restart, or a promotion that did not finish */
    return expired;
}

/* Compare-and-set the lease to this server. 1 taken. */
static int take_lease(tenant *t, int64_t mono)
{
    replica *rp = t->rep;
    server *s = t->srv;
    uint64_t rev;
    int r = nats_lease_write(rp->log, s->name, s->advertise, "", rp->lease.found ? rp->lease.revision : 0, &rev);
    if (r != 0) {
        rp->next_lease_ms = mono; /* lost the race (or no answer): read it again */
        return 0;
    }
    if (rp->lease.found && rp->lease.holder[0] && strcmp(rp->lease.holder, s->name) != 0)
        server_log(s, "tenant %s: took the lease from %s (%s)", t->name, rp->lease.holder,
                   strcmp(rp->lease.to, s->name) == 0 ? "handed over" : "expired");
    rp->expired_ms = rp->lease_seen_ms + (strcmp(rp->lease.to, s->name) == 0 || !rp->lease.holder[0] ? 0 : lease_ms(t));
    snprintf(rp->lease.holder, sizeof rp->lease.holder, "%s", s->name);
    snprintf(rp->lease.addr, sizeof rp->lease.addr, "%s", s->advertise);
    rp->lease.to[0] = '\0';
    rp->lease.found = 1;
    rp->lease.revision = rev;
    rp->my_rev = rev;
    rp->renewed_ms = mono;
    rp->next_lease_ms = mono + lease_ms(t) / 3;
    return 1;
}

/* While a takeover catches up (which may take longer than a lease), the
 * lease it took is renewed like a leader's. 0, or -1: someone else took it. */
static int keep_lease(tenant *t)
{
    replica *rp = t->rep;
    server *s = t->srv;
    int64_t mono = server_mono_ms();
    if (mono < rp->next_lease_ms)
        return 0;
    rp->next_lease_ms = mono + lease_ms(t) / 3;
    uint64_t rev;
    int r = nats_lease_write(rp->log, s->name, s->advertise, "", rp->my_rev, &rev);
    if (r == 0) {
        rp->my_rev = rev;
        rp->lease.revision = rev;
        rp->renewed_ms = mono;
    }
    return r == 1 ? -1 : 0; /* no answer: try again; the first append decides anyway */
}

/* ---- standing by ------------------------------------------------------------------ */

/* Drop the replica and build it again from the snapshot and the stream. */
static void resync(tenant *t, const char *why)
{
    server_log(t->srv, "tenant %s: %s; rebuilding the replica from the snapshot and the stream", t->name, why);
    nats_log_unfollow(t->rep->log);
    tenant_drop_engine(t);
    t->state = TENANT_SYNCING;
    t->rep->retry_ms = 0;
    t->rep->lag = 0;
}

/* Apply one delivered message (the records of one commit). 0, or -1 (resynced). */
static int apply_one(tenant *t, uint64_t seq, const void *data, size_t len, uint64_t pending)
{
    char why[400];
    if ((int64_t)seq <= t->last_seq)
        return 0; /* delivered again after a consumer reset: already applied */
    if ((int64_t)seq != t->last_seq + 1) {
        snprintf(why, sizeof why, "message %llu arrived after %lld (a gap)", (unsigned long long)seq,
                 (long long)t->last_seq);
        resync(t, why);
        return -1;
    }
    size_t off = 0, rec_len, k = 0;
    const void *rec;
    int got;
    while ((got = nats_frame_next(data, len, &off, &rec, &rec_len)) > 0) {
        oq_status st = oq_journal_apply(t->e, rec, rec_len, NULL);
        if (st != OQ_OK) {
            snprintf(why, sizeof why,
                     "record %zu of message %llu does not apply: %s (%s) on the replica built from snapshot %lld",
                     k + 1, (unsigned long long)seq, oq_status_name(st), oq_engine_last_error(t->e),
                     (long long)t->rep->snap_seq);
            resync(t, why);
            return -1;
        }
        k++;
    }
    if (got < 0 || k == 0) {
        snprintf(why, sizeof why, "message %llu is not a list of journal records (byte %zu)",
                 (unsigned long long)seq, off);
        resync(t, why);
        return -1;
    }
    t->last_seq = (int64_t)seq;
    t->rep->lag = pending;
    return 0;
}

/* Apply what has arrived, up to a turn's share. */
static void apply_arrived(tenant *t)
{
    for (int k = 0; k < APPLY_PER_TURN && t->state == TENANT_STANDBY; k++) {
        uint64_t seq, pending;
        const void *data;
        size_t len;
        int got = nats_log_next(t->rep->log, 0, &seq, &data, &len, &pending);
        if (got == 0)
            return;
        if (got < 0) {
            resync(t, nats_log_error(t->rep->log));
            return;
        }
        if (apply_one(t, seq, data, len, pending))
            return;
    }
}

/* Follow the stream after the last applied message. A failure (the cluster
 * busy electing) keeps the replica: the stall check tries again. */
static int follow(tenant *t)
{
    t->state = TENANT_STANDBY;
    t->rep->checked_seq = t->last_seq;
    t->rep->checked_last = t->last_seq;
    t->rep->next_check_ms = server_mono_ms() + STALL_CHECK_MS;
    if (nats_log_follow(t->rep->log, (uint64_t)t->last_seq + 1, t->srv->wake_fd[1])) {
        server_log(t->srv, "tenant %s: %s; trying again", t->name, nats_log_error(t->rep->log));
        t->rep->checked_seq = -1; /* the next check follows again if messages are waiting */
        return -1;
    }
    return 0;
}

/* Build the engine of a tenant nobody ever led: this server holds its
 * lease. The engine is stored as snapshot 0 before anything is appended. */
static int create_tenant(tenant *t, int64_t mono)
{
    server *s = t->srv;
    replica *rp = t->rep;
    if (!s->opt.config_path) {
        if (!rp->warned++)
            server_log(s, "tenant %s: nobody has led it yet and there is no --config to create it from: waiting",
                       t->name);
        return -1;
    }
    if (read_lease(t, mono) || !lease_takeable(t, mono) || !take_lease(t, mono))
        return -1;
    oq_engine_options o;
    tenant_engine_options(t, &o);
    oq_error cerr = OQ_ERROR_INIT;
    if (oq_config_load_file(&o, s->opt.config_path, &t->e, &cerr) != OQ_OK) {
        server_log(s, "tenant %s: %s", t->name, cerr.message);
        return -1;
    }
    void *data = NULL;
    size_t len = 0;
    buf extra = {0};
    int rc = durability_snapshot(t, &data, &len, &extra);
    if (rc == 0 && nats_log_put_snapshot(rp->log, 0, data, len, extra.data, extra.len)) {
        server_log(s, "tenant %s: storing its first snapshot: %s", t->name, nats_log_error(rp->log));
        rc = -1;
    }
    oq_free(data);
    buf_free(&extra);
    if (rc) {
        tenant_drop_engine(t);
        return -1;
    }
    server_log(s, "tenant %s: created from %s", t->name, s->opt.config_path);
    t->last_seq = 0;
    return 0;
}

/* SYNCING -> STANDBY: the latest snapshot, then follow the stream after it. */
static int sync_tenant(tenant *t, int64_t mono)
{
    oq_error rerr = OQ_ERROR_INIT;
    server *s = t->srv;
    replica *rp = t->rep;
    if (open_log(t))
        return -1;
    uint64_t seq = 0;
    void *data = NULL, *extra = NULL;
    size_t len = 0, extra_len = 0;
    int found = nats_log_get_snapshot(rp->log, &seq, &data, &len, &extra, &extra_len);
    if (found < 0) {
        if (!rp->warned++)
            server_log(s, "tenant %s: %s", t->name, nats_log_error(rp->log));
        return -1;
    }
    if (found) {
        oq_engine_options o;
        tenant_engine_options(t, &o);
        oq_status st = oq_engine_restore_buffer(&o, data, len, &t->e, &rerr);
        if (st == OQ_OK)
            registry_load(t->reg, extra, extra_len);
        free(data);
        free(extra);
        if (st != OQ_OK) {
            server_log(s, "tenant %s: snapshot %llu does not restore: %s (%s)", t->name,
                       (unsigned long long)seq, oq_status_name(st), rerr.message);
            return -1;
        }
        t->last_seq = (int64_t)seq;
    } else {
        uint64_t last;
        if (nats_log_stream_last(rp->log, &last))
            return -1;
        if (last > 0) {
            if (!rp->warned++)
                server_log(s, "tenant %s: the stream holds %llu messages but no snapshot: waiting for one",
                           t->name, (unsigned long long)last);
            return -1;
        }
        if (create_tenant(t, mono))
            return -1;
    }
    rp->warned = 0;
    rp->lag = 0;
    rp->snap_seq = t->last_seq;
    rp->snap_loaded_ms = server_wall_ms();
    follow(t);
    server_log(s, "tenant %s: replica at message %lld, following the stream", t->name, (long long)t->last_seq);
    return 0;
}

/* ---- taking over ------------------------------------------------------------------ */

static void step_down(tenant *t, int keep, const char *why);

/* STANDBY holding the lease -> LEADING: catch up to the stream's end, then
 * append (the advance to now), which fences anyone else. */
static void promote(tenant *t, int64_t mono)
{
    server *s = t->srv;
    replica *rp = t->rep;
    uint64_t last;
    if (nats_log_stream_last(rp->log, &last)) {
        server_log(s, "tenant %s: cannot take over yet: %s", t->name, nats_log_error(rp->log));
        return;
    }
    /* Whatever the follower has not delivered quickly is read directly: a
     * consumer whose node was lost takes seconds to notice. */
    int64_t deadline = mono + s->opt.journal_timeout_ms;
    int direct = 0; /* the follower let a wait pass: read the rest directly, without waiting again */
    while (t->last_seq < (int64_t)last && t->state == TENANT_STANDBY) {
        if (keep_lease(t)) {
            server_log(s, "tenant %s: lost the lease while catching up; standing by", t->name);
            rp->next_lease_ms = 0;
            return;
        }
        uint64_t seq = 0, pending = 0;
        const void *data;
        size_t len;
        int64_t left = deadline - server_mono_ms();
        int got = left <= 0 ? -1
                  : direct  ? 0
                            : nats_log_next(rp->log, left < DELIVERY_WAIT_MS ? left : DELIVERY_WAIT_MS, &seq, &data,
                                            &len, &pending);
        if (got == 0) {
            direct = 1;
            seq = (uint64_t)t->last_seq + 1;
            pending = last - seq;
            got = nats_log_get(rp->log, seq, &data, &len) == 0 ? 1 : left > 0 ? 0 : -1;
        }
        if (got < 0) {
            server_log(s, "tenant %s: cannot take over yet: messages %lld..%llu not read in time (%s)", t->name,
                       (long long)t->last_seq + 1, (unsigned long long)last, nats_log_error(rp->log));
            return;
        }
        if (got > 0)
            apply_one(t, seq, data, len, pending);
    }
    if (t->state != TENANT_STANDBY)
        return;
    /* The replica as it is, to go back to if the first append is refused:
     * then a stale leader appended meanwhile, and this server goes on
     * standing by from here rather than rebuilding from the snapshot. */
    void *before = NULL;
    size_t before_len = 0;
    buf before_reg = {0};
    if (durability_snapshot(t, &before, &before_len, &before_reg))
        before = NULL;
    nats_log_unfollow(rp->log);
    nats_log_new_epoch(rp->log);
    oq_engine_set_journal(t->e, durability_on_record, t);
    t->state = TENANT_LEADING;
    rp->lag = 0;
    int64_t now = server_wall_ms(), clock;
    if (oq_engine_now(t->e, &clock) == OQ_OK && clock > now)
        now = clock;
    /* Journaled like any call: timers that came due while nobody led fire
     * now, at their own due times; and this first append is refused if a
     * stale leader appended after `last`. */
    oq_engine_advance(t->e, now);
    replica_submit(t);
    int rc = nats_log_wait(rp->log);
    if (rc == NATS_LOG_OK && !rp->failed) {
        t->last_seq += (int64_t)rp->n_msgs;
        rp->n_msgs = 0;
        durability_clear_batch(t);
    } else {
        oq_engine *back = NULL;
        oq_engine_options o;
        tenant_engine_options(t, &o);
        if (before && oq_engine_restore_buffer(&o, before, before_len, &back, NULL) == OQ_OK) {
            server_log(s, "tenant %s: taking over failed (%s); standing by", t->name, nats_log_error(rp->log));
            oq_engine_destroy(t->e);
            t->e = back;
            registry_destroy(t->reg);
            t->reg = registry_create();
            registry_load(t->reg, before_reg.data, before_reg.len);
            durability_clear_batch(t);
            follow(t);
        } else {
            step_down(t, 0, "taking over failed");
        }
        rp->n_msgs = 0;
    }
    oq_free(before);
    buf_free(&before_reg);
    if (t->state != TENANT_LEADING)
        return;
    /* The snapshot policy goes on from the snapshot this replica was built
     * from: a successor soon stores a newer one if that one is old. */
    t->since_snapshot = t->last_seq - rp->snap_seq;
    t->since_bytes = 0; /* unknown: the record count and the clock still apply */
    t->last_snapshot_ms = rp->snap_loaded_ms;
    int64_t took = server_mono_ms() - rp->expired_ms;
    server_log(s, "tenant %s: leading from message %lld (%lld ms after the lease was free)", t->name,
               (long long)t->last_seq, (long long)(took > 0 ? took : 0));
}

/* A leader steps down. keep: its engine is exactly the stream's (nothing
 * unacknowledged): it stands by at once; otherwise it is rebuilt and what
 * its clients were about to receive is dropped. */
static void step_down(tenant *t, int keep, const char *why)
{
    server_log(t->srv, "tenant %s: %s; stepping down", t->name, why);
    if (t->rep->up) {
        /* Not this server's to store any more: its successor stores its
         * own. Stopped without waiting; the thread is reaped by a later
         * turn (upload.c: why a head already on its way is harmless). */
        server_log(t->srv, "tenant %s: the snapshot of message %llu being written is abandoned", t->name,
                   (unsigned long long)upload_seq(t->rep->up));
        upload_stop(t->rep->up);
        t->rep->up_orphan = 1;
    }
    tenant_close_clients(t, !keep);
    if (t->e)
        oq_engine_set_journal(t->e, NULL, NULL);
    durability_clear_batch(t);
    t->rep->next_lease_ms = 0;
    if (!keep) {
        resync(t, "its engine is ahead of the stream");
        return;
    }
    t->state = TENANT_STANDBY;
    follow(t);
}

/* ---- leading ---------------------------------------------------------------------- */

/* The periodic snapshot of message last_seq, by a child and a thread
 * (upload.c); the loop goes on at once. */
static void start_upload(tenant *t, int64_t now_ms)
{
    replica *rp = t->rep;
    char gen[NATS_EPOCH_MAX];
    nats_log_epoch(rp->log, gen, sizeof gen);
    rp->up = upload_start(t, rp->snap_log, (uint64_t)t->last_seq, gen, t->srv->wake_fd[1]);
    if (!rp->up) {
        t->bg_failed_ms = now_ms; /* a period later; the records keep everything meanwhile */
        return;
    }
    t->bg_upload = 1;
    t->bg_seq = t->last_seq;
    if (upload_fork_ms(rp->up) > t->bg_fork_ms_max)
        t->bg_fork_ms_max = upload_fork_ms(rp->up);
    rp->up_records_at = t->since_snapshot;
    rp->up_bytes_at = t->since_bytes;
    rp->up_orphan = 0;
}

/* Stop a periodic snapshot and wait for its thread (a snapshot is written
 * here instead, or the server stops). */
static void stop_upload(tenant *t)
{
    if (!t->rep->up)
        return;
    upload_stop(t->rep->up);
    upload_free(t->rep->up);
    t->rep->up = NULL;
    t->bg_upload = 0;
}

/* Once per turn: a periodic snapshot that ended. Stored while this server
 * still leads: the policy counts from it (what was committed since the
 * fork is not in it); failed: logged, tried again a period later. */
static void poll_upload(tenant *t, int64_t now_ms)
{
    replica *rp = t->rep;
    int st = rp->up ? upload_state(rp->up) : UPLOAD_RUNNING;
    if (st == UPLOAD_RUNNING)
        return;
    uint64_t seq = upload_seq(rp->up);
    t->bg_child_ms = upload_child_ms(rp->up);
    if (st == UPLOAD_STORED && t->state == TENANT_LEADING && !rp->up_orphan) {
        t->since_snapshot -= rp->up_records_at;
        t->since_bytes -= rp->up_bytes_at;
        t->snap_seq = (int64_t)seq;
        t->snapshots++;
        t->last_snapshot_ms = now_ms;
        t->bg_failed_ms = 0;
        t->bg_upload_ms = upload_store_ms(rp->up);
    } else if (st == UPLOAD_FAILED && !rp->up_orphan) {
        server_log(t->srv, "tenant %s: snapshot of message %llu not stored: %s; trying again a period later",
                   t->name, (unsigned long long)seq, upload_error(rp->up));
        t->bg_failed_ms = now_ms;
    }
    upload_free(rp->up); /* the thread has ended: no wait */
    rp->up = NULL;
    t->bg_upload = 0;
}

/* The batch's records framed into messages of up to NATS_MSG_MAX bytes
 * (one unless the turn was huge), each published: one message per commit
 * is what makes group commit cheap for the cluster. */
int replica_submit(tenant *t)
{
    replica *rp = t->rep;
    rp->failed = t->record_lost; /* a record that could not be encoded cannot be published */
    rp->n_msgs = 0;
    for (size_t i = 0; i < t->n_recs && !rp->failed;) {
        rp->msg.len = 0;
        do {
            const store_record *r = &t->recs[i++];
            unsigned char frame[NATS_FRAME];
            nats_frame_put(frame, r->len);
            buf_put(&rp->msg, frame, sizeof frame);
            buf_put(&rp->msg, t->batch.data + (uintptr_t)r->data, r->len);
        } while (i < t->n_recs && rp->msg.len + NATS_FRAME + t->recs[i].len <= NATS_MSG_MAX);
        if (nats_log_append(rp->log, (uint64_t)t->last_seq + 1 + rp->n_msgs, rp->msg.data, rp->msg.len))
            rp->failed = 1;
        rp->n_msgs++;
    }
    return rp->failed ? -1 : 0;
}

int replica_finish(tenant *t, int with_snapshot, int64_t now_ms)
{
    replica *rp = t->rep;
    int rc = nats_log_wait(rp->log);
    size_t n = t->n_recs;
    int64_t msgs = n ? (int64_t)rp->n_msgs : 0; /* n_msgs: of this turn's replica_submit */
    rp->n_msgs = 0;
    char why[600];
    if (rc == NATS_LOG_OK && rp->failed)
        rc = NATS_LOG_FAILED;
    if (rc != NATS_LOG_OK) {
        if (rc == NATS_LOG_FENCED)
            snprintf(why, sizeof why, "fenced: %s", nats_log_error(rp->log));
        else if (rp->failed && t->record_lost)
            snprintf(why, sizeof why, "a journal record could not be encoded (out of memory)");
        else
            snprintf(why, sizeof why, "the journal did not acknowledge messages %lld..%lld (%s)",
                     (long long)t->last_seq + 1, (long long)(t->last_seq + msgs), nats_log_error(rp->log));
        step_down(t, 0, why);
        return -1;
    }
    t->since_bytes += (int64_t)t->batch.len;
    t->journal_bytes += (int64_t)t->batch.len;
    durability_clear_batch(t);
    t->last_seq += msgs;
    t->since_snapshot += (int64_t)n;
    if (n)
        t->commits++;
    if (with_snapshot == SNAPSHOT_DUE) {
        /* Every message is acknowledged: the engine is exactly messages
         * 1..last_seq. A child serializes it, a thread uploads it. */
        if (!rp->up)
            start_upload(t, now_ms);
        return 0;
    }
    if (with_snapshot) {
        stop_upload(t); /* asked for, or the final one: it would cover less */
        void *data = NULL;
        size_t len = 0;
        buf extra = {0};
        if (durability_snapshot(t, &data, &len, &extra) == 0 &&
            nats_log_put_snapshot(rp->log, (uint64_t)t->last_seq, data, len, extra.data, extra.len) == 0) {
            t->since_snapshot = 0;
            t->since_bytes = 0;
            t->snap_seq = t->last_seq;
            t->snapshots++;
            t->last_snapshot_ms = now_ms;
            t->want_snapshot = 0;
        } else if (data) {
            server_log(t->srv, "tenant %s: snapshot at message %lld not stored: %s", t->name,
                       (long long)t->last_seq, nats_log_error(rp->log));
            t->last_snapshot_ms = now_ms; /* try again a period later: the records keep everything */
            t->want_snapshot = 0;
        }
        oq_free(data);
        buf_free(&extra);
    }
    return 0;
}

/* Renew the lease (leading). */
static void renew(tenant *t, int64_t mono)
{
    replica *rp = t->rep;
    server *s = t->srv;
    uint64_t rev;
    rp->next_lease_ms = mono + lease_ms(t) / 3;
    int r = nats_lease_write(rp->log, s->name, s->advertise, "", rp->my_rev, &rev);
    if (r == 0) {
        rp->my_rev = rev;
        rp->renewed_ms = mono;
        rp->warned = 0;
        return;
    }
    if (r < 0) {
        if (!rp->warned++)
            server_log(s, "tenant %s: cannot renew the lease: %s", t->name, nats_log_error(rp->log));
        return; /* appends stay safe: a successor's first append fences them */
    }
    if (read_lease(t, mono))
        return;
    if (strcmp(rp->lease.holder, s->name) == 0 && !rp->lease.to[0]) {
        rp->my_rev = rp->lease.revision; /* our own renewal, whose answer was lost */
        return;
    }
    char why[200];
    snprintf(why, sizeof why, "lost the lease to %s", rp->lease.holder[0] ? rp->lease.holder : "nobody");
    step_down(t, 1, why);
}

int replica_handover(tenant *t, const char *to, char *err, size_t errlen)
{
    server *s = t->srv;
    replica *rp = t->rep;
    if (!rp) {
        snprintf(err, errlen, "tenant '%s' is not replicated (this server keeps it in SQLite)", t->name);
        return -1;
    }
    if (t->state != TENANT_LEADING) {
        snprintf(err, errlen, "this server does not lead tenant '%s'", t->name);
        return -1;
    }
    if (strcmp(to, s->name) == 0) {
        snprintf(err, errlen, "tenant '%s' is already led by %s", t->name, to);
        return -1;
    }
    /* What this turn changed so far is made durable first: its replies are
     * already queued, and the successor must find it in the stream. */
    int64_t now = server_wall_ms();
    if (t->n_recs) {
        replica_submit(t);
        if (replica_finish(t, 0, now)) {
            snprintf(err, errlen, "tenant '%s': the journal refused this server's last records", t->name);
            return -1;
        }
    }
    uint64_t rev;
    int64_t mono = server_mono_ms(), give_up = mono + s->opt.journal_timeout_ms;
    int r;
    /* no answer (a bucket electing its leader): try again for a while */
    while ((r = nats_lease_write(rp->log, to[0] ? s->name : "", to[0] ? s->advertise : "", to, rp->my_rev,
                                 &rev)) < 0 &&
           (mono = server_mono_ms()) < give_up) {
        struct timespec pause = {0, 50 * 1000000L};
        nanosleep(&pause, NULL);
    }
    if (r != 0) {
        snprintf(err, errlen, "tenant '%s': the lease could not be handed over: %s", t->name, nats_log_error(rp->log));
        if (r == 1) {
            step_down(t, 1, "lost the lease during a hand-over");
        }
        return -1;
    }
    rp->lease.revision = rev;
    rp->lease_seen_ms = mono;
    snprintf(rp->lease.to, sizeof rp->lease.to, "%s", to);
    if (!to[0])
        rp->quiet_until_ms = mono + lease_ms(t); /* let a standby take it */
    char why[200];
    snprintf(why, sizeof why, "handed over to %s", to[0] ? to : "any standby");
    step_down(t, 1, why);
    return 0;
}

/* A standby behind the stream's end that received nothing since the last
 * look: its consumer is stuck (its node was lost): follow again. */
static void check_stall(tenant *t, int64_t mono)
{
    replica *rp = t->rep;
    uint64_t last;
    rp->next_check_ms = mono + STALL_CHECK_MS;
    if (nats_log_stream_last(rp->log, &last))
        return;
    /* behind a second ago, and nothing applied since */
    int stuck = t->last_seq == rp->checked_seq && rp->checked_last > rp->checked_seq;
    if ((int64_t)last > t->last_seq && (stuck || rp->checked_seq < 0)) {
        if (stuck)
            server_log(t->srv, "tenant %s: nothing delivered for a second while %lld messages behind: "
                               "following again", t->name, (long long)last - t->last_seq);
        follow(t);
    }
    rp->checked_seq = t->last_seq;
    rp->checked_last = (int64_t)last;
    rp->lag = last > (uint64_t)t->last_seq ? last - (uint64_t)t->last_seq : 0;
}

/* ---- each loop turn --------------------------------------------------------------- */

void replica_tick(server *s, int64_t now_ms)
{
    if (!s->link)
        return;
    int64_t mono = server_mono_ms();
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        replica *rp = t->rep;
        poll_upload(t, now_ms);
        switch (t->state) {
        case TENANT_SYNCING:
            if (rp->log && mono >= rp->next_lease_ms) { /* to tell clients where the leader is */
                rp->next_lease_ms = mono + LEASE_POLL_MS;
                read_lease(t, mono);
            }
            if (mono >= rp->retry_ms && sync_tenant(t, mono) != 0)
                rp->retry_ms = mono + RETRY_MS;
            break;
        case TENANT_STANDBY:
            apply_arrived(t);
            if (t->state == TENANT_STANDBY && mono >= rp->next_check_ms)
                check_stall(t, mono);
            if (t->state != TENANT_STANDBY || mono < rp->next_lease_ms)
                break;
            rp->next_lease_ms = mono + LEASE_POLL_MS;
            if (read_lease(t, mono) == 0 && lease_takeable(t, mono) && take_lease(t, mono))
                promote(t, mono);
            break;
        case TENANT_LEADING:
            if (mono >= rp->next_lease_ms)
                renew(t, mono);
            break;
        default:
            break;
        }
    }
}

int64_t replica_wait_ms(server *s)
{
    if (!s->link)
        return 1000;
    int64_t mono = server_mono_ms(), wait = LEASE_POLL_MS;
    for (int i = 0; i < s->n_tenants; i++) {
        replica *rp = s->tenants[i]->rep;
        if (s->tenants[i]->state == TENANT_SYNCING && rp->retry_ms - mono < wait)
            wait = rp->retry_ms <= mono ? 0 : rp->retry_ms - mono;
    }
    return wait;
}

void replica_leader(tenant *t, char *addr, size_t alen, char *holder, size_t hlen)
{
    server *s = t->srv;
    if (!t->rep) { /* a SQLite server: always itself */
        snprintf(addr, alen, "%s", s->advertise);
        snprintf(holder, hlen, "%s", s->name);
        return;
    }
    const nats_lease *l = &t->rep->lease;
    if (t->state == TENANT_LEADING) {
        snprintf(addr, alen, "%s", s->advertise);
        snprintf(holder, hlen, "%s", s->name);
    } else if (l->found && l->holder[0] && !(strcmp(l->holder, s->name) == 0)) {
        snprintf(addr, alen, "%s", l->addr);
        snprintf(holder, hlen, "%s", l->holder);
    } else {
        addr[0] = '\0';
        snprintf(holder, hlen, "%s", l->to[0] ? l->to : "");
    }
}

const char *replica_snapshot_phase(tenant *t)
{
    static const char *const names[] = {"child", "chunks", "head"};
    if (!t->rep || !t->rep->up || upload_state(t->rep->up) != UPLOAD_RUNNING)
        return "none";
    return names[upload_phase(t->rep->up)];
}

uint64_t replica_lag(tenant *t) { return t->rep && t->state == TENANT_STANDBY ? t->rep->lag : 0; }

void replica_release(server *s)
{
    if (!s->link)
        return;
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        replica *rp = t->rep;
        if (t->state != TENANT_LEADING)
            continue;
        if (t->n_recs)
            replica_submit(t);
        if (t->since_snapshot > 0 || t->n_recs)
            replica_finish(t, SNAPSHOT_NOW, server_wall_ms());
        stop_upload(t);
        if (t->state != TENANT_LEADING)
            continue;
        uint64_t rev;
        if (nats_lease_write(rp->log, "", "", "", rp->my_rev, &rev) == 0)
            server_log(s, "tenant %s: released its lease at message %lld", t->name, (long long)t->last_seq);
    }
}
