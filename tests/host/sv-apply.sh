#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl apply on a running supervisor (with init's stand-in and its fd
# store, as on a host): an unchanged container keeps its process and every
# line it writes, a container whose command changed is recreated, a
# removed one stopped, a new one started, a live field (restart policy)
# changes without a restart; the manifest becomes the sealed override and
# status says so; a bad manifest changes nothing; --try without --confirm
# rolls back by itself, with --confirm it stays; --revert goes back to the
# image's manifest.
# berth-test: minutes 2
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/sv-restart-common"
ctl_init apply
rs_init_wrapper
# The counter's lines would bury the supervisor's own in a failure's report.
fail() {
	echo "fail: $T: $1"
	echo "-- supervisor output, without keep's lines:"
	grep -v '^keep: n ' "$OUT" | sed 's/^/  /' | tail -n 40
	exit 1
}

export BERTH_UPDATE_ROOT=$WORK/upd
mkdir -p "$BERTH_UPDATE_ROOT/esp" "$BERTH_UPDATE_ROOT/state"
echo "console=ttyS0 berth.slot=a" >"$BERTH_UPDATE_ROOT/cmdline"
OVR=$WORK/override.yaml
SV_ARGS="--override $OVR --netsetup none"

# A container that counts, one line each 50 ms, and others that sleep.
counter='i=0; while :; do i=$((i + 1)); echo "n $i"; usleep 50000; done'
manifest() { # manifest FILE [CHANGE_CMD] [WITH_GONE] [KEEP2_RESTART] [EXTRA]
	{
		echo "version: 1"
		echo "containers:"
		echo "  keep:"
		echo "    image: dir:busybox"
		echo "    command: [\"sh\", \"-c\", '$counter']"
		echo "    network_mode: none"
		echo "  keep2:"
		echo "    image: dir:busybox"
		echo "    command: [\"sh\", \"-c\", \"echo keep2: up; exec sleep 100000\"]"
		echo "    network_mode: none"
		echo "    restart: ${4:-always}"
		echo "  change:"
		echo "    image: dir:busybox"
		echo "    command: [\"sh\", \"-c\", \"echo change: ${2:-v1}; exec sleep 100000\"]"
		echo "    network_mode: none"
		echo "    stop_grace_period: 1s"
		[ "${3:-1}" = 1 ] && printf '  gone:\n    image: dir:busybox\n    command: ["sleep", "100000"]\n    network_mode: none\n    stop_grace_period: 1s\n'
		[ -n "${5:-}" ] && printf '%s\n' "$5"
	} >"$1"
}
manifest "$WORK/m.yaml"
manifest "$WORK/new.yaml" v2 0 on-failure '  new:
    image: dir:busybox
    command: ["sh", "-c", "echo new: up; exec sleep 100000"]
    network_mode: none'

sv_start "$WORK/m.yaml"
for n in keep keep2 change gone; do
	ctl_wait_state "$n" running 10 || fail "expected $n running, got $(ctl_field "$n" .state)"
done
[ "$(bctl status --json | jq -r .manifest.source)" = image ] || fail "expected the image's manifest in force at first"
pid_keep=$(ctl_field keep .pid) pid_keep2=$(ctl_field keep2 .pid) pid_change=$(ctl_field change .pid)

# A bad manifest: exit 1, the validate error, nothing changed.
printf 'version: 1\ncontainers:\n  x:\n    image: dir:busybox\n    restart: sometimes\n' >"$WORK/bad.yaml"
"$BERTHCTL" apply --socket "$SOCK" "$WORK/bad.yaml" >"$WORK/bad.out" 2>&1
rc=$?
[ $rc = 1 ] || fail "expected apply of a bad manifest to exit 1, got $rc: $(cat "$WORK/bad.out")"
grep -q "bad.yaml:5:14: " "$WORK/bad.out" || fail "expected the error at bad.yaml:5:14, got: $(cat "$WORK/bad.out")"
[ ! -e "$OVR" ] || fail "expected no override after a bad manifest"
# Refused before the supervisor was asked: no stop, no netsetup, no write.
grep -q 'apply:' "$OUT" && fail "expected the supervisor never asked to apply a bad manifest: $(grep 'apply:' "$OUT")"
[ "$(ctl_field keep .pid)" = "$pid_keep" ] || fail "expected keep untouched by a bad manifest"

# The apply.
"$BERTHCTL" apply --socket "$SOCK" "$WORK/new.yaml" >"$WORK/apply.out" 2>&1 ||
	fail "expected apply to succeed, got $?: $(cat "$WORK/apply.out")"
grep -q 'recreate' "$WORK/apply.out" || fail "expected the applied plan printed, got: $(cat "$WORK/apply.out")"
[ "$(ctl_field keep .pid)" = "$pid_keep" ] || fail "expected keep to keep pid $pid_keep, got $(ctl_field keep .pid)"
[ "$(ctl_field keep2 .pid)" = "$pid_keep2" ] || fail "expected keep2 (restart changed, live) to keep pid $pid_keep2"
[ "$(bctl status --json | jq -r '.containers[] | select(.name == "keep2") | .restart.policy // .restart')" != always ] ||
	true # the policy's shape in status is status.c's; the pid is what matters
