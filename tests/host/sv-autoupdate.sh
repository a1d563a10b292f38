#!/bin/bash
# SPDX-License-Identifier: MIT
# A host with update.channel keeps itself current (supervisor/autoupdate.c):
# the supervisor runs the real channel client against a channel made with
# build/publish and served by Debian's nginx (in the supervisor's network
# namespace, plain http: the metadata is signed; TLS is channel-found's),
# installs what it finds with the real `berthctl update apply` into a host
# laid out in a directory (BERTH_UPDATE_ROOT, as tests/host/update-apply.sh),
# and reboots into it inside update.window; outside the window it waits and
# says until when. A manifest the channel publishes for this host (by
# machine id) changes one container of the running host without a reboot,
# as berthctl apply would. Each step is a line of the supervisor's log,
# and `berthctl update status` shows the channel's state.
# berth-test: minutes 1
. "$(dirname "$0")/sv-common"
sv_init autoupdate
command -v nginx >/dev/null || skip "nginx is missing (scripts/packages-test: nginx-light)"
command -v nsenter >/dev/null || skip "nsenter is missing (util-linux)"
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/publish" "$BUILD/update-check" \
	"$BUILD/mkbundle" "$BUILD/berthctl" >"$WORK/build" 2>&1 || fail "build: $(tail -n 3 "$WORK/build")"
K=$WORK/keys CH=$WORK/channel H=$WORK/host
"$BUILD/mkbundle" keygen "$K" >/dev/null && "$BUILD/publish" keygen "$K" >/dev/null &&
	"$BUILD/publish" init "$CH" --root-key "$K/channel-root.key" \
		--release-key "$K/channel-release.pub" >/dev/null || fail "keys and channel"

# fresh_host: slot a runs 0.1.0 (confirmed), slot b is the standby.
fresh_host() {
	rm -rf "$H" && mkdir -p "$H/esp/loader/entries" "$H/esp/berth/0.1.0-a" "$H/state"
	echo "console=ttyS0 berth.slot=a berth.roothash=11" >"$H/cmdline"
	echo "VERSION_ID=0.1.0" >"$H/os-release"
	echo "0123456789abcdef0123456789abcdef" >"$H/machine-id"
	printf 'title a\nsort-key berth\nversion 1\n' >"$H/esp/loader/entries/berth-0.1.0-a.conf"
	echo kernel-a >"$H/esp/berth/0.1.0-a/berth.efi"
	head -c 4194304 /dev/zero >"$H/root-a"
	head -c 4194304 /dev/zero >"$H/root-b"
	cp "$K/update.pub" "$H/update.pub"
	cp "$CH/1.root.json" "$H/channel-root.json"
}

# Version 0.2.0 of the image, made-up payloads, published for everyone.
d=$WORK/v2
"$TOP/tests/tools/fake-payloads" "$d" 0.2.0 "$K" 1048576 1040384 || fail "payloads of 0.2.0"
"$BUILD/mkbundle" create "$K/update.key" "$d" "$WORK/0.2.0.bundle" >/dev/null &&
	"$BUILD/publish" add "$CH" "$WORK/0.2.0.bundle" --release-key "$K/channel-release.key" \
		>/dev/null || fail "bundle 0.2.0 and its release"

export BERTH_UPDATE_ROOT=$H BERTH_UPDATE_CHECK=$BUILD/update-check BERTH_BERTHCTL=$BUILD/berthctl
export BERTH_CHANNEL_DOWNLOAD=$WORK/download BERTH_AUTOUPDATE_FILE=$WORK/autoupdate
PORT=$((20000 + $$ % 20000))
# manifest WINDOW: a host on the channel, with one container.
manifest() {
	cat <<-YAML
	version: 1
	update:
	  channel: http://127.0.0.1:$PORT
	  window: ["$1"]
	  download_rate: 50m
	containers:
	  app:
	    image: dir:busybox
	    command: ["sleep", "1000"]
	    stop_grace_period: 200ms
	YAML
}

# nginx in the supervisor's network namespace, serving the channel.
nginx_start() {
	nsenter -t "$SV_PID" -n "$TOP/tests/tools/nginx-static" "$WORK/ngx" "$PORT" "$CH" \
		2>>"$WORK/nginx.err" || fail "nginx: $(tail -n 3 "$WORK/nginx.err" "$WORK/ngx/error.log")"
}
nginx_stop() {
	[ -f "$WORK/ngx/nginx.pid" ] && kill "$(cat "$WORK/ngx/nginx.pid")" 2>/dev/null
	rm -f "$WORK/ngx/nginx.pid"
}
trap 'nginx_stop; sv_cleanup' EXIT

