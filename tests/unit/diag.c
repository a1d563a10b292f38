/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/diag.c: ordering, the cap on kept errors, quoting. */
#include "check.h"
#include "base/diag.h"

int
main(void)
{
	struct diag d;
	char q[DIAG_QUOTE_MAX], long_text[200];

	diag_init(&d, "f.yaml");
	diag_add(&d, 5, 1, "e");
	diag_add(&d, 2, 9, "c");
	diag_add(&d, 2, 3, "a");
	diag_add(&d, 2, 3, "b");
	diag_add(&d, 0, 0, "file");
	diag_sort(&d);
	CHECK(d.n == 5 && strcmp(d.v[0].msg, "file") == 0 && strcmp(d.v[1].msg, "a") == 0 &&
		  strcmp(d.v[2].msg, "b") == 0 && strcmp(d.v[3].msg, "c") == 0 &&
		  strcmp(d.v[4].msg, "e") == 0,
	      "sorted by position, stable at one position");
	CHECK_STR(d.file, "f.yaml", "file name kept");
	diag_free(&d);

	diag_init(&d, NULL);
	for (int i = 0; i < DIAG_MAX + 10; i++)
		diag_add(&d, 1, (unsigned)i + 1, "x%d", i);
	CHECK(d.n == DIAG_MAX && d.dropped == 10 && diag_count(&d) == DIAG_MAX + 10,
	      "errors beyond %d are counted, not kept", DIAG_MAX);
	diag_free(&d);

	CHECK_STR(diag_quote(q, "abc", 3), "\"abc\"", "quote plain");
	CHECK_STR(diag_quote(q, "a\"b\\c\n\t\x01", 8), "\"a\\\"b\\\\c\\n\\t\\x01\"",
		  "quote escapes");
	memset(long_text, 'x', sizeof(long_text));
	diag_quote(q, long_text, sizeof(long_text));
	CHECK(strlen(q) == 65 && strcmp(q + 61, "...\"") == 0, "quote cuts long text");
	memset(long_text, 'x', 59);
	memcpy(long_text + 59, "\xc3\xa9yyyy", 6);
	diag_quote(q, long_text, 65);
	CHECK(strcmp(q + 60, "...\"") == 0, "quote does not cut a UTF-8 sequence");
	CHECK_EXIT();
}
