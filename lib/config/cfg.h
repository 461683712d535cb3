/* SPDX-License-Identifier: MIT */
/* Internal: the configuration loader's YAML tree, error context and typed
 * scalar readers. The tree is built from libyaml's event API (aliases
 * rejected, depth bounded) with malloc: libyaml has no allocator hook. */
#ifndef OQ_CONFIG_CFG_H
#define OQ_CONFIG_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "core/abi.h"
#include "core/error.h"
#include "omniq/calendar.h"
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
    oq_error *err;           /* the first error (may be NULL) */
    oq_status status;        /* first failure */
    int32_t n_errors;        /* reported so far */
    int32_t max_errors;      /* stop after this many */
    int stop;                /* stop loading: max_errors reached, memory, a limit */
    oq_load_error_fn on_error;
    void *error_user;
    int64_t max_bytes, max_nodes;
    const char *const *top_keys; /* the root mapping's keys, checked while parsing (NULL: any) */
    const struct cfg_node *doc;  /* the document: "defined in the file?" look-ups */
    char path[384];          /* "queues.sales.escalation[1]" */
    size_t path_len;
    oq_engine *e;
    int64_t now_ms;
} cfg_ctx;

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Iterate the pairs of a checked mapping (NULL / null: none). `break` in the
 * body leaves the whole iteration (i##_go stays 0 when the inner loop is left
 * by a break), `continue` goes on with the next pair. */
#define FOR_PAIRS(map, i, k, v)                                                            \
    for (int32_t i = 0, i##_go = 1;                                                        \
         i##_go && (map) && (map)->kind == CFG_MAP && i + 1 < (map)->n; i += 2)            \
        for (const cfg_node *k = (map)->kids[i], *v = (map)->kids[i + 1]; k && !(i##_go = 0); \
             i##_go = 1, k = NULL)

/* If mapping m has `key`: f = its value, then ok = expr with the key on the
 * error path. Uses the caller's c, ok and f: a run of optional fields stops
 * at the first error. */
#define CFG_AT_KEY(m, key, expr)                                                           \
    if (ok && (f = oq__cfg_get((m), (key)))) {                                             \
        size_t p_ = oq__cfg_push_key(c, (key));                                            \
        ok = (expr);                                                                       \
        oq__cfg_pop(c, p_);                                                                \
    }

/* Parse a buffer into a tree (*root NULL for an empty stream). 1 ok, 0 error
 * (ctx). Stops at the first key of the root mapping that is not one of
 * c->top_keys, at more than c->max_nodes nodes, at more than c->max_bytes. */
int oq__cfg_parse(cfg_ctx *c, const char *buf, size_t len, cfg_node **root);
void oq__cfg_free(cfg_node *n);
/* Read a whole file; 0 on error (ctx). *buf is malloc'd. */
int oq__cfg_read_file(cfg_ctx *c, const char *path, char **buf, size_t *len);

/* A context for loading `name` with options `lo` (NULL: defaults) into
 * err (may be NULL; untouched until an error). */
void oq__cfg_ctx_init(cfg_ctx *c, const char *name, oq_error *err, const oq_load_options *lo);

/* Record an error at node (NULL: no position); always returns 0. Every
 * error goes to on_error; the first also to *err; at max_errors the load
 * stops (c->stop). */
int oq__cfg_fail(cfg_ctx *c, const cfg_node *node, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Record a failed engine call at node: the engine's last error. Returns 0. */
int oq__cfg_fail_engine(cfg_ctx *c, const cfg_node *node, oq_status st);
/* A failure already reported elsewhere (a reference to an entry whose own
 * definition failed): fails without a message. Returns 0. */
int oq__cfg_fail_quiet(cfg_ctx *c);
/* Out of memory: records it and stops the load. Returns 0. */
int oq__cfg_nomem(cfg_ctx *c);

/* The candidate closest to `word` by edit distance (insertions, deletions,
 * substitutions, adjacent transpositions), if close enough to be a likely
 * typo (at most 1 edit for short words, up to a third of the length), else
 * NULL. `next` yields the candidates one by one (NULL: no more). */
typedef const char *(*oq__cfg_next_fn)(void *it);
const char *oq__cfg_suggest(const char *word, oq__cfg_next_fn next, void *it);
/* The same over a NULL-terminated list. */
const char *oq__cfg_suggest_list(const char *word, const char *const *list);
/* Is `id` of `kind` defined in the document c->doc, whether or not its
 * definition loaded (a failed one was reported: a reference to it is not)? */
int oq__cfg_defined_in_doc(const cfg_ctx *c, int32_t kind, const char *id);
/* The id of `kind` (OQ_KIND_*) defined in e closest to `id`, or NULL. */
const char *oq__cfg_suggest_id(const oq_engine *e, int32_t kind, const char *id);
/* " (did you mean 'x'?)" into buf when there is a suggestion, else "". */
const char *oq__cfg_did_you_mean(char *buf, size_t size, const char *suggestion);

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
/* One of the names name(first), name(first + 1), ... up to the first
 * "unknown" (the library's own name table, e.g. oq_strategy_name); *out
 * receives the value. */
int oq__cfg_enum_named(cfg_ctx *c, const cfg_node *n, const char *(*name)(int32_t), int32_t first,
                       int32_t *out);
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

/* The allowed top-level keys of a document kind (CFG_EXTRA_*). */
const char *const *oq__cfg_top_keys(int extra);
/* Are the load options valid (NULL is)? Else fills *err (OQ_EINVAL) and returns 0. */
int oq__cfg_options_ok(const oq_load_options **options, oq_load_options *full, const char *name,
                       oq_error *err);

/* Common driver: read/parse, build, and hand the tree to `extra` (scripts).
 * lo may be NULL (defaults). *err receives the first error, with its status. */
typedef int (*cfg_extra_fn)(cfg_ctx *c, const cfg_node *root, void *user);
oq_status oq__cfg_load(const oq_load_options *lo, const char *path, const char *yaml, size_t len,
                       const char *name, oq_engine **out, oq_error *err, cfg_extra_fn extra,
                       void *user);

/* ---- calendars (calendar_load.c) -------------------------------------------------
 * The `holidays:` and `calendars:` sections, shared by the calendar loader and (later) the
 * center configuration. */

/* Check a `holidays:` section (c->path at it): list names, dates, spans, no date twice. */
int oq__cfg_holidays_check(cfg_ctx *c, const cfg_node *holidays);
/* Build the calendar `key: node` of a `calendars:` section (c->path at the section), its
 * holiday lists taken from the checked `holidays` section (may be NULL). 1 and *out, or 0. */
int oq__cfg_calendar_build(cfg_ctx *c, const cfg_node *holidays, const cfg_node *key,
                           const cfg_node *node, const oq_calendar_options *opts,
                           oq_calendar **out);

#endif
