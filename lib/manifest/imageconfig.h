/* SPDX-License-Identifier: MIT */
/* The run defaults of an imported image's config (Entrypoint, Cmd, Env,
 * WorkingDir, User), and Compose's rules for merging a container into them. */
#ifndef BERTH_IMAGECONFIG_H
#define BERTH_IMAGECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "image/imageref.h"
#include "manifest/manifest.h"

/*
 * The file image/stage-images writes next to an imported rootfs (its place:
 * image_ref_config). One "KEY VALUE" per line, KEY one of digest, entrypoint,
 * cmd, env, workdir, user; entrypoint, cmd and env repeat, one line per
 * element, in order. In VALUE a backslash is written "\\" and a newline "\n";
 * no other escape exists. Empty lines and lines starting with '#' are skipped.
 */
struct image_config {
	char digest[7 + IMAGE_DIGEST_LEN + 1]; /* "sha256:HEX" of the manifest, or "" */
	char **entrypoint;
	size_t n_entrypoint;
	char **cmd;
	size_t n_cmd;
	char **env; /* "NAME=value" */
	size_t n_env;
	char *workdir; /* absolute; NULL when the image has none */
	bool has_user;
	struct user_spec user;
};

/* text is len bytes (it may hold NUL bytes, which are refused). On error
 * *line is the line at fault (0: out of memory) and *why the reason. */
int image_config_parse(const char *text, size_t len, struct image_config *out, unsigned *line,
		       const char **why);
/* Reads and parses file; on a read error *line is 0 and errno is set. */
int image_config_read(const char *file, struct image_config *out, unsigned *line, const char **why);
void image_config_free(struct image_config *c);

/* What a container runs: the merge of its manifest entry and its image's
 * config. Every string is owned; release with image_run_free. */
struct image_run {
	char **argv; /* entrypoint + command, NULL-terminated, at least one */
	char **env;  /* "NAME=value", NULL-terminated; PATH added when missing */
	bool has_user;
	struct user_spec user; /* when has_user; else root */
	char *workdir;	       /* never NULL: "/" when neither gives one */
};

/*
 * Compose's rules: an entrypoint in the manifest replaces the image's and
 * drops the image's Cmd (the manifest's command, if any, follows it); a
 * command alone replaces the Cmd and keeps the image's Entrypoint. The
 * environment is the image's with the manifest's added, the manifest's
 * value winning for a name in both. user and working_dir: the manifest's,
 * else the image's. img may be NULL (a dir: image has no config). Fails
 * when nothing is left to run, or out of memory (*why says which).
 */
int image_run_merge(const struct container *m, const struct image_config *img,
		    struct image_run *out, const char **why);
void image_run_free(struct image_run *r);

#endif
