/* SPDX-License-Identifier: MIT */
/* Snapshot files of the SQLite server (see snapfile.h). */
#define _POSIX_C_SOURCE 200809L

#include "snapfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "OQSNAPF1"
#define HEADER 48 /* magic 8, seq 8, data_len 8, extra_len 8, hash 8, body_len 8 */
#define ZERO_RUN_MIN 2 /* shorter runs of zeros stay in the literal bytes */

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t hash_of(const void *data, size_t len, const void *extra, size_t extra_len)
{
    return fnv1a(fnv1a(0xcbf29ce484222325ull, data, len), extra, extra_len);
}

int snapfile_name(const char *db_path, int64_t seq, char *out, size_t len)
{
    int n = snprintf(out, len, "%s.snap-%lld", db_path, (long long)seq);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* The directory holding path ("." for a bare name) into out. */
static void dir_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int snapfile_io(int fd, void *data, size_t len, int writing)
{
    char *p = data;
    while (len) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The body's encoder: a staging buffer in front of the file. */
typedef struct writer {
    int fd;
    buf *out;                /* instead of fd: the bytes appended here */
    int failed;
    uint64_t written;
    size_t n;
    unsigned char stage[1 << 16];
} writer;

static void w_flush(writer *w)
{
    if (w->out)
        buf_put(w->out, w->stage, w->n);
    else if (!w->failed && w->n && snapfile_io(w->fd, w->stage, w->n, 1))
        w->failed = 1;
    w->written += w->n;
    w->n = 0;
}

static void w_bytes(writer *w, const unsigned char *p, size_t len)
{
    while (len) {
        if (w->n == sizeof w->stage)
            w_flush(w);
        size_t k = sizeof w->stage - w->n < len ? sizeof w->stage - w->n : len;
        memcpy(w->stage + w->n, p, k);
        w->n += k;
        p += k;
        len -= k;
    }
}

/* A token: (count << 1 | zeros) as an unsigned LEB128 varint. */
static void w_token(writer *w, uint64_t count, int zeros)
{
    unsigned char v[10];
    size_t k = 0;
    uint64_t x = count << 1 | (uint64_t)zeros;
    do {
        v[k] = (unsigned char)(x & 0x7f);
        x >>= 7;
        if (x)
            v[k] |= 0x80;
        k++;
    } while (x);
    w_bytes(w, v, k);
}

/* Encode len bytes: runs of ZERO_RUN_MIN or more zeros become one token,
 * the bytes between them a literal token followed by the bytes. */
static void w_encode(writer *w, const unsigned char *p, size_t len)
{
    size_t i = 0, lit = 0; /* lit: where the pending literal bytes start */
    while (i < len) {
        if (p[i] != 0) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && p[j] == 0)
            j++;
        if (j - i < ZERO_RUN_MIN) {
            i = j;
            continue;
        }
        if (i > lit) {
            w_token(w, i - lit, 0);
            w_bytes(w, p + lit, i - lit);
        }
        w_token(w, j - i, 1);
        i = lit = j;
    }
    if (len > lit) {
        w_token(w, len - lit, 0);
        w_bytes(w, p + lit, len - lit);
    }
}

/* Decode exactly len bytes into out from body[*off..]: 0, or -1 if the
 * tokens do not fit (damaged). */
static int decode(const unsigned char *body, size_t body_len, size_t *off, unsigned char *out, size_t len)
{
    size_t o = *off, done = 0;
    while (done < len) {
        uint64_t x = 0;
        int shift = 0;
        for (;;) {
            if (o >= body_len || shift > 63)
                return -1;
            unsigned char b = body[o++];
            x |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80))
                break;
        }
        uint64_t n = x >> 1;
        if (n == 0 || n > len - done)
            return -1;
        if (x & 1) {
            memset(out + done, 0, (size_t)n);
        } else {
            if (n > body_len - o)
                return -1;
            memcpy(out + done, body + o, (size_t)n);
            o += (size_t)n;
        }
        done += (size_t)n;
    }
    *off = o;
    return 0;
}

uint64_t snapfile_hash(const void *data, size_t len, const void *extra, size_t extra_len)
{
    return hash_of(data, len, extra, extra_len);
}

int snapfile_encode(int fd, buf *out, const void *data, size_t len, const void *extra, size_t extra_len,
                    uint64_t *written)
{
    writer *w = malloc(sizeof *w);
    if (!w)
        return -1;
    w->fd = fd;
    w->out = fd < 0 ? out : NULL;
    w->failed = 0;
    w->written = 0;
    w->n = 0;
    w_encode(w, data, len);
    w_encode(w, extra, extra_len);
    w_flush(w);
    int rc = w->failed ? -1 : 0;
    if (written)
        *written = w->written;
    free(w);
    return rc;
}

int snapfile_decode(const void *body, size_t body_len, void *data, size_t len, void *extra, size_t extra_len)
{
    size_t off = 0;
    if (decode(body, body_len, &off, data, len) || decode(body, body_len, &off, extra, extra_len))
        return -1;
    return off == body_len ? 0 : -1;
}

