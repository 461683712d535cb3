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
 *   background.c    periodic snapshots written by a forked child while the loop serves
 *   snapfile.c      snapshot files beside the SQLite database
 *   store_sqlite.c  the persistence adapter (store.h) on SQLite
 *   replica.c       a tenant on the NATS JetStream journal: leading, standing by,
 *                   failover, hand-over (replica_none.c without libnats)
 *   jetstream.c     the JetStream adapter (streams, snapshots, leases)
 *   protocol/json.c the line protocol's strict JSON reader / string writer
 *   buf.c           growable buffers */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <omniq/omniq.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"

struct nats_link;

#define SERVER_LINE_MAX 8192            /* longest request line, bytes (without the newline) */
#define SERVER_OUT_SOFT (1u << 20)      /* stop reading a client whose unsent output exceeds this */
#define SERVER_OUT_HARD (16u << 20)     /* drop a client whose unsent output exceeds this */
#define SERVER_CLIENTS_MAX 1024         /* default cap on clients (lowered to fit RLIMIT_NOFILE) */
#define SERVER_FDS_RESERVED 16          /* descriptors kept for stdio, the listener and SQLite */
#define SERVER_PER_ADDRESS 128          /* default cap on clients from one IP address */
#define SERVER_IDLE_SECS 300            /* default: close a client silent this long */
#define SERVER_TOKEN_MAX 256            /* longest shared secret */
#define SERVER_CHILD_POLL_MS 20         /* how often an idle loop looks whether a snapshot child ended */
#define SERVER_SNAPSHOT_BYTES (16 << 20) /* default journal bytes between snapshots */

typedef struct tenant tenant;
typedef struct replica replica;

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
    tenant *t;           /* whose engine its requests go to (hello; the only one by default) */
    tenant *gone;        /* the tenant it was bound to until that one stepped down */
    uint32_t unsent;     /* tenants (tenant.bit) whose replies of this loop turn `out` holds:
                          * not durable until the turn's commit; cleared after it */
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

#define SERVER_TENANTS_MAX 16
#define SERVER_NAME_MAX 64

typedef struct tenant_option {
    const char *name;
    int lead;                /* --role primary (1) or standby (0) */
} tenant_option;

typedef struct server_options {
    const char *db_path;
    const char *journal;     /* NATS URLs (--journal): replaces --db */
    tenant_option tenants[SERVER_TENANTS_MAX];
    int n_tenants;
    const char *name;        /* this server in leases (default: its address) */
    const char *advertise;   /* host:port clients reach it at (default: the listener's) */
    int64_t lease_ms;        /* a leader not heard of this long has lost its tenant */
    int64_t journal_timeout_ms; /* wait for the cluster's acknowledgements */
    int replicas;            /* copies of each stream and bucket created */
    const char *config_path;
    const char *bind;        /* IPv4 address to listen on (default 127.0.0.1) */
    int port;
    const char *token_file;  /* the shared secret for "hello" (first line of the file) */
    char token[SERVER_TOKEN_MAX + 1]; /* "" = no token */
    int max_clients;         /* asked (--max-clients); lowered to fit RLIMIT_NOFILE */
    int max_per_address;     /* clients from one IP address */
    int64_t idle_ms;         /* close a client silent this long; 0 = never */
    int sync_mode;           /* STORE_SYNC_* */
    int64_t snapshot_bytes;  /* journal bytes between snapshots */
    int64_t snapshot_every;  /* ... or records between snapshots (0: no such rule) */
    int64_t snapshot_ms;     /* and at least this often while records arrive */
    int quiet;
} server_options;

/* What a tenant is doing. */
#define TENANT_SOLO 0      /* the only tenant of a SQLite server: always answers */
#define TENANT_LEADING 1   /* holds the lease and appends to the stream */
#define TENANT_STANDBY 2   /* an exact replica, following the stream */
#define TENANT_SYNCING 3   /* no engine yet: loading a snapshot, or waiting for one */

