/* SPDX-License-Identifier: MIT */
/* berthctl image pull|ls|rm|prune|verify: the host's image store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "image.h"
#include "registry/ref.h"

/* Loopback registries in the tests need no long waits; a host's defaults
 * ride out a registry's restart (1+2+4+8 s). */
#define DEFAULT_RETRIES 4
#define DEFAULT_BACKOFF_MS 1000

static int
number(const char *flag, const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		return ctl_usage_error("image: %s wants a number up to %u, not \"%s\"", flag, max,
				       s);
	*out = (unsigned)v;
	return 0;
}

int
image_parse_opts(int argc, char **argv, bool pull, bool want, struct image_opts *o)
{
	memset(o, 0, sizeof *o);
	o->store = STORE_DEFAULT;
	o->reg.retries = DEFAULT_RETRIES;
	o->reg.backoff_ms = DEFAULT_BACKOFF_MS;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;

		if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--store") && has_value) {
			o->store = argv[++i];
		} else if (pull && !strcmp(a, "--auth") && has_value) {
			o->reg.auth_file = argv[++i];
		} else if (pull && !strcmp(a, "--ca") && has_value) {
			o->reg.ca_file = argv[++i];
		} else if (pull && !strcmp(a, "--retries") && has_value) {
			if (number(a, argv[++i], 20, &o->reg.retries))
				return EXIT_USAGE;
		} else if (pull && !strcmp(a, "--retry-delay") && has_value) {
			if (number(a, argv[++i], 60000, &o->reg.backoff_ms))
				return EXIT_USAGE;
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
image_store_open(struct store *s, const struct image_opts *o)
{
	if (store_open(s, o->store) == 0)
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
	} subs[] = {{"pull", image_pull},   {"ls", image_ls},	  {"rm", image_rm},
		    {"prune", image_prune}, {"verify", image_verify}};

	if (argc < 2)
		return ctl_usage_error("image: pull, ls, rm, prune or verify?");
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return ctl_usage_error("image: unknown subcommand \"%s\" (pull, ls, rm, prune, verify)",
			       argv[1]);
}
