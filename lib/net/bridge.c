/* SPDX-License-Identifier: MIT */
/* The container bridge: berth0, one veth pair per container, stable addresses. */
#include "net/bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* FNV-1a: small, and the same on every build, which stability needs. */
static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static uint32_t
v4_get(const struct ip_addr *a)
{
	return (uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 | (uint32_t)a->a[2] << 8 | a->a[3];
}

static void
v4_set(struct ip_addr *a, uint32_t v)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->a[0] = (uint8_t)(v >> 24);
	a->a[1] = (uint8_t)(v >> 16);
	a->a[2] = (uint8_t)(v >> 8);
	a->a[3] = (uint8_t)v;
}

static uint32_t
network_of(const struct ip_prefix *p)
{
	uint32_t mask = p->len ? ~0u << (32 - p->len) : 0;

	return v4_get(&p->addr) & mask;
}

void
bridge_gateway(const struct bridge *br, struct ip_prefix *out)
{
	v4_set(&out->addr, network_of(&br->subnet) + 1);
	out->len = br->subnet.len;
}

/* subnet6's network with off in its low 32 bits; off fits in its host
 * bits, which are zero, so setting them is adding. */
static void
v6_at(const struct ip_prefix *subnet6, uint32_t off, struct ip_prefix *out)
{
	*out = *subnet6;
	ip_prefix_network(out);
	out->addr.a[12] |= (uint8_t)(off >> 24);
	out->addr.a[13] |= (uint8_t)(off >> 16);
	out->addr.a[14] |= (uint8_t)(off >> 8);
	out->addr.a[15] |= (uint8_t)off;
}

int
bridge_gateway6(const struct bridge *br, struct ip_prefix *out)
{
	if (br->subnet6.addr.family != AF_INET6 || br->subnet6.len > 127)
		return -1;
	v6_at(&br->subnet6, 1, out);
	return 0;
}

int
bridge_addr6(const struct bridge *br, const struct ip_prefix *addr, struct ip_prefix *out)
{
	if (br->subnet6.addr.family != AF_INET6 || addr->addr.family != AF_INET ||
	    128 - br->subnet6.len < 32 - br->subnet.len)
		return -1;
	v6_at(&br->subnet6, v4_get(&addr->addr) - network_of(&br->subnet), out);
	return 0;
}

void
bridge_host_ifname(const char *name, char out[IF_NAMESIZE])
{
	snprintf(out, IF_NAMESIZE, BRIDGE_PORT_PREFIX "%08x", name_hash(name));
}

static bool
addr_used(const struct ip_addr *used, size_t n, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ip_addr_equal(&used[i], a))
			return true;
	return false;
}

int
bridge_addr_alloc(const struct bridge *br, const char *name, const struct ip_addr *used,
		  size_t n_used, struct ip_prefix *out)
{
	uint32_t first, count, start, i;

	/* A /30 has two host addresses: the bridge's and one container's. */
	if (br->subnet.addr.family != AF_INET || br->subnet.len > 30)
		return -1;
	/* Skip the network address and the bridge's; stop before broadcast. */
	first = network_of(&br->subnet) + 2;
	count = (uint32_t)((1ull << (32 - br->subnet.len)) - 3);
	start = name_hash(name) % count;
	for (i = 0; i < count; i++) {
		v4_set(&out->addr, first + (start + i) % count);
		out->len = br->subnet.len;
		if (!addr_used(used, n_used, &out->addr))
			return 0;
	}
	return -1;
}

/* Creates the bridge link; there already: nothing. */
static int
bridge_create(struct nl *nl, const char *name, bool *changed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	if (nl_request(nl, nlh) < 0) {
		if (errno == EEXIST)
			return 0;
		nl_fail(nl, name, errno, "create bridge");
		return -1;
	}
	*changed = true;
	return 0;
}

