/* SPDX-License-Identifier: MIT */
/* The DHCP hook: dhcpcd's events (BOUND, RENEW, EXPIRE, ...) applied over netlink. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netsetup.h"

#define LEASE_DNS_MAX MANIFEST_MAX_NAMESERVERS

struct lease {
	struct ip_prefix addr;
	struct ip_addr router; /* family 0: none */
	unsigned int seconds;  /* 0: none given, the address is permanent */
	unsigned int mtu;      /* 0: none given */
	struct ip_addr dns[LEASE_DNS_MAX];
	size_t n_dns;
	char domain[254]; /* "" or a DNS name */
};

static bool
v4_parse(const char *s, struct ip_addr *out)
{
	const char *why;

	return s && ip_addr_parse(s, out, &why) == 0 && out->family == AF_INET;
}

static bool
uint_parse(const char *s, unsigned long min, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* The prefix length: dhcpcd gives new_subnet_cidr (24) and new_subnet_mask
 * (255.255.255.0). */
static bool
mask_parse(unsigned int *len)
{
	struct ip_addr m;
	uint32_t v;

	if (uint_parse(getenv("new_subnet_cidr"), 1, 32, len))
		return true;
	if (!v4_parse(getenv("new_subnet_mask"), &m))
		return false;
	v = (uint32_t)m.a[0] << 24 | (uint32_t)m.a[1] << 16 | (uint32_t)m.a[2] << 8 | m.a[3];
	for (*len = 0; v & 0x80000000u; v <<= 1)
		(*len)++;
	return v == 0 && *len > 0; /* contiguous */
}

/* The first word of a space-separated list, as dhcpcd writes them. */
static bool
first_v4(const char *list, struct ip_addr *out)
{
	char w[IP_ADDR_STRLEN];

	return list && sscanf(list, "%45s", w) == 1 && v4_parse(w, out);
}

static void
dns_parse(struct lease *l)
{
	const char *list = getenv("new_domain_name_servers"), *p = list;
	char w[IP_ADDR_STRLEN];
	int used;

	while (p && l->n_dns < LEASE_DNS_MAX && sscanf(p, "%45s%n", w, &used) == 1) {
		p += used;
		if (v4_parse(w, &l->dns[l->n_dns]))
			l->n_dns++;
	}
}

/* A domain goes into resolv.conf: letters, digits, '-' and '.' only. */
static void
domain_parse(struct lease *l)
{
	const char *d = getenv("new_domain_search");
	size_t i;

	if (!d)
		d = getenv("new_domain_name");
	if (!d || sscanf(d, "%253s", l->domain) != 1)
		return;
	for (i = 0; l->domain[i]; i++)
		if (!isalnum((unsigned char)l->domain[i]) && !strchr("-.", l->domain[i]))
			l->domain[0] = '\0';
}

static int
lease_from_env(struct lease *l)
{
	memset(l, 0, sizeof(*l));
	if (!v4_parse(getenv("new_ip_address"), &l->addr.addr) || !mask_parse(&l->addr.len))
		return -1;
	first_v4(getenv("new_routers"), &l->router);
	/* The kernel's "forever" is 0xffffffff, as is an infinite lease's
	 * time; dhcpcd renews at half time, long before the kernel's timer
	 * removes the address. */
	uint_parse(getenv("new_dhcp_lease_time"), 1, 0xfffffffeu, &l->seconds);
	uint_parse(getenv("new_interface_mtu"), 576, 65535, &l->mtu);
	dns_parse(l);
	domain_parse(l);
	return 0;
}

/* What was applied, so that deconfig and a changed lease know what to
 * remove: "192.0.2.100/24 192.0.2.1" (or "-" for no router). */
static int
saved_read(const char *ifname, struct lease *l)
{
	char path[128], buf[128], a[IP_PREFIX_STRLEN], r[IP_ADDR_STRLEN];
	const char *why;
	FILE *f;
	int ok;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/dhcp-%s.lease", RUN_DIR, ifname);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%49s %45s", a, r) == 2 &&
	     ip_prefix_parse(a, 0, &l->addr, &why) == 0 &&
	     (strcmp(r, "-") == 0 || v4_parse(r, &l->router));
	fclose(f);
	return ok ? 0 : -1;
}

