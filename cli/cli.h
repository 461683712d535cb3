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
int cmd_schedule(int argc, char **argv);

/* Print a JSON string (quotes included) with escapes. */
void json_string(FILE *f, const char *s);
/* Is argv[i] "--help" or "-h"? */
int is_help(const char *arg);

#endif
