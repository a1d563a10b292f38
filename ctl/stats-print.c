/* SPDX-License-Identifier: MIT */
/* stats-print.c: a stats sample as a table aligned like `berthctl status`,
 * or as JSON (docs/berthctl.md describes both). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "ctl.h"
#include "stats.h"

enum col {
	C_NAME,
	C_STATE,
	C_CPU,
	C_MEM,
	C_LIMIT,
	C_PIDS,
	C_BLOCK,
	C_NET,
	C_PKTS,
	C_RESTARTS,
	C_N
};

static const char *const heads[C_N] = {"NAME", "STATE",	    "CPU%",    "MEMORY",  "LIMIT",
				       "PIDS", "BLOCK I/O", "NET I/O", "PACKETS", "RESTARTS"};

#define CELL 64

/* Sizes and counts fit in 24 bytes (20 digits at most). */
#define FIGURE 24

static void
size_fig(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		ctl_size_human((double)v, buf, len);
}

static void
size_cell(int64_t v, char *buf)
{
	size_fig(v, buf, CELL);
}

/* "A / B" of two sizes (bytes), or of two counts. */
static void
pair_cell(int64_t a, int64_t b, bool sizes, char *buf)
{
	char x[FIGURE], y[FIGURE];

	if (a < 0 || b < 0) {
		snprintf(buf, CELL, "-");
		return;
	}
	if (sizes) {
		size_fig(a, x, sizeof x);
		size_fig(b, y, sizeof y);
	} else {
		snprintf(x, sizeof x, "%lld", (long long)a);
		snprintf(y, sizeof y, "%lld", (long long)b);
	}
	snprintf(buf, CELL, "%s / %s", x, y);
}

static void
num_cell(int64_t v, char *buf)
{
	if (v < 0)
		snprintf(buf, CELL, "-");
	else
		snprintf(buf, CELL, "%lld", (long long)v);
}

static void
cpu_cell(double v, char *buf)
{
	if (v < 0)
		snprintf(buf, CELL, "-");
	else
		snprintf(buf, CELL, "%.1f%%", v);
}

static void
limit_cell(const struct stats_row *r, char *buf)
{
	char size[FIGURE];

	if (r->memory < 0)
		snprintf(buf, CELL, "-");
	else if (r->memory_limit < 0)
		snprintf(buf, CELL, "unlimited");
	else if (!r->memory_shared)
		size_cell(r->memory_limit, buf);
	else {
		size_fig(r->memory_limit, size, sizeof size);
		snprintf(buf, CELL, "shared:%s", size);
	}
}

static void
row_cells(const struct stats_row *r, char row[C_N][CELL])
{
	snprintf(row[C_NAME], CELL, "%s", r->name);
	snprintf(row[C_STATE], CELL, "%s", r->state);
	cpu_cell(r->cpu, row[C_CPU]);
	size_cell(r->memory, row[C_MEM]);
	limit_cell(r, row[C_LIMIT]);
	num_cell(r->pids, row[C_PIDS]);
	pair_cell(r->io_read, r->io_write, true, row[C_BLOCK]);
	pair_cell(r->has_net ? r->in_bytes : -1, r->out_bytes, true, row[C_NET]);
	pair_cell(r->has_net ? r->in_packets : -1, r->out_packets, false, row[C_PKTS]);
	num_cell(r->restarts, row[C_RESTARTS]);
}

/* Adds v to *sum where both are known; a sum with no known part stays -1. */
static void
add(int64_t *sum, int64_t v)
{
	if (v >= 0)
		*sum = (*sum < 0 ? 0 : *sum) + v;
}

/* The containers together: what they take of the host. */
static void
total_row(const struct stats_sample *s, struct stats_row *t)
{
	*t = (struct stats_row){.cpu = -1,
				.cpu_usec = -1,
				.memory = -1,
				.memory_limit = -1,
				.pids = -1,
				.io_read = -1,
				.io_write = -1,
				.in_bytes = -1,
				.in_packets = -1,
				.out_bytes = -1,
				.out_packets = -1,
				.restarts = -1};
	snprintf(t->name, sizeof t->name, "total");
	snprintf(t->state, sizeof t->state, "-");
	for (size_t i = 0; i < s->n; i++) {
		const struct stats_row *r = &s->rows[i];
		if (r->cpu >= 0)
			t->cpu = (t->cpu < 0 ? 0 : t->cpu) + r->cpu;
		add(&t->memory, r->memory);
		add(&t->pids, r->pids);
		add(&t->io_read, r->io_read);
		add(&t->io_write, r->io_write);
		add(&t->restarts, r->restarts);
		if (!r->has_net)
			continue;
		t->has_net = true;
		add(&t->in_bytes, r->in_bytes);
		add(&t->in_packets, r->in_packets);
		add(&t->out_bytes, r->out_bytes);
		add(&t->out_packets, r->out_packets);
	}
	t->memory_limit = s->host_memory;
}

static void
print_host(const struct stats_sample *s)
{
	char cpu[CELL], used[CELL], total[CELL];

	cpu_cell(s->host_cpu, cpu);
	size_cell(s->host_memory_used, used);
	size_cell(s->host_memory, total);
	printf("host: cpu %s of %lld cpus, memory %s used of %s\n\n", cpu, (long long)s->cpus, used,
	       total);
}

