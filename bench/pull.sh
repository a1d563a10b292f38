#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl image pull of an 80 MiB image (48 MiB random, 32 MiB zeros,
# busybox: about 50 MB compressed) from a docker-registry on loopback (TLS,
# htpasswd), against its peers on the same registry: skopeo copy into an
# OCI layout (download and verify only) and umoci raw unpack of that
# layout. The pull also unpacks, hashes the tree and syncs. Best of 3.
. "$TOP/tests/host/pull-common"
pull_init pull-bench
reg_start
mkdir -p "$WORK/big/opt"
head -c 48M /dev/urandom >"$WORK/big/opt/random"
head -c 32M /dev/zero >"$WORK/big/opt/zeros"
cp -a "$WORK/oci" "$WORK/big.oci"
umoci --log error insert --no-history --image "$WORK/big.oci:test" "$WORK/big/opt" /opt ||
	fail "umoci insert failed"
reg_push big "$WORK/big.oci:test"
auth_file alice right-horse
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
best_pull= best_skopeo= best_umoci=
min() { [ -z "$1" ] || [ "$2" -lt "$1" ] && echo "$2" || echo "$1"; }
for i in 1 2 3; do
	rm -rf "$STORE" "$WORK/sk" "$WORK/sk-root"
	s=$(date +%s%N)
	bctl pull $(pull_opts) "$REG/team/web:big" || fail "the pull failed: $(cat "$WORK/err")"
	best_pull=$(min "$best_pull" "$(ms "$s")")
	s=$(date +%s%N)
	skopeo --insecure-policy copy -q --src-cert-dir "$WORK/skopeo-certs" \
		--src-creds alice:right-horse "docker://$REG/team/web:big" "oci:$WORK/sk:x" ||
		fail "skopeo copy failed"
	best_skopeo=$(min "$best_skopeo" "$(ms "$s")")
	s=$(date +%s%N)
	umoci --log error raw unpack --image "$WORK/sk:x" "$WORK/sk-root" || fail "umoci failed"
	best_umoci=$(min "$best_umoci" "$(ms "$s")")
done
s=$(date +%s%N)
bctl verify "$REG/team/web:big" || fail "verify failed"
echo "figure: pull: $best_pull ms (download, verify, unpack, tree hash, sync)"
echo "figure: verify: $(ms "$s") ms (the tree hash of 80 MiB again)"
echo "peer: pull: $best_skopeo ms (skopeo copy to an OCI layout, no unpack)"
echo "peer: unpack: $best_umoci ms (umoci raw unpack of that layout)"
pass
