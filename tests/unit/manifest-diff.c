/* SPDX-License-Identifier: MIT */
/* Unit tests of the manifest diff (lib/manifest/diff*.c): what each kind
 * of change does to a container, the stop and start orders, sets compared
 * as sets, secrets kept out, refusals, and the field table itself. */
#include <stdlib.h>

#include "check.h"
#include "manifest/diff.h"

#define HEAD "version: 1\nnetwork: {interfaces: []}\n"

static int
parse(const char *text, struct manifest *m)
{
	struct diag d;
	int r = manifest_parse_buffer("t.yaml", text, strlen(text), m, &d);

	for (size_t i = 0; i < d.n; i++)
		printf("  diag %u:%u: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
	diag_free(&d);
	return r;
}

/* Plans old -> new; 0 when both parse and the plan is made. */
static int
plan(const char *old, const char *new, struct manifest *a, struct manifest *b,
     struct manifest_plan *p)
{
	int ra = parse(old, a), rb = parse(new, b);

	if (ra < 0 || rb < 0) {
		memset(p, 0, sizeof *p);
		return -1;
	}
	return manifest_plan_make(a, b, p);
}

static void
done(struct manifest *a, struct manifest *b, struct manifest_plan *p)
{
	manifest_plan_free(p);
	manifest_free(a);
	manifest_free(b);
}

static const struct container_plan *
entry(const struct manifest_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n_containers; i++)
		if (strcmp(p->containers[i].name, name) == 0)
			return &p->containers[i];
	return NULL;
}

/* One container "c", before and after: what becomes of it. */
static const struct {
	const char *name, *old, *new;
	enum container_action want;
	const char *field; /* the change expected first, or NULL */
} container_cases[] = {
    {"unchanged", "", "", CA_KEEP, NULL},
    {"image", "", "    image: dir:images/b\n", CA_RECREATE, "containers.*.image"},
    {"command", "", "    entrypoint: [x]\n", CA_RECREATE, "containers.*.entrypoint"},
    {"environment", "    environment: {A: '1'}\n", "    environment: {A: '2'}\n", CA_RECREATE,
     "containers.*.environment"},
    {"user", "", "    user: '1000'\n", CA_RECREATE, "containers.*.user"},
    {"ports", "", "    ports: ['80:80']\n", CA_RECREATE, "containers.*.ports"},
    {"ports reordered", "    ports: ['80:80', '81:81']\n", "    ports: ['81:81', '80:80']\n",
     CA_KEEP, NULL},
    {"volumes", "", "    volumes: ['v:/v']\n", CA_RECREATE, "containers.*.volumes"},
    {"read_only", "", "    read_only: true\n", CA_RECREATE, "containers.*.read_only"},
    {"cap_add", "", "    cap_add: [NET_RAW]\n", CA_RECREATE, "containers.*.cap_add"},
    {"security_opt", "", "    security_opt: [seccomp=unconfined]\n", CA_RECREATE,
     "containers.*.security_opt"},
    {"network_mode", "", "    network_mode: none\n", CA_RECREATE,
     "containers.*.network_mode"},
    {"mem_limit", "", "    mem_limit: 64m\n", CA_CHANGE, "containers.*.mem_limit"},
    {"cpus", "", "    cpus: 0.5\n", CA_CHANGE, "containers.*.cpus"},
    {"pids_limit", "", "    pids_limit: 10\n", CA_CHANGE, "containers.*.pids_limit"},
    {"restart", "", "    restart: always\n", CA_CHANGE, "containers.*.restart"},
    {"healthcheck", "", "    healthcheck: {test: [CMD, 'true']}\n", CA_CHANGE,
     "containers.*.healthcheck"},
    {"stop_signal", "", "    stop_signal: INT\n", CA_CHANGE, "containers.*.stop_signal"},
    {"essential", "", "    essential: true\n", CA_CHANGE, "containers.*.essential"},
    {"live and recreate", "", "    essential: true\n    hostname: other\n", CA_RECREATE,
     "containers.*.hostname"},
};

