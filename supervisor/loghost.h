/* SPDX-License-Identifier: MIT */
/* loghost.h: the host's own messages, the kernel's (/dev/kmsg) and the
 * supervisor's, kept in <log dir>/host.log and forwarded with the host's
 * app-names (docs/logging.md, The host's messages). */
#ifndef BERTH_LOGHOST_H
#define BERTH_LOGHOST_H

#include <stddef.h>

#include "supervisor.h"

/* Opens host.log and, when logging.kernel is on and kmsg is not "none",
 * the kernel's log (read from its oldest record, or after the last one a
 * previous supervisor of this boot forwarded). Failures are told. */
void loghost_open(struct sv *sv, const char *kmsg);
/* Reads the kernel records there are now (W_KMSG). */
void loghost_kmsg(struct sv *sv);
/* One line of the supervisor's (sv_say): to host.log and the targets. */
void loghost_say(const char *text, size_t len);
void loghost_close(struct sv *sv);

#endif
