/* SPDX-License-Identifier: MIT */
/* The container bridge: berth0, one veth pair per container, stable addresses. */
#ifndef BERTH_BRIDGE_H
#define BERTH_BRIDGE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/netaddr.h"
#include "net/netlink.h"

/* The host ends of the containers' veth pairs: "vb" and 8 hex digits
 * (the firewall's bridge table matches the prefix). */
#define BRIDGE_PORT_PREFIX "vb"
#define BRIDGE_NAME "berth0"
/* The name of a container's interface inside its network namespace. */
#define BRIDGE_INNER_NAME "eth0"

struct bridge {
	const char *name;	  /* BRIDGE_NAME */
	struct ip_prefix subnet;  /* IPv4; the bridge has its first address */
	bool icc;		  /* may containers reach each other? */
	struct ip_prefix subnet6; /* IPv6 too, when its family is AF_INET6 */
};

/* The bridge's own address: the subnet's first, 172.31.0.1/24. */
void bridge_gateway(const struct bridge *br, struct ip_prefix *out);
/* Its IPv6 address, the first of subnet6: 2001:db8:ff::1/64. -1 without subnet6. */
int bridge_gateway6(const struct bridge *br, struct ip_prefix *out);

/*
 * The IPv6 address of the container at IPv4 address addr: subnet6's
 * network plus addr's host part (172.31.0.57/24 -> 2001:db8:ff::39/64), so
 * it is as stable and as unique as the IPv4 one and needs no allocation of
 * its own. -1 without subnet6 or when subnet6 has fewer host bits than
 * subnet (the manifest check refuses that).
 */
int bridge_addr6(const struct bridge *br, const struct ip_prefix *addr, struct ip_prefix *out);

/*
 * The address of container name: a hash of the name picks a host address
 * (neither the network, the bridge's, nor the broadcast address); one in
 * used[] makes it try the next, so the same name with the same neighbours
 * gets the same address on every start. Returns -1 when the subnet has no
 * free address left or is not an IPv4 subnet with room for one.
 */
int bridge_addr_alloc(const struct bridge *br, const char *name, const struct ip_addr *used,
		      size_t n_used, struct ip_prefix *out);

/* The host end of container name's veth pair: "vb" and 8 hex digits of a
 * hash of the name, as interface names are limited to 15 bytes. */
void bridge_host_ifname(const char *name, char out[IF_NAMESIZE]);

/* Creates the bridge unless there, gives it its address (and its IPv6
 * one) and sets it up. */
int bridge_ensure(struct nl *nl, const struct bridge *br, bool *changed);

/*
 * Connects the network namespace netns_fd (of container name) to the
 * bridge: a veth pair whose inner end is created in that namespace as
 * eth0, with *addr (from bridge_addr_alloc) and a default route via the
 * bridge, and with subnet6 also bridge_addr6's address and an IPv6 default
 * route; the host end joins the bridge, isolated unless br->icc. A host
 * end left from an earlier start of the container is replaced. Errors, in
 * nl->err, name the container's interface and the operation.
 */
int bridge_attach(struct nl *nl, const struct bridge *br, const char *name, int netns_fd,
		  const struct ip_prefix *addr);

/* Removes the container's veth pair (both ends go together). */
int bridge_detach(struct nl *nl, const char *name, bool *changed);

#endif
