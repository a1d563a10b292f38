/* SPDX-License-Identifier: MIT */
/* netsetup: applies the manifest's network and host sections, printing what it changed. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/bridge.h"
#include "net/firewall.h"
#include "net/netlink.h"
#include "netsetup.h"
#include "update/paths.h"
#include "net/sysctl.h"

bool ns_dry_run;
static bool failed;

void
ns_changed(const char *fmt, ...)
{
	va_list ap;

	printf("netsetup: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void
ns_failed(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "netsetup: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	failed = true;
}

int
ns_exit_status(void)
{
	return failed ? 1 : 0;
}

const char *
ns_verb(const char *done, const char *would)
{
	return ns_dry_run ? would : done;
}

/* Machine-wide sysctls are set only from the host's own network namespace
 * (PID 1's): netsetup run in another one, as the tests do, must not change
 * the whole machine. */
static bool
in_host_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0 || stat("/proc/1/ns/net", &init) < 0)
		return false;
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

static bool
uses_bridge(const struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->n_containers; i++)
		if (m->containers[i].network_mode == NET_BRIDGE)
			return true;
	return false;
}

static bool
forwards_ipv6(const struct manifest *m)
{
	return uses_bridge(m) && m->network.bridge.has_subnet6;
}

/* The links of the manifest's interfaces, found by name or MAC; index 0
 * for those not found (reported). A MAC that matches nothing is most
 * likely a typo or a changed NIC: the message points at the manifest. */
static void
find_links(struct nl *nl, const char *path, const struct manifest *m, struct nl_link *links)
{
	char mac[MAC_STRLEN];
	size_t i;

	for (i = 0; i < m->network.n_interfaces; i++) {
		const struct interface *in = &m->network.interfaces[i];
		int r = in->match_mac ? nl_link_by_mac(nl, in->mac.b, &links[i])
				      : nl_link_by_name(nl, in->name, &links[i]);

		if (r == 0)
			continue;
		links[i].index = 0;
		if (in->match_mac && errno == ENODEV) {
			mac_format(&in->mac, mac, sizeof(mac));
			ns_failed("%s:%u:%u: match mac %s: no interface has this MAC address; "
				  "its addresses and routes are not applied",
				  path, in->pos.line, in->pos.col, mac);
		} else {
			ns_failed("%s", nl->err);
		}
	}
}

static void
apply_sysctls(const struct manifest *m, const struct nl_link *links)
{
	bool forwarding = uses_bridge(m);
	struct sysctl_list l = {0};
	char err[512], name[SYSCTL_KEY_MAX];
	size_t i;

	if (sysctl_list_add_hardened(&l, in_host_netns(), forwarding, err, sizeof(err)) < 0) {
		ns_failed("%s", err);
		goto out;
	}
	/* IPv6 is routed only for containers with IPv6 addresses. Written
	 * before accept_ra: forwarding changes what accept_ra 1 means. */
	if (sysctl_list_set(&l, "net.ipv6.conf.all.forwarding", forwards_ipv6(m) ? "1" : "0") < 0)
		ns_failed("sysctl net.ipv6.conf.all.forwarding: cannot add: %s", strerror(errno));
	/* An IPv6 router ignores advertisements unless accept_ra is 2. */
	for (i = 0; i < m->network.n_interfaces; i++) {
		if (!m->network.interfaces[i].accept_ra || !links[i].index)
			continue;
		char ifname[IF_NAMESIZE];

		/* In a dotted sysctl name, eth0.10 is written eth0/10. */
		snprintf(ifname, sizeof(ifname), "%s", links[i].name);
		for (char *p = ifname; *p; p++)
			if (*p == '.')
				*p = '/';
		snprintf(name, sizeof(name), "net.ipv6.conf.%s.accept_ra", ifname);
		if (sysctl_list_set(&l, name, forwards_ipv6(m) ? "2" : "1") < 0)
			ns_failed("sysctl %s: cannot add: %s", name, strerror(errno));
	}
	for (i = 0; i < m->host.n_sysctls; i++)
		if (sysctl_list_set(&l, m->host.sysctls[i].key, m->host.sysctls[i].value) < 0)
			ns_failed("sysctl %s: not a valid name or value", m->host.sysctls[i].key);
	for (i = 0; i < l.n; i++) {
		bool changed = false;

		if (sysctl_apply(l.v[i].name, l.v[i].value, ns_dry_run, &changed, err,
				 sizeof(err)) < 0)
			ns_failed("%s", err);
		else if (changed)
			ns_changed("sysctl %s %s %s", l.v[i].name, ns_verb("=", "would be"),
				   l.v[i].value);
	}
out:
	sysctl_list_free(&l);
}

