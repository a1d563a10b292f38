/* SPDX-License-Identifier: MIT */
/* Port numbers, port ranges and Compose's published-port specs. */
#ifndef BERTH_PORTSPEC_H
#define BERTH_PORTSPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/netaddr.h"

/* [IP:]HOST:CONTAINER[/PROTO], or CONTAINER alone (host port = container
 * port); ranges "8000-8010:9000-9010" map host_port + i to container_port + i. */
struct port_map {
	bool has_host_ip; /* false: every host address */
	struct ip_addr host_ip;
	uint16_t host_port;
	uint16_t container_port;
	uint16_t count;	   /* 1 for a single port */
	int proto;	   /* IPPROTO_TCP or IPPROTO_UDP */
	struct srcpos pos; /* filled in by the manifest parser */
};

/* 443 or 8000-8010 (lo <= hi, both 1..65535) */
int port_range_parse(const char *s, uint16_t *lo, uint16_t *hi, const char **why);
/* tcp or udp -> IPPROTO_* */
int proto_parse(const char *s, int *proto, const char **why);
const char *proto_str(int proto);
int port_map_parse(const char *s, struct port_map *out, const char **why);
/* "127.0.0.1:8080:80/tcp", "[::1]:80:80/tcp", "8000-8010:8000-8010/udp" */
void port_map_format(const struct port_map *p, char *buf, size_t len);

#endif