int snapfile_write(const char *path, int64_t seq, const void *data, size_t len,
                   const void *extra, size_t extra_len, int sync, char *err, size_t errlen)
{
    char tmp[SNAPFILE_NAME_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unsigned char head[HEADER];
    memcpy(head, MAGIC, 8);
    put_u64(head + 8, (uint64_t)seq);
    put_u64(head + 16, len);
    put_u64(head + 24, extra_len);
    put_u64(head + 32, hash_of(data, len, extra, extra_len));
    put_u64(head + 40, 0); /* body_len: known once the body is written */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char *what = "create";
    int ok = fd >= 0;
    writer *w = ok ? malloc(sizeof *w) : NULL;
    if (ok && !w)
        ok = 0, what = "out of memory", errno = ENOMEM;
    if (ok) {
        w->fd = fd;
        w->out = NULL;
        w->failed = 0;
        w->written = 0;
        w->n = 0;
        w_bytes(w, head, sizeof head); /* body_len filled in below */
        w_encode(w, data, len);
        w_encode(w, extra, extra_len);
        w_flush(w);
        put_u64(head + 40, w->written - HEADER);
        if (w->failed || pwrite(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
            ok = 0, what = "write";
        free(w);
    }
    if (ok && sync && fsync(fd))
        ok = 0, what = "fsync";
    if (fd >= 0 && close(fd) && ok)
        ok = 0, what = "close";
    if (ok && rename(tmp, path))
        ok = 0, what = "rename";
    if (!ok) {
        snprintf(err, errlen, "snapshot file %s: %s: %s", tmp, what, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (sync) { /* the rename itself must reach the disk before the database names the file */
        char dir[SNAPFILE_NAME_MAX];
        dir_of(path, dir, sizeof dir);
        int dfd = open(dir, O_RDONLY);
        if (dfd < 0 || fsync(dfd)) {
            /* The file stays: it is complete, and it may be the very file the
             * database names (a snapshot asked for again at the same record
             * replaces it). Not named, it is removed at the next start. */
            snprintf(err, errlen, "snapshot file %s: fsync of its directory: %s", path, strerror(errno));
            if (dfd >= 0)
                close(dfd);
            return -1;
        }
        close(dfd);
    }
    return 0;
}

int snapfile_read(const char *path, int64_t seq, void **data, size_t *len, void **extra,
                  size_t *extra_len, char *err, size_t errlen)
{
    *data = *extra = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "snapshot file %s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char head[HEADER];
    struct stat sb;
    const char *why = NULL;
    char why_seq[160];
    uint64_t dl = 0, el = 0, bl = 0;
    unsigned char *body = NULL;
    if (fstat(fd, &sb) || snapfile_io(fd, head, sizeof head, 0) || memcmp(head, MAGIC, 8)) {
        why = "not a snapshot file (or cut short)";
    } else {
        dl = get_u64(head + 16);
        el = get_u64(head + 24);
        bl = get_u64(head + 40);
        if ((int64_t)get_u64(head + 8) != seq) {
            snprintf(why_seq, sizeof why_seq, "the database names it as covering records up to %lld, "
                     "it covers records up to %llu: the database is inconsistent", (long long)seq,
                     (unsigned long long)get_u64(head + 8));
            why = why_seq;
        }
        else if (bl > (uint64_t)sb.st_size || (uint64_t)sb.st_size != HEADER + bl)
            why = "its length does not match its header (cut short?)";
        else if (dl > SIZE_MAX / 2 || el > SIZE_MAX / 2)
            why = "its header is damaged";
    }
    if (!why) {
        size_t off = 0;
        *data = malloc(dl ? (size_t)dl : 1);
        *extra = malloc(el ? (size_t)el : 1);
        body = malloc(bl ? (size_t)bl : 1);
        if (!*data || !*extra || !body)
            why = "out of memory";
        else if (snapfile_io(fd, body, (size_t)bl, 0))
            why = "read failed";
        else if (decode(body, (size_t)bl, &off, *data, (size_t)dl) ||
                 decode(body, (size_t)bl, &off, *extra, (size_t)el) || off != bl)
            why = "damaged (its encoding does not match its lengths)";
        else if (hash_of(*data, (size_t)dl, *extra, (size_t)el) != get_u64(head + 32))
            why = "damaged (its hash does not match)";
    }
    free(body);
    close(fd);
    if (why) {
        snprintf(err, errlen, "snapshot file %s: %s", path, why);
        free(*data);
        free(*extra);
        *data = *extra = NULL;
        return -1;
    }
    *len = (size_t)dl;
    *extra_len = (size_t)el;
    return 0;
}

void snapfile_remove_others(const char *db_path, const char *keep)
{
    char dir[SNAPFILE_NAME_MAX], prefix[SNAPFILE_NAME_MAX];
    dir_of(db_path, dir, sizeof dir);
    const char *base = strrchr(db_path, '/');
    snprintf(prefix, sizeof prefix, "%s.snap-", base ? base + 1 : db_path);
    const char *keep_base = keep ? strrchr(keep, '/') : NULL;
    keep_base = keep_base ? keep_base + 1 : keep;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, prefix, strlen(prefix)) != 0)
            continue;
        if (keep_base && strcmp(ent->d_name, keep_base) == 0)
            continue;
        char path[2 * SNAPFILE_NAME_MAX + 2];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        unlink(path);
    }
    closedir(d);
}