/* One engine and everything that keeps it durable. */
struct tenant {
    struct server *srv;
    char name[SERVER_NAME_MAX];
    uint32_t bit;            /* 1 << its index in server.tenants (conn.unsent) */
    int lead;                /* --role primary: takes a free lease at once */
    int state;               /* TENANT_* */
    oq_engine *e;
    store *st;               /* SQLite (TENANT_SOLO) */
    replica *rep;            /* the JetStream side (replica.c) */
    registry *reg;
    int64_t last_seq;        /* the last journal record stored (leading) or applied (standby) */
    /* durability.c: records of the calls made since the last commit */
    buf batch;               /* record bytes back to back */
    store_record *recs;      /* descriptors (data = offset into batch until commit) */
    size_t n_recs, cap_recs;
    int64_t since_snapshot;  /* records committed since the last snapshot */
    int64_t since_bytes;     /* and their bytes */
    int64_t journal_bytes;   /* record bytes committed since start (the snapshot policy's clock) */
    int64_t last_snapshot_ms;
    int64_t snap_seq;        /* the last record the stored snapshot covers */
    int64_t snapshots;       /* snapshots stored since start */
    /* background.c: the periodic snapshot a forked child is writing (SQLite) */
    long bg_pid;             /* the child (0: none) */
    int bg_fd;               /* its pipe: one byte when its file is complete */
    int bg_ready;            /* it finished: its file waits for the next commit to name it */
    int64_t bg_seq;          /* the last record it covers (the journal at the fork) */
    int64_t bg_bytes_at;     /* journal_bytes at the fork */
    int64_t bg_failed_ms;    /* when the last child failed (retry a period later; 0 never) */
    int64_t bg_started_mono; /* when it was forked (monotonic ms) */
    int64_t bg_fork_ms_max;  /* the longest fork() since start: the loop's only pause for a snapshot */
    int64_t bg_child_ms;     /* how long the last finished child took, fork to its word */
    int64_t adopt_ms_max;    /* the longest commit that named a child's file */
    /* upload.c: the periodic snapshot of a JetStream leader (its child serializes, a thread uploads) */
    int bg_upload;           /* one is in progress (or being wound up after a step-down) */
    int64_t bg_upload_ms;    /* how long the last stored one took to upload, child's end to head */
    int want_snapshot;       /* snapshot at the next commit (a record could not be encoded, or asked) */
    int record_lost;         /* a record could not be encoded: only a snapshot restores exactness */
    /* counters */
    int64_t requests, commits;
};

typedef struct server {
    server_options opt;
    tenant *tenants[SERVER_TENANTS_MAX];
    int n_tenants;
    char name[SERVER_NAME_MAX];      /* in leases and logs */
    char advertise[SERVER_NAME_MAX]; /* host:port for clients */
    struct nats_link *link;          /* the JetStream cluster (replica.c) */
    struct nats_link *snap_link;     /* a second connection, for snapshot uploads only (upload.c):
                                      * a journal message never waits behind a snapshot's chunk */
    int wake_fd[2];                  /* records arrived for a standby: wakes poll() */
    conn **conns;
    size_t n_conns;
    size_t max_clients;      /* what the descriptor limit allows (loop_listen) */
    int listen_fd;
    int64_t accept_paused_until; /* monotonic ms: accept() ran out of descriptors, wait */
    int64_t requests;
    int64_t loops;           /* poll loop iterations (a spinning loop shows here) */
} server;

/* Host time: CLOCK_REALTIME in ms, but never before any engine's clock. */
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

/* tenant: create (state SYNCING, no engine) / free everything. */
tenant *tenant_create(server *s, const char *name, int lead);
void tenant_destroy(tenant *t);
/* Engine options with the server's event sink for t. */
void tenant_engine_options(tenant *t, oq_engine_options *o);
/* Drop the engine and registry (a replica that must be rebuilt). */
void tenant_drop_engine(tenant *t);
/* t stepped down: its connections get no more events. discard: what they
 * were about to receive is not durable: drop it and close them — those
 * bound to t (hello) and every other one holding a reply of t from this
 * loop turn (a request naming the tenant); otherwise their next request is
 * answered NOT_LEADER (the client moves on). */
void tenant_close_clients(tenant *t, int discard);
/* The tenant called name, or NULL. */
tenant *server_tenant(server *s, const char *name);

/* durability.c */
void durability_on_record(const oq_journal_record *rec, void *user);
/* Start-up of a SQLite server: restore the snapshot and replay the journal,
 * or load the YAML and write the first snapshot. 0 or -1 (message printed). */
