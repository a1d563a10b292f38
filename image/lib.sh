# SPDX-License-Identifier: MIT
# Helpers shared by the image build steps; sourced, never run.

# Everything the build writes must not depend on who runs it or where.
umask 022
export LC_ALL=C TZ=UTC
# mtools checks that a FAT's geometry fits whole cylinders; a partition
# image need not, so the check would only reject valid sizes.
export MTOOLS_SKIP_CHECK=1
# mkfs.*, sfdisk and veritysetup live in sbin, which a user's PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin

prog=${prog:-$(basename "$0")}

die() {
	echo "$prog: $*" >&2
	exit 1
}

say() {
	echo "$prog: $*"
}

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "missing tool $t (run: make deps)"
	done
}

# size_of FILE: bytes, as stored (not the allocated blocks of a sparse file).
size_of() {
	stat -c %s "$1"
}

# used_of FILE: bytes actually allocated, which is what a sparse disk costs.
used_of() {
	echo $(($(stat -c %b "$1") * $(stat -c %B "$1")))
}

# human BYTES: a size as "12345678 (11.8 MiB)" for the build report.
human() {
	awk -v b="$1" 'BEGIN {
		if (b >= 1048576) printf "%d (%.1f MiB)", b, b / 1048576
		else printf "%d (%.1f KiB)", b, b / 1024 }'
}

# derive SEED PURPOSE: 64 hex digits, a stable function of the build's seed.
# Identifiers (UUIDs, salt) come from here so that two builds of the same
# inputs agree, while different hosts or versions do not share them.
derive() {
	printf '%s\n%s\n' "$1" "$2" | sha256sum | cut -c1-64
}

# derive_uuid SEED PURPOSE: a random-format (version 4, RFC 4122 variant)
# UUID whose bits come from derive, never from a random source.
derive_uuid() {
	local h
	h=$(derive "$1" "$2")
	printf '%s-%s-4%s-%x%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" \
		$(((0x${h:16:1} & 3) | 8)) "${h:17:3}" "${h:20:12}"
}

# pad_to FILE ALIGN: grows FILE with zeros to a multiple of ALIGN bytes.
pad_to() {
	local size
	size=$(size_of "$1")
	size=$(((size + $2 - 1) / $2 * $2))
	truncate -s "$size" "$1"
}

# set_epoch DIR: gives every entry under DIR (symlinks too) the build's
# timestamp, so that no tool can pick up the time of the build.
set_epoch() {
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# sb_sign IN OUT KEYDIR: IN signed with KEYDIR's Secure Boot db key
# (sb-db.key, sb-db.crt; image/sb-keygen) into OUT. OpenSSL puts the time
# of signing into the signature's attributes; faketime makes it the
# image's time, so that a rebuild gives the same bytes.
sb_sign() {
	need sbsign faketime
	faketime -f "@$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')" \
		sbsign --key "$3/sb-db.key" --cert "$3/sb-db.crt" --output "$2.tmp" "$1" \
		2>"$2.err" || die "sbsign $1: $(grep -v '^warning: data remaining' "$2.err" | tail -n 1)"
	rm -f "$2.err"
	mv "$2.tmp" "$2"
}
