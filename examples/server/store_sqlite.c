/* SPDX-License-Identifier: MIT */
/* The persistence adapter on SQLite (see store.h).
 *
 * Schema:
 *   journal(seq INTEGER PRIMARY KEY, action INTEGER, now_ms INTEGER, rec BLOB)
 *   snapshot(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER, data BLOB, extra BLOB, file TEXT)
 * `file`: the snapshot file's name (beside the database; data and extra
 * then empty); NULL in rows of earlier versions, which hold the bytes
 * (the column is added to such a database when it is opened).
 * WAL journal mode; synchronous FULL / NORMAL / OFF as asked. */
#include "store.h"
#include "snapfile.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
    sqlite3 *db;
    sqlite3_stmt *ins;       /* INSERT INTO journal */
    sqlite3_stmt *snap;      /* INSERT OR REPLACE INTO snapshot */
    sqlite3_stmt *drop;      /* DELETE FROM journal WHERE seq <= ? */
    int64_t last_seq;
    int64_t snap_seq;        /* the last record the snapshot covers */
    int64_t purged;          /* journal rows up to this one are gone */
    char *dir;               /* the database's directory, with its '/' ("" for a bare name) */
    char err[512 + SNAPFILE_NAME_MAX];
};

static int db_fail(store *st, const char *what)
{
    snprintf(st->err, sizeof st->err, "sqlite: %s: %s", what, sqlite3_errmsg(st->db));
    return -1;
}

static int exec(store *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(st->err, sizeof st->err, "sqlite: %s: %s", sql, msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int prepare(store *st, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return db_fail(st, sql);
    return 0;
}

static int64_t query_int(store *st, const char *sql, int *ok)
{
    sqlite3_stmt *s;
    int64_t v = 0;
    *ok = 0;
    if (prepare(st, sql, &s))
        return 0;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
        *ok = 1;
    } else if (rc == SQLITE_DONE) {
        *ok = 1;
    } else {
        db_fail(st, sql);
    }
    sqlite3_finalize(s);
    return v;
}

int store_open(const char *path, int sync_mode, store **out, char *err, size_t errlen)
{
    store *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    static const char *const sync_sql[] = {"PRAGMA synchronous=OFF", "PRAGMA synchronous=NORMAL",
                                           "PRAGMA synchronous=FULL"};
    int ok = 1;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        db_fail(st, path);
        ok = 0;
    }
    ok = ok && sqlite3_busy_timeout(st->db, 5000) == SQLITE_OK;
    ok = ok && !exec(st, "PRAGMA journal_mode=WAL");
    ok = ok && !exec(st, sync_sql[sync_mode < 0 ? 0 : sync_mode > 2 ? 2 : sync_mode]);
    ok = ok && !exec(st, "CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY, "
                         "action INTEGER NOT NULL, now_ms INTEGER NOT NULL, rec BLOB NOT NULL)");
    ok = ok && !exec(st, "CREATE TABLE IF NOT EXISTS snapshot(id INTEGER PRIMARY KEY CHECK (id = 1), "
                         "seq INTEGER NOT NULL, data BLOB NOT NULL, extra BLOB)");
    if (ok) { /* a database of an earlier version: its row keeps the bytes, file stays NULL */
        sqlite3_stmt *probe = NULL;
        if (sqlite3_prepare_v2(st->db, "SELECT file FROM snapshot", -1, &probe, NULL) != SQLITE_OK)
            ok = !exec(st, "ALTER TABLE snapshot ADD COLUMN file TEXT");
        sqlite3_finalize(probe);
    }
    ok = ok && !prepare(st, "INSERT INTO journal(seq, action, now_ms, rec) VALUES (?, ?, ?, ?)", &st->ins);
    ok = ok && !prepare(st, "INSERT OR REPLACE INTO snapshot(id, seq, data, extra, file) "
                            "VALUES (1, ?, x'', x'', ?)", &st->snap);
    ok = ok && !prepare(st, "DELETE FROM journal WHERE seq <= ?", &st->drop);
    if (ok) {
        int q1, q2;
        int q3;
        int64_t j = query_int(st, "SELECT max(seq) FROM journal", &q1);
        int64_t s = query_int(st, "SELECT seq FROM snapshot WHERE id = 1", &q2);
        int64_t first = query_int(st, "SELECT min(seq) FROM journal", &q3);
        ok = q1 && q2 && q3;
        st->last_seq = j > s ? j : s;
        st->snap_seq = s;
        st->purged = first > 0 ? first - 1 : s;
    }
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    st->dir = malloc(dl + 1);
    if (st->dir) {
        memcpy(st->dir, path, dl);
        st->dir[dl] = '\0';
    } else if (ok) {
        snprintf(st->err, sizeof st->err, "out of memory");
        ok = 0;
    }
    if (!ok) {
        snprintf(err, errlen, "%s", st->err[0] ? st->err : "cannot open the database");
        store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void store_close(store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->ins);
    sqlite3_finalize(st->snap);
    sqlite3_finalize(st->drop);
    sqlite3_close(st->db);
    free(st->dir);
    free(st);
}

const char *store_error(const store *st) { return st->err; }

int64_t store_last_seq(const store *st) { return st->last_seq; }

static void *copy_blob(sqlite3_stmt *s, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(s, col);
    size_t n = (size_t)sqlite3_column_bytes(s, col);
    void *c = malloc(n ? n : 1);
    if (c && n)
        memcpy(c, p, n);
    *len = n;
    return c;
}

int store_load_snapshot(store *st, void **data, size_t *len, void **extra, size_t *extra_len,
                        int64_t *seq, char *file, size_t file_len)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT seq, data, extra, file FROM snapshot WHERE id = 1", &s))
        return -1;
    int rc = sqlite3_step(s), result;
    if (file && file_len)
        file[0] = '\0';
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 3) != SQLITE_NULL) {
        *seq = sqlite3_column_int64(s, 0);
        char path[2 * SNAPFILE_NAME_MAX];
        snprintf(path, sizeof path, "%s%s", st->dir, (const char *)sqlite3_column_text(s, 3));
        if (file && file_len)
            snprintf(file, file_len, "%s", path);
        result = snapfile_read(path, *seq, data, len, extra, extra_len, st->err, sizeof st->err) ? -1 : 1;
    } else if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(s, 0);
        *data = copy_blob(s, 1, len);
        *extra = copy_blob(s, 2, extra_len);
        result = 1;
        if (!*data || !*extra) {
            free(*data);
            free(*extra);
            snprintf(st->err, sizeof st->err, "out of memory reading the snapshot");
            result = -1;
        }
    } else if (rc == SQLITE_DONE) {
        result = 0;
    } else {
        result = db_fail(st, "reading the snapshot");
    }
    sqlite3_finalize(s);
    return result;
}

