/* SPDX-License-Identifier: MIT */
/* Registry authentication: the credentials file, Basic and Bearer
 * challenges, tokens. No password ever goes into a message. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "manifest/ytree.h"
#include "registry/client.h"
#include "registry/jsonget.h"

/* A credentials file is a few entries; more is a mistake. */
#define AUTH_FILE_MAX (256 * 1024)
/* A token answer is a few KiB; registries' tokens stay far below this. */
#define TOKEN_MAX (64 * 1024)

/* A string value, or NULL when missing or empty. */
static const char *
opt(const struct ynode *n)
{
	const char *s = reg_json_str(n);

	return *s ? s : NULL;
}

/* Reads the whole file, refused unless only its owner may read it. */
static char *
read_private(struct reg_client *c, const char *file, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		io_errf(c->err, sizeof c->err, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		io_errf(c->err, sizeof c->err, "%s: %s", file, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		io_errf(c->err, sizeof c->err,
			"%s: refused: a credentials file must be a regular file of mode 0600 "
			"(it is %04o)",
			file, (unsigned)(st.st_mode & 07777));
		goto out_close;
	}
	if (st.st_size > AUTH_FILE_MAX) {
		io_errf(c->err, sizeof c->err, "%s: larger than %d bytes", file, AUTH_FILE_MAX);
		goto out_close;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		io_errf(c->err, sizeof c->err, "%s: out of memory", file);
		goto out_close;
	}
	if ((n = io_read_full(fd, buf, (size_t)st.st_size)) < 0) {
		io_errf(c->err, sizeof c->err, "%s: %s", file, strerror(errno));
		free(buf);
		buf = NULL;
		goto out_close;
	}
	buf[n] = '\0';
	*len = (size_t)n;
out_close:
	close(fd);
	return buf;
}

/* The entry of auths for the registry: its name, with https:// in front,
 * and docker's old name of docker.io. */
static const struct ynode *
entry_for(const struct ynode *auths, const char *registry)
{
	char key[300];
	const struct ynode *e;

	if ((e = reg_json_get(auths, registry)))
		return e;
	snprintf(key, sizeof key, "https://%s", registry);
	if ((e = reg_json_get(auths, key)))
		return e;
	if (strcmp(registry, "docker.io") == 0)
		return reg_json_get(auths, "https://index.docker.io/v1/");
	return NULL;
}

/* "auth": base64 of "user:password", as docker login writes it. */
static int
split_auth(struct reg_client *c, const char *file, const char *b64)
{
	size_t n = strlen(b64), len;
	char *raw = malloc(n + 1), *colon;
	int rc = -1;

	if (!raw)
		return io_errf(c->err, sizeof c->err, "%s: out of memory", file);
	if (sodium_base642bin((unsigned char *)raw, n, b64, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) < 0) {
		io_errf(c->err, sizeof c->err, "%s: registry %s: \"auth\" is not base64", file,
			c->ref->registry);
		goto out_free;
	}
	raw[len] = '\0';
	if (!(colon = strchr(raw, ':')) || memchr(raw, '\0', len)) {
		io_errf(c->err, sizeof c->err, "%s: registry %s: \"auth\" is not user:password",
			file, c->ref->registry);
		goto out_free;
	}
	*colon = '\0';
	c->user = strdup(raw);
	c->pass = strdup(colon + 1);
	rc = c->user && c->pass ? 0 : io_errf(c->err, sizeof c->err, "%s: out of memory", file);
out_free:
	explicit_bzero(raw, n + 1);
	free(raw);
	return rc;
}

int
reg_auth_load(struct reg_client *c, const char *file)
{
	struct diag d;
	struct ynode *root = NULL;
	const struct ynode *e;
	size_t len = 0;
	char *buf = read_private(c, file, &len);
	int rc = -1;

	if (!buf)
		return -1;
	diag_init(&d, file);
	if (ytree_parse(buf, len, &d, &root) < 0 || !root || root->type != YNODE_MAP) {
		io_errf(c->err, sizeof c->err, "%s: not a JSON object (docker's config.json form)",
			file);
		goto out;
	}
	rc = 0;
	if (!(e = entry_for(reg_json_get(root, "auths"), c->ref->registry)))
		goto out;
	if (opt(reg_json_get(e, "auth"))) {
		rc = split_auth(c, file, opt(reg_json_get(e, "auth")));
	} else if (opt(reg_json_get(e, "username")) && opt(reg_json_get(e, "password"))) {
		c->user = strdup(opt(reg_json_get(e, "username")));
		c->pass = strdup(opt(reg_json_get(e, "password")));
		if (!c->user || !c->pass)
			rc = io_errf(c->err, sizeof c->err, "%s: out of memory", file);
	} else {
		rc = io_errf(c->err, sizeof c->err,
			     "%s: registry %s: neither \"auth\" nor \"username\" and \"password\"",
			     file, c->ref->registry);
	}
out:
	ytree_free(root);
	diag_free(&d);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

void
reg_auth_failed(struct reg_client *c, long status)
{
	if (c->user)
		io_errf(c->err, sizeof c->err,
			"registry %s: authentication failed (%ld) for user %s", c->ref->registry,
			status, c->user);
	else
		io_errf(c->err, sizeof c->err,
			"registry %s: authentication required (%ld) and no credentials for it "
			"(--auth FILE)",
			c->ref->registry, status);
}

int
reg_auth_param(const char *ch, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	/* Skip the scheme; then name="value" pairs separated by commas. */
	const char *p = ch + strcspn(ch, " ");

	while (*p) {
		p += strspn(p, " ,");
		if (strncasecmp(p, name, n) == 0 && p[n] == '=') {
			const char *v = p + n + 1, *end;

			if (*v == '"') {
				v++;
				end = strchr(v, '"');
			} else {
				end = v + strcspn(v, ",");
			}
			if (!end || (size_t)(end - v) >= len)
				return -1;
			memcpy(buf, v, (size_t)(end - v));
			buf[end - v] = '\0';
			return 0;
		}
		/* Past this pair's value, quoted commas included. */
		p += strcspn(p, "=\"");
		if (*p == '=')
			p++;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');

			p = q ? q + 1 : p + strlen(p);
		} else {
			p += strcspn(p, ",");
		}
	}
	return -1;
}

/* "REALM?service=S&scope=S", the values escaped. */
static int
token_url(struct reg_client *c, const char *ch, char *buf, size_t len)
{
	char realm[512], service[256] = "", scope[512] = "";
	char *es, *esc;
	int n;

	if (reg_auth_param(ch, "realm", realm, sizeof realm) < 0)
		return io_errf(c->err, sizeof c->err,
			       "registry %s: a Bearer challenge without a realm", c->ref->registry);
	if (strncmp(realm, "https://", 8) != 0)
		return io_errf(c->err, sizeof c->err,
			       "registry %s: refusing the token realm %s: not https",
			       c->ref->registry, realm);
	reg_auth_param(ch, "service", service, sizeof service);
	reg_auth_param(ch, "scope", scope, sizeof scope);
	es = curl_easy_escape(c->curl, service, 0);
	esc = curl_easy_escape(c->curl, scope, 0);
	if (!es || !esc) {
		curl_free(es);
		curl_free(esc);
		return io_errf(c->err, sizeof c->err, "out of memory");
	}
	n = snprintf(buf, len, "%s%sservice=%s%s%s", realm, strchr(realm, '?') ? "&" : "?", es,
		     scope[0] ? "&scope=" : "", esc);
	curl_free(es);
	curl_free(esc);
	if (n < 0 || (size_t)n >= len)
		return io_errf(c->err, sizeof c->err, "registry %s: the token URL is too long",
			       c->ref->registry);
	return 0;
}

/* Fetches a token (docker's "token" or OAuth's "access_token") into c. */
static int
token_fetch(struct reg_client *c, const char *ch)
{
	char url[1600];
	struct reg_membuf body = {.max = TOKEN_MAX};
	struct reg_req r = {.url = url, .write = reg_membuf_write, .arg = &body};
	struct ynode *root = NULL;
	struct diag d;
	const char *tok;
	int rc = -1;

	if (token_url(c, ch, url, sizeof url) < 0)
		return -1;
	c->auth = c->user ? REG_AUTH_BASIC : REG_AUTH_NONE;
	if (reg_request_once(c, &r) < 0)
		goto out;
	if (r.status == 401 || r.status == 403) {
		reg_auth_failed(c, r.status);
		goto out;
	}
	if (r.status != 200) {
		io_errf(c->err, sizeof c->err, "registry %s: token service: HTTP %ld",
			c->ref->registry, r.status);
		goto out;
	}
	diag_init(&d, "token");
	if (ytree_parse(body.p ? body.p : "", body.n, &d, &root) == 0 &&
	    ((tok = opt(reg_json_get(root, "token"))) ||
	     (tok = opt(reg_json_get(root, "access_token"))))) {
		free(c->token);
		if ((c->token = strdup(tok)))
			rc = 0;
		else
			io_errf(c->err, sizeof c->err, "out of memory");
	} else {
		io_errf(c->err, sizeof c->err, "registry %s: token service: no token in its answer",
			c->ref->registry);
	}
	ytree_free(root);
	diag_free(&d);
out:
	c->auth = rc == 0 ? REG_AUTH_BEARER : REG_AUTH_NONE;
	free(body.p);
	return rc;
}

int
reg_auth_answer(struct reg_client *c, const char *ch)
{
	if (strncasecmp(ch, "Bearer ", 7) == 0)
		return token_fetch(c, ch);
	if (strncasecmp(ch, "Basic", 5) == 0) {
		if (!c->user) {
			reg_auth_failed(c, 401);
			return -1;
		}
		c->auth = REG_AUTH_BASIC;
		return 0;
	}
	return io_errf(c->err, sizeof c->err,
		       "registry %s: unknown authentication scheme in \"%.40s\"", c->ref->registry,
		       ch);
}
