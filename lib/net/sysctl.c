/* SPDX-License-Identifier: MIT */
/* Kernel parameters under /proc/sys: berth's hardened baseline and applying settings. */
#include "base/io.h"
#include "net/sysctl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Absent on a kernel built without the feature, which then needs no
 * hardening: no bpf() at all is stronger than unprivileged bpf() off. */
#define OPTIONAL 1

struct hardened {
	const char *name;
	const char *value;
	enum sysctl_scope scope;
	int flags;
};

/* docs/security.md says why for each line; keep the two in step. The order
 * is the order of writing: ip_forward first, because writing it resets
 * conf.all.accept_redirects. */
static const struct hardened hardened[] = {
	{"net.ipv4.ip_forward", NULL, SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.rp_filter", "1", SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.accept_redirects", "0", SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.secure_redirects", "0", SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.send_redirects", "0", SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.accept_source_route", "0", SYSCTL_NETNS, 0},
	{"net.ipv4.conf.*.log_martians", "1", SYSCTL_NETNS, 0},
	{"net.ipv6.conf.*.accept_redirects", "0", SYSCTL_NETNS, 0},
	{"net.ipv6.conf.*.accept_source_route", "0", SYSCTL_NETNS, 0},
	{"net.ipv6.conf.*.accept_ra", "0", SYSCTL_NETNS, 0},
	{"net.ipv4.tcp_syncookies", "1", SYSCTL_NETNS, 0},
	{"net.ipv4.tcp_rfc1337", "1", SYSCTL_NETNS, 0},
	{"net.ipv4.icmp_echo_ignore_broadcasts", "1", SYSCTL_NETNS, 0},
	{"net.ipv4.icmp_ignore_bogus_error_responses", "1", SYSCTL_NETNS, 0},
	{"kernel.kptr_restrict", "2", SYSCTL_HOST, 0},
	{"kernel.dmesg_restrict", "1", SYSCTL_HOST, 0},
	{"kernel.unprivileged_bpf_disabled", "1", SYSCTL_HOST, OPTIONAL},
	{"net.core.bpf_jit_harden", "2", SYSCTL_HOST, OPTIONAL},
	{"kernel.kexec_load_disabled", "1", SYSCTL_HOST, OPTIONAL},
	{"fs.protected_hardlinks", "1", SYSCTL_HOST, 0},
	{"fs.protected_symlinks", "1", SYSCTL_HOST, 0},
	{"fs.protected_fifos", "2", SYSCTL_HOST, 0},
	{"fs.protected_regular", "2", SYSCTL_HOST, 0},
	{"fs.suid_dumpable", "0", SYSCTL_HOST, 0},
};

/* net.ipv4.conf.eth0/10.rp_filter -> /proc/sys/net/ipv4/conf/eth0.10/rp_filter:
 * dots separate levels, and a dot inside a level is written as a slash, as
 * sysctl(8) does. A name whose first separator is a slash is a path already
 * (net/ipv4/conf/eth0.10/rp_filter). Rejects empty, "." and ".." levels. */
static int
sysctl_path(const char *name, char *path, size_t size)
{
	static const char root[] = "/proc/sys/";
	size_t n = strlen(name), i, level = 0;
	bool slashes = name[strcspn(name, "./")] == '/';
	char sep = slashes ? '/' : '.';

	if (n == 0 || n >= SYSCTL_KEY_MAX || sizeof(root) + n > size)
		goto invalid;
	memcpy(path, root, sizeof(root) - 1);
	for (i = 0; i <= n; i++) {
		char c = name[i];

		if (c != '\0' && !isgraph((unsigned char)c))
			goto invalid;
		path[sizeof(root) - 1 + i] = slashes ? c : c == '.' ? '/' : c == '/' ? '.' : c;
		if (c != sep && c != '\0')
			continue;
		/* The level just ended is path[root + level .. root + i). */
		if (i == level || (i - level == 1 && path[sizeof(root) - 1 + level] == '.') ||
		    (i - level == 2 && path[sizeof(root) - 1 + level] == '.' &&
		     path[sizeof(root) + level] == '.'))
			goto invalid;
		level = i + 1;
	}
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

int
sysctl_read(const char *name, char *buf, size_t size)
{
	char path[sizeof("/proc/sys/") + SYSCTL_KEY_MAX];
	ssize_t n;
	int fd;

	if (sysctl_path(name, path, sizeof(path)) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* Compares two values with runs of white space as one space, ends trimmed. */
static bool
value_equal(const char *a, const char *b)
{
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	for (;;) {
		while (isspace((unsigned char)*a) && (isspace((unsigned char)a[1]) || a[1] == '\0'))
			a++;
		while (isspace((unsigned char)*b) && (isspace((unsigned char)b[1]) || b[1] == '\0'))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (isspace((unsigned char)*a) ? !isspace((unsigned char)*b) : *a != *b)
			return false;
		a++;
		b++;
	}
}

int
sysctl_apply(const char *name, const char *value, bool dry_run, bool *changed, char *err,
	     size_t errlen)
{
	char path[sizeof("/proc/sys/") + SYSCTL_KEY_MAX], cur[SYSCTL_VAL_MAX * 2];
	int fd;

	if (sysctl_path(name, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "sysctl %s: not a valid name", name);
		return -1;
	}
	if (sysctl_read(name, cur, sizeof(cur)) < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "sysctl %s: not supported by this kernel", name);
		else
			snprintf(err, errlen, "sysctl %s: read: %s", name, strerror(errno));
		return -1;
	}
	if (value_equal(cur, value))
		return 0;
	if (!dry_run) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || io_write_all(fd, value, strlen(value)) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			snprintf(err, errlen, "sysctl %s = %s: %s", name, value, strerror(e));
			return -1;
		}
		if (close(fd) < 0) {
			snprintf(err, errlen, "sysctl %s = %s: %s", name, value, strerror(errno));
			return -1;
		}
	}
	*changed = true;
	return 0;
}

int
sysctl_list_set(struct sysctl_list *l, const char *name, const char *value)
{
	char path[sizeof("/proc/sys/") + SYSCTL_KEY_MAX];
	size_t i;

	if (sysctl_path(name, path, sizeof(path)) < 0 || strlen(value) >= SYSCTL_VAL_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			break;
	if (i == l->n) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 64;
			struct sysctl_kv *v = reallocarray(l->v, cap, sizeof(*v));

			if (!v)
				return -1;
			l->v = v;
			l->cap = cap;
		}
		snprintf(l->v[l->n].name, SYSCTL_KEY_MAX, "%s", name);
		l->n++;
	}
	snprintf(l->v[i].value, SYSCTL_VAL_MAX, "%s", value);
	return 0;
}

