/* SPDX-License-Identifier: MIT */
/* Parses Compose short-form volume specs into named, bind and tmpfs mounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/scalar.h"
#include "manifest/volspec.h"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

const char *
volume_kind_str(enum volume_kind k)
{
	switch (k) {
	case VOLUME_NAMED:
		return "volume";
	case VOLUME_BIND:
		return "bind";
	case VOLUME_TMPFS:
		return "tmpfs";
	}
	return "?";
}

/* "ro" or "rw" after a named volume or a bind. */
static int
mode_opt(const char *opt, bool *ro, const char **why)
{
	if (!opt)
		return 0;
	if (strcmp(opt, "ro") == 0)
		*ro = true;
	else if (strcmp(opt, "rw") == 0)
		*ro = false;
	else
		return fail(why, "the only options are ro and rw");
	return 0;
}

/* "size=64m,mode=1777,ro" after a tmpfs target. opts is modified. */
static int
tmpfs_opts(char *opts, struct volume *v, const char **why)
{
	for (char *o; (o = strsep(&opts, ","));) {
		if (!*o) {
			return fail(why, "empty tmpfs option");
		} else if (strncmp(o, "size=", 5) == 0) {
			/* The size parser's own reason, as mem_limit gives it. */
			static char reason[160];

			if (scalar_size(o + 5, &v->tmpfs_size, why) < 0) {
				snprintf(reason, sizeof(reason), "size=%.40s: %s", o + 5, *why);
				return fail(why, reason);
			}
			if (v->tmpfs_size == 0)
				return fail(why, "size= takes a size above 0, like 64m");
		} else if (strncmp(o, "mode=", 5) == 0) {
			char *end;
			unsigned long mode = strtoul(o + 5, &end, 8);

			if (!o[5] || *end || mode > 07777 || o[5] == '-' || o[5] == '+')
				return fail(why, "mode= takes octal permissions, like 1777");
			v->tmpfs_mode = (unsigned)mode;
		} else if (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0) {
			v->read_only = o[1] == 'o';
		} else {
			return fail(why, "tmpfs options are size=SIZE, mode=OCTAL, ro and rw");
		}
	}
	return 0;
}

/* Turns a bind source into the absolute host path. */
static char *
bind_source(const char *src, const char **why)
{
	size_t n = strlen(BIND_DIR);
	char *out;

	/* A container that can write the whole data directory could plant a
	 * symlink where any other bind source lies. */
	if (strcmp(src, ".") == 0 || strcmp(src, "./") == 0 || strcmp(src, BIND_DIR) == 0 ||
	    strcmp(src, BIND_DIR "/") == 0) {
		fail(why, "a bind source cannot be the data directory " BIND_DIR
			  " itself: bind a directory below it, like ./NAME");
		return NULL;
	}
	if (src[0] == '.' && src[1] != '/') {
		fail(why, "a bind source is ./PATH or under " BIND_DIR);
		return NULL;
	}
	if (src[0] == '.') {
		if (path_check_rel(src + 2, why) < 0)
			return NULL;
		if (asprintf(&out, "%s/%s", BIND_DIR, src + 2) < 0)
			return (void)fail(why, "out of memory"), NULL;
		return out;
	}
	if (path_check_abs(src, why) < 0)
		return NULL;
	if (strncmp(src, BIND_DIR, n) != 0 || (src[n] != '/' && src[n] != '\0')) {
		fail(why, "a bind source is ./PATH or under " BIND_DIR
			  " (berth binds only from the data partition)");
		return NULL;
	}
	if (!(out = strdup(src)))
		fail(why, "out of memory");
	return out;
}

/* Splits "a:b[:c]" in place. */
static int
split3(char *buf, char **a, char **b, char **c, const char **why)
{
	*a = buf;
	*b = strchr(buf, ':');
	if (!*b)
		return fail(why, "expected SOURCE:TARGET[:OPTIONS]");
	*(*b)++ = '\0';
	*c = strchr(*b, ':');
	if (*c) {
		*(*c)++ = '\0';
		if (strchr(*c, ':'))
			return fail(why,
				    "expected SOURCE:TARGET[:OPTIONS] (paths cannot contain ':')");
	}
	return 0;
}

static int
volume_source(const char *src, const char *opts, struct volume *v, const char **why)
{
	if (src[0] == '/' || src[0] == '.') {
		v->kind = VOLUME_BIND;
		if (!(v->source = bind_source(src, why)))
			return -1;
		return mode_opt(opts, &v->read_only, why);
	}
	v->kind = VOLUME_NAMED;
	if (name_volume_check(src, why) < 0)
		return fail(why, "a volume name uses letters, digits, '_', '.' and '-' "
				 "(at most 64), or a bind source starts with ./ or /");
	if (!(v->source = strdup(src)))
		return fail(why, "out of memory");
	return mode_opt(opts, &v->read_only, why);
}

int
volume_parse(const char *s, struct volume *out, const char **why)
{
	char *buf, *src, *dst, *opts;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return fail(why, "empty");
	if (strlen(s) > 2 * PATH_MAX_LEN)
		return fail(why, "too long");
	if (!(buf = strdup(s)))
		return fail(why, "out of memory");
	if (split3(buf, &src, &dst, &opts, why) < 0)
		goto out_free;
	if (path_check_abs(dst, why) < 0)
		goto out_free;
	if (strcmp(dst, "/") == 0) {
		fail(why, "cannot mount over the container's /");
		goto out_free;
	}
	if (strcmp(src, "tmpfs") == 0) {
		out->kind = VOLUME_TMPFS;
		out->tmpfs_size = TMPFS_DEFAULT_SIZE;
		out->tmpfs_mode = TMPFS_DEFAULT_MODE;
		if (opts && tmpfs_opts(opts, out, why) < 0)
			goto out_free;
	} else if (volume_source(src, opts, out, why) < 0) {
		goto out_free;
	}
	if (!(out->target = strdup(dst))) {
		fail(why, "out of memory");
		goto out_free;
	}
	r = 0;
out_free:
	free(buf);
	if (r < 0)
		volume_free(out);
	return r;
}

void
volume_free(struct volume *v)
{
	free(v->source);
	free(v->target);
	v->source = v->target = NULL;
}
