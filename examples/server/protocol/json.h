/* SPDX-License-Identifier: MIT */
/* A tiny, strict JSON reader for one flat object per line, and a writer for
 * strings. Accepted: {"key": value, ...} where value is a string, a number,
 * true / false / null, or an array of strings. No nesting, no duplicate keys,
 * at most JSON_KEYS_MAX keys and JSON_ARRAY_MAX items per array; strings may
 * not contain NUL (\u0000). Anything else is refused with a message naming
 * the byte offset and what was expected; the parser never reads past `len`. */
#ifndef SERVER_JSON_H
#define SERVER_JSON_H

#include <stddef.h>

#include "../buf.h"

#define JSON_KEYS_MAX 16
#define JSON_ARRAY_MAX 32

typedef enum { JV_STRING, JV_NUMBER, JV_BOOL, JV_NULL, JV_ARRAY } json_type;

typedef struct json_value {
    json_type type;
    const char *str;      /* JV_STRING: decoded, NUL-terminated (points into the parsed text) */
    double num;           /* JV_NUMBER */
    int boolean;          /* JV_BOOL */
    int n_items;          /* JV_ARRAY */
    const char *items[JSON_ARRAY_MAX];
} json_value;

typedef struct json_object {
    int n;
    const char *keys[JSON_KEYS_MAX];
    json_value vals[JSON_KEYS_MAX];
} json_object;

/* Parse text[0..len) in place (strings are decoded and NUL-terminated inside
 * `text`, which must have room for one more byte at text[len]). Returns 0, or
 * -1 with a message in err. */
int json_parse_object(char *text, size_t len, json_object *out, char *err, size_t errlen);

/* The value of `key`, or NULL. */
const json_value *json_get(const json_object *obj, const char *key);

/* Append s as a JSON string literal (quoted, escaped). NULL gives null. */
void json_put_string(buf *b, const char *s);

#endif
