/* SPDX-License-Identifier: MIT */
/* The journal of each tenant on NATS JetStream (see jetstream.h).
 *
 * Why compare-and-append is enough to fence a stale writer: every message n
 * (the journal records of one commit) is published with "the stream's last
 * sequence must be n - 1" (the server refuses it otherwise, JetStream error
 * 10071), so two writers can never both store a message n; whoever comes
 * second is told, and the one told must rebuild from the stream. The
 * Nats-Msg-Id is "<epoch>.<n>" with an epoch drawn at random for each
 * leadership: a writer's own retry of a stored message is answered as a
 * duplicate with the original sequence, but a stale writer's message n
 * never matches the new leader's message n (with the same id the server
 * would call the stale one a duplicate of the other and report it stored).
 *
 * Acknowledgements of asynchronous publishes arrive on a libnats thread;
 * on_ack records them in the batch under the log's mutex and signals the
 * waiting loop thread. Messages for the follower arrive on another libnats
 * thread and are queued the same way. */
#define _POSIX_C_SOURCE 200809L

#include "jetstream.h"
#include "snapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <nats/nats.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SNAP_BUCKET "OMNIQ_SNAPSHOTS"
#define LEASE_BUCKET "OMNIQ_LEASES"
#define JS_WRONG_LAST_SEQUENCE 10071 /* JetStream: "wrong last sequence" */
#define JS_NO_MESSAGE_FOUND 10037    /* JetStream: "no message found" */
#define RETRY_PAUSE_MS 100

struct nats_link {
    natsOptions *opts;
    natsConnection *nc;
    jsCtx *js;             /* management calls, key/value, synchronous publishes */
    int64_t timeout_ms;
    int64_t chunk_max;     /* snapshot chunk size: below the cluster's max_payload */
};

enum { ACK_WAITING, ACK_STORED, ACK_WRONG_LAST, ACK_ERROR };

typedef struct pending {
    uint64_t seq;
    size_t off, len;       /* bytes in nats_log.bytes */
    int state;             /* ACK_* */
} pending;

typedef struct queued {
    struct queued *next;
    natsMsg *msg;
} queued;

struct nats_log {
    nats_link *link;
    jsCtx *js;             /* this tenant's asynchronous publishes (its ack handler) */
    kvStore *snaps, *leases;
    char tenant[NATS_TENANT_MAX + 1];
    char stream[NATS_TENANT_MAX + 8];
    char subject[NATS_TENANT_MAX + 16];
    char epoch[24];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* the batch being acknowledged (guarded by mu while acks may arrive) */
    pending *batch;
    size_t n_batch, cap_batch, n_unresolved;
    char *bytes;
    size_t n_bytes, cap_bytes;
    /* the follower */
    natsSubscription *sub;
    int wake_fd;
    queued *head, *tail;
    natsMsg *cur;          /* the record last returned by nats_log_next */
    char err[512];
};

/* ---- helpers ------------------------------------------------------------------ */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* "what: status (detail)": the detail is the last libnats error on this
 * thread, which belongs to this failure only for a server-side error. */
static void nats_fail(char *err, size_t errlen, const char *what, natsStatus s, jsErrCode jerr)
{
    const char *detail = s == NATS_ERR ? nats_GetLastError(NULL) : NULL;
    if (jerr)
        fail(err, errlen, "%s: %s, JetStream error %d%s%s", what, natsStatus_GetText(s), (int)jerr,
             detail && *detail ? ": " : "", detail ? detail : "");
    else
        fail(err, errlen, "%s: %s%s%s", what, natsStatus_GetText(s), detail && *detail ? ": " : "",
             detail ? detail : "");
}

int nats_tenant_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > NATS_TENANT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}


/* ---- the link ------------------------------------------------------------------ */

int nats_link_open(const char *urls, const char *client_name, int64_t timeout_ms, nats_link **out,
                   char *err, size_t errlen)
{
    nats_link *l = calloc(1, sizeof *l);
    char *copy = strdup(urls ? urls : "");
    const char *list[16];
    int n = 0;
    if (!l || !copy) {
        free(l);
        free(copy);
        fail(err, errlen, "out of memory");
        return -1;
    }
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && n < 16;
         tok = strtok_r(NULL, ",", &save))
        if (*tok)
            list[n++] = tok;
    l->timeout_ms = timeout_ms;
    natsStatus s = n ? natsOptions_Create(&l->opts) : NATS_INVALID_ARG;
    if (s == NATS_OK)
        s = natsOptions_SetServers(l->opts, list, n);
    if (s == NATS_OK)
        s = natsOptions_SetName(l->opts, client_name);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(l->opts, timeout_ms);
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(l->opts, -1); /* reconnect for as long as it takes */
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(l->opts, 100);
    if (s == NATS_OK) /* a record waits for no flusher thread: latency is the point */
        s = natsOptions_SetSendAsap(l->opts, true);
    if (s == NATS_OK)
        s = natsConnection_Connect(&l->nc, l->opts);
    if (s == NATS_OK) {
        jsOptions jo;
        jsOptions_Init(&jo);
        jo.Wait = timeout_ms;
        s = natsConnection_JetStream(&l->js, l->nc, &jo);
    }
    if (s != NATS_OK) {
        if (n == 0)
            fail(err, errlen, "--journal '%s': expected nats://host:port[,nats://host:port...]", urls);
        else
            nats_fail(err, errlen, "cannot connect to the NATS cluster", s, 0);
        free(copy);
        nats_link_close(l);
        return -1;
    }
    free(copy);
    int64_t mp = natsConnection_GetMaxPayload(l->nc);
    l->chunk_max = mp > 8192 ? mp - 4096 : 4096; /* room for headers */
    *out = l;
    return 0;
}

