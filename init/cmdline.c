/* SPDX-License-Identifier: MIT */
/* Parses and validates the berth.* keys of /proc/cmdline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "util.h"

struct key {
	const char *name;
	const char *(*parse)(struct boot_args *a, const char *val);
};

static int
is_hex(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!strchr("0123456789abcdefABCDEF", *s))
			return 0;
	}
	return 1;
}

static int
parse_ull(const char *val, unsigned long long *out)
{
	char *end;

	if (!val || *val < '0' || *val > '9')
		return -1;
	errno = 0;
	*out = strtoull(val, &end, 10);
	return errno || *end ? -1 : 0;
}

static const char *
set_label(char *dst, const char *val)
{
	size_t len = val ? strlen(val) : 0;

	if (len == 0 || len >= LABEL_MAX || strchr(val, '/'))
		return "expected a partition label of 1 to 63 characters";
	memcpy(dst, val, len + 1);
	return NULL;
}

static const char *
parse_slot(struct boot_args *a, const char *val)
{
	if (!val || (strcmp(val, "a") && strcmp(val, "b")))
		return "expected a or b";
	a->slot = val[0];
	return NULL;
}

static const char *
parse_root(struct boot_args *a, const char *val)
{
	return set_label(a->root, val);
}

static const char *
parse_data(struct boot_args *a, const char *val)
{
	return set_label(a->data, val);
}

static const char *
parse_roothash(struct boot_args *a, const char *val)
{
	if (!val || strlen(val) != 64 || !is_hex(val))
		return "expected 64 hex digits (a sha256 root hash)";
	memcpy(a->roothash, val, 65);
	return NULL;
}

static const char *
parse_salt(struct boot_args *a, const char *val)
{
	size_t len = val ? strlen(val) : 0;

	if (len == 1 && val[0] == '-') {
		strcpy(a->salt, "-");
		return NULL;
	}
	if (len == 0 || len % 2 || len >= sizeof(a->salt) || !is_hex(val))
		return "expected '-' or an even number of hex digits (at most 512)";
	memcpy(a->salt, val, len + 1);
	return NULL;
}

static const char *
parse_hashoffset(struct boot_args *a, const char *val)
{
	unsigned long long v;

	if (parse_ull(val, &v) < 0 || v == 0 || v % 4096)
		return "expected a positive multiple of 4096 (bytes)";
	a->hashoffset = v;
	return NULL;
}

static const char *
parse_roottimeout(struct boot_args *a, const char *val)
{
	unsigned long long v;

	if (parse_ull(val, &v) < 0 || v > 3600)
		return "expected a number of seconds from 0 to 3600";
	a->roottimeout = v;
	return NULL;
}

static const char *
parse_debug(struct boot_args *a, const char *val)
{
	if (val && strcmp(val, "0") && strcmp(val, "1"))
		return "expected 0 or 1";
	a->debug = !val || val[0] == '1';
	return NULL;
}

/* clang-format off */
static const struct key keys[] = {
	{ "berth.slot", parse_slot },
	{ "berth.root", parse_root },
	{ "berth.roothash", parse_roothash },
	{ "berth.salt", parse_salt },
	{ "berth.hashoffset", parse_hashoffset },
	{ "berth.data", parse_data },
	{ "berth.roottimeout", parse_roottimeout },
	{ "berth.debug", parse_debug },
};
/* clang-format on */

/* Splits off the next word in place; double quotes group, as in the kernel. */
static char *
next_word(char **cursor)
{
	char *p = *cursor, *out, *word;
	int quoted = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	word = out = p;
	for (; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n')) {
			p++;
			break;
		}
		*out++ = *p;
	}
	*out = '\0';
	*cursor = p;
	return word;
}

static void
args_defaults(struct boot_args *a)
{
	memset(a, 0, sizeof(*a));
	strcpy(a->salt, "-");
	strcpy(a->data, "berth-data");
	a->roottimeout = 10;
}

/* Fills a from line (modified in place); the last of repeated keys wins. */
int
cmdline_parse(char *line, struct boot_args *a, char *err, size_t errlen)
{
	char *cursor = line, *word, *val;
	const char *why;
	size_t i;

	args_defaults(a);
	while ((word = next_word(&cursor))) {
		if (strncmp(word, "berth.", 6))
			continue;
		val = strchr(word, '=');
		if (val)
			*val++ = '\0';
		for (i = 0; i < ARRAY_SIZE(keys) && strcmp(keys[i].name, word); i++)
			;
		if (i == ARRAY_SIZE(keys)) {
			if (!a->unknown[0])
				snprintf(a->unknown, sizeof(a->unknown), "%s", word);
			continue;
		}
		why = keys[i].parse(a, val);
		if (why) {
			snprintf(err, errlen, "%s=%s: %s", word, val ? val : "", why);
			return -1;
		}
	}
	return 0;
}

int
cmdline_read(struct boot_args *a, char *err, size_t errlen)
{
	char line[4096];

	if (read_file("/proc/cmdline", line, sizeof(line)) < 0) {
		args_defaults(a);
		snprintf(err, errlen, "reading /proc/cmdline: %s", strerror(errno));
		return -1;
	}
	return cmdline_parse(line, a, err, errlen);
}

/* Stage 1 needs the keys that say which root to verify; fills defaults. */
int
cmdline_check_root(struct boot_args *a, char *err, size_t errlen)
{
	const char *missing = NULL;

	if (!a->slot)
		missing = "berth.slot";
	else if (!a->roothash[0])
		missing = "berth.roothash";
	else if (!a->hashoffset)
		missing = "berth.hashoffset";
	if (missing) {
		snprintf(err, errlen, "%s missing from the kernel command line", missing);
		return -1;
	}
	if (!a->root[0])
		snprintf(a->root, sizeof(a->root), "berth-root-%c", a->slot);
	return 0;
}
