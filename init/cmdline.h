/* SPDX-License-Identifier: MIT */
/* The berth.* kernel command line keys init understands (docs/boot-contract.md). */
#ifndef BERTH_INIT_CMDLINE_H
#define BERTH_INIT_CMDLINE_H

#include <stddef.h>

#define LABEL_MAX 64 /* GPT names hold 36 UTF-16 characters */

struct boot_args {
	char slot;		       /* 'a' or 'b'; 0 while missing */
	char root[LABEL_MAX];	       /* PARTLABEL of the root partition */
	char roothash[65];	       /* sha256 root hash, hex */
	char salt[513];		       /* hex, or "-" for none */
	unsigned long long hashoffset; /* bytes; 0 while missing */
	char data[LABEL_MAX];	       /* PARTLABEL of the data partition */
	unsigned int roottimeout;      /* seconds */
	int debug;
	char unknown[LABEL_MAX]; /* first unknown berth.* key, for a warning */
};

int cmdline_parse(char *line, struct boot_args *a, char *err, size_t errlen);
int cmdline_read(struct boot_args *a, char *err, size_t errlen);
int cmdline_check_root(struct boot_args *a, char *err, size_t errlen);

#endif
