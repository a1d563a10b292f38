/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/manifest/portspec.c: port ranges and published-port specs. */
#include <netinet/in.h>

#include "check.h"
#include "manifest/portspec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_range(void)
{
	static const struct {
		const char *in;
		int ok;
		unsigned lo, hi;
	} cases[] = {
	    {"443", 1, 443, 443},
	    {"1", 1, 1, 1},
	    {"65535", 1, 65535, 65535},
	    {"8000-8010", 1, 8000, 8010},
	    {"80-80", 1, 80, 80},
	    {"0", 0, 0, 0},
	    {"65536", 0, 0, 0},
	    {"8010-8000", 0, 0, 0},
	    {"-80", 0, 0, 0},
	    {"80-", 0, 0, 0},
	    {"", 0, 0, 0},
	    {"80-90-100", 0, 0, 0},
	    {"http", 0, 0, 0},
	    {"080", 0, 0, 0},
	    {"12345678-9", 0, 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		uint16_t lo = 0, hi = 0;
		int r = port_range_parse(cases[i].in, &lo, &hi, &why);

		CHECK(cases[i].ok ? r == 0 && lo == cases[i].lo && hi == cases[i].hi
				  : r < 0 && why && *why,
		      "port range \"%s\"", cases[i].in);
	}
}

static void
test_map(void)
{
	static const struct {
		const char *in;
		const char *out; /* normalised, NULL: an error */
	} cases[] = {
	    {"80:8080", "80:8080/tcp"},
	    {"80:8080/tcp", "80:8080/tcp"},
	    {"53:53/udp", "53:53/udp"},
	    {"8080", "8080:8080/tcp"},
	    {"8080/udp", "8080:8080/udp"},
	    {"127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp"},
	    {"192.0.2.1:443:8443/tcp", "192.0.2.1:443:8443/tcp"},
	    {"[::1]:80:80", "[::1]:80:80/tcp"},
	    {"[2001:db8::1]:53:53/udp", "[2001:db8::1]:53:53/udp"},
	    {"8000-8010:9000-9010", "8000-8010:9000-9010/tcp"},
	    {"8000-8010", "8000-8010:8000-8010/tcp"},
	    {"0.0.0.0:80:80", "0.0.0.0:80:80/tcp"},
	    {"8000-8010:9000-9011", NULL},
	    {"8000-8010:9000", NULL},
	    {"8000:9000-9001", NULL},
	    {"::1:80:80", NULL},
	    {"[::1]:80", NULL},
	    {"[::1:80:80", NULL},
	    {"[192.0.2.1]:80:80", "192.0.2.1:80:80/tcp"},
	    {"1.2.3.4::80", NULL},
	    {":80", NULL},
	    {"80:", NULL},
	    {"80:80/sctp", NULL},
	    {"80:80/", NULL},
	    {"80:80/TCP", NULL},
	    {"/tcp", NULL},
	    {"", NULL},
	    {"0:80", NULL},
	    {"80:0", NULL},
	    {"65536:80", NULL},
	    {"host:80:80", NULL},
	    {"192.0.2.300:80:80", NULL},
	    {"a:b:c:d", NULL},
	};
	const char *why = NULL;
	char buf[96];

	for (size_t i = 0; i < N(cases); i++) {
		struct port_map m;
		int r = port_map_parse(cases[i].in, &m, &why);

		if (!cases[i].out) {
			CHECK(r < 0 && why && *why, "port mapping \"%s\" is rejected", cases[i].in);
			continue;
		}
		buf[0] = '\0';
		if (r == 0)
			port_map_format(&m, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].out, "port mapping \"%s\"", cases[i].in);
	}
	struct port_map m;

	CHECK(port_map_parse("8000-8002:9000-9002/udp", &m, &why) == 0 && m.host_port == 8000 &&
		  m.container_port == 9000 && m.count == 3 && m.proto == IPPROTO_UDP &&
		  !m.has_host_ip,
	      "port mapping fields of a range");
}

int
main(void)
{
	test_range();
	test_map();
	CHECK_EXIT();
}
