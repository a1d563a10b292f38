/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/registry/auth.c: challenges and the credentials file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "registry/client.h"

static void
test_params(void)
{
	static const char ch[] = "Bearer realm=\"https://auth.example/token\",service=\"reg"
				 ".example\",scope=\"repository:team/web:pull,push\"";
	static const char plain[] = "Bearer realm=https://a.example/t, service=s";
	char buf[256];

	CHECK_STR(reg_auth_param(ch, "realm", buf, sizeof buf) == 0 ? buf : NULL,
		  "https://auth.example/token", "challenge: realm");
	CHECK_STR(reg_auth_param(ch, "service", buf, sizeof buf) == 0 ? buf : NULL, "reg.example",
		  "challenge: service");
	CHECK_STR(reg_auth_param(ch, "scope", buf, sizeof buf) == 0 ? buf : NULL,
		  "repository:team/web:pull,push", "challenge: a scope with a comma in quotes");
	CHECK(reg_auth_param(ch, "error", buf, sizeof buf) < 0, "challenge: a missing parameter");
	CHECK(reg_auth_param(ch, "realm", buf, 8) < 0, "challenge: a value too long for buf");
	CHECK_STR(reg_auth_param(plain, "service", buf, sizeof buf) == 0 ? buf : NULL, "s",
		  "challenge: unquoted values");
}

/* Writes text to a new file of mode and loads it for registry. */
static int
load(const char *text, mode_t mode, const char *registry, struct reg_client *c)
{
	char path[] = "/tmp/registry-auth.XXXXXX";
	int fd = mkstemp(path), rc;
	static struct registry_ref r;
	static struct reg_opts o;

	memset(c, 0, sizeof *c);
	r.registry = (char *)registry;
	c->ref = &r;
	c->opts = &o;
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0)
		return -2;
	close(fd);
	rc = reg_auth_load(c, path);
	unlink(path);
	return rc;
}

static void
test_file(void)
{
	struct reg_client c;

	/* "alice:s3cret:x" in base64: the password may hold a ':'. */
	CHECK(load("{\"auths\": {\"reg.example:5000\": {\"auth\": \"YWxpY2U6czNjcmV0Ong=\"}}}",
		   0600, "reg.example:5000", &c) == 0 &&
		  c.user && !strcmp(c.user, "alice") && c.pass && !strcmp(c.pass, "s3cret:x"),
	      "auth file: docker's base64 \"auth\"");
	free(c.user), free(c.pass);
	CHECK(
	    load("{\"auths\": {\"https://r.example\": {\"username\": \"u\", \"password\": \"p\"}}}",
		 0600, "r.example", &c) == 0 &&
		c.user && !strcmp(c.user, "u"),
	    "auth file: username and password, key with https://");
	free(c.user), free(c.pass);
	CHECK(load("{\"auths\": {\"other.example\": {\"auth\": \"eDp5\"}}}", 0600, "r.example",
		   &c) == 0 &&
		  !c.user,
	      "auth file: no entry for the registry is no credentials");
	CHECK(load("{\"auths\": {}}", 0644, "r.example", &c) < 0 &&
		  strstr(c.err, "must be a regular file of mode 0600 (it is 0644)"),
	      "auth file: mode 0644 refused: %s", c.err);
	CHECK(load("{\"auths\": {\"r.example\": {\"auth\": \"!!!\"}}}", 0600, "r.example", &c) <
		      0 &&
		  strstr(c.err, "is not base64"),
	      "auth file: bad base64: %s", c.err);
	CHECK(load("{\"auths\": {\"r.example\": {\"username\": \"u\"}}}", 0600, "r.example", &c) <
		  0,
	      "auth file: a user without a password refused");
	CHECK(load("not json: [", 0600, "r.example", &c) < 0, "auth file: not JSON refused");
}

int
main(void)
{
	test_params();
	test_file();
	CHECK_EXIT();
}
