#!/bin/bash
# SPDX-License-Identifier: MIT
# Every container gets an /etc/hosts (supervisor/etchosts.c), as Docker
# gives one: localhost on 127.0.0.1 and ::1, its own host name on
# 127.0.1.1, its extra_hosts and then the manifest's network.hosts,
# read-only; with network_mode none too, where no DNS could answer for
# localhost. The busybox image has no /etc/hosts of its own.
. "$(dirname "$0")/sv-common"
sv_init etc-hosts
cat >"$WORK/m.yaml" <<'YAML'
version: 1
network:
  hosts: {etcd-1: 192.0.2.11, etcd-2: "2001:db8::12"}
containers:
  web:
    image: dir:busybox
    hostname: web-1
    network_mode: none
    command:
      - sh
      - -c
      - |
        httpd -p 127.0.0.1:8080 -h /etc
        sleep 0.2
        wget -q -O - http://localhost:8080/hosts | grep -q '^127.0.1.1.web-1$' && echo localhost-answers
        grep -q "^127.0.0.1.localhost$" /etc/hosts && grep -q "^::1.localhost" /etc/hosts && echo has-localhost
        echo x >>/etc/hosts 2>/dev/null && echo hosts-writable || echo hosts-read-only
        exec sleep 1000
    stop_grace_period: 200ms
  plain:
    image: dir:busybox
    read_only: true
    extra_hosts: ["db:192.0.2.5", "etcd-1=192.0.2.99"]
    command: ["sh", "-c", "grep -q '^127.0.1.1.plain$' /etc/hosts && echo own-name; grep -v '^#' /etc/hosts | tail -n 4 | tr '\\n\\t' '| '; echo; exec sleep 1000"]
    stop_grace_period: 200ms
YAML
[ ! -e "$BUILD/images/busybox/etc/hosts" ] || fail "the test image has an /etc/hosts of its own"
sv_start "$WORK/m.yaml"
sv_wait_for '^web: hosts-(read-only|writable)$' 8 ||
	fail "expected web to report within 8 s, got: $(grep -E 'container web|^web:' "$OUT" | tail -n 3 | tr '\n' '|')"
grep -q '^web: has-localhost$' "$OUT" || fail "expected localhost in web's /etc/hosts"
grep -q '^web: localhost-answers$' "$OUT" ||
	fail "expected http://localhost:8080 to answer inside web (network_mode none)"
grep -q '^web: hosts-read-only$' "$OUT" || fail "expected web's /etc/hosts to be read-only"
sv_wait_for '^plain: own-name$' 5 || fail "expected the read_only container plain to find its name in /etc/hosts"
want='192.0.2.5 db|192.0.2.99 etcd-1|192.0.2.11 etcd-1|2001:db8::12 etcd-2|'
sv_wait_for "^plain: $want\$" 5 ||
	fail "expected plain's extra_hosts, then network.hosts: $want, got: $(grep '^plain: [0-9]' "$OUT")"
pass
