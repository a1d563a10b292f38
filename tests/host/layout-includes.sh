#!/bin/bash
# SPDX-License-Identifier: MIT
# The tree's layering holds (lib/layers, HACKING.md): every include of a lib
# header names its domain, a lib domain includes only itself and the domains
# lib/layers allows it, and init/ includes nothing from lib/.
set -u
cd "$TOP" || exit 1
declare -A allowed
while IFS=: read -r d deps; do
	case $d in '' | '#'*) continue ;; esac
	allowed[$d]=$(echo $d $deps)
done <lib/layers
headers=$(cd lib && ls */*.h)
bad=0

# report FILE LINE WHY
report() {
	echo "fail: layout-includes: $1: $2: $3"
	bad=1
}

for f in lib/*/*.c lib/*/*.h; do
	d=${f#lib/}
	d=${d%%/*}
	[ -n "${allowed[$d]:-}" ] || { report "$f" "-" "lib/$d is not in lib/layers"; continue; }
	while IFS= read -r line; do
		inc=$(sed -n 's/^#include "\(.*\)"$/\1/p' <<<"$line")
		[ -n "$inc" ] || continue
		case $inc in
		*/*) ;;
		*) report "$f" "$line" "a lib header is included as DOMAIN/NAME.h"
			continue ;;
		esac
		to=${inc%%/*}
		[[ " ${allowed[$d]} " == *" $to "* ]] ||
			report "$f" "$line" "lib/$d may include ${allowed[$d]}, not lib/$to (lib/layers)"
	done < <(grep '^#include "' "$f")
done
# Programs and tests: a lib header by its domain name, never bare.
for f in $(git ls-files 'ctl/*.[ch]' 'supervisor/*.[ch]' 'netsetup/*.[ch]' 'relp-send/*.[ch]' 'image-pull/*.[ch]' 'image/*.c' \
	'tests/unit/*.c' 'tests/fuzz/*.c' 'bench/*.c'); do
	while IFS= read -r inc; do
		grep -qx "[a-z]*/$inc" <<<"$headers" &&
			report "$f" "#include \"$inc\"" "a lib header is included as DOMAIN/NAME.h"
	done < <(sed -n 's/^#include "\([^/]*\)"$/\1/p' "$f")
done
if grep -n '^#include "[a-z]*/' init/*.c init/*.h >/dev/null 2>&1; then
	report init "$(grep -n '^#include "[a-z]*/' init/*.c init/*.h | head -n 1)" \
		"init is static musl and includes nothing from lib/"
fi
[ $bad = 0 ] && echo "pass: layout-includes: every include follows lib/layers"
exit 0