void nats_link_drop(nats_link *l)
{
    if (!l)
        return;
    jsCtx_Destroy(l->js);
    natsConnection_Destroy(l->nc);
    natsOptions_Destroy(l->opts);
    free(l);
}

void nats_link_close(nats_link *l)
{
    if (!l)
        return;
    nats_link_drop(l);
    nats_Close(); /* libnats' own threads and memory: after the process's last link */
}

/* ---- opening a tenant ---------------------------------------------------------- */

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure);

/* Open a bucket, creating it when missing. */
static natsStatus open_bucket(nats_link *l, const char *name, int replicas, kvStore **kv)
{
    natsStatus s = js_KeyValue(kv, l->js, name);
    if (s == NATS_NOT_FOUND && replicas > 0) {
        kvConfig kc;
        kvConfig_Init(&kc);
        kc.Bucket = name;
        kc.History = 1;
        kc.Replicas = replicas;
        kc.StorageType = js_FileStorage;
        s = js_CreateKeyValue(kv, l->js, &kc);
        if (s != NATS_OK) /* created meanwhile by another server */
            s = js_KeyValue(kv, l->js, name);
    }
    return s;
}

int nats_log_open(nats_link *l, const char *tenant, int replicas, nats_log **out, char *err,
                  size_t errlen)
{
    if (!nats_tenant_valid(tenant)) {
        fail(err, errlen, "tenant '%s': expected 1..%d of A-Z a-z 0-9 _ -", tenant ? tenant : "",
             NATS_TENANT_MAX);
        return -1;
    }
    nats_log *g = calloc(1, sizeof *g);
    if (!g) {
        fail(err, errlen, "out of memory");
        return -1;
    }
    g->link = l;
    g->wake_fd = -1;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    snprintf(g->tenant, sizeof g->tenant, "%s", tenant);
    snprintf(g->stream, sizeof g->stream, "OMNIQ_%s", tenant);
    snprintf(g->subject, sizeof g->subject, "omniq.%s.journal", tenant);
    nats_log_new_epoch(g);

    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = l->timeout_ms;
    jo.PublishAsync.AckHandler = on_ack;
    jo.PublishAsync.AckHandlerClosure = g;
    jo.PublishAsync.MaxPending = 65536;
    natsStatus s = natsConnection_JetStream(&g->js, l->nc, &jo);
    jsErrCode jerr = 0;
    const char *what = "creating the JetStream context";
    if (s == NATS_OK) {
        what = "reading the stream";
        jsStreamInfo *si = NULL;
        s = js_GetStreamInfo(&si, l->js, g->stream, NULL, &jerr);
        jsStreamInfo_Destroy(si);
        if (s == NATS_NOT_FOUND && replicas == 0)
            what = "no journal stream (no server has led this tenant yet)";
        if (s == NATS_NOT_FOUND && replicas > 0) {
            what = "creating the stream";
            jsStreamConfig sc;
            jsStreamConfig_Init(&sc);
            const char *subjects[1] = {g->subject};
            sc.Name = g->stream;
            sc.Subjects = subjects;
            sc.SubjectsLen = 1;
            sc.Storage = js_FileStorage;
            sc.Replicas = replicas;
            sc.DenyDelete = true; /* a record never disappears alone */
            jerr = 0;
            s = js_AddStream(&si, l->js, &sc, NULL, &jerr);
            jsStreamInfo_Destroy(si);
        }
    }
    if (s == NATS_OK) {
        what = "opening the snapshot bucket " SNAP_BUCKET;
        s = open_bucket(l, SNAP_BUCKET, replicas, &g->snaps);
    }
    if (s == NATS_OK) {
        what = "opening the lease bucket " LEASE_BUCKET;
        s = open_bucket(l, LEASE_BUCKET, replicas, &g->leases);
    }
    if (s != NATS_OK) {
        char msg[400];
        nats_fail(msg, sizeof msg, what, s, jerr);
        fail(err, errlen, "tenant '%s': %s", tenant, msg);
        nats_log_close(g);
        return -1;
    }
    *out = g;
    return 0;
}