static void
saved_write(const char *ifname, const struct lease *l)
{
	char path[128], buf[128], a[IP_PREFIX_STRLEN], r[IP_ADDR_STRLEN] = "-", err[512];
	bool changed = false;

	snprintf(path, sizeof(path), "%s/dhcp-%s.lease", RUN_DIR, ifname);
	ip_prefix_format(&l->addr, a, sizeof(a));
	if (l->router.family)
		ip_addr_format(&l->router, r, sizeof(r));
	snprintf(buf, sizeof(buf), "%s %s\n", a, r);
	if (ns_write_file(path, buf, &changed, err, sizeof(err)) < 0)
		ns_failed("%s", err);
}

static void
default_route(struct nl_route *r, const struct ip_addr *gw)
{
	memset(r, 0, sizeof(*r));
	r->dst.addr.family = AF_INET;
	r->gw = *gw;
	r->protocol = RTPROT_DHCP;
}

/* Removes old's address and route where the new lease (NULL: none)
 * differs. */
static void
lease_remove(struct nl *nl, const struct nl_link *link, const struct lease *old,
	     const struct lease *new)
{
	char s[IP_PREFIX_STRLEN], rs[160];
	struct nl_route r;
	bool changed = false;

	if (old->router.family && (!new || !ip_addr_equal(&old->router, &new->router))) {
		default_route(&r, &old->router);
		if (nl_route_del(nl, link, &r, &changed) < 0)
			ns_failed("%s", nl->err);
		else if (changed)
			ns_changed("%s: removed route %s", link->name,
				   nl_route_str(&r, rs, sizeof(rs)));
	}
	if (new && old->addr.len == new->addr.len &&
	    ip_addr_equal(&old->addr.addr, &new->addr.addr))
		return;
	changed = false;
	ip_prefix_format(&old->addr, s, sizeof(s));
	if (nl_addr_del(nl, link, &old->addr, &changed) < 0)
		ns_failed("%s", nl->err);
	else if (changed)
		ns_changed("%s: removed %s", link->name, s);
}

static void
resolv_write(const char *ifname, const struct lease *l)
{
	char buf[1024], a[IP_ADDR_STRLEN], err[512];
	size_t len, i;
	bool changed = false;

	if (!l->n_dns || !getenv(NS_DHCP_ENV_DNS) || strcmp(getenv(NS_DHCP_ENV_DNS), "1") != 0)
		return;
	len = (size_t)snprintf(buf, sizeof(buf),
			       "# written by netsetup from the DHCP lease on %s\n", ifname);
	for (i = 0; i < l->n_dns; i++) {
		ip_addr_format(&l->dns[i], a, sizeof(a));
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "nameserver %s\n", a);
	}
	/* 3 nameservers and a 253-byte domain fit in buf. */
	if (l->domain[0])
		snprintf(buf + len, sizeof(buf) - len, "search %s\n", l->domain);
	if (ns_write_file(RUN_DIR "/resolv.conf", buf, &changed, err, sizeof(err)) < 0)
		ns_failed("%s", err);
	else if (changed)
		ns_changed("wrote %s/resolv.conf", RUN_DIR);
}

static void
lease_apply(struct nl *nl, const struct nl_link *link, const struct lease *l)
{
	char s[IP_PREFIX_STRLEN], rs[160];
	struct lease old;
	struct nl_route r;
	bool changed = false, replaced = false;

	if (saved_read(link->name, &old) == 0)
		lease_remove(nl, link, &old, l);
	if (l->mtu) {
		if (nl_link_set_mtu(nl, link, l->mtu, &changed) < 0)
			ns_failed("%s", nl->err);
		else if (changed)
			ns_changed("%s: set mtu %u", link->name, l->mtu);
		changed = false;
	}
	if (nl_addr_put_lease(nl, link, &l->addr, l->seconds, &changed) < 0) {
		ns_failed("%s", nl->err);
		return;
	}
	ip_prefix_format(&l->addr, s, sizeof(s));
	if (changed)
		ns_changed("%s: added %s (DHCP, %u s)", link->name, s, l->seconds);
	saved_write(link->name, l);
	if (l->router.family) {
		changed = false;
		default_route(&r, &l->router);
		if (nl_route_add(nl, link, &r, &changed, &replaced) < 0)
			ns_failed("%s", nl->err);
		else if (changed)
			ns_changed("%s: %s route %s", link->name, replaced ? "replaced" : "added",
				   nl_route_str(&r, rs, sizeof(rs)));
	}
	resolv_write(link->name, l);
	ns_dhcp_ntp(link->name, false);
}

