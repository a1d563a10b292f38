/* SPDX-License-Identifier: MIT */
/* berthctl status [--json]: the supervisor's status document, as it comes
 * or as a table of the fields an operator looks at first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "manifest/ytree.h"
#include "registry/jsonget.h"

enum col {
	C_NAME,
	C_STATE,
	C_PID,
	C_UPTIME,
	C_RESTARTS,
	C_HEALTH,
	C_MEMORY,
	C_WRITABLE,
	C_PORTS,
	C_EXIT,
	C_N
};

static const char *const heads[C_N] = {"NAME",	 "STATE",  "PID",      "UPTIME", "RESTARTS",
				       "HEALTH", "MEMORY", "WRITABLE", "PORTS",	 "LAST EXIT"};

const struct ynode *
ctl_get(const struct ynode *map, const char *key)
{
	return reg_json_get(map, key);
}

/* A scalar's text; "-" for null, missing and anything else. */
static const char *
text(const struct ynode *n)
{
	if (!n || n->type != YNODE_SCALAR || ynode_is_null(n) || !n->len)
		return "-";
	return n->str;
}

static void
uptime(const struct ynode *n, char *buf, size_t len)
{
	const char *t = text(n);
	unsigned long s = strtoul(t, NULL, 10);

	if (strcmp(t, "-") == 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%lud%02luh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%luh%02lum", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lum%02lus", s / 60, s % 60);
	else
		snprintf(buf, len, "%lus", s);
}

