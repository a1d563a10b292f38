/* SPDX-License-Identifier: MIT */
/* Manifest values as the canonical text a plan compares and prints. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/diff-impl.h"

char *
dv_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *
dv_str(const char *s)
{
	return strdup(s ? s : "(none)");
}

char *
dv_bool(bool b)
{
	return strdup(b ? "true" : "false");
}

char *
dv_uint(uint64_t v)
{
	return dv_printf("%llu", (unsigned long long)v);
}

/* The largest unit that divides the size exactly, as the manifest's own
 * spelling: a plan shows 1536m rather than 1.5g, which the parser refuses. */
char *
dv_size(uint64_t bytes)
{
	static const char units[] = "kmgt";
	unsigned u = 0;

	if (bytes == 0 || bytes % 1024)
		return dv_uint(bytes);
	while (u < 3 && bytes % (1024ull * 1024) == 0) {
		bytes /= 1024;
		u++;
	}
	return dv_printf("%llu%c", (unsigned long long)(bytes / 1024), units[u]);
}

char *
dv_duration(uint64_t ms)
{
	char buf[DURATION_STRLEN];

	duration_format(ms, buf, sizeof buf);
	return strdup(buf);
}

char *
dv_addr(const struct ip_addr *a)
{
	char buf[IP_ADDR_STRLEN];

	ip_addr_format(a, buf, sizeof buf);
	return strdup(buf);
}

char *
dv_prefix(const struct ip_prefix *p)
{
	char buf[IP_PREFIX_STRLEN];

	ip_prefix_format(p, buf, sizeof buf);
	return strdup(buf);
}

/* Closes a memstream: its text, or NULL (and nothing kept) on any error.
 * The stream sets *buf only when flushed, so it is read after fclose. */
static char *
stream_text(FILE *f, char **buf)
{
	if (ferror(f) | fclose(f)) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

static void
quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

char *
dv_argv(char *const *v, size_t n)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		quote(f, v[i]);
	}
	fputc(']', f);
	return stream_text(f, &buf);
}

void
strv_add(struct strv *s, char *item)
{
	if (!item) {
		s->failed = true;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char **v = realloc(s->v, cap * sizeof *v);

		if (!v) {
			free(item);
			s->failed = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = item;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
strv_sort(struct strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

char *
strv_join(const struct strv *s)
{
	char *buf = NULL;
	size_t len;
	FILE *f;

	if (s->failed || !(f = open_memstream(&buf, &len)))
		return NULL;
	fputc('[', f);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%s%s", i ? ", " : "", s->v[i]);
	fputc(']', f);
	return stream_text(f, &buf);
}

char *
strv_done(struct strv *s, bool sorted)
{
	char *t;

	if (sorted)
		strv_sort(s);
	t = strv_join(s);
	strv_free(s);
	return t;
}

void
strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

char *
dv_host_entries(const struct host_entry *v, size_t n)
{
	struct strv l = {0};
	char a[IP_ADDR_STRLEN];

	for (size_t i = 0; i < n; i++) {
		ip_addr_format(&v[i].addr, a, sizeof a);
		strv_add(&l, dv_printf("%s=%s", v[i].name, a));
	}
	return strv_done(&l, false);
}
