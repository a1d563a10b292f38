/* SPDX-License-Identifier: MIT */
/* stopstate.c: the operator's stops of `restart: unless-stopped` containers,
 * kept in one small file on the data partition so that they hold across
 * supervisor restarts and reboots (docs/supervisor.md, Keeping them running). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

#define STOPSTATE_FILE "stopped"
/* Names are short (the manifest limits them) and few: a larger file is
 * not one berth wrote. */
#define STOPSTATE_MAX 65536

static const char header[] =
    "# containers stopped with `berthctl stop` (restart: unless-stopped);\n"
    "# `berthctl start NAME` removes a name. Written by the supervisor.\n";

/* FILE in the state directory (--state-dir), into buf; -1 with
 * ENAMETOOLONG when it does not fit. Shared with idrange.c. */
int
sv_state_path(const struct sv *sv, const char *file, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", sv->paths.state, file);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Writes every held container's name, atomically: a temporary file,
 * fsync, rename over the old one, fsync of the directory. A power cut at
 * any moment leaves the old list or the new one, never a mix.
 */
static int
stopstate_write(const struct sv *sv)
{
	char dir[PATH_MAX], *body = NULL;
	size_t len = 0;
	int r, saved;
	FILE *f;

	if (sv_state_path(sv, "", dir, sizeof dir) < 0 || io_mkdir_p(dir, 0755) < 0)
		return -1;
	if (!(f = open_memstream(&body, &len)))
		return -1;
	fputs(header, f);
	for (size_t i = 0; i < sv->n; i++)
		if (sv->c[i].held)
			fprintf(f, "%s\n", sv->c[i].spec.name);
	if (fclose(f) != 0) {
		free(body);
		return -1;
	}
	r = io_replace_file(dir, STOPSTATE_FILE, body, len, 0644);
	saved = errno;
	free(body);
	errno = saved;
	return r;
}

/*
 * Records whether the operator holds container c stopped. Only
 * unless-stopped containers are recorded: `always` comes back at every
 * supervisor start, as in Compose, and `no`/`on-failure` containers start
 * with every boot anyway. Returns -1 with errno when the file could not
 * be written (the stop or start itself still happens).
 */
int
stopstate_set(struct sv *sv, struct instance *c, bool held)
{
	if (c->spec.m->restart.kind != RESTART_UNLESS_STOPPED || c->held == held)
		return 0;
	c->held = held;
	if (stopstate_write(sv) == 0)
		return 0;
	int saved = errno;
	sv_say("container %s: cannot record in %s/%s that it is %s: %s (it will %s after a "
	       "supervisor restart)",
	       c->spec.name, sv->paths.state, STOPSTATE_FILE, held ? "stopped" : "started",
	       strerror(saved), held ? "start again" : "stay stopped");
	errno = saved;
	return -1;
}

/* Reads the file whole into buf (NUL-terminated); 0 with an empty buf when
 * there is none yet. */
static int
stopstate_read(const struct sv *sv, char *buf, size_t len)
{
	char file[PATH_MAX];
	size_t got = 0;
	ssize_t r;

	buf[0] = '\0';
	if (sv_state_path(sv, STOPSTATE_FILE, file, sizeof file) < 0)
		return -1;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while ((r = read(fd, buf + got, len - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || got + (size_t)r == len - 1) {
			if (r > 0)
				errno = EFBIG;
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

/*
 * At startup, before anything starts: the unless-stopped containers the
 * operator stopped stay stopped (restart.c's EV_STOP from waiting). A name
 * that is no longer an unless-stopped container of the manifest is
 * dropped from the file. An unreadable file is told and ignored: the
 * containers start, as the manifest says.
 */
void
stopstate_load(struct sv *sv)
{
	static char buf[STOPSTATE_MAX];
	bool dropped = false;
	char *save = NULL;

	if (stopstate_read(sv, buf, sizeof buf) < 0) {
		sv_say("%s/%s: %s: ignored, every container starts", sv->paths.state,
		       STOPSTATE_FILE, strerror(errno));
		return;
	}
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		struct instance *c = NULL;
		for (size_t i = 0; i < sv->n && !c; i++)
			if (strcmp(sv->c[i].spec.name, line) == 0)
				c = &sv->c[i];
		if (!c || c->spec.m->restart.kind != RESTART_UNLESS_STOPPED) {
			dropped = true;
			continue;
		}
		c->held = true;
		c->restart_requested = false; /* an adopted one that was stopping */
		sv_event(sv, c, EV_STOP, 0);
		snprintf(c->last_exit, sizeof c->last_exit,
			 "stopped with berthctl stop (restart: unless-stopped)");
		sv_say("container %s: stays stopped: stopped with berthctl stop before this start "
		       "(restart: unless-stopped); berthctl start %s starts it",
		       c->spec.name, c->spec.name);
	}
	if (dropped && stopstate_write(sv) < 0)
		sv_say("%s/%s: cannot drop names no longer in the manifest: %s", sv->paths.state,
		       STOPSTATE_FILE, strerror(errno));
}
