#!/bin/bash
# SPDX-License-Identifier: MIT
# depends_on orders starts (db, then api, then web) and, on SIGTERM to the
# supervisor, stops in reverse (web, api, db); the supervisor then exits 0.
. "$(dirname "$0")/sv-common"
sv_init depends-on
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    depends_on: [api]
  api:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
    depends_on: [db]
  db:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for 'container web: started' 5 || fail "expected web to start within 5 s, got no start"
order() {
	local what=$1 a b c
	a=$(sv_line "container $2: $what") b=$(sv_line "container $3: $what") c=$(sv_line "container $4: $what")
	[ "$a" -gt 0 ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ]
}
order started db api web || fail "expected starts in the order db, api, web, got: $(grep -o 'container [a-z]*: started' "$OUT" | tr '\n' ' ')"
sv_stop 10 || fail "expected the supervisor to exit within 10 s of SIGTERM"
[ "$SV_STATUS" = 0 ] || fail "expected exit status 0 after SIGTERM, got $SV_STATUS"
order stopped web api db || fail "expected stops in the order web, api, db, got: $(grep -o 'container [a-z]*: stopped' "$OUT" | tr '\n' ' ')"
order 'stopping with' web api db || fail "expected stop signals in the order web, api, db"
pass
