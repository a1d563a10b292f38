/* SPDX-License-Identifier: MIT */
/* update.h: berthctl update apply, check and status (docs/update.md). */
#ifndef BERTH_CTL_UPDATE_H
#define BERTH_CTL_UPDATE_H

int update_apply(int argc, char **argv);
int update_status(int argc, char **argv);
/* update check --channel URL ...: runs the channel client (update-check.c) */
int update_check(char **argv);

#endif
