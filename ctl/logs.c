/* SPDX-License-Identifier: MIT */
/* berthctl logs [-f] [--since DURATION] [--tail N] NAME | --host: prints the
 * log files the supervisor keeps (supervisor/logfile.c), rotated ones first. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "logs.h"
#include "manifest/manifest.h"
#include "base/names.h"
#include "update/paths.h"
#include "base/scalar.h"
#include "base/suggest.h"
#include "log/syslog.h"

#define LOGS_DIR "/var/log/berth"

struct logs_opts {
	const char *dir, *manifest, *name;
	bool follow, host, since, tail;
	uint64_t since_ms, tail_n;
};

static int
parse_number(const char *opt, const char *s, bool dur, uint64_t *v)
{
	const char *why;
	int rc = dur ? scalar_duration(s, v, &why) : scalar_uint(s, UINT64_MAX, v, &why);

	if (rc < 0)
		return ctl_usage_error("logs: %s \"%s\": %s", opt, s, why);
	return 0;
}

static int
parse_opts(int argc, char **argv, struct logs_opts *o)
{
	static const struct option longopts[] = {
	    {"follow", no_argument, NULL, 'f'},
	    {"since", required_argument, NULL, 's'},
	    {"tail", required_argument, NULL, 'n'},
	    {"host", no_argument, NULL, 'H'},
	    {"dir", required_argument, NULL, 'd'},
	    {"manifest", required_argument, NULL, 'm'},
	    {0},
	};
	int opt, rc = 0;

	*o = (struct logs_opts){.dir = LOGS_DIR};
	opterr = 0;
	optind = 1;
	while (rc == 0 && (opt = getopt_long(argc, argv, ":f", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			o->follow = true;
			break;
		case 'H':
			o->host = true;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'm':
			o->manifest = optarg;
			break;
		case 's':
			o->since = true;
			rc = parse_number("--since", optarg, true, &o->since_ms);
			break;
		case 'n':
			o->tail = true;
			rc = parse_number("--tail", optarg, false, &o->tail_n);
			break;
		case ':':
			return ctl_usage_error("logs: %s needs a value", argv[optind - 1]);
		default:
			return ctl_usage_error("logs: unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (rc)
		return rc;
	if (o->host && argc - optind != 0)
		return ctl_usage_error("logs: --host takes no container name");
	if (!o->host && argc - optind != 1)
		return ctl_usage_error("logs: expected a container name or --host");
	o->name = o->host ? NULL : argv[optind];
	return 0;
}

/* NAME must be a container of the manifest in force: a typo then gets a
 * suggestion instead of "no log". */
static int
check_name(const struct logs_opts *o)
{
	const char *file = o->manifest ? o->manifest : manifest_default_path();
	struct manifest m;
	struct diag d;
	int rc = 0;

	if (manifest_parse_file(file, &m, &d) < 0) {
		ctl_report(&d);
		fprintf(stderr, "berthctl: logs: cannot check the container name against %s\n",
			file);
		rc = EXIT_INVALID;
	} else if (!manifest_container(&m, o->name)) {
		const char **names = calloc(m.n_containers + 1, sizeof *names);
		const char *best = NULL;
		char q[DIAG_QUOTE_MAX];

		for (size_t i = 0; names && i < m.n_containers; i++)
			names[i] = m.containers[i].name;
		if (names)
			best = suggest(o->name, names, m.n_containers);
		diag_quote(q, o->name, strlen(o->name));
		fprintf(stderr, "berthctl: logs: no container named %s in %s%s%s%s\n", q, file,
			best ? " (did you mean \"" : "", best ? best : "", best ? "\"?)" : "");
		free(names);
		rc = EXIT_INVALID;
	}
	manifest_free(&m);
	diag_free(&d);
	return rc;
}

/* The cutoff of --since as the timestamp text the files carry: the format
 * is fixed-width UTC, so comparing the text compares the times. */
static void
since_cutoff(uint64_t ms, struct logfilter *f)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t nowms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	uint64_t at = ms > nowms ? 0 : nowms - ms;
	struct timespec ts = {.tv_sec = (time_t)(at / 1000),
			      .tv_nsec = (long)(at % 1000) * 1000000};
	syslog_rfc3339(&ts, f->cutoff);
	f->on = true;
	f->keep = false;
}

static const char *
what(const struct logs_opts *o)
{
	return o->host ? "--host" : o->name;
}

int
cmd_logs(int argc, char **argv)
{
	struct logs_opts o;
	struct logset s;
	struct logfilter f = {0};
	struct linebuf lb = {0};
	char base[CONTAINER_NAME_MAX + 8];
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) != 0)
		return rc;
	if (!o.host && (rc = check_name(&o)) != 0)
		return rc;
	snprintf(base, sizeof base, "%s.log", o.host ? "host" : o.name);
	if (o.since)
		since_cutoff(o.since_ms, &f);
	if (logset_open(&s, o.dir, base) < 0) {
		fprintf(stderr, "berthctl: logs %s: %s: %s\n", what(&o), s.path, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (s.n == 0 && !o.follow) {
		fprintf(stderr, "berthctl: logs %s: no log yet (no %s)\n", what(&o), s.path);
		return EXIT_INVALID;
	}
	rc = logs_print(&s, o.tail ? &o.tail_n : NULL, &f, &lb);
	if (rc == 0 && o.follow) {
		if (s.n == 0)
			fprintf(stderr, "berthctl: logs %s: no log yet (no %s); waiting for it\n",
				what(&o), s.path);
		rc = logs_follow(&s, &f, &lb);
	} else if (rc == 0) {
		linebuf_finish(&lb, &f);
		if (fflush(stdout) != 0) {
			perror("berthctl: writing output");
			rc = EXIT_SYSTEM;
		}
	}
	linebuf_free(&lb);
	logset_close(&s);
	return rc;
}