static void
test_container_fields(void)
{
	for (size_t i = 0; i < sizeof container_cases / sizeof container_cases[0]; i++) {
		char old[512], new[512];
		struct manifest a, b;
		struct manifest_plan p;
		const struct container_plan *e;

		snprintf(old, sizeof old, HEAD "containers:\n  c:\n    image: dir:images/a\n%s",
			 container_cases[i].old);
		snprintf(new, sizeof new, HEAD "containers:\n  c:\n%s%s",
			 strstr(container_cases[i].new, "image:") ? "" : "    image: dir:images/a\n",
			 container_cases[i].new);
		CHECK(plan(old, new, &a, &b, &p) == 0, "%s: plans", container_cases[i].name);
		e = entry(&p, "c");
		CHECK(e && e->action == container_cases[i].want, "%s: action %s, want %s",
		      container_cases[i].name, e ? container_action_str(e->action) : "none",
		      container_action_str(container_cases[i].want));
		if (container_cases[i].field)
			CHECK_STR(e && e->n_changes ? e->changes[0].cls->field : NULL,
				  container_cases[i].field, "%s: field", container_cases[i].name);
		CHECK(manifest_plan_empty(&p) == (container_cases[i].want == CA_KEEP),
		      "%s: plan empty only when kept", container_cases[i].name);
		done(&a, &b, &p);
	}
}

static bool
plan_mentions(const struct manifest_plan *p, const char *s)
{
	for (size_t i = 0; i < p->n_containers; i++)
		for (size_t k = 0; k < p->containers[i].n_changes; k++) {
			const struct manifest_change *c = &p->containers[i].changes[k];

			if (strstr(c->label, s) || (c->old_value && strstr(c->old_value, s)) ||
			    (c->new_value && strstr(c->new_value, s)))
				return true;
		}
	return false;
}

static void
test_secrets(void)
{
	struct manifest a, b;
	struct manifest_plan p;
	struct json j;

	CHECK(plan(HEAD "containers:\n  c:\n    image: dir:x\n    environment: {PW: hunter2}\n",
		   HEAD "containers:\n  c:\n    image: dir:x\n    environment: {PW: swordfish, N: "
			"zebra7}\n",
		   &a, &b, &p) == 0,
	      "secrets: plans");
	CHECK(!plan_mentions(&p, "hunter2") && !plan_mentions(&p, "swordfish") &&
		  !plan_mentions(&p, "zebra7"),
	      "secrets: no environment value in the plan");
	CHECK(plan_mentions(&p, "environment PW") && plan_mentions(&p, "environment N"),
	      "secrets: the variables are named");
	json_init(&j);
	manifest_plan_to_json(&p, false, &j);
	CHECK(json_finish(&j) == 0 && !strstr(j.buf, "hunter2") && !strstr(j.buf, "swordfish"),
	      "secrets: none in the JSON either");
	json_free(&j);
	done(&a, &b, &p);
}

static const char *
names(const struct manifest_plan *p, const size_t *v, size_t n)
{
	static char buf[256];

	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "",
			 p->containers[v[i]].name);
	return buf;
}

/* db <- app <- web, and worker <- db; app is recreated, worker removed,
 * cron added after web. */
static void
test_order(void)
{
	struct manifest a, b;
	struct manifest_plan p;
	const char *old = HEAD "containers:\n"
			       "  web: {image: 'dir:w', depends_on: [app]}\n"
			       "  app: {image: 'dir:a', depends_on: [db]}\n"
			       "  worker: {image: 'dir:k', depends_on: [db]}\n"
			       "  db: {image: 'dir:d'}\n";
	const char *new = HEAD "containers:\n"
			       "  cron: {image: 'dir:c', depends_on: [web]}\n"
			       "  web: {image: 'dir:w', depends_on: [app]}\n"
			       "  app: {image: 'dir:a2', depends_on: [db]}\n"
			       "  db: {image: 'dir:d2'}\n";

	CHECK(plan(old, new, &a, &b, &p) == 0, "order: plans");
	CHECK_STR(names(&p, p.stop, p.n_stop), "worker app db",
		  "order: stops in reverse of the old start order");
	CHECK_STR(names(&p, p.start, p.n_start), "db app cron",
		  "order: starts in the new start order");
	CHECK(entry(&p, "web") && entry(&p, "web")->action == CA_KEEP,
	      "order: a dependent of a recreated container keeps running");
	CHECK(manifest_plan_count(&p, CA_STOP) == 1 && manifest_plan_count(&p, CA_START) == 1 &&
		  manifest_plan_count(&p, CA_RECREATE) == 2,
	      "order: counts");
	done(&a, &b, &p);
}

