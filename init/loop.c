/* SPDX-License-Identifier: MIT */
/* The stage 2 event loop: epoll dispatch to watches, and one-shot timerfd timers. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "loop.h"
#include "util.h"

static int epfd = -1;

int
loop_init(void)
{
	if (epfd >= 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -1 : 0;
}

int
loop_add(struct watch *w)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};

	return epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

int
loop_del(struct watch *w)
{
	return epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

/* Waits for events and runs their handlers; PID 1 calls this forever. */
void
loop_run_once(void)
{
	struct epoll_event ev[16];
	struct watch *w;
	int n, i;

	n = epoll_wait(epfd, ev, ARRAY_SIZE(ev), -1);
	if (n < 0) {
		if (errno != EINTR) {
			log_msg("warning: epoll_wait: %s; retrying", strerror(errno));
			sleep_ms(100);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		w = ev[i].data.ptr;
		w->ready(w);
	}
}

/* CLOCK_BOOTTIME so that a suspended VM does not stretch the backoff. */
int
timer_init(struct watch *w, void (*ready)(struct watch *w))
{
	if (w->fd >= 0)
		return 0;
	w->ready = ready;
	w->fd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->fd < 0)
		return -1;
	if (loop_add(w) < 0) {
		close_fd(w->fd);
		w->fd = -1;
		return -1;
	}
	return 0;
}

int
timer_arm(struct watch *w, long long ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	/* An all-zero it_value would disarm the timer instead. */
	its.it_value.tv_nsec = (ms % 1000) * 1000000 + 1;
	return timerfd_settime(w->fd, 0, &its, NULL);
}

int
timer_disarm(struct watch *w)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	return timerfd_settime(w->fd, 0, &its, NULL);
}

/* Consumes the expiry count so the timerfd stops being readable. */
void
timer_ack(struct watch *w)
{
	uint64_t expirations;

	if (read(w->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_debug("timer read: %s", strerror(errno));
}
