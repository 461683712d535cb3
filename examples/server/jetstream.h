/* SPDX-License-Identifier: MIT */
/* The journal of each tenant on NATS JetStream (jetstream.c): built only
 * when libnats is found. One connection to the cluster (nats_link) is shared
 * by the tenants of a process; each tenant (nats_log) has
 *
 *   - a stream  OMNIQ_<tenant>, subject omniq.<tenant>.journal: message n
 *     holds the journal records of one commit of the leader (group commit:
 *     the records of one loop turn, in order, each framed as a u32
 *     little-endian length and its bytes; a turn larger than NATS_MSG_MAX
 *     takes several messages). Compare-and-append keeps the numbering
 *     dense: message n is published expecting the stream's last sequence
 *     to be n - 1 — message 1 expecting no message — and with a
 *     Nats-Msg-Id "<writer epoch>.<n>" so a retry of a stored one is
 *     recognised;
 *   - its latest snapshot, tagged with the last message it includes, in
 *     the key/value bucket OMNIQ_SNAPSHOTS (runs of zeros encoded): chunks
 *     "<tenant>.<seq>.<writer>.<i>" then the head "<tenant>.head"
 *     naming them;
 *   - its lease in the bucket OMNIQ_LEASES, key "<tenant>": who leads it,
 *     where clients reach that server, and a planned hand-over's target.
 *
 * Every function runs on the caller's thread and may block for up to the
 * link's time-out (the acknowledgements of a batch, a key/value call). The
 * record follower receives messages on a libnats thread and hands them over
 * through a queue; a byte written to wake_fd tells the poll loop. */
#ifndef SERVER_JETSTREAM_H
#define SERVER_JETSTREAM_H

#include <stddef.h>
#include <stdint.h>

#define NATS_TENANT_MAX 32   /* tenant names: 1..32 of [A-Za-z0-9_-] */
#define NATS_NAME_MAX 64     /* server names and addresses in a lease */

typedef struct nats_link nats_link;
typedef struct nats_log nats_log;

/* Connect to the cluster: urls is a comma-separated list ("nats://h:p,...").
 * timeout_ms bounds each request (key/value calls, stream information) and
 * the wait for a batch's acknowledgements; the connection reconnects by
 * itself. 0 or -1 with a message in err. */
int nats_link_open(const char *urls, const char *client_name, int64_t timeout_ms, nats_link **out,
                   char *err, size_t errlen);
/* Close the link and release libnats (its threads): the process's last link. */
void nats_link_close(nats_link *l);
/* Close a link but keep libnats for the process's other links. */
void nats_link_drop(nats_link *l);

/* 1 if name is a valid tenant name. */
int nats_tenant_valid(const char *name);

/* Open a tenant's stream and buckets, creating what is missing with
 * `replicas` copies of each (1..5; 0: create nothing, they must exist).
 * 0 or -1 with a message in err. */
int nats_log_open(nats_link *l, const char *tenant, int replicas, nats_log **out, char *err,
                  size_t errlen);
void nats_log_close(nats_log *g);
const char *nats_log_error(const nats_log *g);

/* ---- messages of records ---- */

#define NATS_MSG_MAX (256u << 10) /* a commit's records beyond this start another message */
#define NATS_FRAME 4              /* the length before each record */

/* Write the frame of a record of len bytes (NATS_FRAME bytes at out). */
void nats_frame_put(unsigned char *out, size_t len);

/* The record at *off of a message (then *off moves past it): 1, 0 at the
 * end, -1 when the framing is damaged (a length past the end, an empty record). */
int nats_frame_next(const void *msg, size_t len, size_t *off, const void **rec, size_t *rec_len);

/* ---- appending (the tenant's leader) ---- */

#define NATS_LOG_OK 0
#define NATS_LOG_FAILED (-1) /* not known to be stored (the cluster did not answer in time) */
#define NATS_LOG_FENCED (-2) /* another writer appended first: this one must step down */

/* A new writer identity (the Nats-Msg-Id prefix): call before leading, so a
 * stale writer's retry can never be taken for this one's record. */
void nats_log_new_epoch(nats_log *g);

/* The current writer identity (NATS_EPOCH_MAX bytes with its NUL at most). */
#define NATS_EPOCH_MAX 24
void nats_log_epoch(nats_log *g, char *out, size_t len);

/* Publish message seq (asynchronously); the messages of one commit in
 * order, seq following the last stored one. The bytes are copied. */
int nats_log_append(nats_log *g, uint64_t seq, const void *data, size_t len);

