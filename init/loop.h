/* SPDX-License-Identifier: MIT */
/* The stage 2 event loop: one epoll set over signalfd, timerfds and input devices. */
#ifndef BERTH_INIT_LOOP_H
#define BERTH_INIT_LOOP_H

struct watch {
	int fd;
	void (*ready)(struct watch *w);
};

int loop_init(void);
int loop_add(struct watch *w);
int loop_del(struct watch *w);
void loop_run_once(void);
int timer_init(struct watch *w, void (*ready)(struct watch *w));
int timer_arm(struct watch *w, long long ms);
int timer_disarm(struct watch *w);
void timer_ack(struct watch *w);

#endif
