/* SPDX-License-Identifier: MIT */
/* reach.c: whether a boot on trial can be reached, one of the conditions of
 * its confirmation (bless.c, docs/update.md): netsetup succeeded, every
 * required interface is up with an address, and the confirmation target
 * answers (the IPv4 default gateway an ICMP echo, when there is one, or
 * ADDRESS:PORT a TCP connect). bless.c asks once a second; nothing here blocks: an echo or a
 * connect started in one tick is looked at in the next. An update that cuts
 * the host off is never confirmed, and its tries run out into the old slot. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

#define NETSETUP_STATUS "/run/berth/netsetup"

void
reach_init(struct reach *r)
{
	const char *root = getenv("BERTH_UPDATE_ROOT");

	*r = (struct reach){.icmp = -1, .tcp = -1, .id = (uint16_t)getpid()};
	if (root && *root)
		snprintf(r->status, sizeof r->status, "%s/netsetup", root);
	else
		snprintf(r->status, sizeof r->status, "%s", NETSETUP_STATUS);
}

void
reach_close(struct reach *r)
{
	if (r->icmp >= 0)
		close(r->icmp);
	if (r->tcp >= 0)
		close(r->tcp);
	r->icmp = r->tcp = -1;
}

/* init writes "running" when it starts netsetup, "ok" or "failed: why"
 * once netsetup has ended. */
static int
netsetup_ok(const struct reach *r, char *why, size_t len)
{
	char buf[200];

	if (io_read_small(AT_FDCWD, r->status, buf, sizeof buf) < 0) {
		snprintf(why, len, "netsetup has not finished (%s: %s)", r->status, strerror(errno));
		return 0;
	}
	buf[strcspn(buf, "\n")] = 0;
	if (!strcmp(buf, "ok"))
		return 1;
	if (!strcmp(buf, "running"))
		snprintf(why, len, "netsetup has not finished");
	else
		snprintf(why, len, "netsetup %s", buf);
	return 0;
}

static bool
global_addr(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET)
		return true;
	if (a->sa_family != AF_INET6)
		return false;
	return !IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

/* The kernel's name of interface i: its own, or the one with its MAC. */
static const char *
iface_name(const struct interface *i, const struct ifaddrs *all)
{
	if (!i->match_mac)
		return i->name;
	for (const struct ifaddrs *a = all; a; a = a->ifa_next) {
		const struct sockaddr_ll *ll = (const void *)a->ifa_addr;
		if (ll && ll->sll_family == AF_PACKET && ll->sll_halen == 6 &&
		    !memcmp(ll->sll_addr, i->mac.b, 6))
			return a->ifa_name;
	}
	return NULL;
}

/* Up, with carrier and an address that is not link-local. */
static int
iface_ready(const struct interface *i, const struct ifaddrs *all, char *why, size_t len)
{
	const char *name = iface_name(i, all);
	bool seen = false, up = false, addr = false;

	for (const struct ifaddrs *a = all; name && a; a = a->ifa_next) {
		if (strcmp(a->ifa_name, name))
			continue;
		seen = true;
		up = up || ((a->ifa_flags & IFF_UP) && (a->ifa_flags & IFF_RUNNING));
		addr = addr || (a->ifa_addr && global_addr(a->ifa_addr));
	}
	if (!seen)
		snprintf(why, len, "required interface %s is missing",
			 i->match_mac ? "(matched by MAC)" : i->name);
	else if (!up)
		snprintf(why, len, "required interface %s is down or has no carrier", name);
	else if (!addr)
		snprintf(why, len, "required interface %s has no address", name);
	return seen && up && addr;
}

static int
ifaces_ok(const struct manifest *m, char *why, size_t len)
{
	struct ifaddrs *all;
	int ok = 1;

	if (getifaddrs(&all) < 0) {
		snprintf(why, len, "getifaddrs: %s", strerror(errno));
		return 0;
	}
	for (size_t k = 0; ok && k < m->network.n_interfaces; k++) {
		const struct interface *i = &m->network.interfaces[k];
		if (manifest_iface_required(i))
			ok = iface_ready(i, all, why, len);
	}
	freeifaddrs(all);
	return ok;
}

