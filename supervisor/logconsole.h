/* SPDX-License-Identifier: MIT */
/* console.h: container lines and the supervisor's own on the console
 * (logconsole.c). */
#ifndef BERTH_SV_CONSOLE_H
#define BERTH_SV_CONSOLE_H

#include <stddef.h>

#include "supervisor.h"

/* At start, before anything is said: a non-blocking stdout of its own
 * when stdout is a terminal or a pipe. */
void console_open(void);
/* Once the epoll set exists: written to again when the console can take
 * more (W_CONSOLE, console_flush). */
void console_watch(struct sv *sv);
/* "PREFIX: TEXT\n" gathered for the next flush, or skipped and counted
 * when the console is that far behind. */
void console_line(const char *prefix, const char *text, size_t len);
/* "supervisor: TEXT\n", after the gathered lines the console takes now;
 * blocks if need be. */
void console_own(const char *text, size_t len);
/* Writes what the console takes of the gathered lines; once a turn of the
 * event loop and on W_CONSOLE. */
void console_flush(void);

#endif
