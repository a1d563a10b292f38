/* SPDX-License-Identifier: MIT */
/* Reads an imported image's run defaults and merges a container into them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/imageconfig.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

/* Appends a copy of s to the list *v of *n strings. */
static int
list_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);

	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -1;
	(*n)++;
	return 0;
}

/* Undoes "\\" and "\n" in place. */
static int
unescape(char *s, const char **why)
{
	char *o = s;

	for (const char *p = s; *p; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == '\\')
			*o++ = '\\';
		else if (*p == 'n')
			*o++ = '\n';
		else
			return fail(why, "unknown escape (only \\\\ and \\n exist)");
	}
	*o = '\0';
	return 0;
}

/* One "KEY VALUE" line, VALUE already unescaped; -1 with errno ENOMEM
 * (and *why set) when out of memory. */
static int
config_line(struct image_config *c, const char *key, const char *v, const char **why)
{
	struct {
		const char *key;
		char ***list;
		size_t *n;
	} lists[] = {{"entrypoint", &c->entrypoint, &c->n_entrypoint},
		     {"cmd", &c->cmd, &c->n_cmd},
		     {"env", &c->env, &c->n_env}};

	errno = 0;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (strcmp(key, lists[i].key) != 0)
			continue;
		if (lists[i].list == &c->env && (v[0] == '=' || !strchr(v, '=')))
			return fail(why, "an env value is NAME=value");
		if (list_add(lists[i].list, lists[i].n, v) < 0)
			return errno = ENOMEM, fail(why, "out of memory");
		return 0;
	}
	if (strcmp(key, "digest") == 0) {
		if (c->digest[0])
			return fail(why, "digest given twice");
		char hex[IMAGE_DIGEST_LEN + 1];
		if (image_digest_parse(v, hex, why) < 0)
			return -1;
		strcpy(c->digest, v);
		return 0;
	}
	if (strcmp(key, "workdir") == 0) {
		if (c->workdir)
			return fail(why, "workdir given twice");
		if (v[0] != '/')
			return fail(why, "workdir must be an absolute path");
		if (!(c->workdir = strdup(v)))
			return errno = ENOMEM, fail(why, "out of memory");
		return 0;
	}
	if (strcmp(key, "user") == 0) {
		if (c->has_user)
			return fail(why, "user given twice");
		if (user_parse(v, &c->user, why) < 0)
			return -1;
		c->has_user = true;
		return 0;
	}
	return fail(why, "unknown key (expected digest, entrypoint, cmd, env, workdir or user)");
}

/* The lines of buf (NUL-terminated, changed in place), counted in *line. */
static int
config_lines(char *buf, struct image_config *out, unsigned *line, const char **why)
{
	char *next;

	*line = 0;
	for (char *s = buf; s; s = next) {
		char *sp;

		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		else if (!*s)
			break; /* after the last newline */
		++*line;
		if (!*s || *s == '#')
			continue;
		if (!(sp = strchr(s, ' ')))
			return fail(why, "expected KEY VALUE");
		*sp = '\0';
		if (unescape(sp + 1, why) < 0 || config_line(out, s, sp + 1, why) < 0) {
			if (errno == ENOMEM)
				*line = 0;
			return -1;
		}
	}
	return 0;
}

