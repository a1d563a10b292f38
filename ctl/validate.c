/* SPDX-License-Identifier: MIT */
/* berthctl validate FILE...: checks manifests and reports every error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "manifest/manifest.h"

/* Build-time images the build could not find from here: a warning, since
 * the manifest is valid and the build may run elsewhere, but a build from
 * this directory will fail. */
static void
warn_missing_images(const char *file, const struct manifest *m)
{
	for (size_t i = 0; i < m->n_containers; i++) {
		const struct container *c = &m->containers[i];
		struct stat st;

		if (!c->image.path || stat(c->image.path, &st) == 0)
			continue;
		fprintf(stderr,
			"berthctl: %s:%u:%u: warning: container \"%s\": image %s:%s: %s (a build "
			"from this directory would fail)\n",
			file, c->pos.line, c->pos.col, c->name, image_kind_str(c->image.kind),
			c->image.path, strerror(errno));
	}
}

/* Likewise the key files of the trust policy. */
static void
warn_missing_keys_in(const char *file, const struct trust_list *l)
{
	struct stat st;

	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->reqs[i].n_keys; k++)
			if (stat(l->reqs[i].keys[k], &st) < 0)
				fprintf(stderr,
					"berthctl: %s:%u:%u: warning: trust: key file %s: %s (a "
					"build from this directory would fail)\n",
					file, l->reqs[i].pos.line, l->reqs[i].pos.col,
					l->reqs[i].keys[k], strerror(errno));
}

static void
warn_missing_keys(const char *file, const struct trust_policy *p)
{
	warn_missing_keys_in(file, &p->def);
	for (size_t i = 0; i < p->n_scopes; i++)
		warn_missing_keys_in(file, &p->scopes[i].list);
}

int
cmd_validate(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return ctl_usage_error("validate: no manifest given");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage_error("validate: unknown option \"%s\"", argv[i]);
	for (int i = 1; i < argc; i++) {
		struct manifest m;
		struct diag d;

		if (manifest_parse_file(argv[i], &m, &d) == 0) {
			printf("%s: ok\n", argv[i]);
			fflush(stdout);
			warn_missing_images(argv[i], &m);
			warn_missing_keys(argv[i], &m.trust);
		} else {
			fflush(stdout);
			ctl_report(&d);
			status = EXIT_INVALID;
		}
		manifest_free(&m);
		diag_free(&d);
	}
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return status;
}
