/* SPDX-License-Identifier: MIT */
/* spec.c: turns the manifest's containers (lib/manifest) into the instances
 * the supervisor runs: image path, argv, environment, user, working
 * directory, dependencies. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/imageconfig.h"
#include "supervisor.h"

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

/* The image's root: where image_ref_rootfs says the build baked it, under
 * the images directory unless it is an absolute dir: PATH. */
static int
spec_image(const char *file, const struct container *m, const char *images, char **out)
{
	char rootfs[IMAGE_STORE_MAX];

	if (image_ref_rootfs(&m->image, rootfs, sizeof rootfs) < 0) {
		spec_error(file, &m->pos, "container %s: image path: %s", m->name,
			   strerror(errno));
		return -1;
	}
	/* overlayfs takes its layers in a comma and colon separated option. */
	if (strpbrk(rootfs, ",:")) {
		spec_error(file, &m->pos, "container %s: image path \"%s\" must be without ',' or ':'",
			   m->name, rootfs);
		return -1;
	}
	if (rootfs[0] == '/' ? asprintf(out, "%s", rootfs) < 0
			     : asprintf(out, "%s/%s", images, rootfs) < 0) {
		perror("supervisor: asprintf");
		exit(111);
	}
	return 0;
}

/* Reads the config the build baked beside an imported image's rootfs;
 * *img is left empty for a dir: image. */
static int
spec_image_config(const struct container *m, const char *images, struct image_config *img)
{
	char rel[IMAGE_STORE_MAX], *path;
	const char *why;
	unsigned line;
	int rc;

	memset(img, 0, sizeof *img);
	if (image_ref_config(&m->image, rel, sizeof rel) < 0)
		return 0;
	if (asprintf(&path, "%s/%s", images, rel) < 0) {
		perror("supervisor: asprintf");
		exit(111);
	}
	rc = image_config_read(path, img, &line, &why);
	if (rc < 0 && line)
		fprintf(stderr, "supervisor: %s:%u: container %s: %s\n", path, line, m->name, why);
	else if (rc < 0)
		fprintf(stderr,
			"supervisor: container %s: image %s:%s%s%s: reading %s: %s (was the "
			"image baked by image/stage-images?)\n",
			m->name, image_kind_str(m->image.kind), m->image.path,
			m->image.tag ? ":" : "", m->image.tag ? m->image.tag : "", path, why);
	free(path);
	return rc;
}

/* argv, environment, user and working directory: the manifest's over the
 * image config's, by Compose's rules (lib/manifest/imageconfig.h). */
static int
spec_run(const char *file, const struct container *m, const char *images,
	 struct container_spec *s)
{
	struct image_config img;
	struct image_run run;
	const char *why;
	int rc;

	if (spec_image_config(m, images, &img) < 0)
		return -1;
	rc = image_run_merge(m, m->image.kind == IMAGE_DIR ? NULL : &img, &run, &why);
	image_config_free(&img);
	if (rc < 0) {
		spec_error(file, &m->pos, "container %s: %s", m->name, why);
		return -1;
	}
	s->argv = run.argv;
	s->env = run.env;
	s->has_user = run.has_user;
	s->user = run.user;
	s->workdir = run.workdir;
	return 0;
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

struct instance *
sv_find(struct sv *sv, const char *name)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->c[i].spec.name, name) == 0)
			return &sv->c[i];
	return NULL;
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
		if (spec_image(file, m, images, &s->image) < 0 ||
		    spec_run(file, m, images, s) < 0)
			rc = -1;
		sv->has_bridge |= m->network_mode == NET_BRIDGE;
	}
	if (rc == 0)
		spec_deps(sv);
	return rc;
}

static void
strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/*
 * An apply inside the running supervisor (apply.c, for a plan that only
 * recreates or changes containers in place): the instances keep their
 * order and what runs; each takes its container of mf by name, and the
 * recreated ones (recreate[i], stopped by now) their image and command
 * anew. Nothing changes unless every recreated one could be made. The
 * manifest before stays allocated: the log targets point into it.
 */
int
spec_swap(struct sv *sv, struct manifest *mf, const bool *recreate, const char *file)
{
	struct container_spec *next = xcalloc(sv->n, sizeof *next);
	const struct container **m = xcalloc(sv->n, sizeof *m);
	int rc = 0;

	for (size_t i = 0; i < sv->n && rc == 0; i++) {
		for (size_t k = 0; k < mf->n_containers && !m[i]; k++)
			if (strcmp(mf->containers[k].name, sv->c[i].spec.name) == 0)
				m[i] = &mf->containers[k];
		if (!m[i])
			rc = -1;
		else if (recreate[i] &&
			 (spec_image(file, m[i], sv->paths.images, &next[i].image) < 0 ||
			  spec_run(file, m[i], sv->paths.images, &next[i]) < 0))
			rc = -1;
	}
	for (size_t i = 0; i < sv->n; i++) {
		struct container_spec *s = &sv->c[i].spec;
		if (rc == 0 && recreate[i]) {
			free(s->image);
			strv_free(s->argv);
			strv_free(s->env);
			free(s->workdir);
			*s = next[i];
		} else if (rc < 0 && recreate[i]) {
			free(next[i].image);
			strv_free(next[i].argv);
			strv_free(next[i].env);
			free(next[i].workdir);
		}
		if (rc == 0) {
			s->m = m[i];
			s->name = m[i]->name;
			free(sv->c[i].deps);
		}
	}
	free(next);
	free(m);
	if (rc < 0)
		return -1;
	sv->manifest = *mf;
	spec_deps(sv);
	return 0;
}