static void
apply_firewall(const struct manifest *m)
{
	const struct network_cfg *net = &m->network;
	struct firewall_allow *allow = calloc(net->firewall.n_allow + 1, sizeof(*allow));
	struct firewall_config cfg = {0};
	bool changed = false;
	char err[1024];
	size_t i;

	if (!allow) {
		ns_failed("firewall: %s", strerror(errno));
		return;
	}
	cfg.inbound_accept = net->firewall.inbound == FW_ACCEPT;
	cfg.log_drops = m->logging.firewall == LOG_FW_DROPS;
	for (i = 0; i < net->firewall.n_allow; i++) {
		const struct fw_rule *r = &net->firewall.allow[i];

		allow[i] = (struct firewall_allow){.proto = r->proto, .port_lo = r->port_lo,
						   .port_hi = r->port_hi};
		if (r->has_from)
			allow[i].src = r->from;
		cfg.n_allow++;
	}
	cfg.allow = allow;
	for (i = 0; i < net->n_interfaces; i++) {
		cfg.dhcp |= net->interfaces[i].dhcp;
		cfg.accept_ra |= net->interfaces[i].accept_ra;
	}
	if (uses_bridge(m)) {
		cfg.bridge = BRIDGE_NAME;
		cfg.bridge_subnet = net->bridge.subnet;
		if (net->bridge.has_subnet6)
			cfg.bridge_subnet6 = net->bridge.subnet6;
		cfg.icc = net->bridge.icc;
	}
	if (firewall_apply(&cfg, ns_dry_run, &changed, err, sizeof(err)) < 0)
		ns_failed("%s", err);
	else if (changed)
		ns_changed("firewall: %s table inet %s", ns_verb("loaded", "would load"),
			   FIREWALL_TABLE);
	free(allow);
}

static void
apply_interface(struct nl *nl, const struct interface *in, const struct nl_link *link)
{
	char s[IP_PREFIX_STRLEN], rs[160];
	bool changed = false, replaced = false;
	size_t i;

	if (in->mtu) {
		if (nl_link_set_mtu(nl, link, in->mtu, &changed) < 0)
			ns_failed("%s", nl->err);
		else if (changed)
			ns_changed("%s: %s %u", link->name, ns_verb("set mtu", "would set mtu"),
				   in->mtu);
	}
	changed = false;
	if (nl_link_set_up(nl, link, &changed) < 0) {
		ns_failed("%s", nl->err);
		return;
	}
	if (changed)
		ns_changed("%s: %s", link->name, ns_verb("set up", "would set up"));
	for (i = 0; i < in->n_addresses; i++) {
		const struct ip_prefix *a = &in->addresses[i].prefix;

		changed = false;
		if (nl_addr_add(nl, link, a, &changed) < 0) {
			ns_failed("%s", nl->err);
		} else if (changed) {
			ip_prefix_format(a, s, sizeof(s));
			ns_changed("%s: %s %s", link->name, ns_verb("added", "would add"), s);
		}
	}
	for (i = 0; i < in->n_routes; i++) {
		const struct route *r = &in->routes[i];
		struct nl_route nr = {.dst = r->to, .metric = r->metric};

		if (r->has_via)
			nr.gw = r->via;
		changed = replaced = false;
		if (nl_route_add(nl, link, &nr, &changed, &replaced) < 0)
			ns_failed("%s", nl->err);
		else if (changed)
			ns_changed("%s: %s route %s", link->name,
				   replaced ? ns_verb("replaced", "would replace")
					    : ns_verb("added", "would add"),
				   nl_route_str(&nr, rs, sizeof(rs)));
	}
}

