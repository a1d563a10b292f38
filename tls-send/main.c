/* SPDX-License-Identifier: MIT */
/*
 * tls-send: sends one tls:// target's spool over TLS (RFC 5425) with
 * GnuTLS and removes what the receiver's TCP acknowledged. The supervisor
 * starts one per target (supervisor/logrelp.c) with the spool directory as
 * fd 3, its wake pipe as fd 4 and its notes pipe as fd 5, and kills it
 * when it dies itself. A program of its own so that GnuTLS is in the image
 * only when a manifest asks for TLS.
 *   tls-send URL HOST PORT MARGIN CA [CERT KEY]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sender.h"

int
main(int argc, char **argv)
{
	struct log_target t = {.proto = LOG_TLS};
	char *end;
	unsigned long port;
	unsigned long long margin;

	if (argc != 6 && argc != 8) {
		fputs("usage: tls-send URL HOST PORT MARGIN CA [CERT KEY] (started by the "
		      "supervisor)\n",
		      stderr);
		return 2;
	}
	port = strtoul(argv[3], &end, 10);
	if (*end || !port || port > 65535) {
		fprintf(stderr, "tls-send: bad port %s\n", argv[3]);
		return 2;
	}
	margin = strtoull(argv[4], &end, 10);
	if (*end || !*argv[4]) {
		fprintf(stderr, "tls-send: bad margin %s\n", argv[4]);
		return 2;
	}
	t.url = argv[1];
	t.host = argv[2];
	t.port = (uint16_t)port;
	t.ca = argv[5];
	if (argc == 8) {
		t.cert = argv[6];
		t.key = argv[7];
	}
	tls_sender(3, 4, 5, &t, margin);
}