void nats_log_close(nats_log *g)
{
    if (!g)
        return;
    nats_log_unfollow(g);
    kvStore_Destroy(g->snaps);
    kvStore_Destroy(g->leases);
    jsCtx_Destroy(g->js); /* no acknowledgement handler runs after this */
    free(g->batch);
    free(g->bytes);
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

const char *nats_log_error(const nats_log *g) { return g->err; }

void nats_log_epoch(nats_log *g, char *out, size_t len)
{
    pthread_mutex_lock(&g->mu);
    snprintf(out, len, "%s", g->epoch);
    pthread_mutex_unlock(&g->mu);
}

void nats_log_new_epoch(nats_log *g)
{
    uint64_t r = 0;
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd >= 0) {
        if (read(fd, &r, sizeof r) != (ssize_t)sizeof r)
            r = 0;
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    r ^= ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 48);
    pthread_mutex_lock(&g->mu);
    snprintf(g->epoch, sizeof g->epoch, "%016llx", (unsigned long long)r);
    pthread_mutex_unlock(&g->mu);
}

/* ---- messages of records -------------------------------------------------------- */

void nats_frame_put(unsigned char *out, size_t len)
{
    for (int i = 0; i < NATS_FRAME; i++)
        out[i] = (unsigned char)(len >> (8 * i));
}

int nats_frame_next(const void *msg, size_t len, size_t *off, const void **rec, size_t *rec_len)
{
    const unsigned char *p = msg;
    if (*off == len)
        return 0;
    if (len - *off < NATS_FRAME)
        return -1;
    size_t n = 0;
    for (int i = NATS_FRAME - 1; i >= 0; i--)
        n = n << 8 | p[*off + (size_t)i];
    if (n == 0 || n > len - *off - NATS_FRAME)
        return -1;
    *rec = p + *off + NATS_FRAME;
    *rec_len = n;
    *off += NATS_FRAME + n;
    return 1;
}

/* ---- appending ------------------------------------------------------------------- */

static void pub_options(const nats_log *g, uint64_t seq, char *id, size_t idlen, jsPubOptions *po)
{
    jsPubOptions_Init(po);
    snprintf(id, idlen, "%s.%llu", g->epoch, (unsigned long long)seq);
    po->MsgId = id;
    po->MaxWait = g->link->timeout_ms;
    /* 0 means "no expectation" in the protocol: message 1 expects an empty
     * subject instead (the stream has that one subject). */
    if (seq == 1)
        po->ExpectNoMessage = true;
    else
        po->ExpectLastSeq = seq - 1;
}

/* Which message an acknowledgement is for: the id "<epoch>.<seq>" of this
 * leadership (acks of an earlier one are ignored). */
static pending *find_pending(nats_log *g, natsMsg *msg)
{
    const char *id = NULL;
    if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) != NATS_OK || !id)
        return NULL;
    size_t el = strlen(g->epoch);
    if (strncmp(id, g->epoch, el) != 0 || id[el] != '.')
        return NULL;
    uint64_t seq = strtoull(id + el + 1, NULL, 10);
    if (g->n_batch == 0 || seq < g->batch[0].seq || seq - g->batch[0].seq >= g->n_batch)
        return NULL;
    return &g->batch[seq - g->batch[0].seq];
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    nats_log *g = closure;
    pthread_mutex_lock(&g->mu);
    pending *p = find_pending(g, msg);
    if (p && p->state == ACK_WAITING) {
        if (pa)
            p->state = pa->Sequence == p->seq ? ACK_STORED : ACK_ERROR;
        else
            p->state = pae && pae->ErrCode == JS_WRONG_LAST_SEQUENCE ? ACK_WRONG_LAST : ACK_ERROR;
        g->n_unresolved--;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    natsMsg_Destroy(msg);
}

int nats_log_append(nats_log *g, uint64_t seq, const void *data, size_t len)
{
    pthread_mutex_lock(&g->mu);
    int ok = 1;
    if (g->n_batch && seq != g->batch[g->n_batch - 1].seq + 1)
        ok = 0;
    if (ok && g->n_batch == g->cap_batch) {
        size_t cap = g->cap_batch ? g->cap_batch * 2 : 64;
        pending *b = realloc(g->batch, cap * sizeof *b);
        ok = b != NULL;
        if (b) {
            g->batch = b;
            g->cap_batch = cap;
        }
    }
    if (ok && g->n_bytes + len > g->cap_bytes) {
        size_t cap = g->cap_bytes ? g->cap_bytes : 4096;
        while (cap < g->n_bytes + len)
            cap *= 2;
        char *b = realloc(g->bytes, cap);
        ok = b != NULL;
        if (b) {
            g->bytes = b;
            g->cap_bytes = cap;
        }
    }
    if (!ok) {
        pthread_mutex_unlock(&g->mu);
        snprintf(g->err, sizeof g->err, "message %llu: out of memory or out of order",
                 (unsigned long long)seq);
        return -1;
    }
    pending *p = &g->batch[g->n_batch++];
    p->seq = seq;
    p->off = g->n_bytes;
    p->len = len;
    p->state = ACK_WAITING;
    g->n_unresolved++;
    memcpy(g->bytes + g->n_bytes, data, len);
    g->n_bytes += len;
    pthread_mutex_unlock(&g->mu);

    char id[64];
    jsPubOptions po;
    pub_options(g, seq, id, sizeof id, &po);
    natsStatus s = js_PublishAsync(g->js, g->subject, data, (int)len, &po);
    if (s != NATS_OK) { /* not sent: nats_log_wait publishes it again */
        pthread_mutex_lock(&g->mu);
        if (p->state == ACK_WAITING) {
            p->state = ACK_ERROR;
            g->n_unresolved--;
        }
        pthread_mutex_unlock(&g->mu);
    }
    return 0;
}

