/* SPDX-License-Identifier: MIT */
/* Unit tests of trust: (lib/manifest/manifest-trust.c, trust.c): berth's
 * default, a full policy read back as containers-policy.json, each error
 * with its position, and which scope's list applies to an image. */
#include <stdlib.h>

#include "check.h"
#include "one-error.h"
#include "manifest/manifest.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define SIGNED(id) "[{type: signedBy, keyType: GPGKeys, keyPath: k.gpg, signedIdentity: " id "}]"
#define EXACT "{type: exactReference, dockerReference: \"r.example/a:1\"}"

static const struct {
	const char *name, *trust; /* the lines under trust: */
	const char *error;	  /* part of the one message, or NULL: valid */
	unsigned line, col;
} errors[] = {
    {"no default", "  transports: {}\n", "trust: missing required key default", 2, 1},
    {"empty default", "  default: []\n", "default: expected a list of requirements", 3, 12},
    {"unknown key", "  default: [{type: reject}]\n  defaults: []\n",
     "unknown key defaults in trust (did you mean \"default\"?)", 4, 3},
    {"unknown transport", "  default: [{type: reject}]\n  transports: {docker-daemon: {}}\n",
     "unknown transport docker-daemon", 4, 16},
    {"unknown type", "  default: [{type: accept}]\n",
     "type: expected insecureAcceptAnything, reject, signedBy", 3, 20},
    {"sigstore", "  default: [{type: sigstoreSigned, keyPath: k}]\n",
     "sigstoreSigned is not supported: Debian 12's skopeo", 3, 20},
    {"reject with a key", "  default: [{type: reject, keyPath: k}]\n",
     "reject takes no key keyPath", 3, 28},
    {"no keyType", "  default: [{type: signedBy, keyPath: k}]\n",
     "signedBy: missing required key keyType", 3, 20},
    {"other keyType", "  default: [{type: signedBy, keyType: X509Certificates, keyPath: k}]\n",
     "keyType: only GPGKeys", 3, 39},
    {"no key", "  default: [{type: signedBy, keyType: GPGKeys}]\n", "missing required key keyPath",
     3, 20},
    {"both keys", "  default: [{type: signedBy, keyType: GPGKeys, keyPath: a, keyPaths: [b]}]\n",
     "give keyPath or keyPaths, not both", 3, 48},
    {"keyData", "  default: [{type: signedBy, keyType: GPGKeys, keyData: abc}]\n",
     "keyData: not supported", 3, 48},
    {"exactReference without a tag",
     "  default: " SIGNED("{type: exactReference, dockerReference: r.example/a}") "\n",
     "dockerReference: invalid dockerReference \"r.example/a\": it names no tag", 3, 0},
    {"exactRepository with a tag",
     "  default: " SIGNED("{type: exactRepository, dockerRepository: \"r.example/a:1\"}") "\n",
     "a repository has no tag or digest", 3, 0},
    {"remapIdentity", "  default: " SIGNED("{type: remapIdentity}") "\n",
     "remapIdentity is not supported", 3, 0},
    {"identity without its key", "  default: " SIGNED("{type: exactReference}") "\n",
     "signedIdentity: exactReference needs dockerReference", 3, 0},
    {"oci needs an exact identity",
     "  default: [{type: reject}]\n  transports:\n    oci:\n      images: [{type: signedBy, "
     "keyType: GPGKeys, keyPath: k}]\n",
     "has no registry reference to match the signature's against", 6, 16},
};

static void
check_error(size_t i)
{
	char yaml[1024];
	struct manifest m;
	struct diag d;
	int r;

	snprintf(yaml, sizeof(yaml), "version: 1\ntrust:\n%s", errors[i].trust);
	r = manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &m, &d);
	char name[128];

	snprintf(name, sizeof name, "error: %s", errors[i].name);
	check_one_error(name, r, &d, errors[i].error, errors[i].line, errors[i].col);
	manifest_free(&m);
	diag_free(&d);
}

