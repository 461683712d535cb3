/* SPDX-License-Identifier: MIT */
/* omniq-journal: look at a tenant's journal on NATS JetStream.
 *
 *   omniq-journal --journal URLS --tenant NAME info
 *   omniq-journal --journal URLS --tenant NAME dump
 *   omniq-journal --journal URLS --tenant NAME verify --config center.yaml
 *
 * info    one JSON line: the stream's last message and leading node, the
 *         lease (who leads the tenant, where), the stored snapshot's message;
 * dump    one JSON line per journal record: seq (the stream message holding
 *         it: one per commit), rec (its place in that message, from 1),
 *         action, now_ms, writer (the Nats-Msg-Id: which leadership appended
 *         it), the record's bytes in hex;
 * verify  replays the WHOLE stream on a fresh engine built from --config
 *         (the tenant's first state), compares that engine's snapshot at the
 *         stored snapshot's message with the stored one byte for byte, runs
 *         oq_engine_check at the end; one JSON line, exit 0 when all hold;
 * snapshot FILE  writes the stored snapshot's engine bytes to FILE and the
 *         server's registry bytes (contact ids, NUL-terminated) to
 *         FILE.registry, as the bucket holds them; one JSON line (its
 *         message, the lengths). A test restores them independently.
 *
 * Exit status: 0 done (verify: everything matched), 1 failed, 2 bad arguments. */
#define _POSIX_C_SOURCE 200809L

#include <omniq/omniq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jetstream.h"

#define WAIT_MS 5000 /* the longest wait for the next record of a stream known to hold it */

static const char usage_text[] =
    "usage: omniq-journal --journal nats://HOST:PORT[,...] --tenant NAME info|dump\n"
    "       omniq-journal --journal nats://HOST:PORT[,...] --tenant NAME verify --config FILE\n"
    "       omniq-journal --journal nats://HOST:PORT[,...] --tenant NAME snapshot FILE\n";

typedef struct tool {
    const char *urls, *tenant, *config, *cmd, *out;
    nats_link *link;
    nats_log *log;
} tool;

static int32_t le32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static int64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return (int64_t)v;
}

static int cmd_info(tool *t)
{
    uint64_t last = 0, snap_seq = 0;
    char leader[NATS_NAME_MAX] = "";
    nats_lease lease;
    void *data = NULL, *extra = NULL;
    size_t len = 0, extra_len = 0;
    if (nats_log_stream_last(t->log, &last) || nats_log_stream_leader(t->log, leader, sizeof leader) ||
        nats_lease_read(t->log, &lease)) {
        fprintf(stderr, "omniq-journal: %s\n", nats_log_error(t->log));
        return 1;
    }
    int found = nats_log_get_snapshot(t->log, &snap_seq, &data, &len, &extra, &extra_len);
    free(data);
    free(extra);
    if (found < 0) {
        fprintf(stderr, "omniq-journal: %s\n", nats_log_error(t->log));
        return 1;
    }
    printf("{\"tenant\":\"%s\",\"last_seq\":%llu,\"stream_leader\":\"%s\",\"leader\":\"%s\","
           "\"leader_addr\":\"%s\",\"handover_to\":\"%s\",\"lease_revision\":%llu,"
           "\"snapshot_seq\":%s%llu}\n",
           t->tenant, (unsigned long long)last, leader, lease.holder, lease.addr, lease.to,
           (unsigned long long)lease.revision, found ? "" : "-", (unsigned long long)(found ? snap_seq : 1));
    return 0;
}

typedef int (*record_fn)(tool *t, uint64_t seq, size_t rec, const unsigned char *d, size_t n, void *u);

/* Every record of a message, then fn(..., rec 0, NULL, 0) at its end. */
static int each_in_message(tool *t, uint64_t seq, const void *data, size_t len, record_fn fn, void *u)
{
    size_t off = 0, n, k = 0;
    const void *rec;
    int got;
    while ((got = nats_frame_next(data, len, &off, &rec, &n)) > 0)
        if (fn(t, seq, ++k, rec, n, u))
            return 1;
    if (got < 0 || k == 0) {
        fprintf(stderr, "omniq-journal: message %llu is not a list of journal records (byte %zu)\n",
                (unsigned long long)seq, off);
        return 1;
    }
    return fn(t, seq, 0, NULL, 0, u);
}