int
bridge_ensure(struct nl *nl, const struct bridge *br, bool *changed)
{
	struct ip_prefix gw;
	struct nl_link link;
	bool created = false;

	if (bridge_create(nl, br->name, &created) < 0)
		return -1;
	if (created)
		*changed = true;
	/* In a dry run a bridge to be created is not there to look at. */
	if (created && nl->dry_run)
		return 0;
	bridge_gateway(br, &gw);
	if (nl_link_by_name(nl, br->name, &link) < 0 || nl_addr_add(nl, &link, &gw, changed) < 0 ||
	    nl_link_set_up(nl, &link, changed) < 0)
		return -1;
	/* No duplicate address detection: the address is ours by
	 * construction, and a bridge without ports has no carrier, so DAD
	 * would leave it tentative (unusable) until the first container. */
	if (bridge_gateway6(br, &gw) == 0 && nl_addr_add_nodad(nl, &link, &gw, changed) < 0)
		return -1;
	return 0;
}

/* The veth pair: host end host_if in this namespace, enslaved to the bridge
 * at creation; the peer created straight in the container's namespace as
 * eth0, so that it never exists under that name in the host's. */
static int
veth_create(struct nl *nl, const char *host_if, int master, int netns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi, *peer_ifi;
	struct nlattr *info, *data, *peer;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_if);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* VETH_INFO_PEER holds an ifinfomsg, then the peer's attributes. */
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, BRIDGE_INNER_NAME);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if (nl_request(nl, nlh) < 0) {
		nl_fail(nl, host_if, errno, "create veth pair with %s in the container",
			BRIDGE_INNER_NAME);
		return -1;
	}
	return 0;
}

/* Bridge port isolation: isolated ports forward only to ports that are
 * not, i.e. to the bridge itself, never to each other. The slave data is
 * read by the bridge the port belongs to, so this follows the enslaving. */
static int
port_set_isolated(struct nl *nl, const struct nl_link *port, bool isolated)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = port->index;
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, isolated);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if (nl_request(nl, nlh) < 0) {
		nl_fail(nl, port->name, errno, "set bridge port isolation %s",
			isolated ? "on" : "off");
		return -1;
	}
	return 0;
}

/* Puts "prefix: " before nl->err (or, for the inner namespace's socket,
 * before from's error). A long message loses its end, not its start. */
static void
err_prefix(struct nl *nl, const char *prefix, const char *from)
{
	char err[sizeof(nl->err)];
	int n;

	snprintf(err, sizeof(err), "%s", from);
	n = snprintf(nl->err, sizeof(nl->err), "%s: %s", prefix, err);
	if (n < 0 || (size_t)n >= sizeof(nl->err))
		nl->err[sizeof(nl->err) - 1] = '\0';
}

/*
 * In the container's namespace: no IPv6 router advertisements, on eth0 and
 * on links made later. A container could otherwise advertise itself to its
 * neighbours (icc: true) as their router, with a prefix of its choice; the
 * host sends none. /proc/sys/net is that of the thread that opens a file,
 * so the thread enters the container's namespace for it. A kernel without
 * IPv6 has nothing to turn off.
 */
static int
inner_no_ra(struct nl *nl, int netns_fd)
{
	static const char *const paths[] = {
	    "/proc/sys/net/ipv6/conf/default/accept_ra",
	    "/proc/sys/net/ipv6/conf/" BRIDGE_INNER_NAME "/accept_ra",
	};
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), err = 0;

	if (self < 0 || setns(netns_fd, CLONE_NEWNET) < 0) {
		err = errno;
		goto out;
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !err; i++) {
		int fd = open(paths[i], O_WRONLY | O_CLOEXEC);

		if (fd < 0 && errno != ENOENT)
			err = errno;
		if (fd >= 0 && write(fd, "0", 1) != 1)
			err = errno;
		if (fd >= 0)
			close(fd);
	}
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* running on in the container's namespace would be worse */
out:
	if (self >= 0)
		close(self);
	if (err) {
		nl_fail(nl, BRIDGE_INNER_NAME, err, "turn router advertisements off");
		return -1;
	}
	return 0;
}

