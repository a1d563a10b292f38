/* SPDX-License-Identifier: MIT */
/* Watches every /dev/input/event* that can report KEY_POWER and reports a press. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>

#include "console.h"
#include "loop.h"
#include "powerkey.h"
#include "util.h"

#define MAX_KEYS 8
#define LONG_BITS (8 * sizeof(unsigned long))

static struct watch keys[MAX_KEYS];
static int nkeys;
static void (*pressed)(void);

static int
has_power_key(int fd)
{
	unsigned long bits[KEY_MAX / LONG_BITS + 1];

	memset(bits, 0, sizeof(bits));
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(bits)), bits) < 0)
		return 0;
	return (bits[KEY_POWER / LONG_BITS] >> (KEY_POWER % LONG_BITS)) & 1;
}

static void
key_ready(struct watch *w)
{
	struct input_event ev[16];
	ssize_t n, i;

	for (;;) {
		n = read(w->fd, ev, sizeof(ev));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER && ev[i].value == 1)
				pressed();
		}
	}
	if (n < 0 && errno == EAGAIN)
		return;
	/* The device went away (ENODEV) or broke: stop watching it. */
	log_debug("input device closed: %s", n < 0 ? strerror(errno) : "end of file");
	if (loop_del(w) < 0 || close_fd(w->fd) < 0)
		log_debug("closing input device: %s", strerror(errno));
}

static void
watch_device(const char *name)
{
	char path[300], label[64] = "";
	int fd;

	if (nkeys == MAX_KEYS || path_fmt(path, sizeof(path), "/dev/input/%s", name) < 0)
		return;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_debug("%s: %s", path, strerror(errno));
		return;
	}
	if (!has_power_key(fd)) {
		close_fd(fd);
		return;
	}
	keys[nkeys].fd = fd;
	keys[nkeys].ready = key_ready;
	if (loop_add(&keys[nkeys]) < 0) {
		log_msg("warning: watching %s: %s", path, strerror(errno));
		close_fd(fd);
		return;
	}
	nkeys++;
	if (ioctl(fd, EVIOCGNAME(sizeof(label) - 1), label) < 0)
		label[0] = '\0';
	log_debug("watching %s (%s) for the power key", path, label);
}

/* Returns how many devices are watched; input devices are not hotplugged here. */
int
powerkey_watch(void (*on_press)(void))
{
	struct dirent *e;
	DIR *dir;

	pressed = on_press;
	dir = opendir("/dev/input");
	if (!dir) {
		log_debug("no /dev/input: %s; no power key", strerror(errno));
		return 0;
	}
	while ((e = readdir(dir))) {
		if (!strncmp(e->d_name, "event", 5))
			watch_device(e->d_name);
	}
	if (closedir(dir) < 0)
		log_debug("closing /dev/input: %s", strerror(errno));
	if (!nkeys)
		log_debug("no input device reports a power key");
	return nkeys;
}