int
image_config_parse(const char *text, size_t len, struct image_config *out, unsigned *line,
		   const char **why)
{
	const char *nul = memchr(text, '\0', len);
	char *buf;
	int rc;

	memset(out, 0, sizeof *out);
	if (nul) {
		*line = 1;
		for (const char *p = text; p < nul; p++)
			*line += *p == '\n';
		return fail(why, "a NUL byte");
	}
	if (!(buf = malloc(len + 1))) {
		*line = 0;
		return fail(why, "out of memory");
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	rc = config_lines(buf, out, line, why);
	free(buf);
	if (rc < 0)
		image_config_free(out);
	return rc;
}

/* The whole of a small file, NUL-terminated, into *out (*len bytes). */
static int
read_small(const char *file, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(file, "re");
	char *buf = malloc(max + 1);
	size_t n = 0;
	int rc = -1;

	if (!f || !buf)
		goto out;
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		goto out;
	if (n > max) {
		errno = EFBIG;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

int
image_config_read(const char *file, struct image_config *out, unsigned *line, const char **why)
{
	char *text;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	*line = 0;
	/* A config is a few lines; 1 MiB is far more than any image needs. */
	if (read_small(file, 1 << 20, &text, &len) < 0)
		return fail(why, strerror(errno));
	rc = image_config_parse(text, len, out, line, why);
	free(text);
	return rc;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
image_config_free(struct image_config *c)
{
	strv_free(c->entrypoint, c->n_entrypoint);
	strv_free(c->cmd, c->n_cmd);
	strv_free(c->env, c->n_env);
	free(c->workdir);
	memset(c, 0, sizeof *c);
}

/* A NULL-terminated copy of a followed by b. */
static char **
strv_join(char *const *a, size_t na, char *const *b, size_t nb)
{
	char **v = calloc(na + nb + 1, sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < na + nb; i++)
		if (!(v[i] = strdup(i < na ? a[i] : b[i - na]))) {
			strv_free(v, i);
			return NULL;
		}
	return v;
}

/* The image's environment with the manifest's on top, PATH added last
 * when neither has it, NULL-terminated. */
static int
merge_env(const struct container *m, const struct image_config *img, char ***out)
{
	/* Room for every entry of both, PATH and the NULL. */
	char **v = calloc(img->n_env + m->n_env + 2, sizeof *v);
	size_t n = 0;
	bool has_path = false;

	if (!v)
		return -1;
	for (; n < img->n_env; n++)
		if (!(v[n] = strdup(img->env[n])))
			goto fail;
	for (size_t i = 0; i < m->n_env; i++) {
		size_t nlen = strlen(m->env[i].name), at = n;
		char *kv;

		if (asprintf(&kv, "%s=%s", m->env[i].name, m->env[i].value) < 0)
			goto fail;
		/* The image's NAME= entry, if any, gets the manifest's value. */
		for (size_t k = 0; k < n && at == n; k++)
			if (strncmp(v[k], kv, nlen + 1) == 0)
				at = k;
		free(v[at]);
		v[at] = kv;
		n += at == n;
	}
	for (size_t k = 0; k < n; k++)
		has_path |= strncmp(v[k], "PATH=", 5) == 0;
	if (!has_path && !(v[n++] = strdup(DEFAULT_PATH)))
		goto fail;
	*out = v;
	return 0;
fail:
	strv_free(v, n + 1);
	return -1;
}

int
image_run_merge(const struct container *m, const struct image_config *img, struct image_run *out,
		const char **why)
{
	static const struct image_config none;
	char *const *ep, *const *cmd;
	size_t ne, nc;

	memset(out, 0, sizeof *out);
	if (!img)
		img = &none;
	/* An entrypoint of the manifest drops the image's Cmd, as in Compose:
	 * the image's arguments were meant for the image's entrypoint. */
	ep = m->has_entrypoint ? m->entrypoint : img->entrypoint;
	ne = m->has_entrypoint ? m->n_entrypoint : img->n_entrypoint;
	cmd = m->has_command ? m->command : m->has_entrypoint ? NULL : img->cmd;
	nc = m->has_command ? m->n_command : m->has_entrypoint ? 0 : img->n_cmd;
	if (ne + nc == 0)
		return fail(why, "nothing to run: neither the manifest nor the image's config "
				 "gives an entrypoint or a command");
	if (!(out->argv = strv_join(ep, ne, cmd, nc)) || merge_env(m, img, &out->env) < 0)
		goto nomem;
	out->has_user = m->has_user || img->has_user;
	if (out->has_user)
		out->user = m->has_user ? m->user : img->user;
	if (!(out->workdir = strdup(m->working_dir ? m->working_dir
				    : img->workdir ? img->workdir
						   : "/")))
		goto nomem;
	return 0;
nomem:
	image_run_free(out);
	return fail(why, "out of memory");
}

static size_t
strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void
image_run_free(struct image_run *r)
{
	strv_free(r->argv, strv_len(r->argv));
	strv_free(r->env, strv_len(r->env));
	free(r->workdir);
	memset(r, 0, sizeof *r);
}
