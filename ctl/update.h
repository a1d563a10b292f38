/* SPDX-License-Identifier: MIT */
/* update.h: berthctl update apply, check and status (docs/update.md). */
#ifndef BERTH_CTL_UPDATE_H
#define BERTH_CTL_UPDATE_H

int update_apply(int argc, char **argv);
int update_status(int argc, char **argv);
/* update check --channel URL ...: runs the channel client (update-check.c) */
int update_check(char **argv);

/* What the supervisor says of the update channel (update-auto.c); -1 when
 * the host has none or the supervisor wrote nothing yet. */
struct update_auto {
	char channel[2100], state[96], last_result[160], pending[64];
	char last_check[40], next_check[40], reboot_at[40];
};
int update_auto_read(struct update_auto *a);
void update_auto_print(const struct update_auto *a);

#endif
