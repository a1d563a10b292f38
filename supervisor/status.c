/* SPDX-License-Identifier: MIT */
/* status.c: what `berthctl status` shows, every container's state and
 * settings as one JSON document (docs/berthctl.md describes the fields). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "manifest/cap.h"
#include "base/json.h"
#include "manifest/portspec.h"
#include "base/scalar.h"
#include "supervisor.h"

static bool
has_process(const struct instance *c)
{
	return c->state == CS_STARTING || c->state == CS_RUNNING || c->state == CS_STOPPING;
}

static void
key_str(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	json_string(j, v);
}

static void
write_health(struct json *j, const struct instance *c)
{
	json_key(j, "health");
	json_object_begin(j);
	key_str(j, "state", c->spec.m->health.kind == HEALTH_NONE ? "none" : health_str(c->health));
	key_str(j, "last_output", c->health == HS_NONE ? NULL : c->h_output);
	json_object_end(j);
}

static void
key_bytes(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	if (v)
		json_uint(j, v);
	else
		json_null(j);
}

/* memory: the container's own limit; memory_shared: without one, the
 * containers' common limit it shares (null when none could be set). */
static void
write_limits(struct json *j, const struct sv *sv, const struct container *m)
{
	char cpus[32];

	json_key(j, "limits");
	json_object_begin(j);
	key_bytes(j, "memory", m->mem_limit);
	key_bytes(j, "memory_shared", m->mem_limit ? 0 : sv->mem_shared);
	key_bytes(j, "writable", m->read_only ? 0 : m->storage_size);
	json_key(j, "cpus");
	snprintf(cpus, sizeof cpus, "%u.%03u", m->cpus_milli / 1000, m->cpus_milli % 1000);
	if (m->cpus_milli)
		json_number(j, cpus);
	else
		json_null(j);
	json_key(j, "pids");
	if (m->pids_limit)
		json_uint(j, m->pids_limit);
	else
		json_null(j);
	json_object_end(j);
}

static void
write_sets(struct json *j, const struct container *m)
{
	char buf[96];

	json_key(j, "ports");
	json_array_begin(j);
	for (size_t i = 0; i < m->n_ports; i++) {
		port_map_format(&m->ports[i], buf, sizeof buf);
		json_string(j, buf);
	}
	json_array_end(j);
	/* What the child applies: the kernel's unknown capabilities are left out. */
	uint64_t caps = caps_supported(m->caps);
	json_key(j, "capabilities");
	json_array_begin(j);
	for (int cap = 0; cap < CAP_NUM; cap++)
		if (caps & CAP_BIT(cap))
			json_string(j, cap_name(cap));
	json_array_end(j);
}

static void
write_container(struct json *j, const struct sv *sv, const struct instance *c,
		const struct links *l)
{
	const struct container *m = c->spec.m;
	struct timespec now;
	char addr[64];

	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_begin(j);
	key_str(j, "name", c->spec.name);
	key_str(j, "state", cstate_str(c->state));
	json_key(j, "pid");
	if (has_process(c) && c->pid > 0)
		json_int(j, c->pid);
	else
		json_null(j);
	json_key(j, "uptime");
	if (has_process(c))
		json_int(j, now.tv_sec - c->started.tv_sec - (now.tv_nsec < c->started.tv_nsec));
	else
		json_null(j);
	json_key(j, "restarts");
	json_uint(j, c->restarts);
	key_str(j, "last_exit", c->last_exit[0] ? c->last_exit : NULL);
	key_str(j, "restart_policy", restart_kind_str(m->restart.kind));
	write_health(j, c);
	write_limits(j, sv, m);
	write_sets(j, m);
	key_str(j, "seccomp", m->seccomp == SECCOMP_PROFILE_DEFAULT ? "default" : "unconfined");
	json_key(j, "no_new_privs");
	json_bool(j, m->no_new_privs);
	json_key(j, "read_only");
	json_bool(j, m->read_only);
	key_str(j, "network_mode", net_mode_str(m->network_mode));
	key_str(j, "userns", userns_mode_str(m->userns));
	json_key(j, "insecure_allow_unsigned");
	json_bool(j, m->insecure_allow_unsigned);
	json_key(j, "uid_base");
	if (c->uid_base)
		json_uint(j, c->uid_base);
	else
		json_null(j);
	if (c->attached)
		ip_addr_format(&c->addr.addr, addr, sizeof addr);
	key_str(j, "address", c->attached ? addr : NULL);
	stats_container_json(sv, j, l, c);
	json_object_end(j);
}

/* The host's RAM, the reserve kept from the containers, and their common
 * memory.max (null when it could not be set). */
static void
write_memory(struct json *j, const struct sv *sv)
{
	json_key(j, "memory");
	json_object_begin(j);
	key_bytes(j, "ram", sv->mem_ram);
	key_bytes(j, "reserve", sv->mem_reserve);
	key_bytes(j, "containers", sv->mem_shared);
	json_object_end(j);
}

void
status_to_json(struct sv *sv, struct json *j)
{
	struct links *l = stats_links_read(sv);
	const char *power = sv->power_signal == SIGUSR2	  ? "poweroff"
			    : sv->power_signal == SIGTERM ? "reboot"
							  : NULL;

	json_object_begin(j);
	json_key(j, "supervisor");
	json_object_begin(j);
	key_str(j, "version", BERTH_VERSION);
	json_key(j, "pid");
	json_int(j, getpid());
	json_key(j, "shutting_down");
	json_bool(j, sv->shutting_down);
	key_str(j, "power", power);
	write_memory(j, sv);
	json_object_end(j);
	apply_status_json(sv, j);
	json_key(j, "containers");
	json_array_begin(j);
	for (size_t i = 0; i < sv->n; i++)
		write_container(j, sv, &sv->c[i], l);
	json_array_end(j);
	json_object_end(j);
	stats_links_free(l);
}
