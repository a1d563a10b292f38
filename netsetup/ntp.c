/* SPDX-License-Identifier: MIT */
/* Time: a keeper runs chronyd with a configuration written into /run from network.ntp,
 * or from the NTP servers the DHCP leases offer (docs/time.md). */
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keeper.h"
#include "netsetup.h"

#define CHRONYD "/usr/sbin/chronyd"
#define CHRONY_USER "_chrony"
#define CHRONY_RUN RUN_DIR "/chrony"
#define CHRONY_CONF CHRONY_RUN "/chrony.conf"
#define CHRONY_VAR "/var/lib/chrony"
#define NTP_PIDFILE RUN_DIR "/ntp.pid"
/* What the DHCP hook wrote for one interface: an address a line; an empty
 * file is a lease that offers none. */
#define DHCP_NTP_FMT RUN_DIR "/dhcp-%s.ntp"
#define CONF_MAX 4096 /* ns_write_file's limit; 8 servers need far less */

struct ntp_arg {
	bool from_dhcp;
	bool nts;
	/* network.ntp, already checked by the parser: names or addresses */
	char **servers;
	size_t n_servers;
};

static size_t
conf_add(char *buf, size_t len, const char *fmt, const char *s)
{
	int n = snprintf(buf + len, CONF_MAX - len, fmt, s);

	return n < 0 || (size_t)n >= CONF_MAX - len ? CONF_MAX : len + (size_t)n;
}

/* The servers of every lease, checked again: the files are in /run, but
 * what goes into chronyd's configuration is only ever an address. */
static size_t
conf_dhcp_servers(char *buf, size_t len, size_t *n_servers, bool *have_lease)
{
	char line[IP_ADDR_STRLEN + 2], a[IP_ADDR_STRLEN];
	const char *why;
	struct ip_addr ip;
	glob_t g;
	FILE *f;

	if (glob(RUN_DIR "/dhcp-*.ntp", 0, NULL, &g) != 0)
		return len;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (!(f = fopen(g.gl_pathv[i], "re")))
			continue;
		*have_lease = true;
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (ip_addr_parse(line, &ip, &why) < 0)
				continue;
			ip_addr_format(&ip, a, sizeof(a));
			len = conf_add(buf, len, "server %s iburst\n", a);
			(*n_servers)++;
		}
		fclose(f);
	}
	globfree(&g);
	return len;
}

/* makestep 1 3: a clock more than a second off is stepped, in the first
 * three updates only; after that chronyd only slews, so time never jumps
 * under running containers. rtcsync: the kernel copies the system time
 * to the RTC every 11 minutes, and on Linux chronyd clears STA_UNSYNC only
 * with it, which is what berthctl status reads. No command socket: nothing
 * on the host talks to chronyd. */
static int
conf_write(const struct ntp_arg *a)
{
	static char buf[CONF_MAX];
	size_t len = 0, n = 0;
	bool have_lease = false, changed = false;
	char err[512];

	len = conf_add(buf, len, "%s", "# written by netsetup at boot (docs/time.md)\n");
	if (a->from_dhcp) {
		len = conf_dhcp_servers(buf, len, &n, &have_lease);
	} else {
		for (n = 0; n < a->n_servers; n++)
			len = conf_add(buf, len, a->nts ? "server %s iburst nts\n" : "server %s iburst\n",
				       a->servers[n]);
	}
	if (n == 0) {
		printf("netsetup: ntp: %s\n",
		       have_lease ? "no NTP: DHCP offers no NTP servers and network.ntp is "
				    "absent; the clock stays as the RTC set it"
				  : "waiting for a DHCP lease to offer NTP servers");
		return -1;
	}
	len = conf_add(buf, len, "%s",
		       "makestep 1 3\nrtcsync\n"
		       "driftfile " CHRONY_VAR "/drift\n"
		       "pidfile " CHRONY_RUN "/chronyd.pid\n"
		       "cmdport 0\nbindcmdaddress /\n");
	/* An NTS certificate is checked against the clock, which may be
	 * years off at the first boot: the first check skips the times. */
	if (a->nts)
		len = conf_add(buf, len, "%s",
			       "ntsdumpdir " CHRONY_VAR "\nnocerttimecheck 1\n"
			       "ntstrustedcerts /usr/share/berth/ntp-ca.pem\n");
	if (len >= CONF_MAX) {
		printf("netsetup: ntp: %s: too many servers\n", CHRONY_CONF);
		return -1;
	}
	if (ns_write_file(CHRONY_CONF, buf, &changed, err, sizeof(err)) < 0) {
		printf("netsetup: ntp: %s\n", err);
		return -1;
	}
	return 0;
}

/* The drift file lives on /var, owned by the user chronyd drops to. */
static void
var_dir(void)
{
	struct passwd *pw = getpwnam(CHRONY_USER);

	if (mkdir("/var/lib", 0755) < 0 && errno != EEXIST)
		printf("netsetup: ntp: /var/lib: %s\n", strerror(errno));
	if (mkdir(CHRONY_VAR, 0750) < 0 && errno != EEXIST)
		printf("netsetup: ntp: %s: %s\n", CHRONY_VAR, strerror(errno));
	if (!pw || chown(CHRONY_VAR, pw->pw_uid, pw->pw_gid) < 0)
		printf("netsetup: ntp: %s: chown to %s: %s\n", CHRONY_VAR, CHRONY_USER,
		       pw ? strerror(errno) : "no such user");
}

