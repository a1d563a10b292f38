/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/netaddr.c: IP addresses, prefixes, overlap, MACs. */
#include <sys/socket.h>

#include "check.h"
#include "base/netaddr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_addr(void)
{
	static const struct {
		const char *in;
		int family; /* 0: an error */
		const char *out;
	} cases[] = {
	    {"192.0.2.1", AF_INET, "192.0.2.1"},
	    {"0.0.0.0", AF_INET, "0.0.0.0"},
	    {"255.255.255.255", AF_INET, "255.255.255.255"},
	    {"2001:db8::1", AF_INET6, "2001:db8::1"},
	    {"2001:DB8:0:0:0:0:0:1", AF_INET6, "2001:db8::1"},
	    {"::", AF_INET6, "::"},
	    {"::1", AF_INET6, "::1"},
	    {"::ffff:192.0.2.1", AF_INET6, "::ffff:192.0.2.1"},
	    {"", 0, NULL},
	    {"192.0.2", 0, NULL},
	    {"192.0.2.256", 0, NULL},
	    {"192.0.2.1.5", 0, NULL},
	    {"192.0.02.1", 0, NULL},
	    {" 192.0.2.1", 0, NULL},
	    {"192.0.2.1/24", 0, NULL},
	    {"2001:db8::1%eth0", 0, NULL},
	    {"[2001:db8::1]", 0, NULL},
	    {"2001:db8:::1", 0, NULL},
	    {"fe80::1::2", 0, NULL},
	    {"localhost", 0, NULL},
	};
	const char *why = NULL;
	char buf[IP_ADDR_STRLEN];

	for (size_t i = 0; i < N(cases); i++) {
		struct ip_addr a;
		int r = ip_addr_parse(cases[i].in, &a, &why);

		if (!cases[i].family) {
			CHECK(r < 0 && why && *why, "address \"%s\" is rejected", cases[i].in);
			continue;
		}
		ip_addr_format(&a, buf, sizeof(buf));
		CHECK(r == 0 && a.family == cases[i].family && strcmp(buf, cases[i].out) == 0,
		      "address \"%s\" -> %s", cases[i].in, cases[i].out);
	}
}

static void
test_prefix(void)
{
	static const struct {
		const char *in;
		int flags;
		int ok;
		const char *out;
	} cases[] = {
	    {"192.0.2.0/24", IP_PREFIX_SUBNET, 1, "192.0.2.0/24"},
	    {"192.0.2.10/24", 0, 1, "192.0.2.10/24"},
	    {"192.0.2.10/24", IP_PREFIX_SUBNET, 0, NULL},
	    {"192.0.2.10/32", IP_PREFIX_SUBNET, 1, "192.0.2.10/32"},
	    {"0.0.0.0/0", IP_PREFIX_SUBNET, 1, "0.0.0.0/0"},
	    {"1.0.0.0/0", IP_PREFIX_SUBNET, 0, NULL},
	    {"192.0.2.0/33", 0, 0, NULL},
	    {"192.0.2.0/-1", 0, 0, NULL},
	    {"192.0.2.0/024", 0, 0, NULL},
	    {"192.0.2.0/", 0, 0, NULL},
	    {"192.0.2.0", 0, 0, NULL},
	    {"/24", 0, 0, NULL},
	    {"", 0, 0, NULL},
	    {"192.0.2.0/24/24", 0, 0, NULL},
	    {"192.0.2.0/24 ", 0, 0, NULL},
	    {"2001:db8::/32", IP_PREFIX_SUBNET, 1, "2001:db8::/32"},
	    {"2001:db8::1/64", 0, 1, "2001:db8::1/64"},
	    {"2001:db8::1/64", IP_PREFIX_SUBNET, 0, NULL},
	    {"2001:db8::/128", IP_PREFIX_SUBNET, 1, "2001:db8::/128"},
	    {"2001:db8::/129", 0, 0, NULL},
	    {"::/0", IP_PREFIX_SUBNET, 1, "::/0"},
	    {"2001:db8:0:1::/63", IP_PREFIX_SUBNET, 0, NULL},
	    {"2001:db8:0:2::/63", IP_PREFIX_SUBNET, 1, "2001:db8:0:2::/63"},
	};
	const char *why = NULL;
	char buf[IP_PREFIX_STRLEN];

	for (size_t i = 0; i < N(cases); i++) {
		struct ip_prefix p;
		int r = ip_prefix_parse(cases[i].in, cases[i].flags, &p, &why);

		if (!cases[i].ok) {
			CHECK(r < 0 && why && *why, "prefix \"%s\" (flags %d) is rejected",
			      cases[i].in, cases[i].flags);
			continue;
		}
		ip_prefix_format(&p, buf, sizeof(buf));
		CHECK(r == 0 && strcmp(buf, cases[i].out) == 0, "prefix \"%s\" -> %s", cases[i].in,
		      cases[i].out);
	}
}