/* Visit the records of messages 1..last in order; fn returns non-zero to stop. */
static int each_record(tool *t, uint64_t last, record_fn fn, void *u)
{
    if (last == 0)
        return 0;
    if (nats_log_follow(t->log, 1, -1)) {
        fprintf(stderr, "omniq-journal: %s\n", nats_log_error(t->log));
        return 1;
    }
    for (uint64_t want = 1; want <= last; want++) {
        uint64_t seq, pending;
        const void *data;
        size_t len;
        int got = nats_log_next(t->log, WAIT_MS, &seq, &data, &len, &pending);
        if (got <= 0) {
            fprintf(stderr, "omniq-journal: message %llu: %s\n", (unsigned long long)want,
                    got < 0 ? nats_log_error(t->log) : "not delivered in time");
            return 1;
        }
        if (seq != want) {
            fprintf(stderr, "omniq-journal: expected message %llu, the stream delivered %llu (a gap)\n",
                    (unsigned long long)want, (unsigned long long)seq);
            return 1;
        }
        if (each_in_message(t, seq, data, len, fn, u))
            return 1;
    }
    nats_log_unfollow(t->log);
    return 0;
}

static int dump_one(tool *t, uint64_t seq, size_t rec, const unsigned char *d, size_t n, void *u)
{
    (void)u;
    if (!rec)
        return 0;
    int32_t action = n >= 16 ? le32(d + 4) : 0;
    printf("{\"seq\":%llu,\"rec\":%zu,\"action\":\"%s\",\"now_ms\":%lld,\"writer\":\"%s\",\"hex\":\"",
           (unsigned long long)seq, rec, oq_journal_action_name(action), (long long)(n >= 16 ? le64(d + 8) : 0),
           nats_log_record_id(t->log));
    for (size_t i = 0; i < n; i++)
        printf("%02x", d[i]);
    printf("\"}\n");
    return 0;
}

static int cmd_dump(tool *t)
{
    uint64_t last;
    if (nats_log_stream_last(t->log, &last)) {
        fprintf(stderr, "omniq-journal: %s\n", nats_log_error(t->log));
        return 1;
    }
    return each_record(t, last, dump_one, NULL);
}

typedef struct verify_ctx {
    oq_engine *e;
    uint64_t snap_seq;
    void *snap;
    size_t snap_len;
    int compared, equal;
    size_t differ_at;
    uint64_t records;
} verify_ctx;

/* Compare the fresh engine's snapshot with the stored one. */
static int compare(verify_ctx *v)
{
    void *mine = NULL;
    size_t len = 0;
    oq_status st = oq_engine_snapshot_buffer(v->e, &mine, &len);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq-journal: snapshot of the replayed engine: %s\n", oq_status_name(st));
        return 1;
    }
    v->compared = 1;
    v->equal = len == v->snap_len && memcmp(mine, v->snap, len) == 0;
    size_t i = 0;
    while (i < len && i < v->snap_len && ((unsigned char *)mine)[i] == ((unsigned char *)v->snap)[i])
        i++;
    v->differ_at = i;
    oq_free(mine);
    return 0;
}

static int verify_one(tool *t, uint64_t seq, size_t rec, const unsigned char *d, size_t n, void *u)
{
    (void)t;
    verify_ctx *v = u;
    if (!rec) /* the end of message seq */
        return seq == v->snap_seq ? compare(v) : 0;
    oq_status st = oq_journal_apply(v->e, d, n, NULL);
    if (st != OQ_OK) {
        fprintf(stderr, "omniq-journal: record %zu of message %llu does not apply: %s (%s)\n", rec,
                (unsigned long long)seq, oq_status_name(st), oq_engine_last_error(v->e));
        return 1;
    }
    v->records++;
    return 0;
}

