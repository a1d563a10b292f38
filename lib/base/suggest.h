/* SPDX-License-Identifier: MIT */
/* "Did you mean ...?": the closest of some known words to a misspelt one. */
#ifndef BERTH_SUGGEST_H
#define BERTH_SUGGEST_H

#include <stddef.h>

/* Edit distance counting insertions, deletions, substitutions and swaps of
 * neighbours as one step each; gives up above 'limit' (returns limit + 1).
 * Inputs longer than 64 bytes are never close. */
unsigned suggest_distance(const char *a, const char *b, unsigned limit);
/* The candidate closest to word when it is close enough to be a likely typo
 * (at most 2 edits, and fewer than the word's length), else NULL. Ties go
 * to the earlier candidate. */
const char *suggest(const char *word, const char *const *cands, size_t n);

#endif
