/* SPDX-License-Identifier: MIT */
/* berthctl: the operator's tool; hands each command to its own file. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *help;
} commands[] = {
    {"validate", cmd_validate, "validate FILE...", "check host manifests"},
    {"show", cmd_show, "show --json FILE", "print a manifest, defaults filled in, as JSON"},
    {"plan", cmd_plan, "plan [--json] [--reboot] [--current FILE] FILE",
     "what applying FILE would change on this host (exit 2: changes)"},
    {"apply", cmd_apply, "apply [--try DURATION] [--reboot] FILE",
     "change the running host to FILE, as plan prints it"},
    {"apply", cmd_apply, "apply --revert | --confirm",
     "back to the image's manifest; keep a manifest on trial"},
    {"logs", cmd_logs, "logs NAME | --host", "a container's log, or the host's (-f follows)"},
    {"status", cmd_status, "status [--json]", "every container's state, from the supervisor"},
    {"stats", cmd_stats, "stats [--json] [--follow] [NAME]",
     "CPU, memory, pids, block and network I/O per container; firewall drops"},
    {"start", cmd_control, "start NAME", "start a stopped or exited container"},
    {"stop", cmd_control, "stop NAME", "stop a container; it stays stopped until start"},
    {"restart", cmd_control, "restart NAME", "stop a container, then start it"},
    {"reboot", cmd_control, "reboot", "stop every container, then reboot the host"},
    {"poweroff", cmd_control, "poweroff", "stop every container, then power off"},
    {"update", cmd_update, "update apply [--allow-downgrade] [--reboot] FILE|-",
     "install a signed update bundle into the other slot"},
    {"update", cmd_update, "update status [--json]", "booted slot, versions, trial or rollback"},
    {"update", cmd_update, "update check --channel URL [--download DIR]",
     "what an update channel offers this host (docs/update.md)"},
    {"trust", cmd_trust, "trust check [--policy FILE] REF DIGEST [SIG...]",
     "whether the trust policy accepts a registry image with these signatures"},
    {"image", cmd_image, "image pull [--store DIR] [--auth FILE] [--ca FILE] [--json] REF",
     "fetch a registry image into the host's store (verified, unpacked)"},
    {"image", cmd_image, "image ls [--json] | rm REF|DIGEST | prune | verify REF",
     "list, forget, clean up, re-check the store's images"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: berthctl COMMAND [ARGUMENTS]\n"
		   "       berthctl --help | --version\n\ncommands:\n");
	/* A usage too long for its column gets a line of its own. */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strlen(commands[i].usage) > 20)
			fprintf(f, "  %s\n  %-20s %s\n", commands[i].usage, "", commands[i].help);
		else
			fprintf(f, "  %-20s %s\n", commands[i].usage, commands[i].help);
	}
	fprintf(f, "\nThe commands from status on take --socket PATH (default %s).\n",
		CONTROL_SOCKET);
}

int
ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "berthctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return EXIT_USAGE;
}

void
ctl_report(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_entry *e = &d->v[i];

		if (e->line)
			fprintf(stderr, "berthctl: %s:%u:%u: %s\n", d->file, e->line, e->col,
				e->msg);
		else
			fprintf(stderr, "berthctl: %s: %s\n", d->file, e->msg);
	}
	if (d->dropped)
		fprintf(stderr, "berthctl: %s: %zu more errors not shown\n", d->file, d->dropped);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage_error("no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("berthctl %s\n", BERTH_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return ctl_usage_error("unknown command \"%s\"", argv[1]);
}