int store_replay(store *st, int64_t after_seq, store_replay_fn fn, void *user)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT seq, rec FROM journal WHERE seq > ? ORDER BY seq", &s))
        return -1;
    sqlite3_bind_int64(s, 1, after_seq);
    int rc, result = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const void *p = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        if (fn(seq, p, n, user)) {
            snprintf(st->err, sizeof st->err, "replay stopped at record %lld", (long long)seq);
            result = -1;
            break;
        }
    }
    if (result == 0 && rc != SQLITE_DONE)
        result = db_fail(st, "reading the journal");
    sqlite3_finalize(s);
    return result;
}

static int step_reset(store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, what);
}

int store_commit(store *st, const store_record *recs, size_t n, const store_snapshot *snap)
{
    if (n == 0 && !snap)
        return 0;
    if (exec(st, "BEGIN IMMEDIATE"))
        return -1;
    int64_t seq = st->last_seq;
    for (size_t i = 0; i < n; i++) {
        if (recs[i].seq <= seq) {
            snprintf(st->err, sizeof st->err, "journal record %lld does not follow record %lld",
                     (long long)recs[i].seq, (long long)seq);
            goto rollback;
        }
        seq = recs[i].seq;
        sqlite3_bind_int64(st->ins, 1, seq);
        sqlite3_bind_int(st->ins, 2, recs[i].action);
        sqlite3_bind_int64(st->ins, 3, recs[i].now_ms);
        sqlite3_bind_blob(st->ins, 4, recs[i].data, (int)recs[i].len, SQLITE_STATIC);
        if (step_reset(st, st->ins, "appending a journal record"))
            goto rollback;
    }
    if (snap) {
        if (snap->seq > seq)
            seq = snap->seq; /* covers records never stored (one the library could not encode) */
        const char *base = strrchr(snap->file, '/');
        sqlite3_bind_int64(st->snap, 1, snap->seq);
        sqlite3_bind_text(st->snap, 2, base ? base + 1 : snap->file, -1, SQLITE_STATIC);
        if (step_reset(st, st->snap, "writing the snapshot"))
            goto rollback;
    }
    /* Drop the records the snapshot covers a slice per commit: 16 MB of
     * journal deleted in one transaction held the loop 0.4 s (its pages go
     * through the WAL and a checkpoint). A covered row is never replayed. */
    int64_t covered = snap ? snap->seq : st->snap_seq, purged = st->purged;
    if (purged < covered) {
        purged = covered - purged > STORE_PURGE_SLICE ? purged + STORE_PURGE_SLICE : covered;
        sqlite3_bind_int64(st->drop, 1, purged);
        if (step_reset(st, st->drop, "dropping covered journal records"))
            goto rollback;
    }
    if (exec(st, "COMMIT"))
        goto rollback;
    st->last_seq = seq;
    st->snap_seq = covered;
    st->purged = purged;
    return 0;
rollback:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}
