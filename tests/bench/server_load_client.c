/* SPDX-License-Identifier: MIT */
/* A compiled load client for omniq-server: N connections driven by one
 * process through epoll, each a closed loop with ONE request in flight —
 * `arrive` a new contact, then `abandon` it, again and again — for a given
 * time. It stands in for N Python client processes in the benchmarks
 * (tests/bench/nats_load.py, server_load.py), which on a 2-core machine took
 * a share of the CPU the server and the log needed.
 *
 *   server_load_client --port P [--host 127.0.0.1] [--tenant NAME]
 *                      [--clients N] [--seconds S] [--queue Q] [--channel C]
 *
 * Prints one JSON object: requests, errors (replies without "ok":true),
 * elapsed seconds, req_per_s, p50_ms, p99_ms, max_ms (the longest request:
 * a stall of the server shows here), cpu_s (this process). A
 * NOT_LEADER reply or a dropped connection ends the run with exit status 2
 * (the benchmark restarts it against the leader); bad arguments exit 1. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 1024
#define RBUF 65536

typedef struct conn {
    int fd;
    int step;         /* 0: hello sent; then odd: arrive sent, even: abandon sent */
    uint64_t n;       /* contacts started */
    double sent_at;
    char rbuf[RBUF];
    size_t rlen;
} conn;

