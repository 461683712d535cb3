/* SPDX-License-Identifier: MIT */
/* Periodic snapshots of a SQLite server without stopping the loop.
 *
 * Serializing an engine holding 100,000 contacts takes a quarter of a CPU
 * second and 40 MB; done inside the loop it held every request that long.
 * Right after a commit (the engine is then exactly the durable state, up to
 * record bg_seq) the loop forks: the child owns a copy-on-write image of the
 * engine frozen at that record, serializes it, writes it to its snapshot
 * file (snapfile.h: a temporary name, flushed, renamed) and exits. The loop
 * goes on answering and committing records after bg_seq meanwhile (the
 * child runs at nice 10, so it takes the CPU the loop leaves); it polls
 * the child (waitpid WNOHANG, once per turn) and, when it said it finished
 * (one byte on a pipe, after its file is renamed and the directory synced),
 * names its file in the next commit — the same transaction then drops the
 * records up to bg_seq. The snapshot says which record it covers, so the
 * records committed while the child ran stay in the journal and are
 * replayed after it.
 *
 * Crashes: a child killed half-way leaves at most a ".tmp" file, and a file
 * the database does not name yet is never read; both are removed at the
 * next start. The child touches neither SQLite nor the clients: it closes
 * the sockets at once (a client the loop drops must see its connection
 * close) and leaves with _exit (no atexit handler, no stdio flush of the
 * parent's buffers). A tenant on the JetStream journal forks the same way
 * (upload.c): its child only serializes, the loop's process uploads.
 *
 * OMNIQ_SERVER_SNAPSHOT_GATE=FILE (tests only) makes the child wait until FILE
 * exists before it writes, so a test can send requests while a snapshot is
 * in progress without guessing how long that lasts; a child whose server
 * died meanwhile exits without writing. */
#define _XOPEN_SOURCE 700 /* nice() */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "snapfile.h"

static void child_gate(pid_t parent)
{
    const char *gate = getenv("OMNIQ_SERVER_SNAPSHOT_GATE");
    struct timespec tick = {0, 10 * 1000000L};
    while (gate && *gate && access(gate, F_OK) != 0) {
        if (getppid() != parent)
            _exit(6); /* the server is gone: nobody would name this snapshot */
        nanosleep(&tick, NULL);
    }
}

/* The child's end: say whether the file is complete, then go. */
static void child_end(int done_fd, int ok)
{
    fflush(stderr);
    if (ok)
        while (write(done_fd, "k", 1) < 0 && errno == EINTR) {
        }
    _exit(ok ? 0 : 5);
}

void background_child_enter(server *s, long parent)
{
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    for (size_t i = 0; i < s->n_conns; i++)
        close(s->conns[i]->fd);
    /* The loop's CPU comes first: on a machine of few cores the child would
     * otherwise take the server's share while it serializes. */
    if (nice(10) == -1)
        errno = 0; /* refused: the child runs at the server's priority */
    child_gate((pid_t)parent);
}

/* The child: serialize the frozen engine, write the file, end. */
static void child_run(tenant *t, const char *path, pid_t parent, int done_fd)
{
    server *s = t->srv;
    background_child_enter(s, (long)parent);
    void *data = NULL;
    size_t len = 0;
    buf extra = {0};
    if (durability_snapshot(t, &data, &len, &extra))
        child_end(done_fd, 0);
    char err[SNAPFILE_NAME_MAX + 256];
    int rc = snapfile_write(path, t->bg_seq, data, len, extra.data, extra.len,
                            s->opt.sync_mode != STORE_SYNC_OFF, err, sizeof err);
    if (rc)
        fprintf(stderr, "omniq-server: snapshot child: %s\n", err);
    child_end(done_fd, rc == 0);
}

int background_start(tenant *t, int64_t now_ms)
{
    char path[SNAPFILE_NAME_MAX];
    uint64_t next = 1;
    oq_engine_journal_seq(t->e, &next);
    int64_t seq = (int64_t)next - 1;
    if (snapfile_name(t->srv->opt.db_path, seq, path, sizeof path))
        return -1;
    fflush(stdout); /* nothing buffered may be written twice */
    fflush(stderr);
    int done[2];
    int64_t t0 = server_mono_ms();
    pid_t parent = getpid();
    pid_t pid = -1;
    const char *what = "pipe";
    if (pipe(done) == 0) {
        what = "fork";
        pid = fork();
        if (pid < 0) {
            int e = errno;
            close(done[0]);
            close(done[1]);
            errno = e;
        }
    }
    if (pid < 0) {
        server_log(t->srv, "snapshot: %s failed: %s; trying again a period later", what, strerror(errno));
        t->bg_failed_ms = now_ms;
        return -1;
    }
    t->bg_seq = seq;
    if (pid == 0) {
        close(done[0]);
        child_run(t, path, parent, done[1]); /* does not return */
    }
    close(done[1]);
    t->bg_started_mono = server_mono_ms();
    if (t->bg_started_mono - t0 > t->bg_fork_ms_max)
        t->bg_fork_ms_max = t->bg_started_mono - t0;
    t->bg_fd = done[0];
    t->bg_pid = (long)pid;
    t->bg_ready = 0;
    t->bg_bytes_at = t->journal_bytes;
    return 0;
}

/* Remove what a child left of its snapshot (the file and its temporary). */
static void remove_child_files(tenant *t)
{
    char path[SNAPFILE_NAME_MAX], tmp[SNAPFILE_NAME_MAX + 8];
    if (snapfile_name(t->srv->opt.db_path, t->bg_seq, path, sizeof path))
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    if (t->bg_seq != t->snap_seq) /* never the file the database names */
        unlink(path);
}

int background_poll(tenant *t, int64_t now_ms, char *path, size_t len)
{
    if (t->bg_pid) {
        pid_t r = waitpid((pid_t)t->bg_pid, NULL, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR))
            return 0; /* still writing */
        /* it ended (reaped just now); its word is on the pipe, which it closed */
        char c = 0;
        ssize_t n;
        while ((n = read(t->bg_fd, &c, 1)) < 0 && errno == EINTR) {
        }
        close(t->bg_fd);
        t->bg_fd = -1;
        t->bg_pid = 0;
        if (n == 1 && c == 'k') {
            t->bg_ready = 1;
            t->bg_child_ms = server_mono_ms() - t->bg_started_mono;
        } else {
            server_log(t->srv, "snapshot of record %lld: the child ended without finishing its file; "
                               "trying again a period later", (long long)t->bg_seq);
            remove_child_files(t);
            t->bg_failed_ms = now_ms;
        }
    }
    return t->bg_ready && snapfile_name(t->srv->opt.db_path, t->bg_seq, path, len) == 0;
}

void background_cancel(tenant *t)
{
    if (t->bg_pid) {
        kill((pid_t)t->bg_pid, SIGKILL);
        while (waitpid((pid_t)t->bg_pid, NULL, 0) < 0 && errno == EINTR) {
        }
        close(t->bg_fd);
        t->bg_fd = -1;
        t->bg_pid = 0;
        remove_child_files(t);
    } else if (t->bg_ready) {
        remove_child_files(t);
    }
    t->bg_ready = 0;
}
