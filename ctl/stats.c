/* SPDX-License-Identifier: MIT */
/* berthctl stats [--json] [--follow] [NAME]: the supervisor's figures,
 * asked for twice about a second apart so that CPU time becomes a
 * percentage; the supervisor itself keeps no samples. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "manifest/ytree.h"
#include "stats.h"

/* Long enough for a stable percentage, short enough to wait for. */
#define INTERVAL_MS 1000

const char *const stats_drop_keys[3] = {"inbound", "inter_container", "forward"};

/* A number, or -1 for null, missing and anything else. */
static int64_t
num(const struct ynode *map, const char *key)
{
	const struct ynode *n = ctl_get(map, key);
	char *end;

	if (!n || n->type != YNODE_SCALAR || ynode_is_null(n) || !n->len)
		return -1;
	errno = 0;
	long long v = strtoll(n->str, &end, 10);
	return errno || *end ? -1 : v;
}

static void
str(const struct ynode *map, const char *key, char *out, size_t len)
{
	const struct ynode *n = ctl_get(map, key);

	snprintf(out, len, "%s", n && n->type == YNODE_SCALAR && !ynode_is_null(n) ? n->str : "-");
}

static void
row_read(const struct ynode *c, struct stats_row *r)
{
	const struct ynode *net = ctl_get(c, "net");
	char shared[8];

	str(c, "name", r->name, sizeof r->name);
	str(c, "state", r->state, sizeof r->state);
	r->cpu = -1;
	r->cpu_usec = num(c, "cpu_usec");
	r->memory = num(c, "memory");
	r->memory_limit = num(c, "memory_limit");
	str(c, "memory_shared", shared, sizeof shared);
	r->memory_shared = strcmp(shared, "true") == 0;
	r->pids = num(c, "pids");
	r->io_read = num(c, "io_read");
	r->io_write = num(c, "io_write");
	r->has_net = net && net->type == YNODE_MAP;
	r->in_bytes = num(net, "in_bytes");
	r->in_packets = num(net, "in_packets");
	r->out_bytes = num(net, "out_bytes");
	r->out_packets = num(net, "out_packets");
	r->restarts = num(c, "restarts");
}

static void
firewall_read(const struct ynode *root, struct stats_sample *s)
{
	const struct ynode *fw = ctl_get(root, "firewall");

	str(root, "firewall_error", s->firewall_error, sizeof s->firewall_error);
	s->firewall = fw && fw->type == YNODE_MAP;
	for (int d = 0; d < 3; d++) {
		const struct ynode *c = ctl_get(fw, stats_drop_keys[d]);
		s->drops[d] = (struct stats_drops){c && c->type == YNODE_MAP, num(c, "packets"),
						   num(c, "bytes")};
	}
}

/* The reply as a sample; -1 when it is not a stats document. */
static int
sample_parse(const struct control_reply *r, struct stats_sample *s)
{
	const struct ynode *list, *host;
	struct ynode *root = NULL;
	struct diag d;
	int rc = -1;

	*s = (struct stats_sample){.host_cpu = -1};
	diag_init(&d, "stats reply");
	if (ytree_parse(r->body, r->len, &d, &root) < 0)
		goto out;
	list = ctl_get(root, "containers");
	if (!list || list->type != YNODE_SEQ || (s->time_usec = num(root, "time_usec")) < 0)
		goto out;
	host = ctl_get(root, "host");
	s->cpus = num(host, "cpus");
	s->host_cpu_usec = num(host, "cpu_usec");
	s->host_memory = num(host, "memory_total");
	s->host_memory_used = num(host, "memory_used");
	firewall_read(root, s);
	s->rows = calloc(list->n ? list->n : 1, sizeof *s->rows);
	if (!s->rows)
		goto out;
	for (size_t i = 0; i < list->n; i++)
		row_read(list->kids[i], &s->rows[s->n++]);
	rc = 0;
out:
	ytree_free(root);
	diag_free(&d);
	return rc;
}

static double
percent(int64_t before, int64_t after, int64_t dt)
{
	if (before < 0 || after < before || dt <= 0)
		return -1;
	return (double)(after - before) * 100.0 / (double)dt;
}

/* CPU percentages of cur from the figures of prev, by container name. */
static void
sample_rates(const struct stats_sample *prev, struct stats_sample *cur)
{
	int64_t dt = cur->time_usec - prev->time_usec;

	cur->host_cpu = percent(prev->host_cpu_usec, cur->host_cpu_usec, dt);
	for (size_t i = 0; i < cur->n; i++)
		for (size_t k = 0; k < prev->n; k++)
			if (strcmp(cur->rows[i].name, prev->rows[k].name) == 0)
				cur->rows[i].cpu =
				    percent(prev->rows[k].cpu_usec, cur->rows[i].cpu_usec, dt);
}

static int
sample_take(const struct ctl_opts *o, struct stats_sample *s)
{
	struct control_reply r;
	int rc;

	if ((rc = ctl_call(o, "stats", &r)) != 0)
		return rc;
	rc = sample_parse(&r, s);
	control_reply_free(&r);
	if (rc < 0) {
		fprintf(stderr,
			"berthctl: stats: the supervisor's reply is not a stats document\n");
		free(s->rows);
		return EXIT_SYSTEM;
	}
	return 0;
}

static void
pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int
cmd_stats(int argc, char **argv)
{
	struct stats_sample prev, cur;
	struct ctl_opts o;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, CTL_OPT_JSON | CTL_OPT_FOLLOW, -1, &o)) != 0)
		return rc;
	if ((rc = sample_take(&o, &prev)) != 0)
		return rc;
	for (;;) {
		pause_ms(INTERVAL_MS);
		if ((rc = sample_take(&o, &cur)) != 0)
			break;
		sample_rates(&prev, &cur);
		rc = o.json ? stats_print_json(&cur, o.follow) : stats_print_table(&cur);
		free(prev.rows);
		prev = cur;
		if (rc != 0 || !o.follow)
			break;
		if (!o.json)
			printf("\n");
		if (fflush(stdout) != 0) {
			rc = EXIT_SYSTEM;
			break;
		}
	}
	free(prev.rows);
	if (fflush(stdout) != 0) {
		perror("berthctl: writing output");
		return EXIT_SYSTEM;
	}
	return rc;
}
