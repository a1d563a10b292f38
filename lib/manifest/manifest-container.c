/* SPDX-License-Identifier: MIT */
/* Reads the containers: section of the manifest, with Compose's field names
 * and, where berth differs, its documented rules. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/cap.h"
#include "manifest/manifest-parse.h"
#include "base/names.h"
#include "base/suggest.h"

#define PIDS_DEFAULT 4096
#define PIDS_MAX 4194304 /* PID_MAX_LIMIT on 64-bit */
#define MEM_MIN (4u << 20)
#define STORAGE_DEFAULT (256u << 20)
#define STORAGE_MIN (1u << 20)

void
mp_container_defaults(struct container *c)
{
	c->caps = cap_default_set();
	c->no_new_privs = true;
	c->seccomp = SECCOMP_PROFILE_DEFAULT;
	c->network_mode = NET_BRIDGE;
	c->restart.kind = RESTART_NO;
	c->health.kind = HEALTH_NONE;
	c->health.interval_ms = 30000;
	c->health.timeout_ms = 30000;
	c->health.retries = 3;
	c->pids_limit = PIDS_DEFAULT;
	c->storage_size = STORAGE_DEFAULT;
	c->stop_signal = SIGTERM;
	c->stop_grace_ms = 10000;
}

static void
c_image(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "an image like oci:images/web:1.0"), *why;

	if (s && image_ref_parse(s, &c->image, &why) < 0)
		mp_invalid(p, key, val, "image", why);
}

static void
c_entrypoint(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;

	c->has_entrypoint = mp_argv(p, key, val, MP_SPLIT, &c->entrypoint, &c->n_entrypoint);
}

static void
c_command(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;

	c->has_command = mp_argv(p, key, val, MP_SPLIT, &c->command, &c->n_command);
}

/* One NAME=value; at says where to report. */
static void
env_add(struct mparse *p, const struct ynode *at, struct container *c, const char *name,
	size_t nlen, const char *value)
{
	char q[DIAG_QUOTE_MAX], tmp[ENV_NAME_MAX + 1];
	struct env_var *e;
	const char *why;

	if (nlen > ENV_NAME_MAX) {
		mp_error(p, at, "environment: variable names are at most %d characters",
			 ENV_NAME_MAX);
		return;
	}
	memcpy(tmp, name, nlen);
	tmp[nlen] = '\0';
	if (name_env_check(tmp, &why) < 0) {
		mp_error(p, at, "environment: invalid variable name %s: %s",
			 diag_quote(q, name, nlen), why);
		return;
	}
	for (size_t i = 0; i < c->n_env; i++) {
		if (strcmp(c->env[i].name, tmp) == 0) {
			mp_error(p, at, "environment: %s is set twice", tmp);
			return;
		}
	}
	if (strlen(value) > MP_TEXT_MAX) {
		mp_error(p, at, "environment: the value of %s is longer than %d bytes", tmp,
			 MP_TEXT_MAX);
		return;
	}
	if (!(e = mp_push(p, &c->env, &c->n_env, sizeof(*e))))
		return;
	if (!(e->name = strdup(tmp)) || !(e->value = strdup(value)))
		diag_add(p->d, 0, 0, "out of memory");
}

static void
env_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	const char *s = mp_scalar(p, key, item, "NAME=value"), *eq;
	char q[DIAG_QUOTE_MAX];

	if (!s)
		return;
	if (!(eq = strchr(s, '='))) {
		mp_error(p, item,
			 "environment: %s has no value (write NAME=value; berth has no "
			 "host environment to take it from)",
			 diag_quote(q, item->str, item->len));
		return;
	}
	env_add(p, item, obj, s, (size_t)(eq - s), eq + 1);
}

