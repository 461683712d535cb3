/* SPDX-License-Identifier: MIT */
/* omniq-server: a small routing server around one omniq engine.
 *
 *   omniq-server --db FILE [--config center.yaml] [--bind ADDR] [--port N]
 *                [--token-file FILE] [--sync full|normal|off] [--snapshot-bytes N]
 *                [--snapshot-every N] [--snapshot-secs S] [--max-clients N] [--max-per-address N]
 *                [--idle-secs S] [--quiet]
 *   omniq-server --journal nats://HOST:PORT[,...] --tenant NAME [--role primary|standby]
 *                [--tenant NAME [--role ...]]... [--config center.yaml] [--name NAME]
 *                [--advertise HOST:PORT] [--lease-secs S] [--journal-timeout S]
 *                [--journal-replicas N] ...
 *
 * Listens on ADDR:N (default 127.0.0.1; port 0: a free one; anything but a
 * loopback address needs --token-file), prints "listening on ADDR:PORT" and
 * speaks line-delimited JSON (examples/server/README.md). The database
 * keeps the engine's snapshot and journal: on start the server restores and
 * replays it; an empty database is initialised from --config. SIGTERM or
 * SIGINT: a final snapshot, then a clean exit (status 0).
 *
 * With --journal the journal of each tenant is a NATS JetStream stream and
 * the server leads some tenants and stands by for others (replica.c).
 *
 * Time: CLOCK_REALTIME milliseconds, clamped so that it never goes below the
 * engine's clock (a wall clock stepped back, or a restart on a machine whose
 * clock is behind the one that wrote the database, only slows time down). A
 * monotonic clock would not survive a restart: the journal's times must stay
 * comparable across processes. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

int64_t server_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t server_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The loop's clock: wall time. Each engine call takes the larger of it and
 * the tenant's own clock (commands.c), so no engine sees time go backwards. */
int64_t server_now(server *s)
{
    (void)s;
    return server_wall_ms();
}

