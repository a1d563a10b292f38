/* SPDX-License-Identifier: MIT */
/* Finds the closest known word to a misspelt one, for error messages. */
#include <string.h>

#include "base/suggest.h"

#define WORD_MAX 64

/* The optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring), so that "imgae" is one step from
 * "image". Three rows are enough. */
unsigned
suggest_distance(const char *a, const char *b, unsigned limit)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned rows[3][WORD_MAX + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (n > WORD_MAX || m > WORD_MAX)
		return limit + 1;
	if ((n > m ? n - m : m - n) > limit)
		return limit + 1;
	for (size_t j = 0; j <= m; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		unsigned best = cur[0] = (unsigned)i;

		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
		unsigned *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[m] > limit ? limit + 1 : prev[m];
}

const char *
suggest(const char *word, const char *const *cands, size_t n)
{
	size_t len = strlen(word);
	unsigned limit = len > 2 ? 2 : (unsigned)(len ? len - 1 : 0);
	const char *best = NULL;
	unsigned best_d = limit + 1;

	if (limit == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = suggest_distance(word, cands[i], limit);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}