static void
c_environment(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	if (val->type == YNODE_SEQ) {
		mp_seq(p, key, val, MANIFEST_MAX_ENV, env_item, obj);
		return;
	}
	if (ynode_is_null(val))
		return;
	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val, "a mapping or a list of NAME=value");
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];

		if (i == 2 * MANIFEST_MAX_ENV) {
			mp_error(p, k, "environment: at most %d variables", MANIFEST_MAX_ENV);
			break;
		}
		if (k->skip || v->type == YNODE_BAD)
			continue;
		if (v->type != YNODE_SCALAR || ynode_is_null(v)) {
			mp_error(p, v,
				 "%s: expected a value, got %s (berth has no host environment "
				 "to take it from)",
				 k->str, ynode_kind(v));
			continue;
		}
		env_add(p, k, obj, k->str, k->len, v->str);
	}
}

static void
c_user(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "USER or USER:GROUP"), *why;

	if (!s)
		return;
	if (user_parse(s, &c->user, &why) < 0)
		mp_invalid(p, key, val, "user", why);
	else
		c->has_user = true;
}

static void
c_working_dir(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "an absolute path"), *why;

	if (!s)
		return;
	if (path_check_abs(s, &why) < 0)
		mp_invalid(p, key, val, "path", why);
	else
		mp_string(p, key, val, PATH_MAX_LEN, "an absolute path", &c->working_dir);
}

static void
c_hostname(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "a host name"), *why;

	if (!s)
		return;
	if (name_hostname_check(s, &why) < 0)
		mp_invalid(p, key, val, "host name", why);
	else
		mp_string(p, key, val, HOSTNAME_MAX, "a host name", &c->hostname);
}

static void
port_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct container *c = obj;
	struct port_map v, *slot;
	const char *s, *why;

	if (item->type == YNODE_MAP) {
		mp_error(p, item,
			 "ports: write a port as \"[IP:]HOST:CONTAINER[/PROTO]\" (the long "
			 "form is not supported)");
		return;
	}
	if (!(s = mp_scalar(p, key, item, "a port like \"8080:80/tcp\"")))
		return;
	if (port_map_parse(s, &v, &why) < 0) {
		mp_invalid(p, key, item, "port mapping", why);
		return;
	}
	v.pos = mp_pos(item);
	if (++p->n_ports == MANIFEST_MAX_ALL_PORTS + 1)
		mp_error(p, item, "ports: more than %d in the manifest", MANIFEST_MAX_ALL_PORTS);
	if (p->n_ports <= MANIFEST_MAX_ALL_PORTS &&
	    (slot = mp_push(p, &c->ports, &c->n_ports, sizeof(*slot))))
		*slot = v;
}

static void
c_ports(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_PORTS, port_item, obj);
}

static void
volume_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct container *c = obj;
	struct volume v, *slot;
	const char *s, *why;

	if (item->type == YNODE_MAP) {
		mp_error(p, item,
			 "volumes: write a volume as \"SOURCE:TARGET[:OPTIONS]\" (the long "
			 "form is not supported)");
		return;
	}
	if (!(s = mp_scalar(p, key, item, "a volume like \"data:/var/lib/data\"")))
		return;
	if (volume_parse(s, &v, &why) < 0) {
		mp_invalid(p, key, item, "volume", why);
		return;
	}
	v.pos = mp_pos(item);
	for (size_t i = 0; i < c->n_volumes; i++) {
		if (strcmp(c->volumes[i].target, v.target) == 0) {
			mp_error(p, item, "volumes: two mounts at %s (first at %u:%u)", v.target,
				 c->volumes[i].pos.line, c->volumes[i].pos.col);
			volume_free(&v);
			return;
		}
	}
	if ((slot = mp_push(p, &c->volumes, &c->n_volumes, sizeof(*slot))))
		*slot = v;
	else
		volume_free(&v);
}

static void
c_volumes(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_VOLUMES, volume_item, obj);
}

