/* SPDX-License-Identifier: MIT */
/* What berthctl's commands share: their entry points and error reporting. */
#ifndef BERTH_CTL_H
#define BERTH_CTL_H

#include "diag.h"

/* Exit codes, as in STYLE.md. */
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 111

/* Each command gets its arguments after the command name (argv[0] is the
 * command) and returns the exit code. */
int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);

/* Prints "berthctl: FILE:LINE:COL: message" lines to stderr. */
void ctl_report(const struct diag *d);
/* Prints the usage to stderr and returns EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
