/* SPDX-License-Identifier: MIT */
/* RFC 4180 CSV writer and record splitter for the omniq command (csv.h). */
#include "csv.h"

#include <stdarg.h>
#include <string.h>

void csv_begin(csv_row *r, FILE *f)
{
    r->f = f;
    r->fields = 0;
}

static int needs_quotes(const char *s)
{
    size_t n = strlen(s);
    if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

void csv_text(csv_row *r, const char *s)
{
    if (r->fields++)
        fputc(',', r->f);
    if (!needs_quotes(s)) {
        fputs(s, r->f);
        return;
    }
    fputc('"', r->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', r->f);
        fputc(*s, r->f);
    }
    fputc('"', r->f);
}

void csv_printf(csv_row *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    csv_text(r, buf);
}

void csv_end(csv_row *r)
{
    fputc('\n', r->f);
    r->fields = 0;
}

void csv_header(FILE *f, const char *const *names)
{
    csv_row r;
    csv_begin(&r, f);
    for (int i = 0; names[i]; i++)
        csv_text(&r, names[i]);
    csv_end(&r);
}

int csv_split(char *line, char **fields, int max, const char **error)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) {
            *error = "too many fields";
            return -1;
        }
        if (*p == '"') { /* quoted: unquote in place */
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == '\0') {
                    *error = "unterminated quoted field";
                    return -1;
                }
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            if (*p != ',' && *p != '\0') {
                *error = "text after a closing quote";
                return -1;
            }
            char next = *p;
            *w = '\0';
            if (next == '\0')
                return n;
            p++;
        } else {
            fields[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma)
                return n;
            *comma = '\0';
            p = comma + 1;
        }
    }
}