/* Who stored message seq: 1 this leadership, 0 someone else, -1 nobody yet
 * or unknown (the cluster did not answer). */
static int stored_by_us(nats_log *g, uint64_t seq)
{
    natsMsg *m = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetMsg(&m, g->link->js, g->stream, seq, NULL, &jerr);
    if (s != NATS_OK)
        return -1;
    const char *id = NULL;
    char want[64];
    snprintf(want, sizeof want, "%s.%llu", g->epoch, (unsigned long long)seq);
    int ours = natsMsgHeader_Get(m, "Nats-Msg-Id", &id) == NATS_OK && id && strcmp(id, want) == 0;
    natsMsg_Destroy(m);
    return ours;
}

/* Publish message p again, synchronously, until it is stored, found stored
 * by another writer, or the deadline passes. */
static int republish(nats_log *g, pending *p, int64_t deadline)
{
    char id[64];
    jsPubOptions po;
    pub_options(g, p->seq, id, sizeof id, &po);
    for (;;) {
        jsPubAck *pa = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_Publish(&pa, g->js, g->subject, g->bytes + p->off, (int)p->len, &po, &jerr);
        uint64_t got = pa ? pa->Sequence : 0;
        jsPubAck_Destroy(pa);
        if (s == NATS_OK && got == p->seq)
            return NATS_LOG_OK;
        if (s == NATS_OK) {
            snprintf(g->err, sizeof g->err, "message %llu was stored as %llu",
                     (unsigned long long)p->seq, (unsigned long long)got);
            return NATS_LOG_FAILED;
        }
        if (jerr == JS_WRONG_LAST_SEQUENCE) {
            int who = stored_by_us(g, p->seq);
            if (who == 1)
                return NATS_LOG_OK;
            if (who == 0) {
                snprintf(g->err, sizeof g->err,
                         "message %llu was appended by another writer (a newer leader): this one is fenced",
                         (unsigned long long)p->seq);
                return NATS_LOG_FENCED;
            }
        }
        if (mono_ms() >= deadline) {
            nats_fail(g->err, sizeof g->err, "appending journal records", s, jerr);
            return NATS_LOG_FAILED;
        }
        sleep_ms(RETRY_PAUSE_MS);
    }
}

/* Wait on g->cv (g->mu held) for at most `left_ms` milliseconds
 * (pthread_cond_timedwait takes an absolute CLOCK_REALTIME time). */
static void wait_at_most(nats_log *g, int64_t left_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(left_ms / 1000);
    ts.tv_nsec += (long)(left_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&g->cv, &g->mu, &ts);
}

int nats_log_wait(nats_log *g)
{
    int64_t start = mono_ms();
    int64_t deadline = start + g->link->timeout_ms;
    pthread_mutex_lock(&g->mu);
    while (g->n_unresolved > 0) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            break;
        wait_at_most(g, left);
    }
    /* From here on acknowledgements still in flight are ignored: whatever
     * they say, the loop below finds out from the stream itself. */
    size_t n = g->n_batch;
    g->n_batch = 0;
    g->n_unresolved = 0;
    pending *batch = g->batch;
    g->batch = NULL;
    g->cap_batch = 0;
    pthread_mutex_unlock(&g->mu);

    int rc = NATS_LOG_OK;
    int64_t give_up = start + 4 * g->link->timeout_ms; /* a leader election takes seconds */
    for (size_t i = 0; i < n && rc == NATS_LOG_OK; i++) {
        pending *p = &batch[i];
        if (p->state == ACK_STORED)
            continue;
        if (p->state == ACK_WRONG_LAST) {
            int who = stored_by_us(g, p->seq);
            if (who == 1)
                continue;
            if (who == 0) {
                snprintf(g->err, sizeof g->err,
                         "message %llu was appended by another writer (a newer leader): this one is fenced",
                         (unsigned long long)p->seq);
                rc = NATS_LOG_FENCED;
                break;
            }
        }
        rc = republish(g, p, give_up);
    }
    free(batch);
    g->n_bytes = 0;
    return rc;
}

