/* SPDX-License-Identifier: MIT */
/* The host firewall: berth's nftables table "inet berth", built with libnftnl. */
#ifndef BERTH_FIREWALL_H
#define BERTH_FIREWALL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "netaddr.h"

#define FIREWALL_TABLE "berth"
/* The prefix of the kernel log line of a dropped inbound packet. */
#define FIREWALL_LOG_PREFIX "berth-drop: "

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
	/* Container bridge: name NULL for none; IPv4 subnet; inter-container
	 * traffic allowed? */
	const char *bridge;
	struct ip_prefix bridge_subnet;
	bool icc;
};

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

#endif
