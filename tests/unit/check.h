/* SPDX-License-Identifier: MIT */
/* The unit tests' only harness: one result line per named case. */
#ifndef BERTH_CHECK_H
#define BERTH_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

/* CHECK(cond, name-format, ...): prints "pass: NAME" or "fail: NAME". */
#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			printf("pass: ");                                      \
		} else {                                                       \
			printf("fail: ");                                      \
			check_failures++;                                      \
		}                                                              \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

/* CHECK_STR(got, want, name-format, ...): string equality, shows both. */
#define CHECK_STR(got, want, ...)                                              \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		int ok_ = (g_ == NULL && w_ == NULL) ||                        \
			  (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);   \
		printf(ok_ ? "pass: " : "fail: ");                             \
		printf(__VA_ARGS__);                                           \
		if (!ok_) {                                                    \
			check_failures++;                                      \
			printf(": got \"%s\", want \"%s\"", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                            \
		}                                                              \
		printf("\n");                                                  \
	} while (0)

#define CHECK_EXIT() return check_failures ? 1 : 0

#endif
