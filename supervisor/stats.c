/* SPDX-License-Identifier: MIT */
/* stats.c: the containers' resource figures (cgroup v2 files, the host end
 * of their veth pairs) and the firewall's drop counters, read when someone
 * asks (`berthctl stats`, `berthctl status`), never polled. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "base/json.h"
#include "net/firewall.h"
#include "supervisor.h"

/* What one container's cgroup says; a missing file leaves its figure -1. */
struct cg_figures {
	int64_t cpu_usec, mem, mem_max, pids, io_read, io_write;
};

/* The value after "key " in a "key value" line of buf, or -1. */
static int64_t
field(const char *buf, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

/* A one-number file; "max" (no limit) is 0. */
static int64_t
number(int dirfd, const char *name)
{
	char buf[64];

	if (io_read_small(dirfd, name, buf, sizeof buf) < 0)
		return -1;
	return strncmp(buf, "max", 3) == 0 ? 0 : strtoll(buf, NULL, 10);
}

/* io.stat: one line per device, "MAJ:MIN rbytes=N wbytes=N rios=N ...". */
static void
io_sum(int dirfd, struct cg_figures *f)
{
	char buf[16384];

	if (io_read_small(dirfd, "io.stat", buf, sizeof buf) < 0)
		return;
	f->io_read = f->io_write = 0;
	for (char *p = buf; (p = strchr(p, '=')) != NULL; p++) {
		if (p - buf >= 6 && strncmp(p - 6, "rbytes", 6) == 0)
			f->io_read += strtoll(p + 1, NULL, 10);
		else if (p - buf >= 6 && strncmp(p - 6, "wbytes", 6) == 0)
			f->io_write += strtoll(p + 1, NULL, 10);
	}
}

static void
cg_read(int cgfd, struct cg_figures *f)
{
	char buf[1024];

	*f = (struct cg_figures){-1, -1, -1, -1, -1, -1};
	if (cgfd < 0)
		return;
	if (io_read_small(cgfd, "cpu.stat", buf, sizeof buf) >= 0)
		f->cpu_usec = field(buf, "usage_usec");
	f->mem = number(cgfd, "memory.current");
	f->mem_max = number(cgfd, "memory.max");
	f->pids = number(cgfd, "pids.current");
	io_sum(cgfd, f);
}

/* The host ends of the attached containers' veth pairs, looked up in one
 * link dump: rx there is what the container sent, tx what it received. */
struct links {
	const struct sv *sv;
	/* found: NULL without a bridge or when the dump failed */
	struct nl_link_counters *c; /* per instance */
	bool *found;
};

static void
link_seen(const char *name, const struct nl_link_counters *lc, void *arg)
{
	struct links *l = arg;
	char ifname[IF_NAMESIZE];

	if (strncmp(name, "vb", 2) != 0)
		return;
	for (size_t i = 0; i < l->sv->n; i++) {
		if (!l->sv->c[i].attached)
			continue;
		bridge_host_ifname(l->sv->c[i].spec.name, ifname);
		if (strcmp(ifname, name) == 0) {
			l->c[i] = *lc;
			l->found[i] = true;
			return;
		}
	}
}

static void
write_net(struct json *j, const struct links *l, size_t i)
{
	json_key(j, "net");
	if (!l->found || !l->found[i]) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key_int_or_null(j, "in_bytes", (int64_t)l->c[i].tx_bytes);
	json_key_int_or_null(j, "in_packets", (int64_t)l->c[i].tx_packets);
	json_key_int_or_null(j, "out_bytes", (int64_t)l->c[i].rx_bytes);
	json_key_int_or_null(j, "out_packets", (int64_t)l->c[i].rx_packets);
	json_object_end(j);
}

/* memory_limit: its own memory.max, else the containers' common one it
 * shares (memory_shared true), else null: no limit at all. */
static void
write_figures(struct json *j, const struct sv *sv, const struct links *l, size_t i)
{
	const struct instance *c = &sv->c[i];
	struct cg_figures f;

	cg_read(c->cgfd, &f);
	json_key_int_or_null(j, "cpu_usec", f.cpu_usec);
	json_key_int_or_null(j, "memory", f.mem);
	bool shared = f.mem_max == 0 && sv->mem_shared;
	json_key_int_or_null(j, "memory_limit",
			     shared	     ? (int64_t)sv->mem_shared
			     : f.mem_max > 0 ? f.mem_max
					     : -1);
	json_key(j, "memory_shared");
	json_bool(j, shared);
	json_key_int_or_null(j, "pids", f.pids);
	json_key_int_or_null(j, "io_read", f.io_read);
	json_key_int_or_null(j, "io_write", f.io_write);
	write_net(j, l, i);
}

static int
links_read(struct sv *sv, struct links *l)
{
	*l = (struct links){.sv = sv};
	if (!sv->has_bridge || !sv->nl.sock)
		return 0;
	l->c = calloc(sv->n ? sv->n : 1, sizeof *l->c);
	l->found = calloc(sv->n ? sv->n : 1, sizeof *l->found);
	if (!l->c || !l->found || nl_link_counters_each(&sv->nl, link_seen, l) < 0) {
		free(l->c);
		free(l->found);
		*l = (struct links){.sv = sv};
		return -1;
	}
	return 0;
}

struct links *
stats_links_read(struct sv *sv)
{
	struct links *l = calloc(1, sizeof *l);

	if (l && links_read(sv, l) < 0)
		sv_say("stats: %s", sv->nl.err);
	return l;
}

void
stats_links_free(struct links *l)
{
	if (!l)
		return;
	free(l->c);
	free(l->found);
	free(l);
}

void
stats_container_json(const struct sv *sv, struct json *j, const struct links *l,
		     const struct instance *c)
{
	json_key(j, "stats");
	json_object_begin(j);
	if (l)
		write_figures(j, sv, l, (size_t)(c - sv->c));
	json_object_end(j);
}

/* CPU time the host spent busy (all CPUs), from /proc/stat's first line. */
static int64_t
host_busy_usec(void)
{
	unsigned long long v[8] = {0}, busy = 0;
	char buf[512];
	long hz = sysconf(_SC_CLK_TCK);

	if (io_read_small(AT_FDCWD, "/proc/stat", buf, sizeof buf) < 0 || hz <= 0 ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) < 5)
		return -1;
	for (int k = 0; k < 8; k++)
		if (k != 3 && k != 4) /* idle, iowait */
			busy += v[k];
	return (int64_t)(busy * 1000000ull / (unsigned long long)hz);
}

