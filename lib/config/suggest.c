/* SPDX-License-Identifier: MIT */
/* "did you mean ...?": the closest known key or id to an unknown one, by
 * optimal-string-alignment distance (insertions, deletions, substitutions
 * and transpositions of adjacent characters, each costing 1). */
#include <stdio.h>
#include <string.h>

#include "config/cfg.h"

#define WORD_MAX 64 /* longer words are not compared: no typo suggestion */

static int min3(int a, int b, int c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* Distance between a and b (lengths <= WORD_MAX), or > limit early. */
static int distance(const char *a, size_t n, const char *b, size_t m, int limit)
{
    int rows[3][WORD_MAX + 1];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
            if (cur[j] < best)
                best = cur[j];
        }
        if (best > limit)
            return limit + 1;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *oq__cfg_suggest(const char *word, oq__cfg_next_fn next, void *it)
{
    size_t n = strlen(word);
    if (n == 0 || n > WORD_MAX)
        return NULL;
    /* a likely typo: 1 edit for words up to 4 characters, then a third */
    int limit = n <= 4 ? 1 : (int)(n / 3);
    const char *best = NULL;
    int best_d = limit + 1;
    for (const char *cand; (cand = next(it)) != NULL;) {
        size_t m = strlen(cand);
        if (m > WORD_MAX || (m > n ? m - n : n - m) > (size_t)limit || strcmp(cand, word) == 0)
            continue;
        int d = distance(word, n, cand, m, best_d - 1 < limit ? best_d - 1 : limit);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best;
}

static const char *next_in_list(void *it)
{
    const char *const **p = it;
    return **p ? *(*p)++ : NULL;
}

const char *oq__cfg_suggest_list(const char *word, const char *const *list)
{
    const char *const *p = list;
    return list ? oq__cfg_suggest(word, next_in_list, &p) : NULL;
}

const char *oq__cfg_did_you_mean(char *buf, size_t size, const char *suggestion)
{
    if (!suggestion)
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, " (did you mean '%.80s'?)", suggestion);
    return buf;
}
