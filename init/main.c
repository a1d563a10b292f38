/* SPDX-License-Identifier: MIT */
/* berth's PID 1: runs stage 1 from an initramfs, stage 2 from the real root. */
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "stage.h"

/* The kernel unpacks the initramfs into a ramfs or tmpfs; the real root is erofs. */
static int
in_initramfs(void)
{
	struct statfs sfs;

	if (statfs("/", &sfs) < 0)
		return 0;
	return sfs.f_type == RAMFS_MAGIC || sfs.f_type == TMPFS_MAGIC;
}

int
main(int argc, char **argv)
{
	/*
	 * As PID 1 the arguments are whatever the kernel command line left
	 * over, so they are only looked at when run by hand.
	 */
	if (getpid() != 1) {
		if (argc > 1 && !strcmp(argv[1], "--version")) {
			printf("berth-init %s\n", BERTH_VERSION);
			return 0;
		}
		fprintf(stderr, "berth-init: must run as PID 1 (the kernel starts it)\n");
		return 2;
	}
	if (in_initramfs())
		stage1_main();
	stage2_main();
}
