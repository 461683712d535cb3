/* SPDX-License-Identifier: MIT */
/* Strict flat-object JSON reader and string writer (see json.h). */
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    char *p;        /* next byte */
    char *end;      /* one past the last byte */
    char *base;     /* start, for offsets in messages */
    char *err;
    size_t errlen;
} parser;

static int fail(parser *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "bad JSON at byte %ld: %s", (long)(ps->p - ps->base), what);
    return -1;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
        ps->p++;
}

static int hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (ps->p >= ps->end)
            return fail(ps, "truncated \\u escape");
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(ps, "bad hex digit in \\u escape");
    }
    *out = v;
    return 0;
}

/* Decode a string starting at the opening quote; the decoded bytes are
 * written over the text (never longer than the encoding) and NUL-terminated. */
static int parse_string(parser *ps, const char **out)
{
    if (ps->p >= ps->end || *ps->p != '"')
        return fail(ps, "expected a string");
    ps->p++;
    char *w = ps->p;
    *out = w;
    for (;;) {
        if (ps->p >= ps->end)
            return fail(ps, "unterminated string");
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            *w = '\0';  /* the quote's byte (or an earlier one) is free */
            return 0;
        }
        if (c < 0x20)
            return fail(ps, "control character in string");
        if (c != '\\') {
            *w++ = (char)c;
            ps->p++;
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end)
            return fail(ps, "unterminated escape");
        char e = *ps->p++;
        switch (e) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned cp;
            if (hex4(ps, &cp))
                return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
                    return fail(ps, "unpaired surrogate in \\u escape");
                ps->p += 2;
                if (hex4(ps, &lo))
                    return -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(ps, "unpaired surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return fail(ps, "unpaired surrogate in \\u escape");
            }
            if (cp == 0)
                return fail(ps, "\\u0000 is not allowed");
            if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | (cp >> 6));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *w++ = (char)(0xE0 | (cp >> 12));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xF0 | (cp >> 18));
                *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            ps->p--;
            return fail(ps, "unknown escape");
        }
    }
}

static int parse_number(parser *ps, double *out)
{
    char *s = ps->p;
    char *q = s;
    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || *q < '0' || *q > '9')
        return fail(ps, "expected a value");
    if (*q == '0') {
        q++;
    } else {
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "digit expected after '.'");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "digit expected in exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q - s > 64)
        return fail(ps, "number too long");
    char tmp[72];
    memcpy(tmp, s, (size_t)(q - s));
    tmp[q - s] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v))
        return fail(ps, "number out of range");
    *out = v;
    ps->p = q;
    return 0;
}

static int literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "expected a value");
    ps->p += n;
    return 0;
}

static int parse_value(parser *ps, json_value *v)
{
    memset(v, 0, sizeof *v);
    if (ps->p >= ps->end)
        return fail(ps, "expected a value");
    switch (*ps->p) {
    case '"':
        v->type = JV_STRING;
        return parse_string(ps, &v->str);
    case 't':
        v->type = JV_BOOL;
        v->boolean = 1;
        return literal(ps, "true");
    case 'f':
        v->type = JV_BOOL;
        return literal(ps, "false");
    case 'n':
        v->type = JV_NULL;
        return literal(ps, "null");
    case '[':
        v->type = JV_ARRAY;
        ps->p++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return 0;
        }
        for (;;) {
            skip_ws(ps);
            if (v->n_items == JSON_ARRAY_MAX)
                return fail(ps, "too many array items");
            if (ps->p < ps->end && *ps->p != '"')
                return fail(ps, "arrays may only hold strings");
            if (parse_string(ps, &v->items[v->n_items]))
                return -1;
            v->n_items++;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == ']') {
                ps->p++;
                return 0;
            }
            return fail(ps, "expected ',' or ']'");
        }
    case '{':
        return fail(ps, "nested objects are not accepted");
    default:
        v->type = JV_NUMBER;
        return parse_number(ps, &v->num);
    }
}

int json_parse_object(char *text, size_t len, json_object *out, char *err, size_t errlen)
{
    parser ps = {text, text + len, text, err, errlen};
    out->n = 0;
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{')
        return fail(&ps, "expected '{'");
    ps.p++;
    skip_ws(&ps);
    if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            skip_ws(&ps);
            if (out->n == JSON_KEYS_MAX)
                return fail(&ps, "too many keys");
            const char *key;
            if (parse_string(&ps, &key))
                return -1;
            for (int i = 0; i < out->n; i++)
                if (strcmp(out->keys[i], key) == 0)
                    return fail(&ps, "duplicate key");
            skip_ws(&ps);
            if (ps.p >= ps.end || *ps.p != ':')
                return fail(&ps, "expected ':'");
            ps.p++;
            skip_ws(&ps);
            if (parse_value(&ps, &out->vals[out->n]))
                return -1;
            out->keys[out->n++] = key;
            skip_ws(&ps);
            if (ps.p < ps.end && *ps.p == ',') {
                ps.p++;
                continue;
            }
            if (ps.p < ps.end && *ps.p == '}') {
                ps.p++;
                break;
            }
            return fail(&ps, "expected ',' or '}'");
        }
    }
    skip_ws(&ps);
    if (ps.p != ps.end)
        return fail(&ps, "trailing characters after the object");
    return 0;
}

const json_value *json_get(const json_object *obj, const char *key)
{
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->vals[i];
    return NULL;
}

void json_put_string(buf *b, const char *s)
{
    if (!s) {
        buf_puts(b, "null");
        return;
    }
    buf_reserve(b, strlen(s) + 2);
    buf_put(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_put(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: buf_printf(b, "\\u%04x", c); break;
        }
    }
    buf_put(b, run, strlen(run));
    buf_put(b, "\"", 1);
}
