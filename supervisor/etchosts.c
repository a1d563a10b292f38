/* SPDX-License-Identifier: MIT */
/* The /etc/hosts a container gets (mounts.c mounts it read-only): the
 * loopback names and its own host name, as Docker gives one, so that
 * "localhost" and the container's name resolve without DNS, even with
 * network_mode none. Images rarely carry the file (a debootstrap tree, a
 * busybox image do not), and without it musl and glibc ask DNS for
 * localhost. */
#include <stdio.h>

#include "supervisor.h"

size_t
etc_hosts_text(const struct container_spec *s, char *buf, size_t len)
{
	const char *host = s->m->hostname ? s->m->hostname : s->name;
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
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}
