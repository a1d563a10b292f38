/* SPDX-License-Identifier: MIT */
/* netsetup's part of the container bridge: berth0 at boot, and attach/detach by hand. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/bridge.h"
#include "netsetup.h"

#define USED_MAX 256

static void
bridge_from_manifest(const struct manifest *m, struct bridge *br)
{
	br->name = BRIDGE_NAME;
	br->subnet = m->network.bridge.subnet;
	br->icc = m->network.bridge.icc;
	br->subnet6 = m->network.bridge.subnet6;
	if (!m->network.bridge.has_subnet6)
		br->subnet6.addr.family = 0;
}

void
ns_apply_bridge(struct nl *nl, const struct manifest *m)
{
	struct bridge br;
	struct ip_prefix gw;
	char s[2 * IP_PREFIX_STRLEN + 8];
	bool changed = false;

	bridge_from_manifest(m, &br);
	if (bridge_ensure(nl, &br, &changed) < 0) {
		ns_failed("%s", nl->err);
		return;
	}
	if (changed) {
		bridge_gateway(&br, &gw);
		ip_prefix_format(&gw, s, sizeof(s));
		if (bridge_gateway6(&br, &gw) == 0) {
			size_t n = strlen(s);

			snprintf(s + n, sizeof(s) - n, " and ");
			n = strlen(s);
			ip_prefix_format(&gw, s + n, sizeof(s) - n);
		}
		ns_changed("%s: %s with %s", br.name, ns_verb("set up", "would set up"), s);
	}
}

/* netsetup bridge-attach NAME NETNS-PATH [USED-ADDRESS...]: what the
 * supervisor does for a container on the bridge, by hand (tests, debugging). */
int
ns_cmd_bridge_attach(struct nl *nl, const struct manifest *m, int argc, char **argv)
{
	struct ip_addr used[USED_MAX];
	struct ip_prefix addr, addr6;
	struct bridge br;
	char s[IP_PREFIX_STRLEN], s6[IP_PREFIX_STRLEN] = "", host_if[IF_NAMESIZE];
	const char *why;
	int i, fd, r;

	if (argc < 2 || argc - 2 > USED_MAX)
		return 2;
	for (i = 2; i < argc; i++)
		if (ip_addr_parse(argv[i], &used[i - 2], &why) < 0) {
			ns_failed("%s: not an address: %s", argv[i], why);
			return 1;
		}
	bridge_from_manifest(m, &br);
	if (bridge_addr_alloc(&br, argv[0], used, (size_t)(argc - 2), &addr) < 0) {
		ip_prefix_format(&br.subnet, s, sizeof(s));
		ns_failed("container %s: no free address in %s", argv[0], s);
		return 1;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ns_failed("%s: open: %s", argv[1], strerror(errno));
		return 1;
	}
	ns_apply_bridge(nl, m);
	r = bridge_attach(nl, &br, argv[0], fd, &addr);
	close(fd);
	if (r < 0) {
		ns_failed("%s", nl->err);
		return 1;
	}
	bridge_host_ifname(argv[0], host_if);
	ip_prefix_format(&addr, s, sizeof(s));
	if (bridge_addr6(&br, &addr, &addr6) == 0)
		ip_prefix_format(&addr6, s6, sizeof(s6));
	ns_changed("container %s: attached %s %s%s%s to %s by %s%s", argv[0], BRIDGE_INNER_NAME, s,
		   s6[0] ? " and " : "", s6, br.name, host_if, br.icc ? "" : " (isolated)");
	return 0;
}

/* netsetup bridge-detach NAME */
int
ns_cmd_bridge_detach(struct nl *nl, int argc, char **argv)
{
	bool changed = false;

	if (argc != 1)
		return 2;
	if (bridge_detach(nl, argv[0], &changed) < 0) {
		ns_failed("container %s: %s", argv[0], nl->err);
		return 1;
	}
	if (changed)
		ns_changed("container %s: detached from %s", argv[0], BRIDGE_NAME);
	return 0;
}