/* What the hook does for each of dhcpcd's reasons (dhcpcd-run-hooks(8));
 * a reason not listed is only a notice. */
enum lease_action { LEASE_IGNORE, LEASE_APPLY, LEASE_DROP };

/* clang-format off */
static const struct {
	const char *reason;
	enum lease_action action;
} reasons[] = {
	/* A lease, new or again: the new_ variables hold it. */
	{"BOUND", LEASE_APPLY},
	{"RENEW", LEASE_APPLY},
	{"REBIND", LEASE_APPLY},
	{"REBOOT", LEASE_APPLY},
	/* The lease is gone: dhcpcd starts asking again. */
	{"EXPIRE", LEASE_DROP},
	{"NAK", LEASE_DROP},
	{"RELEASE", LEASE_DROP},
	{"DEPARTED", LEASE_DROP},
	/* Not listed, so kept: NOCARRIER (a blip must not cut connections;
	 * dhcpcd confirms the lease when the carrier returns, and a NAK then
	 * drops it) and STOP (the client stops, run with --persistent: the
	 * address lives out its lifetime, and a new client confirms it). */
};
/* clang-format on */

static enum lease_action
lease_action_of(const char *reason)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reason, reasons[i].reason) == 0)
			return reasons[i].action;
	return LEASE_IGNORE;
}

/* link NULL: the interface is gone, and its addresses and routes with it. */
static void
lease_drop(struct nl *nl, const char *ifname, const struct nl_link *link)
{
	struct lease old;
	char path[128];

	if (saved_read(ifname, &old) < 0)
		return;
	if (link)
		lease_remove(nl, link, &old, NULL);
	ns_dhcp_ntp(ifname, true);
	snprintf(path, sizeof(path), "%s/dhcp-%s.lease", RUN_DIR, ifname);
	if (unlink(path) < 0 && errno != ENOENT)
		ns_failed("%s: remove: %s", path, strerror(errno));
}

/* dhcpcd runs this with no arguments, the reason and the lease in the
 * environment; it ignores the exit status, so failures are only logged. */
int
ns_dhcp_event(void)
{
	const char *ifname = getenv("interface"), *reason = getenv("reason");
	enum lease_action action;
	struct nl nl = {0};
	struct nl_link link;
	struct lease l;

	if (!reason || !ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE ||
	    strchr(ifname, '/')) {
		fprintf(stderr, "usage: interface=IFACE reason=REASON %s\n", NS_DHCP_HOOK);
		return 2;
	}
	/* Output goes to the kernel log (see dhcp.c): a record per line, and
	 * ns_failed writes a line in three parts. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	action = lease_action_of(reason);
	if (action == LEASE_IGNORE)
		return 0;
	if (nl_open(&nl) < 0) {
		ns_failed("%s", nl.err);
		goto out;
	}
	if (nl_link_by_name(&nl, ifname, &link) < 0) {
		if (action == LEASE_DROP && errno == ENODEV)
			lease_drop(&nl, ifname, NULL);
		else
			ns_failed("%s", nl.err);
		goto out;
	}
	if (action == LEASE_DROP)
		lease_drop(&nl, ifname, &link);
	else if (lease_from_env(&l) < 0)
		ns_failed("%s: DHCP %s: no valid address and mask in the lease", ifname, reason);
	else
		lease_apply(&nl, &link, &l);
out:
	nl_close(&nl);
	return ns_exit_status();
}
