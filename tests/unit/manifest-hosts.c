/* SPDX-License-Identifier: MIT */
/* Unit tests of network.hosts and extra_hosts (lib/manifest/manifest-hosts.c):
 * both forms, IPv6 in brackets, and each error with its position. */
#include "check.h"
#include "one-error.h"
#include "manifest/manifest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name, *hosts; /* the value of network.hosts */
	const char *error;	  /* part of the one message, or NULL: valid */
	unsigned line, col;
	const char *want; /* valid: "name=address ..." */
} cases[] = {
    {"mapping", "{db: 192.0.2.5, db6: \"2001:db8::5\"}", NULL, 0, 0,
     "db=192.0.2.5 db6=2001:db8::5"},
    {"list", "[\"db:192.0.2.5\", \"db=192.0.2.6\", \"v6:[2001:db8::7]\", \"v6b=2001:db8::8\"]",
     NULL, 0, 0, "db=192.0.2.5 db=192.0.2.6 v6=2001:db8::7 v6b=2001:db8::8"},
    {"empty", "[]", NULL, 0, 0, ""},
    {"bad name", "[\"a_b:192.0.2.5\"]", "host a_b: invalid name", 3, 11, NULL},
    {"bad address", "{db: 192.0.2.500}", "host db: invalid address \"192.0.2.500\"", 3, 15, NULL},
    {"no separator", "[db]", "hosts: expected NAME:ADDRESS or NAME=ADDRESS, got \"db\"", 3, 11,
     NULL},
    {"empty name", "[\":192.0.2.5\"]", "expected NAME:ADDRESS", 3, 11, NULL},
    {"a list as address", "{db: [1]}", "db: expected an address", 3, 15, NULL},
};

static void
check_case(size_t i)
{
	char yaml[512], got[512] = "";
	struct manifest m;
	struct diag d;
	int r;

	snprintf(yaml, sizeof(yaml), "version: 1\nnetwork:\n  hosts: %s\n", cases[i].hosts);
	r = manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &m, &d);
	if (cases[i].error) {
		check_one_error(cases[i].name, r, &d, cases[i].error, cases[i].line, cases[i].col);
	} else {
		for (size_t k = 0; r == 0 && k < m.network.n_hosts; k++) {
			char a[IP_ADDR_STRLEN];

			ip_addr_format(&m.network.hosts[k].addr, a, sizeof a);
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%s",
				 k ? " " : "", m.network.hosts[k].name, a);
		}
		CHECK(r == 0 && strcmp(got, cases[i].want) == 0, "%s: %s (got %s)", cases[i].name,
		      cases[i].want, r == 0 ? got : d.v[0].msg);
	}
	manifest_free(&m);
	diag_free(&d);
}

int
main(void)
{
	for (size_t i = 0; i < N(cases); i++)
		check_case(i);
	CHECK_EXIT();
}
