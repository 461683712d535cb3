/* SPDX-License-Identifier: MIT */
/* The event loop: one thread, poll(2). Each iteration:
 *
 *   1. poll() until a socket is ready or the engine's next deadline
 *      (oq_engine_next_deadline) — capped at 1 s, so signals and the
 *      snapshot clock are looked at regularly;
 *   2. now = server_now() (one time for the whole iteration);
 *   3. accept new clients; read what is readable and handle every complete
 *      line (engine calls append journal records to the batch, events and
 *      replies to the clients' output buffers);
 *   4. oq_engine_advance(now) if a timer is due (its records join the batch);
 *   5. durability_commit: one transaction for the whole batch (group commit);
 *   6. only now send the output buffers.
 *
 * Nothing a client receives is ever ahead of the database.
 *
 * Resource limits: at most max_clients connections (below RLIMIT_NOFILE,
 * keeping SERVER_FDS_RESERVED descriptors for stdio, the listener and
 * SQLite); at the limit the listener is not polled at all, so waiting
 * clients queue in the kernel instead of making poll() spin. accept()
 * failing for lack of descriptors (EMFILE, ENFILE) pauses the listener for
 * a second. A client is closed after idle_ms without a byte from it, and one
 * IP address may hold at most max_per_address connections. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

volatile int loop_stop_signal = 0;

static int set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* How many clients the descriptor limit leaves room for. */
static int client_cap(server *s)
{
    struct rlimit rl;
    rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : RLIM_INFINITY;
    size_t cap = (size_t)s->opt.max_clients;
    if (lim != RLIM_INFINITY) {
        if (lim <= (rlim_t)SERVER_FDS_RESERVED + 1) {
            fprintf(stderr, "omniq-server: the descriptor limit (ulimit -n %llu) leaves no room for clients\n",
                    (unsigned long long)lim);
            return -1;
        }
        if ((rlim_t)cap > lim - SERVER_FDS_RESERVED)
            cap = (size_t)(lim - SERVER_FDS_RESERVED);
    }
    s->max_clients = cap;
    return 0;
}

int loop_listen(server *s)
{
    struct in_addr addr; /* checked by the argument parser (main.c), with the token rule */
    if (inet_pton(AF_INET, s->opt.bind, &addr) != 1)
        return -1;
    if (client_cap(s))
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("omniq-server: socket");
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)s->opt.port);
    a.sin_addr = addr;
    socklen_t alen = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 128) ||
        getsockname(fd, (struct sockaddr *)&a, &alen) || set_nonblocking(fd)) {
        perror("omniq-server: listen");
        close(fd);
        return -1;
    }
    s->listen_fd = fd;
    /* where clients are sent (NOT_LEADER, leases): the bound address, or
     * loopback for a wildcard bind, unless --advertise says otherwise */
    snprintf(s->advertise, sizeof s->advertise, "%s:%d",
             strcmp(s->opt.bind, "0.0.0.0") == 0 ? "127.0.0.1" : s->opt.bind, ntohs(a.sin_port));
    if (s->opt.advertise)
        snprintf(s->advertise, sizeof s->advertise, "%s", s->opt.advertise);
    snprintf(s->name, sizeof s->name, "%s", s->opt.name ? s->opt.name : s->advertise);
    server_log(s, "up to %zu clients, %d per address, idle time-out %lld s%s", s->max_clients,
               s->opt.max_per_address, (long long)(s->opt.idle_ms / 1000),
               s->opt.token[0] ? ", hello needs the token" : "");
    printf("listening on %s:%d\n", s->opt.bind, ntohs(a.sin_port));
    fflush(stdout);
    return 0;
}

static void conn_free(conn *c)
{
    close(c->fd);
    buf_free(&c->in);
    buf_free(&c->out);
    free(c);
}