/* One capability name into *set; "ALL" sets *all. */
static void
cap_item(struct mparse *p, const struct ynode *key, const struct ynode *item, uint64_t *set,
	 bool *all)
{
	const char *names[CAP_NUM], *best, *s = mp_scalar(p, key, item, "a capability name"), *why;
	char q[DIAG_QUOTE_MAX];
	int cap;

	if (!s)
		return;
	if (strcmp(s, "ALL") == 0) {
		*all = true;
		return;
	}
	if (cap_parse(s, &cap, &why) < 0) {
		for (int i = 0; i < CAP_NUM; i++)
			names[i] = cap_name(i);
		best = suggest(strncmp(s, "CAP_", 4) == 0 ? s + 4 : s, names, CAP_NUM);
		if (best)
			mp_error(p, item, "%s: unknown capability %s (did you mean \"%s\"?)",
				 key->str, diag_quote(q, item->str, item->len), best);
		else
			mp_invalid(p, key, item, "capability", why);
		return;
	}
	if (*set & CAP_BIT(cap)) {
		mp_error(p, item, "%s: %s is listed twice", key->str, cap_name(cap));
		return;
	}
	*set |= CAP_BIT(cap);
}

static void
cap_add_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct container *c = obj;
	bool all = false;

	cap_item(p, key, item, &c->cap_add, &all);
	if (all)
		c->cap_add = CAP_ALL_SET;
}

static void
cap_drop_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct container *c = obj;

	cap_item(p, key, item, &c->cap_drop, &c->cap_drop_all);
}

static void
c_cap_add(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_LIST, cap_add_item, obj);
}

static void
c_cap_drop(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_LIST, cap_drop_item, obj);
}

/* no-new-privileges[:true|false], seccomp=default|unconfined; ':' or '='. */
static void
secopt_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, item, "a security option"), *v;
	size_t n;

	if (!s)
		return;
	n = strcspn(s, ":=");
	v = s[n] ? s + n + 1 : NULL;
	if (n == 17 && strncmp(s, "no-new-privileges", n) == 0) {
		if (!v || strcmp(v, "true") == 0)
			c->no_new_privs = true;
		else if (strcmp(v, "false") == 0)
			c->no_new_privs = false;
		else
			mp_invalid(p, key, item, "security option",
				   "expected no-new-privileges:true "
				   "or no-new-privileges:false");
		return;
	}
	if (n == 7 && strncmp(s, "seccomp", n) == 0) {
		if (v && strcmp(v, "default") == 0)
			c->seccomp = SECCOMP_PROFILE_DEFAULT;
		else if (v && strcmp(v, "unconfined") == 0)
			c->seccomp = SECCOMP_PROFILE_UNCONFINED;
		else
			mp_invalid(p, key, item, "security option",
				   "berth's seccomp profiles are seccomp=default and "
				   "seccomp=unconfined");
		return;
	}
	mp_invalid(p, key, item, "security option",
		   "expected no-new-privileges[:true|false] or seccomp=default|unconfined");
}

static void
c_security_opt(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_seq(p, key, val, MANIFEST_MAX_LIST, secopt_item, obj);
}

static const char *const net_mode_names[] = {
    [NET_BRIDGE] = "bridge", [NET_NONE] = "none", [NET_HOST] = "host"};

static const char *const userns_names[] = {[USERNS_PRIVATE] = "private", [USERNS_HOST] = "host"};

static void
c_restart(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "no, always, on-failure[:N] or unless-stopped"),
		   *why;

	if (s && restart_parse(s, &c->restart, &why) < 0)
		mp_invalid(p, key, val, "restart policy", why);
}

static struct dependency *
dep_add(struct mparse *p, const struct ynode *at, struct container *c, const char *name)
{
	struct dependency *d;

	for (size_t i = 0; i < c->n_depends_on; i++) {
		if (strcmp(c->depends_on[i].name, name) == 0) {
			mp_error(p, at, "depends_on: %s is listed twice", name);
			return NULL;
		}
	}
	if (!(d = mp_push(p, &c->depends_on, &c->n_depends_on, sizeof(*d))))
		return NULL;
	d->pos = mp_pos(at);
	if (!(d->name = strdup(name))) {
		c->n_depends_on--;
		diag_add(p->d, 0, 0, "out of memory");
		return NULL;
	}
	return d;
}

