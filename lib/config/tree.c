/* SPDX-License-Identifier: MIT */
/* YAML -> tree (libyaml event API), errors with file:line:column, and strict
 * typed scalar readers. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/cfg.h"
#include "core/abi.h"
#include "core/error.h"

/* ---- errors ---------------------------------------------------------------- */

/* Bounded append (the message is truncated, never overrun). */
static void app(char *dst, size_t cap, size_t *off, const char *src)
{
    while (*src && *off + 1 < cap)
        dst[(*off)++] = *src++;
    dst[*off] = '\0';
}

void oq__cfg_ctx_init(cfg_ctx *c, const char *name, oq_error *err, const oq_load_options *lo)
{
    memset(c, 0, sizeof *c);
    c->name = name ? name : "<buffer>";
    c->err = err;
    c->max_errors = lo ? lo->max_errors : OQ_LOAD_MAX_ERRORS_DEFAULT;
    c->max_bytes = lo ? lo->max_bytes : OQ_LOAD_MAX_BYTES_DEFAULT;
    c->max_nodes = lo ? lo->max_nodes : OQ_LOAD_MAX_NODES_DEFAULT;
    if (lo) {
        c->on_error = lo->on_error;
        c->error_user = lo->error_user;
    }
}

void oq_load_options_init(oq_load_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->max_errors = OQ_LOAD_MAX_ERRORS_DEFAULT;
    o->max_bytes = OQ_LOAD_MAX_BYTES_DEFAULT;
    o->max_nodes = OQ_LOAD_MAX_NODES_DEFAULT;
}

int oq__cfg_options_ok(const oq_load_options **options, oq_load_options *full, const char *name,
                       oq_error *err)
{
    const char *bad = NULL;
    char why[OQ__ABI_MSG];
    if (!*options)
        return 1;
    if (OQ__OPTIONS_COPY(full, *options, oq_load_options, max_errors, why) != OQ_OK) {
        oq__error(err, OQ_EINVAL, name, 0, 0, "%s", why);
        return 0;
    }
    const oq_load_options *lo = *options = full;
    if (lo->max_errors < 1 || lo->max_errors > OQ_LOAD_MAX_ERRORS_MAX)
        bad = "max_errors: expected 1 to 1000";
    else if (lo->max_bytes < 1)
        bad = "max_bytes: expected at least 1";
    else if (lo->max_nodes < 1)
        bad = "max_nodes: expected at least 1";
    else if (lo->check_references != 0 && lo->check_references != 1)
        bad = "check_references: expected 0 or 1";
    else if (lo->engine && OQ__SIZE_CHECK(lo->engine, oq_engine_options, alloc, why) != OQ_OK)
        bad = why;
    if (!bad)
        return 1;
    oq__error(err, OQ_EINVAL, name, 0, 0, "%s%s", bad == why ? "oq_load_options.engine: " : "oq_load_options.", bad);
    return 0;
}

static int vfail(cfg_ctx *c, int32_t line, int32_t col, const char *fmt, va_list ap)
{
    if (c->stop)
        return 0;
    if (c->status == OQ_OK)
        c->status = OQ_ECONFIG;
    oq_error e = OQ_ERROR_INIT;
    e.status = c->status;
    e.line = line;
    e.column = col;
    snprintf(e.path, sizeof e.path, "%s", c->name);
    char text[448], pos[48];
    vsnprintf(text, sizeof text, fmt, ap);
    char *m = e.message;
    size_t cap = sizeof e.message, off = 0;
    m[0] = '\0';
    app(m, cap, &off, c->name);
    if (line > 0) {
        snprintf(pos, sizeof pos, ":%d:%d", (int)line, (int)col);
        app(m, cap, &off, pos);
    }
    app(m, cap, &off, ": ");
    if (c->path_len) {
        app(m, cap, &off, c->path);
        app(m, cap, &off, ": ");
    }
    app(m, cap, &off, text);
    if (c->n_errors == 0)
        oq__error_copy(c->err, &e);
    if (c->on_error)
        c->on_error(&e, c->error_user);
    if (++c->n_errors >= c->max_errors)
        c->stop = 1;
    return 0;
}

int oq__cfg_fail_quiet(cfg_ctx *c)
{
    if (c->status == OQ_OK)
        c->status = OQ_ECONFIG;
    return 0;
}

int oq__cfg_fail(cfg_ctx *c, const cfg_node *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, node ? node->line : 0, node ? node->col : 0, fmt, ap);
    va_end(ap);
    return 0;
}

