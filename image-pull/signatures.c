/* SPDX-License-Identifier: MIT */
/* A pull asks the trust policy first: the signatures of what the reference
 * names are fetched from the lookaside (plain HTTP(S) GETs, libcurl), and
 * lib/trust checks them with gpgv. An image the policy refuses is never
 * fetched; the reason names the image, its digest and the scope. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "signatures.h"
#include "trust/trustcheck.h"

#define POLICY_MAX (1 << 20)

int
sigcheck_load(struct sigcheck *sc, char *err, size_t errlen)
{
	char *buf = malloc(POLICY_MAX + 1);
	struct diag d;
	ssize_t n;
	int r;

	if (!buf)
		return snprintf(err, errlen, "out of memory"), -1;
	n = io_read_small(AT_FDCWD, sc->policy_file, buf, POLICY_MAX + 1);
	if (n < 0 || n > POLICY_MAX) {
		snprintf(err, errlen, "trust policy %s: %s (give one with --policy)",
			 sc->policy_file, n < 0 ? strerror(errno) : "larger than 1 MiB");
		free(buf);
		return -1;
	}
	r = trust_parse_json(sc->policy_file, buf, (size_t)n, &sc->policy, &d);
	if (r < 0)
		snprintf(err, errlen, "trust policy %s:%u:%u: %s", sc->policy_file,
			 d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "invalid");
	diag_free(&d);
	free(buf);
	return r;
}

void
sigcheck_free(struct sigcheck *sc)
{
	trust_free(&sc->policy);
}

struct body {
	char *buf;
	size_t len;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t add = size * n;
	char *grown;

	if (b->len + add > SIMPLESIGN_MAX || !(grown = realloc(b->buf, b->len + add)))
		return 0;
	memcpy(grown + b->len, p, add);
	b->buf = grown;
	b->len += add;
	return add;
}

/* GET url into *b: 1 when there is one, 0 at a 404 (no more), -1 else. */
static int
fetch(const struct sigcheck *sc, const char *url, struct body *b, char *err, size_t errlen)
{
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;

	if (!c)
		return snprintf(err, errlen, "libcurl failed to start"), -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (sc->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, sc->ca_file);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK && status == 200)
		return 1;
	if (rc == CURLE_OK && (status == 404 || status == 403))
		return 0;
	snprintf(err, errlen, "signature %s: %s", url,
		 rc != CURLE_OK ? curl_easy_strerror(rc) : "unexpected HTTP status");
	return -1;
}

/* signature-1, -2, ... until a 404 */
static int
fetch_all(const struct sigcheck *sc, const struct registry_ref *r, const char *digest,
	  struct sig_blob *sigs, size_t *n, char *err, size_t errlen)
{
	*n = 0;
	for (size_t i = 1; sc->lookaside && i <= SIGS_MAX; i++) {
		char url[4096];
		struct body b = {0};
		int got;

		snprintf(url, sizeof url, "%s/%s@sha256=%s/signature-%zu", sc->lookaside, r->repo,
			 digest, i);
		if ((got = fetch(sc, url, &b, err, errlen)) <= 0) {
			free(b.buf);
			return got;
		}
		sigs[(*n)++] = (struct sig_blob){b.buf, b.len};
	}
	return 0;
}

int
sigcheck_accept(void *arg, const struct registry_ref *r, const char *digest, char *err,
		size_t errlen)
{
	struct sigcheck *sc = arg;
	struct sig_blob sigs[SIGS_MAX];
	char ref[1024], dg[80], why[1536], who[1024];
	size_t n = 0;
	int rc = -1;

	if (registry_ref_format(r, ref, sizeof ref) < 0)
		return snprintf(err, errlen, "the reference is too long"), -1;
	snprintf(dg, sizeof dg, "sha256:%s", digest);
	if (fetch_all(sc, r, digest, sigs, &n, err, errlen) < 0)
		goto out;
	if (trust_check(&sc->policy, TRUST_DOCKER, ref, dg, sigs, n, why, sizeof why, who,
			sizeof who) < 0) {
		snprintf(err, errlen, "image %s (%s): refused by the trust policy (%s)", ref, dg,
			 why);
		goto out;
	}
	if (sc->note) {
		char msg[1200];

		snprintf(msg, sizeof msg, "trust: %s", who);
		sc->note(sc->note_arg, msg);
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free((void *)sigs[i].data);
	return rc;
}
