/* SPDX-License-Identifier: MIT */
/* Requests to a registry over libcurl: TLS always verified, 401s answered
 * once, transient failures retried with a bounded backoff. */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/io.h"
#include "registry/client.h"

/* A blob that stalls below one byte a second for this long is cut and
 * retried (resumed): the connection is as good as lost. */
#define STALL_SECONDS 30
#define BACKOFF_CAP_MS 30000

/* The fuzzer builds lib/ without the version. */
#ifndef BERTH_VERSION
#define BERTH_VERSION "dev"
#endif

int
reg_client_init(struct reg_client *c, const struct registry_ref *r, const struct reg_opts *o)
{
	static int global;

	memset(c, 0, sizeof *c);
	c->ref = r;
	c->opts = o;
	if (!global && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return io_errf(c->err, sizeof c->err, "libcurl cannot start");
	global = 1;
	if (o->auth_file && reg_auth_load(c, o->auth_file) < 0)
		return -1;
	if (!(c->curl = curl_easy_init()))
		return io_errf(c->err, sizeof c->err, "libcurl cannot start: out of memory");
	return 0;
}

void
reg_client_free(struct reg_client *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	if (c->pass)
		explicit_bzero(c->pass, strlen(c->pass));
	free(c->user);
	free(c->pass);
	free(c->token);
	memset(c, 0, sizeof *c);
}

int
reg_url(const struct reg_client *c, const char *kind, const char *what, char *buf, size_t len)
{
	int n =
	    snprintf(buf, len, "https://%s/v2/%s/%s/%s", c->ref->host, c->ref->repo, kind, what);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* What the callbacks of one attempt need. */
struct attempt {
	struct reg_client *c;
	struct reg_req *r;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct reg_req *r = ((struct attempt *)arg)->r;

	/* Bodies of errors are not the sink's. */
	if (r->status < 200 || r->status > 299)
		return size * n;
	if (r->write(p, size * n, r->arg) != size * n) {
		r->sink_failed = true;
		return 0;
	}
	return size * n;
}

/* Keeps the status code (of the last answer, after redirects) and the
 * headers the client needs. */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct reg_req *r = ((struct attempt *)arg)->r;
	size_t len = size * n, v;
	char line[sizeof r->challenge + 32];
	const char *val;

	if (len >= sizeof line)
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = strchr(line, ' ');

		r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		r->challenge[0] = r->content_type[0] = '\0';
		return len;
	}
	v = strcspn(line, ":");
	if (!line[v])
		return len;
	line[v] = '\0';
	val = line + v + 1 + strspn(line + v + 1, " \t");
	if (strcasecmp(line, "www-authenticate") == 0)
		snprintf(r->challenge, sizeof r->challenge, "%s", val);
	else if (strcasecmp(line, "content-type") == 0)
		snprintf(r->content_type, sizeof r->content_type, "%s", val);
	return len;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct attempt *a = arg;
	const struct reg_opts *o = a->c->opts;

	(void)dltotal, (void)ultotal, (void)ulnow;
	if (o->progress && a->r->label && a->r->status >= 200 && a->r->status <= 299)
		o->progress(o->arg, a->r->label, a->r->from + (uint64_t)dlnow, a->r->total);
	return 0;
}

/* The handle's options for one attempt; the credentials go through
 * libcurl's own auth, which it sends to the first host only: a redirect
 * to blob storage elsewhere never carries them. */
static int
setup(struct reg_client *c, struct attempt *a, struct curl_slist **hdrs)
{
	CURL *h = c->curl;
	struct reg_req *r = a->r;
	char line[256], range[64];

	curl_easy_reset(h);
	*hdrs = NULL;
	if (r->accept) {
		snprintf(line, sizeof line, "Accept: %s", r->accept);
		if (!(*hdrs = curl_slist_append(*hdrs, line)))
			return io_errf(c->err, sizeof c->err, "out of memory");
	}
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->opts->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->opts->ca_file);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)STALL_SECONDS);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "berth/" BERTH_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, a);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	if (r->from) {
		snprintf(range, sizeof range, "%llu-", (unsigned long long)r->from);
		curl_easy_setopt(h, CURLOPT_RANGE, range);
	}
	if (c->auth == REG_AUTH_BASIC) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->pass);
	} else if (c->auth == REG_AUTH_BEARER) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, c->token);
	}
	return 0;
}

