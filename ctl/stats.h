/* SPDX-License-Identifier: MIT */
/* berthctl stats: two of the supervisor's samples made into rates
 * (stats.c), and their table and JSON (stats-print.c). */
#ifndef BERTH_CTL_STATS_H
#define BERTH_CTL_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A figure the supervisor could not read is -1; cpu is -1 too when there
 * is no earlier sample to compare with (first sample, restarted). */
struct stats_row {
	char name[64];
	char state[16];
	bool has_net; /* network_mode bridge, attached */
	double cpu;   /* percent of one CPU over the interval */
	int64_t cpu_usec, memory, memory_limit, pids, io_read, io_write;
	bool memory_shared;
	int64_t in_bytes, in_packets, out_bytes, out_packets;
	int64_t restarts;
};

struct stats_drops {
	bool present;
	int64_t packets, bytes;
};

/* One sample as the supervisor sent it, with rates from the one before. */
struct stats_sample {
	int64_t time_usec;
	int64_t cpus, host_cpu_usec, host_memory, host_memory_used;
	double host_cpu;
	bool firewall; /* the counters could be read */
	char firewall_error[256];
	struct stats_drops drops[3]; /* inbound, inter_container, forward */
	struct stats_row *rows;
	size_t n;
};

extern const char *const stats_drop_keys[3];

/* stats-print.c: the table, or one JSON document (one line with follow). */
int stats_print_table(const struct stats_sample *s);
int stats_print_json(const struct stats_sample *s, bool one_line);

#endif
