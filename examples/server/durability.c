/* SPDX-License-Identifier: MIT */
/* Durability: the journal sink, the commit of each batch, the snapshot
 * policy and start-up recovery. The order that makes a reply a promise:
 *
 *   engine call -> journal records buffered here (inside the call)
 *              -> events appended to client outputs (not sent)
 *   end of the loop iteration -> durability_commit: ONE SQLite transaction
 *              with every record of the iteration (+ a snapshot when due),
 *              or, on the JetStream journal, every record published and
 *              acknowledged by the cluster (replica.c)
 *   commit OK -> the loop sends replies and events
 *   commit failed -> SQLite: exit(3) without sending anything: the engine is
 *              ahead of the durable state; a restart rebuilds the durable
 *              one. JetStream: the tenant steps down without sending; its
 *              replica is rebuilt from the stream.
 *
 * The engine's records are deterministic: the snapshot plus the records
 * after it rebuild the same engine (docs/snapshot.md, docs/reliability.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void durability_on_record(const oq_journal_record *rec, void *user)
{
    tenant *t = user;
    if (!rec->data) {
        /* The library could not encode the record (memory): the only way to
         * keep the durable state exact is a snapshot at the next commit. */
        t->want_snapshot = 1;
        t->record_lost = 1;
        return;
    }
    if (t->n_recs == t->cap_recs) {
        size_t cap = t->cap_recs ? t->cap_recs * 2 : 64;
        store_record *r = realloc(t->recs, cap * sizeof *r);
        if (!r)
            abort();
        t->recs = r;
        t->cap_recs = cap;
    }
    store_record *r = &t->recs[t->n_recs++];
    r->seq = (int64_t)rec->seq;
    r->action = rec->action;
    r->now_ms = rec->now_ms;
    r->data = (const void *)(uintptr_t)t->batch.len; /* an offset until commit */
    r->len = rec->len;
    buf_put(&t->batch, rec->data, rec->len);
}

void durability_clear_batch(tenant *t)
{
    t->n_recs = 0;
    t->batch.len = 0;
}

int durability_snapshot_due(tenant *t, int64_t now_ms)
{
    if (t->want_snapshot)
        return 1;
    int64_t pending = t->since_snapshot + (int64_t)t->n_recs;
    if (pending >= t->srv->opt.snapshot_every)
        return 1;
    return pending > 0 && now_ms - t->last_snapshot_ms >= t->srv->opt.snapshot_ms;
}

int durability_snapshot(tenant *t, void **data, size_t *len, buf *extra)
{
    oq_status st = oq_engine_snapshot_buffer(t->e, data, len);
    if (st != OQ_OK) {
        server_log(t->srv, "tenant %s: snapshot failed: %s", t->name, oq_status_name(st));
        return -1;
    }
    registry_save(t->reg, extra);
    return 0;
}

/* Commit the batch to SQLite, with a snapshot of the engine as it is now if asked. */
static int commit(tenant *t, int with_snapshot, int64_t now_ms)
{
    for (size_t i = 0; i < t->n_recs; i++)
        t->recs[i].data = t->batch.data + (uintptr_t)t->recs[i].data;
    store_snapshot snap = {0};
    void *snap_data = NULL;
    buf extra = {0};
    if (with_snapshot) {
        size_t len;
        if (durability_snapshot(t, &snap_data, &len, &extra) != 0 && t->record_lost) {
            /* Without the lost record or a snapshot the durable state would
             * silently differ from the engine: stop, a restart rebuilds the
             * durable state (the calls since the last commit were not answered). */
            fprintf(stderr, "omniq-server: a journal record was lost and the snapshot failed\n");
            exit(3);
        }
        if (!snap_data) {
            with_snapshot = 0; /* the records alone keep the state exact */
        } else {
            uint64_t next = 1;
            oq_engine_journal_seq(t->e, &next);
            snap.seq = (int64_t)next - 1; /* the engine's own record numbering */
            snap.data = snap_data;
            snap.len = len;
            snap.extra = extra.data;
            snap.extra_len = extra.len;
        }
    }
    int rc = store_commit(t->st, t->recs, t->n_recs, with_snapshot ? &snap : NULL);
    oq_free(snap_data);
    buf_free(&extra);
    if (rc == 0) {
        t->commits++;
        t->since_snapshot += (int64_t)t->n_recs;
        t->last_seq = store_last_seq(t->st);
        if (with_snapshot) {
            t->since_snapshot = 0;
            t->last_snapshot_ms = now_ms;
            t->want_snapshot = 0;
            t->record_lost = 0;
        }
    }
    durability_clear_batch(t);
    return rc;
}

void durability_commit(server *s, int64_t now_ms)
{
    int due[SERVER_TENANTS_MAX] = {0};
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        if (t->state == TENANT_LEADING && t->n_recs)
            replica_submit(t); /* all tenants' records travel together */
    }
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        if (t->state != TENANT_SOLO && t->state != TENANT_LEADING)
            continue;
        due[i] = durability_snapshot_due(t, now_ms);
        if (t->n_recs == 0 && !due[i])
            continue;
        if (t->state == TENANT_LEADING) {
            replica_finish(t, due[i], now_ms);
            continue;
        }
        if (commit(t, due[i], now_ms) != 0) {
            fprintf(stderr, "omniq-server: commit failed, exiting without replying: %s\n",
                    store_error(t->st));
            exit(3);
        }
    }
}