typedef struct opts {
    const char *host, *tenant, *queue, *channel;
    int port, clients;
    double seconds;
} opts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int send_line(int fd, const char *line)
{
    size_t len = strlen(line), off = 0;
    while (off < len) {
        ssize_t w = write(fd, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* The next request of connection i (its step says which). */
static int send_next(const opts *o, conn *c, int i)
{
    char line[512];
    if (c->step % 2 == 1) { /* after hello or an abandon: a new contact */
        c->n++;
        snprintf(line, sizeof line,
                 "{\"cmd\":\"arrive\",\"contact\":\"L%d-%ld-%llu\",\"channel\":\"%s\",\"queue\":\"%s\"}\n", i,
                 (long)getpid(), (unsigned long long)c->n, o->channel, o->queue);
    } else {
        snprintf(line, sizeof line, "{\"cmd\":\"abandon\",\"contact\":\"L%d-%ld-%llu\"}\n", i, (long)getpid(),
                 (unsigned long long)c->n);
    }
    c->sent_at = now_s();
    return send_line(c->fd, line);
}

static int connect_one(const opts *o)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->host, &a.sin_addr) != 1 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int parse_args(int argc, char **argv, opts *o)
{
    *o = (opts){"127.0.0.1", "default", "support", "email", 0, 1, 5.0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "server_load_client: %s needs a value\n", a);
            return -1;
        }
        i++;
        if (!strcmp(a, "--port"))
            o->port = atoi(v);
        else if (!strcmp(a, "--host"))
            o->host = v;
        else if (!strcmp(a, "--tenant"))
            o->tenant = v;
        else if (!strcmp(a, "--clients"))
            o->clients = atoi(v);
        else if (!strcmp(a, "--seconds"))
            o->seconds = atof(v);
        else if (!strcmp(a, "--queue"))
            o->queue = v;
        else if (!strcmp(a, "--channel"))
            o->channel = v;
        else {
            fprintf(stderr, "server_load_client: unknown option %s\n", a);
            return -1;
        }
    }
    if (o->port <= 0 || o->port > 65535 || o->clients < 1 || o->clients > MAX_CLIENTS || !(o->seconds > 0)) {
        fprintf(stderr, "server_load_client: --port 1..65535, --clients 1..%d, --seconds > 0\n", MAX_CLIENTS);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    if (parse_args(argc, argv, &o) != 0)
        return 1;
    static conn cs[MAX_CLIENTS];
    int ep = epoll_create1(0);
    if (ep < 0) {
        perror("epoll_create1");
        return 1;
    }
    char hello[256];
    snprintf(hello, sizeof hello, "{\"cmd\":\"hello\",\"tenant\":\"%s\"}\n", o.tenant);
    for (int i = 0; i < o.clients; i++) {
        cs[i].fd = connect_one(&o);
        if (cs[i].fd < 0 || send_line(cs[i].fd, hello) != 0) {
            fprintf(stderr, "server_load_client: cannot connect to %s:%d\n", o.host, o.port);
            return 2;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data = {.u32 = (uint32_t)i}};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    size_t cap = 1 << 16, n_lat = 0;
    double *lat = malloc(cap * sizeof *lat);
    uint64_t errors = 0;
    int status = 0, started = 0;
    double t0 = now_s(), stop = t0 + o.seconds;
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0);
    while (!status) {
        double t = now_s();
        if (started && t >= stop)
            break;
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, 1000);
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            return 1;
        }
        for (int k = 0; k < n && !status; k++) {
            int i = (int)evs[k].data.u32;
            conn *c = &cs[i];
            ssize_t r = read(c->fd, c->rbuf + c->rlen, RBUF - 1 - c->rlen);
            if (r <= 0) {
                if (r < 0 && errno == EINTR)
                    continue;
                fprintf(stderr, "server_load_client: connection %d closed\n", i);
                status = 2;
                break;
            }
            c->rlen += (size_t)r;
            char *nl;
            while (!status && (nl = memchr(c->rbuf, '\n', c->rlen))) {
                *nl = '\0';
                int is_reply = strstr(c->rbuf, "\"ok\":") != NULL;
                int ok = strstr(c->rbuf, "\"ok\":true") != NULL;
                if (is_reply && strstr(c->rbuf, "NOT_LEADER"))
                    status = 2;
                size_t used = (size_t)(nl - c->rbuf) + 1;
                memmove(c->rbuf, nl + 1, c->rlen - used);
                c->rlen -= used;
                if (!is_reply || status)
                    continue; /* a pushed event */
                double done = now_s();
                if (c->step == 0) {
                    if (!ok) {
                        fprintf(stderr, "server_load_client: hello refused\n");
                        status = 2;
                        break;
                    }
                    if (!started) {
                        started = 1;
                        t0 = done;
                        stop = t0 + o.seconds;
                        getrusage(RUSAGE_SELF, &ru0);
                    }
                } else {
                    errors += !ok;
                    if (n_lat == cap) {
                        double *g = realloc(lat, 2 * cap * sizeof *lat);
                        if (!g) {
                            fprintf(stderr, "server_load_client: out of memory\n");
                            return 1;
                        }
                        lat = g, cap *= 2;
                    }
                    lat[n_lat++] = done - c->sent_at;
                }
                c->step++;
                if (done < stop && send_next(&o, c, i) != 0)
                    status = 2;
            }
            if (c->rlen >= RBUF - 1) {
                fprintf(stderr, "server_load_client: a line over %d bytes\n", RBUF);
                status = 2;
            }
        }
    }
    double elapsed = now_s() - t0;
    struct rusage ru1;
    getrusage(RUSAGE_SELF, &ru1);
    double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                 (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) * 1e-6;
    qsort(lat, n_lat, sizeof *lat, cmp_double);
    double p50 = n_lat ? lat[(n_lat - 1) / 2] : 0, p99 = n_lat ? lat[(size_t)((double)(n_lat - 1) * 0.99)] : 0;
    double worst = n_lat ? lat[n_lat - 1] : 0;
    printf("{\"clients\":%d,\"requests\":%zu,\"errors\":%llu,\"elapsed_s\":%.3f,\"req_per_s\":%.1f,"
           "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"cpu_s\":%.3f,\"complete\":%s}\n",
           o.clients, n_lat, (unsigned long long)errors, elapsed, elapsed > 0 ? (double)n_lat / elapsed : 0,
           p50 * 1e3, p99 * 1e3, worst * 1e3, cpu, status ? "false" : "true");
    free(lat);
    for (int i = 0; i < o.clients; i++)
        close(cs[i].fd);
    close(ep);
    return status;
}
