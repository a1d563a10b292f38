/* SPDX-License-Identifier: MIT */
/* The /etc/hosts a container gets (mounts.c mounts it read-only): the
 * loopback names, its own host name, its extra_hosts and the manifest's
 * network.hosts, as Docker gives one, so that
 * "localhost" and the container's name resolve without DNS, even with
 * network_mode none. Images rarely carry the file (a debootstrap tree, a
 * busybox image do not), and without it musl and glibc ask DNS for
 * localhost. */
#include <stdio.h>

#include "supervisor.h"

/* "ADDRESS\tNAME\n" for each entry, after off; the new offset, or len
 * when it does not fit. */
static size_t
entries(const struct host_entry *v, size_t n, char *buf, size_t off, size_t len)
{
	char a[IP_ADDR_STRLEN];

	for (size_t i = 0; i < n && off < len; i++) {
		int w;

		ip_addr_format(&v[i].addr, a, sizeof a);
		w = snprintf(buf + off, len - off, "%s\t%s\n", a, v[i].name);
		off = w < 0 || (size_t)w >= len - off ? len : off + (size_t)w;
	}
	return off;
}

size_t
etc_hosts_text(const struct container_spec *s, const struct network_cfg *net, char *buf, size_t len)
{
	const char *host = s->m->hostname ? s->m->hostname : s->name;
	size_t off;
	int n;

	/* 127.0.1.1 for the host name, as Debian does for a machine's own:
	 * the container's bridge address is not known yet when its mounts
	 * are made, and a name that resolves to loopback never reaches out. */
	n = snprintf(buf, len,
		     "# /etc/hosts of container %s, made by berth (read-only)\n"
		     "127.0.0.1\tlocalhost\n"
		     "::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "127.0.1.1\t%s\n",
		     s->name, host);
	if (n < 0 || (size_t)n >= len)
		return 0;
	/* The container's own names, then the network's: where both name a
	 * host, a lookup that takes one address takes the first line, the
	 * container's, the more specific. */
	off = entries(s->m->extra_hosts, s->m->n_extra_hosts, buf, (size_t)n, len);
	off = entries(net ? net->hosts : NULL, net ? net->n_hosts : 0, buf, off, len);
	return off >= len ? 0 : off;
}