static void
apply_links(struct nl *nl, const struct manifest *m, const struct nl_link *links)
{
	struct nl_link lo;
	bool changed = false;
	size_t i;

	if (nl_link_by_name(nl, "lo", &lo) < 0 || nl_link_set_up(nl, &lo, &changed) < 0)
		ns_failed("%s", nl->err);
	else if (changed)
		ns_changed("lo: %s", ns_verb("set up", "would set up"));
	for (i = 0; i < m->network.n_interfaces; i++)
		if (links[i].index)
			apply_interface(nl, &m->network.interfaces[i], &links[i]);
}

static int
usage(void)
{
	fprintf(stderr, "usage: netsetup [--manifest FILE] [--dry-run]\n"
			"       netsetup [--manifest FILE] bridge-attach NAME NETNS-PATH [USED-ADDRESS...]\n"
			"       netsetup bridge-detach NAME\n"
			"       interface=IFACE reason=REASON netsetup %s\n",
		NS_DHCP_HOOK);
	return 2;
}

static int
load(const char *path, struct manifest *m)
{
	struct diag d;
	int r = manifest_parse_file(path, m, &d);

	if (r < 0) {
		for (size_t k = 0; k < d.n; k++)
			fprintf(stderr, "netsetup: %s:%u:%u: %s\n", path, d.v[k].line, d.v[k].col,
				d.v[k].msg);
		if (d.n == 0)
			fprintf(stderr, "netsetup: %s: not a valid manifest\n", path);
		manifest_free(m);
	}
	diag_free(&d);
	return r;
}

/* Boot: everything the manifest says, in the order of docs/network.md. */
static int
apply(const char *path)
{
	struct nl_link *links = NULL;
	struct manifest m;
	struct nl nl = {.dry_run = ns_dry_run};

	if (load(path, &m) < 0)
		return 1;
	links = calloc(m.network.n_interfaces + 1, sizeof(*links));
	if (!links || nl_open(&nl) < 0) {
		ns_failed("%s", links ? nl.err : strerror(errno));
		goto out;
	}
	/* Hardened sysctls and the firewall go first, so that no interface
	 * is up before they are in force. */
	find_links(&nl, path, &m, links);
	apply_sysctls(&m, links);
	apply_firewall(&m);
	apply_links(&nl, &m, links);
	if (uses_bridge(&m))
		ns_apply_bridge(&nl, &m);
	ns_apply_files(&m);
	ns_start_dhcp(&m, links);
	ns_start_ntp(&m, in_host_netns());
out:
	nl_close(&nl);
	free(links);
	manifest_free(&m);
	return ns_exit_status();
}

/* The bridge commands, which the supervisor's container start runs as
 * library calls; here for tests and for debugging by hand. */
static int
command(const char *path, int argc, char **argv)
{
	struct nl nl = {0};
	struct manifest m;
	int r;

	if (strcmp(argv[0], "bridge-detach") != 0 && strcmp(argv[0], "bridge-attach") != 0)
		return usage();
	if (nl_open(&nl) < 0) {
		ns_failed("%s", nl.err);
		return 1;
	}
	if (strcmp(argv[0], "bridge-detach") == 0) {
		r = ns_cmd_bridge_detach(&nl, argc - 1, argv + 1);
	} else if (load(path, &m) < 0) {
		r = 1;
	} else {
		r = ns_cmd_bridge_attach(&nl, &m, argc - 1, argv + 1);
		manifest_free(&m);
	}
	nl_close(&nl);
	return r == 2 ? usage() : r;
}

int
main(int argc, char **argv)
{
	const char *path = NULL, *base = strrchr(argv[0], '/');
	int i, r;

	/* dhcpcd runs its hook with no arguments. */
	if (strcmp(base ? base + 1 : argv[0], NS_DHCP_HOOK) == 0)
		return argc == 1 ? ns_dhcp_event() : usage();
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--manifest") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0)
			ns_dry_run = true;
		else
			return usage();
	}
	if (!path)
		path = manifest_default_path();
	if (i == argc)
		r = apply(path);
	else if (strcmp(argv[i], NS_DHCP_HOOK) == 0)
		r = argc == i + 1 ? ns_dhcp_event() : usage();
	else if (ns_dry_run)
		r = usage();
	else
		r = command(path, argc - i, argv + i);
	fflush(stdout);
	return r;
}
