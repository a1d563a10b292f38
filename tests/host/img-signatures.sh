#!/bin/bash
# SPDX-License-Identifier: MIT
# The build checks every imported image against the manifest's trust
# policy with skopeo (image/trust.sh): an image signed by the trusted key
# as the identity the policy names is baked; an unsigned one, one signed by
# another key, a signature of another image and a signature for another
# reference are refused, each naming the image, its digest and the reason,
# and nothing is baked; berth's default policy refuses an unsigned image
# unless the container says insecure_allow_unsigned; the policy and its
# keys are baked for the host.
. "$(dirname "$0")/img-common"
img_defs signatures
img_init
failed=0
ok() { echo "pass: signatures-$1"; }
bad() {
	echo "fail: signatures-$1: $2"
	sed 's/^/  /' "$WORK/stage.out" | tail -n 5
	failed=1
}
oci=$(skopeo inspect --format '{{.Digest}}' oci:"$WORK/oci":test)

# manifest IDENTITY [EXTRA]: web from the OCI layout, db from the tarball,
# both under a policy that wants the key of $KEY signing IDENTITY.
manifest() {
	cat <<-EOF
	version: 1
	trust:
	  default: [{type: reject}]
	  transports:
	    oci:
	      oci: [{type: signedBy, keyType: GPGKeys, keyPath: ${KEY:-keys/image.gpg},
	             signedIdentity: {type: exactReference, dockerReference: "$1"}}]
	    docker-archive:
	      image.tar: [{type: signedBy, keyType: GPGKeys, keyPath: keys/image.gpg,
	                   signedIdentity: {type: exactRepository, dockerRepository: berth.test/test}}]
	containers:
	  web:
	    image: oci:oci:test
	  db:
	    image: docker-archive:image.tar
	${2:-}
	EOF
}

# refused CASE WANT: the last build failed, said WANT about web with its
# digest, and baked nothing.
refused() {
	local msg
	msg=$(grep 'container web' "$WORK/stage.out")
	case $msg in
	*"oci:oci:test ($oci): refused by the trust policy"*"$2"*) ok "$1" ;;
	*) bad "$1" "expected web refused with \"$2\" and its digest $oci, got: ${msg:-nothing}" ;;
	esac
	[ -z "$(ls -A "$ROOT/usr/share/berth/images")" ] ||
		bad "$1-nothing-baked" "found $(ls "$ROOT/usr/share/berth/images")"
}

manifest berth.test/test:1 >"$WORK/m.yaml"
if img_stage "$WORK/m.yaml" "$WORK/ok"; then
	ok signed
	[ -e "$(img_rootfs web)/bin/busybox" ] && [ -e "$(img_rootfs db)/bin/busybox" ] ||
		bad signed-baked "expected both images baked"
	pol=$ROOT/usr/share/berth/trust/policy.json
	key=$(jq -r '.transports.oci.oci[0].keyPath' "$pol" 2>/dev/null)
	if [ -n "$key" ] && cmp -s "$ROOT$key" "$WORK/keys/image.gpg"; then
		ok policy-baked
	else
		bad policy-baked "expected the policy's key at $key in the root, policy: $(cat "$pol")"
	fi
else
	bad signed "expected the signed images to bake, got: $(tail -n 1 "$WORK/stage.out")"
fi

manifest berth.test/test:2 >"$WORK/m.yaml"
img_stage "$WORK/m.yaml" "$WORK/ref" && bad reference "expected a build error"
refused reference "reference mismatch: signed as berth.test/test:1"

mv "$WORK/oci:test.sig" "$WORK/saved.sig"
manifest berth.test/test:1 >"$WORK/m.yaml"
img_stage "$WORK/m.yaml" "$WORK/none" && bad unsigned "expected a build error"
refused unsigned "no signature (looked for oci:test.sig)"

# Another key: the right image and reference, signed by a stranger.
"$TOP/image/image-keygen" "$WORK/other" >/dev/null 2>&1 &&
	"$TOP/image/sign-image" --gnupg "$WORK/other/gnupg" image-signer oci:"$WORK/oci":test \
		berth.test/test:1 >/dev/null 2>&1 || bad other-key "could not sign with a second key"
img_stage "$WORK/m.yaml" "$WORK/other-key" && bad other-key "expected a build error"
refused other-key "unknown key"

# A signature the right key made, of another image.
printf '{"schemaVersion": 2}' >"$WORK/other.json"
GNUPGHOME=$WORK/keys/gnupg skopeo standalone-sign -o "$WORK/oci:test.sig" "$WORK/other.json" \
	berth.test/test:1 image-signer >/dev/null 2>&1 || bad other-digest "could not sign"
GNUPGHOME=$WORK/keys/gnupg gpgconf --kill gpg-agent 2>/dev/null
img_stage "$WORK/m.yaml" "$WORK/other-digest" && bad other-digest "expected a build error"
refused other-digest "the signature is for another image"
mv "$WORK/saved.sig" "$WORK/oci:test.sig"

# berth's default policy, with no trust: in the manifest (img_stage would
# add the test's).
stage_plain() {
	"$BUILD/berthctl" show --json "$1" >"$WORK/default.json" || bad "$2" "$1 does not validate"
	ROOT=$WORK/default
	rm -rf "$ROOT" && mkdir -p "$ROOT/usr/share/berth/images"
	(cd "$WORK" && SOURCE_DATE_EPOCH=1700000000 "$TOP/image/stage-images" \
		"$WORK/default.json" "$ROOT") >"$WORK/stage.out" 2>&1
}
printf 'version: 1\ncontainers:\n  web:\n    image: oci:oci:test\n' >"$WORK/default.yaml"
stage_plain "$WORK/default.yaml" default && bad default "expected the default policy to refuse web"
want='{"default":[{"type":"reject"}],"transports":{"dir":{"":[{"type":"insecureAcceptAnything"}]}}}'
[ "$(jq -c .trust "$WORK/default.json")" = "$want" ] ||
	bad default-policy "expected $want, got $(jq -c .trust "$WORK/default.json")"
refused default "the policy rejects it (type: reject)"

printf '    insecure_allow_unsigned: true\n' >>"$WORK/default.yaml"
if stage_plain "$WORK/default.yaml" insecure-allow-unsigned; then
	grep -q "warning: container web: image oci:oci:test ($oci) is not checked against the trust policy" \
		"$WORK/stage.out" && ok insecure-allow-unsigned ||
		bad insecure-allow-unsigned "expected a warning, got: $(cat "$WORK/stage.out")"
else
	bad insecure-allow-unsigned "expected it to bake, got: $(tail -n 1 "$WORK/stage.out")"
fi

# A key file that is not there: the build names it.
KEY=keys/missing.gpg manifest berth.test/test:1 >"$WORK/m.yaml"
img_stage "$WORK/m.yaml" "$WORK/nokey" && bad missing-key "expected a build error"
grep -q "trust: key file keys/missing.gpg: no such file" "$WORK/stage.out" && ok missing-key ||
	bad missing-key "expected the missing key named, got: $(tail -n 1 "$WORK/stage.out")"
exit $failed
