/* SPDX-License-Identifier: MIT */
/* The fields of one container that differ between two manifests, each as
 * canonical text; environment values are never copied. */
#include <stdlib.h>
#include <string.h>

#include "manifest/cap.h"
#include "manifest/diff-impl.h"

static char *
image_text(const struct container *c)
{
	const struct image_ref *r = &c->image;

	return dv_printf("%s:%s%s%s%s%s", image_kind_str(r->kind), r->path, r->tag ? ":" : "",
			 r->tag ? r->tag : "", r->digest[0] ? "@sha256:" : "", r->digest);
}

static char *
entrypoint_text(const struct container *c)
{
	return c->has_entrypoint ? dv_argv(c->entrypoint, c->n_entrypoint) : strdup("(the image's)");
}

static char *
command_text(const struct container *c)
{
	return c->has_command ? dv_argv(c->command, c->n_command) : strdup("(the image's)");
}

static char *
user_text(const struct container *c)
{
	if (!c->has_user)
		return strdup("(the image's)");
	return dv_printf("%s%s%s", c->user.user, c->user.group[0] ? ":" : "", c->user.group);
}

static char *
working_dir_text(const struct container *c)
{
	return strdup(c->working_dir ? c->working_dir : "(the image's)");
}

static char *
hostname_text(const struct container *c)
{
	return dv_str(c->hostname);
}

/* Ports and volumes are sets: written in another order, they are the same. */
static char *
ports_text(const struct container *c)
{
	struct strv s = {0};
	char buf[96];

	for (size_t i = 0; i < c->n_ports; i++) {
		port_map_format(&c->ports[i], buf, sizeof buf);
		strv_add(&s, strdup(buf));
	}
	return strv_done(&s, true);
}

static char *
volume_text(const struct volume *v)
{
	const char *ro = v->read_only ? ":ro" : "";

	if (v->kind != VOLUME_TMPFS)
		return dv_printf("%s:%s%s", v->source, v->target, ro);
	char *size = dv_size(v->tmpfs_size);
	char *t = size ? dv_printf("tmpfs:%s:size=%s,mode=%04o%s", v->target, size, v->tmpfs_mode,
				   v->read_only ? ",ro" : "")
		       : NULL;
	free(size);
	return t;
}

static char *
volumes_text(const struct container *c)
{
	struct strv s = {0};

	for (size_t i = 0; i < c->n_volumes; i++)
		strv_add(&s, volume_text(&c->volumes[i]));
	return strv_done(&s, true);
}

static char *
read_only_text(const struct container *c)
{
	return dv_bool(c->read_only);
}

static char *
storage_text(const struct container *c)
{
	char *size, *t;

	if (c->read_only)
		return strdup("(none)");
	size = dv_size(c->storage_size);
	t = size ? dv_printf("size %s", size) : NULL;
	free(size);
	return t;
}

static char *
caps_text(uint64_t set, bool all)
{
	struct strv s = {0};

	if (all || set == CAP_ALL_SET)
		strv_add(&s, strdup("ALL"));
	else
		for (int c = 0; c < CAP_NUM; c++)
			if (set & CAP_BIT(c))
				strv_add(&s, strdup(cap_name(c)));
	return strv_done(&s, false);
}

static char *
cap_add_text(const struct container *c)
{
	return caps_text(c->cap_add, false);
}

static char *
cap_drop_text(const struct container *c)
{
	return caps_text(c->cap_drop, c->cap_drop_all);
}

static char *
security_text(const struct container *c)
{
	return dv_printf("[no-new-privileges:%s, seccomp=%s]", c->no_new_privs ? "true" : "false",
			 c->seccomp == SECCOMP_PROFILE_DEFAULT ? "default" : "unconfined");
}

static char *
network_mode_text(const struct container *c)
{
	return strdup(net_mode_str(c->network_mode));
}

static char *
userns_text(const struct container *c)
{
	return strdup(userns_mode_str(c->userns));
}

static char *
restart_text(const struct container *c)
{
	if (c->restart.kind == RESTART_ON_FAILURE && c->restart.max_retries)
		return dv_printf("on-failure:%u", c->restart.max_retries);
	return strdup(restart_kind_str(c->restart.kind));
}

static char *
depends_text(const struct container *c)
{
	struct strv s = {0};

	for (size_t i = 0; i < c->n_depends_on; i++)
		strv_add(&s, dv_printf("%s: %s", c->depends_on[i].name,
				       dep_condition_str(c->depends_on[i].condition)));
	return strv_done(&s, true);
}

