/* SPDX-License-Identifier: MIT */
/* Console output of init: one "berth-init: " line per message. */
#ifndef BERTH_INIT_CONSOLE_H
#define BERTH_INIT_CONSOLE_H

#include <stddef.h>

#include "util.h"

void console_init(void);
void console_set_debug(int on);
int console_debug(void);
const char *uptime_str(char *buf, size_t size);
void log_msg(const char *fmt, ...) PRINTF(1, 2);
void log_debug(const char *fmt, ...) PRINTF(1, 2);

#endif
