/* SPDX-License-Identifier: MIT */
/* What the commands that talk to the supervisor share: their options and
 * one request over the control socket, with its errors reported. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/control.h"
#include "ctl.h"

/* Every reply is made at once; this only bounds a wedged supervisor. */
#define CALL_TIMEOUT_MS 10000

int
ctl_parse_opts(int argc, char **argv, unsigned allow, int nargs, struct ctl_opts *o)
{
	static const struct option longopts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"follow", no_argument, NULL, 'f'},
	    {0},
	};
	int opt;

	*o = (struct ctl_opts){.socket = CONTROL_SOCKET};
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":f", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o->socket = optarg;
			break;
		case 'j':
			if (!(allow & CTL_OPT_JSON))
				return ctl_usage_error("%s: unknown option \"--json\"", argv[0]);
			o->json = true;
			break;
		case 'f':
			if (!(allow & CTL_OPT_FOLLOW))
				return ctl_usage_error("%s: unknown option \"%s\"", argv[0],
						       argv[optind - 1]);
			o->follow = true;
			break;
		case ':':
			return ctl_usage_error("%s: %s needs a value", argv[0], argv[optind - 1]);
		default:
			return ctl_usage_error("%s: unknown option \"%s\"", argv[0],
					       argv[optind - 1]);
		}
	}
	if (nargs < 0 && argc - optind > 1)
		return ctl_usage_error("%s: expected at most one container name", argv[0]);
	if (nargs >= 0 && argc - optind != nargs)
		return ctl_usage_error("%s: expected %s", argv[0],
				       nargs ? "a container name" : "no argument");
	o->arg = argc > optind ? argv[optind] : NULL;
	return 0;
}

int
ctl_call(const struct ctl_opts *o, const char *verb, struct control_reply *r)
{
	enum control_result res = control_call(o->socket, verb, o->arg, CALL_TIMEOUT_MS, r);

	switch (res) {
	case CONTROL_DONE:
		break;
	case CONTROL_E_CLOSED:
	case CONTROL_E_PROTOCOL:
		fprintf(stderr, "berthctl: cannot reach the supervisor at %s: %s\n", o->socket,
			control_result_str(res));
		return EXIT_SYSTEM;
	default:
		fprintf(stderr, "berthctl: cannot reach the supervisor at %s: %s: %s\n", o->socket,
			control_result_str(res), strerror(errno));
		return EXIT_SYSTEM;
	}
	if (r->status != CONTROL_OK) {
		fprintf(stderr, "berthctl: %s%s%s: %s\n", verb, o->arg ? " " : "",
			o->arg ? o->arg : "", r->body);
		control_reply_free(r);
		return EXIT_INVALID;
	}
	return 0;
}

/* start, stop, restart NAME; reboot, poweroff: the supervisor's message. */
int
cmd_control(int argc, char **argv)
{
	bool named = strcmp(argv[0], "reboot") != 0 && strcmp(argv[0], "poweroff") != 0;
	struct control_reply r;
	struct ctl_opts o;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, 0, named ? 1 : 0, &o)) != 0)
		return rc;
	if ((rc = ctl_call(&o, argv[0], &r)) != 0)
		return rc;
	printf("%s\n", r.body);
	control_reply_free(&r);
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return 0;
}
