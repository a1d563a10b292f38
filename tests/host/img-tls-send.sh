#!/bin/bash
# SPDX-License-Identifier: MIT
# The TLS sender is in a root only when its manifest has a tls:// target:
# image/mkimage, from a manifest forwarding over TCP, leaves out tls-send
# and GnuTLS (the supervisor does not load it); over TLS, tls-send is there
# and every library it needs is in the root. Prints both roots' sizes
# (static addresses, so no chrony, which brings GnuTLS of its own for NTS).
# A stand-in kernel: the root is what is looked at.
set -u
: "${BUILD:?run through tests/run}" "${TOP:?run through tests/run}"
T=img-tls-send
failed=0
pass() { echo "pass: $T: $*"; }
fail() { echo "fail: $T: $*"; failed=1; }
skip() { echo "skip: $T: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
for t in jq mkfs.erofs veritysetup mkfs.ext4 mformat sfdisk; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
		skip "needs $t (make deps)"
done
work=$(mktemp -d /tmp/img-tls-send.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/init" "$BUILD/berthctl" \
	"$BUILD/supervisor" "$BUILD/netsetup" "$BUILD/tls-send" >"$work/build" 2>&1; then
	echo "fail: $T: build: $(tail -n 3 "$work/build" | tr '\n' ' ')"
	exit 1
fi
mkdir "$work/in"
for p in init berthctl supervisor netsetup tls-send; do
	ln -s "$BUILD/$p" "$work/in/$p"
done
head -c 65536 /dev/zero >"$work/in/bzImage"

# build NAME SCHEME INTERFACES: mkimage's output in $work/NAME; the root's
# size in bytes on stdout; 1 when the build failed.
build() {
	cat >"$work/$1.yaml" <<-YAML
		version: 1
		host: {hostname: $1}
		network: {interfaces: $3}
		logging:
		  forward: [{url: "$2://192.0.2.20:6514"$([ "$2" = tls ] && echo ", ca: /var/lib/berth/tls/ca.pem")}]
	YAML
	if ! "$TOP/image/mkimage" -i "$work/in" "$work/$1.yaml" "$work/$1" >"$work/$1.out" 2>&1; then
		fail "$1: expected mkimage to build, got: $(tail -n 3 "$work/$1.out" | tr '\n' ' ')"
		return 1
	fi
	sed -n 's/^mkimage: root, no container images *\([0-9]*\) .*/\1/p' "$work/$1.out"
}

# gnutls ROOT: the GnuTLS library files in ROOT.
gnutls() {
	(cd "$1" && find . -name 'libgnutls*' | paste -sd ' ')
}

static='[{name: eth0, addresses: [192.0.2.10/24]}]'
tcp=$(build tcp tcp "$static") || exit 1
tls=$(build tls tls "$static") || exit 1
if [ -e "$work/tcp/rootfs/usr/lib/berth/tls-send" ] || [ -n "$(gnutls "$work/tcp/rootfs")" ]; then
	fail "expected no tls-send and no GnuTLS in a root without a tls:// target, got: $(ls "$work/tcp/rootfs/usr/lib/berth") $(gnutls "$work/tcp/rootfs")"
else
	pass "a root without a tls:// target has no tls-send and no GnuTLS"
fi
r=$work/tls/rootfs
if [ ! -x "$r/usr/lib/berth/tls-send" ]; then
	fail "expected /usr/lib/berth/tls-send in a root with a tls:// target"
elif ! out=$(chroot "$r" /usr/lib/berth/tls-send 2>&1; [ $? = 2 ]); then
	fail "expected tls-send to run in the root (usage, status 2), got: $out"
else
	pass "tls-send is in a root with a tls:// target and runs there"
fi
echo "# figures: root, no chrony: tcp:// $tcp, tls:// $tls bytes: +$((tls - tcp))"
exit $failed