static char *
health_text(const struct container *c)
{
	const struct healthcheck *h = &c->health;
	char *test, *iv = NULL, *to = NULL, *sp = NULL, *t = NULL;
	char **argv;

	if (h->kind == HEALTH_NONE)
		return strdup("none");
	argv = calloc(h->n_test + 1, sizeof *argv);
	if (!argv)
		return NULL;
	argv[0] = h->kind == HEALTH_CMD ? "CMD" : "CMD-SHELL";
	memcpy(argv + 1, h->test, h->n_test * sizeof *argv);
	test = dv_argv(argv, h->n_test + 1);
	free(argv);
	iv = dv_duration(h->interval_ms);
	to = dv_duration(h->timeout_ms);
	sp = dv_duration(h->start_period_ms);
	if (test && iv && to && sp)
		t = dv_printf("%s, interval %s, timeout %s, retries %u, start_period %s", test, iv,
			      to, h->retries, sp);
	free(test);
	free(iv);
	free(to);
	free(sp);
	return t;
}

static char *
mem_text(const struct container *c)
{
	return c->mem_limit ? dv_size(c->mem_limit) : strdup("none");
}

static char *
cpus_text(const struct container *c)
{
	char buf[32];

	if (!c->cpus_milli)
		return strdup("none");
	cpus_format(c->cpus_milli, buf, sizeof buf);
	return strdup(buf);
}

static char *
pids_text(const struct container *c)
{
	return c->pids_limit ? dv_uint(c->pids_limit) : strdup("-1");
}

static char *
signal_text(const struct container *c)
{
	char buf[32];

	signal_format(c->stop_signal, buf, sizeof buf);
	return strdup(buf);
}

static char *
grace_text(const struct container *c)
{
	return dv_duration(c->stop_grace_ms);
}

static char *
essential_text(const struct container *c)
{
	return dv_bool(c->essential);
}

static char *
extra_hosts_text(const struct container *c)
{
	return dv_host_entries(c->extra_hosts, c->n_extra_hosts);
}

static char *
unsigned_text(const struct container *c)
{
	return dv_bool(c->insecure_allow_unsigned);
}

/* In the order of docs/manifest.md; environment is diff_env's. */
static const struct {
	const char *field;
	char *(*text)(const struct container *c);
} fields[] = {
    {"containers.*.image", image_text},
    {"containers.*.entrypoint", entrypoint_text},
    {"containers.*.command", command_text},
    {"containers.*.environment", NULL},
    {"containers.*.user", user_text},
    {"containers.*.working_dir", working_dir_text},
    {"containers.*.hostname", hostname_text},
    {"containers.*.extra_hosts", extra_hosts_text},
    {"containers.*.ports", ports_text},
    {"containers.*.volumes", volumes_text},
    {"containers.*.read_only", read_only_text},
    {"containers.*.storage_opt", storage_text},
    {"containers.*.cap_add", cap_add_text},
    {"containers.*.cap_drop", cap_drop_text},
    {"containers.*.security_opt", security_text},
    {"containers.*.network_mode", network_mode_text},
    {"containers.*.userns", userns_text},
    {"containers.*.restart", restart_text},
    {"containers.*.depends_on", depends_text},
    {"containers.*.healthcheck", health_text},
    {"containers.*.mem_limit", mem_text},
    {"containers.*.cpus", cpus_text},
    {"containers.*.pids_limit", pids_text},
    {"containers.*.stop_signal", signal_text},
    {"containers.*.stop_grace_period", grace_text},
    {"containers.*.essential", essential_text},
    {"containers.*.insecure_allow_unsigned", unsigned_text},
};

static const struct env_var *
env_find(const struct container *c, const char *name)
{
	for (size_t i = 0; i < c->n_env; i++)
		if (strcmp(c->env[i].name, name) == 0)
			return &c->env[i];
	return NULL;
}

/* Each variable by name: added, removed or changed, never its value. */
static void
diff_env(struct change_list *l, const struct container *a, const struct container *b)
{
	static const char field[] = "containers.*.environment";

	for (size_t i = 0; i < a->n_env; i++)
		if (!env_find(b, a->env[i].name))
			cl_secret(l, field, CH_REMOVE, dv_printf("environment %s", a->env[i].name),
				  b->pos);
	for (size_t i = 0; i < b->n_env; i++) {
		const struct env_var *o = env_find(a, b->env[i].name);

		if (!o)
			cl_secret(l, field, CH_ADD, dv_printf("environment %s", b->env[i].name),
				  b->pos);
		else if (strcmp(o->value, b->env[i].value) != 0)
			cl_secret(l, field, CH_CHANGE, dv_printf("environment %s", b->env[i].name),
				  b->pos);
	}
}

void
diff_container(struct change_list *l, const struct container *cur, const struct container *next)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (!fields[i].text)
			diff_env(l, cur, next);
		else
			cl_scalar(l, fields[i].field, NULL, fields[i].text(cur),
				  fields[i].text(next), next->pos);
	}
}
