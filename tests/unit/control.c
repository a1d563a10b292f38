/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/control.c: framing, requests, replies, and the client's
 * side of an exchange over a socketpair. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "base/control.h"

static void
test_frame_size(void)
{
	unsigned char h[CONTROL_HEADER];

	control_header_put(h, 300);
	CHECK(control_frame_size(h, 4, 1000) == 304, "frame size: 300-byte payload");
	CHECK(control_frame_size(h, 3, 1000) == 0, "frame size: header incomplete");
	CHECK(control_frame_size(h, 4, 299) == -1, "frame size: payload over the limit");
	control_header_put(h, 0x01020304);
	CHECK(h[0] == 1 && h[1] == 2 && h[2] == 3 && h[3] == 4, "header: big-endian");
}

static void
test_request_roundtrip(void)
{
	static const struct {
		const char *verb, *arg;
		int ok;
	} cases[] = {
	    {"status", NULL, 1},
	    {"stop", "web", 1},
	    {"restart", "db-1_x", 1},
	    {"Stop", "web", 0},
	    {"", NULL, 0},
	    {"stop", "", 0},
	    {"stop", "a b", 0},
	    {"stop", "a\tb", 0},
	    {"stop", "caf\xc3\xa9", 0},
	    {"averyveryverylongverb", NULL, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[CONTROL_HEADER + CONTROL_MAX_REQUEST];
		struct control_request rq;
		ssize_t n = control_request_encode(buf, sizeof buf, cases[i].verb, cases[i].arg);

		if (!cases[i].ok) {
			CHECK(n < 0, "request %zu (%s) refused", i, cases[i].verb);
			continue;
		}
		CHECK(n > 0 && control_frame_size(buf, (size_t)n, CONTROL_MAX_REQUEST) == n &&
			  control_request_parse(buf + CONTROL_HEADER, (size_t)n - CONTROL_HEADER,
						&rq) == 0 &&
			  strcmp(rq.verb, cases[i].verb) == 0 &&
			  strcmp(rq.arg, cases[i].arg ? cases[i].arg : "") == 0,
		      "request %zu (%s %s) round trip", i, cases[i].verb,
		      cases[i].arg ? cases[i].arg : "");
	}
}

static void
test_request_parse_bad(void)
{
	static const struct {
		const char *p;
		size_t len;
	} cases[] = {
	    {"", 0},	  {" web", 4},	    {"stop ", 5},  {"stop a b", 8},
	    {"st\0p", 4}, {"stop w\0b", 8}, {"STATUS", 6}, {"stop \x7f", 6},
	};
	char big[CONTROL_MAX_REQUEST + 8];
	struct control_request rq;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(control_request_parse(cases[i].p, cases[i].len, &rq) < 0,
		      "malformed request %zu refused", i);
	memset(big, 'a', sizeof big);
	memcpy(big, "stop ", 5);
	CHECK(control_request_parse(big, sizeof big, &rq) < 0, "over-long request refused");
}

/* Writes a reply frame (or part of one) to one end, then runs the client
 * on the other. */
static enum control_result
exchange(const char *frame, size_t len, struct control_reply *r)
{
	int sv[2];
	enum control_result res;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return CONTROL_E_SOCKET;
	if (len && write(sv[1], frame, len) != (ssize_t)len)
		return CONTROL_E_SOCKET;
	shutdown(sv[1], SHUT_WR);
	res = control_exchange(sv[0], "status", NULL, r);
	close(sv[0]);
	close(sv[1]);
	return res;
}

static void
test_exchange(void)
{
	struct control_reply r;
	size_t n;
	char *f = control_reply_encode(CONTROL_ERROR, "no container named \"x\"", 22, &n);

	CHECK(f && n == CONTROL_HEADER + 23, "reply encode: size");
	CHECK(exchange(f, n, &r) == CONTROL_DONE && r.status == CONTROL_ERROR &&
		  strcmp(r.body, "no container named \"x\"") == 0,
	      "exchange: error reply and its message");
	control_reply_free(&r);
	CHECK(exchange(f, n - 3, &r) == CONTROL_E_CLOSED, "exchange: truncated reply");
	CHECK(exchange(f, 2, &r) == CONTROL_E_CLOSED, "exchange: truncated header");
	CHECK(exchange("", 0, &r) == CONTROL_E_CLOSED, "exchange: closed without a reply");
	f[CONTROL_HEADER] = 7;
	CHECK(exchange(f, n, &r) == CONTROL_E_PROTOCOL, "exchange: unknown status byte");
	free(f);
	f = control_reply_encode(CONTROL_OK, "{}\n", 3, &n);
	CHECK(exchange(f, n, &r) == CONTROL_DONE && r.status == CONTROL_OK && r.len == 3 &&
		  strcmp(r.body, "{}\n") == 0,
	      "exchange: ok reply with a JSON body");
	control_reply_free(&r);
	free(f);
	CHECK(control_reply_encode(CONTROL_OK, "", CONTROL_MAX_REPLY, &n) == NULL,
	      "reply encode: over the limit refused");
}

static void
test_call_no_socket(void)
{
	struct control_reply r;
	enum control_result res = control_call("/nonexistent/berth.sock", "status", NULL, 1000, &r);

	CHECK(res == CONTROL_E_CONNECT && errno == ENOENT,
	      "call: missing socket is a connect ENOENT");
	char longpath[200];
	memset(longpath, 'x', sizeof longpath - 1);
	longpath[sizeof longpath - 1] = '\0';
	CHECK(control_call(longpath, "status", NULL, 1000, &r) == CONTROL_E_PATH,
	      "call: over-long socket path");
}

int
main(void)
{
	test_frame_size();
	test_request_roundtrip();
	test_request_parse_bad();
	test_exchange();
	test_call_no_socket();
	CHECK_EXIT();
}
