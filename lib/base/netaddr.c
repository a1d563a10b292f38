/* SPDX-License-Identifier: MIT */
/* Parsing, formatting and comparing IP addresses, prefixes and MACs. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "base/netaddr.h"
#include "base/scalar.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

int
ip_addr_parse(const char *s, struct ip_addr *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (!*s)
		return fail(why, "empty");
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	if (strchr(s, '/'))
		return fail(why, "expected an address without a prefix length");
	return fail(why, "expected an IPv4 or IPv6 address");
}

unsigned
ip_addr_bits(const struct ip_addr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

int
ip_prefix_parse(const char *s, int flags, struct ip_prefix *out, const char **why)
{
	const char *slash = strrchr(s, '/');
	char addr[IP_ADDR_STRLEN];
	uint64_t len;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return fail(why, "empty");
	if (!slash)
		return fail(why, "missing prefix length (like 192.0.2.0/24 or 2001:db8::/64)");
	if ((size_t)(slash - s) >= sizeof(addr))
		return fail(why, "expected an IPv4 or IPv6 address before the '/'");
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (ip_addr_parse(addr, &out->addr, why) < 0)
		return fail(why, "expected an IPv4 or IPv6 address before the '/'");
	if (scalar_uint(slash + 1, 255, &len, why) < 0)
		return fail(why, "expected a prefix length after the '/'");
	if (len > ip_addr_bits(&out->addr))
		return fail(why, out->addr.family == AF_INET ? "IPv4 prefix lengths go up to 32"
							     : "IPv6 prefix lengths go up to 128");
	out->len = (unsigned)len;
	if ((flags & IP_PREFIX_SUBNET) && ip_prefix_host_bits(out))
		return fail(why,
			    "host bits are set (a subnet is written with its network address)");
	return 0;
}

/* Do the first n bits of x and y agree? */
static bool
bits_equal(const uint8_t *x, const uint8_t *y, unsigned n)
{
	unsigned bytes = n / 8, rest = n % 8;

	if (memcmp(x, y, bytes) != 0)
		return false;
	if (!rest)
		return true;
	return ((x[bytes] ^ y[bytes]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
ip_prefix_host_bits(const struct ip_prefix *p)
{
	struct ip_prefix net = *p;

	ip_prefix_network(&net);
	return memcmp(net.addr.a, p->addr.a, sizeof(net.addr.a)) != 0;
}

void
ip_prefix_network(struct ip_prefix *p)
{
	unsigned bits = ip_addr_bits(&p->addr);

	for (unsigned i = p->len; i < bits; i++)
		p->addr.a[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

bool
ip_prefix_overlap(const struct ip_prefix *x, const struct ip_prefix *y)
{
	if (x->addr.family != y->addr.family)
		return false;
	return bits_equal(x->addr.a, y->addr.a, x->len < y->len ? x->len : y->len);
}

bool
ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
	return p->addr.family == a->family && bits_equal(p->addr.a, a->a, p->len);
}

bool
ip_addr_equal(const struct ip_addr *x, const struct ip_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, sizeof(x->a)) == 0;
}

bool
ip_addr_is_unspecified(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->a, zero, a->family == AF_INET ? 4 : 16) == 0;
}

void
ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

void
ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len)
{
	char addr[IP_ADDR_STRLEN];

	ip_addr_format(&p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, p->len);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mac_parse(const char *s, struct mac_addr *out, const char **why)
{
	static const char expect[] = "expected six hex pairs separated by ':', "
				     "like 52:54:00:12:34:56";

	if (strlen(s) != 17)
		return fail(why, *s ? expect : "empty");
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return fail(why, expect);
		out->b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (out->b[0] & 1)
		return fail(why, "a multicast address is not an interface's address");
	if (!(out->b[0] | out->b[1] | out->b[2] | out->b[3] | out->b[4] | out->b[5]))
		return fail(why, "all zeros is not an interface's address");
	return 0;
}

void
mac_format(const struct mac_addr *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2], m->b[3],
		 m->b[4], m->b[5]);
}
