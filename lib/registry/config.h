/* SPDX-License-Identifier: MIT */
/* The run defaults of a pulled image, written in the format the supervisor
 * reads for baked images (lib/manifest/imageconfig.h). */
#ifndef BERTH_REGISTRY_CONFIG_H
#define BERTH_REGISTRY_CONFIG_H

#include <stddef.h>

/*
 * From the image config JSON (OCI's or docker's: both name Entrypoint,
 * Cmd, Env, WorkingDir and User under "config"), the lines image/stage-images
 * writes: a comment naming ref, "digest sha256:HEX" (the image manifest's),
 * then entrypoint, cmd, env, workdir, user. Refuses what the supervisor
 * could not use (a relative WorkingDir, an Env entry without '='). Returns
 * a new NUL-terminated text, or NULL with *why.
 */
char *reg_config_text(const char *json, size_t len, const char *ref, const char *digest,
		      const char **why);

#endif
