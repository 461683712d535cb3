/* SPDX-License-Identifier: MIT */
/* omniq — snapshots (save / restore the whole engine); with the action
 * journal (omniq/journal.h, included here), how a standby takes over.
 *
 * Snapshot: oq_engine_snapshot() writes the complete state of an engine —
 * configuration, agents and their states, every contact with its place in
 * line, offers, timers, escalation progress, routing keys, the random
 * generator and statistics — through a writer callback, so the host chooses
 * a file, a database blob or a network stream. oq_engine_restore() rebuilds
 * an engine from it that makes exactly the same decisions as the original
 * from then on. The format is versioned and documented in docs/snapshot.md;
 * it ends with a CRC-32, and truncated, corrupted or inconsistent input is
 * refused with OQ_ECORRUPT (never a wrong engine).
 *
 * A snapshot records the number of the next journal record, so a snapshot
 * plus the records emitted after it rebuild the same state.
 *
 * Thread-safety: as engine.h — serialize calls on one engine. A restore
 * keeps no state between calls: why it failed goes into the caller's
 * oq_error (core.h). */
#ifndef OMNIQ_SNAPSHOT_H
#define OMNIQ_SNAPSHOT_H

#include "omniq/engine.h"
#include "omniq/journal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Format version written. Restore reads this version and the one before
 * it (3): docs/snapshot.md, Versioning. */
#define OQ_SNAPSHOT_VERSION 4

/* Writer: receives the snapshot in pieces, in order. Return OQ_OK to go on;
 * any other status stops the snapshot, which returns that status. */
typedef oq_status (*oq_write_fn)(const void *data, size_t len, void *user);

/* Reader: fill up to len bytes of buf; return the number of bytes read, 0 at
 * the end of the input, < 0 on an error (restore then fails with OQ_ECORRUPT). */
typedef int64_t (*oq_read_fn)(void *buf, size_t len, void *user);

/* Write the engine's complete state. Read-only: the engine is not changed
 * (but its last error, on failure). Memory: about 4 KB for the writer's
 * buffer and some scratch, from the engine's allocator, all given back
 * before the call returns.
 * Errors: OQ_EINVAL (NULL argument), OQ_EBUSY (called from inside an engine
 * callback: the engine is between two steps of a call), OQ_ESTATE (an engine
 * that keeps no statistics), OQ_ENOMEM (the allocator refused), the writer's
 * status. */
OQ_API oq_status oq_engine_snapshot(const oq_engine *e, oq_write_fn write, void *user);

/* Rebuild an engine from a snapshot. From `opts` (NULL = defaults) only the
 * allocator, the event sink and the host scorer (score, score_user,
 * score_max_candidates: a snapshot holds no function; an engine with
 * host_score queues restored without one refuses every mutating call) are
 * used: seed, start_ms and abandon_resume_s
 * come from the snapshot (the generator's current state, the clock), and so
 * does the number of the next journal record (oq_engine_journal_seq). The
 * clock may be anything the API accepts (0..INT64_MAX). No event is emitted
 * by the restore itself; the journal is off.
 * Errors: OQ_EINVAL (NULL out/read, bad struct_size), OQ_ECORRUPT (bad magic,
 * unsupported version, checksum mismatch, truncation, inconsistent content —
 * a value out of range, or a derived field that disagrees with its source,
 * which oq_engine_check recomputes), OQ_ENOMEM. *err (oq_error, core.h; may
 * be NULL) then receives the status and what and at which byte offset
 * ("snapshot: at byte 8: snapshot format version 9, ..."); line and column
 * are 0. On error *out is untouched and nothing stays allocated. On success
 * *out belongs to the caller: destroy it with oq_engine_destroy. */
OQ_API oq_status oq_engine_restore(const oq_engine_options *opts, oq_read_fn read, void *user,
                                   oq_engine **out, oq_error *err);

/* Snapshot into one buffer allocated with the C library's malloc (release it
 * with oq_free). Errors as oq_engine_snapshot, plus OQ_ENOMEM. */
OQ_API oq_status oq_engine_snapshot_buffer(const oq_engine *e, void **out, size_t *len);

/* Restore from len bytes at buf (not kept: the caller may free it once the
 * call returns). Errors (and *err) and ownership of *out as oq_engine_restore. */
OQ_API oq_status oq_engine_restore_buffer(const oq_engine_options *opts, const void *buf,
                                          size_t len, oq_engine **out, oq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* OMNIQ_SNAPSHOT_H */
