/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/registry/config.c: a pulled image's run defaults, read
 * back by the supervisor's own parser (lib/manifest/imageconfig.c). */
#include <stdlib.h>

#include "check.h"
#include "manifest/imageconfig.h"
#include "registry/config.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_round_trip(void)
{
	static const char json[] = "{\"architecture\": \"amd64\", \"config\": {"
				   "\"Entrypoint\": [\"/bin/sh\", \"-c\"],"
				   "\"Cmd\": [\"echo \\\"a\\\\b\\\"\\nline two\"],"
				   "\"Env\": [\"PATH=/usr/bin:/bin\", \"X=a=b\"],"
				   "\"WorkingDir\": \"/data\", \"User\": \"1000:1000\"},"
				   "\"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}}";
	struct image_config c = {0};
	const char *why = NULL;
	unsigned line = 0;
	char *text = reg_config_text(json, sizeof json - 1, "r.example/web:1\nx", DIGEST, &why);

	CHECK(text != NULL, "round trip: written (%s)", why ? why : "ok");
	if (!text)
		return;
	int rc = image_config_parse(text, strlen(text), &c, &line, &why);

	CHECK(rc == 0, "round trip: the supervisor's parser reads it (line %u: %s)", line,
	      rc ? why : "ok");
	if (rc == 0) {
		CHECK_STR(c.digest, DIGEST, "round trip: digest");
		CHECK(c.n_entrypoint == 2, "round trip: two entrypoint words");
		CHECK_STR(c.n_cmd == 1 ? c.cmd[0] : NULL, "echo \"a\\b\"\nline two",
			  "round trip: cmd with a backslash, quotes and a newline");
		CHECK_STR(c.n_env == 2 ? c.env[1] : NULL, "X=a=b", "round trip: env");
		CHECK_STR(c.workdir, "/data", "round trip: workdir");
		CHECK(c.has_user && c.user.uid == 1000, "round trip: user");
	}
	CHECK(strchr(text, '\n') - text == (long)strlen("# the run defaults of r.example/web:1"),
	      "round trip: a newline in the reference does not break the comment");
	image_config_free(&c);
	free(text);
}

static void
test_refused(void)
{
	static const struct {
		const char *json, *why;
	} cases[] = {
	    {"[]", "the image config is not a JSON object"},
	    {"{\"config\": {\"WorkingDir\": \"data\"}}", "WorkingDir is not an absolute path"},
	    {"{\"config\": {\"Env\": [\"NOVALUE\"]}}", "an Env entry is not NAME=value"},
	    {"{\"config\": {\"Cmd\": \"sh\"}}", "Entrypoint, Cmd and Env are lists of strings"},
	    {"{\"config\": {\"User\": [1]}}", "WorkingDir and User are strings"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = NULL;
		char *t = reg_config_text(cases[i].json, strlen(cases[i].json), "r", DIGEST, &why);

		CHECK(t == NULL, "refused: %s", cases[i].json);
		CHECK_STR(t ? NULL : why, cases[i].why, "refused: %s: the reason", cases[i].json);
		free(t);
	}
	/* No config at all: only the digest; the image has no defaults. */
	const char *why;
	char *t = reg_config_text("{}", 2, "r", DIGEST, &why);

	CHECK(t && strstr(t, "digest " DIGEST "\n") && !strstr(t, "cmd"),
	      "an image config without config: the digest alone");
	free(t);
}

int
main(void)
{
	test_round_trip();
	test_refused();
	CHECK_EXIT();
}