static void
write_host(struct json *j)
{
	char buf[4096];
	int64_t total = -1, avail = -1;

	if (io_read_small(AT_FDCWD, "/proc/meminfo", buf, sizeof buf) >= 0) {
		char *t = strstr(buf, "MemTotal:"), *a = strstr(buf, "MemAvailable:");
		total = t ? strtoll(t + 9, NULL, 10) * 1024 : -1;
		avail = a ? strtoll(a + 13, NULL, 10) * 1024 : -1;
	}
	json_key(j, "host");
	json_object_begin(j);
	json_key_int_or_null(j, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	json_key_int_or_null(j, "cpu_usec", host_busy_usec());
	json_key_int_or_null(j, "memory_total", total);
	json_key_int_or_null(j, "memory_used", total >= 0 && avail >= 0 ? total - avail : -1);
	json_object_end(j);
}

/* firewall: null when it could not be read (the reason in
 * firewall_error); a counter whose rule is not loaded is null. */
static void
write_firewall(struct json *j)
{
	struct firewall_counter fc[FWC_N];
	char err[256];

	if (firewall_drops_read(fc, err, sizeof err) < 0) {
		json_key(j, "firewall");
		json_null(j);
		json_key(j, "firewall_error");
		json_string(j, err);
		return;
	}
	json_key(j, "firewall");
	json_object_begin(j);
	for (int d = 0; d < FWC_N; d++) {
		json_key(j, firewall_drop_str(d));
		if (!fc[d].present) {
			json_null(j);
			continue;
		}
		json_object_begin(j);
		json_key_int_or_null(j, "packets", (int64_t)fc[d].packets);
		json_key_int_or_null(j, "bytes", (int64_t)fc[d].bytes);
		json_object_end(j);
	}
	json_object_end(j);
}

int
stats_to_json(struct sv *sv, struct json *j, const char *name, char *err, size_t errlen)
{
	const struct instance *only = NULL;
	struct timespec now;
	struct links *l;

	if (name[0] && !(only = sv_find(sv, name))) {
		snprintf(err, errlen, "no container named \"%s\"", name);
		return -1;
	}
	if (!(l = stats_links_read(sv))) {
		snprintf(err, errlen, "stats: out of memory");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_begin(j);
	json_key_int_or_null(j, "time_usec", (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000);
	write_host(j);
	write_firewall(j);
	json_key(j, "containers");
	json_array_begin(j);
	for (size_t i = 0; i < sv->n; i++) {
		const struct instance *c = &sv->c[i];
		if (only && c != only)
			continue;
		json_object_begin(j);
		json_key(j, "name");
		json_string(j, c->spec.name);
		json_key(j, "state");
		json_string(j, cstate_str(c->state));
		json_key(j, "network_mode");
		json_string(j, net_mode_str(c->spec.m->network_mode));
		json_key(j, "restarts");
		json_uint(j, c->restarts);
		write_figures(j, sv, l, i);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	stats_links_free(l);
	return 0;
}
