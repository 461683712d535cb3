/* SPDX-License-Identifier: MIT */
/* Snapshot files of the SQLite server: one file beside the database per
 * snapshot, "<db>.snap-<seq>", named by the database's snapshot row only
 * once it is complete. A file is written under "<name>.tmp", flushed to disk
 * and renamed, so a crash leaves either no file or a whole one; a file the
 * row does not name (a snapshot cut short, or replaced) is removed at start.
 *
 * Layout (little-endian): "OQSNAPF1", seq u64 (the last journal record it
 * covers), data_len u64, extra_len u64, FNV-1a 64 of data then extra,
 * body_len u64, then the body: the engine snapshot (oq_engine_snapshot_buffer)
 * then the host's extra bytes (the contact registry), each encoded as tokens
 * — an unsigned LEB128 varint (n << 1 | z): z = 1, n zero bytes; z = 0, the
 * n bytes that follow. Three quarters of an engine snapshot are zeros (fixed-
 * width fields, mostly unset); runs of two or more become one token, which
 * makes the file 2.4 times smaller than the bytes (42 % of them with 100,000
 * contacts waiting: 42.7 MB, 73 % zeros, to 17.9 MB). The engine snapshot
 * carries its own CRC-32; the hash covers the registry too, and the lengths
 * tell a truncated file at once. */
#ifndef SERVER_SNAPFILE_H
#define SERVER_SNAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SNAPFILE_NAME_MAX 4096

/* "<db_path>.snap-<seq>" into out. 0, or -1 if it does not fit. */
int snapfile_name(const char *db_path, int64_t seq, char *out, size_t len);

/* Write the file (through "<path>.tmp", fsync'd unless sync is 0, renamed,
 * its directory fsync'd). 0 or -1 with a message in err: nothing is left
 * behind, but for a failed fsync of the directory, after the rename, which
 * leaves the complete file at path (perhaps replacing the file of the same
 * record the database names: removing it would lose that snapshot). */
int snapfile_write(const char *path, int64_t seq, const void *data, size_t len,
                   const void *extra, size_t extra_len, int sync, char *err, size_t errlen);

/* Read a whole file: 0 with malloc'd copies (free them), -1 with a message
 * in err when it is missing, short, damaged or not the snapshot of seq. */
int snapfile_read(const char *path, int64_t seq, void **data, size_t *len, void **extra,
                  size_t *extra_len, char *err, size_t errlen);

/* The body's encoding on its own (the JetStream snapshot bucket stores
 * snapshots so too, jetstream.c): data then extra as tokens, written to fd
 * (fd >= 0) or appended to out (fd < 0). 0, or -1 when a write failed (or
 * out of memory); *written (NULL: not wanted) = the encoded bytes. */
int snapfile_encode(int fd, buf *out, const void *data, size_t len, const void *extra, size_t extra_len,
                    uint64_t *written);
/* Decode a whole body into exactly len bytes of data and extra_len of
 * extra (the caller's buffers): 0, or -1 when it is damaged (tokens that
 * do not fit, bytes left over). */
int snapfile_decode(const void *body, size_t body_len, void *data, size_t len, void *extra, size_t extra_len);
/* All len bytes through write (writing) or read, EINTR retried: 0, or -1
 * (an error, or the end of the file or pipe before len bytes). */
int snapfile_io(int fd, void *data, size_t len, int writing);
/* The FNV-1a 64 of data then extra (the files' and the heads' check). */
uint64_t snapfile_hash(const void *data, size_t len, const void *extra, size_t extra_len);

/* Remove every "<db_path>.snap-*" file but keep (NULL: none). */
void snapfile_remove_others(const char *db_path, const char *keep);

#endif