int oq__cfg_fail_engine(cfg_ctx *c, const cfg_node *node, oq_status st)
{
    int r = oq__cfg_fail(c, node, "%s", c->e ? oq_engine_last_error(c->e) : oq_status_str(st));
    if (st == OQ_ENOMEM) {
        c->status = OQ_ENOMEM;
        c->stop = 1;
    }
    return r;
}

/* ---- path ------------------------------------------------------------------- */

size_t oq__cfg_push_key(cfg_ctx *c, const char *key)
{
    size_t old = c->path_len;
    int w = snprintf(c->path + old, sizeof c->path - old, "%s%s", old ? "." : "", key);
    if (w > 0)
        c->path_len = old + (size_t)w < sizeof c->path ? old + (size_t)w : sizeof c->path - 1;
    return old;
}

size_t oq__cfg_push_index(cfg_ctx *c, int32_t i)
{
    size_t old = c->path_len;
    int w = snprintf(c->path + old, sizeof c->path - old, "[%d]", (int)i);
    if (w > 0)
        c->path_len = old + (size_t)w < sizeof c->path ? old + (size_t)w : sizeof c->path - 1;
    return old;
}

void oq__cfg_pop(cfg_ctx *c, size_t old)
{
    c->path_len = old;
    c->path[old] = '\0';
}

/* ---- tree ------------------------------------------------------------------- */

void oq__cfg_free(cfg_node *n)
{
    if (!n)
        return;
    for (int32_t i = 0; i < n->n; i++)
        oq__cfg_free(n->kids[i]);
    free(n->kids);
    free(n->s);
    free(n);
}

static int add_kid(cfg_node *p, cfg_node *k)
{
    if (p->n == p->cap) {
        int32_t cap = p->cap ? p->cap * 2 : 8;
        cfg_node **k2 = realloc(p->kids, (size_t)cap * sizeof *k2);
        if (!k2)
            return 0;
        p->kids = k2;
        p->cap = cap;
    }
    p->kids[p->n++] = k;
    return 1;
}

static cfg_node *new_node(int kind, const yaml_mark_t *m)
{
    cfg_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = (int32_t)m->line + 1;
    n->col = (int32_t)m->column + 1;
    return n;
}

int oq__cfg_nomem(cfg_ctx *c)
{
    if (c->status == OQ_OK)
        c->status = OQ_ENOMEM; /* first, so the error reported carries it */
    oq__cfg_fail(c, NULL, "out of memory");
    c->status = OQ_ENOMEM;
    c->stop = 1;
    return 0;
}

#define nomem oq__cfg_nomem