static int
parse(const char *trust, struct manifest *m)
{
	char yaml[2048];
	struct diag d;
	int r;

	snprintf(yaml, sizeof(yaml), "version: 1\n%s", trust);
	r = manifest_parse_buffer("test.yaml", yaml, strlen(yaml), m, &d);
	for (size_t i = 0; i < d.n; i++)
		printf("# %u:%u: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
	diag_free(&d);
	return r;
}

static void
check_default(void)
{
	struct manifest m;
	char *s;

	CHECK(parse("", &m) == 0 && !m.trust.given, "default: a manifest without trust: is valid");
	s = trust_line(&m.trust);
	CHECK_STR(s,
		  "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"dir\":{\"\":[{\"type\":"
		  "\"insecureAcceptAnything\"}]}}}",
		  "default: reject, dir: accepted");
	free(s);
	manifest_free(&m);
}

static const char full[] =
    "trust:\n"
    "  default: [{type: reject}]\n"
    "  transports:\n"
    "    docker:\n"
    "      r.example:5000/team: [{type: signedBy, keyType: GPGKeys, keyPaths: [a, b]}]\n"
    "      r.example:5000: [{type: reject}]\n"
    "      \"*.corp.example\": [{type: insecureAcceptAnything}]\n"
    "    oci:\n"
    "      images/web: " SIGNED(EXACT) "\n"
				       "      images/web:2.0: [{type: insecureAcceptAnything}]\n"
				       "      images: [{type: reject}]\n"
				       "      \"\": [{type: insecureAcceptAnything}]\n";

static void
check_full(void)
{
	struct manifest m;
	char *s;

	CHECK(parse(full, &m) == 0 && m.trust.given && m.trust.n_scopes == 7,
	      "full: valid, 7 scopes");
	s = trust_line(&m.trust);
	CHECK(s &&
		  strstr(s,
			 "\"oci\":{\"images/web\":[{\"type\":\"signedBy\",\"keyType\":\"GPGKeys\","
			 "\"keyPath\":\"k.gpg\",\"signedIdentity\":{\"type\":\"exactReference\","
			 "\"dockerReference\":\"r.example/a:1\"}}]") &&
		  strstr(s, "\"keyPaths\":[\"a\",\"b\"],\"signedIdentity\":{\"type\":"
			    "\"matchRepoDigestOrExact\"}"),
	      "full: read back as containers-policy.json: %s", s ? s : "(null)");
	free(s);
	manifest_free(&m);
}

static const struct {
	enum trust_transport t;
	const char *name;
	const char *scope; /* NULL: the policy's default */
	enum trust_type type;
} lookups[] = {
    {TRUST_OCI, "images/web:1.0", "images/web", TRUST_SIGNED_BY},
    {TRUST_OCI, "./images//web/", "images/web", TRUST_SIGNED_BY},
    {TRUST_OCI, "images/web:2.0", "images/web:2.0", TRUST_ACCEPT},
    {TRUST_OCI, "images/web2", "images", TRUST_REJECT},
    {TRUST_OCI, "images/db/x", "images", TRUST_REJECT},
    {TRUST_OCI, "other", "", TRUST_ACCEPT},
    {TRUST_DOCKER_ARCHIVE, "images/web", NULL, TRUST_REJECT},
    {TRUST_DIR, "build/images/busybox", NULL, TRUST_REJECT},
    {TRUST_DOCKER, "r.example:5000/team/web:1", "r.example:5000/team", TRUST_SIGNED_BY},
    {TRUST_DOCKER, "r.example:5000/teamx/web:1", "r.example:5000", TRUST_REJECT},
    {TRUST_DOCKER, "r.example/team/web:1", NULL, TRUST_REJECT},
    {TRUST_DOCKER, "reg.corp.example/x/y:1", "*.corp.example", TRUST_ACCEPT},
    {TRUST_DOCKER, "corp.example/x:1", NULL, TRUST_REJECT},
};

static void
check_lookups(void)
{
	struct manifest m;

	if (parse(full, &m) < 0) {
		CHECK(0, "lookup: the policy parses");
		manifest_free(&m);
		return;
	}
	for (size_t i = 0; i < N(lookups); i++) {
		const char *scope = "?";
		const struct trust_list *l =
		    trust_lookup(&m.trust, lookups[i].t, lookups[i].name, &scope);
		bool same = (!scope && !lookups[i].scope) ||
			    (scope && lookups[i].scope && strcmp(scope, lookups[i].scope) == 0);

		CHECK(same && l->n == 1 && l->reqs[0].type == lookups[i].type,
		      "lookup: %s:%s -> scope %s, %s (got %s, %s)",
		      trust_transport_str(lookups[i].t), lookups[i].name,
		      lookups[i].scope ? lookups[i].scope : "(default)",
		      trust_type_str(lookups[i].type), scope ? scope : "(default)",
		      l->n ? trust_type_str(l->reqs[0].type) : "none");
	}
	manifest_free(&m);
}

static void
check_container_flag(void)
{
	struct manifest m;
	int r =
	    parse("containers:\n  a:\n    image: oci:x\n    insecure_allow_unsigned: true\n", &m);

	CHECK(r == 0 && m.n_containers == 1 && m.containers[0].insecure_allow_unsigned,
	      "insecure_allow_unsigned: read");
	manifest_free(&m);
}

int
main(void)
{
	for (size_t i = 0; i < N(errors); i++)
		check_error(i);
	check_default();
	check_full();
	check_lookups();
	check_container_flag();
	CHECK_EXIT();
}
