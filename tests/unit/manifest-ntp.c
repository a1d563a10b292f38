/* SPDX-License-Identifier: MIT */
/* Unit tests of network.ntp and network.ntp_nts (lib/manifest/manifest-ntp.c):
 * the default, names and addresses, an empty list, and each error with
 * its position; and the JSON form berthctl show prints. */
#include "check.h"
#include "one-error.h"
#include "manifest/manifest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name, *network; /* the lines under network: */
	const char *error;	    /* part of the one message, or NULL: valid */
	unsigned line, col;	    /* where it is reported */
	const char *servers;	    /* valid: the servers, space-separated; "-": not given */
	bool nts;
} cases[] = {
    {"absent: DHCP's", "  dns: {}\n", NULL, 0, 0, "-", false},
    {"names and addresses", "  ntp: [ntp.example.org, 192.0.2.123, \"2001:db8::123\"]\n", NULL, 0,
     0, "ntp.example.org 192.0.2.123 2001:db8::123", false},
    {"block list", "  ntp:\n    - time.example\n", NULL, 0, 0, "time.example", false},
    {"empty: off", "  ntp: []\n", NULL, 0, 0, "", false},
    {"nts with names", "  ntp: [nts.example]\n  ntp_nts: true\n", NULL, 0, 0, "nts.example", true},
    {"bad address", "  ntp: [192.0.2.300]\n", "ntp: invalid address \"192.0.2.300\"", 3, 9, NULL,
     false},
    {"bad name", "  ntp: [bad_name.example]\n", "ntp: invalid server name \"bad_name.example\"", 3,
     9, NULL, false},
    {"a port is not a name", "  ntp: [\"ntp.example:123\"]\n", "ntp: invalid address", 3, 9, NULL,
     false},
    {"twice", "  ntp: [a.example, A.example]\n",
     "ntp: server A.example is listed twice (first at 3:9)", 3, 20, NULL, false},
    {"a string, not a list", "  ntp: ntp.example\n", "ntp: expected a list", 3, 8, NULL, false},
    {"a mapping item", "  ntp: [{server: x}]\n", "ntp: expected a server name or address", 3, 9,
     NULL, false},
    {"too many", "  ntp: [a.x, b.x, c.x, d.x, e.x, f.x, g.x, h.x, i.x]\n", "at most 8", 3, 0, NULL,
     false},
    {"nts without servers", "  ntp_nts: true\n", "ntp_nts: NTS needs the servers named", 3, 12,
     NULL, false},
    {"nts with an empty list", "  ntp: []\n  ntp_nts: true\n", "ntp_nts: network.ntp is empty", 4,
     12, NULL, false},
    {"nts not a bool", "  ntp: [a.x]\n  ntp_nts: yes please\n", "ntp_nts: expected", 4, 12, NULL,
     false},
};

static void
check_case(size_t i)
{
	char yaml[512], got[512] = "";
	struct manifest m;
	struct diag d;
	int r;

	snprintf(yaml, sizeof(yaml), "version: 1\nnetwork:\n%s", cases[i].network);
	r = manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &m, &d);
	if (cases[i].error) {
		check_one_error(cases[i].name, r, &d, cases[i].error, cases[i].line, cases[i].col);
		if (r == 0)
			manifest_free(&m);
		diag_free(&d);
		return;
	}
	CHECK(r == 0 && d.n == 0, "%s: valid (%s)", cases[i].name, d.n ? d.v[0].msg : "");
	if (r < 0) {
		diag_free(&d);
		return;
	}
	if (!m.network.ntp.given)
		snprintf(got, sizeof(got), "-");
	for (size_t k = 0; k < m.network.ntp.n_servers; k++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "",
			 m.network.ntp.servers[k].name);
	CHECK_STR(got, cases[i].servers, "%s: servers", cases[i].name);
	CHECK(m.network.ntp.nts == cases[i].nts, "%s: ntp_nts %d", cases[i].name, cases[i].nts);
	manifest_free(&m);
	diag_free(&d);
}

/* berthctl show --json: null for DHCP's, a list otherwise. */
static void
check_json(const char *network, const char *want, const char *name)
{
	char yaml[256];
	struct manifest m;
	struct diag d;
	struct json j;

	snprintf(yaml, sizeof(yaml), "version: 1\nnetwork:\n%s", network);
	if (manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &m, &d) < 0) {
		CHECK(0, "json %s: parses", name);
		diag_free(&d);
		return;
	}
	json_init(&j);
	manifest_to_json(&m, &j);
	CHECK(json_finish(&j) == 0 && j.buf && strstr(j.buf, want), "json %s", name);
	json_free(&j);
	manifest_free(&m);
	diag_free(&d);
}

int
main(void)
{
	for (size_t i = 0; i < N(cases); i++)
		check_case(i);
	check_json("  dns: {}\n", "\"ntp\": null,\n    \"ntp_nts\": false", "default");
	check_json(
	    "  ntp: [192.0.2.1, b.example]\n  ntp_nts: true\n",
	    "\"ntp\": [\n      \"192.0.2.1\",\n      \"b.example\"\n    ],\n    \"ntp_nts\": true",
	    "servers");
	check_json("  ntp: []\n", "\"ntp\": [],", "empty");
	CHECK_EXIT();
}