/* Refuse a connection with one line saying why (best effort), then close. */
static void refuse(int fd, const char *why)
{
    char line[256];
    int n = snprintf(line, sizeof line, "{\"ok\":false,\"error\":\"OQ_ERANGE\",\"message\":\"%s\"}\n", why);
    if (n > 0)
        (void)send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

static void accept_clients(server *s, int64_t mono)
{
    while (s->n_conns < s->max_clients) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        int fd = accept(s->listen_fd, (struct sockaddr *)&peer, &plen);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors (SQLite or another process took some):
                 * the client waits in the backlog; look again in a second
                 * rather than spin on a listener that stays readable. */
                s->accept_paused_until = mono + 1000;
                server_log(s, "accept: %s; pausing new connections for a second", strerror(errno));
            }
            return; /* EAGAIN, or a transient error: poll will tell again */
        }
        size_t same = 0;
        for (size_t i = 0; i < s->n_conns; i++)
            same += s->conns[i]->peer == peer.sin_addr.s_addr;
        if (same >= (size_t)s->opt.max_per_address) {
            refuse(fd, "too many connections from this address");
            continue;
        }
        if (set_nonblocking(fd)) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        conn **cs = realloc(s->conns, (s->n_conns + 1) * sizeof *cs);
        if (!c || !cs)
            abort();
        s->conns = cs;
        c->fd = fd;
        c->peer = peer.sin_addr.s_addr;
        c->last_in_ms = mono;
        c->authed = !s->opt.token[0];
        s->conns[s->n_conns++] = c;
    }
}

/* Handle every complete line in c->in. */
static void handle_lines(server *s, conn *c, int64_t now)
{
    size_t start = 0;
    for (;;) {
        char *nl = memchr(c->in.data + start, '\n', c->in.len - start);
        if (!nl)
            break;
        size_t end = (size_t)(nl - c->in.data);
        if (c->discarding) {
            c->discarding = 0; /* the over-long line ends here; already answered */
        } else {
            size_t len = end - start;
            if (len && c->in.data[start + len - 1] == '\r')
                len--;
            c->in.data[start + len] = '\0';
            if (len > SERVER_LINE_MAX)
                buf_printf(&c->out, "{\"ok\":false,\"error\":\"OQ_EINVAL\",\"message\":"
                                    "\"line longer than %d bytes\"}\n", SERVER_LINE_MAX);
            else if (len == 0) /* a request too: every line gets exactly one reply */
                buf_puts(&c->out, "{\"ok\":false,\"error\":\"OQ_EINVAL\",\"message\":\"empty line\"}\n");
            else
                commands_handle(s, c, c->in.data + start, len, now);
        }
        start = end + 1;
    }
    buf_consume(&c->in, start);
    if (c->in.len > SERVER_LINE_MAX) {
        if (!c->discarding)
            buf_printf(&c->out, "{\"ok\":false,\"error\":\"OQ_EINVAL\",\"message\":"
                                "\"line longer than %d bytes\"}\n", SERVER_LINE_MAX);
        c->discarding = 1;
        c->in.len = 0;
    }
}

static void read_client(server *s, conn *c, int64_t now, int64_t mono)
{
    char tmp[65536];
    ssize_t n = read(c->fd, tmp, sizeof tmp);
    if (n > 0) {
        c->last_in_ms = mono;
        buf_put(&c->in, tmp, (size_t)n);
        handle_lines(s, c, now);
    } else if (n == 0) {
        c->eof = 1;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        c->dead = 1;
    }
}

static void write_client(conn *c)
{
    while (c->out.len && !c->dead) {
        ssize_t n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
        if (n > 0) {
            buf_consume(&c->out, (size_t)n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            c->dead = 1;
        }
    }
    if (c->out.len > SERVER_OUT_HARD)
        c->dead = 1; /* a client that does not read its events */
}

static void reap_clients(server *s, int64_t mono)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_conns; i++) {
        conn *c = s->conns[i];
        if (s->opt.idle_ms > 0 && mono - c->last_in_ms >= s->opt.idle_ms && !c->dead) {
            server_log(s, "closing a client silent for %lld s", (long long)(s->opt.idle_ms / 1000));
            c->dead = 1; /* what it was sent is already written (or it is not reading) */
        }
        if (c->dead || (c->eof && c->out.len == 0))
            conn_free(c);
        else
            s->conns[w++] = c;
    }
    s->n_conns = w;
}

static int answers(const tenant *t) { return t->state == TENANT_SOLO || t->state == TENANT_LEADING; }