int nats_log_stream_last(nats_log *g, uint64_t *last)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, g->link->js, g->stream, NULL, &jerr);
    if (s != NATS_OK) {
        nats_fail(g->err, sizeof g->err, "reading the stream's state", s, jerr);
        return -1;
    }
    *last = si->State.LastSeq;
    jsStreamInfo_Destroy(si);
    return 0;
}

int nats_log_stream_leader(nats_log *g, char *name, size_t len)
{
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetStreamInfo(&si, g->link->js, g->stream, NULL, &jerr);
    if (s != NATS_OK) {
        nats_fail(g->err, sizeof g->err, "reading the stream's state", s, jerr);
        return -1;
    }
    snprintf(name, len, "%s", si->Cluster && si->Cluster->Leader ? si->Cluster->Leader : "");
    jsStreamInfo_Destroy(si);
    return 0;
}

/* ---- reading --------------------------------------------------------------------- */

static void on_record(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    (void)nc;
    (void)sub;
    nats_log *g = closure;
    queued *q = malloc(sizeof *q);
    if (!q) { /* the ordered consumer cannot skip it: the gap is seen by sequence */
        natsMsg_Destroy(msg);
        return;
    }
    q->msg = msg;
    q->next = NULL;
    pthread_mutex_lock(&g->mu);
    if (g->tail)
        g->tail->next = q;
    else
        g->head = q;
    g->tail = q;
    int fd = g->wake_fd;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    if (fd >= 0) {
        ssize_t w = write(fd, "r", 1); /* a full pipe already wakes the loop */
        (void)w;
    }
}

int nats_log_follow(nats_log *g, uint64_t from_seq, int wake_fd)
{
    nats_log_unfollow(g);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = g->stream;
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = from_seq ? from_seq : 1;
    pthread_mutex_lock(&g->mu);
    g->wake_fd = wake_fd;
    pthread_mutex_unlock(&g->mu);
    jsErrCode jerr = 0;
    natsStatus s = js_Subscribe(&g->sub, g->js, g->subject, on_record, g, NULL, &so, &jerr);
    if (s != NATS_OK) {
        nats_fail(g->err, sizeof g->err, "following the journal stream", s, jerr);
        g->sub = NULL;
        return -1;
    }
    return 0;
}

void nats_log_unfollow(nats_log *g)
{
    if (g->sub) {
        natsSubscription_Unsubscribe(g->sub);
        natsSubscription_Destroy(g->sub); /* waits for a running on_record */
        g->sub = NULL;
    }
    pthread_mutex_lock(&g->mu);
    queued *q = g->head;
    g->head = g->tail = NULL;
    g->wake_fd = -1;
    pthread_mutex_unlock(&g->mu);
    while (q) {
        queued *next = q->next;
        natsMsg_Destroy(q->msg);
        free(q);
        q = next;
    }
    natsMsg_Destroy(g->cur);
    g->cur = NULL;
}

int nats_log_next(nats_log *g, int64_t timeout_ms, uint64_t *seq, const void **data, size_t *len,
                  uint64_t *pending_after)
{
    natsMsg_Destroy(g->cur);
    g->cur = NULL;
    int64_t deadline = mono_ms() + timeout_ms;
    pthread_mutex_lock(&g->mu);
    while (!g->head && timeout_ms > 0) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            break;
        wait_at_most(g, left);
    }
    queued *q = g->head;
    if (q) {
        g->head = q->next;
        if (!g->head)
            g->tail = NULL;
    }
    pthread_mutex_unlock(&g->mu);
    if (!q)
        return 0;
    g->cur = q->msg;
    free(q);
    jsMsgMetaData *md = NULL;
    if (natsMsg_GetMetaData(&md, g->cur) != NATS_OK) {
        snprintf(g->err, sizeof g->err, "a journal message without JetStream metadata");
        return -1;
    }
    *seq = md->Sequence.Stream;
    *pending_after = md->NumPending;
    jsMsgMetaData_Destroy(md);
    *data = natsMsg_GetData(g->cur);
    *len = (size_t)natsMsg_GetDataLength(g->cur);
    return 1;
}

const char *nats_log_record_id(nats_log *g)
{
    const char *id = NULL;
    if (!g->cur || natsMsgHeader_Get(g->cur, "Nats-Msg-Id", &id) != NATS_OK || !id)
        return "";
    return id;
}

int nats_log_get(nats_log *g, uint64_t seq, const void **data, size_t *len)
{
    natsMsg_Destroy(g->cur);
    g->cur = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetMsg(&g->cur, g->link->js, g->stream, seq, NULL, &jerr);
    if (s != NATS_OK) {
        char what[64];
        snprintf(what, sizeof what, "reading message %llu", (unsigned long long)seq);
        nats_fail(g->err, sizeof g->err, what, s, jerr);
        g->cur = NULL;
        return -1;
    }
    *data = natsMsg_GetData(g->cur);
    *len = (size_t)natsMsg_GetDataLength(g->cur);
    return 0;
}

/* ---- consistent key reads ----------------------------------------------------------- */

