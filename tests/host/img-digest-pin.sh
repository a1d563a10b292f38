#!/bin/bash
# SPDX-License-Identifier: MIT
# An @sha256: digest pins the image's manifest: the right one bakes, for an
# OCI layout (the digest its index.json gives the tag) and for a docker
# save tarball (the digest `skopeo inspect` reports); a wrong one stops the
# build, naming the container and printing both digests, and bakes nothing.
. "$(dirname "$0")/img-common"
img_defs digest-pin
img_init
oci=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "test") |
	.digest' "$WORK/oci/index.json")
archive=$(skopeo inspect --format '{{.Digest}}' docker-archive:"$WORK/image.tar")
case $oci$archive in sha256:*sha256:*) ;; *) fail "expected two digests, got \"$oci\" and \"$archive\"" ;; esac
wrong=sha256:$(printf '%064d' 0)

manifest() {
	printf 'version: 1\ncontainers:\n  web:\n    image: oci:oci:test@%s\n' "$1"
	printf '  db:\n    image: docker-archive:image.tar@%s\n' "$2"
	printf '  plain:\n    image: dir:plain\n'
}
mkdir -p "$WORK/plain"

manifest "$oci" "$archive" >"$WORK/good.yaml"
img_stage "$WORK/good.yaml" "$WORK/good" ||
	fail "expected the right digests to bake, got: $(tail -n 1 "$WORK/stage.out")"
grep -qx "digest $oci" "$(img_rootfs web)/../config" ||
	fail "expected the config of web to record $oci"

manifest "$wrong" "$archive" >"$WORK/bad.yaml"
img_stage "$WORK/bad.yaml" "$WORK/bad" && fail "expected a wrong oci: digest to stop the build"
msg=$(grep 'container web' "$WORK/stage.out")
case $msg in
*"$oci"*"$wrong"* | *"$wrong"*"$oci"*) ;;
*) fail "expected the error to print both $oci and $wrong, got: $msg" ;;
esac
[ -z "$(ls -A "$WORK/bad/usr/share/berth/images")" ] ||
	fail "expected nothing baked after the mismatch, found: $(ls "$WORK/bad/usr/share/berth/images")"

manifest "$oci" "$wrong" >"$WORK/bad2.yaml"
img_stage "$WORK/bad2.yaml" "$WORK/bad2" && fail "expected a wrong docker-archive: digest to stop the build"
msg=$(grep 'container db' "$WORK/stage.out")
case $msg in
*"$archive"*"$wrong"*) ;;
*) fail "expected the error to print both $archive and $wrong, got: $msg" ;;
esac
pass
