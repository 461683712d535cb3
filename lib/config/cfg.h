/* SPDX-License-Identifier: MIT */
/* Internal: the configuration loader's YAML tree, error context and typed
 * scalar readers. The tree is built from libyaml's event API (aliases
 * rejected, depth bounded) with malloc: libyaml has no allocator hook. */
#ifndef OQ_CONFIG_CFG_H
#define OQ_CONFIG_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "omniq/config.h"
#include "omniq/contact.h"
#include "omniq/escalation.h"
#include "omniq/model.h"
#include "omniq/profile.h"

enum { CFG_SCALAR = 1, CFG_MAP, CFG_SEQ };

typedef struct cfg_node {
    int kind;
    int plain;               /* scalar written without quotes */
    int32_t line, col;       /* 1-based */
    char *s;                 /* scalar text, NUL-terminated */
    size_t len;
    struct cfg_node **kids;  /* MAP: key, value, key, value ...; SEQ: items */
    int32_t n, cap;
} cfg_node;

typedef struct cfg_ctx {
    const char *name;        /* file or buffer name for messages */
    oq_config_error *err;    /* may be NULL */
    oq_status status;        /* first failure */
    char path[384];          /* "queues.sales.escalation[1]" */
    size_t path_len;
    oq_engine *e;
    int64_t now_ms;
} cfg_ctx;

/* Parse a buffer into a tree (*root NULL for an empty stream). 1 ok, 0 error (ctx). */
int oq__cfg_parse(cfg_ctx *c, const char *buf, size_t len, cfg_node **root);
void oq__cfg_free(cfg_node *n);
/* Read a whole file; 0 on error (ctx). *buf is malloc'd. */
int oq__cfg_read_file(cfg_ctx *c, const char *path, char **buf, size_t *len);

/* Record an error at node (NULL: no position); always returns 0. */
int oq__cfg_fail(cfg_ctx *c, const cfg_node *node, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Record a failed engine call at node: the engine's last error. Returns 0. */
int oq__cfg_fail_engine(cfg_ctx *c, const cfg_node *node, oq_status st);
void oq__cfg_init_error(oq_config_error *err, const char *name);

/* Path handling: returns the previous length to pass to oq__cfg_pop. */
size_t oq__cfg_push_key(cfg_ctx *c, const char *key);
size_t oq__cfg_push_index(cfg_ctx *c, int32_t i);
void oq__cfg_pop(cfg_ctx *c, size_t old);

/* The node must be a mapping (a null scalar counts as an empty mapping when
 * null_ok) with unique scalar keys, each one of `allowed` (NULL: any id). */
int oq__cfg_check_map(cfg_ctx *c, const cfg_node *n, const char *const *allowed, int null_ok);
/* The value of `key` in a checked mapping, or NULL. key_out (may be NULL) receives the key node. */
const cfg_node *oq__cfg_get(const cfg_node *map, const char *key);
int oq__cfg_is_null(const cfg_node *n);
int oq__cfg_is_map(const cfg_node *n);
int oq__cfg_is_seq(const cfg_node *n);

/* Typed readers: on error they record "<path>: expected ..., got ..." and return 0. */
int oq__cfg_int(cfg_ctx *c, const cfg_node *n, int64_t lo, int64_t hi, int32_t *out);
int oq__cfg_u64(cfg_ctx *c, const cfg_node *n, uint64_t *out);
int oq__cfg_seconds(cfg_ctx *c, const cfg_node *n, double *out);         /* >= 0 */
int oq__cfg_seconds_signed(cfg_ctx *c, const cfg_node *n, double *out);  /* any finite, |x| <= 9e12 */
int oq__cfg_time_ms(cfg_ctx *c, const cfg_node *n, int64_t *out);       /* exact, int64 ms */
int oq__cfg_fraction(cfg_ctx *c, const cfg_node *n, double *out);        /* [0, 1] */
int oq__cfg_number(cfg_ctx *c, const cfg_node *n, double lo, double hi, double *out);
int oq__cfg_bool(cfg_ctx *c, const cfg_node *n, int32_t *out);
int oq__cfg_id(cfg_ctx *c, const cfg_node *n, const char **out);
int oq__cfg_string(cfg_ctx *c, const cfg_node *n, const char **out);
/* One of names[0..count-1]; *out receives values[i]. */
int oq__cfg_enum(cfg_ctx *c, const cfg_node *n, const char *const *names, const int32_t *values,
             int count, int32_t *out);
/* Seconds -> milliseconds, rounded. */
int64_t oq__cfg_ms(double s);

/* Wildcard match of a whole id against p ('*', '?', '[a-z0-9]'): 1 or 0.
 * At most (strlen(p) + 1) * (strlen(s) + 1) steps; *steps (may be NULL)
 * receives the number taken. */
int oq__cfg_glob(const char *p, const char *s, int64_t *steps);

/* Build the configuration part of a document into a new engine (c->e).
 * extra: CFG_EXTRA_TIMELINE / CFG_EXTRA_SCENARIO accept (and skip) the
 * top-level `timeline` / `simulation` key. */
enum { CFG_EXTRA_NONE = 0, CFG_EXTRA_TIMELINE, CFG_EXTRA_SCENARIO };
int oq__cfg_build(cfg_ctx *c, const oq_engine_options *opts, const cfg_node *root, int extra);
/* Define the configuration of a checked root in the existing, empty engine
 * c->e at c->now_ms (no engine section, no top-level key check). */
int oq__cfg_populate(cfg_ctx *c, const cfg_node *root);

/* Common driver: read/parse, build, and hand the tree to `extra` (scripts). */
typedef int (*cfg_extra_fn)(cfg_ctx *c, const cfg_node *root, void *user);
oq_status oq__cfg_load(const oq_engine_options *opts, const char *path, const char *yaml, size_t len,
                   const char *name, oq_engine **out, oq_config_error *err, cfg_extra_fn extra,
                   void *user);

#endif
