#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl update apply and status against a host laid out in a directory
# (BERTH_UPDATE_ROOT, see lib/update/slots.h): files stand for the slot partitions,
# a directory for the ESP. Good bundles land in the other slot with a counted
# entry; every bad one (a flipped byte in the header, the signature or the
# root payload, another key, a short file, a downgrade, another product,
# architecture or board, a format 1 bundle that names none, a kernel image
# that is unsigned, not one, or of another slot or root, a boot on trial,
# a second apply at once) is rejected with nothing written.
set -u
: "${BUILD:?}" "${TOP:?}"
ctl=$BUILD/berthctl mkb=$BUILD/mkbundle
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BERTH_UPDATE_ROOT=$tmp/host

pass() { echo "pass: update-apply: $1"; }
fail() { echo "fail: update-apply: $1"; failed=1; }
expect() { # expect WHAT WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# The signing keys, and another pair no host trusts.
"$mkb" keygen "$tmp/keys" >/dev/null && "$mkb" keygen "$tmp/other" >/dev/null ||
	{ fail "mkbundle keygen"; exit 1; }

# The Secure Boot keys the kernel images are signed with.
"$TOP/image/sb-keygen" "$tmp/keys" >/dev/null || { fail "sb-keygen"; exit 1; }

# uki DIR SLOT [KEYDIR]: DIR's kernel image of SLOT, from its made-up
# kernel and initramfs and its command line; signed with KEYDIR's db key.
uki() {
	SOURCE_DATE_EPOCH=1704067200 "$TOP/image/mkuki" "$1/uki-$2.efi" "$1/bzImage" \
		"$1/initramfs.img" "$(cat "$1/cmdline-$2")" "$1/os-release" ${3:+"$3"} >/dev/null
}

# payloads DIR VERSION: what mkimage leaves for mkbundle, made up, but for
# the kernel images: real PE files of systemd's stub, signed.
payloads() {
	local s
	mkdir -p "$1"
	head -c 300000 /dev/urandom >"$1/bzImage"
	head -c 40000 /dev/urandom >"$1/initramfs.img"
	head -c $((3 * 1048576 + 8192)) /dev/urandom >"$1/root.img"
	printf 'roothash=%064d\nhashoffset=%d\nsalt=%064d\n' 7 $((3 * 1048576)) 5 >"$1/root.env"
	echo "version=$2" >"$1/image.env"
	echo "VERSION_ID=$2" >"$1/os-release"
	for s in a b; do
		echo "console=ttyS0 quiet panic=5 berth.slot=$s berth.roothash=$(printf %064d 7)" \
			"berth.hashoffset=3145728 berth.salt=$(printf %064d 5)" >"$1/cmdline-$s"
		uki "$1" $s "$tmp/keys"
	done
}

# fresh_host: slot a runs 0.1.0 (confirmed), slot b holds the standby copy.
fresh_host() {
	local h=$BERTH_UPDATE_ROOT
	rm -rf "$h" && mkdir -p "$h/esp/loader/entries" "$h/esp/berth/0.1.0-a" \
		"$h/esp/berth/0.1.0-b" "$h/state"
	echo "console=ttyS0 berth.slot=a berth.roothash=11" >"$h/cmdline"
	echo "VERSION_ID=0.1.0" >"$h/os-release"
	printf 'title a\nsort-key berth\nversion 1\n' >"$h/esp/loader/entries/berth-0.1.0-a.conf"
	printf 'title b\nsort-key berth\nversion 0\n' >"$h/esp/loader/entries/berth-0.1.0-b+0.conf"
	echo kernel-a >"$h/esp/berth/0.1.0-a/berth.efi"
	echo kernel-b >"$h/esp/berth/0.1.0-b/berth.efi"
	head -c 8388608 /dev/zero >"$h/root-a"
	head -c 8388608 /dev/zero | tr '\0' 'B' >"$h/root-b"
	cp "$tmp/keys/update.pub" "$h/update.pub"
}

# snapshot: everything the apply may write, as hashes.
snapshot() {
	(cd "$BERTH_UPDATE_ROOT" && find esp root-b -type f -print0 | sort -z | xargs -0 sha256sum)
}

payloads "$tmp/v2" 0.2.0
"$mkb" create "$tmp/keys/update.key" "$tmp/v2" "$tmp/v2.bundle" >/dev/null ||
	{ fail "mkbundle create"; exit 1; }
size=$(stat -c %s "$tmp/v2.bundle")
expect "bundle size is header + payloads" \
	$((512 + $(stat -c %s "$tmp/v2/uki-a.efi") + $(stat -c %s "$tmp/v2/uki-b.efi") + 3 * 1048576 + 8192)) "$size"

# check_installed HOW: the state after a good apply of v2.
check_installed() {
	local h=$BERTH_UPDATE_ROOT e
	e=$h/esp/loader/entries/berth-0.2.0-b+3.conf
	expect "$1: entry with 3 tries" yes "$([ -f "$e" ] && echo yes)"
	expect "$1: generation above slot a's" "version 2" "$(grep '^version' "$e")"
	expect "$1: entry boots slot b's kernel image, with its own command line" \
		"efi /berth/0.2.0-b/berth.efi|" "$(grep '^efi ' "$e")|$(grep '^options' "$e")"
	expect "$1: slot a's entry kept" yes "$([ -f "$h/esp/loader/entries/berth-0.1.0-a.conf" ] && echo yes)"
	expect "$1: old slot b entry removed" no "$([ -f "$h/esp/loader/entries/berth-0.1.0-b+0.conf" ] && echo yes || echo no)"
	expect "$1: old slot b kernel removed" no "$([ -d "$h/esp/berth/0.1.0-b" ] && echo yes || echo no)"
	expect "$1: slot b's kernel image on the ESP, nothing else" \
		"$(sha256sum <"$tmp/v2/uki-b.efi") berth.efi" \
		"$(sha256sum <"$h/esp/berth/0.2.0-b/berth.efi") $(ls "$h/esp/berth/0.2.0-b")"
	expect "$1: root image in slot b" "$(sha256sum <"$tmp/v2/root.img")" \
		"$(head -c "$(stat -c %s "$tmp/v2/root.img")" "$h/root-b" | sha256sum)"
	expect "$1: slot a untouched" "$(head -c 8388608 /dev/zero | sha256sum)" "$(sha256sum <"$h/root-a")"
	expect "$1: no temporary files" "" "$(find "$h/esp" -name '*.tmp')"
}

fresh_host
out=$("$ctl" update apply "$tmp/v2.bundle" 2>&1)
expect "apply from a file: exit status" 0 $?
check_installed "from a file"
expect "progress reaches 100%" 1 "$(grep -c '100% written' <<<"$out")"
st=$("$ctl" update status --json)
expect "status: other slot on trial" "trial 3 pending" \
	"$(jq -r '"\(.other.state) \(.other.tries_left) \(.last_update.result)"' <<<"$st")"

fresh_host
out=$("$ctl" update apply - <"$tmp/v2.bundle" 2>&1)
expect "apply from stdin: exit status" 0 $?
check_installed "from stdin"
expect "from stdin: the copy on /var is hashed once" 1 "$(grep -c 'hashed once' <<<"$out")"

# A bundle only root can write is hashed once; one that others may write
# is hashed again while written.
fresh_host
chmod 0600 "$tmp/v2.bundle"
out=$("$ctl" update apply "$tmp/v2.bundle" 2>&1)
expect "root-only file: hashed once" "0 1" "$? $(grep -c 'hashed once' <<<"$out")"
fresh_host
chmod 0664 "$tmp/v2.bundle"
out=$("$ctl" update apply "$tmp/v2.bundle" 2>&1)
expect "group-writable file: hashed again" "0 0" "$? $(grep -c 'hashed once' <<<"$out")"
check_installed "hashed again"

# A file hashed once must not be written to while it is applied (touch
# moves its change time as a write would): the apply stops before the
# entry. Hashed again, the same touches are harmless.
touch_while() {
	local pid
	(while :; do touch "$tmp/v2.bundle"; done) &
	pid=$!
	out=$("$ctl" update apply "$tmp/v2.bundle" 2>&1)
	rc=$?
	kill "$pid"
	wait "$pid" 2>/dev/null
}
fresh_host
chmod 0600 "$tmp/v2.bundle"
touch_while
expect "changed while applied: refused" "1 1" "$rc $(grep -c 'it changed while it was being applied' <<<"$out")"
expect "changed while applied: no entry" "" "$(find "$BERTH_UPDATE_ROOT/esp/loader/entries" -name 'berth-0.2.0-b*')"
fresh_host
chmod 0664 "$tmp/v2.bundle"
touch_while
expect "touched while hashed again: applied" 0 "$rc"
chmod 0644 "$tmp/v2.bundle"

# reject NAME EXPECTED-MESSAGE BUNDLE [ARGS]: nothing written, a clear error.
reject() {
	local name=$1 msg=$2 b=$3 before after rc
	shift 3
	fresh_host
	before=$(snapshot)
	out=$("$ctl" update apply "$@" "$b" 2>&1)
	rc=$?
	after=$(snapshot)
	expect "$name: refused" 1 "$rc"
	expect "$name: says why" 1 "$(grep -c -- "$msg" <<<"$out")"
	expect "$name: nothing written" "$before" "$after"
	fresh_host
	out=$("$ctl" update apply "$@" - <"$b" 2>&1)
	rc=$?
	expect "$name (stdin): refused, nothing written" "1 $before" "$rc $(snapshot)"
}

# flip FILE OFFSET OUT: OUT is FILE with one byte changed.
flip() {
	cp "$1" "$3"
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
		dd of="$3" bs=1 seek="$2" conv=notrunc status=none
}
flip "$tmp/v2.bundle" 20 "$tmp/bad-header"
reject "flipped byte in the header" "bad signature" "$tmp/bad-header"
flip "$tmp/v2.bundle" 470 "$tmp/bad-sig"
reject "flipped byte in the signature" "bad signature" "$tmp/bad-sig"
flip "$tmp/v2.bundle" $((size - 5000)) "$tmp/bad-root"
reject "flipped byte in the root payload" "root image's SHA-256 is not the one" "$tmp/bad-root"
"$mkb" create "$tmp/other/update.key" "$tmp/v2" "$tmp/other.bundle" >/dev/null
reject "signed by another key" "signed by another key" "$tmp/other.bundle"
head -c $((size - 1)) "$tmp/v2.bundle" >"$tmp/short"
reject "one byte short" "it ends early" "$tmp/short"
payloads "$tmp/v0" 0.0.9
"$mkb" create "$tmp/keys/update.key" "$tmp/v0" "$tmp/v0.bundle" >/dev/null
reject "downgrade" "older than the running 0.1.0" "$tmp/v0.bundle"

# What a bundle is for: image.env's product and boards, this build's
# architecture; the host's product from os-release, its board from DIR/board.
payloads "$tmp/vp" 0.2.0
printf 'product=edge-gw\nboards=\n' >>"$tmp/vp/image.env"
"$mkb" create "$tmp/keys/update.key" "$tmp/vp" "$tmp/vp.bundle" >/dev/null
reject "another product" 'the bundle is for product "edge-gw", this host is "berth"' "$tmp/vp.bundle"
payloads "$tmp/vb" 0.2.0
printf 'product=berth\nboards=Board One|Board Two\n' >>"$tmp/vb/image.env"
"$mkb" create "$tmp/keys/update.key" "$tmp/vb" "$tmp/vb.bundle" >/dev/null
reject "a board not listed" 'the bundle is for boards "Board One|Board Two", this host is "(unknown)"' \
	"$tmp/vb.bundle"
fresh_host
echo "Board Two" >"$BERTH_UPDATE_ROOT/board"
"$ctl" update apply "$tmp/vb.bundle" >/dev/null 2>&1
expect "the host's board listed: applied" 0 $?
# Kernel images the firmware would refuse, or that would boot another
# slot or root: refused before anything is written.
payloads "$tmp/vu" 0.2.0
uki "$tmp/vu" b
"$mkb" create "$tmp/keys/update.key" "$tmp/vu" "$tmp/vu.bundle" >/dev/null
reject "an unsigned kernel image" "slot b's kernel image: not signed" "$tmp/vu.bundle"
payloads "$tmp/vs" 0.2.0
cp "$tmp/vs/uki-a.efi" "$tmp/vs/uki-b.efi"
"$mkb" create "$tmp/keys/update.key" "$tmp/vs" "$tmp/vs.bundle" >/dev/null
reject "slot a's kernel image in slot b's place" \
	"slot b's kernel image: its command line is \"console=ttyS0 quiet panic=5 berth.slot=a " "$tmp/vs.bundle"
printf 'roothash=%064d\nhashoffset=%d\nsalt=%064d\n' 8 $((3 * 1048576)) 5 >"$tmp/vs/root.env"
uki "$tmp/vs" b "$tmp/keys"
"$mkb" create "$tmp/keys/update.key" "$tmp/vs" "$tmp/vr.bundle" >/dev/null
reject "a kernel image of another root" "berth.roothash=0\{63\}7 .*the bundle's header says" "$tmp/vr.bundle"
head -c 500000 /dev/urandom >"$tmp/vs/uki-b.efi"
"$mkb" create "$tmp/keys/update.key" "$tmp/vs" "$tmp/vn.bundle" >/dev/null
reject "no kernel image at all" "slot b's kernel image: not an EFI program" "$tmp/vn.bundle"
"$mkb" create -1 "$tmp/keys/update.key" "$tmp/v2" "$tmp/v1format.bundle" >/dev/null
reject "format 1 (names no product)" 'the bundle (format 1) does not say which product it is for' \
	"$tmp/v1format.bundle"
fresh_host
"$ctl" update apply --allow-downgrade "$tmp/v0.bundle" >/dev/null 2>&1
expect "downgrade with --allow-downgrade" yes \
	"$([ -f "$BERTH_UPDATE_ROOT/esp/loader/entries/berth-0.0.9-b+3.conf" ] && echo yes)"

# A boot on trial may not overwrite its own fallback.
fresh_host
mv "$BERTH_UPDATE_ROOT/esp/loader/entries/berth-0.1.0-a.conf" \
	"$BERTH_UPDATE_ROOT/esp/loader/entries/berth-0.1.0-a+2-1.conf"
before=$(snapshot)
out=$("$ctl" update apply "$tmp/v2.bundle" 2>&1)
expect "on trial: refused" "1 1" "$? $(grep -c 'on trial and not confirmed' <<<"$out")"
expect "on trial: nothing written" "$before" "$(snapshot)"

# One apply at a time.
fresh_host
before=$(snapshot)
out=$(flock "$BERTH_UPDATE_ROOT/state/apply.lock" "$ctl" update apply "$tmp/v2.bundle" 2>&1)
expect "second apply at once: refused" "1 1" "$? $(grep -c 'another update is being applied' <<<"$out")"
expect "second apply at once: nothing written" "$before" "$(snapshot)"

# A rollback as the old system sees it after booting again: the new entry
# ran out of tries; the supervisor of the failed boot left its reason.
fresh_host
"$ctl" update apply "$tmp/v2.bundle" >/dev/null 2>&1
mv "$BERTH_UPDATE_ROOT/esp/loader/entries/berth-0.2.0-b+3.conf" \
	"$BERTH_UPDATE_ROOT/esp/loader/entries/berth-0.2.0-b+0-3.conf"
st=$("$ctl" update status --json)
expect "rollback without a note: status" "true rolled-back failed" \
	"$(jq -r '"\(.rolled_back) \(.last_update.result) \(.other.state)"' <<<"$st")"
expect "rollback without a note: reason" 1 \
	"$(jq -r .last_update.reason <<<"$st" | grep -c 'used its 3 tries without being confirmed')"
echo "0.2.0 b essential container web not healthy within 20s" >"$BERTH_UPDATE_ROOT/state/trial-failure"
txt=$("$ctl" update status)
expect "rollback with the supervisor's note" 1 \
	"$(grep -c '^reason: *essential container web not healthy within 20s$' <<<"$txt")"
expect "status names the booted slot" 1 "$(grep -c '^booted: *slot a, berth 0.1.0, confirmed$' <<<"$txt")"
exit $failed
