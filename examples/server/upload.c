/* SPDX-License-Identifier: MIT */
/* Periodic snapshots of a tenant on the JetStream journal without stopping
 * the loop (upload.h).
 *
 * Serializing 100,000 waiting contacts takes about a quarter of a CPU
 * second and 40 MB, and storing them in the snapshot bucket (chunks below
 * the cluster's payload limit, each replicated) longer still; done in the
 * commit, both held every client of the server. Instead, right after a
 * commit whose messages are all acknowledged (the engine is then exactly
 * messages 1..seq of the stream), the loop forks:
 *
 *   the child   closes the clients' sockets, lowers its priority, waits at
 *               the test gate if one is set (background.c), serializes its
 *               copy-on-write image of the engine and the contact registry,
 *               writes them to a pipe (their lengths and hash, then the
 *               bytes with every run of zeros as one token, snapfile.h:
 *               2.4 times fewer for the cluster to store three times) and
 *               leaves with _exit. It calls nothing of libnats (whose
 *               threads do not exist in the child; their locks may be
 *               held), and no stdio (a libnats thread may have held the
 *               lock of stderr at the fork): only the engine's serializer,
 *               malloc (glibc keeps it usable in the child of a threaded
 *               process) and write(2);
 *   a thread    of the server reads the pipe to its end, reaps the child,
 *               and stores the bytes as the snapshot of message seq
 *               (nats_log_store_snapshot: chunks, then the head, written
 *               last by compare-and-set on its revision, so a half-stored
 *               snapshot is never read and the head never moves back);
 *   the loop    goes on serving and committing meanwhile; a byte on the
 *               wake-up pipe tells it the thread ended, and the next turn
 *               notes the stored snapshot (replica.c).
 *
 * Fencing. The snapshot covers only messages this leader had stored
 * (acknowledged by the cluster before the fork): whoever leads later, it is
 * a true state of the stream at seq, and the head is refused when it
 * already names seq or a later message. A leader that steps down (lease
 * lost, handed over, fenced) stops its upload all the same (upload_stop):
 * the child is killed, the thread stops before its next chunk and before
 * the head and removes the chunks it wrote — the successor stores its own.
 * Only a head write already on its way when the leader stepped down can
 * still land, and by the above it names a correct snapshot.
 *
 * Crashes: a server killed mid-upload leaves chunks no head names (never
 * read; the next snapshot of the tenant does not remove them: garbage
 * keyed by that writer's identity); its child, held at the gate or
 * writing to a pipe nobody reads, exits.
 *
 * OMNIQ_SERVER_UPLOAD_GATE=FILE (tests only) holds the thread after the
 * chunks and before the head until FILE exists, so a test can look at a
 * half-stored snapshot. */
#define _XOPEN_SOURCE 700

#include "upload.h"

#include "snapfile.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct upload {
    nats_log *log;
    uint64_t seq;
    char gen[NATS_EPOCH_MAX];
    int fd;                  /* the pipe's read end (the thread's) */
    int wake_fd;
    pthread_t thread;
    pthread_mutex_t mu;      /* pid and reaped: the loop may kill the child, the thread reaps it */
    pid_t pid;
    int reaped;
    atomic_int stop;
    atomic_int state;        /* UPLOAD_* */
    atomic_int phase;        /* UPLOAD_PHASE_* */
    int64_t started_mono, fork_ms, child_ms, store_ms;
    char err[512];
};

/* ---- the child ------------------------------------------------------------------- */

static void child_say(const char *msg)
{
    if (snapfile_io(2, (void *)msg, strlen(msg), 1)) { /* best effort */
    }
}

static void child_run(tenant *t, int fd, pid_t parent)
{
    background_child_enter(t->srv, (long)parent);
    void *data = NULL;
    size_t len = 0;
    buf extra = {0};
    if (oq_engine_snapshot_buffer(t->e, &data, &len) != OQ_OK) {
        child_say("omniq-server: snapshot child: the engine could not be serialized\n");
        _exit(5);
    }
    registry_save(t->reg, &extra);
    /* The lengths and the check of the bytes, then the bytes with every run
     * of zeros as one token (snapfile.h): 2.4 times fewer to upload and
     * for the cluster to replicate, encoded here rather than in the server. */
    uint64_t head[3] = {(uint64_t)len, (uint64_t)extra.len, snapfile_hash(data, len, extra.data, extra.len)};
    if (snapfile_io(fd, head, sizeof head, 1) || snapfile_encode(fd, NULL, data, len, extra.data, extra.len, NULL))
        _exit(5); /* the server is gone (or stopped this snapshot) */
    _exit(0);
}

/* ---- the thread ------------------------------------------------------------------ */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the child's exit and reap it; the exit status. Reaped under the
 * mutex, so the loop never kills a pid that was reaped (and reused). */
