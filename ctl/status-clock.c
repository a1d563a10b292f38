/* SPDX-License-Identifier: MIT */
/* The clock line of berthctl status: whether the kernel's clock is synchronised, and how
 * far off it may be, as chronyd told the kernel (adjtimex), so no NTP tool is needed. */
#include <stdio.h>
#include <sys/timex.h>

#include "ctl.h"

/* chronyd sets esterror and maxerror (microseconds) at each clock update
 * and clears STA_UNSYNC while it is synchronised; the kernel adds 500 ppm
 * of time passed to maxerror and sets STA_UNSYNC itself once maxerror
 * passes 16 s, so a dead chronyd does not leave "synchronised" behind. */
int
status_clock_line(char *buf, size_t len)
{
	struct timex t = {0};
	int state = adjtimex(&t);
	double ppm = (double)t.freq / 65536.0;

	if (state < 0)
		return -1;
	if (state == TIME_ERROR || (t.status & STA_UNSYNC))
		snprintf(buf, len, "clock: not synchronised (frequency %+.3f ppm)", ppm);
	else
		snprintf(buf, len,
			 "clock: synchronised, offset within %.3f ms (maximum error %.3f ms), "
			 "frequency %+.3f ppm",
			 (double)t.esterror / 1000.0, (double)t.maxerror / 1000.0, ppm);
	return 0;
}
