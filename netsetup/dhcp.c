/* SPDX-License-Identifier: MIT */
/* DHCPv4: a keeper process per interface that runs dhcpcd, whose hook (lease.c) applies its
 * leases. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keeper.h"
#include "netsetup.h"

#define DHCPCD "/usr/sbin/dhcpcd"
#define HOOK_PATH RUN_DIR "/" NS_DHCP_HOOK

static int
state_path(char *buf, size_t size, const char *ifname, const char *what)
{
	int n = snprintf(buf, size, "%s/dhcp-%s.%s", RUN_DIR, ifname, what);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The hook is this program under the name NS_DHCP_HOOK: dhcpcd runs its
 * --script program with no arguments. A symlink made at start
 * works whatever path netsetup was installed or built at. */
static int
hook_link(void)
{
	char self[4096], tmp[] = HOOK_PATH ".tmp";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	if ((unlink(tmp) < 0 && errno != ENOENT) || symlink(self, tmp) < 0)
		return -1;
	return rename(tmp, HOOK_PATH);
}

struct dhcp_arg {
	char ifname[IF_NAMESIZE];
	bool dns;
};

/* dhcpcd only talks DHCP: --noconfigure leaves addresses, routes and
 * resolv.conf to the hook, which is netsetup. In the foreground (-B) for
 * the keeper, IPv4 only, no IPv4LL, no ARP probe and no random delay at
 * start (as udhcpc before it, so a boot waits no seconds more), no config
 * file but these options, retrying for ever (-t 0); stopping, it leaves the
 * lease alone (-p). The client id is the MAC (-I ""), as udhcpc's was, so
 * servers' reservations still match; no vendor class (-i ""), which would
 * name the OS and kernel. */
static int
client_argv(void *arg, char ***out)
{
	struct dhcp_arg *a = arg;
	/* clang-format off */
	static char *argv[] = {"dhcpcd", "-B", "-4", "-L", "-A", "-p", "--noconfigure",
		"--nodelay", "--nodev", "-f", "/dev/null", "-t", "0", "-I", "", "-i", "",
		"-o", "domain_name_servers", "-o", "domain_name",
		"-o", "domain_search", "-o", "interface_mtu", "-o", "ntp_servers",
		/* dhcpcd clears the hook's environment but for what -e adds. */
		"-e", NULL, "-c", HOOK_PATH, NULL, NULL};
	/* clang-format on */
	size_t n = sizeof(argv) / sizeof(argv[0]);

	argv[n - 5] = a->dns ? NS_DHCP_ENV_DNS "=1" : NS_DHCP_ENV_DNS "=0";
	argv[n - 2] = a->ifname;
	/* dhcpcd keeps its last lease in /var/lib/dhcpcd, which it makes, to
	 * ask for the same address after a reboot; a new data partition has
	 * no /var/lib yet. */
	if (mkdir("/var/lib", 0755) < 0 && errno != EEXIST)
		printf("netsetup: %s: /var/lib: %s\n", a->ifname, strerror(errno));
	*out = argv;
	return 0;
}

/* Starts the keeper of dhcpcd for ifname unless one runs. */
static void
dhcp_start(const char *ifname, bool dns)
{
	static struct dhcp_arg arg;
	char pidfile[128];
	struct keeper k = {.name = ifname, .pidfile = pidfile, .path = DHCPCD,
			   .prepare = client_argv, .arg = &arg};

	if (state_path(pidfile, sizeof(pidfile), ifname, "pid") < 0)
		return;
	snprintf(arg.ifname, sizeof(arg.ifname), "%s", ifname);
	arg.dns = dns;
	if ((mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST) || (!ns_dry_run && hook_link() < 0)) {
		ns_failed("%s: DHCP: link %s: %s", ifname, HOOK_PATH, strerror(errno));
		return;
	}
	if (keeper_start(&k) == 0)
		ns_changed("%s: %s DHCP client (dhcpcd)", ifname, ns_verb("started", "would start"));
}

void
ns_start_dhcp(const struct manifest *m, const struct nl_link *links)
{
	size_t i;

	for (i = 0; i < m->network.n_interfaces; i++)
		if (m->network.interfaces[i].dhcp && links[i].index)
			dhcp_start(links[i].name, ns_dns_from_dhcp(m));
}
