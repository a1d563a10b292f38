/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/update/uki.c: a made-up PE image with a .cmdline
 * section and a certificate table, and each way it can be refused. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "update/uki.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum { PE = 0x40, OPT = PE + 24, SECT = OPT + 240, CMD = 0x300, CERT = 0x400, SIZE = 0x500 };
static const char cmdline[] = "console=ttyS0 berth.slot=b berth.roothash=ab";

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A PE32+ image of SIZE bytes: one section, .cmdline, and a certificate
 * table at its end. */
static void
sample(uint8_t *b)
{
	memset(b, 0, SIZE);
	b[0] = 'M', b[1] = 'Z';
	put32(b + 0x3c, PE);
	memcpy(b + PE, "PE\0\0", 4);
	put16(b + PE + 6, 1);
	put16(b + PE + 20, 240);
	put16(b + OPT, 0x20b);
	put32(b + OPT + 108, 16);
	put32(b + OPT + 112 + 4 * 8, CERT);
	put32(b + OPT + 112 + 4 * 8 + 4, SIZE - CERT);
	memcpy(b + SECT, ".cmdline", 8);
	put32(b + SECT + 8, sizeof(cmdline) - 1);
	put32(b + SECT + 16, 0x100);
	put32(b + SECT + 20, CMD);
	memcpy(b + CMD, cmdline, sizeof(cmdline) - 1);
}

static void e_mz(uint8_t *b) { b[1] = 'X'; }
static void e_pe(uint8_t *b) { b[PE + 2] = 1; }
static void e_lfanew(uint8_t *b) { put32(b + 0x3c, 0xfffffff0); }
static void e_magic(uint8_t *b) { put16(b + OPT, 0x107); }
static void e_no_cert(uint8_t *b) { put32(b + OPT + 112 + 4 * 8 + 4, 0); }
static void e_cert_past(uint8_t *b) { put32(b + OPT + 112 + 4 * 8 + 4, SIZE - CERT + 1); }
static void e_cert_wrap(uint8_t *b) { put32(b + OPT + 112 + 4 * 8, 0xffffff00); }
static void e_four_dirs(uint8_t *b) { put32(b + OPT + 108, 4); }
static void e_no_cmdline(uint8_t *b) { memcpy(b + SECT, ".text\0\0\0", 8); }
static void e_cmdline_byte(uint8_t *b) { b[CMD + 43] = 'c'; }
static void e_cmdline_longer(uint8_t *b)
{
	put32(b + SECT + 8, sizeof(cmdline));
	b[CMD + sizeof(cmdline) - 1] = 'x';
}
static void e_cmdline_past(uint8_t *b) { put32(b + SECT + 20, SIZE - 8); }
static void e_nsect_many(uint8_t *b) { put16(b + PE + 6, 60); }

static const struct {
	const char *name;
	void (*edit)(uint8_t *b);
	const char *want; /* NULL: accepted */
} cases[] = {
    {"a signed image with the right command line", NULL, NULL},
    {"no MZ header", e_mz, "no MZ header"},
    {"no PE signature", e_pe, "no PE header"},
    {"PE header offset past the file", e_lfanew, "no PE header"},
    {"optional header of another kind", e_magic, "magic 0x107"},
    {"an empty certificate table", e_no_cert, "not signed"},
    {"a certificate table past the end", e_cert_past, "not signed"},
    {"a certificate table offset that wraps", e_cert_wrap, "not signed"},
    {"no certificate table entry", e_four_dirs, "not signed"},
    {"no .cmdline section", e_no_cmdline, "no .cmdline section"},
    {"one byte of the command line changed", e_cmdline_byte,
     "its command line is \"console=ttyS0 berth.slot=b berth.roothash=ac\""},
    {"a longer command line", e_cmdline_longer, "its command line is"},
    {"a .cmdline section past what was read", e_cmdline_past, "not in the first"},
    {"more section headers than bytes", e_nsect_many, "malformed PE section table"},
};

int
main(void)
{
	static uint8_t b[SIZE];
	char err[512];

	for (size_t i = 0; i < N(cases); i++) {
		sample(b);
		if (cases[i].edit)
			cases[i].edit(b);
		strcpy(err, "");
		int r = uki_check(b, SIZE - 0x100, SIZE, cmdline, err, sizeof(err));
		if (!cases[i].want)
			CHECK(r == 0, "uki_check: %s accepted (%s)", cases[i].name, err);
		else
			CHECK(r < 0 && strstr(err, cases[i].want),
			      "uki_check: %s refused: want \"%s\" in \"%s\"", cases[i].name,
			      cases[i].want, err);
	}
	sample(b);
	CHECK(uki_check(b, 0x30, SIZE, cmdline, err, sizeof(err)) < 0,
	      "uki_check: 48 bytes read are not enough (%s)", err);
	CHECK_EXIT();
}
