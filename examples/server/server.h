/* SPDX-License-Identifier: MIT */
/* omniq-server: shared state of the routing server.
 *
 * One thread, one engine, one poll() loop. Files and their jobs:
 *   main.c          arguments, signals, start-up (restore + replay, or YAML), shutdown
 *   loop.c          the poll loop: sockets, line framing, timers, commit-then-send
 *   commands.c      one request line -> one engine call -> one reply line
 *   events.c        the engine's event sink: pushes to agent clients, the contact registry
 *   registry.c      the host's set of live contact ids (the engine has no contact listing)
 *   durability.c    the journal sink, batching, snapshot policy, start-up recovery
 *   store_sqlite.c  the persistence adapter (store.h) on SQLite
 *   protocol/json.c the line protocol's strict JSON reader / string writer
 *   buf.c           growable buffers */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <omniq/omniq.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"

#define SERVER_LINE_MAX 8192            /* longest request line, bytes (without the newline) */
#define SERVER_OUT_SOFT (1u << 20)      /* stop reading a client whose unsent output exceeds this */
#define SERVER_OUT_HARD (16u << 20)     /* drop a client whose unsent output exceeds this */
#define SERVER_CLIENTS_MAX 1024         /* default cap on clients (lowered to fit RLIMIT_NOFILE) */
#define SERVER_FDS_RESERVED 16          /* descriptors kept for stdio, the listener and SQLite */
#define SERVER_PER_ADDRESS 128          /* default cap on clients from one IP address */
#define SERVER_IDLE_SECS 300            /* default: close a client silent this long */
#define SERVER_TOKEN_MAX 256            /* longest shared secret */

typedef struct conn {
    int fd;
    uint32_t peer;       /* IPv4 address of the client (network order) */
    int64_t last_in_ms;  /* monotonic time of the last bytes received (idle time-out) */
    int authed;          /* said hello with the token (always 1 without a token) */
    buf in;              /* bytes read, not yet a full line */
    int discarding;      /* skipping the rest of an over-long line */
    int eof;             /* the peer closed its side: close after the output drains */
    int dead;            /* I/O error or overload: close now */
    buf out;             /* reply and event lines not yet sent */
    char agent[OQ_ID_MAX + 1]; /* "hello": events for this agent are pushed here ("" none) */
    int monitor;         /* "hello" with monitor: every event is pushed here */
} conn;

/* The host's set of contacts the engine holds (registry.c). */
typedef struct registry registry;
registry *registry_create(void);
void registry_destroy(registry *r);
void registry_add(registry *r, const char *id);
void registry_remove(registry *r, const char *id);
size_t registry_count(const registry *r);
/* Visit every id in insertion order; fn returns non-zero to remove the id. */
void registry_each(registry *r, int (*fn)(const char *id, void *user), void *user);
/* Serialize as NUL-terminated ids back to back / load from that form. */
void registry_save(registry *r, buf *out);
void registry_load(registry *r, const char *data, size_t len);

typedef struct server_options {
    const char *db_path;
    const char *config_path;
    const char *bind;        /* IPv4 address to listen on (default 127.0.0.1) */
    int port;
    const char *token_file;  /* the shared secret for "hello" (first line of the file) */
    char token[SERVER_TOKEN_MAX + 1]; /* "" = no token */
    int max_clients;         /* asked (--max-clients); lowered to fit RLIMIT_NOFILE */
    int max_per_address;     /* clients from one IP address */
    int64_t idle_ms;         /* close a client silent this long; 0 = never */
    int sync_mode;           /* STORE_SYNC_* */
    int64_t snapshot_every;  /* records between snapshots */
    int64_t snapshot_ms;     /* and at least this often while records arrive */
    int quiet;
} server_options;

typedef struct server {
    server_options opt;
    oq_engine *e;
    store *st;
    registry *reg;
    conn **conns;
    size_t n_conns;
    size_t max_clients;      /* what the descriptor limit allows (loop_listen) */
    int listen_fd;
    int64_t accept_paused_until; /* monotonic ms: accept() ran out of descriptors, wait */
    /* durability.c: records of the calls made since the last commit */
    buf batch;               /* record bytes back to back */
    store_record *recs;      /* descriptors (data = offset into batch until commit) */
    size_t n_recs, cap_recs;
    int64_t since_snapshot;  /* records committed since the last snapshot */
    int64_t last_snapshot_ms;
    int want_snapshot;       /* snapshot at the next commit (a record could not be encoded, or asked) */
    int record_lost;         /* a record could not be encoded: only a snapshot restores exactness */
    /* counters */
    int64_t requests, commits;
    int64_t loops;           /* poll loop iterations (a spinning loop shows here) */
} server;

/* Host time: CLOCK_REALTIME in ms, but never before the engine's clock. */
int64_t server_now(server *s);
int64_t server_wall_ms(void);
int64_t server_mono_ms(void);     /* CLOCK_MONOTONIC, for time-outs within one process */
void server_log(server *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* events.c */
void events_on_event(const oq_event *ev, void *user);
void events_write(buf *b, const oq_event *ev);

/* durability.c */
void durability_on_record(const oq_journal_record *rec, void *user);
/* Start-up: restore the snapshot and replay the journal, or load the YAML and
 * write the first snapshot. 0 or -1 (message printed). */
int durability_start(server *s);
/* Commit the batch (and a snapshot if due); on failure the process exits:
 * the engine is ahead of the durable state and must not answer anyone. */
void durability_commit(server *s, int64_t now_ms);
void durability_final_snapshot(server *s);

/* commands.c: handle one request line (NUL-terminated, in place), append the reply. */
void commands_handle(server *s, conn *c, char *line, size_t len, int64_t now_ms);

/* loop.c */
int loop_listen(server *s);
int loop_run(server *s);
void loop_close_all(server *s);
extern volatile int loop_stop_signal;

#endif
