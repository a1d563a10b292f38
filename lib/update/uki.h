/* SPDX-License-Identifier: MIT */
/* uki.h: what update apply checks in a slot's unified kernel image (a PE
 * file: systemd's EFI stub with .cmdline, .linux, .initrd sections, see
 * docs/image.md) before it writes anything: that it carries a signature,
 * and that its command line is the one the bundle's signed header says
 * the slot boots with (its slot, root hash, hash offset and salt).
 *
 * It does not verify the signature: that is an Authenticode check (a hash
 * of the PE file by its own rules, then PKCS#7), which the firmware does
 * at boot and berth does not write by hand (docs/security.md). Pure: the
 * caller hands the first bytes of the file. */
#ifndef BERTH_UKI_H
#define BERTH_UKI_H

#include <stddef.h>
#include <stdint.h>

/* How much of the file the check reads: image/mkuki puts the headers and
 * .cmdline before the kernel, within the stub's first 256 KiB. */
#define UKI_HEAD_MAX (1 << 20)

/* head: the first headlen bytes of an image of size bytes. 0 when head is
 * a PE image whose certificate table (the signature) is not empty and
 * lies inside the file, and whose .cmdline section holds exactly cmdline;
 * -1 with why in err. */
int uki_check(const uint8_t *head, size_t headlen, uint64_t size, const char *cmdline, char *err,
	      size_t errlen);

#endif
