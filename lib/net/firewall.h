/* SPDX-License-Identifier: MIT */
/* The host firewall: berth's nftables table "inet berth", built with libnftnl. */
#ifndef BERTH_FIREWALL_H
#define BERTH_FIREWALL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/netaddr.h"
#include "manifest/portspec.h"

#define FIREWALL_TABLE "berth"
/* The prefixes of the kernel log lines of dropped packets: inbound to the
 * host, and between containers on the bridge. */
#define FIREWALL_LOG_PREFIX "berth-drop: "
#define FIREWALL_LOG_PREFIX_ICC "berth-drop icc: "
/* The maps of published ports, there when cfg->bridge is: keyed by
 * protocol and port (every host address), and by host address, protocol
 * and port; the value is the container's address and port. */
#define FIREWALL_MAP_PORTS "published"
#define FIREWALL_MAP_PORTS_IP "published_ip"
/* Ports (a range counts each) one container may publish: one batch. */
#define FIREWALL_PORTS_MAX 1024
#define FIREWALL_PORTS_MAX_STR "1024"

/* Inbound traffic let in: proto IPPROTO_TCP or IPPROTO_UDP, destination
 * ports port_lo..port_hi (equal for one port), from src (src.addr.family 0: any). */
struct firewall_allow {
	int proto;
	unsigned short port_lo, port_hi;
	struct ip_prefix src;
};

struct firewall_config {
	const struct firewall_allow *allow;
	size_t n_allow;
	bool inbound_accept; /* the manifest's "inbound: accept": no input filter */
	bool dhcp;	/* some interface runs a DHCP client: let its replies in */
	bool accept_ra; /* some interface takes IPv6 router advertisements */
	/* Container bridge: name NULL for none; IPv4 subnet; IPv6 subnet
	 * (family 0: none); inter-container traffic allowed? */
	const char *bridge;
	struct ip_prefix bridge_subnet;
	struct ip_prefix bridge_subnet6;
	bool icc;
	bool log_drops; /* logging.firewall: drops: rate-limited kernel log lines */
};

/* What the ruleset drops, counted by a rule counter each (named counter
 * objects would need the kernel's objref expression, which berth's kernel
 * leaves out): the rule is found again by its comment. */
enum firewall_drop {
	FWC_INBOUND, /* to the host, not allowed (input chain) */
	FWC_ICC,     /* between containers, icc: false (forward chain) */
	FWC_FORWARD, /* routed, not published, not a reply (forward chain) */
	FWC_N
};
struct firewall_counter {
	bool present; /* the rule is loaded */
	unsigned long long packets, bytes;
};
/* The JSON key of a counter: "inbound", "inter_container", "forward". */
const char *firewall_drop_str(enum firewall_drop d);
/* Reads the drop counters of the loaded table, in one rule dump; a missing
 * table or rule leaves its counter not present. 0, or -1 with err. */
int firewall_drops_read(struct firewall_counter out[FWC_N], char *err, size_t errlen);

/*
 * Replaces table inet berth with the ruleset for cfg in one nftables batch:
 * the kernel applies all of it or, on any error, none of it, so a failure
 * leaves the previous ruleset in place. The table's comment carries a
 * fingerprint of the ruleset; when the loaded table has the same, nothing is
 * sent and *changed stays false. dry_run: only tell whether it would change.
 * Returns 0, or -1 with err saying what failed and the kernel's reason.
 */
int firewall_apply(const struct firewall_config *cfg, bool dry_run, bool *changed, char *err,
		   size_t errlen);

/*
 * Published ports of a container at IPv4 address to: one batch that adds
 * the map elements (each port of a range is one). flush first empties both
 * maps in the same batch (the supervisor's first start: elements left by an
 * earlier run would clash). A port already published by another element
 * fails the whole batch (EEXIST). Mappings that are not publishable are
 * skipped. Returns 0, or -1 with err saying what failed and why.
 */
int firewall_ports_add(const struct port_map *ports, size_t n, const struct ip_addr *to,
		       bool flush, char *err, size_t errlen);
/* Removes the elements of ports, in one batch. */
int firewall_ports_del(const struct port_map *ports, size_t n, char *err, size_t errlen);
/* The maps DNAT to a container's IPv4 address: a mapping for an IPv6 host
 * address (other than "::") cannot be published. */
bool firewall_port_publishable(const struct port_map *p);

#endif