/* "unknown key 'x' (did you mean 'y'? expected one of: ...)" at the key. */
static int unknown_key(cfg_ctx *c, const cfg_node *k, const char *const *allowed)
{
    char list[300];
    size_t used = 0;
    list[0] = '\0';
    for (int j = 0; allowed[j] && used < sizeof list; j++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", allowed[j]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    const char *near = oq__cfg_suggest_list(k->s, allowed);
    if (near)
        return oq__cfg_fail(c, k, "unknown key '%.80s' (did you mean '%s'? expected one of: %s)",
                            k->s, near, list);
    return oq__cfg_fail(c, k, "unknown key '%.80s' (expected one of: %s)", k->s, list);
}

static int is_allowed(const char *const *allowed, const char *key)
{
    for (int j = 0; allowed[j]; j++)
        if (strcmp(allowed[j], key) == 0)
            return 1;
    return 0;
}

int oq__cfg_parse(cfg_ctx *c, const char *buf, size_t len, cfg_node **root)
{
    int64_t nodes = 0;
    if (c->max_bytes > 0 && len > (uint64_t)c->max_bytes) {
        oq__cfg_fail(c, NULL, "the document is %zu bytes, more than the load's limit of %lld "
                              "(oq_load_options.max_bytes)", len, (long long)c->max_bytes);
        c->stop = 1;
        return 0;
    }
    yaml_parser_t p;
    *root = NULL;
    if (!yaml_parser_initialize(&p)) /* libyaml: 1 = success */
        return nomem(c);
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    cfg_node *stack[OQ_CONFIG_DEPTH_MAX + 1];
    int depth = 0, docs = 0, ok = 1, done = 0;
    cfg_node *top = NULL;
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            const char *problem = p.problem ? p.problem : "syntax error";
            if (p.error == YAML_MEMORY_ERROR) {
                nomem(c);
            } else if (p.error == YAML_READER_ERROR) {
                cfg_node at = {0};
                at.line = 1;
                at.col = 1;
                for (size_t i = 0; i < p.problem_offset && i < len; i++) {
                    if (buf[i] == '\n') {
                        at.line++;
                        at.col = 1;
                    } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
                        at.col++;
                    }
                }
                oq__cfg_fail(c, &at, "invalid input (byte %zu): %s", p.problem_offset, problem);
            } else {
                cfg_node at = {0};
                at.line = (int32_t)p.problem_mark.line + 1;
                at.col = (int32_t)p.problem_mark.column + 1;
                if (p.context)
                    oq__cfg_fail(c, &at, "invalid YAML: %s %s that started at line %d", problem,
                             p.context, (int)p.context_mark.line + 1);
                else
                    oq__cfg_fail(c, &at, "invalid YAML: %s", problem);
            }
            ok = 0;
            break;
        }
        cfg_node *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                cfg_node at = {0};
                at.line = (int32_t)ev.start_mark.line + 1;
                at.col = (int32_t)ev.start_mark.column + 1;
                ok = oq__cfg_fail(c, &at, "expected a single YAML document, found a second one");
            }
            break;
        case YAML_ALIAS_EVENT: {
            cfg_node at = {0};
            at.line = (int32_t)ev.start_mark.line + 1;
            at.col = (int32_t)ev.start_mark.column + 1;
            ok = oq__cfg_fail(c, &at, "YAML aliases (*%s) are not supported",
                          ev.data.alias.anchor ? (const char *)ev.data.alias.anchor : "");
            break;
        }
        case YAML_SCALAR_EVENT:
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (c->max_nodes > 0 && ++nodes > c->max_nodes) {
                cfg_node at = {0};
                at.line = (int32_t)ev.start_mark.line + 1;
                at.col = (int32_t)ev.start_mark.column + 1;
                ok = oq__cfg_fail(c, &at, "the document has more than %lld YAML nodes, the load's "
                                          "limit (oq_load_options.max_nodes)", (long long)c->max_nodes);
                c->stop = 1;
                break;
            }
            if (ev.type != YAML_SCALAR_EVENT)
                goto open_node;
            n = new_node(CFG_SCALAR, &ev.start_mark);
            if (n) {
                n->s = malloc(ev.data.scalar.length + 1);
                if (n->s) {
                    memcpy(n->s, ev.data.scalar.value, ev.data.scalar.length);
                    n->s[ev.data.scalar.length] = '\0';
                }
                n->len = ev.data.scalar.length;
                n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
                if (!n->s) {
                    oq__cfg_free(n);
                    n = NULL;
                }
            }
            if (!n)
                ok = nomem(c);
            /* A key of the root mapping: validated now, so a document under an
             * unknown top-level key is never built. */
            if (n && depth == 1 && top && top->kind == CFG_MAP && top->n % 2 == 0 && c->top_keys &&
                !is_allowed(c->top_keys, n->s)) {
                unknown_key(c, n, c->top_keys);
                c->stop = 1;
                oq__cfg_free(n);
                n = NULL;
                ok = 0;
            }
            break;
        open_node:
            if (depth >= OQ_CONFIG_DEPTH_MAX) {
                cfg_node at = {0};
                at.line = (int32_t)ev.start_mark.line + 1;
                at.col = (int32_t)ev.start_mark.column + 1;
                ok = oq__cfg_fail(c, &at, "nesting deeper than %d levels", OQ_CONFIG_DEPTH_MAX);
                break;
            }
            n = new_node(ev.type == YAML_MAPPING_START_EVENT ? CFG_MAP : CFG_SEQ, &ev.start_mark);
            if (!n) {
                ok = nomem(c);
                break;
            }
            if (depth == 0)
                top = n;
            else if (!add_kid(stack[depth - 1], n)) {
                oq__cfg_free(n);
                ok = nomem(c);
                break;
            }
            stack[depth++] = n;
            n = NULL; /* already linked */
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (ok && n) { /* a scalar */
            if (depth == 0) {
                oq__cfg_free(top);
                top = n;
            } else if (!add_kid(stack[depth - 1], n)) {
                oq__cfg_free(n);
                ok = nomem(c);
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (!ok) {
        oq__cfg_free(top);
        return 0;
    }
    *root = top;
    return 1;
}

int oq__cfg_read_file(cfg_ctx *c, const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return oq__cfg_fail(c, NULL, "cannot open: %s", strerror(errno));
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return nomem(c);
    }
    uint64_t limit = c->max_bytes > 0 ? (uint64_t)c->max_bytes : ((uint64_t)1 << 30);
    for (;;) {
        if (n > limit) {
            free(b);
            fclose(f);
            oq__cfg_fail(c, NULL, "the file is larger than the load's limit of %llu bytes "
                                  "(oq_load_options.max_bytes)", (unsigned long long)limit);
            c->stop = 1;
            return 0;
        }
        if (n == cap) {
            char *b2 = realloc(b, cap * 2);
            if (!b2) {
                free(b);
                fclose(f);
                return nomem(c);
            }
            b = b2;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return oq__cfg_fail(c, NULL, "read error");
    }
    *buf = b;
    *len = n;
    return 1;
}

/* ---- mapping helpers ---------------------------------------------------------------- */

int oq__cfg_is_null(const cfg_node *n)
{
    return !n || (n->kind == CFG_SCALAR && n->plain &&
                  (n->len == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0));
}
int oq__cfg_is_map(const cfg_node *n) { return n && n->kind == CFG_MAP; }
int oq__cfg_is_seq(const cfg_node *n) { return n && n->kind == CFG_SEQ; }

/* How a node looks, for "got ..." */
static void describe(const cfg_node *n, char *out, size_t size)
{
    if (!n || oq__cfg_is_null(n))
        snprintf(out, size, "nothing");
    else if (n->kind == CFG_MAP)
        snprintf(out, size, "a mapping");
    else if (n->kind == CFG_SEQ)
        snprintf(out, size, "a list");
    else if (n->plain)
        snprintf(out, size, "'%.60s%s'", n->s, n->len > 60 ? "..." : "");
    else
        snprintf(out, size, "the quoted string \"%.60s%s\"", n->s, n->len > 60 ? "..." : "");
}

static int expected(cfg_ctx *c, const cfg_node *n, const char *what)
{
    char got[96];
    describe(n, got, sizeof got);
    return oq__cfg_fail(c, n, "expected %s, got %s", what, got);
}

typedef struct key_ref {
    const cfg_node *key;
    int32_t pos;
} key_ref;

static int cmp_key(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int r = strcmp(x->key->s, y->key->s);
    return r ? r : (x->pos > y->pos) - (x->pos < y->pos);
}

int oq__cfg_check_map(cfg_ctx *c, const cfg_node *n, const char *const *allowed, int null_ok)
{
    if (null_ok && oq__cfg_is_null(n))
        return 1;
    if (!n || n->kind != CFG_MAP)
        return expected(c, n, "a mapping");
    int32_t pairs = n->n / 2;
    int ok = 1;
    for (int32_t i = 0; i < pairs && !c->stop; i++) {
        const cfg_node *k = n->kids[2 * i];
        if (k->kind != CFG_SCALAR || k->len == 0)
            return expected(c, k, "a key (a name)");
        if (allowed && !is_allowed(allowed, k->s))
            ok = unknown_key(c, k, allowed); /* and go on: report every unknown key */
    }
    if (!ok || c->stop) /* stopped before every key was checked: some may not be scalars */
        return 0;
    if (pairs < 2)
        return 1;
    key_ref *refs = malloc((size_t)pairs * sizeof *refs);
    if (!refs)
        return nomem(c);
    for (int32_t i = 0; i < pairs; i++) {
        refs[i].key = n->kids[2 * i];
        refs[i].pos = i;
    }
    qsort(refs, (size_t)pairs, sizeof *refs, cmp_key);
    const cfg_node *dup = NULL, *first = NULL;
    int32_t dup_pos = 0;
    for (int32_t i = 1; i < pairs; i++)
        if (strcmp(refs[i].key->s, refs[i - 1].key->s) == 0 &&
            (i == 1 || strcmp(refs[i - 1].key->s, refs[i - 2].key->s) != 0) &&
            (!dup || refs[i].pos < dup_pos)) {
            dup = refs[i].key; /* the second occurrence of the key */
            dup_pos = refs[i].pos;
            first = refs[i - 1].key;
        }
    free(refs);
    if (dup)
        return oq__cfg_fail(c, dup, "duplicate key '%.80s' (first defined at line %d)", dup->s,
                        (int)first->line);
    return 1;
}

const cfg_node *oq__cfg_get(const cfg_node *map, const char *key)
{
    if (!map || map->kind != CFG_MAP)
        return NULL;
    for (int32_t i = 0; i + 1 < map->n; i += 2)
        if (map->kids[i]->s && strcmp(map->kids[i]->s, key) == 0)
            return map->kids[i + 1];
    return NULL;
}

/* ---- scalars ---------------------------------------------------------------- */

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* [+-]? digits ( . digits* )? ( [eE] [+-]? digits )?  or  [+-]? . digits ... */
static int number_syntax(const char *s, int allow_frac)
{
    const char *p = s;
    int digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    while (is_digit(*p)) {
        p++;
        digits++;
    }
    if (allow_frac && *p == '.') {
        p++;
        while (is_digit(*p)) {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (allow_frac && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return 0;
        while (is_digit(*p))
            p++;
    }
    return *p == '\0';
}

static int scalar_ok(const cfg_node *n) { return n && n->kind == CFG_SCALAR && n->plain && n->len > 0; }

int oq__cfg_int(cfg_ctx *c, const cfg_node *n, int64_t lo, int64_t hi, int32_t *out)
{
    char what[96];
    snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)lo, (long long)hi);
    if (!scalar_ok(n) || !number_syntax(n->s, 0))
        return expected(c, n, what);
    errno = 0;
    long long v = strtoll(n->s, NULL, 10);
    if (errno == ERANGE || v < lo || v > hi)
        return expected(c, n, what);
    *out = (int32_t)v;
    return 1;
}

int oq__cfg_u64(cfg_ctx *c, const cfg_node *n, uint64_t *out)
{
    const char *what = "an integer from 0 to 18446744073709551615";
    if (!scalar_ok(n) || !number_syntax(n->s, 0) || n->s[0] == '-')
        return expected(c, n, what);
    errno = 0;
    unsigned long long v = strtoull(n->s, NULL, 10);
    if (errno == ERANGE)
        return expected(c, n, what);
    *out = (uint64_t)v;
    return 1;
}

int oq__cfg_number(cfg_ctx *c, const cfg_node *n, double lo, double hi, double *out)
{
    char what[96];
    snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
    if (!scalar_ok(n) || !number_syntax(n->s, 1))
        return expected(c, n, what);
    errno = 0;
    double v = strtod(n->s, NULL);
    if (!isfinite(v) /* ERANGE on underflow is fine: a subnormal or 0 */ || v < lo || v > hi)
        return expected(c, n, what);
    *out = v;
    return 1;
}

/* The API's bound for durations (they must fit in int64 milliseconds). */
#define SECONDS_MAX 9.0e12

int oq__cfg_seconds(cfg_ctx *c, const cfg_node *n, double *out)
{
    const char *what = "a number of seconds from 0 to 9e12";
    if (!scalar_ok(n) || !number_syntax(n->s, 1))
        return expected(c, n, "a number of seconds");
    errno = 0;
    double v = strtod(n->s, NULL);
    if (!isfinite(v) /* ERANGE on underflow is fine: a subnormal or 0 */ || v < 0 || v > SECONDS_MAX)
        return expected(c, n, what);
    *out = v;
    return 1;
}

/* Seconds that may be negative (a scenario time before the day's start). */
int oq__cfg_seconds_signed(cfg_ctx *c, const cfg_node *n, double *out)
{
    const char *what = "a number of seconds from -9e12 to 9e12";
    if (!scalar_ok(n) || !number_syntax(n->s, 1))
        return expected(c, n, "a number of seconds");
    double v = strtod(n->s, NULL);
    if (!isfinite(v) || v < -SECONDS_MAX || v > SECONDS_MAX)
        return expected(c, n, what);
    *out = v;
    return 1;
}

/* A point in time (engine.start, a timeline's `at`): seconds, stored exactly
 * to the millisecond over the whole int64 range of the engine's clock, so a
 * dumped clock (even at host epoch milliseconds or beyond) loads back as the
 * same value. Plain decimals are converted digit by digit (a 4th decimal
 * rounds half away from zero, like llround); exponent forms go through
 * strtod and must stay within +-9.2e15 seconds. */
int oq__cfg_time_ms(cfg_ctx *c, const cfg_node *n, int64_t *out)
{
    const char *what = "a time in seconds whose milliseconds fit in 64 bits";
    if (!scalar_ok(n) || !number_syntax(n->s, 1))
        return expected(c, n, "a number of seconds");
    const char *p = n->s;
    if (!strpbrk(p, "eE")) {
        int neg = *p == '-';
        if (*p == '+' || *p == '-')
            p++;
        const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
        uint64_t ms = 0;
        int frac = -1; /* digits seen after the point, -1 before it */
        int round_up = 0;
        for (; *p; p++) {
            if (*p == '.') {
                frac = 0;
                continue;
            }
            unsigned d = (unsigned)(*p - '0');
            if (frac >= 3) {
                if (frac == 3)
                    round_up = d >= 5;
                frac++;
                continue;
            }
            if (ms > (UINT64_MAX - d) / 10)
                return expected(c, n, what);
            ms = ms * 10 + d;
            if (frac >= 0)
                frac++;
        }
        for (int k = frac < 0 ? 0 : frac; k < 3; k++) {
            if (ms > UINT64_MAX / 10)
                return expected(c, n, what);
            ms *= 10;
        }
        if (ms > limit || (round_up && ms == limit))
            return expected(c, n, what);
        ms += (uint64_t)round_up;
        *out = neg ? (int64_t)(0u - ms) : (int64_t)ms;
        return 1;
    }
    errno = 0;
    double v = strtod(n->s, NULL);
    if (!isfinite(v) /* ERANGE on underflow is fine: a subnormal or 0 */ || v < -9.2e15 || v > 9.2e15)
        return expected(c, n, what);
    *out = oq__cfg_ms(v);
    return 1;
}

int oq__cfg_fraction(cfg_ctx *c, const cfg_node *n, double *out)
{
    const char *what = "a fraction from 0 to 1";
    if (!scalar_ok(n) || !number_syntax(n->s, 1))
        return expected(c, n, what);
    double v = strtod(n->s, NULL);
    if (!isfinite(v) || v < 0 || v > 1)
        return expected(c, n, what);
    *out = v;
    return 1;
}

int oq__cfg_bool(cfg_ctx *c, const cfg_node *n, int32_t *out)
{
    if (scalar_ok(n) && strcmp(n->s, "true") == 0) {
        *out = 1;
        return 1;
    }
    if (scalar_ok(n) && strcmp(n->s, "false") == 0) {
        *out = 0;
        return 1;
    }
    return expected(c, n, "true or false");
}

int oq__cfg_string(cfg_ctx *c, const cfg_node *n, const char **out)
{
    if (!n || n->kind != CFG_SCALAR || oq__cfg_is_null(n))
        return expected(c, n, "a string");
    if (strlen(n->s) != n->len)
        return oq__cfg_fail(c, n, "strings may not contain NUL characters");
    *out = n->s;
    return 1;
}

int oq__cfg_id(cfg_ctx *c, const cfg_node *n, const char **out)
{
    if (!n || n->kind != CFG_SCALAR || oq__cfg_is_null(n))
        return expected(c, n, "a name");
    if (n->len > OQ_ID_MAX || strlen(n->s) != n->len)
        return oq__cfg_fail(c, n, "a name is 1 to %d bytes without NUL characters", OQ_ID_MAX);
    *out = n->s;
    return 1;
}

int oq__cfg_enum(cfg_ctx *c, const cfg_node *n, const char *const *names, const int32_t *values,
             int count, int32_t *out)
{
    if (n && n->kind == CFG_SCALAR)
        for (int i = 0; i < count; i++)
            if (strcmp(n->s, names[i]) == 0) {
                *out = values[i];
                return 1;
            }
    char what[256];
    size_t used = (size_t)snprintf(what, sizeof what, "one of ");
    for (int i = 0; i < count && used < sizeof what; i++) {
        int w = snprintf(what + used, sizeof what - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    const char *list[33] = {NULL};
    for (int i = 0; i < count && i < 32; i++)
        list[i] = names[i];
    const char *near = n && n->kind == CFG_SCALAR ? oq__cfg_suggest_list(n->s, list) : NULL;
    if (near) {
        char got[96];
        describe(n, got, sizeof got);
        return oq__cfg_fail(c, n, "expected %s, got %s (did you mean '%s'?)", what, got, near);
    }
    return expected(c, n, what);
}

int oq__cfg_enum_named(cfg_ctx *c, const cfg_node *n, const char *(*name)(int32_t), int32_t first,
                       int32_t *out)
{
    const char *names[32];
    int32_t values[32];
    int count = 0;
    for (int32_t v = first; count < 32 && strcmp(name(v), "unknown") != 0; v++) {
        names[count] = name(v);
        values[count++] = v;
    }
    return oq__cfg_enum(c, n, names, values, count, out);
}

int64_t oq__cfg_ms(double s) { return (int64_t)llround(s * 1000.0); }