/* chronyd in the foreground (-d: its log lines on stderr, which the keeper
 * sends to the kernel log), dropping root for CHRONY_USER (-u) but for
 * CAP_SYS_TIME, with its seccomp filter (-F 1). */
static int
ntp_prepare(void *arg, char ***out)
{
	static char *argv[] = {"chronyd", "-d", "-u", CHRONY_USER, "-F", "1", "-f", CHRONY_CONF,
			       NULL};

	if (mkdir(CHRONY_RUN, 0755) < 0 && errno != EEXIST) {
		printf("netsetup: ntp: %s: %s\n", CHRONY_RUN, strerror(errno));
		return -1;
	}
	if (conf_write(arg) < 0)
		return -1;
	var_dir();
	*out = argv;
	return 0;
}

/* Why there is no chronyd, printed once: a second run with the same
 * manifest prints nothing, as for every other part of netsetup. */
static void
ntp_note(const char *why)
{
	char line[256], err[512];
	bool changed = false;

	snprintf(line, sizeof(line), "%s\n", why);
	if (ns_write_file(RUN_DIR "/ntp.state", line, &changed, err, sizeof(err)) < 0)
		ns_failed("ntp: %s", err);
	else if (changed)
		ns_changed("ntp: %s", why);
}

static bool
uses_dhcp(const struct manifest *m)
{
	for (size_t i = 0; i < m->network.n_interfaces; i++)
		if (m->network.interfaces[i].dhcp)
			return true;
	return false;
}

void
ns_start_ntp(const struct manifest *m, bool host_netns)
{
	static struct ntp_arg arg;
	struct keeper k = {.name = "ntp", .pidfile = NTP_PIDFILE, .path = CHRONYD,
			   .prepare = ntp_prepare, .arg = &arg};
	const struct ntp_cfg *n = &m->network.ntp;
	char err[512];
	bool changed;

	if (n->given && n->n_servers == 0) {
		ntp_note("off (network.ntp is empty): the clock stays as the RTC set it");
		return;
	}
	if (!n->given && !uses_dhcp(m)) {
		ntp_note("no NTP: network.ntp is absent and no interface uses DHCP; "
			 "the clock stays as the RTC set it");
		return;
	}
	if (!host_netns) {
		ntp_note("not started: netsetup runs outside the host's network "
			 "namespace, and the clock is the whole machine's");
		return;
	}
	if (access(CHRONYD, X_OK) < 0) {
		ns_failed("ntp: %s: %s (the image has no chronyd)", CHRONYD, strerror(errno));
		return;
	}
	arg.from_dhcp = !n->given;
	arg.nts = n->nts;
	arg.n_servers = n->n_servers;
	arg.servers = calloc(n->n_servers + 1, sizeof(*arg.servers));
	for (size_t i = 0; arg.servers && i < n->n_servers; i++)
		arg.servers[i] = n->servers[i].name;
	if (!arg.servers) {
		ns_failed("ntp: %s", strerror(errno));
		return;
	}
	if (keeper_start(&k) == 0 && ns_write_file(RUN_DIR "/ntp.state", "chronyd\n", &changed, err,
						    sizeof(err)) == 0)
		ns_changed("ntp: %s chronyd (%s)", ns_verb("started", "would start"),
			   arg.from_dhcp ? "the servers DHCP offers" : "network.ntp");
}

/* From the DHCP hook: the lease's NTP servers (dhcpcd's new_ntp_servers),
 * or none when drop; the keeper restarts chronyd when they changed. */
void
ns_dhcp_ntp(const char *ifname, bool drop)
{
	const char *list = getenv("new_ntp_servers"), *p = list;
	char path[128], buf[MANIFEST_MAX_NTP * (IP_ADDR_STRLEN + 1) + 1] = "", w[IP_ADDR_STRLEN],
							      err[512];
	struct ip_addr a;
	const char *why;
	bool changed = false;
	size_t len = 0, n = 0;
	int used;

	snprintf(path, sizeof(path), DHCP_NTP_FMT, ifname);
	if (drop) {
		changed = unlink(path) == 0;
		if (!changed && errno != ENOENT)
			ns_failed("%s: remove: %s", path, strerror(errno));
	} else {
		while (p && n < MANIFEST_MAX_NTP && sscanf(p, "%45s%n", w, &used) == 1) {
			p += used;
			if (ip_addr_parse(w, &a, &why) < 0 || a.family != AF_INET)
				continue;
			ip_addr_format(&a, w, sizeof(w));
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s\n", w);
			n++;
		}
		if (ns_write_file(path, buf, &changed, err, sizeof(err)) < 0)
			ns_failed("%s", err);
		else if (changed)
			ns_changed("%s: DHCP offers %zu NTP server%s", ifname, n, n == 1 ? "" : "s");
	}
	if (changed && keeper_reload(NTP_PIDFILE) < 0)
		ns_failed("ntp: %s: %s", NTP_PIDFILE, strerror(errno));
}
