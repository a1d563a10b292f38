/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/net/sysctl.c: the settings list, names, and reading/comparing. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "net/sysctl.h"

static const struct {
	const char *name;
	int ok;
} names[] = {
	{"net.ipv4.ip_forward", 1},
	{"net.ipv4.conf.eth0/10.rp_filter", 1},
	{"net/ipv4/conf/eth0.10/rp_filter", 1},
	{"", 0},
	{"net..ipv4", 0},
	{".net", 0},
	{"net.ipv4.", 0},
	{"net/../kernel/x", 0},
	{"net.ipv4.conf.eth0 x.rp_filter", 0},
};

int
main(void)
{
	struct sysctl_list l = {0};
	char err[256], buf[64];
	bool changed;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK((sysctl_list_set(&l, names[i].name, "1") == 0) == names[i].ok,
		      "name \"%s\" %s", names[i].name, names[i].ok ? "accepted" : "rejected");
	sysctl_list_free(&l);

	sysctl_list_set(&l, "net.ipv4.a", "1");
	sysctl_list_set(&l, "net.ipv4.b", "2");
	sysctl_list_set(&l, "net.ipv4.a", "3");
	CHECK(l.n == 2, "a name set twice is kept once");
	CHECK_STR(l.v[0].value, "3", "the later value wins");
	CHECK_STR(l.v[0].name, "net.ipv4.a", "and keeps its place");
	CHECK(sysctl_list_set(&l, "net.ipv4.c", "1234567890123456789012345678901234567890"
						"1234567890123456789012345678901234567890"
						"1234567890123456789012345678901234567890"
						"1234567890123456789012345678901234567890") < 0,
	      "an overlong value is rejected");
	sysctl_list_free(&l);

	/* kernel.ostype is "Linux" everywhere and readable by anyone. */
	CHECK(sysctl_read("kernel.ostype", buf, sizeof(buf)) == 0 && strcmp(buf, "Linux") == 0,
	      "read kernel.ostype");
	changed = false;
	CHECK(sysctl_apply("kernel.ostype", "Linux", true, &changed, err, sizeof(err)) == 0 &&
		      !changed,
	      "an equal value is no change");
	changed = false;
	CHECK(sysctl_apply("kernel.ostype", "  Linux\n", true, &changed, err, sizeof(err)) == 0 &&
		      !changed,
	      "white space does not count");
	changed = false;
	CHECK(sysctl_apply("kernel.ostype", "BSD", true, &changed, err, sizeof(err)) == 0 && changed,
	      "a different value is a change (dry run)");
	CHECK(sysctl_apply("net.ipv4.no_such_knob", "1", true, &changed, err, sizeof(err)) < 0,
	      "a missing sysctl fails");
	CHECK_STR(err, "sysctl net.ipv4.no_such_knob: not supported by this kernel",
		  "a missing sysctl is named");
	CHECK_EXIT();
}