/* The latest value of `key` in `bucket`, read through the bucket stream's
 * leader. kvStore_Get makes a "direct get" whenever the bucket allows one,
 * and nats.c creates every bucket so; any replica answers a direct get,
 * a lagging one too. Right after a NATS node restarted, that answered
 * "no snapshot" for a head written long before (a standby then waited for
 * one, and `omniq-journal verify` compared nothing). A stream-API get is
 * answered by the stream leader, which holds every acknowledged write.
 * NATS_OK with *msg (caller destroys it), NATS_NOT_FOUND, or an error. */
static natsStatus kv_get_latest(nats_log *g, const char *bucket, const char *key, natsMsg **msg)
{
    char stream[64], subject[NATS_TENANT_MAX + 96];
    snprintf(stream, sizeof stream, "KV_%s", bucket);
    snprintf(subject, sizeof subject, "$KV.%s.%s", bucket, key);
    jsErrCode jerr = 0;
    *msg = NULL;
    natsStatus s = js_GetLastMsg(msg, g->link->js, stream, subject, NULL, &jerr);
    if (s != NATS_OK) {
        natsMsg_Destroy(*msg);
        *msg = NULL;
        return s == NATS_NOT_FOUND || jerr == JS_NO_MESSAGE_FOUND ? NATS_NOT_FOUND : s;
    }
    const char *op = NULL; /* a deleted or purged key keeps a marker with this header */
    if (natsMsgHeader_Get(*msg, "KV-Operation", &op) == NATS_OK && op &&
        (!strcmp(op, "DEL") || !strcmp(op, "PURGE"))) {
        natsMsg_Destroy(*msg);
        *msg = NULL;
        return NATS_NOT_FOUND;
    }
    return NATS_OK;
}

/* ---- snapshots ------------------------------------------------------------------- */

typedef struct snap_head {
    uint64_t seq, len, extra, chunks, sum;
    uint64_t stored;         /* bytes in the chunks: len, or the encoded body's length */
    int encoded;             /* "enc=zero-runs": the chunks hold snapfile.h's token encoding */
    char gen[24];            /* the writer's epoch: chunk keys are unique per writer */
    uint64_t revision;
} snap_head;

/* 1 found, 0 none, -1 error (in err). */
static int read_head_to(nats_log *g, snap_head *h, char *err, size_t errlen)
{
    char key[NATS_TENANT_MAX + 8];
    snprintf(key, sizeof key, "%s.head", g->tenant);
    natsMsg *m = NULL;
    natsStatus s = kv_get_latest(g, SNAP_BUCKET, key, &m);
    if (s == NATS_NOT_FOUND)
        return 0;
    if (s != NATS_OK) {
        nats_fail(err, errlen, "reading the snapshot head", s, 0);
        return -1;
    }
    char text[256];
    int n = natsMsg_GetDataLength(m);
    if (n < 0 || n >= (int)sizeof text)
        n = 0;
    memcpy(text, natsMsg_GetData(m), (size_t)n);
    text[n] = '\0';
    h->revision = natsMsg_GetSequence(m);
    natsMsg_Destroy(m);
    unsigned long long seq, len, extra, chunks, sum;
    if (sscanf(text, "omniq-snapshot seq=%llu len=%llu extra=%llu chunks=%llu sum=%llx gen=%23s", &seq,
               &len, &extra, &chunks, &sum, h->gen) != 6 || extra > len) {
        snprintf(err, errlen, "snapshot head of tenant '%s' is malformed: '%s'", g->tenant, text);
        return -1;
    }
    /* a head written before the encoding holds the bytes as they are */
    const char *enc = strstr(text, " enc=zero-runs stored=");
    unsigned long long stored = len;
    h->encoded = enc != NULL;
    if (enc && sscanf(enc, " enc=zero-runs stored=%llu", &stored) != 1) {
        snprintf(err, errlen, "snapshot head of tenant '%s' is malformed: '%s'", g->tenant, text);
        return -1;
    }
    h->stored = stored;
    h->seq = seq;
    h->len = len;
    h->extra = extra;
    h->chunks = chunks;
    h->sum = sum;
    return 1;
}

static int read_head(nats_log *g, snap_head *h) { return read_head_to(g, h, g->err, sizeof g->err); }

/* "<tenant>.<seq>.<gen>.<i>": two servers storing a snapshot of the same
 * record never write each other's chunks (their host bytes may differ). */
static void chunk_key(const nats_log *g, uint64_t seq, const char *gen, uint64_t i, char *key, size_t len)
{
    snprintf(key, len, "%s.%llu.%s.%llu", g->tenant, (unsigned long long)seq, gen, (unsigned long long)i);
}

static void drop_chunks(nats_log *g, uint64_t seq, const char *gen, uint64_t chunks)
{
    for (uint64_t i = 0; i < chunks; i++) {
        char key[NATS_TENANT_MAX + 80];
        chunk_key(g, seq, gen, i, key, sizeof key);
        kvStore_Purge(g->snaps, key, NULL); /* best effort: a leftover is only garbage */
    }
}

