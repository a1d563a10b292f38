#!/bin/bash
# SPDX-License-Identifier: MIT
# The SBOM of a real Debian image (debootstrap, minbase) lists exactly the
# packages and versions `dpkg-query --admindir=TREE/var/lib/dpkg -W` reports
# as installed, with purls for debian-12, the distribution from os-release,
# and with their digests exactly the files no package lists (merged /usr:
# dpkg's /bin/x is the tree's usr/bin/x). The tree is made once, cached
# outside the checkout as the kernel is (BERTH_CACHE, default
# /var/cache/berth: a debootstrap takes a minute), by tests/images/mkdebian,
# and only read; image/mksbom
# runs on it as image/stage-sbom runs it on a baked image.
# berth-test: minutes 2
. "$(dirname "$0")/img-common"
. "$(dirname "$0")/sbom-common"
img_defs img-sbom-debian
sbom_require
deb=${BERTH_CACHE:-/var/cache/berth}/debian-bookworm-minbase
mkdir -p "$(dirname "$deb")"
"$TOP/tests/images/mkdebian" "$deb" >"$WORK/mk.out" 2>&1 ||
	skip "debootstrap could not make a Debian tree here: $(tail -n 1 "$WORK/mk.out")"

doc=$WORK/debian.spdx.json
SOURCE_DATE_EPOCH=1700000000 BERTH_VERSION=9.9-test "$TOP/image/mksbom" image dir:debian \
	"$deb" "$doc" >"$WORK/stage.out" 2>&1 ||
	fail "expected mksbom to describe the Debian tree, got: $(tail -n 1 "$WORK/stage.out")"
sbom_valid "$doc"

want=$(dpkg-query --admindir="$deb/var/lib/dpkg" -W \
	-f '${db:Status-Status} ${Package} ${Version} ${Architecture}\n' |
	sed -n 's/^installed //p' | sort)
got=$(jq -r '.packages[] | select(.externalRefs) | "\(.name) \(.versionInfo) \(.externalRefs[0].referenceLocator |
	capture("arch=(?<a>[^&]*)").a)"' "$doc" | sort)
[ "$(wc -l <<<"$want")" -ge 50 ] || fail "test setup: expected a minbase tree of 50 packages or more, dpkg-query lists $(wc -l <<<"$want")"
d=$(diff <(echo "$want") <(echo "$got") | head -n 4 | tr '\n' '|')
[ -z "$d" ] || fail "expected the SBOM's packages to be dpkg-query's (< dpkg-query, > SBOM): $d"
bad=$(jq -r '.packages[] | select(.externalRefs) | .externalRefs[0].referenceLocator |
	select(test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-12") | not)' "$doc" | head -n 1)
[ -z "$bad" ] || fail "expected every package's purl to be pkg:deb/debian/NAME@VERSION?arch=A&distro=debian-12, got $bad"
got=$(jq -r '.packages[] | select(.primaryPackagePurpose == "OPERATING-SYSTEM") | "\(.name) \(.versionInfo)"' "$doc")
[ "$got" = "debian 12" ] || fail "expected the distribution debian 12, got '$got'"

# The files no package lists, worked out here with find and the lists.
listed=$(cat "$deb"/var/lib/dpkg/info/*.list | sed -E 's#^/##; s#^(bin|sbin|lib|lib64|lib32|libx32)/#usr/\1/#' | sort -u)
want=$(comm -23 <(sbom_tree_files "$deb") <(echo "$listed"))
d=$(diff <(echo "$want") <(sbom_files "$doc") | head -n 4 | tr '\n' '|')
[ -z "$d" ] || fail "expected the SBOM's files to be those no package lists (< expected, > SBOM): $d"
sbom_files "$doc" | grep -qx var/lib/dpkg/status ||
	fail "expected var/lib/dpkg/status, which no package lists, among the files"
sbom_digests "$deb" "$doc"
echo "# figures: debian minbase SBOM $(stat -c %s "$doc") bytes, $(gzip -9c "$doc" | wc -c) gzipped," \
	"$(jq '.packages | length' "$doc") packages, $(jq '.files | length' "$doc") files"
pass