void
sysctl_list_free(struct sysctl_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Adds pattern with its "*" replaced by "all", "default" and every entry of
 * the conf directory ("eth0.10" becomes "eth0/10"). */
static int
add_expanded(struct sysctl_list *l, const char *pattern, const char *value, char *err,
	     size_t errlen)
{
	const char *star = strstr(pattern, ".*.");
	char dir[64], name[SYSCTL_KEY_MAX];
	struct dirent *d;
	DIR *dp;
	int n, ret = 0;

	if (!star)
		return sysctl_list_set(l, pattern, value);
	/* "net.ipv4.conf.*.x": the directory is /proc/sys/net/ipv4/conf. */
	n = snprintf(dir, sizeof(dir), "/proc/sys/%.*s", (int)(star - pattern), pattern);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -1;
	for (char *p = dir + sizeof("/proc/sys"); *p; p++)
		if (*p == '.')
			*p = '/';
	dp = opendir(dir);
	if (!dp) {
		snprintf(err, errlen, "sysctl %s: %s", pattern,
			 errno == ENOENT ? "not supported by this kernel" : strerror(errno));
		return -1;
	}
	/* "all" and "default" are directory entries like the interfaces; they
	 * go first so that a new interface starts from the hardened default. */
	for (int pass = 0; pass < 2 && ret == 0; pass++) {
		rewinddir(dp);
		while (ret == 0 && (d = readdir(dp))) {
			bool special = !strcmp(d->d_name, "all") || !strcmp(d->d_name, "default");

			if (d->d_name[0] == '.' || special != (pass == 0))
				continue;
			char ifname[sizeof(d->d_name)];

			memcpy(ifname, d->d_name, sizeof(ifname));
			for (char *p = ifname; *p; p++)
				if (*p == '.')
					*p = '/';
			n = snprintf(name, sizeof(name), "%.*s.%s%s", (int)(star - pattern), pattern,
				     ifname, star + 2);
			if (n < 0 || (size_t)n >= sizeof(name) || sysctl_list_set(l, name, value) < 0)
				ret = -1;
		}
	}
	closedir(dp);
	if (ret < 0 && !err[0])
		snprintf(err, errlen, "sysctl %s: cannot list %s", pattern, dir);
	return ret;
}

int
sysctl_list_add_hardened(struct sysctl_list *l, bool host, bool forwarding, char *err,
			 size_t errlen)
{
	char cur[SYSCTL_VAL_MAX];
	size_t i;

	err[0] = '\0';
	for (i = 0; i < sizeof(hardened) / sizeof(hardened[0]); i++) {
		const struct hardened *h = &hardened[i];
		const char *value = h->value ? h->value : forwarding ? "1" : "0";

		if (h->scope == SYSCTL_HOST && !host)
			continue;
		if ((h->flags & OPTIONAL) && sysctl_read(h->name, cur, sizeof(cur)) < 0 &&
		    errno == ENOENT)
			continue;
		if (add_expanded(l, h->name, value, err, errlen) < 0) {
			if (!err[0])
				snprintf(err, errlen, "sysctl %s: %s", h->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}