static int cmd_verify(tool *t)
{
    if (!t->config) {
        fprintf(stderr, "omniq-journal: verify needs --config (the tenant's first state)\n%s", usage_text);
        return 2;
    }
    verify_ctx v;
    memset(&v, 0, sizeof v);
    void *extra = NULL;
    size_t extra_len = 0;
    uint64_t last;
    int found = nats_log_get_snapshot(t->log, &v.snap_seq, &v.snap, &v.snap_len, &extra, &extra_len);
    free(extra);
    if (found < 0 || nats_log_stream_last(t->log, &last)) {
        fprintf(stderr, "omniq-journal: %s\n", nats_log_error(t->log));
        free(v.snap);
        return 1;
    }
    oq_error cerr = OQ_ERROR_INIT;
    if (oq_config_load_file(NULL, t->config, &v.e, &cerr) != OQ_OK) {
        fprintf(stderr, "omniq-journal: %s\n", cerr.message);
        free(v.snap);
        return 1;
    }
    int rc = found && v.snap_seq == 0 ? compare(&v) : 0;
    if (rc == 0)
        rc = each_record(t, last, verify_one, &v);
    oq_status check = oq_engine_check(v.e);
    oq_engine_counts counts = OQ_OUTPUT_INIT(oq_engine_counts);
    oq_engine_get_counts(v.e, &counts);
    printf("{\"tenant\":\"%s\",\"messages\":%llu,\"records\":%llu,\"replayed\":%s,\"snapshot_seq\":%s%llu,"
           "\"snapshot_compared\":%s,\"snapshot_equal\":%s,\"differ_at\":%zu,\"check\":\"%s\","
           "\"contacts\":%d}\n",
           t->tenant, (unsigned long long)last, (unsigned long long)v.records, rc == 0 ? "true" : "false", found ? "" : "-",
           (unsigned long long)(found ? v.snap_seq : 1), v.compared ? "true" : "false",
           v.equal ? "true" : "false", v.differ_at, oq_status_name(check), counts.contacts);
    if (check != OQ_OK)
        fprintf(stderr, "omniq-journal: oq_engine_check: %s\n", oq_engine_last_error(v.e));
    oq_engine_destroy(v.e);
    free(v.snap);
    return rc == 0 && check == OQ_OK && (!found || (v.compared && v.equal)) ? 0 : 1;
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "omniq-journal: %s: cannot write\n", path);
    return ok ? 0 : 1;
}

static int cmd_snapshot(tool *t)
{
    uint64_t seq = 0;
    void *data = NULL, *extra = NULL;
    size_t len = 0, extra_len = 0;
    int found = nats_log_get_snapshot(t->log, &seq, &data, &len, &extra, &extra_len);
    if (found <= 0) {
        fprintf(stderr, "omniq-journal: %s\n", found < 0 ? nats_log_error(t->log) : "no snapshot stored");
        return 1;
    }
    char reg[4096];
    snprintf(reg, sizeof reg, "%s.registry", t->out);
    int rc = write_file(t->out, data, len) || write_file(reg, extra, extra_len);
    if (rc == 0)
        printf("{\"tenant\":\"%s\",\"snapshot_seq\":%llu,\"bytes\":%zu,\"registry_bytes\":%zu}\n", t->tenant,
               (unsigned long long)seq, len, extra_len);
    free(data);
    free(extra);
    return rc;
}

int main(int argc, char **argv)
{
    tool t;
    memset(&t, 0, sizeof t);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(a, "--journal") == 0 || strcmp(a, "--tenant") == 0 || strcmp(a, "--config") == 0) {
            if (!v) {
                fprintf(stderr, "omniq-journal: %s: needs a value\n%s", a, usage_text);
                return 2;
            }
            *(strcmp(a, "--journal") == 0 ? &t.urls : strcmp(a, "--tenant") == 0 ? &t.tenant : &t.config) = v;
            i++;
        } else if (!t.cmd && (strcmp(a, "info") == 0 || strcmp(a, "dump") == 0 || strcmp(a, "verify") == 0)) {
            t.cmd = a;
        } else if (!t.cmd && strcmp(a, "snapshot") == 0) {
            if (!v) {
                fprintf(stderr, "omniq-journal: snapshot: needs a FILE\n%s", usage_text);
                return 2;
            }
            t.cmd = a;
            t.out = v;
            i++;
        } else {
            fprintf(stderr, "omniq-journal: %s: unknown argument\n%s", a, usage_text);
            return 2;
        }
    }
    if (!t.urls || !t.tenant || !t.cmd) {
        fprintf(stderr, "omniq-journal: --journal, --tenant and a command are required\n%s", usage_text);
        return 2;
    }
    char err[512];
    if (nats_link_open(t.urls, "omniq-journal", 5000, &t.link, err, sizeof err) ||
        nats_log_open(t.link, t.tenant, 0, &t.log, err, sizeof err)) {
        fprintf(stderr, "omniq-journal: %s\n", err);
        nats_link_close(t.link);
        return 1;
    }
    int rc = strcmp(t.cmd, "info") == 0       ? cmd_info(&t)
             : strcmp(t.cmd, "dump") == 0     ? cmd_dump(&t)
             : strcmp(t.cmd, "snapshot") == 0 ? cmd_snapshot(&t)
                                              : cmd_verify(&t);
    nats_log_close(t.log);
    nats_link_close(t.link);
    return rc;
}
