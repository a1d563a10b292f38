/* SPDX-License-Identifier: MIT */
/* berthctl image: what its subcommands share. */
#ifndef BERTH_CTL_IMAGE_H
#define BERTH_CTL_IMAGE_H

#include <stdbool.h>

#include "registry/store.h"

struct image_opts {
	const char *store; /* --store, default STORE_DEFAULT */
	bool json;	   /* --json */
	const char *arg;   /* the one argument, or NULL */
};

/* Reads --store, --json and at most one argument (want: required); 0 or
 * the usage error's exit code. */
int image_parse_opts(int argc, char **argv, bool want, struct image_opts *o);
/* Opens and locks the store; 0, or prints why and returns EXIT_SYSTEM. */
int image_store_open(struct store *s, const struct image_opts *o, enum store_lock lock);
/* The canonical form of a reference given on the command line; 0, or
 * prints why and returns EXIT_USAGE. */
int image_canonical(const char *arg, char *buf, size_t len);

/* Runs the image-pull program (image-pull.c). */
int image_pull(int argc, char **argv);
int image_ls(int argc, char **argv);
int image_rm(int argc, char **argv);
int image_prune(int argc, char **argv);
int image_verify(int argc, char **argv);

#endif