/* The IPv4 default gateway from /proc/net/route; 0 when there is none. */
static int
default_gateway(struct in_addr *gw)
{
	char line[256];
	FILE *f = fopen("/proc/net/route", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f)) {
		char ifname[IFNAMSIZ + 1];
		unsigned dst, via, flags, mask;

		if (sscanf(line, "%16s %x %x %x %*s %*s %*s %x", ifname, &dst, &via, &flags, &mask) ==
			    5 &&
		    dst == 0 && mask == 0 && (flags & 0x2) /* RTF_GATEWAY */) {
			gw->s_addr = via;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static uint16_t
icmp_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* Reads what came back since the last tick: an echo reply of ours from gw. */
static bool
echo_answered(struct reach *r, struct in_addr gw)
{
	uint8_t buf[1500];
	ssize_t n;

	while ((n = recv(r->icmp, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
		const struct ip *ip = (const void *)buf;
		size_t hl = (size_t)ip->ip_hl * 4;
		const struct icmphdr *h = (const void *)(buf + hl);

		if ((size_t)n >= hl + sizeof *h && ip->ip_src.s_addr == gw.s_addr &&
		    h->type == ICMP_ECHOREPLY && h->un.echo.id == htons(r->id))
			return true;
	}
	return false;
}

static int
gateway_ok(struct reach *r, char *why, size_t len)
{
	struct in_addr gw;
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct icmphdr h = {.type = ICMP_ECHO};
	char a[INET_ADDRSTRLEN];

	/* A host on a network without a router (an isolated segment, QEMU's
	 * restricted user network) has no gateway to ask: its required
	 * interfaces being up with addresses is all there is to check. */
	if (!default_gateway(&gw))
		return 1;
	inet_ntop(AF_INET, &gw, a, sizeof a);
	if (r->icmp < 0 &&
	    (r->icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP)) < 0) {
		snprintf(why, len, "ICMP socket: %s", strerror(errno));
		return 0;
	}
	if (echo_answered(r, gw))
		return 1;
	h.un.echo.id = htons(r->id);
	h.un.echo.sequence = htons(++r->seq);
	h.checksum = icmp_sum(&h, sizeof h);
	to.sin_addr = gw;
	if (sendto(r->icmp, &h, sizeof h, MSG_DONTWAIT, (const void *)&to, sizeof to) < 0)
		snprintf(why, len, "the default gateway %s: %s", a, strerror(errno));
	else
		snprintf(why, len, "the default gateway %s has not answered an ICMP echo yet", a);
	return 0;
}

static int
tcp_ok(struct reach *r, const struct update_cfg *u, char *why, size_t len)
{
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	char a[IP_ADDR_STRLEN];
	struct pollfd p;
	int err = 0;

	ip_addr_format(&u->confirm_addr, a, sizeof a);
	if (r->tcp >= 0) {
		p = (struct pollfd){.fd = r->tcp, .events = POLLOUT};
		sl = sizeof err;
		if (poll(&p, 1, 0) == 1 && getsockopt(r->tcp, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 &&
		    !err)
			return 1;
		snprintf(why, len, "the confirmation target %s port %u: %s", a, u->confirm_port,
			 err ? strerror(err) : "no answer yet");
		if (!err)
			return 0;
		close(r->tcp);
		r->tcp = -1;
		return 0; /* tried again next tick */
	}
	if (u->confirm_addr.family == AF_INET) {
		struct sockaddr_in *s4 = (void *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(u->confirm_port);
		memcpy(&s4->sin_addr, u->confirm_addr.a, 4);
		sl = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (void *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(u->confirm_port);
		memcpy(&s6->sin6_addr, u->confirm_addr.a, 16);
		sl = sizeof *s6;
	}
	r->tcp = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->tcp < 0 || (connect(r->tcp, (const void *)&ss, sl) < 0 && errno != EINPROGRESS)) {
		snprintf(why, len, "the confirmation target %s port %u: %s", a, u->confirm_port,
			 strerror(errno));
		if (r->tcp >= 0)
			close(r->tcp);
		r->tcp = -1;
		return 0;
	}
	snprintf(why, len, "the confirmation target %s port %u has not answered yet", a,
		 u->confirm_port);
	return 0;
}

int
reach_check(struct sv *sv, struct reach *r, char *why, size_t len)
{
	const struct manifest *m = &sv->manifest;

	if (!netsetup_ok(r, why, len) || !ifaces_ok(m, why, len))
		return 0;
	if (r->answered || m->update.confirm_target == CT_NONE)
		return 1;
	if (m->update.confirm_target == CT_TCP)
		r->answered = tcp_ok(r, &m->update, why, len);
	else
		r->answered = gateway_ok(r, why, len);
	if (r->answered)
		reach_close(r);
	return r->answered;
}
