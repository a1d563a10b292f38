#!/bin/bash
# SPDX-License-Identifier: MIT
# The host's own signature check (lib/trust/simplesign.c with Debian's
# gpgv, lib/trust/trustcheck.c), through `berthctl trust check` against the
# policy the build bakes (image/trust.sh): signatures made by skopeo
# standalone-sign for a registry image are accepted when the policy's key
# made them for this digest and an identity it accepts, and refused, with
# the reason, for an unknown key, another digest, another reference, a
# rejecting scope, no signature and a file that is not a signature. An
# armored key in the manifest is baked binary, as gpgv needs it.
set -u
: "${BUILD:?run through tests/run}" "${TOP:?run through tests/run}"
failed=0
ok() { echo "pass: trust-check-$1"; }
bad() { echo "fail: trust-check-$1: $2"; failed=1; }
for t in gpg gpgv skopeo jq; do
	command -v "$t" >/dev/null || { echo "skip: trust-check: needs $t"; exit 0; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/trust-check.XXXXXX")
trap 'rm -rf "$W"' EXIT
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/berthctl" >"$W/build" 2>&1 ||
	{ bad build "$(tail -n 3 "$W/build")"; exit 1; }
cd "$W" || exit 1

"$TOP/image/image-keygen" team >/dev/null 2>&1 && "$TOP/image/image-keygen" stranger >/dev/null 2>&1 ||
	{ bad keys "image-keygen failed"; exit 1; }
GNUPGHOME=$W/team/gnupg gpg --batch --armor --export >team.asc 2>/dev/null

# A manifest as an image would have it, its policy baked as the build does.
cat >m.yaml <<'EOF'
version: 1
trust:
  default: [{type: reject}]
  transports:
    docker:
      registry.test:5000/team:
        - {type: signedBy, keyType: GPGKeys, keyPath: team.asc}
      registry.test:5000/team/pinned:
        - type: signedBy
          keyType: GPGKeys
          keyPath: team.asc
          signedIdentity: {type: exactRepository, dockerRepository: registry.test:5000/team/web}
      registry.test:5000/team/open: [{type: insecureAcceptAnything}]
EOF
"$BUILD/berthctl" show --json m.yaml >m.json || { bad policy "m.yaml does not validate"; exit 1; }
(
	prog=trust-check
	. "$TOP/image/lib.sh"
	. "$TOP/image/trust.sh"
	trust_bake m.json root
) >bake.out 2>&1 || { bad bake "$(cat bake.out)"; exit 1; }
# The baked policy names keys under /usr/share/berth; here they are in root/.
sed "s|/usr/share/berth|$W/root/usr/share/berth|g" root/usr/share/berth/trust/policy.json >policy.json
key=$(jq -r '.transports.docker["registry.test:5000/team"][0].keyPath' policy.json)
if [ "$(head -c 1 "$key" | od -An -tx1 | tr -d ' ')" != 2d ] && [ -s "$key" ]; then
	ok armored-key-baked-binary
else
	bad armored-key-baked-binary "expected a binary key at $key"
fi

printf '{"schemaVersion":2,"layers":[]}' >manifest.json
digest=$(skopeo manifest-digest manifest.json)
other=sha256:$(printf '%064d' 1)
# sign KEYDIR REF OUT: a signature of manifest.json for REF.
sign() {
	GNUPGHOME=$W/$1/gnupg skopeo standalone-sign -o "$3" manifest.json "$2" image-signer \
		>/dev/null 2>&1 || bad sign "skopeo standalone-sign $1 $2 failed"
	GNUPGHOME=$W/$1/gnupg gpgconf --kill gpg-agent 2>/dev/null
}
sign team registry.test:5000/team/web:1 good.sig
sign stranger registry.test:5000/team/web:1 stranger.sig
sign team registry.test:5000/team/web:2 tag2.sig
sign team registry.test:5000/team/web:1 good2.sig
echo "not a signature" >junk.sig

# check NAME WANT(accepted|refused) TEXT REF DIGEST SIG...
check() {
	local name=$1 want=$2 text=$3 out
	shift 3
	out=$("$BUILD/berthctl" trust check --policy policy.json "$@" 2>&1)
	case $out in
	"$want: "*"$text"*) ok "$name" ;;
	*) bad "$name" "expected $want with \"$text\", got: $out" ;;
	esac
}
check signed accepted "signed by" registry.test:5000/team/web:1 "$digest" good.sig
check any-of-several accepted "signed by" registry.test:5000/team/web:1 "$digest" junk.sig \
	stranger.sig good2.sig
check unknown-key refused "which the policy does not trust" \
	registry.test:5000/team/web:1 "$digest" stranger.sig
check other-digest refused "the signature is for another image" \
	registry.test:5000/team/web:1 "$other" good.sig
check reference-mismatch refused "reference mismatch: signed as registry.test:5000/team/web:2" \
	registry.test:5000/team/web:1 "$digest" tag2.sig
check by-digest accepted "signed by" "registry.test:5000/team/web@$digest" "$digest" tag2.sig
check exact-repository accepted "signed by" registry.test:5000/team/pinned:7 "$digest" good.sig
check no-signature refused 'docker scope "registry.test:5000/team": no signature' \
	registry.test:5000/team/web:1 "$digest"
check not-a-signature refused "not an OpenPGP signature" \
	registry.test:5000/team/web:1 "$digest" junk.sig
check default-rejects refused "the policy's default: the policy rejects it" \
	registry.test:5000/other/web:1 "$digest" good.sig
check insecure-scope accepted "accepted unsigned" registry.test:5000/team/open:1 "$digest"
exit $failed