static void
print_drops(const struct stats_sample *s)
{
	static const char *const what[3] = {"inbound", "inter-container", "forward"};
	char bytes[CELL];

	if (!s->firewall) {
		printf("\nfirewall drops: - (%s)\n", s->firewall_error);
		return;
	}
	if (!s->drops[0].present && !s->drops[1].present && !s->drops[2].present) {
		printf("\nfirewall drops: - (no table inet berth with counters loaded)\n");
		return;
	}
	printf("\nfirewall drops:");
	for (int d = 0; d < 3; d++) {
		const struct stats_drops *x = &s->drops[d];
		size_cell(x->bytes, bytes);
		if (x->present)
			printf("%s %s %lld packets (%s)", d ? "," : "", what[d],
			       (long long)x->packets, bytes);
		else
			printf("%s %s -", d ? "," : "", what[d]);
	}
	printf("\n");
}

int
stats_print_table(const struct stats_sample *s)
{
	size_t n = s->n + 2, width[C_N];
	char(*rows)[C_N][CELL] = calloc(n, sizeof *rows);
	struct stats_row total;

	if (!rows) {
		fprintf(stderr, "berthctl: stats: out of memory\n");
		return EXIT_SYSTEM;
	}
	for (int k = 0; k < C_N; k++)
		snprintf(rows[0][k], CELL, "%s", heads[k]);
	for (size_t i = 0; i < s->n; i++)
		row_cells(&s->rows[i], rows[i + 1]);
	total_row(s, &total);
	row_cells(&total, rows[n - 1]);
	for (int k = 0; k < C_N; k++) {
		width[k] = 0;
		for (size_t i = 0; i < n; i++)
			if (strlen(rows[i][k]) > width[k])
				width[k] = strlen(rows[i][k]);
	}
	print_host(s);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < C_N - 1; k++)
			printf("%-*s  ", (int)width[k], rows[i][k]);
		printf("%s\n", rows[i][C_N - 1]);
	}
	print_drops(s);
	free(rows);
	return 0;
}

static void
key_cpu(struct json *j, double v)
{
	char buf[32];

	json_key(j, "cpu_percent");
	snprintf(buf, sizeof buf, "%.1f", v);
	if (v >= 0)
		json_number(j, buf);
	else
		json_null(j);
}

static void
json_row(struct json *j, const struct stats_row *r)
{
	json_object_begin(j);
	json_key(j, "name");
	json_string(j, r->name);
	json_key(j, "state");
	json_string(j, r->state);
	key_cpu(j, r->cpu);
	json_key_int_or_null(j, "cpu_usec", r->cpu_usec);
	json_key_int_or_null(j, "memory", r->memory);
	json_key_int_or_null(j, "memory_limit", r->memory_limit);
	json_key(j, "memory_shared");
	json_bool(j, r->memory_shared);
	json_key_int_or_null(j, "pids", r->pids);
	json_key_int_or_null(j, "io_read", r->io_read);
	json_key_int_or_null(j, "io_write", r->io_write);
	json_key(j, "net");
	if (r->has_net) {
		json_object_begin(j);
		json_key_int_or_null(j, "in_bytes", r->in_bytes);
		json_key_int_or_null(j, "in_packets", r->in_packets);
		json_key_int_or_null(j, "out_bytes", r->out_bytes);
		json_key_int_or_null(j, "out_packets", r->out_packets);
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_key_int_or_null(j, "restarts", r->restarts);
	json_object_end(j);
}

static void
json_firewall(struct json *j, const struct stats_sample *s)
{
	json_key(j, "firewall");
	if (!s->firewall) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	for (int d = 0; d < 3; d++) {
		json_key(j, stats_drop_keys[d]);
		if (!s->drops[d].present) {
			json_null(j);
			continue;
		}
		json_object_begin(j);
		json_key_int_or_null(j, "packets", s->drops[d].packets);
		json_key_int_or_null(j, "bytes", s->drops[d].bytes);
		json_object_end(j);
	}
	json_object_end(j);
}

int
stats_print_json(const struct stats_sample *s, bool one_line)
{
	struct json j;
	int rc = 0;

	json_init(&j);
	json_object_begin(&j);
	json_key_int_or_null(&j, "time_usec", s->time_usec);
	json_key(&j, "host");
	json_object_begin(&j);
	json_key_int_or_null(&j, "cpus", s->cpus);
	key_cpu(&j, s->host_cpu);
	json_key_int_or_null(&j, "memory_total", s->host_memory);
	json_key_int_or_null(&j, "memory_used", s->host_memory_used);
	json_object_end(&j);
	json_firewall(&j, s);
	json_key(&j, "containers");
	json_array_begin(&j);
	for (size_t i = 0; i < s->n; i++)
		json_row(&j, &s->rows[i]);
	json_array_end(&j);
	json_object_end(&j);
	if (json_finish(&j) < 0) {
		fprintf(stderr, "berthctl: stats: out of memory\n");
		rc = EXIT_SYSTEM;
	} else {
		if (one_line)
			json_compact(j.buf);
		fputs(j.buf, stdout);
		if (one_line && (!j.buf[0] || j.buf[strlen(j.buf) - 1] != '\n'))
			putchar('\n');
	}
	json_free(&j);
	return rc;
}
