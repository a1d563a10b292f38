/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/base/json.c: structure, escaping, and misuse detection. */
#include <stdint.h>

#include "check.h"
#include "base/json.h"

static void
test_escape(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain", "\"plain\""},
	    {"", "\"\""},
	    {"a\"b", "\"a\\\"b\""},
	    {"back\\slash", "\"back\\\\slash\""},
	    {"line\nbreak\ttab\rcr", "\"line\\nbreak\\ttab\\rcr\""},
	    {"\b\f", "\"\\b\\f\""},
	    {"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
	    {"/slash", "\"/slash\""},
	    {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
	    {"\xe2\x82\xac", "\"\xe2\x82\xac\""},
	    {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
	    {"bad\xff", "\"bad\\ufffd\""},
	    {"\xc3", "\"\\ufffd\""},
	    {"\xc0\xaf", "\"\\ufffd\\ufffd\""},			      /* overlong '/' */
	    {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},	      /* a surrogate */
	    {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* above U+10FFFF */
	    {"\xe2\x82", "\"\\ufffd\\ufffd\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json j;
		char want[128];

		json_init(&j);
		json_string(&j, cases[i].in);
		snprintf(want, sizeof(want), "%s\n", cases[i].want);
		CHECK(json_finish(&j) == 0 && strcmp(j.buf, want) == 0, "escape case %zu (%s)", i,
		      cases[i].want);
		json_free(&j);
	}
}

static void
test_structure(void)
{
	struct json j;
	static const char want[] = "{\n"
				   "  \"a\": 1,\n"
				   "  \"b\": [\n"
				   "    true,\n"
				   "    null,\n"
				   "    -5,\n"
				   "    18446744073709551615,\n"
				   "    0.5\n"
				   "  ],\n"
				   "  \"c\": {},\n"
				   "  \"d\": [],\n"
				   "  \"k\\\"ey\": \"v\"\n"
				   "}\n";

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_uint(&j, 1);
	json_key(&j, "b");
	json_array_begin(&j);
	json_bool(&j, true);
	json_string(&j, NULL);
	json_int(&j, -5);
	json_uint(&j, UINT64_MAX);
	json_number(&j, "0.5");
	json_array_end(&j);
	json_key(&j, "c");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "d");
	json_array_begin(&j);
	json_array_end(&j);
	json_key(&j, "k\"ey");
	json_string(&j, "v");
	json_object_end(&j);
	CHECK(json_finish(&j) == 0, "nested document finishes");
	CHECK_STR(j.buf, want, "nested document layout");
	json_free(&j);
}

static void
test_misuse(void)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_string(&j, "no key");
	json_object_end(&j);
	CHECK(json_finish(&j) < 0, "a value without a key is an error");
	json_free(&j);

	json_init(&j);
	json_array_begin(&j);
	CHECK(json_finish(&j) < 0, "an unclosed array is an error");
	json_free(&j);

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "k");
	json_object_end(&j);
	CHECK(json_finish(&j) < 0, "a key without a value is an error");
	json_free(&j);

	json_init(&j);
	json_array_begin(&j);
	json_object_end(&j);
	CHECK(json_finish(&j) < 0, "mismatched ends are an error");
	json_free(&j);

	json_init(&j);
	json_array_begin(&j);
	json_key(&j, "k");
	CHECK(json_finish(&j) < 0, "a key in an array is an error");
	json_free(&j);

	json_init(&j);
	for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_array_begin(&j);
	CHECK(json_finish(&j) < 0, "nesting beyond %d is an error", JSON_MAX_DEPTH);
	json_free(&j);

	json_init(&j);
	json_uint(&j, 1);
	json_uint(&j, 2);
	CHECK(json_finish(&j) < 0, "two top-level values are an error");
	json_free(&j);

	json_init(&j);
	CHECK(json_finish(&j) < 0, "an empty document is an error");
	json_free(&j);
}

/* json_compact: one line, strings (with their spaces, escaped quotes and
 * backslashes) untouched. */
static void
test_compact(void)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "a b");
	json_string(&j, "x \"y\" \\ : z");
	json_key(&j, "l");
	json_array_begin(&j);
	json_int(&j, 1);
	json_int(&j, 2);
	json_array_end(&j);
	json_object_end(&j);
	if (json_finish(&j) == 0)
		json_compact(j.buf);
	CHECK_STR(j.buf, "{\"a b\":\"x \\\"y\\\" \\\\ : z\",\"l\":[1,2]}", "compact: one line");
	json_free(&j);
}

/* json_key_int_or_null: a known figure (0 included) as a number, an
 * unknown one (negative) as null. */
static void
test_int_or_null(void)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_key_int_or_null(&j, "known", 42);
	json_key_int_or_null(&j, "zero", 0);
	json_key_int_or_null(&j, "unknown", -1);
	json_object_end(&j);
	if (json_finish(&j) == 0)
		json_compact(j.buf);
	CHECK_STR(j.buf, "{\"known\":42,\"zero\":0,\"unknown\":null}", "int or null");
	json_free(&j);
}

int
main(void)
{
	test_compact();
	test_int_or_null();
	test_escape();
	test_structure();
	test_misuse();
	CHECK_EXIT();
}