static void
dep_item(struct mparse *p, const struct ynode *key, const struct ynode *item, void *obj)
{
	const char *s = mp_scalar(p, key, item, "a container name");

	if (s && item->len <= CONTAINER_NAME_MAX)
		dep_add(p, item, obj, s);
	else if (s)
		mp_error(p, item, "depends_on: container names are at most %d characters",
			 CONTAINER_NAME_MAX);
}

static const char *const dep_condition_names[] = {
    [DEP_STARTED] = "service_started",
    [DEP_HEALTHY] = "service_healthy",
    [DEP_COMPLETED] = "service_completed_successfully",
};

static const struct mfield dep_fields[] = {
    MF_ENUM("condition", struct dependency, condition, dep_condition_names),
};

static void
c_depends_on(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct dependency *d;

	if (val->type != YNODE_MAP) {
		if (!ynode_is_null(val) && val->type != YNODE_SEQ)
			mp_expected(p, key, val, "a list of container names or a mapping");
		else
			mp_seq(p, key, val, MANIFEST_MAX_CONTAINERS, dep_item, obj);
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];

		if (i == 2 * MANIFEST_MAX_CONTAINERS) {
			mp_error(p, k, "depends_on: at most %d entries", MANIFEST_MAX_CONTAINERS);
			break;
		}
		if (k->skip || v->type == YNODE_BAD)
			continue;
		if (k->len > CONTAINER_NAME_MAX) {
			mp_error(p, k, "depends_on: container names are at most %d characters",
				 CONTAINER_NAME_MAX);
			continue;
		}
		if ((d = dep_add(p, k, obj, k->str)))
			mp_map(p, k, v, dep_fields, 1, d);
	}
}

/* healthcheck: */
static void
h_test(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct healthcheck *h = obj;
	char **v;
	size_t n;

	if (val->type == YNODE_SCALAR && !ynode_is_null(val)) {
		/* A string is a CMD-SHELL test, as in Compose. */
		if (val->len > MP_TEXT_MAX) {
			mp_error(p, val, "test: longer than %d bytes", MP_TEXT_MAX);
			return;
		}
		if (!(h->test = calloc(1, sizeof(*h->test))) || !(h->test[0] = strdup(val->str))) {
			diag_add(p->d, 0, 0, "out of memory");
			return;
		}
		h->n_test = 1;
		h->kind = HEALTH_SHELL;
		return;
	}
	if (val->type != YNODE_SEQ) {
		mp_expected(p, key, val,
			    "a list like [\"CMD\", \"/bin/check\"] or a shell command");
		return;
	}
	if (!mp_argv(p, key, val, 0, &v, &n))
		return;
	if (n == 0 || (strcmp(v[0], "CMD") && strcmp(v[0], "CMD-SHELL") && strcmp(v[0], "NONE")))
		mp_error(p, val, "test: the list starts with \"CMD\", \"CMD-SHELL\" or \"NONE\"");
	else if (strcmp(v[0], "CMD") == 0 && n < 2)
		mp_error(p, val, "test: \"CMD\" needs the command and its arguments after it");
	else if (strcmp(v[0], "CMD-SHELL") == 0 && n != 2)
		mp_error(p, val, "test: \"CMD-SHELL\" takes exactly one shell command after it");
	else if (strcmp(v[0], "NONE") == 0 && n != 1)
		mp_error(p, val, "test: \"NONE\" takes nothing after it");
	else {
		h->kind = strcmp(v[0], "CMD") == 0	   ? HEALTH_CMD
			  : strcmp(v[0], "CMD-SHELL") == 0 ? HEALTH_SHELL
							   : HEALTH_NONE;
		h->n_test = n - 1;
		h->test = v;
		free(v[0]);
		memmove(v, v + 1, (n - 1) * sizeof(*v));
		if (h->n_test == 0) {
			free(v);
			h->test = NULL;
		}
		return;
	}
	mp_free_argv(v, n);
}

static void
h_disable(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	(void)p, (void)key, (void)val, (void)obj; /* read after the walk */
}

