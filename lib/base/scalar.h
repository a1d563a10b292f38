/* SPDX-License-Identifier: MIT */
/* Parsers for the manifest's scalar values: numbers, sizes, durations, CPU
 * counts, signals, restart policies and users. Each returns 0, or -1 with
 * *why set to a static phrase saying what was expected. */
#ifndef BERTH_SCALAR_H
#define BERTH_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal number without sign, spaces or leading zeros, at most max. */
int scalar_uint(const char *s, uint64_t max, uint64_t *out, const char **why);

/* 1024, 512k, 256m, 1g, 2t (binary multiples; kb/kib/KiB spellings too). */
int scalar_size(const char *s, uint64_t *bytes, const char **why);

/* Go/Compose durations: 10s, 1m30s, 500ms, 2h, 1.5s; "0" alone. The result
 * must be a whole number of milliseconds. */
int scalar_duration(const char *s, uint64_t *ms, const char **why);
/* Canonical spelling of a duration ("1m30s", "500ms", "0s"), parseable by
 * scalar_duration. buf must hold DURATION_STRLEN bytes. */
#define DURATION_STRLEN 40
void duration_format(uint64_t ms, char *buf, size_t len);
/* "12.3 MiB" from a MiB up, else "4.0 KiB": sizes shown to people. */
void size_format(uint64_t bytes, char *buf, size_t len);

/* 0.5, 2, 1.25: a CPU count in thousandths, above 0 and at most CPUS_MAX. */
#define CPUS_MAX 1024
int scalar_cpus(const char *s, uint32_t *milli, const char **why);
/* "0.5", "2", "1.25" */
void cpus_format(uint32_t milli, char *buf, size_t len);

/* SIGTERM, TERM, term, 15, RTMIN+3. */
int signal_parse(const char *s, int *sig, const char **why);
/* "SIGTERM", "SIGRTMIN+3", or the number. */
void signal_format(int sig, char *buf, size_t len);

enum restart_kind {
	RESTART_NO,
	RESTART_ALWAYS,
	RESTART_ON_FAILURE,
	RESTART_UNLESS_STOPPED,
};

struct restart_policy {
	enum restart_kind kind;
	uint32_t max_retries; /* on-failure only; 0 means no limit */
};

/* no, always, on-failure, on-failure:N (N >= 1), unless-stopped */
int restart_parse(const char *s, struct restart_policy *out, const char **why);
const char *restart_kind_str(enum restart_kind k);

#define USER_NAME_MAX 32
#define ID_MAX 4294967294u /* (uid_t)-1 means "no change" to the kernel */

/* "uid[:gid]" with numbers or names; an empty user means the image's. */
struct user_spec {
	char user[USER_NAME_MAX + 1];  /* name or decimal uid as written */
	char group[USER_NAME_MAX + 1]; /* "" means the user's primary group */
	bool uid_numeric, gid_numeric;
	uint32_t uid, gid; /* valid when *_numeric */
};

int user_parse(const char *s, struct user_spec *out, const char **why);

#endif