void
ctl_size_human(double v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%.0f", v);
	else if (v < 10 && v != (double)(long long)v)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

/* The container's own limit, or "shared:SIZE" for one without: it may
 * take what the other containers leave of their common limit. */
static void
memory(const struct ynode *limits, char *buf, size_t len)
{
	char size[32];
	const char *own = text(ctl_get(limits, "memory")), *shared;

	if (strcmp(own, "-") != 0) {
		ctl_size_human(strtod(own, NULL), buf, len);
		return;
	}
	shared = text(ctl_get(limits, "memory_shared"));
	if (strcmp(shared, "-") == 0) {
		snprintf(buf, len, "unlimited");
		return;
	}
	ctl_size_human(strtod(shared, NULL), size, sizeof size);
	snprintf(buf, len, "shared:%s", size);
}

/* The writable layer's size; "read-only" for a container without one. */
static void
writable(const struct ynode *limits, char *buf, size_t len)
{
	const char *t = text(ctl_get(limits, "writable"));

	if (strcmp(t, "-") == 0)
		snprintf(buf, len, "read-only");
	else
		ctl_size_human(strtod(t, NULL), buf, len);
}

static void
ports(const struct ynode *n, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "-");
	for (size_t i = 0; n && n->type == YNODE_SEQ && i < n->n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? "," : "", text(n->kids[i]));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* One row's cells, each in its own slice of row. */
static void
row_fill(const struct ynode *c, char row[C_N][128])
{
	snprintf(row[C_NAME], 128, "%s", text(ctl_get(c, "name")));
	snprintf(row[C_STATE], 128, "%s", text(ctl_get(c, "state")));
	snprintf(row[C_PID], 128, "%s", text(ctl_get(c, "pid")));
	uptime(ctl_get(c, "uptime"), row[C_UPTIME], 128);
	snprintf(row[C_RESTARTS], 128, "%s", text(ctl_get(c, "restarts")));
	const char *h = text(ctl_get(ctl_get(c, "health"), "state"));
	snprintf(row[C_HEALTH], 128, "%s", strcmp(h, "none") == 0 ? "-" : h);
	memory(ctl_get(c, "limits"), row[C_MEMORY], 128);
	writable(ctl_get(c, "limits"), row[C_WRITABLE], 128);
	ports(ctl_get(c, "ports"), row[C_PORTS], 128);
	snprintf(row[C_EXIT], 128, "%s", text(ctl_get(c, "last_exit")));
}

static int
print_table(const struct ynode *list)
{
	size_t n = list->n, width[C_N];
	char(*rows)[C_N][128] = calloc(n + 1, sizeof *rows);

	if (!rows) {
		fprintf(stderr, "berthctl: status: out of memory\n");
		return EXIT_SYSTEM;
	}
	for (int k = 0; k < C_N; k++)
		snprintf(rows[0][k], 128, "%s", heads[k]);
	for (size_t i = 0; i < n; i++)
		row_fill(list->kids[i], rows[i + 1]);
	for (int k = 0; k < C_N; k++) {
		width[k] = 0;
		for (size_t i = 0; i <= n; i++)
			if (strlen(rows[i][k]) > width[k])
				width[k] = strlen(rows[i][k]);
	}
	for (size_t i = 0; i <= n; i++) {
		for (int k = 0; k < C_N - 1; k++)
			printf("%-*s  ", (int)width[k], rows[i][k]);
		printf("%s\n", rows[i][C_N - 1]);
	}
	free(rows);
	return 0;
}

/* manifest: applied, sha256 1a2b3c4d5e6f, since 2026-12-06 19:40:02 UTC; on
 * trial until 19:45:02 (berthctl apply --confirm keeps it) */
static void
print_manifest(const struct ynode *m)
{
	char when[64] = "", until[64] = "";
	const char *at = text(ctl_get(m, "applied_at")), *tr = text(ctl_get(m, "trial_until"));
	time_t t;

	if (!m)
		return;
	if (strcmp(at, "-") != 0 && (t = (time_t)strtoll(at, NULL, 10)) > 0)
		strftime(when, sizeof when, ", since %Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	if (strcmp(tr, "-") != 0 && (t = (time_t)strtoll(tr, NULL, 10)) > 0)
		strftime(until, sizeof until,
			 "; on trial until %H:%M:%S UTC (berthctl apply --confirm keeps it)",
			 gmtime(&t));
	printf("manifest: %s, sha256 %.12s%s%s\n\n",
	       strcmp(text(ctl_get(m, "source")), "applied") == 0 ? "applied" : "the image's",
	       text(ctl_get(m, "sha256")), when, until);
}

/* Containers whose image the build did not check against the trust policy:
 * a relaxation an operator should see without asking for it. */
static void
print_unchecked(const struct ynode *list)
{
	bool any = false;

	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *c = list->kids[i];

		if (strcmp(text(ctl_get(c, "insecure_allow_unsigned")), "true") != 0)
			continue;
		printf("%s%s",
		       any ? ", "
			   : "\nimage not checked against the trust policy "
			     "(insecure_allow_unsigned): ",
		       text(ctl_get(c, "name")));
		any = true;
	}
	if (any)
		printf("\n");
}

static int
table(const struct control_reply *r)
{
	struct ynode *root = NULL;
	struct diag d;
	int rc;

	diag_init(&d, "status reply");
	const struct ynode *list = NULL;
	if (ytree_parse(r->body, r->len, &d, &root) == 0)
		list = ctl_get(root, "containers");
	if (!list || list->type != YNODE_SEQ) {
		fprintf(stderr,
			"berthctl: status: the supervisor's reply is not a status document\n");
		rc = EXIT_SYSTEM;
	} else {
		char clock[160];

		if (status_clock_line(clock, sizeof(clock)) == 0)
			printf("%s\n", clock);
		print_manifest(ctl_get(root, "manifest"));
		rc = print_table(list);
		if (rc == 0)
			print_unchecked(list);
	}
	ytree_free(root);
	diag_free(&d);
	return rc;
}

int
cmd_status(int argc, char **argv)
{
	struct control_reply r;
	struct ctl_opts o;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, CTL_OPT_JSON, 0, &o)) != 0)
		return rc;
	if ((rc = ctl_call(&o, "status", &r)) != 0)
		return rc;
	if (o.json)
		rc = fwrite(r.body, 1, r.len, stdout) == r.len ? 0 : EXIT_SYSTEM;
	else
		rc = table(&r);
	control_reply_free(&r);
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return rc;
}
