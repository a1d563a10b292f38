/* SPDX-License-Identifier: MIT */
/* A list of positioned error messages, collected while checking one file. */
#ifndef BERTH_DIAG_H
#define BERTH_DIAG_H

#include <stdbool.h>
#include <stddef.h>

/* More errors than this are counted, not kept: a hostile 1 MiB file could
 * otherwise produce hundreds of thousands of messages. */
#define DIAG_MAX 1000

/* Where something was written in a file, 1-based; 0:0 when unknown. */
struct srcpos {
	unsigned line, col;
};

struct diag_entry {
	unsigned line; /* 1-based; 0 when the message is about the whole file */
	unsigned col;  /* 1-based */
	size_t seq;    /* insertion order, keeps the sort stable */
	char *msg;
};

struct diag {
	char *file; /* name used in messages */
	struct diag_entry *v;
	size_t n, cap;
	size_t dropped; /* errors beyond DIAG_MAX, or lost to a failed allocation */
};

void diag_init(struct diag *d, const char *file);
void diag_free(struct diag *d);
void diag_add(struct diag *d, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Orders the messages by position; messages at the same place keep the
 * order in which they were added. */
void diag_sort(struct diag *d);
/* Total number of errors, kept or not. */
size_t diag_count(const struct diag *d);

/* Quotes s (len bytes) for a message: "text", with control characters
 * escaped and anything past 60 bytes cut to "...". Returns buf, which must
 * hold DIAG_QUOTE_MAX bytes. */
#define DIAG_QUOTE_MAX 256
const char *diag_quote(char *buf, const char *s, size_t len);

#endif
