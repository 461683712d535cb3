/* SPDX-License-Identifier: MIT */
/* The periodic snapshot of a tenant leading on the JetStream journal,
 * written without stopping the loop (upload.c): a forked child serializes
 * the engine as it is at a commit, a thread of the server uploads it. */
#ifndef SERVER_UPLOAD_H
#define SERVER_UPLOAD_H

#include <stdint.h>

#include "jetstream.h"
#include "server.h"

typedef struct upload upload;

#define UPLOAD_RUNNING 0
#define UPLOAD_STORED 1  /* the head names it (or a newer one was there already) */
#define UPLOAD_FAILED 2  /* the child or the cluster failed: error says which */
#define UPLOAD_STOPPED 3 /* upload_stop asked it to: nothing of it is named */

/* Fork a child that serializes t's engine and registry as they are now
 * (call right after a commit that left nothing in flight: the engine is
 * exactly messages 1..seq of the stream), and start the thread that
 * receives them and stores them as the snapshot of message seq under the
 * writer identity gen. The thread touches neither t nor the loop: it owns
 * what it received and uses only log (libnats is thread-safe); a byte on
 * wake_fd tells the loop it ended. NULL when the pipe, the fork or the
 * thread could not be made (logged). */
upload *upload_start(tenant *t, nats_log *log, uint64_t seq, const char *gen, int wake_fd);

/* UPLOAD_RUNNING, or how it ended (then upload_free it). Never waits. */
int upload_state(upload *u);
/* Where a running one is: the child serializing, the chunks being stored,
 * the head about to be written (tests hold it there: upload.c). */
#define UPLOAD_PHASE_CHILD 0
#define UPLOAD_PHASE_CHUNKS 1
#define UPLOAD_PHASE_HEAD 2
int upload_phase(upload *u);
/* The message the snapshot covers, the error of a failed one, how long
 * the child took (fork to its last byte) and the upload (to the head). */
uint64_t upload_seq(const upload *u);
const char *upload_error(const upload *u);
int64_t upload_child_ms(const upload *u);
int64_t upload_store_ms(const upload *u);
int64_t upload_fork_ms(const upload *u);

/* Ask it to stop without waiting: the child is killed, the thread stops
 * before its next chunk or the head and removes the chunks it wrote. A head
 * already being written may still land: harmless (upload.c says why). */
void upload_stop(upload *u);

/* Wait for the thread to end (stop it first to make that quick) and free. */
void upload_free(upload *u);

#endif
