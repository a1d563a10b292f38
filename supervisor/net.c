/* SPDX-License-Identifier: MIT */
/* net.c: a container's network: loopback up in the child (network_mode
 * none), the veth pair on berth0 from the supervisor (bridge). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "supervisor.h"

/* In the child's new network namespace lo exists but is down; one ioctl
 * is all it takes (no netlink socket in the child). */
int
net_lo_up(void)
{
	struct ifreq ifr = {0};
	int rc = -1;

	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto out_close;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto out_close;
	rc = 0;
out_close:
	close(fd);
	return rc;
}

/*
 * Gives the container (cloned, waiting on its go pipe) its eth0 on the
 * bridge. Its pid cannot be reused meanwhile: it is our child and not
 * reaped, so /proc/PID/ns/net is its namespace.
 */
int
net_attach(struct sv *sv, struct instance *c, char *err, size_t errlen)
{
	struct ip_addr used[MANIFEST_MAX_CONTAINERS];
	size_t n_used = 0;
	char path[64];

	for (size_t i = 0; i < sv->n && n_used < MANIFEST_MAX_CONTAINERS; i++)
		if (&sv->c[i] != c && sv->c[i].attached)
			used[n_used++] = sv->c[i].addr.addr;
	if (bridge_addr_alloc(&sv->br, c->spec.name, used, n_used, &c->addr) < 0) {
		snprintf(err, errlen, "container %s: no free address on %s", c->spec.name,
			 sv->br.name);
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)c->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "container %s: %s: %s", c->spec.name, path, strerror(errno));
		return -1;
	}
	int rc = bridge_attach(&sv->nl, &sv->br, c->spec.name, fd, &c->addr);
	close(fd);
	if (rc < 0) {
		/* bridge_attach names the container and the step itself. */
		snprintf(err, errlen, "%s", sv->nl.err);
		return -1;
	}
	c->attached = true;
	return 0;
}

/* The namespace's end goes with the namespace, and the pair with it; the
 * explicit delete makes the address free at once and leaves nothing behind
 * if something still holds the namespace. */
void
net_detach(struct sv *sv, struct instance *c)
{
	bool changed = false;

	if (!c->attached)
		return;
	c->attached = false;
	if (bridge_detach(&sv->nl, c->spec.name, &changed) < 0)
		sv_say("container %s: detach from %s: %s", c->spec.name, sv->br.name, sv->nl.err);
}