void server_log(server *s, const char *fmt, ...)
{
    if (s->opt.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("omniq-server: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void on_signal(int sig)
{
    (void)sig;
    loop_stop_signal = 1;
}

static const char usage_text[] =
    "usage: omniq-server --db FILE [--config center.yaml] [--bind ADDR] [--port N]\n"
    "                    [--token-file FILE] [--sync full|normal|off] [--snapshot-bytes N]\n"
    "                    [--snapshot-every N] [--snapshot-secs S] [--max-clients N]\n"
    "                    [--max-per-address N] [--idle-secs S] [--quiet]\n"
    "       omniq-server --journal nats://HOST:PORT[,...] --tenant NAME [--role primary|standby]\n"
    "                    [--tenant NAME [--role primary|standby]]... [--config center.yaml]\n"
    "                    [--name NAME] [--advertise HOST:PORT] [--lease-secs S]\n"
    "                    [--journal-timeout S] [--journal-replicas N] [--bind ADDR] [--port N] ...\n"
    "       omniq-server --help\n"
    "\n"
    "  --db FILE           SQLite database (created if missing)\n"
    "  --journal URLS      instead of --db: each tenant's journal on NATS JetStream\n"
    "  --tenant NAME       a tenant this server hosts (1..32 of A-Z a-z 0-9 _ -)\n"
    "  --role ROLE         for the --tenant before it: primary (default: lead it when\n"
    "                      nobody does) or standby (lead it only when its leader is lost)\n"
    "  --name NAME         this server in leases (default: its address)\n"
    "  --advertise H:P     where clients reach this server (default: ADDR:PORT)\n"
    "  --lease-secs S      a leader not heard of for S seconds loses its tenants (default 1.5)\n"
    "  --journal-timeout S wait for the cluster's acknowledgements (default 2)\n"
    "  --journal-replicas N copies of each stream and bucket it creates (default 3)\n"
    "  --config FILE       center read only when the database (or the tenant) is empty\n"
    "  --bind ADDR         IPv4 address to listen on (default 127.0.0.1; any other\n"
    "                      than loopback needs --token-file)\n"
    "  --port N            TCP port, 0..65535 (default 0: a free one)\n"
    "  --token-file FILE   shared secret (first line): clients say hello with it\n"
    "  --sync MODE         SQLite synchronous: full (default), normal or off\n"
    "  --snapshot-bytes N  snapshot after N bytes of journal records (suffix K, M, G:\n"
    "                      binary units; default 16M); a forked child writes it (to a\n"
    "                      file, or to the JetStream bucket through a thread) while\n"
    "                      the server goes on answering\n"
    "  --snapshot-every N  ... or after N journal records (default: no such rule)\n"
    "  --snapshot-secs S   ... or S seconds after the first uncovered record (default 30)\n"
    "  --max-clients N     connections at most (default 1024, lowered to fit ulimit -n)\n"
    "  --max-per-address N connections from one IP address at most (default 128)\n"
    "  --idle-secs S       close a client silent for S seconds (default 300; 0 never)\n"
    "  --quiet             no log lines on stderr\n"
    "\n"
    "exit status: 0 stopped by SIGTERM/SIGINT (or --help), 1 start-up failed,\n"
    "             2 bad arguments, 3 a commit failed\n";

/* Why the arguments were refused: printed before the usage on stderr. */
static int bad_arg(const char *option, const char *value, const char *why)
{
    if (value)
        fprintf(stderr, "omniq-server: %s '%s': %s\n", option, value, why);
    else
        fprintf(stderr, "omniq-server: %s: %s\n", option, why);
    return -1;
}

/* A byte count: an integer >= 1 with an optional K, M or G (x 1024^n). */
static int bytes_arg(const char *a, const char *v, int64_t *out)
{
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    int shift = 0;
    if (end && (*end == 'K' || *end == 'k'))
        shift = 10, end++;
    else if (end && (*end == 'M' || *end == 'm'))
        shift = 20, end++;
    else if (end && (*end == 'G' || *end == 'g'))
        shift = 30, end++;
    if (!*v || *v == '-' || *v == '+' || *end || n < 1 || n > (INT64_MAX >> 30))
        return bad_arg(a, v, "expected a number of bytes >= 1 (suffix K, M or G allowed)");
    *out = (int64_t)n << shift;
    return 0;
}

static int seconds_arg(const char *a, const char *v, double lo, double hi, int64_t *ms)
{
    char *end = NULL;
    double sec = strtod(v, &end);
    if (!*v || *end || !(sec >= lo) || sec > hi) {
        char why[80];
        snprintf(why, sizeof why, "expected seconds in [%g, %g]", lo, hi);
        return bad_arg(a, v, why);
    }
    *ms = (int64_t)(sec * 1000);
    return 0;
}

/* The --journal family: 1 when a is one of them (o->n_tenants = -1 when
 * its value is bad, reported), 0 otherwise. */
static int parse_journal_arg(const char *a, const char *v, server_options *o)
{
    int bad = 0;
    if (strcmp(a, "--journal") == 0) {
        o->journal = v;
    } else if (strcmp(a, "--tenant") == 0) {
        int ok = 1;
        size_t n = strlen(v);
        for (size_t k = 0; k < n; k++)
            ok &= (v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') ||
                  (v[k] >= '0' && v[k] <= '9') || v[k] == '_' || v[k] == '-';
        if (!ok || n == 0 || n > 32)
            bad = bad_arg(a, v, "expected 1..32 of A-Z a-z 0-9 _ -");
        else if (o->n_tenants == SERVER_TENANTS_MAX)
            bad = bad_arg(a, v, "too many tenants for one server (16)");
        for (int k = 0; !bad && k < o->n_tenants; k++)
            if (strcmp(o->tenants[k].name, v) == 0)
                bad = bad_arg(a, v, "given twice");
        if (!bad) {
            o->tenants[o->n_tenants].name = v;
            o->tenants[o->n_tenants].lead = 1;
            o->n_tenants++;
        }
    } else if (strcmp(a, "--role") == 0) {
        if (o->n_tenants == 0)
            bad = bad_arg(a, v, "must follow the --tenant it is for");
        else if (strcmp(v, "primary") && strcmp(v, "standby"))
            bad = bad_arg(a, v, "expected primary or standby");
        else
            o->tenants[o->n_tenants - 1].lead = strcmp(v, "primary") == 0;
    } else if (strcmp(a, "--name") == 0 || strcmp(a, "--advertise") == 0) {
        if (!*v || strlen(v) >= SERVER_NAME_MAX || strpbrk(v, " \t\n=\"\\"))
            bad = bad_arg(a, v, "expected 1..63 characters without spaces, '=', quotes or backslashes");
        else
            *(strcmp(a, "--name") == 0 ? &o->name : &o->advertise) = v;
    } else if (strcmp(a, "--lease-secs") == 0) {
        bad = seconds_arg(a, v, 0.2, 600, &o->lease_ms);
    } else if (strcmp(a, "--journal-timeout") == 0) {
        bad = seconds_arg(a, v, 0.1, 600, &o->journal_timeout_ms);
    } else if (strcmp(a, "--journal-replicas") == 0) {
        char *end = NULL;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 1 || n > 5)
            bad = bad_arg(a, v, "expected 1..5");
        else
            o->replicas = (int)n;
    } else {
        return 0;
    }
    if (bad)
        o->n_tenants = -1;
    return 1;
}

/* The shared secret: the first line of the file (without its newline). */
static int load_token(server_options *o)
{
    FILE *f = fopen(o->token_file, "r");
    if (!f)
        return bad_arg("--token-file", o->token_file, "cannot read it");
    char line[SERVER_TOKEN_MAX + 2];
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    size_t n = ok ? strcspn(line, "\r\n") : 0;
    if (!ok || n == 0 || (n == strlen(line) && n > SERVER_TOKEN_MAX))
        return bad_arg("--token-file", o->token_file, "the first line must hold the token (1..256 bytes)");
    memcpy(o->token, line, n);
    o->token[n] = '\0';
    return 0;
}

static int count_arg(const char *a, const char *v, int *out)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 1000000)
        return bad_arg(a, v, "expected an integer 1..1000000");
    *out = (int)n;
    return 0;
}

/* 0: run; 1: --help was given; -1: bad arguments (reported on stderr). */
static int parse_args(int argc, char **argv, server_options *o)
{
    o->port = 0;
    o->bind = "127.0.0.1";
    o->max_clients = SERVER_CLIENTS_MAX;
    o->max_per_address = SERVER_PER_ADDRESS;
    o->idle_ms = (int64_t)SERVER_IDLE_SECS * 1000;
    o->sync_mode = STORE_SYNC_FULL;
    o->snapshot_bytes = SERVER_SNAPSHOT_BYTES;
    o->snapshot_every = 0;
    o->snapshot_ms = 30000;
    o->lease_ms = 1500;
    o->journal_timeout_ms = 2000;
    o->replicas = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (strcmp(a, "--db") && strcmp(a, "--config") && strcmp(a, "--port") &&
            strcmp(a, "--sync") && strcmp(a, "--snapshot-every") && strcmp(a, "--snapshot-secs") &&
            strcmp(a, "--snapshot-bytes") &&
            strcmp(a, "--journal") && strcmp(a, "--tenant") && strcmp(a, "--role") &&
            strcmp(a, "--name") && strcmp(a, "--advertise") && strcmp(a, "--lease-secs") &&
            strcmp(a, "--journal-timeout") && strcmp(a, "--journal-replicas") &&
            strcmp(a, "--bind") && strcmp(a, "--token-file") && strcmp(a, "--max-clients") &&
            strcmp(a, "--max-per-address") && strcmp(a, "--idle-secs"))
            return bad_arg(a, NULL, "unknown option");
        if (!v)
            return bad_arg(a, NULL, "needs a value");
        i++;
        if (parse_journal_arg(a, v, o)) {
            if (o->n_tenants < 0)
                return -1;
        } else if (strcmp(a, "--db") == 0) {
            o->db_path = v;
        } else if (strcmp(a, "--config") == 0) {
            o->config_path = v;
        } else if (strcmp(a, "--bind") == 0) {
            o->bind = v;
        } else if (strcmp(a, "--token-file") == 0) {
            o->token_file = v;
        } else if (strcmp(a, "--max-clients") == 0) {
            if (count_arg(a, v, &o->max_clients))
                return -1;
        } else if (strcmp(a, "--max-per-address") == 0) {
            if (count_arg(a, v, &o->max_per_address))
                return -1;
        } else if (strcmp(a, "--idle-secs") == 0) {
            double sec = strtod(v, &end);
            if (!*v || *end || !(sec >= 0) || sec > 86400.0 * 365)
                return bad_arg(a, v, "expected seconds in [0, 1 year]");
            o->idle_ms = (int64_t)(sec * 1000);
        } else if (strcmp(a, "--port") == 0) {
            long p = strtol(v, &end, 10);
            if (!*v || *end || p < 0 || p > 65535)
                return bad_arg(a, v, "expected a port number 0..65535");
            o->port = (int)p;
        } else if (strcmp(a, "--sync") == 0) {
            if (strcmp(v, "full") == 0)
                o->sync_mode = STORE_SYNC_FULL;
            else if (strcmp(v, "normal") == 0)
                o->sync_mode = STORE_SYNC_NORMAL;
            else if (strcmp(v, "off") == 0)
                o->sync_mode = STORE_SYNC_OFF;
            else
                return bad_arg(a, v, "expected full, normal or off");
        } else if (strcmp(a, "--snapshot-every") == 0) {
            long long n = strtoll(v, &end, 10);
            if (!*v || *end || n < 1)
                return bad_arg(a, v, "expected an integer >= 1");
            o->snapshot_every = n;
        } else if (strcmp(a, "--snapshot-bytes") == 0) {
            if (bytes_arg(a, v, &o->snapshot_bytes))
                return -1;
        } else {
            double sec = strtod(v, &end);
            if (!*v || *end || !(sec > 0) || sec > 86400)
                return bad_arg(a, v, "expected seconds in (0, 86400]");
            o->snapshot_ms = (int64_t)(sec * 1000);
        }
    }
    if (o->db_path && o->journal)
        return bad_arg("--journal", NULL, "and --db exclude each other (the journal is either here or there)");
    if (o->journal && o->n_tenants == 0)
        return bad_arg("--tenant", NULL, "at least one is required with --journal");
    if (!o->journal && o->n_tenants)
        return bad_arg("--tenant", NULL, "needs --journal (a SQLite server holds one engine)");
    if (o->token_file && load_token(o))
        return -1;
    /* Beyond this machine, only clients holding the shared secret. */
    struct in_addr addr;
    if (inet_pton(AF_INET, o->bind, &addr) != 1)
        return bad_arg("--bind", o->bind, "expected an IPv4 address");
    if ((ntohl(addr.s_addr) >> 24) != 127 && !o->token[0])
        return bad_arg("--bind", o->bind, "not a loopback address: a --token-file is required");
    return o->db_path || o->journal ? 0 : bad_arg("--db", NULL, "is required (or --journal)");
}

