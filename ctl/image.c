/* SPDX-License-Identifier: MIT */
/* berthctl image pull|ls|rm|prune|verify: the host's image store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "image.h"
#include "registry/ref.h"

int
image_parse_opts(int argc, char **argv, bool want, struct image_opts *o)
{
	memset(o, 0, sizeof *o);
	o->store = STORE_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--store") && has_value) {
			o->store = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return ctl_usage_error("image %s: unknown option or missing value: %s",
					       argv[0], a);
		} else if (o->arg || !want) {
			return ctl_usage_error("image %s: one argument too many: %s", argv[0], a);
		} else {
			o->arg = a;
		}
	}
	if (want && !o->arg)
		return ctl_usage_error("image %s: which image?", argv[0]);
	return 0;
}

int
image_store_open(struct store *s, const struct image_opts *o, enum store_lock lock)
{
	if (store_open(s, o->store, lock) == 0)
		return 0;
	fprintf(stderr, "berthctl: %s\n", s->err);
	store_close(s);
	return EXIT_SYSTEM;
}

int
image_canonical(const char *arg, char *buf, size_t len)
{
	struct registry_ref r;
	const char *why;
	int rc;

	if (registry_ref_parse(arg, &r, &why) < 0) {
		fprintf(stderr, "berthctl: image %s: %s\n", arg, why);
		return EXIT_USAGE;
	}
	rc = registry_ref_format(&r, buf, len);
	registry_ref_free(&r);
	if (rc < 0) {
		fprintf(stderr, "berthctl: image %s: too long\n", arg);
		return EXIT_USAGE;
	}
	return 0;
}

int
cmd_image(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} subs[] = {{"pull", image_pull},
		    {"ls", image_ls},
		    {"rm", image_rm},
		    {"prune", image_prune},
		    {"verify", image_verify}};

	if (argc < 2)
		return ctl_usage_error("image: pull, ls, rm, prune or verify?");
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return ctl_usage_error("image: unknown subcommand \"%s\" (pull, ls, rm, prune, verify)",
			       argv[1]);
}
