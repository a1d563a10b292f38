/* SPDX-License-Identifier: MIT */
/* The supervisor's descriptor store: what must outlive a supervisor crash. */
#ifndef BERTH_INIT_FDSTORE_H
#define BERTH_INIT_FDSTORE_H

#include <sys/types.h>

/* A new connection for the supervisor about to start (its end, to become
 * its fd 4), replacing the last one; -1 with a warning on failure. */
int fdstore_connect(void);
/* An orphan that init reaped: the supervisor learns its exit status. */
void fdstore_reaped(pid_t pid, int status);

#endif
