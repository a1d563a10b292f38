/* SPDX-License-Identifier: MIT */
/*
 * relp-send: sends one relp:// target's spool with librelp and removes what
 * the receiver acknowledged. The supervisor starts one per target
 * (supervisor/logrelp.c) with the spool directory as fd 3, its wake pipe
 * as fd 4 and its notes pipe as fd 5, and kills it when it dies itself.
 * A program of its own so that librelp and the TLS libraries it loads
 * are in the image only when a manifest asks for RELP.
 *   relp-send URL HOST PORT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sender.h"

int
main(int argc, char **argv)
{
	struct log_target t = {.proto = LOG_RELP};
	char *end;
	unsigned long port;

	if (argc != 4) {
		fputs("usage: relp-send URL HOST PORT (started by the supervisor)\n", stderr);
		return 2;
	}
	port = strtoul(argv[3], &end, 10);
	if (*end || !port || port > 65535) {
		fprintf(stderr, "relp-send: bad port %s\n", argv[3]);
		return 2;
	}
	t.url = argv[1];
	t.host = argv[2];
	t.port = (uint16_t)port;
	relp_sender(3, 4, 5, &t);
}
