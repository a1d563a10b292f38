/* SPDX-License-Identifier: MIT */
/* uki.c: the signature's presence and the command line of a unified kernel image. */
#include <string.h>

#include "base/io.h"
#include "update/uki.h"

/* PE/COFF offsets (Microsoft's PE format specification). */
enum {
	DOS_LFANEW = 0x3c, /* u32: where "PE\0\0" is */
	COFF_NSECT = 6,	   /* u16, from the PE signature */
	COFF_OPTSIZE = 20, /* u16: size of the optional header */
	OPT_AT = 24,	   /* the optional header, from the PE signature */
	OPT_MAGIC = 0,	   /* u16: 0x10b PE32, 0x20b PE32+ */
	OPT_NDIRS32 = 92,  /* u32: number of data directories, PE32 */
	OPT_NDIRS64 = 108, /* PE32+ */
	DIR_SECURITY = 4,  /* the certificate table: file offset, size */
	SECT_SIZE = 40,	   /* one section header */
	SECT_VSIZE = 8,	   /* u32: bytes of the section's contents */
	SECT_RAWSIZE = 16, /* u32: bytes in the file, rounded up */
	SECT_RAWPTR = 20,  /* u32: file offset */
};

static uint32_t
le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* Whether [at, at + n) lies within len bytes. */
static int
inside(uint64_t at, uint64_t n, uint64_t len)
{
	return at <= len && n <= len - at;
}

/* The certificate table entry of the optional header at opt. */
static int
signature_ok(const uint8_t *h, size_t len, size_t opt, uint64_t size, char *err, size_t errlen)
{
	uint32_t magic = le16(h + opt + OPT_MAGIC);
	size_t ndirs_at = magic == 0x20b ? OPT_NDIRS64 : OPT_NDIRS32;
	size_t dirs = opt + ndirs_at + 4, dir = dirs + 8 * DIR_SECURITY;

	if (magic != 0x20b && magic != 0x10b)
		return io_errf(err, errlen, "not an EFI program (optional header magic 0x%x)",
			       magic);
	if (!inside(opt, ndirs_at + 4, len) || le32(h + opt + ndirs_at) <= DIR_SECURITY ||
	    !inside(dir, 8, len))
		return io_errf(err, errlen, "not signed (no certificate table)");
	uint32_t at = le32(h + dir), n = le32(h + dir + 4);
	/* A WIN_CERTIFICATE header is 8 bytes; Authenticode's follows it. */
	if (n < 8 || !inside(at, n, size))
		return io_errf(err, errlen, "not signed (no certificate table)");
	return 0;
}

/* The .cmdline section's contents must equal cmdline (the stub passes them
 * to the kernel up to the first NUL). */
static int
cmdline_ok(const uint8_t *h, size_t len, size_t sect, unsigned nsect, const char *cmdline,
	   char *err, size_t errlen)
{
	if (!inside(sect, (uint64_t)nsect * SECT_SIZE, len))
		return io_errf(err, errlen, "malformed PE section table");
	for (unsigned i = 0; i < nsect; i++, sect += SECT_SIZE) {
		if (memcmp(h + sect, ".cmdline", 8))
			continue;
		uint32_t at = le32(h + sect + SECT_RAWPTR), n = le32(h + sect + SECT_VSIZE);
		if (le32(h + sect + SECT_RAWSIZE) < n)
			n = le32(h + sect + SECT_RAWSIZE);
		if (!inside(at, n, len))
			return io_errf(err, errlen,
				       "its .cmdline section is not in the first %d bytes",
				       UKI_HEAD_MAX);
		n = (uint32_t)strnlen((const char *)h + at, n);
		if (n != strlen(cmdline) || memcmp(h + at, cmdline, n))
			return io_errf(
			    err, errlen,
			    "its command line is \"%.*s\", the bundle's header says \"%s\"",
			    (int)(n < 300 ? n : 300), (const char *)h + at, cmdline);
		return 0;
	}
	return io_errf(err, errlen, "no .cmdline section: not a unified kernel image");
}

int
uki_check(const uint8_t *h, size_t len, uint64_t size, const char *cmdline, char *err,
	  size_t errlen)
{
	size_t pe, opt;

	if (len > size)
		len = (size_t)size;
	if (len < DOS_LFANEW + 4 || h[0] != 'M' || h[1] != 'Z')
		return io_errf(err, errlen, "not an EFI program (no MZ header)");
	pe = le32(h + DOS_LFANEW);
	if (!inside(pe, OPT_AT, len) || memcmp(h + pe, "PE\0\0", 4))
		return io_errf(err, errlen, "not an EFI program (no PE header)");
	opt = pe + OPT_AT;
	if (signature_ok(h, len, opt, size, err, errlen) < 0)
		return -1;
	return cmdline_ok(h, len, opt + le16(h + pe + COFF_OPTSIZE), le16(h + pe + COFF_NSECT),
			  cmdline, err, errlen);
}