int main(int argc, char **argv)
{
    server s;
    memset(&s, 0, sizeof s);
    s.listen_fd = -1;
    int pa = parse_args(argc, argv, &s.opt);
    if (pa != 0) { /* --help: usage on stdout, success; bad arguments: stderr, 2 */
        fputs(usage_text, pa > 0 ? stdout : stderr);
        return pa > 0 ? 0 : 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    s.wake_fd[0] = s.wake_fd[1] = -1;
    int rc = 1;
    if (s.opt.journal) {
        /* Connect, then listen (the leases name this server's address); the
         * tenants then sync, stand by or lead from inside the loop. */
        for (int i = 0; i < s.opt.n_tenants; i++)
            s.tenants[s.n_tenants++] = tenant_create(&s, s.opt.tenants[i].name, s.opt.tenants[i].lead);
        if (replica_supported() && replica_start(&s) == 0 && loop_listen(&s) == 0 && loop_run(&s) == 0) {
            replica_release(&s);
            rc = 0;
        }
        replica_stop(&s);
    } else {
        s.tenants[s.n_tenants++] = tenant_create(&s, "default", 1);
        if (durability_start(s.tenants[0]) == 0 && loop_listen(&s) == 0 && loop_run(&s) == 0) {
            durability_final_snapshot(s.tenants[0]);
            rc = 0;
        }
    }
    if (rc == 0) {
        int64_t commits = 0;
        for (int i = 0; i < s.n_tenants; i++)
            commits += s.tenants[i]->commits;
        server_log(&s, "stopped after %lld requests, %lld commits", (long long)s.requests,
                   (long long)commits);
    }
    loop_close_all(&s);
    for (int i = 0; i < s.n_tenants; i++)
        tenant_destroy(s.tenants[i]);
    return rc;
}