/* Wait until every message appended since the last wait is stored
 * (NATS_LOG_OK), until another writer is found to have appended first
 * (NATS_LOG_FENCED: error says which record), or the time-out (FAILED).
 * Records refused or lost in transit are published again with the same
 * identity and expectation, so a retry never stores a record twice. */
int nats_log_wait(nats_log *g);

/* The stream's last sequence as the cluster sees it now. 0 or -1. */
int nats_log_stream_last(nats_log *g, uint64_t *last);

/* The name of the cluster node leading the stream ("" unknown). 0 or -1. */
int nats_log_stream_leader(nats_log *g, char *name, size_t len);

/* ---- reading (a standby, start-up, the tools) ---- */

/* Start delivering messages from from_seq on (an ordered consumer); wake_fd
 * (-1: none) gets a byte whenever messages arrive. 0 or -1. */
int nats_log_follow(nats_log *g, uint64_t from_seq, int wake_fd);

/* The next delivered message: 1 (data valid until the next call or
 * unfollow; *pending = messages after it in the stream at delivery), 0 when
 * none arrived within timeout_ms (0: do not wait), -1 on error. */
int nats_log_next(nats_log *g, int64_t timeout_ms, uint64_t *seq, const void **data, size_t *len,
                  uint64_t *pending);

void nats_log_unfollow(nats_log *g);

/* The Nats-Msg-Id ("<writer epoch>.<seq>") of the message last returned by
 * nats_log_next / nats_log_get ("" none): which leadership wrote it. */
const char *nats_log_record_id(nats_log *g);

/* Message seq read directly (not through the follower): data valid until
 * the next nats_log_next / nats_log_get. 0 or -1. */
int nats_log_get(nats_log *g, uint64_t seq, const void **data, size_t *len);

/* ---- snapshots ---- */

/* Store a snapshot covering messages 1..seq: the engine's bytes and the
 * host's extra bytes, encoded (runs of zeros as one token: snapfile.h; the
 * head says "enc=zero-runs" and how many bytes the chunks hold — a head
 * without it, written by an earlier version, names the bytes as they are),
 * in chunks below the cluster's payload limit; the head is written last,
 * then the previous snapshot's chunks are removed. */
int nats_log_put_snapshot(nats_log *g, uint64_t seq, const void *data, size_t len,
                          const void *extra, size_t extra_len);

/* The same, callable from any thread (libnats is thread-safe; nothing of g
 * but its connection and buckets is touched), for a snapshot already
 * encoded: body is the engine's len bytes then the host's extra_len bytes
 * in snapfile.h's token encoding (snapfile_encode), sum their
 * snapfile_hash. gen names the writer (its epoch when the snapshot was
 * taken), errors go to err, and go_on (NULL: none) is asked before each
 * chunk (before_head 0) and before the head (1): when it returns 0 the
 * chunks written so far are removed and 1 is returned (nothing stored).
 * 0 stored (or a snapshot of seq or later was there already), -1 failed. */
int nats_log_store_snapshot(nats_log *g, uint64_t seq, const char *gen, const void *body, size_t body_len,
                            size_t len, size_t extra_len, uint64_t sum, int (*go_on)(void *user, int before_head),
                            void *user, char *err, size_t errlen);

/* The latest snapshot: 1 with malloc'd copies (free them), 0 if there is
 * none, -1 on error (unreachable, damaged). */
int nats_log_get_snapshot(nats_log *g, uint64_t *seq, void **data, size_t *len, void **extra,
                          size_t *extra_len);

/* ---- the lease (who leads the tenant) ---- */

typedef struct nats_lease {
    int found;                   /* 0: nobody ever led the tenant */
    uint64_t revision;           /* the key's revision: renewals and takeovers compare it */
    char holder[NATS_NAME_MAX];  /* the leading server's name ("" released) */
    char addr[NATS_NAME_MAX];    /* where its clients connect (host:port) */
    char to[NATS_NAME_MAX];      /* a planned hand-over's target ("" none) */
} nats_lease;

/* 0 (found may be 0) or -1 (the cluster did not answer). */
int nats_lease_read(nats_log *g, nats_lease *out);

/* Write the lease if its revision is still last_rev (0: if it does not
 * exist): 0 written (*new_rev), 1 someone else wrote it first, -1 no answer. */
int nats_lease_write(nats_log *g, const char *holder, const char *addr, const char *to,
                     uint64_t last_rev, uint64_t *new_rev);

#endif
