/* SPDX-License-Identifier: MIT */
/* The host's name and the files the root's /etc links to: hostname, resolv.conf, hosts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "netsetup.h"

#define FILE_MAX 8192

static int
read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, buf + total, size - 1 - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
		if ((size_t)total == size - 1)
			break;
	}
	close(fd);
	if (n < 0)
		return -1;
	buf[total] = '\0';
	return 0;
}

int
ns_write_file(const char *path, const char *content, bool *changed, char *err, size_t errlen)
{
	char have[FILE_MAX], tmp[256];
	int fd, n;

	if (read_small(path, have, sizeof(have)) == 0 && strcmp(have, content) == 0)
		return 0;
	*changed = true;
	if (ns_dry_run)
		return 0;
	if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: create: %s", RUN_DIR, strerror(errno));
		return -1;
	}
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	/* Readers see the old file or the new one, never a part: rename is
	 * atomic within one file system. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || io_write_all(fd, content, strlen(content)) < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(err, errlen, "%s: write: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: rename to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

static void
write_reported(const char *path, const char *content)
{
	char err[512];
	bool changed = false;

	if (ns_write_file(path, content, &changed, err, sizeof(err)) < 0)
		ns_failed("%s", err);
	else if (changed)
		ns_changed("%s %s", ns_verb("wrote", "would write"), path);
}

static void
apply_hostname(const char *name)
{
	char have[256] = "";

	if (gethostname(have, sizeof(have)) == 0 && strcmp(have, name) == 0)
		return;
	if (!ns_dry_run && sethostname(name, strlen(name)) < 0) {
		ns_failed("hostname: set to %s: %s", name, strerror(errno));
		return;
	}
	ns_changed("hostname: %s %s", ns_verb("set to", "would set to"), name);
}

/* With DHCP and no nameservers in the manifest, the lease provides them:
 * the DHCP hook writes resolv.conf then. */
bool
ns_dns_from_dhcp(const struct manifest *m)
{
	size_t i;

	if (m->network.dns.n_nameservers)
		return false;
	for (i = 0; i < m->network.n_interfaces; i++)
		if (m->network.interfaces[i].dhcp)
			return true;
	return false;
}

static void
apply_resolv(const struct manifest *m)
{
	const struct dns_cfg *dns = &m->network.dns;
	char buf[FILE_MAX], addr[IP_ADDR_STRLEN];
	size_t len = 0, i;

	if (ns_dns_from_dhcp(m))
		return;
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "# written by netsetup\n");
	for (i = 0; i < dns->n_nameservers && len < sizeof(buf); i++) {
		ip_addr_format(&dns->nameservers[i], addr, sizeof(addr));
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "nameserver %s\n", addr);
	}
	if (dns->n_search && len < sizeof(buf)) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "search");
		for (i = 0; i < dns->n_search && len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s", dns->search[i]);
		if (len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\n");
	}
	/* 3 nameservers and 6 search domains of at most 253 bytes fit. */
	if (len >= sizeof(buf)) {
		ns_failed("%s/resolv.conf: too long", RUN_DIR);
		return;
	}
	write_reported(RUN_DIR "/resolv.conf", buf);
}

void
ns_apply_files(const struct manifest *m)
{
	const char *name = m->host.hostname ? m->host.hostname : "berth";
	char buf[FILE_MAX];
	int n;

	apply_hostname(name);
	n = snprintf(buf, sizeof(buf), "%s\n", name);
	if (n > 0 && (size_t)n < sizeof(buf))
		write_reported(RUN_DIR "/hostname", buf);
	/* 127.0.1.1 as Debian does: the host's own name resolves without DNS
	 * and without tying it to whichever address an interface has. */
	n = snprintf(buf, sizeof(buf),
		     "# written by netsetup\n"
		     "127.0.0.1\tlocalhost\n"
		     "::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "127.0.1.1\t%s\n",
		     name);
	if (n > 0 && (size_t)n < sizeof(buf))
		write_reported(RUN_DIR "/hosts", buf);
	apply_resolv(m);
}
