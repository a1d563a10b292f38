/* SPDX-License-Identifier: MIT */
/* publish: the build side of an update channel (docs/update.md, Channel).
 *
 *   publish keygen DIR
 *   publish init CHANNEL --root-key KEY --release-key KEY [--expires 365d]
 *   publish add CHANNEL BUNDLE --release-key KEY [--rollout-start T]
 *               [--percent P] [--ramp-hours H] [--expires 30d]
 *   publish manifest CHANNEL FILE --hostname H|--machine-id ID --release-key KEY
 *   publish refresh CHANNEL --release-key KEY [--expires 30d]
 *   publish rotate-root CHANNEL --root-key OLD --new-root-key NEW
 *               [--new-release-key KEY] [--expires 365d]
 *
 * CHANNEL is a directory any static web server can serve. Every document
 * is replaced atomically, and checked as a host will check it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish.h"

static const char usage[] =
	"usage: publish keygen DIR\n"
	"       publish init CHANNEL --root-key KEY --release-key KEY [--expires 365d]\n"
	"       publish add CHANNEL BUNDLE --release-key KEY [--rollout-start T] [--percent P]\n"
	"                   [--ramp-hours H] [--expires 30d]\n"
	"       publish manifest CHANNEL FILE --hostname H|--machine-id ID --release-key KEY\n"
	"       publish refresh|--refresh CHANNEL --release-key KEY [--expires 30d]\n"
	"       publish rotate-root CHANNEL --root-key OLD --new-root-key NEW\n"
	"                   [--new-release-key KEY] [--expires 365d]\n";

static unsigned
number(const char *opt, const char *s, unsigned max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		die("%s %s: a whole number from 0 to %u", opt, s, max);
	return (unsigned)v;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{"--root-key", offsetof(struct opts, root_key)},
		{"--new-root-key", offsetof(struct opts, new_root_key)},
		{"--release-key", offsetof(struct opts, release_key)},
		{"--new-release-key", offsetof(struct opts, new_release_key)},
		{"--expires", offsetof(struct opts, expires)},
		{"--rollout-start", offsetof(struct opts, rollout_start)},
		{"--hostname", offsetof(struct opts, hostname)},
		{"--machine-id", offsetof(struct opts, machine_id)},
	};

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t k;

		if (strncmp(a, "--", 2)) {
			if (o->nargs == 2)
				die("%s: one argument too many\n%s", a, usage);
			o->args[o->nargs++] = a;
			continue;
		}
		if (i + 1 == argc)
			die("%s: a value is due", a);
		if (!strcmp(a, "--percent")) {
			o->percent = number(a, argv[++i], 100);
			o->percent_set = true;
			continue;
		}
		if (!strcmp(a, "--ramp-hours")) {
			o->ramp_hours = number(a, argv[++i], 24 * 365);
			continue;
		}
		for (k = 0; k < sizeof(strs) / sizeof(strs[0]) && strcmp(strs[k].name, a); k++)
			;
		if (k == sizeof(strs) / sizeof(strs[0]))
			die("%s: unknown option\n%s", a, usage);
		*(const char **)((char *)o + strs[k].off) = argv[++i];
	}
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const char *dir, const struct opts *o);
	} cmds[] = {
		{"init", cmd_init},	  {"add", cmd_add},	    {"manifest", cmd_manifest},
		{"refresh", cmd_refresh}, {"rotate-root", cmd_rotate_root},
	};
	struct opts o = {0};
	/* `publish --refresh CHANNEL ...` is refresh, as docs/update.md may spell it */
	const char *cmd = argc > 1 && !strcmp(argv[1], "--refresh") ? "refresh" : argv[1];

	if (sodium_init() < 0)
		die("libsodium failed to initialise");
	if (argc == 3 && !strcmp(argv[1], "keygen"))
		return cmd_keygen(argv[2]);
	if (argc < 3 || !strncmp(argv[2], "--", 2)) {
		fputs(usage, stderr);
		return 2;
	}
	parse(argc - 3, argv + 3, &o);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			return cmds[i].run(argv[2], &o);
	fprintf(stderr, "publish: unknown command \"%s\"\n%s", cmd, usage);
	return 2;
}