static int reap(upload *u)
{
    siginfo_t info;
    while (waitid(P_PID, (id_t)u->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
    int status = 0;
    pthread_mutex_lock(&u->mu);
    while (waitpid(u->pid, &status, 0) < 0 && errno == EINTR) {
    }
    u->reaped = 1;
    pthread_mutex_unlock(&u->mu);
    return status;
}

/* Asked before each chunk and before the head (nats_log_store_snapshot). */
static int go_on(void *user, int before_head)
{
    upload *u = user;
    const char *gate = getenv("OMNIQ_SERVER_UPLOAD_GATE");
    struct timespec tick = {0, 10 * 1000000L};
    if (before_head)
        atomic_store(&u->phase, UPLOAD_PHASE_HEAD);
    while (before_head && gate && *gate && access(gate, F_OK) != 0 && !atomic_load(&u->stop))
        nanosleep(&tick, NULL);
    return !atomic_load(&u->stop);
}

static void *upload_main(void *arg)
{
    upload *u = arg;
    uint64_t head[3] = {0, 0, 0};
    buf body = {0};
    int got = snapfile_io(u->fd, head, sizeof head, 0) == 0 && head[0] < ((uint64_t)1 << 40) &&
              head[1] < ((uint64_t)1 << 40);
    for (;;) { /* the encoded bytes, to the end: the child must never block on a full pipe */
        buf_reserve(&body, 1 << 16);
        ssize_t r = read(u->fd, body.data + body.len, body.cap - body.len);
        if (r > 0)
            body.len += (size_t)r;
        else if (r == 0 || errno != EINTR)
            break;
    }
    close(u->fd);
    u->fd = -1;
    int status = reap(u);
    u->child_ms = mono_ms() - u->started_mono;
    int state;
    if (atomic_load(&u->stop)) {
        state = UPLOAD_STOPPED;
    } else if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFSIGNALED(status))
            snprintf(u->err, sizeof u->err, "the snapshot child was killed by signal %d", WTERMSIG(status));
        else
            snprintf(u->err, sizeof u->err, "the snapshot child ended without its snapshot (exit %d%s)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1, got ? "" : ", its lengths missing");
        state = UPLOAD_FAILED;
    } else {
        int64_t t0 = mono_ms();
        atomic_store(&u->phase, UPLOAD_PHASE_CHUNKS);
        int rc = nats_log_store_snapshot(u->log, u->seq, u->gen, body.data, body.len, (size_t)head[0],
                                         (size_t)head[1], head[2], go_on, u, u->err, sizeof u->err);
        u->store_ms = mono_ms() - t0;
        state = rc == 0 ? UPLOAD_STORED : rc > 0 ? UPLOAD_STOPPED : UPLOAD_FAILED;
    }
    buf_free(&body);
    atomic_store(&u->state, state);
    if (u->wake_fd >= 0) {
        ssize_t w = write(u->wake_fd, "u", 1); /* a full pipe already wakes the loop */
        (void)w;
    }
    return NULL;
}

/* ---- the loop's side ---------------------------------------------------------------- */

upload *upload_start(tenant *t, nats_log *log, uint64_t seq, const char *gen, int wake_fd)
{
    upload *u = calloc(1, sizeof *u);
    if (!u) {
        server_log(t->srv, "tenant %s: snapshot: out of memory", t->name);
        return NULL;
    }
    u->log = log;
    u->seq = seq;
    snprintf(u->gen, sizeof u->gen, "%s", gen);
    u->wake_fd = wake_fd;
    atomic_init(&u->stop, 0);
    atomic_init(&u->state, UPLOAD_RUNNING);
    atomic_init(&u->phase, UPLOAD_PHASE_CHILD);
    pthread_mutex_init(&u->mu, NULL);
    int p[2];
    if (pipe(p) != 0) {
        server_log(t->srv, "tenant %s: snapshot: pipe failed: %s; trying again a period later", t->name,
                   strerror(errno));
        pthread_mutex_destroy(&u->mu);
        free(u);
        return NULL;
    }
    fflush(stdout); /* nothing buffered may be written twice */
    fflush(stderr);
    pid_t parent = getpid();
    int64_t t0 = mono_ms();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        child_run(t, p[1], parent); /* does not return */
    }
    int e = errno;
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        server_log(t->srv, "tenant %s: snapshot: fork failed: %s; trying again a period later", t->name,
                   strerror(e));
        pthread_mutex_destroy(&u->mu);
        free(u);
        return NULL;
    }
    u->started_mono = mono_ms();
    u->fork_ms = u->started_mono - t0;
    u->pid = pid;
    u->fd = p[0];
    if (pthread_create(&u->thread, NULL, upload_main, u) != 0) {
        server_log(t->srv, "tenant %s: snapshot: no thread for the upload; trying again a period later", t->name);
        kill(pid, SIGKILL);
        close(p[0]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        pthread_mutex_destroy(&u->mu);
        free(u);
        return NULL;
    }
    return u;
}

int upload_state(upload *u) { return atomic_load(&u->state); }
int upload_phase(upload *u) { return atomic_load(&u->phase); }
uint64_t upload_seq(const upload *u) { return u->seq; }
const char *upload_error(const upload *u) { return u->err; }
int64_t upload_child_ms(const upload *u) { return u->child_ms; }
int64_t upload_store_ms(const upload *u) { return u->store_ms; }
int64_t upload_fork_ms(const upload *u) { return u->fork_ms; }

void upload_stop(upload *u)
{
    atomic_store(&u->stop, 1);
    pthread_mutex_lock(&u->mu);
    if (!u->reaped)
        kill(u->pid, SIGKILL); /* still a child of ours (a zombie at worst): never a stranger */
    pthread_mutex_unlock(&u->mu);
}

void upload_free(upload *u)
{
    if (!u)
        return;
    pthread_join(u->thread, NULL);
    pthread_mutex_destroy(&u->mu);
    free(u);
}
