/* SPDX-License-Identifier: MIT */
/* omniq command line: shared declarations. */
#ifndef OMNIQ_CLI_H
#define OMNIQ_CLI_H

#include <stdio.h>

#include "omniq/omniq.h"

/* Exit codes. */
#define EXIT_OK 0
#define EXIT_USAGE 1
#define EXIT_INPUT 2

int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_plan(int argc, char **argv);

/* Print a JSON string (quotes included) with escapes. */
void json_string(FILE *f, const char *s);
/* Strict number: all of the text, finite; a trailing % divides by 100 when
 * percent_ok. 1 and *out set on success. */
int parse_num(const char *s, int percent_ok, double *out);
/* Strip blanks and a line end from both sides, in place. */
char *trim(char *s);
/* Print a number as JSON in its shortest form that reads back as the same
 * double (17 significant digits at most; integers without a point); null
 * when not finite. */
void json_number(FILE *f, double v);
/* Is argv[i] "--help" or "-h"? */
int is_help(const char *arg);

#endif