int nats_log_put_snapshot(nats_log *g, uint64_t seq, const void *data, size_t len,
                          const void *extra, size_t extra_len)
{
    char gen[NATS_EPOCH_MAX];
    nats_log_epoch(g, gen, sizeof gen);
    buf body = {0};
    if (snapfile_encode(-1, &body, data, len, extra, extra_len, NULL)) {
        buf_free(&body);
        snprintf(g->err, sizeof g->err, "out of memory encoding a snapshot");
        return -1;
    }
    int rc = nats_log_store_snapshot(g, seq, gen, body.data, body.len, len, extra_len,
                                     snapfile_hash(data, len, extra, extra_len), NULL, NULL, g->err, sizeof g->err);
    buf_free(&body);
    return rc;
}

int nats_log_store_snapshot(nats_log *g, uint64_t seq, const char *gen, const void *body, size_t body_len,
                            size_t len, size_t extra_len, uint64_t sum, int (*go_on)(void *user, int before_head),
                            void *user, char *err, size_t errlen)
{
    size_t total = len + extra_len;
    size_t chunk = (size_t)g->link->chunk_max;
    uint64_t chunks = body_len ? (body_len + chunk - 1) / chunk : 1;
    /* A snapshot of this record or a later one is stored already (e.g. an
     * explicit request right after the periodic one, nothing committed
     * between): writing again would overwrite, and then purge, the very
     * chunks the head names, leaving readers a head without chunks. */
    snap_head cur;
    int have = read_head_to(g, &cur, err, errlen);
    if (have < 0)
        return -1;
    if (have && cur.seq >= seq)
        return 0;
    for (uint64_t i = 0; i < chunks; i++) {
        if (go_on && !go_on(user, 0)) {
            drop_chunks(g, seq, gen, i);
            snprintf(err, errlen, "stopped after %llu of %llu chunks", (unsigned long long)i,
                     (unsigned long long)chunks);
            return 1;
        }
        char part[NATS_TENANT_MAX + 80];
        chunk_key(g, seq, gen, i, part, sizeof part);
        size_t from = (size_t)i * chunk, to = from + chunk < body_len ? from + chunk : body_len;
        uint64_t rev;
        natsStatus s = kvStore_Put(&rev, g->snaps, part, (const char *)body + from, (int)(to - from));
        if (s != NATS_OK) {
            nats_fail(err, errlen, "writing a snapshot chunk", s, 0);
            return -1;
        }
    }
    char head[256];
    snprintf(head, sizeof head,
             "omniq-snapshot seq=%llu len=%llu extra=%llu chunks=%llu sum=%llx gen=%s enc=zero-runs stored=%llu",
             (unsigned long long)seq, (unsigned long long)total, (unsigned long long)extra_len,
             (unsigned long long)chunks, (unsigned long long)sum, gen, (unsigned long long)body_len);
    char key[NATS_TENANT_MAX + 8];
    snprintf(key, sizeof key, "%s.head", g->tenant);
    /* The last look before the head: a stopped writer leaves only chunks
     * nobody names, removed here. */
    if (go_on && !go_on(user, 1)) {
        drop_chunks(g, seq, gen, chunks);
        snprintf(err, errlen, "stopped before the head");
        return 1;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        snap_head old;
        int found = read_head_to(g, &old, err, errlen);
        if (found < 0)
            return -1;
        if (found && old.seq >= seq) { /* as new or newer is there (written by a successor) */
            if (old.seq != seq || strcmp(old.gen, gen)) /* never the chunks the head names */
                drop_chunks(g, seq, gen, chunks);
            return 0;
        }
        uint64_t rev;
        natsStatus s = found ? kvStore_Update(&rev, g->snaps, key, head, (int)strlen(head), old.revision)
                             : kvStore_Create(&rev, g->snaps, key, head, (int)strlen(head));
        if (s == NATS_OK) {
            if (found)
                drop_chunks(g, old.seq, old.gen, old.chunks);
            return 0;
        }
        if (s != NATS_ERR) { /* not a lost race: unreachable */
            nats_fail(err, errlen, "writing the snapshot head", s, 0);
            return -1;
        }
    }
    snprintf(err, errlen, "writing the snapshot head: kept losing the race to another writer");
    return -1;
}

