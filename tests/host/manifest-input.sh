#!/bin/bash
# SPDX-License-Identifier: MIT
# Where `berthctl validate` reads a manifest from: "-" is standard input; a
# FIFO with no writer is read as empty at once instead of blocking; a file
# that starts with a UTF-8 byte-order mark parses like one without, and its
# errors keep their positions.
set -u
cd "$TOP" || exit 1
ctl="$BUILD/berthctl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME WANT-STATUS WANT-OUTPUT CMD...: stdout and stderr together.
check() {
	local name=$1 want_rc=$2 want=$3 got rc
	shift 3
	got=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then
		echo "pass: $name"
	else
		echo "fail: $name: expected status $want_rc and '$want', got $rc and '$got'"
	fi
}

printf 'version: 1\n' >"$tmp/ok.yaml"
check validate-stdin 0 "-: ok" sh -c "'$ctl' validate - <'$tmp/ok.yaml'"
printf 'version: 1\nbogus: 1\n' >"$tmp/bad.yaml"
check validate-stdin-error 1 'berthctl: -:2:1: unknown key "bogus"' \
	sh -c "'$ctl' validate - <'$tmp/bad.yaml'"

mkfifo "$tmp/fifo"
check validate-fifo-no-writer 1 \
	"berthctl: $tmp/fifo:1:1: the manifest is empty (it starts with version: 1)" \
	timeout 10 "$ctl" validate "$tmp/fifo"
check validate-process-substitution 0 "/dev/fd/63: ok" \
	bash -c "'$ctl' validate <(cat '$tmp/ok.yaml')"

printf '\xef\xbb\xbfversion: 1\nhost:\n  hostname: a\n' >"$tmp/bom.yaml"
check validate-bom 0 "$tmp/bom.yaml: ok" "$ctl" validate "$tmp/bom.yaml"
printf '\xef\xbb\xbfversion: 1\nhost:\n  hostnme: a\n' >"$tmp/bom-bad.yaml"
check validate-bom-error-position 1 \
	"berthctl: $tmp/bom-bad.yaml:3:3: unknown key \"hostnme\" (did you mean \"hostname\"?)" \
	"$ctl" validate "$tmp/bom-bad.yaml"
