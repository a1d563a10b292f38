/* SPDX-License-Identifier: MIT */
/* idrange.c: each container's range of host uids and gids, chosen once per
 * container name and kept in a small file on the data partition, so that
 * a container keeps its range across restarts, reboots and updates
 * (docs/supervisor.md, Users). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

#define IDRANGE_FILE "userns-ranges"
/* A name is short (the manifest limits it): a larger file is not one
 * berth wrote. */
#define IDRANGE_FILE_MAX (1 << 20)

static const char header[] = "# index name: the container's host ids are 524288 + index * 65536\n"
			     "# and the 65535 after it. Written by the supervisor; an index is\n"
			     "# never given to another name.\n";

/* Reads the file whole into buf (NUL-terminated); an empty buf when there
 * is none yet. */
static int
ranges_read(const struct sv *sv, char *buf, size_t len)
{
	char file[PATH_MAX];

	buf[0] = '\0';
	if (sv_state_path(sv, IDRANGE_FILE, file, sizeof file) < 0)
		return -1;
	ssize_t n = io_read_small(AT_FDCWD, file, buf, len);
	if (n < 0)
		return errno == ENOENT ? 0 : -1;
	if ((size_t)n == len - 1) {
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/* Atomically: a temporary file, fsync, rename over the old one, fsync of
 * the directory. A power cut leaves the old list or the new one. */
static int
ranges_write(const struct sv *sv, const char *body, size_t len)
{
	char dir[PATH_MAX];

	if (sv_state_path(sv, "", dir, sizeof dir) < 0 || io_mkdir_p(dir, 0755) < 0)
		return -1;
	return io_replace_file(dir, IDRANGE_FILE, body, len, 0644);
}

/* One line, "index name": the index, or -1 for a line that is not one. */
static long
line_parse(char *line, char **name)
{
	char *end;

	errno = 0;
	long i = strtol(line, &end, 10);
	if (end == line || *end != ' ' || errno || i < 0 || i >= IDRANGE_COUNT || !end[1])
		return -1;
	*name = end + 1;
	return i;
}

/*
 * Looks name up in body (modified); when it has no range yet, *index is
 * the lowest one free and *found false. A malformed line or an index
 * given twice is an error: guessing would hand one range to two names.
 */
static int
ranges_find(char *body, const char *name, long *index, bool *found, char *err, size_t errlen)
{
	static unsigned char used[IDRANGE_COUNT / 8];
	char *save = NULL, *who;
	unsigned lineno = 0;

	memset(used, 0, sizeof used);
	*found = false;
	for (char *l = strtok_r(body, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (l[0] == '#')
			continue;
		long i = line_parse(l, &who);
		if (i < 0 || (used[i / 8] & (1u << (i % 8))))
			return io_errf(err, errlen, "line %u: %s", lineno,
				       i < 0 ? "not \"index name\" with an index below 65520"
					     : "an index given twice");
		used[i / 8] |= (unsigned char)(1u << (i % 8));
		if (strcmp(who, name) == 0) {
			*index = i;
			*found = true;
		}
	}
	if (*found)
		return 0;
	for (long i = 0; i < IDRANGE_COUNT; i++)
		if (!(used[i / 8] & (1u << (i % 8)))) {
			*index = i;
			return 0;
		}
	return io_errf(err, errlen, "all %d ranges are taken", IDRANGE_COUNT);
}

/* Appends "index name" to the file's text (read into buf, len bytes) and
 * writes it back. */
static int
ranges_add(const struct sv *sv, char *buf, size_t len, long index, const char *name)
{
	size_t n = strlen(buf);
	int w;

	if (n == 0) {
		w = snprintf(buf, len, "%s", header);
		if (w < 0 || (size_t)w >= len)
			return errno = EFBIG, -1;
		n = (size_t)w;
	} else if (buf[n - 1] != '\n' && n + 1 < len) {
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	w = snprintf(buf + n, len - n, "%ld %s\n", index, name);
	if (w < 0 || (size_t)w >= len - n)
		return errno = EFBIG, -1;
	return ranges_write(sv, buf, n + (size_t)w);
}

/*
 * The first host id of the container's range: the one it had, else the
 * lowest free one, recorded before it is used. Fails (with the file and
 * the reason in err) rather than hand out a range that might change.
 */
int
idrange_get(const struct sv *sv, const char *name, uint32_t *base, char *err, size_t errlen)
{
	static char body[IDRANGE_FILE_MAX], copy[IDRANGE_FILE_MAX];
	char why[128];
	long index = 0;
	bool found;

	if (ranges_read(sv, body, sizeof body) < 0)
		return io_errf(err, errlen, "%s/%s: %s", sv->paths.state, IDRANGE_FILE,
			       strerror(errno));
	memcpy(copy, body, strlen(body) + 1);
	if (ranges_find(copy, name, &index, &found, why, sizeof why) < 0)
		return io_errf(err, errlen, "%s/%s: %s", sv->paths.state, IDRANGE_FILE, why);
	if (!found && ranges_add(sv, body, sizeof body, index, name) < 0)
		return io_errf(err, errlen, "%s/%s: cannot record the range of %s: %s",
			       sv->paths.state, IDRANGE_FILE, name, strerror(errno));
	*base = IDRANGE_BASE + (uint32_t)index * IDRANGE_SIZE;
	return 0;
}
