#!/bin/bash
# SPDX-License-Identifier: MIT
# Inter-container traffic on the bridge: with icc: false a connection from
# one container (cli) to another's httpd (srv, port 8080) fails within a
# timeout, while both containers still reach the bridge address; with
# icc: true, in a second boot, the same connection gets the page. The
# connections are made from the containers' network namespaces with the
# debug shell's busybox nsenter; addresses and pids come from
# `berthctl status --json`.
. "$(dirname "$0")/lib.sh"
vm_require

command -v jq >/dev/null || { skip "$vm_test" "jq is not installed"; exit 0; }

# in_ns PID CMD: CMD (busybox applets) in the network namespace of PID,
# never longer than 10 s.
in_ns() {
	vm_run "busybox timeout 10 busybox nsenter -t $1 -n $2" 30
}
# get PID ADDR: what srv's httpd at ADDR:8080 answers to GET / from the
# network namespace of PID, the whole response or errors.
get() {
	in_ns "$1" "sh -c 'printf \"GET / HTTP/1.0\\r\\n\\r\\n\" | busybox nc -w 4 $2 8080'" 2>&1
}

# check MODE MANIFEST: boots MANIFEST and asserts the icc MODE (off or on).
check() {
	local mode=$1 out=$vm_dir/icc-$1 raw json srv_ip srv_pid cli_pid br page t0 who pid
	vm_build_container_image "$TOP/tests/vm/manifests/$2" "$out"
	vm_start "$out"
	if ! vm_wait_for 'srv: srv: serving' 120 >/dev/null ||
		! vm_wait_for 'cli: cli: idle' 30 >/dev/null; then
		got=$(vm_console | grep -E 'supervisor: |^berth-init: ' | tail -n 1)
		fail "net-icc-$mode-containers-up" "'srv: serving' and 'cli: idle' within 120 s" "'${got:-nothing}'"
		return 1
	fi
	json=$(vm_run 'berthctl status --json')
	srv_ip=$(jq -r '.containers[] | select(.name == "srv") | .address' <<<"$json" 2>/dev/null)
	srv_pid=$(jq -r '.containers[] | select(.name == "srv") | .pid' <<<"$json" 2>/dev/null)
	cli_pid=$(jq -r '.containers[] | select(.name == "cli") | .pid' <<<"$json" 2>/dev/null)
	br=$(vm_console | sed -n 's|^netsetup: berth0: set up with \([0-9.]*\)/.*|\1|p' | head -n 1)
	if ! [[ $srv_ip =~ ^[0-9.]+$ && $srv_pid =~ ^[0-9]+$ && $cli_pid =~ ^[0-9]+$ && -n $br ]]; then
		fail "net-icc-$mode-addresses" "srv's address, both pids and berth0's address" \
			"srv address '$srv_ip', srv pid '$srv_pid', cli pid '$cli_pid', berth0 '$br'"
		return 1
	fi

	# Both containers reach the host's bridge address (ICMP echo is
	# allowed by the input chain).
	for who in srv cli; do
		pid=$srv_pid
		[ $who = cli ] && pid=$cli_pid
		if in_ns "$pid" "busybox ping -c 1 -W 3 $br" >/dev/null; then
			pass "net-icc-$mode-$who-reaches-bridge"
		else
			fail "net-icc-$mode-$who-reaches-bridge" "an echo reply from $br in $who" "none"
		fi
	done

	# cli to srv's httpd. With icc on, retry a little: httpd may just be
	# starting. With icc off, one bounded attempt (plus one more to be sure).
	t0=$SECONDS
	page=
	while [ $((SECONDS - t0)) -lt 20 ]; do
		raw=$(get "$cli_pid" "$srv_ip")
		page=$(grep -x icc-page <<<"$raw")
		[ "$page" = icc-page ] && break
		[ "$mode" = off ] && [ $((SECONDS - t0)) -ge 8 ] && break
		sleep 1
	done
	if [ "$mode" = on ]; then
		if [ "$page" = icc-page ]; then
			pass net-icc-on-connects
			echo "# figures: icc on: cli got srv's page $((SECONDS - t0)) s after both were up"
		else
			fail net-icc-on-connects "'icc-page' from $srv_ip:8080 in cli" "'$(tail -n 3 <<<"$raw" | tr '\n' ' ')'"
		fi
	else
		if [ -z "$page" ]; then
			pass net-icc-off-blocked
		else
			fail net-icc-off-blocked "no answer from $srv_ip:8080 in cli" "'$(head -n 3 <<<"$raw" | tr '\n' ' ')'"
		fi
		# The page is there: srv reaches its own httpd.
		raw=$(get "$srv_pid" "$srv_ip")
		page=$(grep -x icc-page <<<"$raw")
		if [ "$page" = icc-page ]; then
			pass net-icc-off-srv-serving
		else
			fail net-icc-off-srv-serving "'icc-page' from $srv_ip:8080 in srv itself" "'$(tail -n 3 <<<"$raw" | tr '\n' ' ')'"
		fi
	fi
	vm_kill
}

check off net-icc.yaml
check on net-icc-on.yaml