/* One attempt: 0 when curl finished (whatever the status), else the curl
 * code (the sink's failure is CURLE_WRITE_ERROR with sink_failed). */
static int
attempt_once(struct reg_client *c, struct reg_req *r)
{
	struct attempt a = {c, r};
	struct curl_slist *hdrs;
	CURLcode rc;

	r->status = 0;
	r->challenge[0] = r->content_type[0] = '\0';
	r->sink_failed = false;
	if (r->begin && r->begin(r, r->arg) < 0)
		return CURLE_ABORTED_BY_CALLBACK;
	if (setup(c, &a, &hdrs) < 0)
		return CURLE_OUT_OF_MEMORY;
	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(hdrs);
	return rc;
}

int
reg_request_once(struct reg_client *c, struct reg_req *r)
{
	int rc = attempt_once(c, r);

	if (rc == 0)
		return 0;
	if (!r->sink_failed)
		io_errf(c->err, sizeof c->err, "%s: %s", r->url, curl_easy_strerror((CURLcode)rc));
	return -1;
}

size_t
reg_membuf_write(const char *p, size_t n, void *arg)
{
	struct reg_membuf *m = arg;

	if (m->n + n > m->max)
		return 0;
	if (m->n + n + 1 > m->cap) {
		size_t cap = (m->n + n + 1) * 2;
		char *np = realloc(m->p, cap);

		if (!np)
			return 0;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->n, p, n);
	m->n += n;
	m->p[m->n] = '\0';
	return n;
}

static bool
transient_curl(int rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool
transient_status(long s)
{
	return s == 408 || s == 429 || (s >= 500 && s <= 599);
}

/* One attempt and, on a 401, the challenge answered and one more. */
static int
attempt_authed(struct reg_client *c, struct reg_req *r)
{
	int rc = attempt_once(c, r);

	if (rc != 0 || r->status != 401)
		return rc;
	if (c->auth != REG_AUTH_NONE && c->auth != REG_AUTH_BEARER) {
		reg_auth_failed(c, r->status);
		return -1;
	}
	if (reg_auth_answer(c, r->challenge) < 0)
		return -1;
	rc = attempt_once(c, r);
	if (rc == 0 && r->status == 401) {
		reg_auth_failed(c, r->status);
		return -1;
	}
	return rc;
}

static void
pause_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
note(struct reg_client *c, const char *fmt, ...)
{
	char msg[REG_ERR_MAX + 64];
	va_list ap;

	if (!c->opts->note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	c->opts->note(c->opts->arg, msg);
}

int
reg_request(struct reg_client *c, struct reg_req *r)
{
	unsigned delay = c->opts->backoff_ms, i;

	for (i = 0;; i++) {
		int rc = attempt_authed(c, r);
		bool again;

		if (rc < 0 || r->sink_failed || rc == CURLE_ABORTED_BY_CALLBACK)
			return -1; /* c->err says why */
		if (rc == 0 && r->status >= 200 && r->status <= 299)
			return 0;
		if (rc != 0)
			io_errf(c->err, sizeof c->err, "registry %s: %s", c->ref->registry,
				curl_easy_strerror((CURLcode)rc));
		else if (r->status == 403)
			reg_auth_failed(c, r->status);
		else
			io_errf(c->err, sizeof c->err, "registry %s: %s: HTTP %ld",
				c->ref->registry, r->url, r->status);
		again = rc != 0 ? transient_curl(rc) : transient_status(r->status);
		if (!again || i >= c->opts->retries)
			break;
		note(c, "%s; retrying in %u ms (%u of %u)", c->err, delay, i + 1, c->opts->retries);
		pause_ms(delay);
		delay = delay * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : delay * 2;
	}
	if (i > 0)
		snprintf(c->err + strlen(c->err), sizeof c->err - strlen(c->err),
			 " (gave up after %u retries)", i);
	return -1;
}