static const struct mfield health_fields[] = {
    MF_FN("test", h_test),
    MF_DUR_NZ("interval", struct healthcheck, interval_ms),
    MF_DUR_NZ("timeout", struct healthcheck, timeout_ms),
    MF_U32("retries", struct healthcheck, retries, 1, 1000000),
    MF_DUR("start_period", struct healthcheck, start_period_ms),
    MF_FN("disable", h_disable),
};

static void
c_healthcheck(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct healthcheck *h = &((struct container *)obj)->health;
	const struct ynode *test, *disable;
	bool off = false;

	if (!mp_map(p, key, val, health_fields, sizeof(health_fields) / sizeof(health_fields[0]),
		    h))
		return;
	test = mp_get(val, "test");
	disable = mp_get_key(val, "disable");
	if (disable && mp_bool(p, disable, mp_get(val, "disable"), &off) && off && test)
		mp_error(p, disable,
			 "disable: give either \"test\" or \"disable: true\", not both");
	if (off) {
		mp_free_argv(h->test, h->n_test);
		h->test = NULL;
		h->n_test = 0;
		h->kind = HEALTH_NONE;
	} else if (!test && !ynode_is_null(val)) {
		mp_error(p, val, "healthcheck: missing required key \"test\"");
	}
}

static void
c_cpus(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "a number of CPUs like 0.5"), *why;

	if (s && scalar_cpus(s, &c->cpus_milli, &why) < 0)
		mp_invalid(p, key, val, "CPU count", why);
}

static void
c_pids_limit(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "a number"), *why;
	uint64_t v;

	if (!s)
		return;
	if (strcmp(s, "-1") == 0)
		c->pids_limit = 0;
	else if (scalar_uint(s, PIDS_MAX, &v, &why) < 0 || v == 0)
		mp_invalid(p, key, val, "number", "expected -1 (no limit) or 1 to 4194304");
	else
		c->pids_limit = (uint32_t)v;
}

static void
c_stop_signal(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;
	const char *s = mp_scalar(p, key, val, "a signal like SIGTERM"), *why;

	if (s && signal_parse(s, &c->stop_signal, &why) < 0)
		mp_invalid(p, key, val, "signal", why);
}

/* Compose's storage_opt takes the storage driver's options; berth's
 * writable layer is a tmpfs, whose one option is its size. */
static const struct mfield storage_fields[] = {
    MF_SIZE("size", struct container, storage_size, STORAGE_MIN),
};

static void
c_storage_opt(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	mp_map(p, key, val, storage_fields, sizeof(storage_fields) / sizeof(storage_fields[0]),
	       obj);
}

static void
c_extra_hosts(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	struct container *c = obj;

	mp_host_entries(p, key, val, &c->extra_hosts, &c->n_extra_hosts);
}

static const struct mfield container_fields[] = {
    MF_FN("image", c_image),
    MF_FN("entrypoint", c_entrypoint),
    MF_FN("command", c_command),
    MF_FN("environment", c_environment),
    MF_FN("user", c_user),
    MF_FN("working_dir", c_working_dir),
    MF_FN("hostname", c_hostname),
    MF_FN("extra_hosts", c_extra_hosts),
    MF_FN("ports", c_ports),
    MF_FN("volumes", c_volumes),
    MF_BOOL("read_only", struct container, read_only),
    MF_FN("storage_opt", c_storage_opt),
    MF_FN("cap_add", c_cap_add),
    MF_FN("cap_drop", c_cap_drop),
    MF_FN("security_opt", c_security_opt),
    MF_ENUM("network_mode", struct container, network_mode, net_mode_names),
    MF_ENUM("userns", struct container, userns, userns_names),
    MF_FN("restart", c_restart),
    MF_FN("depends_on", c_depends_on),
    MF_FN("healthcheck", c_healthcheck),
    MF_SIZE("mem_limit", struct container, mem_limit, MEM_MIN),
    MF_FN("cpus", c_cpus),
    MF_FN("pids_limit", c_pids_limit),
    MF_FN("stop_signal", c_stop_signal),
    MF_DUR("stop_grace_period", struct container, stop_grace_ms),
    MF_BOOL("essential", struct container, essential),
    MF_BOOL("insecure_allow_unsigned", struct container, insecure_allow_unsigned),
};

