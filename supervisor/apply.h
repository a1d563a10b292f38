/* SPDX-License-Identifier: MIT */
/* apply.h: what apply.c, applyfile.c and applytry.c share. */
#ifndef BERTH_SV_APPLY_H
#define BERTH_SV_APPLY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "supervisor.h"

/* In the state directory. */
#define TRY_FILE "apply-try"	    /* "UNTIL BOOT_ID HAD_OVERRIDE\n" while on trial */
#define PREV_FILE "apply-prev.yaml" /* the override a trial replaced */
#define LAST_FILE "apply-last"	    /* "WHEN SHA256 SOURCE\n" of the manifest in force */

/* applyfile.c: files and digests. */
void apply_sha256_hex(const char *buf, size_t len, char out[65]);
size_t apply_unsealed_len(const char *buf, size_t len);
void apply_boot_id(char out[40]);
int apply_state_write(const struct sv *sv, const char *file, const char *text, size_t len);
int apply_state_note(const struct sv *sv, const char *file, const char *text, size_t len);
ssize_t apply_state_read(const struct sv *sv, const char *file, char *buf, size_t len);
void apply_state_remove(const struct sv *sv, const char *file);
char *apply_slurp(const char *path, size_t *len);

/* Who asks for an apply, and how it is to go. */
struct apply_how {
	const char *who; /* for the host.log line: "uid 0", "rollback" */
	uint64_t try_ms; /* --try: 0 for none */
	bool reboot, rollback;
};

/* apply.c: begins applying buf (NULL: the image's manifest), which it then
 * owns, as how says; 0, or -1 with why in err. */
int apply_begin(struct sv *sv, const struct apply_how *how, char *buf, size_t len, char *err,
		size_t errlen);

/* applytry.c: a trial (--try). */
int apply_try_save(struct sv *sv, char *err, size_t len);
void apply_try_expire(struct sv *sv);
void apply_try_arm(struct apply_run *a, uint64_t ms);

#endif
