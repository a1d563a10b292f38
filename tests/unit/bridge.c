/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/net/bridge.c's pure parts: address allocation and host interface names. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/bridge.h"
#include "check.h"

static struct bridge
bridge_of(const char *subnet)
{
	struct bridge br = {.name = BRIDGE_NAME};
	const char *why;

	ip_prefix_parse(subnet, IP_PREFIX_SUBNET, &br.subnet, &why);
	return br;
}

static const char *
fmt(const struct ip_prefix *p)
{
	static char buf[IP_PREFIX_STRLEN];

	ip_prefix_format(p, buf, sizeof(buf));
	return buf;
}

int
main(void)
{
	struct bridge br = bridge_of("172.31.0.0/24"), tiny = bridge_of("172.31.0.0/30");
	struct ip_prefix a, b, gw;
	struct ip_addr used[253];
	char first[IP_PREFIX_STRLEN], n1[IF_NAMESIZE], n2[IF_NAMESIZE];
	const char *why;
	size_t i;
	int ok;

	bridge_gateway(&br, &gw);
	CHECK_STR(fmt(&gw), "172.31.0.1/24", "the bridge has the subnet's first address");

	CHECK(bridge_addr_alloc(&br, "web", NULL, 0, &a) == 0, "web gets an address");
	snprintf(first, sizeof(first), "%s", fmt(&a));
	CHECK(bridge_addr_alloc(&br, "web", NULL, 0, &b) == 0 && strcmp(fmt(&b), first) == 0,
	      "web gets the same address again");
	CHECK(bridge_addr_alloc(&br, "db", NULL, 0, &b) == 0 && strcmp(fmt(&b), first) != 0,
	      "db gets another address than web");

	used[0] = a.addr;
	CHECK(bridge_addr_alloc(&br, "web", used, 1, &b) == 0 && strcmp(fmt(&b), first) != 0,
	      "web's address in use: another one");

	/* Every name over all 253 free addresses: never network, bridge or broadcast. */
	ok = 1;
	for (i = 0; i < 253; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%zu", i);
		if (bridge_addr_alloc(&br, name, used, i, &b) < 0 || b.addr.a[3] < 2 ||
		    b.addr.a[3] > 254) {
			ok = 0;
			break;
		}
		used[i] = b.addr;
	}
	CHECK(ok, "253 containers fill 172.31.0.2 to .254");
	CHECK(bridge_addr_alloc(&br, "one-more", used, 253, &b) < 0, "a full subnet is an error");

	CHECK(bridge_addr_alloc(&tiny, "x", NULL, 0, &b) == 0 &&
		  strcmp(fmt(&b), "172.31.0.2/30") == 0,
	      "a /30 has one container address");
	tiny = bridge_of("172.31.0.0/31");
	CHECK(bridge_addr_alloc(&tiny, "x", NULL, 0, &b) < 0, "a /31 has none");
	tiny = bridge_of("2001:db8::/64");
	CHECK(bridge_addr_alloc(&tiny, "x", NULL, 0, &b) < 0, "an IPv6 subnet is refused");

	/* IPv6: subnet6's network plus the IPv4 host part. */
	br = bridge_of("172.31.0.0/24");
	CHECK(bridge_gateway6(&br, &gw) < 0, "no subnet6: no IPv6 gateway");
	ip_prefix_parse("172.31.0.57/24", 0, &a, &why);
	CHECK(bridge_addr6(&br, &a, &b) < 0, "no subnet6: no IPv6 address");
	ip_prefix_parse("2001:db8:ff::/64", IP_PREFIX_SUBNET, &br.subnet6, &why);
	CHECK(bridge_gateway6(&br, &gw) == 0, "subnet6: an IPv6 gateway");
	CHECK_STR(fmt(&gw), "2001:db8:ff::1/64", "the bridge has subnet6's first address");
	CHECK(bridge_addr6(&br, &a, &b) == 0, "subnet6: an IPv6 address");
	CHECK_STR(fmt(&b), "2001:db8:ff::39/64", "172.31.0.57 -> 2001:db8:ff::39");
	br = bridge_of("10.20.0.0/16");
	ip_prefix_parse("fd00:b::/112", IP_PREFIX_SUBNET, &br.subnet6, &why);
	ip_prefix_parse("10.20.3.4/16", 0, &a, &why);
	CHECK(bridge_addr6(&br, &a, &b) == 0, "a /112 holds a /16's host part");
	CHECK_STR(fmt(&b), "fd00:b::304/112", "10.20.3.4/16 -> fd00:b::304/112");
	ip_prefix_parse("fd00:b::/120", IP_PREFIX_SUBNET, &br.subnet6, &why);
	CHECK(bridge_addr6(&br, &a, &b) < 0, "a /120 cannot hold a /16's host part");

	bridge_host_ifname("web", n1);
	bridge_host_ifname("db", n2);
	CHECK(strlen(n1) == 10 && strncmp(n1, "vb", 2) == 0, "host end name \"%s\" fits", n1);
	CHECK(strcmp(n1, n2) != 0, "host end names differ per container");
	CHECK_EXIT();
}
