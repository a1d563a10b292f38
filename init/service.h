/* SPDX-License-Identifier: MIT */
/* The programs stage 2 runs: netsetup once, supervisor and debug console kept running. */
#ifndef BERTH_INIT_SERVICE_H
#define BERTH_INIT_SERVICE_H

#include <sys/types.h>

enum svc_id {
	SVC_NETSETUP,
	SVC_SUPERVISOR,
	SVC_CONSOLE,
	SVC_COUNT,
};

int services_init(void);
void services_start(void);
void services_reaped(pid_t pid, int status);
void services_stop(void);
pid_t service_pid(enum svc_id id);

#endif
