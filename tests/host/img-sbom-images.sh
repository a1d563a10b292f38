#!/bin/bash
# SPDX-License-Identifier: MIT
# The build writes an SPDX 2.3 SBOM per container and puts it into the root:
# an image without a package database (busybox) lists every regular file
# with its digests; an image with apk's database lists its packages, its
# distribution and only the files no package claims; an oci: image carries
# its manifest digest; containers of one image share one document; the
# documents pass the schema check, which does catch a broken one; and the
# same input gives the same bytes.
. "$(dirname "$0")/img-common"
. "$(dirname "$0")/sbom-common"
img_defs img-sbom-images
sbom_require
img_init

# Debian has no apk: a tree in the format of apk-tools' database
# (lib/apk/db/installed: P name, V version, A arch, o origin, F a
# directory, R a file in it) stands in for an Alpine image.
apk=$WORK/apk
mkdir -p "$apk/lib/apk/db" "$apk/lib" "$apk/bin" "$apk/etc"
cat >"$apk/lib/apk/db/installed" <<'DB'
C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaaa=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
o:musl
F:lib
R:ld-musl-x86_64.so.1

P:busybox-binsh
V:1.36.1-r15
A:x86_64
o:busybox
F:bin
R:sh
DB
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n' >"$apk/etc/os-release"
echo musl >"$apk/lib/ld-musl-x86_64.so.1"
echo sh >"$apk/bin/sh"
echo mine >"$apk/etc/extra"
ln -s "$BUILD/images/busybox" "$WORK/busybox"

cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  bb:
    image: dir:busybox
  bb2:
    image: dir:busybox
  layout:
    image: oci:oci:test
  alpine:
    image: dir:apk
YAML
img_stage "$WORK/m.yaml" "$WORK/root" ||
	fail "expected the images to bake, got: $(tail -n 1 "$WORK/stage.out")"
images=$WORK/root/usr/share/berth/images

# stage_sbom DIR: stage-sbom as mkimage runs it, into DIR. The root holds
# only images here: stage-rootfs, which would list its host files in
# root.origins, did not run.
: >"$WORK/root.origins"
stage_sbom() {
	SOURCE_DATE_EPOCH=1700000000 BERTH_VERSION=9.9-test "$TOP/image/stage-sbom" \
		"$WORK/m.json" "$WORK/root" "$1" >"$WORK/stage.out" 2>&1 ||
		fail "expected stage-sbom to write the SBOMs, got: $(tail -n 1 "$WORK/stage.out")"
}
stage_sbom "$WORK/sbom"
s=$WORK/sbom/images
for c in bb bb2 layout alpine; do
	[ -f "$s/$c.spdx.json" ] || fail "expected $s/$c.spdx.json, got: $(ls "$s" | tr '\n' ' ')"
done
sbom_valid "$WORK/sbom/root.spdx.json" "$s"/*.spdx.json

# busybox: no package database, so every file, and nothing but the image.
bb=$(img_rootfs bb)
[ "$(jq '[.packages[] | select(.primaryPackagePurpose != "CONTAINER")] | length' "$s/bb.spdx.json")" = 0 ] ||
	fail "expected no packages in the busybox image's SBOM, got: $(jq -c '[.packages[].name]' "$s/bb.spdx.json")"
d=$(diff <(sbom_tree_files "$bb") <(sbom_files "$s/bb.spdx.json") | head -n 3 | tr '\n' '|')
[ -z "$d" ] || fail "expected every file of the busybox image in its SBOM, diff (tree < > SBOM): $d"
sbom_digests "$bb" "$s/bb.spdx.json"
[ "$(jq -r '.name' "$s/bb.spdx.json")" = dir:busybox ] ||
	fail "expected the document to be named after the image dir:busybox, got $(jq -r .name "$s/bb.spdx.json")"
cmp -s "$s/bb.spdx.json" "$s/bb2.spdx.json" ||
	fail "expected bb and bb2, of one image, to share one document"

# oci: the files of its layers, and the manifest digest the build checked.
layout=$(img_rootfs layout)
sbom_digests "$layout" "$s/layout.spdx.json"
want=$(sed -n 's/^digest //p' "$(dirname "$layout")/config")
got=$(jq -r '.packages[] | select(.primaryPackagePurpose == "CONTAINER") | .versionInfo' "$s/layout.spdx.json")
[ -n "$want" ] && [ "$got" = "$want" ] ||
	fail "expected the oci image's package to carry its manifest digest $want, got '$got'"

# apk: the packages of its database with purls, the distribution, and of
# the files only those no package claims.
a=$s/alpine.spdx.json
got=$(jq -r '.packages[] | select(.externalRefs) | "\(.name) \(.versionInfo) \(.externalRefs[0].referenceLocator)"' "$a" | sort | tr '\n' '|')
want='busybox-binsh 1.36.1-r15 pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1&upstream=busybox|musl 1.2.4_git20230717-r4 pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1|'
[ "$got" = "$want" ] || fail "expected the apk packages '$want', got '$got'"
got=$(jq -r '.packages[] | select(.primaryPackagePurpose == "OPERATING-SYSTEM") | "\(.name) \(.versionInfo)"' "$a")
[ "$got" = "alpine 3.19.1" ] || fail "expected the distribution alpine 3.19.1 from os-release, got '$got'"
got=$(sbom_files "$a" | tr '\n' ' ')
[ "$got" = "etc/extra etc/os-release lib/apk/db/installed " ] ||
	fail "expected only the files apk does not list, got: $got"

# The root carries the same documents.
for f in root.spdx.json images/bb.spdx.json images/layout.spdx.json images/alpine.spdx.json; do
	cmp -s "$WORK/sbom/$f" "$WORK/root/usr/share/berth/sbom/$f" ||
		fail "expected /usr/share/berth/sbom/$f in the root to be the build's $f"
done

# Same input, same bytes.
stage_sbom "$WORK/again"
d=$(diff -r "$WORK/sbom" "$WORK/again" 2>&1 | head -n 2 | tr '\n' '|')
[ -z "$d" ] || fail "expected a second run to write the same documents, got: $d"

# The check can fail, for each kind of rule: the schema (a file without
# its SHA1, clause 8.4) and the cross-checks (a package said not analysed
# that contains files, 7.8; a verification code of other files, 7.9; a
# relationship to an element that is not there, 11.1).
while IFS='|' read -r what filter; do
	jq "$filter" "$s/bb.spdx.json" >"$WORK/bad.json"
	if "$TOP/tests/tools/sbom-check" "$TOP/tests/schemas/spdx-2.3.json" "$WORK/bad.json" >/dev/null; then
		fail "expected sbom-check to refuse $what"
	fi
done <<'BAD'
a file without a SHA1|del(.files[0].checksums[] | select(.algorithm == "SHA1"))
filesAnalyzed false with files|.packages[0].filesAnalyzed = false | del(.packages[0].packageVerificationCode)
a wrong verification code|.packages[0].packageVerificationCode.packageVerificationCodeValue = ("0" * 40)
a relationship to nothing|.relationships[1].relatedSpdxElement = "SPDXRef-gone"
BAD
pass
