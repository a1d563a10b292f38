/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/manifest/cap.c: capability names and the default set. */
#include <linux/capability.h>

#include "manifest/cap.h"
#include "check.h"

int
main(void)
{
	static const struct {
		const char *in;
		int want; /* -1: an error */
	} cases[] = {
	    {"NET_BIND_SERVICE", CAP_NET_BIND_SERVICE},
	    {"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE},
	    {"net_bind_service", CAP_NET_BIND_SERVICE},
	    {"cap_sys_admin", CAP_SYS_ADMIN},
	    {"CHOWN", CAP_CHOWN},
	    {"CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
	    {"BPF", CAP_BPF},
	    {"PERFMON", CAP_PERFMON},
	    {"ALL", -1},
	    {"", -1},
	    {"CAP_", -1},
	    {"NET_ADMN", -1},
	    {"NET_ADMIN ", -1},
	    {"41", -1},
	};
	const char *why;
	int seen = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int cap = -2, r = cap_parse(cases[i].in, &cap, &why);

		CHECK(cases[i].want >= 0 ? r == 0 && cap == cases[i].want : r < 0,
		      "capability \"%s\"", cases[i].in);
	}
	for (int c = 0; c < CAP_NUM; c++) {
		int back = -1;

		seen += cap_name(c) && cap_parse(cap_name(c), &back, &why) == 0 && back == c;
	}
	CHECK(seen == CAP_NUM, "all %d names parse back (%d did)", CAP_NUM, seen);
	CHECK(cap_name(-1) == NULL && cap_name(CAP_NUM) == NULL, "cap_name out of range");
	CHECK(!(cap_default_set() & CAP_BIT(CAP_SYS_ADMIN)), "default set lacks SYS_ADMIN");
	CHECK(!(cap_default_set() & CAP_BIT(CAP_NET_RAW)), "default set lacks NET_RAW");
	CHECK(cap_default_set() & CAP_BIT(CAP_NET_BIND_SERVICE),
	      "default set has NET_BIND_SERVICE");
	CHECK(!(cap_default_set() & CAP_BIT(CAP_MKNOD)), "default set lacks MKNOD");
	CHECK_EXIT();
}
