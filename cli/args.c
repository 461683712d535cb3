/* SPDX-License-Identifier: MIT */
/* Parsing command-line values, shared by the commands. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int parse_num(const char *s, int percent_ok, double *out)
{
    char *end = NULL;
    if (!s || !*s)
        return 0;
    double v = strtod(s, &end);
    if (end == s)
        return 0;
    if (percent_ok && *end == '%' && end[1] == '\0') {
        v /= 100.0;
        end++;
    }
    if (*end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}
