/* SPDX-License-Identifier: MIT */
/* Durability: the journal sink, the commit of each batch, the snapshot
 * policy and start-up recovery. The order that makes a reply a promise:
 *
 *   engine call -> journal records buffered here (inside the call)
 *              -> events appended to client outputs (not sent)
 *   end of the loop iteration -> durability_commit: ONE SQLite transaction
 *              with every record of the iteration (+ naming a snapshot file
 *              when one is complete: background.c writes the periodic ones),
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
#include "snapfile.h"

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
    const server_options *o = &t->srv->opt;
    if (t->want_snapshot)
        return SNAPSHOT_NOW;
    if (t->bg_pid || t->bg_ready || t->bg_upload)
        return 0; /* a child is writing one (SQLite), or a child and a thread (JetStream) */
    if (t->bg_failed_ms && now_ms - t->bg_failed_ms < o->snapshot_ms)
        return 0; /* the last child failed: not before a period */
    int64_t records = t->since_snapshot + (int64_t)t->n_recs;
    int64_t bytes = t->since_bytes + (int64_t)t->batch.len;
    if (records > 0 && ((o->snapshot_every > 0 && records >= o->snapshot_every) ||
                        bytes >= o->snapshot_bytes || now_ms - t->last_snapshot_ms >= o->snapshot_ms))
        return SNAPSHOT_DUE;
    return 0;
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

/* The snapshot of the engine as it is now, written to its file here (asked
 * for, or the first and final ones). 0 (path, *seq) or -1 (logged). */
static int snapshot_here(tenant *t, char *path, size_t len, int64_t *seq)
{
    void *data = NULL;
    size_t dlen = 0;
    buf extra = {0};
    uint64_t next = 1;
    oq_engine_journal_seq(t->e, &next);
    *seq = (int64_t)next - 1; /* the engine's own record numbering */
    int rc = snapfile_name(t->srv->opt.db_path, *seq, path, len);
    if (rc == 0)
        rc = durability_snapshot(t, &data, &dlen, &extra);
    if (rc == 0) {
        char err[SNAPFILE_NAME_MAX + 256];
        rc = snapfile_write(path, *seq, data, dlen, extra.data, extra.len,
                            t->srv->opt.sync_mode != STORE_SYNC_OFF, err, sizeof err);
        if (rc)
            server_log(t->srv, "%s", err);
    }
    oq_free(data);
    buf_free(&extra);
    return rc;
}

/* Commit the batch to SQLite. now_snapshot: with a snapshot of the engine as
 * it is now; otherwise with the one a child finished, if any. */
static int commit(tenant *t, int now_snapshot, int64_t now_ms)
{
    for (size_t i = 0; i < t->n_recs; i++)
        t->recs[i].data = t->batch.data + (uintptr_t)t->recs[i].data;
    char path[SNAPFILE_NAME_MAX];
    store_snapshot snap = {0, path};
    int with_snapshot = 0, from_child = 0;
    if (now_snapshot) {
        background_cancel(t); /* it would cover less than this one */
        with_snapshot = snapshot_here(t, path, sizeof path, &snap.seq) == 0;
        if (!with_snapshot && t->record_lost) {
            /* Without the lost record or a snapshot the durable state would
             * silently differ from the engine: stop, a restart rebuilds the
             * durable state (the calls since the last commit were not answered). */
            fprintf(stderr, "omniq-server: a journal record was lost and the snapshot failed\n");
            exit(3);
        }
        /* otherwise the records alone keep the state exact */
    } else if (background_poll(t, now_ms, path, sizeof path)) {
        with_snapshot = from_child = 1;
        snap.seq = t->bg_seq;
    }
    int64_t t0 = from_child ? server_mono_ms() : 0;
    int rc = store_commit(t->st, t->recs, t->n_recs, with_snapshot ? &snap : NULL);
    if (rc == 0) {
        t->commits++;
        t->since_snapshot += (int64_t)t->n_recs;
        t->since_bytes += (int64_t)t->batch.len;
        t->journal_bytes += (int64_t)t->batch.len;
        t->last_seq = store_last_seq(t->st);
        if (with_snapshot) {
            /* the records committed after the snapshot's one stay in the journal */
            t->since_snapshot = t->last_seq - snap.seq;
            t->since_bytes = from_child ? t->journal_bytes - t->bg_bytes_at : 0;
            t->snap_seq = snap.seq;
            t->snapshots++;
            t->bg_ready = 0;
            t->bg_failed_ms = 0;
            t->last_snapshot_ms = now_ms;
            if (!from_child) {
                t->want_snapshot = 0;
                t->record_lost = 0;
            }
            snapfile_remove_others(t->srv->opt.db_path, path);
            if (from_child && server_mono_ms() - t0 > t->adopt_ms_max)
                t->adopt_ms_max = server_mono_ms() - t0;
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
        if (t->state == TENANT_LEADING) {
            if (t->n_recs || due[i])
                replica_finish(t, due[i], now_ms);
            continue;
        }
        char ready[SNAPFILE_NAME_MAX];
        int adopt = background_poll(t, now_ms, ready, sizeof ready);
        if (t->n_recs == 0 && !due[i] && !adopt)
            continue;
        if (commit(t, due[i] == SNAPSHOT_NOW, now_ms) != 0) {
            fprintf(stderr, "omniq-server: commit failed, exiting without replying: %s\n",
                    store_error(t->st));
            exit(3);
        }
        /* Periodic: the engine is now exactly the durable state; a child
         * writes its snapshot while the loop goes on. */
        if (due[i] == SNAPSHOT_DUE && !t->bg_pid && !t->bg_ready)
            background_start(t, now_ms);
    }
}

void durability_final_snapshot(tenant *t)
{
    background_cancel(t);
    if (t->since_snapshot == 0 && t->n_recs == 0)
        return;
    if (commit(t, 1, server_wall_ms()) != 0)
        fprintf(stderr, "omniq-server: final snapshot failed: %s\n", store_error(t->st));
}

typedef struct replay_ctx {
    tenant *t;
    int64_t applied;
    int64_t bytes;
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
    rc->bytes += (int64_t)len;
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
    char file[SNAPFILE_NAME_MAX];
    int found = store_load_snapshot(t->st, &data, &len, &extra, &extra_len, &seq, file, sizeof file);
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
        replay_ctx rc = {t, 0, 0};
        if (store_replay(t->st, seq, replay_one, &rc)) {
            fprintf(stderr, "omniq-server: %s\n", store_error(t->st));
            return -1;
        }
        t->since_snapshot = rc.applied;
        t->since_bytes = rc.bytes;
        t->snap_seq = seq;
        /* a snapshot cut short by a crash, or written but never named */
        snapfile_remove_others(s->opt.db_path, file[0] ? file : NULL);
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
