/* SPDX-License-Identifier: MIT */
/* How PID 1 ends the system: a failed boot, or an orderly reboot or poweroff. */
#ifndef BERTH_INIT_SHUTDOWN_H
#define BERTH_INIT_SHUTDOWN_H

#include <stdnoreturn.h>

#include "util.h"

enum shutdown_mode {
	SHUTDOWN_REBOOT,
	SHUTDOWN_POWEROFF,
};

noreturn void boot_fail(const char *fmt, ...) PRINTF(1, 2);
noreturn void shutdown_run(enum shutdown_mode mode, int sigfd);

#endif
