/* SPDX-License-Identifier: MIT */
/* spec.c: turns the manifest's containers (lib/manifest) into the instances
 * the supervisor runs: image path, argv, environment, dependencies. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		perror("supervisor: calloc");
		exit(111);
	}
	return p;
}

/* Prints one error of the manifest the way berthctl does. */
static void __attribute__((format(printf, 3, 4)))
spec_error(const char *file, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "supervisor: %s:%u:%u: ", file, pos->line, pos->col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* dir:PATH, relative to the images directory unless absolute. */
static int
spec_image(const char *file, const struct container *m, const char *images, char **out)
{
	const char *path = m->image.path;

	if (m->image.kind != IMAGE_DIR) {
		spec_error(file, &m->pos,
			   "container %s: %s images are not runnable yet (the supervisor "
			   "runs dir:PATH images; OCI import comes later)",
			   m->name, image_kind_str(m->image.kind));
		return -1;
	}
	/* overlayfs takes its layers in a comma and colon separated option. */
	if (!*path || strpbrk(path, ",:")) {
		spec_error(file, &m->pos,
			   "container %s: image path \"%s\" must be non-empty, "
			   "without ',' or ':'",
			   m->name, path);
		return -1;
	}
	if (path[0] == '/' ? asprintf(out, "%s", path) < 0
			   : asprintf(out, "%s/%s", images, path) < 0) {
		perror("supervisor: asprintf");
		exit(111);
	}
	return 0;
}

/* Compose's rule: the entrypoint, then the command as its arguments. */
static int
spec_argv(const char *file, const struct container *m, struct container_spec *s)
{
	size_t ne = m->has_entrypoint ? m->n_entrypoint : 0;
	size_t nc = m->has_command ? m->n_command : 0;

	if (ne + nc == 0) {
		spec_error(file, &m->pos,
			   "container %s: no command or entrypoint (image defaults come with "
			   "OCI import)",
			   m->name);
		return -1;
	}
	s->argv = xcalloc(ne + nc + 1, sizeof *s->argv);
	if (ne)
		memcpy(s->argv, m->entrypoint, ne * sizeof *s->argv);
	if (nc)
		memcpy(s->argv + ne, m->command, nc * sizeof *s->argv);
	return 0;
}

static void
spec_env(const struct container *m, struct container_spec *s)
{
	bool has_path = false;

	s->env = xcalloc(m->n_env + 2, sizeof *s->env);
	for (size_t i = 0; i < m->n_env; i++) {
		if (asprintf(&s->env[i], "%s=%s", m->env[i].name, m->env[i].value) < 0) {
			perror("supervisor: asprintf");
			exit(111);
		}
		has_path |= strcmp(m->env[i].name, "PATH") == 0;
	}
	if (!has_path)
		s->env[m->n_env] = DEFAULT_PATH;
}

/* The manifest already refused unknown names and cycles; the indices are
 * valid. */
static void
spec_deps(struct sv *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		struct instance *c = &sv->c[i];
		const struct container *m = c->spec.m;
		c->deps = xcalloc(m->n_depends_on, sizeof *c->deps);
		for (size_t d = 0; d < m->n_depends_on; d++)
			c->deps[d] = &sv->c[m->depends_on[d].index];
		c->ndeps = m->n_depends_on;
	}
}

/* Reads and checks the manifest; errors are printed once, each with its
 * place in the file. */
int
spec_load(struct sv *sv, const char *file, const char *images)
{
	struct manifest *mf = &sv->manifest;
	struct diag d;
	int rc = 0;

	if (manifest_parse_file(file, mf, &d) < 0) {
		for (size_t i = 0; i < d.n; i++) {
			if (d.v[i].line)
				fprintf(stderr, "supervisor: %s:%u:%u: %s\n", d.file, d.v[i].line,
					d.v[i].col, d.v[i].msg);
			else
				fprintf(stderr, "supervisor: %s: %s\n", d.file, d.v[i].msg);
		}
		if (d.dropped)
			fprintf(stderr, "supervisor: %s: %zu more errors\n", d.file, d.dropped);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	sv->n = mf->n_containers;
	sv->c = xcalloc(sv->n, sizeof *sv->c);
	for (size_t i = 0; i < sv->n; i++) {
		const struct container *m = &mf->containers[i];
		struct container_spec *s = &sv->c[i].spec;
		s->m = m;
		s->name = m->name;
		if (spec_image(file, m, images, &s->image) < 0 || spec_argv(file, m, s) < 0)
			rc = -1;
		else
			spec_env(m, s);
		sv->has_bridge |= m->network_mode == NET_BRIDGE;
	}
	if (rc == 0)
		spec_deps(sv);
	return rc;
}
