/* SPDX-License-Identifier: MIT */
/* syslog.c: RFC 5424 formatting, RFC 6587 octet-counting framing, and the
 * kernel's /dev/kmsg records read as syslog messages. */
#include <stdlib.h>
#include <string.h>

#include "log/syslog.h"

/* Appends to a fixed buffer; once something does not fit, all is lost. */
struct out {
	char *p;
	size_t size, len;
	bool full;
};

/* The next n bytes of o to write into, or NULL when they do not fit. */
static char *
reserve(struct out *o, size_t n)
{
	char *d;

	if (o->full || n > o->size - o->len) {
		o->full = true;
		return NULL;
	}
	d = o->p + o->len;
	o->len += n;
	return d;
}

static void
put(struct out *o, const char *s, size_t n)
{
	char *d = reserve(o, n);

	if (d)
		memcpy(d, s, n);
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* v in decimal at p (room for 20 digits); returns how many. On busy logs
 * snprintf, parsing its format for every number, was a fifth of the
 * supervisor's time. */
static size_t
dec(char *p, uint64_t v)
{
	size_t n = 1;

	for (uint64_t t = v; t >= 10; t /= 10)
		n++;
	for (size_t i = n; i > 0; i--, v /= 10)
		p[i - 1] = (char)('0' + v % 10);
	return n;
}

static void
put_dec(struct out *o, uint64_t v)
{
	char num[20];

	put(o, num, dec(num, v));
}

/* A header field: "-" when empty, else printable US-ASCII, at most max. */
static void
put_field(struct out *o, const char *s, size_t max)
{
	if (!s || !*s) {
		put(o, "-", 1);
		return;
	}
	size_t n = strnlen(s, max);
	char *d = reserve(o, n);
	if (!d)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		d[i] = c >= 33 && c <= 126 ? (char)c : '_';
	}
}

static void
put_param_name(struct out *o, const char *name)
{
	put(o, " ", 1);
	puts_(o, name);
	put(o, "=\"", 2);
}

/* RFC 5424 6.3.3: '"', '\' and ']' in a PARAM-VALUE are escaped. The
 * value goes in runs between the bytes to escape. */
static void
put_param(struct out *o, const char *name, const char *value)
{
	const char *s = value;

	put_param_name(o, name);
	for (;;) {
		size_t n = strcspn(s, "\"\\]");
		put(o, s, n);
		s += n;
		if (!*s)
			break;
		char esc[2] = {'\\', *s++};
		put(o, esc, 2);
	}
	put(o, "\"", 1);
}

/* Digits need no escaping. */
static void
put_param_dec(struct out *o, const char *name, uint64_t v)
{
	put_param_name(o, name);
	put_dec(o, v);
	put(o, "\"", 1);
}

void
syslog_rfc3339(const struct timespec *ts, char out[static 28])
{
	/* gmtime_r and strftime were a tenth of the supervisor's time, and
	 * lines come many to a second: the text of the last second seen is
	 * kept. Static, since every program that formats times is
	 * single-threaded. */
	static bool cached;
	static time_t cached_sec;
	static char date[20];
	time_t t = ts->tv_sec;
	long us = ts->tv_nsec / 1000;

	if (!cached || t != cached_sec) {
		struct tm tm;

		if (!gmtime_r(&t, &tm) ||
		    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm) != 19)
			memcpy(date, "0000-00-00T00:00:00", 20);
		cached_sec = t;
		cached = true;
	}
	memcpy(out, date, 19);
	out[19] = '.';
	for (int i = 25; i >= 20; i--, us /= 10)
		out[i] = (char)('0' + us % 10);
	out[26] = 'Z';
	out[27] = '\0';
}

static void
put_message(struct out *o, const struct syslog_msg *m)
{
	char ts[28];

	put(o, "<", 1);
	put_dec(o, (unsigned)((m->facility & 0x1f) * 8 + (m->severity & 7)));
	put(o, ">1 ", 3);
	syslog_rfc3339(&m->time, ts);
	put(o, ts, 27);
	put(o, " ", 1);
	put_field(o, m->hostname, 255);
	put(o, " ", 1);
	put_field(o, m->app, 48);
	put(o, " ", 1);
	if (m->procid > 0)
		put_dec(o, (uint64_t)m->procid);
	else
		put(o, "-", 1);
	put(o, " ", 1);
	put_field(o, m->msgid, 32);
	put(o, " [" SYSLOG_SD_ID, 1 + 1 + strlen(SYSLOG_SD_ID));
	put_param_dec(o, "seq", m->seq);
	if (m->boot)
		put_param(o, "boot", m->boot);
	if (!m->host)
		put_param_dec(o, "restarts", m->restarts);
	if (m->image)
		put_param(o, "image", m->image);
	put(o, "]", 1);
	if (m->len) {
		put(o, " ", 1);
		put(o, m->text, m->len);
	}
}

ssize_t
syslog_format(char *buf, size_t size, const struct syslog_msg *m, bool framed)
{
	struct out o = {buf, size, 0, false};
	char prefix[21];

	put_message(&o, m);
	if (o.full)
		return -1;
	if (!framed)
		return (ssize_t)o.len;
	size_t n = dec(prefix, o.len);
	prefix[n++] = ' ';
	if (n > size - o.len)
		return -1;
	memmove(buf + n, buf, o.len);
	memcpy(buf, prefix, n);
	return (ssize_t)(o.len + n);
}

ssize_t
syslog_frame_len(const char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (i == 9 || (i == 0 && p[i] == '0'))
			return -1;
		len = len * 10 + (size_t)(p[i] - '0');
	}
	if (i == n)
		return 0;
	if (i == 0 || p[i] != ' ')
		return -1;
	return i + 1 + len <= n ? (ssize_t)(i + 1 + len) : 0;
}

/* /dev/kmsg records (Documentation/ABI/testing/dev-kmsg). */

void
syslog_kmsg_app(struct syslog_msg *m, char app[49])
{
	size_t n = 0;
	const char *p = m->text, *end = m->text + m->len;

	while (p + n < end && n < 48 &&
	       (p[n] == '-' || p[n] == '_' || p[n] == '.' || (p[n] >= '0' && p[n] <= '9') ||
		(p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')))
		n++;
	const char *q = p + n;
	long pid = 0;
	if (n && q < end && *q == '[') {
		char *e;
		pid = strtol(q + 1, &e, 10);
		q = e < end && *e == ']' ? e + 1 : p;
	}
	if (n == 0 || q + 1 >= end || q[0] != ':' || q[1] != ' ')
		return;
	memcpy(app, p, n);
	app[n] = '\0';
	m->app = app;
	m->procid = pid;
	m->len -= (size_t)(q + 2 - m->text);
	m->text = q + 2;
}

int
syslog_kmsg_parse(char *rec, size_t len, struct syslog_msg *m, uint64_t *usec)
{
	char *semi = memchr(rec, ';', len), *nl, *e;

	if (!semi)
		return -1;
	*semi = '\0';
	unsigned long pri = strtoul(rec, &e, 10);
	if (*e != ',')
		return -1;
	m->seq = strtoull(e + 1, &e, 10);
	if (*e != ',')
		return -1;
	*usec = strtoull(e + 1, &e, 10);
	m->facility = (int)(pri >> 3);
	m->severity = (int)(pri & 7);
	m->text = semi + 1;
	nl = memchr(m->text, '\n', len - (size_t)(m->text - rec));
	m->len = nl ? (size_t)(nl - m->text) : len - (size_t)(m->text - rec);
	return 0;
}