static struct ip_prefix
P(const char *s) {
	struct ip_prefix p;
	const char *why;

	ip_prefix_parse(s, 0, &p, &why);
	return p;
}

static void
test_overlap(void)
{
	static const struct {
		const char *a, *b;
		int overlap;
	} cases[] = {
	    {"192.0.2.0/24", "192.0.2.128/25", 1},	 {"192.0.2.0/25", "192.0.2.128/25", 0},
	    {"192.0.2.10/24", "192.0.2.0/25", 1},	 {"10.0.0.0/8", "10.255.0.0/16", 1},
	    {"192.0.2.0/24", "198.51.100.0/24", 0},	 {"0.0.0.0/0", "203.0.113.7/32", 1},
	    {"2001:db8::/32", "2001:db8:1::/48", 1},	 {"2001:db8::/48", "2001:db8:1::/48", 0},
	    {"192.0.2.0/24", "::ffff:192.0.2.0/120", 0}, /* families differ */
	    {"192.0.2.1/32", "192.0.2.1/32", 1},	 {"192.0.2.1/32", "192.0.2.2/32", 0},
	    {"192.0.2.7/31", "192.0.2.6/32", 1},
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct ip_prefix a = P(cases[i].a), b = P(cases[i].b);

		CHECK(ip_prefix_overlap(&a, &b) == cases[i].overlap &&
			  ip_prefix_overlap(&b, &a) == cases[i].overlap,
		      "overlap %s %s: %s", cases[i].a, cases[i].b, cases[i].overlap ? "yes" : "no");
	}
	struct ip_prefix p = P("192.0.2.77/24");
	char buf[IP_PREFIX_STRLEN];

	CHECK(ip_prefix_host_bits(&p), "192.0.2.77/24 has host bits");
	ip_prefix_network(&p);
	ip_prefix_format(&p, buf, sizeof(buf));
	CHECK_STR(buf, "192.0.2.0/24", "network of 192.0.2.77/24");
	p = P("2001:db8::ffff/113");
	ip_prefix_network(&p);
	ip_prefix_format(&p, buf, sizeof(buf));
	CHECK_STR(buf, "2001:db8::8000/113", "network of 2001:db8::ffff/113");
}

static void
test_mac(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: an error */
	} cases[] = {
	    {"52:54:00:12:34:56", "52:54:00:12:34:56"},
	    {"52:54:00:AB:cd:EF", "52:54:00:ab:cd:ef"},
	    {"02:00:00:00:00:01", "02:00:00:00:00:01"},
	    {"01:00:5e:00:00:01", NULL}, /* multicast */
	    {"ff:ff:ff:ff:ff:ff", NULL},
	    {"00:00:00:00:00:00", NULL},
	    {"52-54-00-12-34-56", NULL},
	    {"52:54:00:12:34", NULL},
	    {"52:54:00:12:34:56:78", NULL},
	    {"52:54:00:12:34:5g", NULL},
	    {"525400123456", NULL},
	    {"", NULL},
	    {"52:54:00:12:34:56 ", NULL},
	};
	const char *why = NULL;
	char buf[MAC_STRLEN];

	for (size_t i = 0; i < N(cases); i++) {
		struct mac_addr m;
		int r = mac_parse(cases[i].in, &m, &why);

		if (!cases[i].out) {
			CHECK(r < 0 && why && *why, "mac \"%s\" is rejected", cases[i].in);
			continue;
		}
		mac_format(&m, buf, sizeof(buf));
		CHECK(r == 0 && strcmp(buf, cases[i].out) == 0, "mac \"%s\"", cases[i].in);
	}
}

int
main(void)
{
	test_addr();
	test_prefix();
	test_overlap();
	test_mac();
	CHECK_EXIT();
}