static int poll_timeout(server *s, int64_t now)
{
    int64_t deadline, wait = replica_wait_ms(s);
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        if (!answers(t))
            continue;
        if (oq_engine_next_deadline(t->e, &deadline) == OQ_OK && deadline != INT64_MAX &&
            deadline - now < wait)
            wait = deadline <= now ? 0 : deadline - now;
        if (t->since_snapshot > 0 && !t->bg_pid && !t->bg_ready && !t->bg_upload) {
            int64_t snap = t->last_snapshot_ms + s->opt.snapshot_ms - now;
            if (snap < wait)
                wait = snap < 0 ? 0 : snap;
        }
        if (t->bg_pid && wait > SERVER_CHILD_POLL_MS)
            wait = SERVER_CHILD_POLL_MS; /* a snapshot child is writing: look for its end */
    }
    return wait > 1000 ? 1000 : (int)wait;
}

/* Fire the timers that are due on every tenant this server answers for. */
static void advance_tenants(server *s, int64_t now)
{
    for (int i = 0; i < s->n_tenants; i++) {
        tenant *t = s->tenants[i];
        int64_t deadline, clock;
        if (!answers(t) || oq_engine_next_deadline(t->e, &deadline) != OQ_OK)
            continue;
        int64_t at = oq_engine_now(t->e, &clock) == OQ_OK && clock > now ? clock : now;
        if (deadline <= at && oq_engine_advance(t->e, at) != OQ_OK)
            server_log(s, "tenant %s: advance: %s", t->name, oq_engine_last_error(t->e));
    }
}

/* Empty the wake-up pipe (its bytes only say "records arrived"). */
static void drain_wake(server *s)
{
    char tmp[256];
    while (read(s->wake_fd[0], tmp, sizeof tmp) > 0) {
    }
}

int loop_run(server *s)
{
    struct pollfd *pfd = NULL;
    size_t pfd_cap = 0;
    int wake = s->wake_fd[0] >= 0;
    while (!loop_stop_signal) {
        if (pfd_cap < s->n_conns + 2) {
            pfd_cap = (s->n_conns + 2) * 2;
            pfd = realloc(pfd, pfd_cap * sizeof *pfd);
            if (!pfd)
                abort();
        }
        /* At the client limit (or out of descriptors) the listener is left
         * out of the poll: pending clients wait in the kernel's backlog. */
        int64_t mono = server_mono_ms();
        int listening = s->n_conns < s->max_clients && mono >= s->accept_paused_until;
        pfd[0].fd = listening ? s->listen_fd : -1;
        pfd[0].events = POLLIN;
        for (size_t i = 0; i < s->n_conns; i++) {
            conn *c = s->conns[i];
            pfd[i + 1].fd = c->fd;
            pfd[i + 1].events = 0;
            if (!c->eof && c->out.len < SERVER_OUT_SOFT)
                pfd[i + 1].events |= POLLIN;
            if (c->out.len)
                pfd[i + 1].events |= POLLOUT;
        }
        size_t polled = s->n_conns;
        pfd[polled + 1].fd = wake ? s->wake_fd[0] : -1;
        pfd[polled + 1].events = POLLIN;
        pfd[polled + 1].revents = 0;
        int n = poll(pfd, polled + 2, poll_timeout(s, server_now(s)));
        if (n < 0 && errno != EINTR) {
            perror("omniq-server: poll");
            free(pfd);
            return -1;
        }
        if (loop_stop_signal)
            break;
        int64_t now = server_now(s);
        mono = server_mono_ms();
        s->loops++;
        if (n > 0) {
            for (size_t i = 0; i < polled; i++) {
                if (pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR))
                    read_client(s, s->conns[i], now, mono);
            }
            if (listening && (pfd[0].revents & POLLIN))
                accept_clients(s, mono);
            if (pfd[polled + 1].revents & POLLIN)
                drain_wake(s);
        }
        advance_tenants(s, now);
        durability_commit(s, now); /* SQLite: exits on failure, nothing below runs */
        for (size_t i = 0; i < s->n_conns; i++)
            s->conns[i]->unsent = 0; /* committed, or dropped with their connection */
        replica_tick(s, now);      /* standbys apply, leases, takeovers */
        for (size_t i = 0; i < s->n_conns; i++)
            write_client(s->conns[i]);
        reap_clients(s, mono);
    }
    free(pfd);
    return 0;
}

void loop_close_all(server *s)
{
    for (size_t i = 0; i < s->n_conns; i++) {
        write_client(s->conns[i]); /* best effort: everything in them is committed */
        conn_free(s->conns[i]);
    }
    free(s->conns);
    s->conns = NULL;
    s->n_conns = 0;
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    s->listen_fd = -1;
}
