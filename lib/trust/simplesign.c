/* SPDX-License-Identifier: MIT */
/* Simple-signing signatures: gpgv checks the OpenPGP part, this file reads
 * what gpgv says and the payload, and matches it against a requirement. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "trust/simplesign.h"
#include "manifest/ytree.h"

const char *
simplesign_gpgv(void)
{
	const char *g = getenv("BERTH_GPGV");

	return g && *g ? g : "/usr/bin/gpgv";
}

static int
memfd_with(const char *name, const void *buf, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (io_write_all(fd, buf, len) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what a memfd holds, NUL-terminated; at most max bytes (more: -1). */
static char *
memfd_text(int fd, size_t max, size_t *len)
{
	char *buf = malloc(max + 1);
	ssize_t n;

	if (!buf || lseek(fd, 0, SEEK_SET) < 0 || (n = io_read_full(fd, buf, max + 1)) < 0 ||
	    (size_t)n > max) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* gpgv --status-fd 3 --output - over the signature on stdin; its
 * standard output (the payload) into out, the status lines into st. The
 * child's environment is empty and its home a directory that is not
 * there: only the keyrings named count. */
static int
run_gpgv(int sig, int out, int st, char *const *keyrings, size_t n)
{
	const char *argv[8 + 2 * 16 + 1];
	size_t a = 0;
	int status;
	pid_t pid;

	if (n > 16)
		return errno = E2BIG, -1;
	argv[a++] = simplesign_gpgv();
	argv[a++] = "--homedir";
	argv[a++] = "/nonexistent/berth-gpgv";
	argv[a++] = "--status-fd";
	argv[a++] = "3";
	argv[a++] = "--output";
	argv[a++] = "-";
	for (size_t i = 0; i < n; i++) {
		argv[a++] = "--keyring";
		argv[a++] = keyrings[i];
	}
	argv[a++] = "-";
	argv[a] = NULL;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		static char *const envp[] = {NULL};
		int null = open("/dev/null", O_WRONLY);

		if (dup2(sig, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0 || dup2(st, 3) < 0)
			_exit(127);
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return errno = ENOEXEC, -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

/* The status line "[GNUPG:] WORD ..." or NULL; rest points after WORD. */
static const char *
status_line(const char *st, const char *word, const char **rest)
{
	size_t l = strlen(word);

	for (const char *p = st; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, "[GNUPG:] ", 9) == 0 && strncmp(p + 9, word, l) == 0 &&
		    (p[9 + l] == ' ' || p[9 + l] == '\n' || !p[9 + l])) {
			*rest = p + 9 + l;
			return p;
		}
	return NULL;
}

/* The last field of the VALIDSIG line: the primary key's fingerprint. */
static void
validsig_fpr(const char *rest, char *out, size_t len)
{
	size_t n = strcspn(rest, "\n");
	const char *end = rest + n, *f = end;

	while (f > rest && f[-1] != ' ')
		f--;
	snprintf(out, len, "%.*s", (int)(end - f), f);
}

static enum simplesign_status
classify(int rc, const char *st, const char *payload, size_t plen, struct simple_sig *out,
	 char *why, size_t whylen)
{
	const char *rest, *reason;

	if (rc == 0 && status_line(st, "VALIDSIG", &rest) && status_line(st, "GOODSIG", &rest)) {
		status_line(st, "VALIDSIG", &rest);
		validsig_fpr(rest, out->fingerprint, sizeof out->fingerprint);
		if (simplesign_payload(payload, plen, out, &reason) == 0)
			return SS_GOOD;
		snprintf(why, whylen, "a good signature, but %s", reason);
		return SS_MALFORMED;
	}
	if (status_line(st, "NO_PUBKEY", &rest)) {
		snprintf(why, whylen, "signed by key %.*s, which the policy does not trust",
			 (int)strcspn(rest + 1, " \n"), rest + 1);
		return SS_NO_KEY;
	}
	if (status_line(st, "BADSIG", &rest) || status_line(st, "ERRSIG", &rest)) {
		snprintf(why, whylen, "the signature does not verify");
		return SS_BAD;
	}
	snprintf(why, whylen, "not an OpenPGP signature (gpgv exit %d)", rc);
	return SS_MALFORMED;
}

enum simplesign_status
simplesign_verify(const void *sig, size_t len, char *const *keyrings, size_t n_keyrings,
		  struct simple_sig *out, char *why, size_t whylen)
{
	int in = -1, po = -1, so = -1, rc;
	char *payload = NULL, *st = NULL;
	size_t plen = 0, slen = 0;
	enum simplesign_status r = SS_ERROR;

	memset(out, 0, sizeof(*out));
	if (len > SIMPLESIGN_MAX) {
		snprintf(why, whylen, "larger than %d bytes: not a signature", SIMPLESIGN_MAX);
		return SS_MALFORMED;
	}
	if ((in = memfd_with("sig", sig, len)) < 0 ||
	    (po = memfd_create("payload", MFD_CLOEXEC)) < 0 ||
	    (so = memfd_create("status", MFD_CLOEXEC)) < 0) {
		snprintf(why, whylen, "memfd: %s", strerror(errno));
		goto out;
	}
	if ((rc = run_gpgv(in, po, so, keyrings, n_keyrings)) < 0) {
		snprintf(why, whylen, "running %s: %s", simplesign_gpgv(), strerror(errno));
		goto out;
	}
	if (!(payload = memfd_text(po, SIMPLESIGN_MAX, &plen)) ||
	    !(st = memfd_text(so, 1 << 20, &slen))) {
		snprintf(why, whylen, "reading what gpgv said: too much or %s", strerror(errno));
		goto out;
	}
	r = classify(rc, st, payload, plen, out, why, whylen);
out:
	free(payload);
	free(st);
	if (in >= 0)
		close(in);
	if (po >= 0)
		close(po);
	if (so >= 0)
		close(so);
	return r;
}

/* The value of key in the mapping m, which must hold exactly the n keys
 * of keys (a critical section a verifier does not understand whole must
 * be refused); NULL when it has others or lacks one. */
static const struct ynode *
exactly(const struct ynode *m, const char *const *keys, size_t n, const char *key)
{
	const struct ynode *v = NULL;

	if (!m || m->type != YNODE_MAP || m->n != 2 * n)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		size_t k = 0;

		while (k < n && strcmp(m->kids[i]->str, keys[k]) != 0)
			k++;
		if (k == n || m->kids[i]->skip)
			return NULL;
		if (strcmp(keys[k], key) == 0)
			v = m->kids[i + 1];
	}
	return v;
}

static const struct ynode *
member(const struct ynode *m, const char *key)
{
	for (size_t i = 0; m && m->type == YNODE_MAP && i + 1 < m->n; i += 2)
		if (!m->kids[i]->skip && strcmp(m->kids[i]->str, key) == 0)
			return m->kids[i + 1];
	return NULL;
}

static int
scalar_copy(const struct ynode *n, char *out, size_t len)
{
	if (!n || n->type != YNODE_SCALAR || n->len == 0 || n->len >= len)
		return -1;
	memcpy(out, n->str, n->len + 1);
	return 0;
}

int
simplesign_payload(const char *json, size_t len, struct simple_sig *out, const char **why)
{
	static const char *const crit[] = {"type", "image", "identity"};
	static const char *const img[] = {"docker-manifest-digest"};
	static const char *const id[] = {"docker-reference"};
	const struct ynode *c, *type;
	struct ynode *root = NULL;
	struct diag d;
	int r = -1;

	diag_init(&d, "payload");
	*why = "its payload is not JSON";
	if (ytree_parse(json, len, &d, &root) < 0 || d.n || !root)
		goto out;
	*why = "its payload's critical section is not exactly {type, image, identity}";
	c = member(root, "critical");
	if (!(type = exactly(c, crit, 3, "type")))
		goto out;
	if (type->type != YNODE_SCALAR || strcmp(type->str, "atomic container signature")) {
		*why = "its payload is not an \"atomic container signature\"";
		goto out;
	}
	*why = "its payload names no manifest digest (critical.image.docker-manifest-digest)";
	if (scalar_copy(exactly(exactly(c, crit, 3, "image"), img, 1, img[0]), out->digest,
			sizeof out->digest) < 0 ||
	    strncmp(out->digest, "sha256:", 7) != 0)
		goto out;
	*why = "its payload names no reference (critical.identity.docker-reference)";
	if (scalar_copy(exactly(exactly(c, crit, 3, "identity"), id, 1, id[0]), out->reference,
			sizeof out->reference) < 0)
		goto out;
	r = 0;
out:
	ytree_free(root);
	diag_free(&d);
	return r;
}

/* The repository of a reference: without its tag ("...:TAG" after the
 * last '/') and digest ("@..."). */
static size_t
repo_len(const char *ref)
{
	size_t at = strcspn(ref, "@");
	const char *slash = memrchr(ref, '/', at), *colon;

	colon = memchr(slash ? slash : ref, ':', at - (size_t)((slash ? slash : ref) - ref));
	return colon ? (size_t)(colon - ref) : at;
}

static bool
same_repo(const char *a, const char *b)
{
	size_t la = repo_len(a), lb = repo_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

static bool
identity_ok(const struct trust_req *r, const char *signed_ref, const char *ref)
{
	switch (r->identity) {
	case TRUST_ID_MATCH_EXACT:
		return !strchr(ref, '@') && strcmp(signed_ref, ref) == 0;
	case TRUST_ID_MATCH_REPO_DIGEST_OR_EXACT:
		return strchr(ref, '@') ? same_repo(signed_ref, ref) : strcmp(signed_ref, ref) == 0;
	case TRUST_ID_MATCH_REPOSITORY:
		return same_repo(signed_ref, ref);
	case TRUST_ID_EXACT_REFERENCE:
		return strcmp(signed_ref, r->identity_ref) == 0;
	case TRUST_ID_EXACT_REPOSITORY:
		return repo_len(signed_ref) == strlen(r->identity_ref) &&
		       strncmp(signed_ref, r->identity_ref, strlen(r->identity_ref)) == 0;
	}
	return false;
}

int
simplesign_accepts(const struct trust_req *r, const struct simple_sig *s, const char *ref,
		   const char *digest, char *why, size_t whylen)
{
	if (strcmp(s->digest, digest) != 0) {
		snprintf(why, whylen,
			 "the signature is for another image (it signs %s, the image is %s)",
			 s->digest, digest);
		return -1;
	}
	if (!identity_ok(r, s->reference, ref)) {
		snprintf(
		    why, whylen,
		    "reference mismatch: signed as %s, which signedIdentity %s%s%s does not accept "
		    "for %s",
		    s->reference, trust_identity_str(r->identity), r->identity_ref ? " " : "",
		    r->identity_ref ? r->identity_ref : "", ref);
		return -1;
	}
	return 0;
}
