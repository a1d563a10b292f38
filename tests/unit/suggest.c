/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/suggest.c: edit distance and "did you mean". */
#include "check.h"
#include "base/suggest.h"

int
main(void)
{
	static const struct {
		const char *a, *b;
		unsigned d;
	} dist[] = {
	    {"image", "image", 0},  {"imgae", "image", 1},    {"imag", "image", 1},
	    {"imagee", "image", 1}, {"imxge", "image", 1},    {"", "abc", 3},
	    {"abc", "", 3},	    {"kitten", "sitting", 3}, {"ca", "abc", 3},
	};
	static const char *const keys[] = {"image", "command", "entrypoint", "environment",
					   "ports", "volumes", "restart",    "user"};
	static const struct {
		const char *word, *want;
	} sugg[] = {
	    {"imgae", "image"},
	    {"comand", "command"},
	    {"enviroment", "environment"},
	    {"port", "ports"},
	    {"volume", "volumes"},
	    {"restrat", "restart"},
	    {"usr", "user"},
	    {"xyz", NULL},
	    {"a", NULL},
	    {"networks", NULL},
	    {"", NULL},
	    {"cmd", NULL},
	};

	for (size_t i = 0; i < sizeof(dist) / sizeof(dist[0]); i++)
		CHECK(suggest_distance(dist[i].a, dist[i].b, 10) == dist[i].d,
		      "distance \"%s\" \"%s\" = %u", dist[i].a, dist[i].b, dist[i].d);
	CHECK(suggest_distance("kitten", "sitting", 2) == 3, "distance gives up above the limit");
	for (size_t i = 0; i < sizeof(sugg) / sizeof(sugg[0]); i++)
		CHECK_STR(suggest(sugg[i].word, keys, sizeof(keys) / sizeof(keys[0])), sugg[i].want,
			  "suggest \"%s\"", sugg[i].word);
	CHECK_EXIT();
}
