/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/log/syslog.c: RFC 5424 messages and octet-counting frames,
 * byte for byte. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "log/syslog.h"

/* 2026-11-22T20:00:00.123456789Z */
#define S0 1795377600
#define NS0 123456789
#define IMAGE "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char *name;
	struct syslog_msg m;
	bool framed;
	const char *want;
} cases[] = {
    {"stdout line",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "berth",
      "web",
      42,
      "stdout",
      7,
      0,
      NULL,
      "hello",
      5,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z berth web 42 stdout [berth@32473 seq=\"7\" restarts=\"0\"] "
     "hello"},
    {"escaped image",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "berth",
      "web",
      42,
      "stdout",
      1,
      3,
      "a\"b\\c]d",
      "x",
      1,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z berth web 42 stdout [berth@32473 seq=\"1\" restarts=\"3\" "
     "image=\"a\\\"b\\\\c\\]d\"] x"},
    {"framed, multi-byte UTF-8 counted in octets",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_ERR,
      {S0, NS0},
      "berth",
      "web",
      42,
      "stderr",
      1,
      2,
      NULL,
      "h\xc3\xa9llo \xe2\x9c\x93",
      10,
      false,
      NULL},
     true,
     "99 <11>1 2026-11-22T20:00:00.123456Z berth web 42 stderr [berth@32473 seq=\"1\" "
     "restarts=\"2\"] "
     "h\xc3\xa9llo \xe2\x9c\x93"},
    {"nil hostname and procid, empty message",
     {SYSLOG_FAC_DAEMON,
      SYSLOG_SEV_WARNING,
      {0, 0},
      NULL,
      "berth",
      0,
      "dropped",
      18446744073709551615u,
      0,
      NULL,
      "",
      0,
      false,
      NULL},
     false,
     "<28>1 1970-01-01T00:00:00.000000Z - berth - dropped [berth@32473 "
     "seq=\"18446744073709551615\" "
     "restarts=\"0\"]"},
    {"header bytes outside US-ASCII and long app-name",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "h st",
      "a123456789b123456789c123456789d123456789e1234567890",
      1,
      "std\xc3\xa9",
      0,
      0,
      NULL,
      "m",
      1,
      false,
      NULL},
     true,
     "132 <14>1 2026-11-22T20:00:00.123456Z h_st a123456789b123456789c123456789d123456789e1234567 "
     "1 "
     "std__ [berth@32473 seq=\"0\" restarts=\"0\"] m"},
    {"host message: no restarts",
     {SYSLOG_FAC_KERN,
      SYSLOG_SEV_WARNING,
      {S0, NS0},
      "berth",
      "kernel",
      0,
      "-",
      12,
      5,
      NULL,
      "berth-drop IN=eth0",
      18,
      true,
      NULL},
     false,
     "<4>1 2026-11-22T20:00:00.123456Z berth kernel - - [berth@32473 seq=\"12\"] berth-drop "
     "IN=eth0"},
    {"container line",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "demo",
      "web",
      1234,
      "stdout",
      41,
      0,
      IMAGE,
      "GET /index.html 200",
      19,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z demo web 1234 stdout [berth@32473 seq=\"41\" "
     "restarts=\"0\" image=\"" IMAGE "\"] GET /index.html 200"},
    {"container line, framed",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "demo",
      "web",
      1234,
      "stdout",
      41,
      0,
      IMAGE,
      "GET /index.html 200",
      19,
      false,
      NULL},
     true,
     "190 <14>1 2026-11-22T20:00:00.123456Z demo web 1234 stdout [berth@32473 seq=\"41\" "
     "restarts=\"0\" image=\"" IMAGE "\"] GET /index.html 200"},
    {"framed, 100 octets: a third length digit",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_ERR,
      {S0, NS0},
      "berth",
      "web",
      42,
      "stderr",
      1,
      2,
      NULL,
      "h\xc3\xa9llo \xe2\x9c\x93!",
      11,
      false,
      NULL},
     true,
     "100 <11>1 2026-11-22T20:00:00.123456Z berth web 42 stderr [berth@32473 seq=\"1\" "
     "restarts=\"2\"] "
     "h\xc3\xa9llo \xe2\x9c\x93!"},
    {"empty hostname, negative procid",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "",
      "web",
      -1,
      "stdout",
      5,
      1,
      NULL,
      "x",
      1,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z - web - stdout [berth@32473 seq=\"5\" restarts=\"1\"] x"},
    {"seq 0, restarts UINT_MAX",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "demo",
      "web",
      9,
      "stdout",
      0,
      4294967295u,
      NULL,
      "x",
      1,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z demo web 9 stdout [berth@32473 seq=\"0\" "
     "restarts=\"4294967295\"] x"},
    {"escapes at the ends of the image and side by side",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "demo",
      "web",
      9,
      "stdout",
      3,
      0,
      "\"\\]]x\"",
      "x",
      1,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z demo web 9 stdout [berth@32473 seq=\"3\" "
     "restarts=\"0\" image=\"\\\"\\\\\\]\\]x\\\"\"] x"},
    {"empty image",
     {SYSLOG_FAC_USER,
      SYSLOG_SEV_INFO,
      {S0, NS0},
      "demo",
      "web",
      9,
      "stdout",
      3,
      0,
      "",
      "x",
      1,
      false,
      NULL},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z demo web 9 stdout [berth@32473 seq=\"3\" "
     "restarts=\"0\" image=\"\"] x"},
    {"largest and smallest PRI",
     {23, 7, {S0, 0}, "demo", "local7", 1, "m", 1, 0, NULL, "", 0, true, NULL},
     false,
     "<191>1 2026-11-22T20:00:00.000000Z demo local7 1 m [berth@32473 seq=\"1\"]"},
    {"boot id after seq",
     {SYSLOG_FAC_USER, SYSLOG_SEV_INFO, {S0, NS0}, "demo", "web", 9, "stdout", 70000, 2, "img",
      "x", 1, false, "3f1c2a9e-5b7d-4e21-9a0c-6d8e1f2b3c4d"},
     false,
     "<14>1 2026-11-22T20:00:00.123456Z demo web 9 stdout [berth@32473 seq=\"70000\" "
     "boot=\"3f1c2a9e-5b7d-4e21-9a0c-6d8e1f2b3c4d\" restarts=\"2\" image=\"img\"] x"},
    {"boot id of a host message, framed",
     {SYSLOG_FAC_DAEMON, SYSLOG_SEV_INFO, {S0, 0}, "demo", "berth-supervisor", 1, "-", 65537, 0,
      NULL, "hi", 2, true, "b"},
     true,
     "97 <30>1 2026-11-22T20:00:00.000000Z demo berth-supervisor 1 - [berth@32473 seq=\"65537\" "
     "boot=\"b\"] hi"},
    {"PRI 0",
     {0, 0, {S0, 0}, "demo", "kernel", 0, "-", 2, 0, NULL, "panic", 5, true, NULL},
     false,
     "<0>1 2026-11-22T20:00:00.000000Z demo kernel - - [berth@32473 seq=\"2\"] panic"},
};

/* Octet-counted frames as a spool or a queue holds them. */
static const struct {
	const char *in;
	ssize_t want;
} frames[] = {
    {"3 abc", 5}, {"3 abcdef", 5}, {"3 ab", 0},	       {"12", 0},
    {"", 0},	  {"0 ", -1},	   {"03 abc", -1},     {"x abc", -1},
    {"3abc", -1}, {" 3 abc", -1},  {"1234567890", -1}, {"10 0123456789", 13},
};

/* /dev/kmsg records as the kernel gives them, and what they become. */
static const struct {
	const char *name, *rec;
	int ret, facility, severity;
	unsigned long long seq, usec;
	const char *app, *text;
	long procid;
} kmsgs[] = {
    {"kernel record", "6,42,1234567,-;eth0: link up\n", 0, 0, 6, 42, 1234567, "kernel",
     "eth0: link up", 0},
    {"firewall drop with dictionary lines",
     "4,7,99,-,caller=T1;berth-drop: IN=eth0 SRC=10.0.2.2\n SUBSYSTEM=net\n DEVICE=n2\n", 0, 0, 4,
     7, 99, "kernel", "berth-drop: IN=eth0 SRC=10.0.2.2", 0},
    {"program with pid", "13,8,5,-;berthvm[7]: hello there\n", 0, 1, 5, 8, 5, "berthvm",
     "hello there", 7},
    {"program without pid", "30,9,5,c;netsetup: eth0: up\n", 0, 3, 6, 9, 5, "netsetup", "eth0: up",
     0},
    {"user text without a name", "14,10,5,-;no name here\n", 0, 1, 6, 10, 5, "kernel",
     "no name here", 0},
    {"name without the space", "14,11,5,-;a:b\n", 0, 1, 6, 11, 5, "kernel", "a:b", 0},
    {"unclosed pid", "14,12,5,-;x[12: y\n", 0, 1, 6, 12, 5, "kernel", "x[12: y", 0},
    {"no semicolon", "6,1,2,-", -1, 0, 0, 0, 0, NULL, NULL, 0},
    {"not numbers", "a,b,c;x\n", -1, 0, 0, 0, 0, NULL, NULL, 0},
};

static void
check_kmsg(void)
{
	for (size_t i = 0; i < sizeof kmsgs / sizeof kmsgs[0]; i++) {
		char rec[256], app[49], text[256];
		struct syslog_msg m = {.app = "kernel"};
		uint64_t usec = 0;

		snprintf(rec, sizeof rec, "%s", kmsgs[i].rec);
		int r = syslog_kmsg_parse(rec, strlen(rec), &m, &usec);
		CHECK(r == kmsgs[i].ret, "kmsg %s: returns %d", kmsgs[i].name, kmsgs[i].ret);
		if (r < 0 || kmsgs[i].ret < 0)
			continue;
		if (m.facility != 0)
			syslog_kmsg_app(&m, app);
		CHECK(m.facility == kmsgs[i].facility && m.severity == kmsgs[i].severity &&
			  m.seq == kmsgs[i].seq && usec == kmsgs[i].usec &&
			  m.procid == kmsgs[i].procid,
		      "kmsg %s: facility %d, severity %d, seq %llu, usec %llu, procid %ld",
		      kmsgs[i].name, kmsgs[i].facility, kmsgs[i].severity, kmsgs[i].seq,
		      kmsgs[i].usec, kmsgs[i].procid);
		CHECK_STR(m.app, kmsgs[i].app, "kmsg %s: app-name", kmsgs[i].name);
		snprintf(text, sizeof text, "%.*s", (int)m.len, m.text);
		CHECK_STR(text, kmsgs[i].text, "kmsg %s: text", kmsgs[i].name);
	}
}

/* The header of m as syslog_format writes it: from the hostname to the
 * space before the SD, NUL-terminated in buf. */
static const char *
header_fields(char *buf, size_t size, const struct syslog_msg *m)
{
	ssize_t n = syslog_format(buf, size, m, false);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	char *start = buf + strlen("<14>1 2026-11-22T20:00:00.123456Z ");
	char *end = strstr(start, " [" SYSLOG_SD_ID);
	if (!end)
		return NULL;
	*end = '\0';
	return start;
}

/* Header fields longer than RFC 5424 allows are cut, and the bytes outside
 * 33..126 in them become '_', on both sides of the cut. */
static void
check_fields(void)
{
	char host[301], want[512], buf[1024];
	struct syslog_msg m = {.facility = SYSLOG_FAC_USER,
			       .severity = SYSLOG_SEV_INFO,
			       .time = {S0, NS0},
			       .hostname = host,
			       .procid = 7,
			       .seq = 1,
			       .text = "x",
			       .len = 1,
			       .host = true};

	memset(host, 'h', 300);
	host[300] = '\0';
	memcpy(host, " !~\x7f\x80\xff\x01", 7);
	host[254] = '\t'; /* the last byte kept */
	host[255] = 'X';  /* the first byte cut */
	m.app = "a123456789b123456789c123456789d123456789e123456\x7fZZZ";
	m.msgid = "m123456789n123456789o12345678\xc3\xa9\xc3\xa9";
	memcpy(want, "_!~____", 7);
	memset(want + 7, 'h', 247);
	strcpy(
	    want + 254,
	    "_ a123456789b123456789c123456789d123456789e123456_ 7 m123456789n123456789o12345678__"
	    "_");
	CHECK_STR(header_fields(buf, sizeof buf, &m), want,
		  "hostname cut at 255, app-name at 48, msgid at 32, bytes outside 33..126 as '_'");

	/* Every byte value alone in a msgid. */
	int bad = -1;
	for (int b = 1; b <= 255; b++) {
		char id[2] = {(char)b, '\0'}, w[2] = {b >= 33 && b <= 126 ? (char)b : '_', '\0'};
		const char *got;

		m.hostname = "h";
		m.msgid = id;
		m.app = "a";
		got = header_fields(buf, sizeof buf, &m);
		if (!got || strncmp(got, "h a 7 ", 6) != 0 || strcmp(got + 6, w) != 0) {
			bad = b;
			break;
		}
	}
	CHECK(bad < 0,
	      "each byte 1..255 as a msgid: itself when 33..126, else '_' (first wrong: %d)", bad);
}

/* In every size below what a message needs, syslog_format returns -1; from
 * that size on, the message; and it never writes at or past size. */
static void
check_sizes(size_t i)
{
	char want[512], buf[512];
	ssize_t need = syslog_format(want, sizeof want, &cases[i].m, cases[i].framed);
	ssize_t bad = -1;

	for (ssize_t size = 0; size <= need + 1 && need > 0; size++) {
		memset(buf, 0x5a, sizeof buf);
		ssize_t n = syslog_format(buf, (size_t)size, &cases[i].m, cases[i].framed);
		bool ok = size < need ? n == -1 : n == need && memcmp(buf, want, (size_t)n) == 0;
		for (size_t k = (size_t)size; k < sizeof buf; k++)
			ok = ok && buf[k] == 0x5a;
		if (!ok) {
			bad = size;
			break;
		}
	}
	CHECK(need > 0 && bad < 0,
	      "%s: -1 below %zd bytes, the message from there (first wrong: %zd)", cases[i].name,
	      need, bad);
}

/* In the order given: the same second again, the next one, back again,
 * across a day and a year, before 1970 and past what four digits hold. */
static const struct {
	long long sec;
	long nsec;
	const char *want;
} stamps[] = {
    {S0, 0, "2026-11-22T20:00:00.000000Z"},
    {S0, 999999999, "2026-11-22T20:00:00.999999Z"},
    {S0 + 1, 1000, "2026-11-22T20:00:01.000001Z"},
    {S0, 500000, "2026-11-22T20:00:00.000500Z"},
    {1795391999, 999999000, "2026-11-22T23:59:59.999999Z"},
    {1795392000, 0, "2026-11-23T00:00:00.000000Z"},
    {1798761599, 123000, "2026-12-31T23:59:59.000123Z"},
    {1798761600, 0, "2027-01-01T00:00:00.000000Z"},
    {1798761599, 0, "2026-12-31T23:59:59.000000Z"},
    {1835438400, 0, "2028-02-29T12:00:00.000000Z"},
    {0, 0, "1970-01-01T00:00:00.000000Z"},
    {-1, 0, "1969-12-31T23:59:59.000000Z"},
    {253402300799, 0, "9999-12-31T23:59:59.000000Z"},
    {253402300800, 0, "0000-00-00T00:00:00.000000Z"},
    {253402300800, 42000, "0000-00-00T00:00:00.000042Z"},
    {S0, 0, "2026-11-22T20:00:00.000000Z"},
};

static void
check_rfc3339(void)
{
	for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
		struct timespec ts = {(time_t)stamps[i].sec, stamps[i].nsec};
		char out[29];

		/* A missing NUL shows as a trailing 'x'. */
		memset(out, 'x', 28);
		out[28] = '\0';
		syslog_rfc3339(&ts, out);
		CHECK_STR(out, stamps[i].want, "rfc3339 %zu: %lld.%09ld", i, stamps[i].sec,
			  stamps[i].nsec);
	}
}

int
main(void)
{
	char buf[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ssize_t n = syslog_format(buf, sizeof buf, &cases[i].m, cases[i].framed);
		CHECK(n == (ssize_t)strlen(cases[i].want), "%s: length %zd, want %zu",
		      cases[i].name, n, strlen(cases[i].want));
		if (n >= 0)
			buf[n] = '\0';
		CHECK_STR(n >= 0 ? buf : NULL, cases[i].want, "%s: bytes", cases[i].name);
	}

	/* Exactly the room needed, then one byte less: framed and not. */
	for (int framed = 0; framed <= 1; framed++) {
		ssize_t need = syslog_format(buf, sizeof buf, &cases[2].m, framed);
		CHECK(syslog_format(buf, (size_t)need, &cases[2].m, framed) == need,
		      "fits in exactly %zd bytes (framed %d)", need, framed);
		CHECK(syslog_format(buf, (size_t)need - 1, &cases[2].m, framed) == -1,
		      "-1 in %zd bytes (framed %d)", need - 1, framed);
	}

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_sizes(i);
	check_fields();
	check_rfc3339();

	for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
		CHECK(syslog_frame_len(frames[i].in, strlen(frames[i].in)) == frames[i].want,
		      "frame \"%s\": %zd", frames[i].in, frames[i].want);

	check_kmsg();

	struct timespec ts = {1795377600, 999999999};
	char out[28];
	syslog_rfc3339(&ts, out);
	CHECK_STR(out, "2026-11-22T20:00:00.999999Z", "rfc3339 truncates to microseconds");
	CHECK_EXIT();
}
