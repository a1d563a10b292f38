/* SPDX-License-Identifier: MIT */
/* image-pull: what `berthctl image pull REF` runs. A program of its own
 * so that libcurl and the TLS libraries it loads stay out of berthctl, and
 * out of an image that pulls nothing (as relp-send keeps librelp out). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "base/scalar.h"
#include "registry/pull.h"
#include "registry/ref.h"
#include "signatures.h"

/* Exit codes, as berthctl's (STYLE.md). */
#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 111

/* A host's defaults ride out a registry's restart (1+2+4+8 s). */
#define DEFAULT_RETRIES 4
#define DEFAULT_BACKOFF_MS 1000

static const char usage_text[] =
    "usage: berthctl image pull [--store DIR] [--auth FILE] [--ca FILE] [--json]\n"
    "                           [--policy FILE] [--lookaside URL]\n"
    "                           [--retries N] [--retry-delay MS] REF\n";

struct opts {
	const char *store, *ref;
	bool json;
	struct reg_opts reg;
	struct sigcheck sig;
};

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "berthctl: image pull: %s%s\n%s", what, arg, usage_text);
	return EXIT_USAGE;
}

static int
number(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->store = STORE_DEFAULT;
	o->reg.retries = DEFAULT_RETRIES;
	o->reg.backoff_ms = DEFAULT_BACKOFF_MS;
	o->sig.policy_file = TRUST_POLICY_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json"))
			o->json = true;
		else if (!strcmp(a, "--store") && v)
			o->store = argv[++i];
		else if (!strcmp(a, "--auth") && v)
			o->reg.auth_file = argv[++i];
		else if (!strcmp(a, "--ca") && v)
			o->reg.ca_file = argv[++i];
		else if (!strcmp(a, "--policy") && v)
			o->sig.policy_file = argv[++i];
		else if (!strcmp(a, "--lookaside") && v)
			o->sig.lookaside = argv[++i];
		else if (!strcmp(a, "--retries") && v && !number(v, 20, &o->reg.retries))
			i++;
		else if (!strcmp(a, "--retry-delay") && v && !number(v, 60000, &o->reg.backoff_ms))
			i++;
		else if (a[0] == '-' && a[1])
			return usage_error("unknown option, missing or bad value: ", a);
		else if (o->ref)
			return usage_error("one argument too many: ", a);
		else
			o->ref = a;
	}
	if (!o->ref)
		return usage_error("which image?", "");
	return 0;
}

struct progress {
	bool tty;
	char label[16]; /* the blob being shown: 12 digits of its digest */
	bool ended;	/* its end was shown */
	struct timespec last;
};

static long
ms_since(const struct timespec *t, const struct timespec *now)
{
	return (now->tv_sec - t->tv_sec) * 1000 + (now->tv_nsec - t->tv_nsec) / 1000000;
}

/* On a terminal a bar per blob, redrawn at most ten times a second; else
 * one line per blob when it is complete. libcurl calls on after the end
 * too: each blob's end is shown once. */
static void
on_progress(void *arg, const char *digest, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	struct timespec now;
	bool end = total && done >= total;
	char bar[32], a[32], b[32];
	int width = 30, fill;

	if (strncmp(p->label, digest, 12) != 0) {
		snprintf(p->label, sizeof p->label, "%.12s", digest);
		p->ended = false;
		p->last = (struct timespec){0};
	}
	if (p->ended)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!end && (!p->tty || ms_since(&p->last, &now) < 100))
		return;
	p->last = now;
	p->ended = end;
	size_format(total, b, sizeof b);
	if (!p->tty) {
		fprintf(stderr, "blob sha256:%s %s\n", p->label, b);
		return;
	}
	fill = total ? (int)((double)done / (double)total * width) : 0;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	size_format(done, a, sizeof a);
	fprintf(stderr, "\r\033[K%s [%s] %s of %s%s", p->label, bar, a, b, end ? "\n" : "");
}

static void
on_note(void *arg, const char *msg)
{
	struct progress *p = arg;

	fprintf(stderr, "%sberthctl: %s\n", p->tty ? "\r\033[K" : "", msg);
}

static int
print_json(const struct store_ref *r)
{
	struct json j;
	int rc;

	json_init(&j);
	store_ref_json(&j, r);
	if ((rc = json_finish(&j)) == 0)
		fputs(j.buf, stdout);
	json_free(&j);
	return rc == 0 ? 0 : EXIT_SYSTEM;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct progress p = {0};
	struct registry_ref ref;
	struct store s;
	struct store_ref out;
	const char *why;
	char err[REG_ERR_MAX];
	int rc;

	if ((rc = parse(argc, argv, &o)))
		return rc;
	if (registry_ref_parse(o.ref, &ref, &why) < 0) {
		fprintf(stderr, "berthctl: image %s: %s\n", o.ref, why);
		return EXIT_USAGE;
	}
	p.tty = isatty(STDERR_FILENO);
	o.reg.progress = on_progress;
	o.reg.note = on_note;
	o.reg.arg = &p;
	/* The trust policy first: a pull it would refuse fetches nothing. */
	o.sig.ca_file = o.reg.ca_file;
	o.sig.note = on_note;
	o.sig.note_arg = &p;
	o.reg.accept = sigcheck_accept;
	o.reg.accept_arg = &o.sig;
	if (sigcheck_load(&o.sig, err, sizeof err) < 0) {
		fprintf(stderr, "berthctl: image pull: %s\n", err);
		registry_ref_free(&ref);
		return EXIT_INVALID;
	}
	if (store_open(&s, o.store, STORE_EXCLUSIVE) < 0) {
		fprintf(stderr, "berthctl: %s\n", s.err);
		rc = EXIT_SYSTEM;
		goto out_store;
	}
	if (reg_pull(&s, &ref, &o.reg, &out, err, sizeof err) < 0) {
		fprintf(stderr, "%sberthctl: %s\n", p.tty ? "\r\033[K" : "", err);
		rc = EXIT_INVALID;
	} else if (o.json) {
		rc = print_json(&out);
	} else {
		printf("%s sha256:%s\n", out.reference, out.top);
	}
out_store:
	store_close(&s);
	sigcheck_free(&o.sig);
	registry_ref_free(&ref);
	return rc;
}
