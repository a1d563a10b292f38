#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor runs baked oci: and docker-archive: images with their image
# config's Entrypoint, Cmd, Env, WorkingDir and User as defaults, and the
# manifest overrides them by Compose's rules: a command alone keeps the
# image's entrypoint; an entrypoint drops the image's command; environment
# is merged with the manifest winning; user and working_dir win.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/img-common"
sv_init run-defaults
img_init
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  layout:
    image: oci:oci:test
    network_mode: none
  archive:
    image: docker-archive:image.tar
    network_mode: none
  cmd:
    image: oci:oci:test
    network_mode: none
    command: ['echo "cmd A=$IMG_A"']
  ep:
    image: oci:oci:test
    network_mode: none
    entrypoint: [/bin/echo, ep]
  over:
    image: docker-archive:image.tar
    network_mode: none
    environment: {IMG_A: manifest, NEW: x}
    user: "0:0"
    working_dir: /tmp
    command: ['echo "over A=$IMG_A B=$IMG_B NEW=$NEW pwd=$(pwd) id=$(id -u):$(id -g)"']
YAML
img_stage "$WORK/m.yaml" "$WORK/root" ||
	fail "expected the images to bake, got: $(tail -n 1 "$WORK/stage.out")"
IMAGES=$WORK/root/usr/share/berth/images
sv_start "$WORK/m.yaml"
defaults='image-cmd A=from-image B=image-b pwd=/data id=1000:1000'
for c in layout archive; do
	sv_wait_for "^$c: " 8 ||
		fail "expected output of $c within 8 s, got: $(grep -E "container $c" "$OUT" | tr '\n' '|')"
	grep -qx "$c: $defaults" "$OUT" ||
		fail "expected $c to run the image's entrypoint and cmd as its user in its workdir with its env (\"$defaults\"), got: $(grep "^$c: " "$OUT")"
done
sv_wait_for '^over: ' 8 || fail "expected output of over within 8 s"
grep -qx 'cmd: cmd A=from-image' "$OUT" ||
	fail "expected cmd's command to follow the image's entrypoint, got: $(grep '^cmd: ' "$OUT")"
grep -qx 'ep: ep' "$OUT" ||
	fail "expected ep's entrypoint to run without the image's cmd, got: $(grep '^ep: ' "$OUT")"
grep -qx 'over: over A=manifest B=image-b NEW=x pwd=/tmp id=0:0' "$OUT" ||
	fail "expected over's environment, user and working_dir to win, got: $(grep '^over: ' "$OUT")"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
