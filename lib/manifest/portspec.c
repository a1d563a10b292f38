/* SPDX-License-Identifier: MIT */
/* Parses port numbers, ranges and published-port specs. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "manifest/portspec.h"
#include "base/scalar.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static int
port_parse(const char *s, uint16_t *port, const char **why)
{
	uint64_t v;

	if (scalar_uint(s, 65535, &v, why) < 0 || v == 0)
		return fail(why, "ports are numbers from 1 to 65535");
	*port = (uint16_t)v;
	return 0;
}

int
port_range_parse(const char *s, uint16_t *lo, uint16_t *hi, const char **why)
{
	const char *dash = strchr(s, '-');
	char first[8];

	if (!*s)
		return fail(why, "empty");
	if (!dash) {
		if (port_parse(s, lo, why) < 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(first))
		return fail(why, "ports are numbers from 1 to 65535");
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (port_parse(first, lo, why) < 0 || port_parse(dash + 1, hi, why) < 0)
		return -1;
	if (*lo > *hi)
		return fail(why, "a range goes from the lower port to the higher one");
	return 0;
}

int
proto_parse(const char *s, int *proto, const char **why)
{
	if (strcmp(s, "tcp") == 0)
		*proto = IPPROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		*proto = IPPROTO_UDP;
	else
		return fail(why, "the protocol is tcp or udp");
	return 0;
}

const char *
proto_str(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* Splits "IP:HOST:CONTAINER" (IP possibly in brackets) into its parts;
 * parts that are absent are left NULL. buf is modified. */
static int
split_spec(char *buf, char **ip, char **host, char **ctr, const char **why)
{
	char *p = buf, *c1, *c2;

	*ip = *host = NULL;
	if (*p == '[') {
		char *end = strchr(p, ']');

		if (!end || end[1] != ':')
			return fail(why, "expected [IPv6]:HOST:CONTAINER");
		*end = '\0';
		*ip = p + 1;
		p = end + 2;
		c1 = strchr(p, ':');
		if (!c1 || strchr(c1 + 1, ':'))
			return fail(why, "expected [IPv6]:HOST:CONTAINER");
		*c1 = '\0';
		*host = p;
		*ctr = c1 + 1;
		return 0;
	}
	c1 = strchr(p, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 && strchr(c2 + 1, ':'))
		return fail(why,
			    "too many ':' (an IPv6 host address goes in brackets: [::1]:80:80)");
	if (c2) {
		*c1 = *c2 = '\0';
		*ip = p;
		*host = c1 + 1;
		*ctr = c2 + 1;
	} else if (c1) {
		*c1 = '\0';
		*host = p;
		*ctr = c1 + 1;
	} else {
		*ctr = p;
	}
	return 0;
}

int
port_map_parse(const char *s, struct port_map *out, const char **why)
{
	char buf[128], *slash, *ip, *host, *ctr;
	uint16_t hlo, hhi, clo, chi;

	memset(out, 0, sizeof(*out));
	out->proto = IPPROTO_TCP;
	if (!*s)
		return fail(why, "empty");
	if (strlen(s) >= sizeof(buf))
		return fail(why, "too long");
	strcpy(buf, s);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (proto_parse(slash + 1, &out->proto, why) < 0)
			return -1;
	}
	if (split_spec(buf, &ip, &host, &ctr, why) < 0)
		return -1;
	if (ip) {
		if (ip_addr_parse(ip, &out->host_ip, why) < 0)
			return fail(why, "expected an IP address before the host port");
		if (out->host_ip.family == AF_INET6 && buf[0] != '[')
			return fail(why, "an IPv6 host address goes in brackets: [::1]:80:80");
		out->has_host_ip = true;
	}
	if (host && !*host)
		return fail(why, "missing host port (berth does not pick random ports)");
	if (port_range_parse(ctr, &clo, &chi, why) < 0)
		return -1;
	if (!host) {
		hlo = clo;
		hhi = chi;
	} else if (port_range_parse(host, &hlo, &hhi, why) < 0) {
		return -1;
	}
	if (hhi - hlo != chi - clo)
		return fail(why, "the host and container ranges must have the same length");
	out->host_port = hlo;
	out->container_port = clo;
	out->count = (uint16_t)(chi - clo + 1);
	return 0;
}

static int
range_format(char *buf, size_t len, unsigned lo, unsigned count)
{
	if (count > 1)
		return snprintf(buf, len, "%u-%u", lo, lo + count - 1);
	return snprintf(buf, len, "%u", lo);
}

void
port_map_format(const struct port_map *p, char *buf, size_t len)
{
	char ip[IP_ADDR_STRLEN + 3] = "", host[16], ctr[16];

	if (p->has_host_ip) {
		char a[IP_ADDR_STRLEN];

		ip_addr_format(&p->host_ip, a, sizeof(a));
		snprintf(ip, sizeof(ip), p->host_ip.family == AF_INET6 ? "[%s]:" : "%s:", a);
	}
	range_format(host, sizeof(host), p->host_port, p->count);
	range_format(ctr, sizeof(ctr), p->container_port, p->count);
	snprintf(buf, len, "%s%s:%s/%s", ip, host, ctr, proto_str(p->proto));
}