/* A capability both added and dropped is a contradiction, not a choice. */
static void
caps_resolve(struct mparse *p, const struct ynode *val, struct container *c)
{
	const struct ynode *add = mp_get(val, "cap_add");
	uint64_t both = c->cap_add & c->cap_drop;
	int cap;

	for (size_t i = 0; both && add && add->type == YNODE_SEQ && i < add->n; i++) {
		const struct ynode *it = add->kids[i];
		const char *why;

		if (it->type == YNODE_SCALAR && cap_parse(it->str, &cap, &why) == 0 &&
		    (both & CAP_BIT(cap))) {
			mp_error(p, it, "cap_add: %s is also in cap_drop", cap_name(cap));
			both &= ~CAP_BIT(cap);
		}
	}
	c->caps = ((c->cap_drop_all ? 0 : cap_default_set()) & ~c->cap_drop) | c->cap_add;
}

/* A size for a writable layer that is not there is a mistake, not a no-op. */
static void
storage_check(struct mparse *p, const struct ynode *val, const struct container *c)
{
	const struct ynode *key = mp_get_key(val, "storage_opt");

	if (c->read_only && key)
		mp_error(p, key,
			 "storage_opt: a read_only container has no writable layer to size");
}

/* The container's name as a host name: '_' is not allowed there. */
static char *
default_hostname(const char *name)
{
	char *h = strdup(name);
	const char *why;

	if (!h)
		return NULL;
	for (char *c = h; *c; c++)
		if (*c == '_')
			*c = '-';
	if (name_hostname_check(h, &why) < 0) {
		free(h);
		h = strdup("container");
	}
	return h;
}

static void
container(struct mparse *p, const struct ynode *k, const struct ynode *v)
{
	struct manifest *m = p->m;
	struct container *c;
	char q[DIAG_QUOTE_MAX];
	const char *why;

	if (name_container_check(k->str, &why) < 0)
		mp_error(p, k, "invalid container name %s: %s", diag_quote(q, k->str, k->len), why);
	else if (strcmp(k->str, "host") == 0) /* /var/log/berth/host.log is the host's */
		mp_error(p, k, "invalid container name \"host\": reserved for the host's log");
	if (!(c = mp_push(p, &m->containers, &m->n_containers, sizeof(*c))))
		return;
	mp_container_defaults(c);
	c->pos = mp_pos(k);
	if (!(c->name = strndup(k->str, CONTAINER_NAME_MAX + 1))) {
		diag_add(p->d, 0, 0, "out of memory");
		return;
	}
	if (!mp_map(p, k, v, container_fields,
		    sizeof(container_fields) / sizeof(container_fields[0]), c))
		return;
	if (!mp_get(v, "image"))
		mp_error(p, k, "container %s: missing required key \"image\"",
			 diag_quote(q, k->str, k->len));
	caps_resolve(p, v, c);
	storage_check(p, v, c);
	if (!c->hostname && !(c->hostname = default_hostname(c->name)))
		diag_add(p->d, 0, 0, "out of memory");
}

void
mp_containers(struct mparse *p, const struct ynode *key, const struct ynode *val, void *obj)
{
	(void)obj;
	if (ynode_is_null(val))
		return;
	if (val->type != YNODE_MAP) {
		mp_expected(p, key, val, "a mapping of container names to containers");
		return;
	}
	for (size_t i = 0; i + 1 < val->n; i += 2) {
		const struct ynode *k = val->kids[i], *v = val->kids[i + 1];

		if (k->skip || v->type == YNODE_BAD)
			continue;
		if (p->m->n_containers == MANIFEST_MAX_CONTAINERS) {
			mp_error(p, k, "more than %d containers", MANIFEST_MAX_CONTAINERS);
			return;
		}
		container(p, k, v);
	}
}