int nats_log_get_snapshot(nats_log *g, uint64_t *seq, void **data, size_t *len, void **extra,
                          size_t *extra_len)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        snap_head h;
        int found = read_head(g, &h);
        if (found <= 0)
            return found;
        char *blob = malloc(h.stored ? (size_t)h.stored : 1);
        if (!blob) {
            snprintf(g->err, sizeof g->err, "out of memory reading a snapshot of %llu bytes",
                     (unsigned long long)h.stored);
            return -1;
        }
        size_t at = 0;
        int moved = 0, bad = 0;
        for (uint64_t i = 0; i < h.chunks && !moved && !bad; i++) {
            char key[NATS_TENANT_MAX + 80];
            chunk_key(g, h.seq, h.gen, i, key, sizeof key);
            natsMsg *e = NULL;
            natsStatus s = kv_get_latest(g, SNAP_BUCKET, key, &e);
            if (s == NATS_NOT_FOUND) {
                moved = 1; /* replaced meanwhile: read the new head */
            } else if (s != NATS_OK) {
                nats_fail(g->err, sizeof g->err, "reading a snapshot chunk", s, 0);
                bad = 1;
            } else {
                size_t n = (size_t)natsMsg_GetDataLength(e);
                if (at + n > h.stored) {
                    bad = 1;
                    snprintf(g->err, sizeof g->err, "snapshot %llu: chunk %llu runs past its length",
                             (unsigned long long)h.seq, (unsigned long long)i);
                } else {
                    memcpy(blob + at, natsMsg_GetData(e), n);
                    at += n;
                }
                natsMsg_Destroy(e);
            }
        }
        if (moved) {
            free(blob);
            continue;
        }
        size_t elen = (size_t)(h.len - h.extra);
        char *d = NULL, *ex = NULL;
        if (!bad) {
            d = h.encoded ? malloc(elen ? elen : 1) : blob;
            ex = malloc(h.extra ? (size_t)h.extra : 1);
            if (!d || !ex) {
                snprintf(g->err, sizeof g->err, "out of memory reading a snapshot of %llu bytes",
                         (unsigned long long)h.len);
                bad = 1;
            } else if (at != h.stored ||
                       (h.encoded ? snapfile_decode(blob, at, d, elen, ex, (size_t)h.extra) != 0
                                  : (memcpy(ex, blob + elen, (size_t)h.extra), 0)) ||
                       snapfile_hash(d, elen, ex, (size_t)h.extra) != h.sum) {
                snprintf(g->err, sizeof g->err, "snapshot %llu of tenant '%s' is damaged (length or checksum)",
                         (unsigned long long)h.seq, g->tenant);
                bad = 1;
            }
        }
        if (d != blob)
            free(blob);
        if (bad) {
            free(d);
            free(ex);
            return -1;
        }
        *seq = h.seq;
        *data = d;
        *len = elen;
        *extra = ex;
        *extra_len = (size_t)h.extra;
        return 1;
    }
    snprintf(g->err, sizeof g->err, "the snapshot kept changing while it was read");
    return -1;
}

/* ---- the lease ------------------------------------------------------------------- */

int nats_lease_read(nats_log *g, nats_lease *out)
{
    memset(out, 0, sizeof *out);
    natsMsg *e = NULL;
    natsStatus s = kv_get_latest(g, LEASE_BUCKET, g->tenant, &e);
    if (s == NATS_NOT_FOUND)
        return 0;
    if (s != NATS_OK) {
        nats_fail(g->err, sizeof g->err, "reading the lease", s, 0);
        return -1;
    }
    char text[3 * NATS_NAME_MAX + 32];
    int n = natsMsg_GetDataLength(e);
    if (n < 0 || n >= (int)sizeof text)
        n = 0;
    memcpy(text, natsMsg_GetData(e), (size_t)n);
    text[n] = '\0';
    out->found = 1;
    out->revision = natsMsg_GetSequence(e);
    natsMsg_Destroy(e);
    /* "holder=<name> addr=<host:port> to=<name>", "-" for an empty field */
    char h[NATS_NAME_MAX], a[NATS_NAME_MAX], t[NATS_NAME_MAX];
    if (sscanf(text, "holder=%63s addr=%63s to=%63s", h, a, t) == 3) {
        snprintf(out->holder, sizeof out->holder, "%s", strcmp(h, "-") ? h : "");
        snprintf(out->addr, sizeof out->addr, "%s", strcmp(a, "-") ? a : "");
        snprintf(out->to, sizeof out->to, "%s", strcmp(t, "-") ? t : "");
    }
    return 0;
}

int nats_lease_write(nats_log *g, const char *holder, const char *addr, const char *to,
                     uint64_t last_rev, uint64_t *new_rev)
{
    char text[3 * NATS_NAME_MAX + 32];
    snprintf(text, sizeof text, "holder=%s addr=%s to=%s", holder && *holder ? holder : "-",
             addr && *addr ? addr : "-", to && *to ? to : "-");
    natsStatus s = last_rev ? kvStore_Update(new_rev, g->leases, g->tenant, text, (int)strlen(text), last_rev)
                            : kvStore_Create(new_rev, g->leases, g->tenant, text, (int)strlen(text));
    if (s == NATS_OK)
        return 0;
    nats_fail(g->err, sizeof g->err, "writing the lease", s, 0);
    /* An API error (wrong last sequence, key exists) is a lost race; a
     * time-out, no responders or a closed connection is no answer. */
    return s == NATS_ERR ? 1 : -1;
}