/* Inside the container, with subnet6: the IPv6 address, without DAD (the
 * address is unique by construction, and DAD would keep the container from
 * using it for its first second), and the default route via the bridge. */
static int
inner_setup6(struct nl *in, const struct bridge *br, const struct nl_link *eth,
	     const struct ip_prefix *addr)
{
	struct nl_route def = {.dst = {.addr = {.family = AF_INET6}}};
	struct ip_prefix a6, gw6;
	bool changed = false, replaced = false;

	if (bridge_gateway6(br, &gw6) < 0)
		return 0;
	if (bridge_addr6(br, addr, &a6) < 0) {
		nl_fail(in, eth->name, EINVAL, "IPv6 address: subnet6 smaller than subnet");
		return -1;
	}
	def.gw = gw6.addr;
	if (nl_addr_add_nodad(in, eth, &a6, &changed) < 0 ||
	    nl_route_add(in, eth, &def, &changed, &replaced) < 0)
		return -1;
	return 0;
}

/* Inside the container: lo and eth0 up, the address, the default route;
 * the same for IPv6 with subnet6. */
static int
inner_setup(struct nl *nl, const struct bridge *br, int netns_fd, const struct ip_prefix *addr)
{
	struct nl in = {.dry_run = nl->dry_run};
	struct nl_link lo, eth;
	struct nl_route def = {.dst = {.addr = {.family = AF_INET}}};
	struct ip_prefix gw;
	bool changed = false, replaced = false;
	int r = -1;

	bridge_gateway(br, &gw);
	def.gw = gw.addr;
	if (nl_open_netns(&in, netns_fd) < 0)
		goto out;
	if (nl_link_by_name(&in, "lo", &lo) < 0 || nl_link_set_up(&in, &lo, &changed) < 0 ||
	    nl_link_by_name(&in, BRIDGE_INNER_NAME, &eth) < 0 ||
	    nl_addr_add(&in, &eth, addr, &changed) < 0 || nl_link_set_up(&in, &eth, &changed) < 0 ||
	    nl_route_add(&in, &eth, &def, &changed, &replaced) < 0 ||
	    inner_setup6(&in, br, &eth, addr) < 0)
		goto out;
	r = 0;
out:
	if (r < 0)
		err_prefix(nl, "in the container", in.err);
	nl_close(&in);
	return r;
}

int
bridge_attach(struct nl *nl, const struct bridge *br, const char *name, int netns_fd,
	      const struct ip_prefix *addr)
{
	char host_if[IF_NAMESIZE], what[128];
	struct nl_link bridge, port;
	bool changed = false;

	bridge_host_ifname(name, host_if);
	if (nl_link_by_name(nl, br->name, &bridge) < 0)
		goto fail;
	/* A host end still there belongs to an earlier start of the
	 * container whose namespace outlived it; its peer is not ours. */
	if (nl_link_del(nl, host_if, &changed) < 0 ||
	    veth_create(nl, host_if, bridge.index, netns_fd) < 0 ||
	    nl_link_by_name(nl, host_if, &port) < 0 || port_set_isolated(nl, &port, !br->icc) < 0 ||
	    inner_no_ra(nl, netns_fd) < 0 || nl_link_set_up(nl, &port, &changed) < 0 ||
	    inner_setup(nl, br, netns_fd, addr) < 0)
		goto fail;
	return 0;
fail:
	snprintf(what, sizeof(what), "container %s", name);
	err_prefix(nl, what, nl->err);
	return -1;
}

int
bridge_detach(struct nl *nl, const char *name, bool *changed)
{
	char host_if[IF_NAMESIZE];

	bridge_host_ifname(name, host_if);
	return nl_link_del(nl, host_if, changed);
}
