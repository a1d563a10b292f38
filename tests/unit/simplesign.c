/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/trust/simplesign.c's own parts: the payload of a
 * simple-signing signature, read strictly, and how a good signature's
 * digest and reference meet a signedBy requirement's signedIdentity. The
 * OpenPGP part (gpgv) is tests/host/trust-check.sh's. */
#include "check.h"
#include "trust/simplesign.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

#define PAYLOAD(crit)                                                                              \
	"{\"critical\":{" crit "},\"optional\":{\"creator\":\"test\",\"timestamp\":1}}"
#define GOOD_CRIT                                                                                  \
	"\"identity\":{\"docker-reference\":\"r.test/a/web:1\"},\"image\":{\"docker-manifest-"     \
	"digest\":\"" D1 "\"},\"type\":\"atomic container signature\""

static const struct {
	const char *name, *json, *error; /* error: part of why, NULL: valid */
} payloads[] = {
    {"good", PAYLOAD(GOOD_CRIT), NULL},
    {"not json", "{\"critical\":", "not JSON"},
    {"other type",
     PAYLOAD("\"identity\":{\"docker-reference\":\"r.test/a:1\"},\"image\":{\"docker-manifest-"
	     "digest\":\"" D1 "\"},\"type\":\"cosign container image signature\""),
     "not an \"atomic container signature\""},
    {"unknown critical key", PAYLOAD(GOOD_CRIT ",\"extra\":1"), "not exactly {type, image"},
    {"unknown image key",
     PAYLOAD("\"identity\":{\"docker-reference\":\"r.test/a:1\"},\"image\":{\"docker-manifest-"
	     "digest\":\"" D1 "\",\"x\":1},\"type\":\"atomic container signature\""),
     "names no manifest digest"},
    {"no reference",
     PAYLOAD("\"identity\":{},\"image\":{\"docker-manifest-digest\":\"" D1
	     "\"},\"type\":\"atomic container signature\""),
     "names no reference"},
    {"digest not sha256",
     PAYLOAD("\"identity\":{\"docker-reference\":\"r.test/a:1\"},\"image\":{\"docker-manifest-"
	     "digest\":\"md5:00\"},\"type\":\"atomic container signature\""),
     "names no manifest digest"},
};

static void
check_payloads(void)
{
	for (size_t i = 0; i < N(payloads); i++) {
		struct simple_sig s = {0};
		const char *why = "";
		int r = simplesign_payload(payloads[i].json, strlen(payloads[i].json), &s, &why);

		if (!payloads[i].error)
			CHECK(r == 0 && strcmp(s.digest, D1) == 0 &&
				  strcmp(s.reference, "r.test/a/web:1") == 0,
			      "payload: %s (got %d: %s)", payloads[i].name, r,
			      r ? why : s.reference);
		else
			CHECK(r < 0 && strstr(why, payloads[i].error),
			      "payload: %s: ...%s... (got %s)", payloads[i].name, payloads[i].error,
			      r ? why : "accepted");
	}
}

static const struct {
	enum trust_identity id;
	const char *identity_ref, *signed_ref, *ref, *digest;
	bool ok;
} accepts[] = {
    {TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, NULL, "r.test/a/web:1", "r.test/a/web:1", D1, true},
    {TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, NULL, "r.test/a/web:1", "r.test/a/web:2", D1, false},
    {TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, NULL, "r.test/a/web:1", "r.test/a/web@" D1, D1, true},
    {TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, NULL, "r.test/a/web:1", "r.test/a/db@" D1, D1, false},
    {TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT, NULL, "r.test/a/web:1", "r.test/a/web:1", D2, false},
    {TRUST_ID_MATCH_EXACT, NULL, "r.test/a/web:1", "r.test/a/web@" D1, D1, false},
    {TRUST_ID_MATCH_REPOSITORY, NULL, "r.test/a/web:1", "r.test/a/web:9", D1, true},
    {TRUST_ID_MATCH_REPOSITORY, NULL, "r.test:5000/web:1", "r.test:5000/web:9", D1, true},
    {TRUST_ID_MATCH_REPOSITORY, NULL, "r.test:5000/web:1", "r.test:5001/web:1", D1, false},
    {TRUST_ID_EXACT_REFERENCE, "r.test/a/web:1", "r.test/a/web:1", "anything:9", D1, true},
    {TRUST_ID_EXACT_REFERENCE, "r.test/a/web:1", "r.test/a/web:2", "anything:9", D1, false},
    {TRUST_ID_EXACT_REPOSITORY, "r.test/a/web", "r.test/a/web:7", "x/y:1", D1, true},
    {TRUST_ID_EXACT_REPOSITORY, "r.test/a/web", "r.test/a/webx:7", "x/y:1", D1, false},
};

static void
check_accepts(void)
{
	for (size_t i = 0; i < N(accepts); i++) {
		struct trust_req r = {.type = TRUST_SIGNED_BY,
				      .identity = accepts[i].id,
				      .identity_ref = (char *)accepts[i].identity_ref};
		struct simple_sig s = {0};
		char why[512] = "";

		snprintf(s.digest, sizeof s.digest, "%s", D1);
		snprintf(s.reference, sizeof s.reference, "%s", accepts[i].signed_ref);
		int got = simplesign_accepts(&r, &s, accepts[i].ref, accepts[i].digest, why,
					     sizeof why) == 0;
		CHECK(got == accepts[i].ok, "accepts: %s %s signed as %s for %s: %s (%s)",
		      trust_identity_str(accepts[i].id),
		      accepts[i].identity_ref ? accepts[i].identity_ref : "", accepts[i].signed_ref,
		      accepts[i].ref, accepts[i].ok ? "yes" : "no", why);
	}
}

int
main(void)
{
	check_payloads();
	check_accepts();
	CHECK_EXIT();
}