# Inside the window (all week): found, installed, rebooted.
fresh_host
manifest "* 00:00-24:00" >"$WORK/m.yaml"
sv_start "$WORK/m.yaml"
nginx_start
sv_wait_for '^supervisor: update: found 0\.2\.0 \(bucket [0-9]+, rollout at 100%\), downloaded$' 20 ||
	fail "expected the check to find 0.2.0 within 20 s"
grep -q "^supervisor: update: made this host's machine id [0-9a-f]\{32\} ($WORK/state/machine-id)$" "$OUT" ||
	fail "expected the supervisor to make the host's machine id on /var"
sv_wait_for '^supervisor: update: 0\.2\.0 installed into the other slot$' 20 ||
	fail "expected 0.2.0 installed"
ls "$H/esp/loader/entries/" | grep -q '^berth-0\.2\.0-b+3\.conf$' ||
	fail "expected the counted entry of 0.2.0 in slot b, got: $(ls "$H/esp/loader/entries" | tr '\n' ' ')"
sv_wait_for '^supervisor: update: rebooting into 0\.2\.0 \(inside the update window\)$' 5 ||
	fail "expected a reboot inside the window"
sv_wait_for 'update: reboot: stopping all containers' 5 || fail "expected the containers stopped for the reboot"
grep -q '^state rebooting$' "$WORK/autoupdate" || fail "expected the status file to say rebooting: $(cat "$WORK/autoupdate")"
[ -z "$(ls -A "$WORK/download")" ] || fail "expected the download removed once installed: $(ls "$WORK/download")"
sv_stop 10
nginx_stop

# Outside the window (tomorrow only): installed, then it waits, and says so.
fresh_host
tomorrow=$(LC_ALL=C date -d tomorrow +%a)
manifest "$tomorrow 00:00-24:00" >"$WORK/m.yaml"
: >"$OUT"
sv_start "$WORK/m.yaml"
nginx_start
sv_wait_for '^supervisor: update: 0\.2\.0 installed into the other slot$' 30 ||
	fail "expected 0.2.0 installed again on a fresh host"
sv_wait_for "^supervisor: update: rebooting into 0\\.2\\.0 when the update window opens, $(date -d tomorrow +%Y-%m-%d) 00:00" 5 ||
	fail "expected it to wait for tomorrow's window, got: $(grep 'update:' "$OUT" | tail -n 2 | tr '\n' '|')"
grep -q 'update: reboot: stopping' "$OUT" && fail "rebooted outside the window"
BERTH_AUTOUPDATE_FILE=$WORK/autoupdate "$BUILD/berthctl" update status >"$WORK/status" 2>&1 ||
	fail "berthctl update status: $(cat "$WORK/status")"
grep -q "^channel: *http://127.0.0.1:$PORT (installed, reboot at $(date -d tomorrow +%Y-%m-%d) 00:00" "$WORK/status" &&
	grep -q '^pending: *berth 0.2.0, reboot ' "$WORK/status" ||
	fail "expected update status to show the channel and the pending reboot, got: $(tr '\n' '|' <"$WORK/status")"
sv_stop 10
nginx_stop

# A manifest for this host in the channel: the host runs 0.2.0 already, so
# only the manifest is new; app's command changes, nothing reboots.
fresh_host
echo "0123456789abcdef0123456789abcdef" >"$WORK/state/machine-id"
echo "VERSION_ID=0.2.0" >"$H/os-release"
manifest "* 00:00-24:00" >"$WORK/m.yaml"
sed 's/"sleep", "1000"/"sh", "-c", "echo from the channel; exec sleep 1000"/' "$WORK/m.yaml" \
	>"$WORK/channel.yaml"
"$BUILD/publish" manifest "$CH" "$WORK/channel.yaml" --machine-id 0123456789abcdef0123456789abcdef \
	--release-key "$K/channel-release.key" >/dev/null || fail "publish manifest"
: >"$OUT"
SV_ARGS="--override $WORK/override.yaml --netsetup none"
sv_start "$WORK/m.yaml"
nginx_start
sv_wait_for '^supervisor: update: applying the channel.s manifest for this host \(sha256 [0-9a-f]{12}\)' 30 ||
	fail "expected the channel's manifest applied, got: $(grep 'update:' "$OUT" | tail -n 3 | tr '\n' '|')"
sv_wait_for '^app: from the channel$' 20 || fail "expected app to run the channel's command"
grep -q 'update: rebooting\|reboot: stopping' "$OUT" && fail "a manifest change rebooted the host"
grep -q '^supervisor: update: checked http://127.0.0.1:[0-9]*: nothing new' "$OUT" &&
	fail "expected the manifest to be what this check did"
pass
