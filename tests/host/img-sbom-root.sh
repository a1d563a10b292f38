#!/bin/bash
# SPDX-License-Identifier: MIT
# image/mkimage writes the root's SPDX 2.3 SBOM to OUTDIR/sbom and into the
# root at /usr/share/berth/sbom: berth at the version built, holding its own
# files, and the build host's Debian packages, at the versions dpkg-query
# reports, holding the files copied from them; every file of the root with
# its digests. A second build elsewhere, with another umask and time zone,
# writes the same bytes. A stand-in kernel: the root is what is looked at.
. "$(dirname "$0")/img-common"
. "$(dirname "$0")/sbom-common"
img_defs img-sbom-root
sbom_require
for t in jq mkfs.erofs veritysetup mkfs.ext4 mformat sfdisk busybox; do
	PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null || skip "needs $t (make deps)"
done
[ -x /usr/sbin/dhcpcd ] || skip "needs dhcpcd (dhcpcd-base)"
if ! make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/init" "$BUILD/berthctl" \
	"$BUILD/supervisor" "$BUILD/netsetup" >"$WORK/build" 2>&1; then
	fail "build: $(tail -n 3 "$WORK/build" | tr '\n' ' ')"
fi
mkdir "$WORK/in"
for p in init berthctl supervisor netsetup; do
	ln -s "$BUILD/$p" "$WORK/in/$p"
done
head -c 65536 /dev/zero >"$WORK/in/bzImage"
# The debug console brings busybox from the host as well.
printf 'version: 1\nhost:\n  hostname: sbom\n  debug_console: true\n' >"$WORK/m.yaml"
export SOURCE_DATE_EPOCH=1700000000 BERTH_VERSION=9.9-test

"$TOP/image/mkimage" -i "$WORK/in" "$WORK/m.yaml" "$WORK/one" >"$WORK/stage.out" 2>&1 ||
	fail "expected mkimage to build, got: $(tail -n 3 "$WORK/stage.out" | tr '\n' ' ')"
doc=$WORK/one/sbom/root.spdx.json
root=$WORK/one/rootfs
[ -f "$doc" ] || fail "expected $doc"
sbom_valid "$doc"
cmp -s "$doc" "$root/usr/share/berth/sbom/root.spdx.json" ||
	fail "expected the root to carry the build's root.spdx.json at /usr/share/berth/sbom"
echo "# figures: root SBOM $(stat -c %s "$doc") bytes, $(gzip -9c "$doc" | wc -c) gzipped"

# Every file of the root but the SBOMs and the (absent) images, with digests.
d=$(diff <(sbom_tree_files "$root" | grep -v '^usr/share/berth/sbom/') <(sbom_files "$doc") |
	head -n 3 | tr '\n' '|')
[ -z "$d" ] || fail "expected every file of the root in its SBOM, diff (root < > SBOM): $d"
sbom_digests "$root" "$doc"

# owner FILE: the name and version of the package that CONTAINS ./FILE.
owner() {
	jq -r --arg f "./$1" '(.files[] | select(.fileName == $f) | .SPDXID) as $id |
		(.relationships[] | select(.relatedSpdxElement == $id and
			.relationshipType == "CONTAINS") | .spdxElementId) as $p |
		.packages[] | select(.SPDXID == $p) | "\(.name) \(.versionInfo)"' "$doc"
}
got=$(owner usr/lib/berth/supervisor)
[ "$got" = "berth 9.9-test" ] || fail "expected berth 9.9-test to hold /usr/lib/berth/supervisor, got '$got'"
got=$(jq -r '.packages[] | select(.primaryPackagePurpose == "OPERATING-SYSTEM") | .name' "$doc")
[ "$got" = berth ] || fail "expected berth as the operating system, got '$got'"

# Each file copied from the host: the package dpkg says it is from, at the
# version dpkg-query gives. $root.origins is stage-rootfs's record.
n=0
while IFS=$'\t' read -r rel host; do
	pkg=$(dpkg-query -S "$host" 2>/dev/null || dpkg-query -S "${host#/usr}" 2>/dev/null) ||
		fail "test setup: no package owns the host's $host"
	pkg=${pkg%%: *}
	want="${pkg%%:*} $(dpkg-query -W -f '${Version}' "$pkg")"
	got=$(owner "$rel")
	[ "$got" = "$want" ] || fail "expected /$rel (from $host) in the package $want, got '$got'"
	n=$((n + 1))
done < <(sort -u "$root.origins")
[ "$n" -ge 3 ] || fail "expected libc, the loader and dhcpcd at least among the host's files, got $n"
libc=$(jq -r '.packages[] | select(.name == "libc6") | .externalRefs[0].referenceLocator' "$doc")
want="pkg:deb/debian/libc6@$(dpkg-query -W -f '${Version}' libc6 | sed 's/+/%2B/g; s/:/%3A/g')?arch=amd64"
case $libc in
"$want"*) ;;
*) fail "expected libc6's purl to start $want, got '$libc'" ;;
esac

(umask 077 && TZ=Pacific/Chatham "$TOP/image/mkimage" -i "$WORK/in" "$WORK/m.yaml" \
	"$WORK/second-build") >"$WORK/stage.out" 2>&1 ||
	fail "expected the second mkimage to build, got: $(tail -n 3 "$WORK/stage.out" | tr '\n' ' ')"
cmp -s "$doc" "$WORK/second-build/sbom/root.spdx.json" ||
	fail "expected two builds of the same inputs to write the same root.spdx.json"
pass
