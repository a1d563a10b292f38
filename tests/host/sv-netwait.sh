#!/bin/bash
# SPDX-License-Identifier: MIT
# At boot init starts netsetup and the supervisor side by side, with
# netsetup's status file saying "running" meanwhile: a container with
# network_mode none starts at once, one on the host's network and one on
# the bridge wait, and both start once the status file is renamed to say
# how netsetup ended (here "failed": they start either way, as after a
# netsetup that failed before). A supervisor started with the file
# already "ok" holds nothing back (the after-boot case, tested by every
# other sv test without a status file).
. "$(dirname "$0")/sv-common"
sv_init netwait
export BERTH_UPDATE_ROOT=$WORK/upd
mkdir -p "$BERTH_UPDATE_ROOT"
echo running >"$BERTH_UPDATE_ROOT/netsetup"
cat >"$WORK/m.yaml" <<'YAML'
version: 1
network:
  bridge: {subnet: 172.31.0.0/24}
containers:
  quiet:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    network_mode: none
  onhost:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    network_mode: host
  onbridge:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for 'container quiet: started' 5 || fail "expected quiet (network_mode none) to start at once"
sv_wait_for 'netsetup is running: containers on the network wait for it' 2 ||
	fail "expected the supervisor to say the network containers wait"
sleep 1
if grep -Eq 'container (onhost|onbridge): start' "$OUT"; then
	fail "expected onhost and onbridge to wait for netsetup, got: $(grep -E 'container on[a-z]*: start' "$OUT" | head -n 2)"
fi
echo "failed: exit status 1" >"$BERTH_UPDATE_ROOT/netsetup.tmp"
mv "$BERTH_UPDATE_ROOT/netsetup.tmp" "$BERTH_UPDATE_ROOT/netsetup"
sv_wait_for 'netsetup ended \(failed: exit status 1\): starting the containers on the network' 5 ||
	fail "expected the supervisor to see netsetup's end"
sv_wait_for 'container onhost: started' 5 || fail "expected onhost to start after netsetup ended"
sv_wait_for 'container onbridge: started' 5 || fail "expected onbridge to start after netsetup ended"
sv_stop 10 || fail "expected the supervisor to exit within 10 s of SIGTERM"

# Started after netsetup (a restart, an apply's new run): nothing waits.
echo ok >"$BERTH_UPDATE_ROOT/netsetup"
: >"$OUT"
sv_start "$WORK/m.yaml"
sv_wait_for 'container onhost: started' 5 || fail "expected onhost to start at once when netsetup said ok"
sv_wait_for 'container onbridge: started' 5 || fail "expected onbridge to start at once when netsetup said ok"
! grep -q 'netsetup is running' "$OUT" || fail "expected no wait with the status file saying ok"
sv_stop 10 || fail "expected the supervisor to exit within 10 s of SIGTERM"
pass
