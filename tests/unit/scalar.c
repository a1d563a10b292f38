/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/scalar.c: numbers, sizes, durations, CPU counts,
 * signals, restart policies and users. */
#include <signal.h>
#include <stdint.h>

#include "check.h"
#include "base/scalar.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct u64_case {
	const char *in;
	int ok;
	uint64_t want;
};

static void
test_uint(void)
{
	static const struct u64_case cases[] = {
	    {"0", 1, 0},
	    {"1", 1, 1},
	    {"65535", 1, 65535},
	    {"18446744073709551615", 1, UINT64_MAX},
	    {"18446744073709551616", 0, 0},
	    {"99999999999999999999999", 0, 0},
	    {"", 0, 0},
	    {"-1", 0, 0},
	    {"+1", 0, 0},
	    {"007", 0, 0},
	    {"1 ", 0, 0},
	    {" 1", 0, 0},
	    {"12a", 0, 0},
	    {"0x10", 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		uint64_t v = 12345;
		int r = scalar_uint(cases[i].in, UINT64_MAX, &v, &why);

		CHECK(cases[i].ok ? r == 0 && v == cases[i].want : r < 0 && why && *why,
		      "uint \"%s\"", cases[i].in);
	}
	CHECK(scalar_uint("11", 10, &(uint64_t){0}, &why) < 0, "uint above max");
	CHECK(scalar_uint("10", 10, &(uint64_t){0}, &why) == 0, "uint at max");
}

static void
test_size(void)
{
	static const struct u64_case cases[] = {
	    {"0", 1, 0},
	    {"1024", 1, 1024},
	    {"1b", 1, 1},
	    {"512k", 1, 512 << 10},
	    {"512K", 1, 512 << 10},
	    {"512kb", 1, 512 << 10},
	    {"512KiB", 1, 512 << 10},
	    {"256m", 1, 256ull << 20},
	    {"10M", 1, 10ull << 20},
	    {"256mb", 1, 256ull << 20},
	    {"1g", 1, 1ull << 30},
	    {"1GB", 1, 1ull << 30},
	    {"2t", 1, 2ull << 40},
	    {"16777215t", 1, 16777215ull << 40},
	    {"16777216t", 0, 0}, /* 2^64: overflow after the shift */
	    {"18446744073709551615", 1, UINT64_MAX},
	    {"18446744073709551616", 0, 0},
	    {"17179869184g", 0, 0},
	    {"", 0, 0},
	    {"m", 0, 0},
	    {"-1m", 0, 0},
	    {"1.5g", 0, 0},
	    {"1x", 0, 0},
	    {"1 m", 0, 0},
	    {"1mm", 0, 0},
	    {"1p", 0, 0},
	    {"01m", 0, 0},
	    {"0m", 1, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		uint64_t v = 12345;
		int r = scalar_size(cases[i].in, &v, &why);

		CHECK(cases[i].ok ? r == 0 && v == cases[i].want : r < 0 && why && *why,
		      "size \"%s\"", cases[i].in);
	}
}

static void
test_duration(void)
{
	static const struct u64_case cases[] = {
	    {"0", 1, 0},
	    {"0s", 1, 0},
	    {"10s", 1, 10000},
	    {"500ms", 1, 500},
	    {"1m30s", 1, 90000},
	    {"2h", 1, 7200000},
	    {"1h2m3s4ms", 1, 3723004},
	    {"1.5s", 1, 1500},
	    {"1.5h", 1, 5400000},
	    {".5s", 1, 500},
	    {"1000us", 1, 1},
	    {"1000000ns", 1, 1},
	    {"1000\xc2\xb5s", 1, 1},
	    {"30s1m", 1, 90000},		   /* Go accepts any order */
	    {"5124095h", 1, 5124095ull * 3600000}, /* just below 2^64 ns */
	    {"5124096h", 0, 0},
	    {"18446744073709ms", 1, 18446744073709ull},
	    {"18446744073710ms", 0, 0},
	    {"99999999999999999999h", 0, 0},
	    {"1500us", 0, 0}, /* below a millisecond */
	    {"1", 0, 0},      /* no unit */
	    {"10", 0, 0},
	    {"", 0, 0},
	    {"-1s", 0, 0},
	    {"+1s", 0, 0},
	    {"1d", 0, 0},
	    {"1s ", 0, 0},
	    {" 1s", 0, 0},
	    {"s", 0, 0},
	    {"1..5s", 0, 0},
	    {"1.s", 1, 1000},
	    {"1m30", 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		uint64_t v = 12345;
		int r = scalar_duration(cases[i].in, &v, &why);

		CHECK(cases[i].ok ? r == 0 && v == cases[i].want : r < 0 && why && *why,
		      "duration \"%s\"", cases[i].in);
	}
}

static void
test_duration_format(void)
{
	static const struct {
		uint64_t ms;
		const char *want;
	} cases[] = {
	    {0, "0s"},	      {1, "1ms"},	 {500, "500ms"},
	    {1000, "1s"},     {1500, "1s500ms"}, {60000, "1m"},
	    {90000, "1m30s"}, {3600000, "1h"},	 {3723004, "1h2m3s4ms"},
	};
	char buf[DURATION_STRLEN];
	uint64_t back;
	const char *why;

	for (size_t i = 0; i < N(cases); i++) {
		duration_format(cases[i].ms, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].want, "duration_format %llu",
			  (unsigned long long)cases[i].ms);
		CHECK(scalar_duration(buf, &back, &why) == 0 && back == cases[i].ms,
		      "duration_format %s parses back", buf);
	}
	duration_format(18446744073709ull, buf, sizeof(buf));
	CHECK(scalar_duration(buf, &back, &why) == 0 && back == 18446744073709ull,
	      "duration_format of the largest duration parses back (%s)", buf);
}

static void
test_cpus(void)
{
	static const struct {
		const char *in;
		int ok;
		uint32_t want;
	} cases[] = {
	    {"0.5", 1, 500},
	    {"2", 1, 2000},
	    {"1.25", 1, 1250},
	    {".5", 1, 500},
	    {"0.001", 1, 1},
	    {"1024", 1, 1024000},
	    {"1024.0", 1, 1024000},
	    {"1024.001", 0, 0},
	    {"1025", 0, 0},
	    {"0", 0, 0},
	    {"0.0", 0, 0},
	    {"0.0001", 0, 0},
	    {"", 0, 0},
	    {"-1", 0, 0},
	    {"1e3", 0, 0},
	    {"1.", 1, 1000},
	    {"abc", 0, 0},
	    {"99999999999999999999", 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		uint32_t v = 7;
		int r = scalar_cpus(cases[i].in, &v, &why);

		CHECK(cases[i].ok ? r == 0 && v == cases[i].want : r < 0 && why && *why,
		      "cpus \"%s\"", cases[i].in);
	}
	char buf[16];

	cpus_format(500, buf, sizeof(buf));
	CHECK_STR(buf, "0.5", "cpus_format 500");
	cpus_format(2000, buf, sizeof(buf));
	CHECK_STR(buf, "2", "cpus_format 2000");
	cpus_format(1025, buf, sizeof(buf));
	CHECK_STR(buf, "1.025", "cpus_format 1025");
	cpus_format(1250, buf, sizeof(buf));
	CHECK_STR(buf, "1.25", "cpus_format 1250");
}

static void
test_signal(void)
{
	static const struct {
		const char *in;
		int want; /* 0: an error */
	} cases[] = {
	    {"SIGTERM", SIGTERM},
	    {"TERM", SIGTERM},
	    {"term", SIGTERM},
	    {"SigTerm", SIGTERM},
	    {"15", SIGTERM},
	    {"SIGKILL", SIGKILL},
	    {"HUP", SIGHUP},
	    {"SIGUSR1", SIGUSR1},
	    {"WINCH", SIGWINCH},
	    {"SIGIOT", SIGABRT},
	    {"1", 1},
	    {"64", 64},
	    {"RTMIN", 34},
	    {"SIGRTMIN+3", 37},
	    {"RTMAX", 64},
	    {"RTMAX-2", 62},
	    {"RTMIN+30", 64},
	    {"RTMIN+31", 0},
	    {"RTMAX-31", 0},
	    {"RTMIN-1", 0},
	    {"0", 0},
	    {"65", 0},
	    {"-1", 0},
	    {"", 0},
	    {"SIG", 0},
	    {"SIGFOO", 0},
	    {"SIGTERM ", 0},
	    {"015", 0},
	    {"SIGTERMSIGTERMSIGTERM", 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		int sig = -1, r = signal_parse(cases[i].in, &sig, &why);

		CHECK(cases[i].want ? r == 0 && sig == cases[i].want : r < 0 && why && *why,
		      "signal \"%s\"", cases[i].in);
	}
	char buf[32];

	signal_format(SIGTERM, buf, sizeof(buf));
	CHECK_STR(buf, "SIGTERM", "signal_format SIGTERM");
	signal_format(SIGABRT, buf, sizeof(buf));
	CHECK_STR(buf, "SIGABRT", "signal_format SIGABRT");
	signal_format(37, buf, sizeof(buf));
	CHECK_STR(buf, "SIGRTMIN+3", "signal_format 37");
}

static void
test_restart(void)
{
	static const struct {
		const char *in;
		int ok;
		enum restart_kind kind;
		uint32_t retries;
	} cases[] = {
	    {"no", 1, RESTART_NO, 0},
	    {"always", 1, RESTART_ALWAYS, 0},
	    {"unless-stopped", 1, RESTART_UNLESS_STOPPED, 0},
	    {"on-failure", 1, RESTART_ON_FAILURE, 0},
	    {"on-failure:5", 1, RESTART_ON_FAILURE, 5},
	    {"on-failure:2147483647", 1, RESTART_ON_FAILURE, 2147483647},
	    {"on-failure:2147483648", 0, 0, 0},
	    {"on-failure:0", 0, 0, 0},
	    {"on-failure:", 0, 0, 0},
	    {"on-failure:-1", 0, 0, 0},
	    {"on-failure:3x", 0, 0, 0},
	    {"always:3", 0, 0, 0},
	    {"No", 0, 0, 0},
	    {"", 0, 0, 0},
	    {"false", 0, 0, 0},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		struct restart_policy p = {RESTART_ALWAYS, 99};
		int r = restart_parse(cases[i].in, &p, &why);

		CHECK(cases[i].ok
			  ? r == 0 && p.kind == cases[i].kind && p.max_retries == cases[i].retries
			  : r < 0 && why && *why,
		      "restart \"%s\"", cases[i].in);
	}
	CHECK_STR(restart_kind_str(RESTART_UNLESS_STOPPED), "unless-stopped", "restart_kind_str");
}

static void
test_user(void)
{
	static const struct {
		const char *in;
		int ok;
		const char *user, *group;
		int uid, gid; /* -1: not numeric */
	} cases[] = {
	    {"1000", 1, "1000", "", 1000, -1},
	    {"1000:1000", 1, "1000", "1000", 1000, 1000},
	    {"0:0", 1, "0", "0", 0, 0},
	    {"nobody", 1, "nobody", "", -1, -1},
	    {"www-data:www-data", 1, "www-data", "www-data", -1, -1},
	    {"app:100", 1, "app", "100", -1, 100},
	    {"_svc", 1, "_svc", "", -1, -1},
	    {"4294967294", 1, "4294967294", "", -2, -1},
	    {"4294967295", 0, NULL, NULL, 0, 0},
	    {"-1", 0, NULL, NULL, 0, 0},
	    {"", 0, NULL, NULL, 0, 0},
	    {":1000", 0, NULL, NULL, 0, 0},
	    {"1000:", 0, NULL, NULL, 0, 0},
	    {"a:b:c", 0, NULL, NULL, 0, 0},
	    {"1abc", 0, NULL, NULL, 0, 0},
	    {"us er", 0, NULL, NULL, 0, 0},
	    {"abcdefghijabcdefghijabcdefghijabc", 0, NULL, NULL, 0, 0}, /* 33 */
	    {"abcdefghijabcdefghijabcdefghijab", 1, "abcdefghijabcdefghijabcdefghijab", "", -1, -1},
	};
	const char *why = NULL;

	for (size_t i = 0; i < N(cases); i++) {
		struct user_spec u;
		int r = user_parse(cases[i].in, &u, &why), ok;

		if (!cases[i].ok) {
			CHECK(r < 0 && why && *why, "user \"%s\" is rejected", cases[i].in);
			continue;
		}
		ok = r == 0 && strcmp(u.user, cases[i].user) == 0 &&
		     strcmp(u.group, cases[i].group) == 0;
		if (cases[i].uid == -2)
			ok = ok && u.uid_numeric && u.uid == 4294967294u;
		else
			ok = ok && u.uid_numeric == (cases[i].uid >= 0) &&
			     (cases[i].uid < 0 || u.uid == (uint32_t)cases[i].uid);
		ok = ok && u.gid_numeric == (cases[i].gid >= 0) &&
		     (cases[i].gid < 0 || u.gid == (uint32_t)cases[i].gid);
		CHECK(ok, "user \"%s\"", cases[i].in);
	}
}

int
main(void)
{
	test_uint();
	test_size();
	test_duration();
	test_duration_format();
	test_cpus();
	test_signal();
	test_restart();
	test_user();
	CHECK_EXIT();
}
