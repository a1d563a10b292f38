/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/manifest/imageconfig.c: the image defaults file and Compose's
 * rules for merging a container's entrypoint, command, environment, user
 * and working_dir into them. */
#include <stdlib.h>

#include "check.h"
#include "base/diag.h"
#include "manifest/imageconfig.h"

/* An image config as image/stage-images writes one. */
#define IMG                                                                                        \
	"# berth image config\n"                                                                   \
	"digest sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"         \
	"entrypoint /bin/sh\n"                                                                     \
	"entrypoint -c\n"                                                                          \
	"cmd echo \"$A\"\n"                                                                        \
	"env A=image\n"                                                                            \
	"env PATH=/image/bin\n"                                                                    \
	"workdir /srv\n"                                                                           \
	"user www:www\n"

/* v joined with '|', in a static buffer. */
static const char *
joined(char **v)
{
	static char buf[1024];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; v && v[i]; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? "|" : "", v[i]);
	return buf;
}

static void
test_parse(void)
{
	static const char text[] = IMG "env MULTI=a\\nb\\\\c\n\ncmd \n";
	struct image_config c;
	const char *why = NULL;
	unsigned line;

	int rc = image_config_parse(text, sizeof text - 1, &c, &line, &why);
	CHECK(rc == 0, "config parses (%s)", rc ? why : "ok");
	if (rc)
		return;
	CHECK_STR(c.digest,
		  "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "config digest");
	CHECK(c.n_entrypoint == 2 && c.n_cmd == 2 && c.n_env == 3, "config list lengths");
	CHECK_STR(c.cmd[1], "", "config empty cmd element");
	CHECK_STR(c.env[2], "MULTI=a\nb\\c", "config value unescaped");
	CHECK_STR(c.workdir, "/srv", "config workdir");
	CHECK(c.has_user && strcmp(c.user.user, "www") == 0 && strcmp(c.user.group, "www") == 0,
	      "config user");
	image_config_free(&c);
}

static void
test_parse_errors(void)
{
	static const struct {
		const char *name, *text;
		unsigned line;
		const char *why;
	} cases[] = {
	    {"unknown key", "cmd a\nlabel x=y\n", 2, "unknown key"},
	    {"no value", "entrypoint\n", 1, "expected KEY VALUE"},
	    {"bad escape", "cmd a\\tb\n", 1, "unknown escape"},
	    {"trailing backslash", "cmd a\\", 1, "unknown escape"},
	    {"env without =", "env A\n", 1, "an env value is NAME=value"},
	    {"env without name", "env =x\n", 1, "an env value is NAME=value"},
	    {"relative workdir", "workdir srv\n", 1, "workdir must be an absolute path"},
	    {"workdir twice", "workdir /a\nworkdir /b\n", 2, "workdir given twice"},
	    {"bad user", "user a:b:c\n", 1, "expected USER or USER:GROUP"},
	    {"bad digest", "digest sha256:abc\n", 1, "a digest is sha256:"},
	    {"NUL byte", "cmd a\ncmd b\0c\n", 2, "a NUL byte"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct image_config c;
		const char *why = "";
		unsigned line = 0;
		size_t len = strlen(cases[i].text);

		if (strcmp(cases[i].name, "NUL byte") == 0)
			len = 14;
		int rc = image_config_parse(cases[i].text, len, &c, &line, &why);
		CHECK(rc < 0 && line == cases[i].line &&
			  strncmp(why, cases[i].why, strlen(cases[i].why)) == 0,
		      "config error %s: line %u \"%s\"", cases[i].name, line, why);
		CHECK(!c.entrypoint && !c.cmd && !c.env && !c.workdir,
		      "config error %s leaves nothing allocated", cases[i].name);
	}
}

/* One merge: a container's keys (YAML, indented under the container)
 * over an image config, and what it must run. */
struct merge_case {
	const char *name, *keys, *img;
	const char *argv, *env, *user, *workdir; /* user: "" for root */
};

static const struct merge_case merges[] = {
    {"image defaults", "", IMG, "/bin/sh|-c|echo \"$A\"", "A=image|PATH=/image/bin", "www:www",
     "/srv"},
    {"command replaces Cmd, keeps Entrypoint", "    command: [\"echo hi\"]\n", IMG,
     "/bin/sh|-c|echo hi", NULL, NULL, NULL},
    {"empty command clears Cmd", "    command: []\n", IMG, "/bin/sh|-c", NULL, NULL, NULL},
    {"entrypoint drops the image's Cmd", "    entrypoint: [/bin/env]\n", IMG, "/bin/env", NULL,
     NULL, NULL},
    {"entrypoint and command", "    entrypoint: [/bin/echo]\n    command: [a, b]\n", IMG,
     "/bin/echo|a|b", NULL, NULL, NULL},
    {"empty entrypoint runs the command", "    entrypoint: []\n    command: [/bin/true]\n", IMG,
     "/bin/true", NULL, NULL, NULL},
    {"env: the manifest wins, new names follow", "    environment: {A: mine, B: two}\n", IMG, NULL,
     "A=mine|PATH=/image/bin|B=two", NULL, NULL},
    {"user and working_dir from the manifest", "    user: \"1000\"\n    working_dir: /tmp\n", IMG,
     NULL, NULL, "1000", "/tmp"},
    {"no image config: PATH, root, /", "    command: [/bin/true]\n", NULL, "/bin/true",
     "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "", "/"},
    {"image without PATH gets the default", "", "cmd /bin/true\nenv X=1\n", "/bin/true",
     "X=1|PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "", "/"},
    {"nothing to run", "", "env X=1\n", NULL, NULL, NULL, NULL},
    {"entrypoint [] and no command", "    entrypoint: []\n", IMG, NULL, NULL, NULL, NULL},
};

static void
merge_one(const struct merge_case *t)
{
	char yaml[1024];
	struct manifest mf;
	struct image_config img;
	struct image_run run;
	struct diag d;
	const char *why = "";
	unsigned line;

	snprintf(yaml, sizeof yaml, "version: 1\ncontainers:\n  c:\n    image: oci:x\n%s", t->keys);
	if (manifest_parse_buffer("test.yaml", yaml, strlen(yaml), &mf, &d) < 0) {
		CHECK(0, "merge %s: manifest parses (%s)", t->name, d.n ? d.v[0].msg : "?");
		diag_free(&d);
		return;
	}
	diag_free(&d);
	if (t->img && image_config_parse(t->img, strlen(t->img), &img, &line, &why) < 0) {
		CHECK(0, "merge %s: config parses (%u: %s)", t->name, line, why);
		manifest_free(&mf);
		return;
	}
	bool runs = t->argv || t->env || t->user || t->workdir;
	int rc = image_run_merge(&mf.containers[0], t->img ? &img : NULL, &run, &why);
	CHECK(runs ? rc == 0 : rc < 0 && strstr(why, "nothing to run"), "merge %s: %s", t->name,
	      rc ? why : "merged");
	if (rc == 0) {
		char user[80];
		snprintf(user, sizeof user, "%s%s%s", run.has_user ? run.user.user : "",
			 run.has_user && run.user.group[0] ? ":" : "",
			 run.has_user ? run.user.group : "");
		if (t->argv)
			CHECK_STR(joined(run.argv), t->argv, "merge %s: argv", t->name);
		if (t->env)
			CHECK_STR(joined(run.env), t->env, "merge %s: env", t->name);
		if (t->user)
			CHECK_STR(user, t->user, "merge %s: user", t->name);
		if (t->workdir)
			CHECK_STR(run.workdir, t->workdir, "merge %s: workdir", t->name);
		image_run_free(&run);
	}
	if (t->img)
		image_config_free(&img);
	manifest_free(&mf);
}

int
main(void)
{
	test_parse();
	test_parse_errors();
	for (size_t i = 0; i < sizeof merges / sizeof merges[0]; i++)
		merge_one(&merges[i]);
	CHECK_EXIT();
}
