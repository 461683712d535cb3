/* SPDX-License-Identifier: MIT */
/* Wildcard matching for the scenario's agents[].match: '*' any run, '?' one
 * character, '[a-z0-9]' one of a set (ranges allowed; a '[' without a ']'
 * later is literal).
 *
 * Iterative, remembering only the last '*': when a later piece fails, the
 * last star absorbs one more character and matching resumes after it. An
 * earlier star never needs to be revisited (whatever it could absorb, the
 * last one can too), so the work is at most (pattern length + 1) x (id
 * length + 1) steps; the recursive matcher it replaces was exponential in
 * the number of stars (ten stars against a 40-character id: 36 s). */
#include <string.h>

#include "config/cfg.h"

/* Does the piece at p (one character, '?' or a set) match ch? *len receives
 * the piece's length in the pattern. */
static int piece(const char *p, char ch, size_t *len)
{
    if (*p == '[' && strchr(p + 1, ']')) {
        int hit = 0;
        const char *q = p + 1;
        for (; *q != ']'; q++) {
            if (q[1] == '-' && q[2] && q[2] != ']') {
                hit |= ch >= q[0] && ch <= q[2];
                q += 2;
            } else {
                hit |= ch == *q;
            }
        }
        *len = (size_t)(q - p) + 1;
        return hit;
    }
    *len = 1;
    return *p == '?' || *p == ch;
}

int oq__cfg_glob(const char *p, const char *s, int64_t *steps)
{
    const char *star_p = NULL, *star_s = NULL;
    int64_t n = 0;
    int result = -1;
    while (result < 0) {
        n++;
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (!*p) {
                result = 1; /* a trailing star takes the rest */
                break;
            }
            star_p = p;
            star_s = s;
            continue;
        }
        size_t len = 0;
        if (*s && *p && piece(p, *s, &len)) {
            p += len;
            s++;
        } else if (!*s && !*p) {
            result = 1;
        } else if (star_p && *star_s) {
            p = star_p; /* the last star absorbs one more character */
            s = ++star_s;
        } else {
            result = 0;
        }
    }
    if (steps)
        *steps = n;
    return result;
}
