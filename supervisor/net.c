/* SPDX-License-Identifier: MIT */
/* net.c: a container's network: loopback up in the child (network_mode
 * none), the veth pair on berth0 and its published ports from the
 * supervisor (bridge). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/firewall.h"
#include "supervisor.h"

/* Elements of the published-port maps are the supervisor's alone: the first
 * publish empties the maps of what an earlier run may have left. */
static bool ports_flushed;

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
 * Adds the DNAT elements of the container's ports (one nftables batch), so
 * that a connection to a published port reaches it from its first packet.
 * The maps are netsetup's (docs/network.md); a failure fails the start,
 * which the restart policy retries.
 */
static int
net_ports_publish(struct instance *c, char *err, size_t errlen)
{
	const struct container *m = c->spec.m;
	char fwerr[512], what[80];

	if (m->n_ports == 0)
		return 0;
	for (size_t i = 0; i < m->n_ports; i++) {
		if (firewall_port_publishable(&m->ports[i]))
			continue;
		port_map_format(&m->ports[i], what, sizeof what);
		sv_say("container %s: port %s not published: ports are published on IPv4 only",
		       c->spec.name, what);
	}
	if (firewall_ports_add(m->ports, m->n_ports, &c->addr.addr, !ports_flushed, fwerr,
			       sizeof fwerr) < 0) {
		snprintf(err, errlen, "container %s: publish ports: %s", c->spec.name, fwerr);
		return -1;
	}
	ports_flushed = true;
	return 0;
}

/* Removes what net_ports_publish added; a failure leaves elements that the
 * supervisor's next start flushes, so it only warns. */
static void
net_ports_unpublish(struct instance *c)
{
	const struct container *m = c->spec.m;
	char fwerr[512];

	if (m->n_ports == 0)
		return;
	if (firewall_ports_del(m->ports, m->n_ports, fwerr, sizeof fwerr) < 0)
		sv_say("container %s: unpublish ports: %s", c->spec.name, fwerr);
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One line per start: the container's addresses, for the operator, and the
 * time its network took, part of its start latency (bench/net.sh reads it). */
static void
net_say_attached(struct sv *sv, struct instance *c, double ms)
{
	char a[IP_PREFIX_STRLEN], a6[IP_PREFIX_STRLEN + 5] = "";
	struct ip_prefix p6;

	ip_prefix_format(&c->addr, a, sizeof a);
	if (bridge_addr6(&sv->br, &c->addr, &p6) == 0) {
		memcpy(a6, " and ", 5);
		ip_prefix_format(&p6, a6 + 5, sizeof a6 - 5);
	}
	sv_say("container %s: eth0 %s%s on %s, network set up in %.2f ms", c->spec.name, a, a6,
	       sv->br.name, ms);
}

/*
 * Gives the container (cloned, waiting on its go pipe) its eth0 on the
 * bridge, in netns (made with its user namespace, userns.c), or when -1
 * in /proc/PID/ns/net: its pid cannot be reused meanwhile, it is our
 * child and not reaped.
 */
int
net_attach(struct sv *sv, struct instance *c, int netns, char *err, size_t errlen)
{
	struct ip_addr used[MANIFEST_MAX_CONTAINERS];
	size_t n_used = 0;
	char path[64];
	double t0 = now_ms();

	for (size_t i = 0; i < sv->n && n_used < MANIFEST_MAX_CONTAINERS; i++)
		if (&sv->c[i] != c && sv->c[i].attached)
			used[n_used++] = sv->c[i].addr.addr;
	if (bridge_addr_alloc(&sv->br, c->spec.name, used, n_used, &c->addr) < 0) {
		snprintf(err, errlen, "container %s: no free address on %s", c->spec.name,
			 sv->br.name);
		return -1;
	}
	if (netns >= 0)
		snprintf(path, sizeof path, "its network namespace");
	else
		snprintf(path, sizeof path, "/proc/%d/ns/net", (int)c->pid);
	int fd = netns >= 0 ? fcntl(netns, F_DUPFD_CLOEXEC, 0) : open(path, O_RDONLY | O_CLOEXEC);
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
	if (net_ports_publish(c, err, errlen) < 0) {
		bool changed;

		bridge_detach(&sv->nl, c->spec.name, &changed);
		return -1;
	}
	c->attached = true;
	net_say_attached(sv, c, now_ms() - t0);
	return 0;
}

/* An adopted container keeps its veth pair and address; its published
 * ports are added again, since the first publish of this run empties the
 * maps. */
void
net_adopt(struct sv *sv, struct instance *c)
{
	char err[512];

	(void)sv;
	if (c->attached && net_ports_publish(c, err, sizeof err) < 0)
		sv_say("%s", err);
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
	net_ports_unpublish(c);
	if (bridge_detach(&sv->nl, c->spec.name, &changed) < 0)
		sv_say("container %s: detach from %s: %s", c->spec.name, sv->br.name, sv->nl.err);
}
