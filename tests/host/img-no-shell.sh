#!/bin/bash
# SPDX-License-Identifier: MIT
# A production root carries no shell: image/mkimage, from a manifest
# without host.debug_console, leaves no /bin/sh, /usr/bin/sh, no busybox
# (by name or by content) and no link to one, and gives netsetup dhcpcd,
# which runs in the staged root. With debug_console: true the console's
# busybox sh is there. A stand-in kernel: the root is what is looked at.
set -u
: "${BUILD:?run through tests/run}" "${TOP:?run through tests/run}"
T=img-no-shell
failed=0
pass() { echo "pass: $T: $*"; }
fail() { echo "fail: $T: $*"; failed=1; }
skip() { echo "skip: $T: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
for t in jq mkfs.erofs veritysetup mkfs.ext4 mformat sfdisk busybox; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
		skip "needs $t (make deps)"
done
[ -x /usr/sbin/dhcpcd ] || skip "needs dhcpcd (dhcpcd-base)"
work=$(mktemp -d /tmp/img-no-shell.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/init" "$BUILD/berthctl" \
	"$BUILD/supervisor" "$BUILD/netsetup" >"$work/build" 2>&1; then
	echo "fail: $T: build: $(tail -n 3 "$work/build" | tr '\n' ' ')"
	exit 1
fi
mkdir "$work/in"
for p in init berthctl supervisor netsetup; do
	ln -s "$BUILD/$p" "$work/in/$p"
done
head -c 65536 /dev/zero >"$work/in/bzImage"

# build NAME DEBUG_CONSOLE: mkimage's output in $work/NAME, its rootfs in
# $work/NAME/rootfs; 1 when the build failed.
build() {
	cat >"$work/$1.yaml" <<-YAML
		version: 1
		host:
		  hostname: $1
		  debug_console: $2
	YAML
	if ! "$TOP/image/mkimage" -i "$work/in" "$work/$1.yaml" \
		"$work/$1" >"$work/$1.out" 2>&1; then
		fail "$1: expected mkimage to build, got: $(tail -n 3 "$work/$1.out" | tr '\n' ' ')"
		return 1
	fi
	sed -n "s/^mkimage: root, no container images *\(.*\)/# figures: $1 root, no container images: \1/p" \
		"$work/$1.out"
}

# shells ROOT: every sh, busybox or link to busybox in ROOT, and every
# file with busybox's banner inside, whatever its name.
shells() {
	(cd "$1" && {
		find . \( -name sh -o -name busybox -o -lname '*busybox*' \) -print
		find . -type f -size +64k -exec grep -l 'BusyBox v[0-9]' {} + 2>/dev/null
	} | sort -u | paste -sd ' ')
}

if build production false; then
	r=$work/production/rootfs
	got=$(shells "$r")
	if [ -z "$got" ]; then
		pass "a production root has no sh, no busybox and no link to one"
	else
		fail "expected no sh, busybox or link to busybox in a production root, got: $got"
	fi
	for p in /bin/sh /usr/bin/sh; do
		if [ -e "$r$p" ] || [ -L "$r$p" ]; then
			fail "expected no $p in a production root, got $(ls -l "$r$p")"
		else
			pass "no $p in a production root"
		fi
	done
	v=$(chroot "$r" /usr/sbin/dhcpcd --version 2>&1 | head -n 1)
	if [ "$v" = "$(/usr/sbin/dhcpcd --version | head -n 1)" ]; then
		pass "dhcpcd runs in a production root ($v)"
	else
		fail "expected /usr/sbin/dhcpcd --version to run in a production root, got: $v"
	fi
	if grep -q '^dhcpcd:.*:/usr/lib/dhcpcd:' "$r/etc/passwd" && [ -d "$r/usr/lib/dhcpcd" ]; then
		pass "dhcpcd's privilege separation user and its chroot are there"
	else
		fail "expected a dhcpcd user with home /usr/lib/dhcpcd, a directory, got: $(grep '^dhcpcd:' "$r/etc/passwd")"
	fi
fi

if build debug true; then
	r=$work/debug/rootfs
	target=$(readlink -f "$r/bin/sh")
	if [ "$target" = "$(readlink -f "$r/usr/bin/busybox")" ] && [ -f "$target" ] &&
		chroot "$r" /bin/sh -c 'echo ok' 2>&1 | grep -qx ok; then
		pass "a debug_console root has busybox sh at /bin/sh"
	else
		fail "expected /bin/sh -> busybox, running, in a debug_console root, got: $(ls -l "$r/bin/sh" "$r/usr/bin/busybox" 2>&1 | tr '\n' ' ')"
	fi
fi
exit $failed
