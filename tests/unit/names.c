/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/names.c: the name and path checks. */
#include "check.h"
#include "base/names.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct name_case {
	const char *in;
	int ok;
};

static void
run(const char *what, int (*fn)(const char *, const char **), const struct name_case *c, size_t n)
{
	const char *why;

	for (size_t i = 0; i < n; i++) {
		why = NULL;
		int r = fn(c[i].in, &why);

		CHECK(c[i].ok ? r == 0 : r < 0 && why && *why, "%s \"%s\" %s", what, c[i].in,
		      c[i].ok ? "accepted" : "rejected");
	}
}

int
main(void)
{
	static const struct name_case container[] = {
	    {"web", 1},
	    {"0db", 1},
	    {"a", 1},
	    {"web_1.x-y", 1},
	    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc", 1},  /* 63 */
	    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd", 0}, /* 64 */
	    {"", 0},
	    {"Web", 0},
	    {"-web", 0},
	    {"_web", 0},
	    {".web", 0},
	    {"we b", 0},
	    {"web/1", 0},
	    {"wéb", 0},
	};
	static const struct name_case volume[] = {
	    {"data", 1}, {"Data_1.x-y", 1}, {"", 0}, {"-x", 0}, {"a/b", 0}, {"a:b", 0},
	};
	static const struct name_case hostname[] = {
	    {"edge-01", 1},
	    {"edge-01.example.org", 1},
	    {"a", 1},
	    {"0", 1},
	    {"EDGE", 1},
	    {"", 0},
	    {"-edge", 0},
	    {"edge-", 0},
	    {"ed_ge", 0},
	    {"edge..org", 0},
	    {".edge", 0},
	    {"edge.", 0},
	    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd", 0},  /* 64 label */
	    {"abcdefghij.bcdefghij.bcdefghij.bcdefghij.bcdefghij.bcdefghij.bcde", 0}, /* 65 */
	    {"abcdefghij.bcdefghij.bcdefghij.bcdefghij.bcdefghij.bcdefghij.bcd", 1},  /* 64 */
	};
	static const struct name_case ifname[] = {
	    {"eth0", 1},
	    {"enp0s3", 1},
	    {"eth0.100", 1},
	    {"abcdefghijklmno", 1},
	    {"abcdefghijklmnop", 0},
	    {"", 0},
	    {".", 0},
	    {"..", 0},
	    {"a/b", 0},
	    {"a:b", 0},
	    {"a b", 0},
	};
	static const struct name_case env[] = {
	    {"PATH", 1}, {"_x", 1},  {"a1_B2", 1}, {"", 0},
	    {"1A", 0},	 {"A-B", 0}, {"A=B", 0},   {"A.B", 0},
	};
	static const struct name_case sysctl[] = {
	    {"net.ipv4.ip_forward", 1},
	    {"net/ipv4/conf/eth0.100/rp_filter", 1},
	    {"net.ipv4.conf.eth0/100.rp_filter", 1},
	    {"kernel.pid_max", 1},
	    {"net.ipv4.conf.all.rp_filter", 1},
	    {"vm", 0},
	    {"", 0},
	    {".net.ipv4", 0},
	    {"net..ipv4", 0},
	    {"net.ipv4.", 0},
	    {"net/ipv4/../../etc", 0},
	    {"net/./ipv4", 0},
	    {"net.ipv4 .x", 0},
	    {"net.ipv4.*", 0},
	};
	static const struct name_case tz[] = {
	    {"UTC", 1},
	    {"Europe/Berlin", 1},
	    {"Etc/GMT+2", 1},
	    {"America/Port-au-Prince", 1},
	    {"", 0},
	    {"/UTC", 0},
	    {"Europe//Berlin", 0},
	    {"../etc/passwd", 0},
	    {"UTC/", 0},
	    {"Europe/Ber lin", 0},
	};
	static const struct name_case abs[] = {
	    {"/", 1},	{"/data", 1}, {"/a/b/c", 1}, {"/a.b/.c", 1}, {"", 0},	 {"data", 0},
	    {"//a", 0}, {"/a//b", 0}, {"/a/", 0},    {"/a/./b", 0},  {"/..", 0}, {"/a/..", 0},
	};
	static const struct name_case rel[] = {
	    {"a", 1}, {"a/b", 1}, {"", 0}, {"/a", 0}, {"a/", 0}, {"../a", 0}, {"a/./b", 0},
	};

	run("container", name_container_check, container, N(container));
	run("volume", name_volume_check, volume, N(volume));
	run("hostname", name_hostname_check, hostname, N(hostname));
	run("ifname", name_ifname_check, ifname, N(ifname));
	run("env", name_env_check, env, N(env));
	run("sysctl", name_sysctl_check, sysctl, N(sysctl));
	run("timezone", name_timezone_check, tz, N(tz));
	run("abs path", path_check_abs, abs, N(abs));
	run("rel path", path_check_rel, rel, N(rel));
	CHECK_EXIT();
}
