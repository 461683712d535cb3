/* SPDX-License-Identifier: MIT */
/* The persistence adapter: where the server keeps its snapshot and journal.
 * The loop and the commands know nothing of SQL; store_sqlite.c implements
 * this interface on SQLite. Every function returns 0 on success and -1 on
 * failure with a message in store_error().
 *
 * Model: an ordered journal of records, each keyed by its own sequence number
 * (the library's: 1, 2, ...; oq_journal_record.seq), and at most one snapshot
 * that covers every record up to its `seq`. The snapshot's bytes live in a
 * file beside the database (snapfile.h: written and flushed before a commit
 * names it, so the server can write it in a forked child while it goes on
 * serving); the database row names the file. A row holding the bytes
 * themselves (databases of earlier versions) is still read.
 * A commit appends records and, optionally, replaces the snapshot and drops
 * the records it covers — all in ONE transaction, so a crash leaves either
 * the state before the commit or the state after it. */
#ifndef SERVER_STORE_H
#define SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

#define STORE_SYNC_OFF 0     /* no fsync: survives a process crash, not an OS crash */
#define STORE_SYNC_NORMAL 1  /* WAL synchronous=NORMAL: may lose the last commits on power loss */
#define STORE_SYNC_FULL 2    /* WAL synchronous=FULL: every commit is on disk before it returns */

typedef struct store_record {
    int64_t seq;        /* the record's sequence number: its key */
    int32_t action;     /* OQ_J_* (informational: stored beside the bytes) */
    int64_t now_ms;
    const void *data;
    size_t len;
} store_record;

typedef struct store_snapshot {
    int64_t seq;        /* the last record it covers (the engine's next record - 1) */
    const char *file;   /* the complete snapshot file holding it (snapfile.h), beside the database */
} store_snapshot;

/* Open (creating if needed) the database at path. */
int store_open(const char *path, int sync_mode, store **out, char *err, size_t errlen);
void store_close(store *st);
const char *store_error(const store *st);

/* The latest snapshot: 1 and malloc'd copies (free them) if there is one,
 * 0 if the database has none, -1 on error (its file missing or damaged
 * too). *seq = the last record it covers; file (NULL: not wanted) gets the
 * path of the file holding it ("" when the row holds the bytes). */
int store_load_snapshot(store *st, void **data, size_t *len, void **extra, size_t *extra_len,
                        int64_t *seq, char *file, size_t file_len);

/* Call fn for every record with a sequence number above after_seq, in order.
 * fn returns 0 to go on, non-zero to stop (store_replay then returns -1). */
typedef int (*store_replay_fn)(int64_t seq, const void *data, size_t len, void *user);
int store_replay(store *st, int64_t after_seq, store_replay_fn fn, void *user);

/* One transaction: append n records (each under its own seq, above every
 * seq stored), then, if snap is not NULL, make snap the snapshot. snap may
 * cover fewer records than stored (a snapshot written by a child while
 * records went on). The records the snapshot covers (seq <= its seq) are
 * deleted STORE_PURGE_SLICE at a time, by this commit and the next ones
 * (never replayed meanwhile: store_replay starts after the snapshot). */
#define STORE_PURGE_SLICE 1024

int store_commit(store *st, const store_record *recs, size_t n, const store_snapshot *snap);

/* Highest sequence number written (by a commit or found at open). */
int64_t store_last_seq(const store *st);

#endif