int durability_start(tenant *t);
/* Commit every tenant's batch (and snapshots when due), in two steps so the
 * tenants of one server share the wait: submit all, then finish all. A SQLite
 * commit that fails exits the process (the engine is ahead of the durable
 * state and must not answer anyone); a JetStream tenant that is refused or
 * not acknowledged steps down instead (replica.c). */
void durability_commit(server *s, int64_t now_ms);
void durability_final_snapshot(tenant *t);
/* A snapshot of t (engine + registry) in two malloc'd buffers; 0 or -1. */
int durability_snapshot(tenant *t, void **data, size_t *len, buf *extra);
/* The snapshot policy at now_ms (counting the pending records): SNAPSHOT_NOW
 * (asked for, or a record could not be encoded: in this commit), SNAPSHOT_DUE
 * (the period is over: a SQLite server forks a child for it, a JetStream
 * leader writes it in this commit) or 0. */
#define SNAPSHOT_DUE 1
#define SNAPSHOT_NOW 2
int durability_snapshot_due(tenant *t, int64_t now_ms);
void durability_clear_batch(tenant *t);

/* background.c: a snapshot of a SQLite tenant's engine as it is now (call
 * right after a commit: the engine is exactly the durable state), written to
 * its file by a forked child (copy-on-write: the loop goes on serving). 0, or
 * -1 when the pipe or the fork failed (message logged; a period later it is
 * tried again). */
int background_start(tenant *t, int64_t now_ms);
/* Reap a finished child (never waits): 1 when its file is complete and
 * waits to be named by the next commit (bg_seq, path), 0 otherwise. A child
 * that failed is logged and its files removed. */
int background_poll(tenant *t, int64_t now_ms, char *path, size_t len);
/* Stop a running child and forget its snapshot (a newer one is being
 * written, or the server stops); waits for it to exit. */
void background_cancel(tenant *t);
/* In a snapshot child, first thing: close the listener and the clients'
 * sockets (a client the loop drops must see its connection close), lower
 * the child's priority, and wait at OMNIQ_SERVER_SNAPSHOT_GATE (tests);
 * a child whose server (parent) died meanwhile exits there. */
void background_child_enter(server *s, long parent);

/* commands.c: handle one request line (NUL-terminated, in place), append the reply. */
void commands_handle(server *s, conn *c, char *line, size_t len, int64_t now_ms);

/* replica.c (replica_none.c without libnats): the JetStream side. */
/* 1 if built with it; 0 (and a message on stderr) if not. */
int replica_supported(void);
/* Connect to the cluster and open each tenant (they start syncing). 0 or -1. */
int replica_start(server *s);
void replica_stop(server *s);
/* Leading tenants: publish the batch / wait for it (and write a snapshot
 * if asked). finish returns 0, or -1 when the tenant stepped down. */
int replica_submit(tenant *t);
int replica_finish(tenant *t, int with_snapshot, int64_t now_ms);
/* Once per loop turn: standbys apply what arrived, leases are renewed or
 * watched, expired ones taken over, syncing tenants retried. */
void replica_tick(server *s, int64_t now_ms);
/* The longest poll() may sleep before replica_tick needs to run (ms). */
int64_t replica_wait_ms(server *s);
/* Hand a leading tenant over (to: a server name, "" any standby). 0 or -1 (err). */
int replica_handover(tenant *t, const char *to, char *err, size_t errlen);
/* Where the tenant's leader is ("" unknown) and who it is. */
void replica_leader(tenant *t, char *addr, size_t alen, char *holder, size_t hlen);
/* Where the periodic snapshot of a JetStream leader is: "child"
 * (serializing), "chunks" (being stored), "head" (about to be named), or
 * "none" (no such snapshot running). */
const char *replica_snapshot_phase(tenant *t);
/* Records the tenant's engine trails the stream by (standby), 0 otherwise. */
uint64_t replica_lag(tenant *t);
/* Shutdown: final snapshots, leases released so a standby takes over at once. */
void replica_release(server *s);

/* loop.c */
int loop_listen(server *s);
int loop_run(server *s);
void loop_close_all(server *s);
extern volatile int loop_stop_signal;

#endif
