#!/bin/bash
# SPDX-License-Identifier: MIT
# oci: and docker-archive: images baked into the verity-protected root run
# on the booted host with their image config's defaults (entrypoint, cmd,
# env, working directory, user), and the tree inside keeps what the layers
# say: owner, mode and hard link of /data/a, the whiteout of /data/gone,
# the device /data/null.
. "$(dirname "$0")/lib.sh"
vm_require
for t in skopeo umoci setcap setfattr gpg; do
	command -v "$t" >/dev/null || { skip "$vm_test" "needs $t (make deps)"; exit 0; }
done
[ "$(id -u)" = 0 ] || { skip "$vm_test" "needs root (image owners, a device)"; exit 0; }

# Both images signed by the build's image key (make keys), as the
# manifest's trust policy asks.
mkdir -p "$vm_dir" "$BUILD/images"
img=$BUILD/images/oci-test
if ! { "$TOP/tests/images/mkbusybox" "$BUILD/images/busybox" &&
	"$TOP/tests/images/mkoci" "$BUILD/images/busybox" "$img" &&
	rm -f "$img.tar" "$img":test.sig* "$img".tar.sig* &&
	skopeo --policy "$TOP/tests/host/accept-policy.json" copy -q oci:"$img":test \
		docker-archive:"$img.tar" &&
	"$TOP/image/sign-image" --gnupg "$BUILD/keys/gnupg" image-signer oci:"$img":test \
		berth.test/oci-test:1 &&
	"$TOP/image/sign-image" --gnupg "$BUILD/keys/gnupg" image-signer \
		docker-archive:"$img.tar" berth.test/oci-test:1; } >"$vm_dir/mkoci.log" 2>&1; then
	echo "fail: $vm_test: expected the test images, got: $(tail -n 1 "$vm_dir/mkoci.log")"
	exit 1
fi
vm_build_container_image "$TOP/tests/vm/manifests/img-oci.yaml" "$vm_dir"

vm_start "$vm_dir"
defaults='image-cmd A=from-image B=image-b pwd=/data id=1000:1000'
for c in layout archive; do
	if vm_wait_for "$c: $defaults\$" 120 >/dev/null; then
		pass "img-oci-defaults-$c"
	else
		got=$(vm_console | grep -E "supervisor: container $c|$c: " | tail -n 1)
		fail "img-oci-defaults-$c" "'$c: $defaults' within 120 s" "'${got:-nothing about $c}'"
	fi
done
want='tree 1000:1000 640 2 link=same gone=absent dev=character special file 1:3'
if vm_wait_for "tree: $want\$" 30 >/dev/null; then
	pass img-oci-tree
else
	got=$(vm_console | grep -E 'supervisor: container tree|tree: ' | tail -n 1)
	fail img-oci-tree "'tree: $want'" "'${got:-nothing about tree}'"
fi
vm_kill
