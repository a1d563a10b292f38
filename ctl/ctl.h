/* SPDX-License-Identifier: MIT */
/* What berthctl's commands share: their entry points and error reporting. */
#ifndef BERTH_CTL_H
#define BERTH_CTL_H

#include <stdbool.h>

#include "base/control.h"
#include "base/diag.h"

/* Exit codes, as in STYLE.md. */
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 111

/* Each command gets its arguments after the command name (argv[0] is the
 * command) and returns the exit code. */
int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* plan [--json] [--reboot] [--current FILE] FILE (plan.c): exit 0 no
 * change, 2 changes, 1 error */
int cmd_plan(int argc, char **argv);
/* apply [--try D] [--reboot] FILE | --revert | --confirm (apply.c) */
int cmd_apply(int argc, char **argv);
int cmd_status(int argc, char **argv);
/* "clock: synchronised, offset within ..." (status-clock.c); -1 with errno. */
int status_clock_line(char *buf, size_t len);
/* logs [-f] [--since D] [--tail N] NAME | --host (logs.c) */
int cmd_logs(int argc, char **argv);
/* start, stop, restart NAME; reboot; poweroff (call.c) */
int cmd_control(int argc, char **argv);
/* update apply, update status (update.c) */
int cmd_update(int argc, char **argv);
int cmd_trust(int argc, char **argv);
/* image pull|ls|rm|prune|verify (image.c) */
int cmd_image(int argc, char **argv);

/* call.c: options and one request for the commands that talk to the
 * supervisor over its control socket. */
struct ctl_opts {
	const char *socket; /* --socket, default CONTROL_SOCKET */
	bool json;	    /* --json */
	bool follow;	    /* --follow, -f */
	const char *arg;    /* the container's name, or NULL */
};
/* The options a command takes besides --socket. */
#define CTL_OPT_JSON 1u
#define CTL_OPT_FOLLOW 2u
/* [--socket PATH], the options in allow, and nargs arguments (0 or 1; -1:
 * at most one); 0, or the usage error's exit code. */
int ctl_parse_opts(int argc, char **argv, unsigned allow, int nargs, struct ctl_opts *o);
/* Sends verb and o->arg; 0 with the reply in *r (free it), else the exit
 * code after printing why: EXIT_INVALID (the supervisor's message),
 * EXIT_SYSTEM (no reply: the socket path and errno). */
int ctl_call(const struct ctl_opts *o, const char *verb, struct control_reply *r);

/* status.c: the value of key in a mapping of the status document (JSON
 * read by ytree), or NULL. */
struct ynode;
const struct ynode *ctl_get(const struct ynode *map, const char *key);
/* Bytes as 256M, 1.5G, 7.2G: one decimal where it matters (status.c). */
void ctl_size_human(double bytes, char *buf, size_t len);
/* stats [--json] [--follow] [NAME] (stats.c) */
int cmd_stats(int argc, char **argv);

/* Prints "berthctl: FILE:LINE:COL: message" lines to stderr. */
void ctl_report(const struct diag *d);
/* Prints the usage to stderr and returns EXIT_USAGE. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