[ "$(ctl_field change .pid)" != "$pid_change" ] || fail "expected change recreated with a new pid"
ctl_wait_state change running 10 || fail "expected change running again"
grep -q '^change: change: v2' "$OUT" || fail "expected the recreated change to print v2"
ctl_wait_state new running 10 || fail "expected new running"
[ -z "$(ctl_field gone .name)" ] || fail "expected gone no longer in status"
grep -q '# berth-seal: v1 ' "$OVR" || fail "expected the sealed override at $OVR"
st=$(bctl status --json | jq -r '.manifest | "\(.source) \(.sha256)"')
[ "$st" = "applied $(sha256sum <"$WORK/new.yaml" | cut -d' ' -f1)" ] ||
	fail "expected status to say the applied manifest with its sha256, got $st"
sv_wait_for 'apply: uid 0 applied a new manifest \(sha256 [0-9a-f]{64}\): 1 started, 1 recreated, 1 stopped, 1 changed in place, 1 kept' 5 ||
	fail "expected the apply's line in host.log"
grep -q 'container keep: adopted' "$OUT" || fail "expected keep adopted by the new run"
sleep 0.5
got=$(awk '$2 == "stdout" && $3 == "n" {print $4}' "$WORK/log/keep.log")
[ "$got" = "$(seq "$(tail -n 1 <<<"$got")")" ] || fail "expected keep's lines 1..N without a gap across the apply"

# Only a container's command changes: done inside the running supervisor
# (same supervisor process), change recreated, everything else untouched.
sv_pid=$(rs_supervisor_pid)
pid_new=$(ctl_field new .pid)
manifest "$WORK/inplace.yaml" v2b 0 on-failure '  new:
    image: dir:busybox
    command: ["sh", "-c", "echo new: up; exec sleep 100000"]
    network_mode: none'
"$BERTHCTL" apply --socket "$SOCK" "$WORK/inplace.yaml" >"$WORK/inplace.out" 2>&1 ||
	fail "expected the in-place apply to succeed: $(cat "$WORK/inplace.out")"
sv_wait_for 'apply: uid 0 applied a new manifest \(sha256 [0-9a-f]{64}\), in place: 0 started, 1 recreated' 5 ||
	fail "expected the apply done in place"
[ "$(rs_supervisor_pid)" = "$sv_pid" ] || fail "expected the same supervisor process after an in-place apply"
grep -q '^change: change: v2b' "$OUT" || fail "expected change recreated with v2b"
[ "$(ctl_field keep .pid)" = "$pid_keep" ] && [ "$(ctl_field new .pid)" = "$pid_new" ] ||
	fail "expected keep and new untouched by the in-place apply"
[ "$(bctl status --json | jq -r .manifest.sha256)" = "$(sha256sum <"$WORK/inplace.yaml" | cut -d' ' -f1)" ] ||
	fail "expected status to give the in-place manifest's sha256"
# A later restart adopts what the in-place apply left (its hashes follow).
rs_kill_supervisor
sv_wait_for 'container change: adopted from the earlier supervisor run' 10 ||
	fail "expected change adopted after the in-place apply and a restart"
cp "$WORK/inplace.yaml" "$WORK/new.yaml"

# --try without --confirm rolls back by itself.
manifest "$WORK/try.yaml" v3 0 on-failure
"$BERTHCTL" apply --socket "$SOCK" --try 3s "$WORK/try.yaml" >"$WORK/try.out" 2>&1 ||
	fail "expected apply --try to succeed: $(cat "$WORK/try.out")"
[ "$(bctl status --json | jq -r '.manifest.trial_until != null')" = true ] || fail "expected status to show the trial"
sv_wait_for 'apply: rolling back the trial: no `berthctl apply --confirm` in time' 15 ||
	fail "expected the trial rolled back by itself"
sv_wait_for 'apply: rollback rolled back to a new manifest' 10 || fail "expected the rollback's line"
for i in $(seq 50); do
	[ "$(bctl status --json 2>/dev/null | jq -r .manifest.sha256)" = "$(sha256sum <"$WORK/new.yaml" | cut -d' ' -f1)" ] && break
	sleep 0.2
done
[ "$(bctl status --json | jq -r .manifest.sha256)" = "$(sha256sum <"$WORK/new.yaml" | cut -d' ' -f1)" ] ||
	fail "expected new.yaml in force again after the rollback"
ctl_wait_state new running 10 || fail "expected new running after the rollback"

# --try with --confirm stays.
"$BERTHCTL" apply --socket "$SOCK" --try 30s "$WORK/try.yaml" >"$WORK/try2.out" 2>&1 ||
	fail "expected apply --try to succeed: $(cat "$WORK/try2.out")"
"$BERTHCTL" apply --socket "$SOCK" --confirm >"$WORK/confirm.out" 2>&1 || fail "expected --confirm to succeed: $(cat "$WORK/confirm.out")"
[ "$(bctl status --json | jq -r '.manifest.trial_until')" = null ] || fail "expected no trial after --confirm"

# --revert: the image's manifest again, no override.
"$BERTHCTL" apply --socket "$SOCK" --revert >"$WORK/revert.out" 2>&1 || fail "expected --revert to succeed: $(cat "$WORK/revert.out")"
[ ! -e "$OVR" ] || fail "expected the override removed by --revert"
[ "$(bctl status --json | jq -r .manifest.source)" = image ] || fail "expected the image's manifest in force after --revert"
ctl_wait_state gone running 10 || fail "expected gone running again after --revert"
[ "$(ctl_field keep .pid)" = "$pid_keep" ] || fail "expected keep never restarted through it all"
pass
