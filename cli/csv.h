/* SPDX-License-Identifier: MIT */
/* CSV as RFC 4180 writes and reads it: fields separated by commas; a field
 * holding a comma, a double quote, a line break or leading/trailing blanks
 * is enclosed in double quotes, with each double quote doubled. Records end
 * with "\n" (readers of RFC 4180 accept it; the RFC's CRLF would put a
 * carriage return in every line a Unix tool reads). Every CSV the omniq
 * command writes goes through csv_text / csv_printf. */
#ifndef OMNIQ_CLI_CSV_H
#define OMNIQ_CLI_CSV_H

#include <stdio.h>

/* One record being written: csv_begin, fields, csv_end. */
typedef struct csv_row {
    FILE *f;
    int fields; /* written so far in this record */
} csv_row;

void csv_begin(csv_row *r, FILE *f);
/* One field, quoted when it needs to be. */
void csv_text(csv_row *r, const char *s);
/* One field formatted by printf (numbers), quoted when it needs to be. */
void csv_printf(csv_row *r, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void csv_end(csv_row *r);
/* A whole header record from a NULL-terminated list of names. */
void csv_header(FILE *f, const char *const *names);

/* Split one record (a line without its line break) in place into at most
 * `max` fields: quoted fields are unquoted, doubled quotes undoubled, blanks
 * around unquoted fields kept. Returns the number of fields, or -1 with
 * *error set ("unterminated quoted field", "text after a closing quote",
 * "more than N fields"). A record cannot span lines. */
int csv_split(char *line, char **fields, int max, const char **error);

#endif
