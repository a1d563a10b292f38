/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes through the channel's JSON reader and its
 * root and release readers, which see a server's bytes before any
 * signature is checked. A release that reads must write back as text
 * that reads to the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "update/channel.h"
#include "update/cjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A release's text read back must hold the same counts and entries. */
static void
round_trip(const struct channel_release *r)
{
	struct channel_release *again = NULL;
	uint8_t *sk = calloc(1, 64);
	char *text = channel_release_text(r), *doc, err[256];

	if (!text || !sk)
		__builtin_trap();
	doc = channel_document(text, (const uint8_t(*)[64])sk, 0);
	if (!doc || channel_release_read(doc, strlen(doc), &again, err, sizeof(err)) < 0 ||
	    again->version != r->version || again->nentries != r->nentries ||
	    again->nmanifests != r->nmanifests ||
	    (r->nentries && strcmp(again->entries[0].path, r->entries[0].path)))
		__builtin_trap();
	channel_release_free(again);
	free(doc);
	free(text);
	free(sk);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct channel_release *r = NULL;
	struct channel_root root;
	struct cj v;
	char err[512];

	if (cj_parse((const char *)data, size, &v, err, sizeof(err)) == 0)
		cj_free(&v);
	if (channel_release_read((const char *)data, size, &r, err, sizeof(err)) == 0) {
		round_trip(r);
		channel_release_free(r);
	}
	(void)channel_root_load((const char *)data, size, &root, err, sizeof(err));
	return 0;
}
