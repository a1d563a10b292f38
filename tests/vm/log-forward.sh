#!/bin/bash
# SPDX-License-Identifier: MIT
# Logs leave the guest for a receiver on the build host: a private rsyslogd
# listens on 127.0.0.1, QEMU's guestfwd sends the guest's connections to
# 10.0.2.100:514 there. A container's 500 lines arrive in order, with the
# host name and app-name; so do a line written to /dev/kmsg in the guest,
# the firewall's berth-drop kernel line for a connection the guest refuses
# (made through a hostfwd to a port it does not allow), and the
# supervisor's own lines.
. "$(dirname "$0")/lib.sh"
vm_require

command -v rsyslogd >/dev/null || { skip "$vm_test" "rsyslog is not installed"; exit 0; }
vm_build_container_image "$TOP/tests/vm/manifests/log-forward.yaml" "$vm_dir"

# Two free ports on 127.0.0.1: rsyslog's, and the hostfwd to the guest.
read -r rs_port drop_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
rs=$vm_dir/rsyslog
rm -rf "$rs"
mkdir -p "$rs/work"
got=$rs/tcp.log
cat >"$rs/rsyslog.conf" <<CONF
global(workDirectory="$rs/work")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$rs_port")
template(name="raw" type="string" string="%rawmsg%\n")
action(type="omfile" file="$got" template="raw")
stop
CONF
rsyslogd -n -f "$rs/rsyslog.conf" -i "$rs/pid" >"$rs/out" 2>&1 &
rs_pid=$!
trap 'kill "$rs_pid" 2>/dev/null; vm_kill' EXIT
for _ in $(seq 50); do
	ss -Hltn "sport = $rs_port" | grep -q . && break
	sleep 0.1
done
if ! ss -Hltn "sport = $rs_port" | grep -q .; then
	fail log-forward-receiver "rsyslogd listening on 127.0.0.1:$rs_port" "$(head -c 200 "$rs/out")"
	exit 1
fi

# The receiver must listen first: QEMU connects the guestfwd when it starts.
vm_start "$vm_dir" --net "guestfwd=tcp:10.0.2.100:514-tcp:127.0.0.1:$rs_port,hostfwd=tcp:127.0.0.1:$drop_port-:9"
if ! vm_wait_for 'talker: talker: done' 180 >/dev/null; then
	fail log-forward-container-up "'talker: talker: done' within 180 s" "'$(vm_console | grep 'supervisor: ' | tail -n 1)'"
	exit 1
fi
app() { grep -E "^<[0-9]+>1 [^ ]+ berth-log $1 " "$got" 2>/dev/null; }
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 60 ] && ! app talker | grep -q '\] talker: done$'; do sleep 0.5; done
lines=$(app talker | grep '\] talk [0-9]*$' | awk '{print $NF}')
if [ "$lines" = "$(seq 1 500)" ]; then
	pass log-forward-container-lines
else
	fail log-forward-container-lines "talker's lines 1..500 in order at rsyslog" \
		"$(echo "$lines" | grep -c .) lines, first difference: $(diff <(seq 1 500) <(echo "$lines") | sed -n 2p)"
fi

token=berth-vm-$$-$RANDOM
vm_run "echo '<13>berthvm[7]: $token' >/dev/kmsg" >/dev/null
# A connection to port 9, which the firewall does not allow: dropped, logged.
timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$drop_port" 2>/dev/null
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 60 ]; do
	app berthvm | grep -qF "$token" && app kernel | grep -q 'berth-drop: .*DPT=9 ' && break
	sleep 0.5
done
if app berthvm | grep -qE "^<13>1 [^ ]+ berth-log berthvm 7 - \[berth@32473 seq=\"[0-9]+\" boot=\"[0-9a-f-]{36}\"\] $token\$"; then
	pass log-forward-kmsg-line
else
	fail log-forward-kmsg-line "'$token' from app-name berthvm at rsyslog" "'$(app berthvm | tail -n 1)'"
fi
if app kernel | grep -q 'berth-drop: .*DPT=9 '; then
	pass log-forward-kernel-berth-drop
else
	fail log-forward-kernel-berth-drop "a kernel berth-drop line for DPT=9 at rsyslog" \
		"$(app kernel | wc -l) kernel messages, the last: '$(app kernel | tail -n 1 | cut -c1-160)'"
fi
if app berth-supervisor | grep -q 'container talker: started'; then
	pass log-forward-supervisor-lines
else
	fail log-forward-supervisor-lines "the supervisor's 'container talker: started' at rsyslog" \
		"'$(app berth-supervisor | head -n 1)'"
fi
n=$(vm_run 'grep -c " kernel " /var/log/berth/host.log')
if [ "${n:-0}" -gt 0 ] 2>/dev/null; then
	pass log-forward-host-log
else
	fail log-forward-host-log "kernel lines in the guest's /var/log/berth/host.log" "'$n'"
fi
vm_kill