void durability_final_snapshot(tenant *t)
{
    if (t->since_snapshot == 0 && t->n_recs == 0)
        return;
    if (commit(t, 1, server_wall_ms()) != 0)
        fprintf(stderr, "omniq-server: final snapshot failed: %s\n", store_error(t->st));
}

typedef struct replay_ctx {
    tenant *t;
    int64_t applied;
} replay_ctx;

/* Apply one stored record. The engine checks that it is the very next one
 * (oq_journal_apply refuses a gap or a duplicate): a row missing in the
 * middle of the journal would otherwise silently lose what it did. */
static int replay_one(int64_t seq, const void *data, size_t len, void *user)
{
    replay_ctx *rc = user;
    uint64_t want = 0, own = 0;
    oq_engine_journal_seq(rc->t->e, &want);
    oq_error err = OQ_ERROR_INIT;
    if (oq_journal_record_seq(data, len, &own, &err) == OQ_OK && (int64_t)own != seq) {
        fprintf(stderr, "omniq-server: %s: journal row %lld holds record %llu: the database is "
                        "inconsistent; refusing to start\n",
                rc->t->srv->opt.db_path, (long long)seq, (unsigned long long)own);
        return 1;
    }
    if ((uint64_t)seq > want) {
        char missing[64];
        if ((uint64_t)seq - want == 1)
            snprintf(missing, sizeof missing, "record %llu is", (unsigned long long)want);
        else
            snprintf(missing, sizeof missing, "records %llu..%lld are", (unsigned long long)want,
                     (long long)seq - 1);
        fprintf(stderr, "omniq-server: %s: journal %s missing (the next stored record is %lld): "
                        "refusing to start rather than silently lose what it did; restore the "
                        "database from a backup\n",
                rc->t->srv->opt.db_path, missing, (long long)seq);
        return 1;
    }
    oq_status st = oq_journal_apply(rc->t->e, data, len, NULL);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq-server: %s: journal record %lld does not apply: %s (%s); refusing to start\n",
                rc->t->srv->opt.db_path, (long long)seq, oq_status_name(st), oq_engine_last_error(rc->t->e));
        return 1;
    }
    rc->applied++;
    return 0;
}

int durability_start(tenant *t)
{
    oq_error rerr = OQ_ERROR_INIT;
    server *s = t->srv;
    char err[512];
    if (store_open(s->opt.db_path, s->opt.sync_mode, &t->st, err, sizeof err)) {
        fprintf(stderr, "omniq-server: %s\n", err);
        return -1;
    }
    oq_engine_options o;
    tenant_engine_options(t, &o);

    void *data = NULL, *extra = NULL;
    size_t len = 0, extra_len = 0;
    int64_t seq = 0;
    int found = store_load_snapshot(t->st, &data, &len, &extra, &extra_len, &seq);
    if (found < 0) {
        fprintf(stderr, "omniq-server: %s\n", store_error(t->st));
        return -1;
    }
    if (found) {
        oq_status st = oq_engine_restore_buffer(&o, data, len, &t->e, &rerr);
        if (st == OQ_OK)
            registry_load(t->reg, extra, extra_len);
        free(data);
        free(extra);
        if (st != OQ_OK) {
            fprintf(stderr, "omniq-server: snapshot does not restore: %s (%s)\n",
                    oq_status_name(st), rerr.message);
            return -1;
        }
        uint64_t next = 0;
        oq_engine_journal_seq(t->e, &next);
        if ((int64_t)next != seq + 1) {
            fprintf(stderr, "omniq-server: %s: the snapshot row says it covers journal records up to %lld, "
                            "the snapshot itself up to %llu: the database is inconsistent; refusing to start\n",
                    t->srv->opt.db_path, (long long)seq, (unsigned long long)next - 1);
            return -1;
        }
        replay_ctx rc = {t, 0};
        if (store_replay(t->st, seq, replay_one, &rc)) {
            fprintf(stderr, "omniq-server: %s\n", store_error(t->st));
            return -1;
        }
        t->since_snapshot = rc.applied;
        server_log(s, "restored snapshot at record %lld, replayed %lld records, %zu contacts",
                   (long long)seq, (long long)rc.applied, registry_count(t->reg));
    } else {
        if (!s->opt.config_path) {
            fprintf(stderr, "omniq-server: empty database and no --config file\n");
            return -1;
        }
        oq_error cerr = OQ_ERROR_INIT;
        oq_status st = oq_config_load_file(&o, s->opt.config_path, &t->e, &cerr);
        if (st != OQ_OK) {
            fprintf(stderr, "omniq-server: %s\n", cerr.message);
            return -1;
        }
        server_log(s, "loaded %s", s->opt.config_path);
    }
    t->last_seq = store_last_seq(t->st);
    t->state = TENANT_SOLO;
    oq_engine_set_journal(t->e, durability_on_record, t);
    t->last_snapshot_ms = server_wall_ms();
    if (!found && commit(t, 1, t->last_snapshot_ms) != 0) {
        fprintf(stderr, "omniq-server: cannot write the first snapshot: %s\n", store_error(t->st));
        return -1;
    }
    return 0;
}