static const struct {
	const char *name, *old, *new;
	const char *field; /* the one change expected */
	enum change_op op;
	size_t update, reboot;
} host_cases[] = {
    {"hostname", "host: {hostname: a}\n", "host: {hostname: b}\n", "host.hostname", CH_CHANGE,
     0, 0},
    {"timezone", "", "host: {timezone: Europe/Berlin}\n", "host.timezone", CH_CHANGE, 1, 0},
    {"debug_console", "", "host: {debug_console: true}\n", "host.debug_console", CH_CHANGE, 0,
     1},
    {"init_on_free", "", "host: {init_on_free: false}\n", "host.init_on_free", CH_CHANGE, 1, 0},
    {"sysctl added", "", "host: {sysctls: {vm.swappiness: 1}}\n", "host.sysctls", CH_ADD, 0, 0},
    {"sysctl removed", "host: {sysctls: {vm.swappiness: 1}}\n", "", "host.sysctls.removed",
     CH_REMOVE, 0, 1},
    {"firewall rule", "", "network: {firewall: {allow: [{port: 22}]}}\n",
     "network.firewall.allow", CH_ADD, 0, 0},
    {"firewall reordered", "network: {firewall: {allow: [{port: 22}, {port: 80}]}}\n",
     "network: {firewall: {allow: [{port: 80}, {port: 22}]}}\n", NULL, CH_CHANGE, 0, 0},
    {"nameservers reordered", "network: {dns: {nameservers: [192.0.2.1, 192.0.2.2]}}\n",
     "network: {dns: {nameservers: [192.0.2.2, 192.0.2.1]}}\n", "network.dns.nameservers",
     CH_CHANGE, 0, 0},
    {"bridge subnet", "", "network: {bridge: {subnet: 10.9.0.0/24}}\n", "network.bridge.subnet",
     CH_CHANGE, 0, 1},
    {"log target", "logging: {forward: [{url: 'udp://a:1'}]}\n", "",
     "logging.forward", CH_REMOVE, 0, 0},
    {"firewall log off", "", "logging: {firewall: off}\n", "logging.firewall", CH_CHANGE, 0, 0},
    {"product", "", "update: {product: other}\n", "update.product", CH_CHANGE, 1, 0},
};

static void
test_host(void)
{
	for (size_t i = 0; i < sizeof host_cases / sizeof host_cases[0]; i++) {
		char old[512], new[512];
		struct manifest a, b;
		struct manifest_plan p;
		const char *n = host_cases[i].name;

		snprintf(old, sizeof old, "version: 1\n%s", host_cases[i].old);
		snprintf(new, sizeof new, "version: 1\n%s", host_cases[i].new);
		CHECK(plan(old, new, &a, &b, &p) == 0, "%s: plans", n);
		CHECK(p.n_changes == (host_cases[i].field ? 1u : 0u), "%s: %zu changes", n,
		      p.n_changes);
		if (host_cases[i].field && p.n_changes == 1) {
			CHECK_STR(p.changes[0].cls->field, host_cases[i].field, "%s: field", n);
			CHECK(p.changes[0].op == host_cases[i].op, "%s: op", n);
		}
		CHECK(p.n_update == host_cases[i].update && p.n_reboot == host_cases[i].reboot,
		      "%s: %zu update, %zu reboot", n, p.n_update, p.n_reboot);
		CHECK(manifest_plan_refusals(&p, false, NULL, NULL) ==
			  host_cases[i].update + host_cases[i].reboot,
		      "%s: refused without --reboot", n);
		CHECK(manifest_plan_refusals(&p, true, NULL, NULL) == host_cases[i].update,
		      "%s: with --reboot only what needs an update is refused", n);
		done(&a, &b, &p);
	}
}

/* The table is what apply acts on: every row complete, none twice. */
static void
test_table(void)
{
	bool ok = true;

	for (size_t i = 0; i < manifest_n_field_classes; i++) {
		const struct field_class *f = &manifest_field_classes[i];
		bool needs_why = f->effect == FX_REBOOT || f->effect == FX_UPDATE;

		if (manifest_field_class(f->field) != f || !f->label ||
		    needs_why != (f->reason && f->instead)) {
			printf("  bad row %s\n", f->field);
			ok = false;
		}
	}
	CHECK(ok, "table: unique rows, reasons exactly where a change is refused");
	CHECK(manifest_field_class("containers.*.image")->effect == FX_RECREATE,
	      "table: image recreates");
	CHECK(manifest_field_class("nope") == NULL, "table: unknown field");
}

int
main(void)
{
	test_container_fields();
	test_secrets();
	test_order();
	test_host();
	test_table();
	CHECK_EXIT();
}
