/* SPDX-License-Identifier: MIT */
/* fetch.c: libcurl GETs with caps and retries (fetch.h). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"
#include "fetch.h"

/* What a transfer writes into, and why it stopped early. */
struct sink {
	CURL *curl;
	char *buf; /* memory: buf/len, or a file: fd at off */
	size_t len;
	int fd;
	uint64_t off, start, max;
	bool too_big, io_failed, checked;
	struct fetch_doc *doc;
	long long rate; /* bytes/s, 0: none */
	struct timespec t0;
};

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n, v;
	char *field = NULL;
	size_t cap = 0;

	if (!s->doc)
		return len;
	if (len > 5 && !strncasecmp(p, "ETag:", 5))
		field = s->doc->etag, cap = sizeof(s->doc->etag), v = 5;
	else if (len > 14 && !strncasecmp(p, "Last-Modified:", 14))
		field = s->doc->modified, cap = sizeof(s->doc->modified), v = 14;
	if (!field)
		return len;
	while (v < len && p[v] == ' ')
		v++;
	while (len > v && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len - v < cap)
		snprintf(field, cap, "%.*s", (int)(len - v), p + v);
	return size * n;
}

/* A resumed download answered with the whole file (200, not 206): start
 * the part over. */
static int
check_resume(struct sink *s)
{
	long code = 0;

	s->checked = true;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 || s->off == 0)
		return 0;
	if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0)
		return -1;
	s->off = s->start = 0;
	return 0;
}

/* Holds the transfer to rate bytes/s since it started: libcurl 7.88's own
 * cap (set too) averages over seconds and let a 1.5 MB body through at
 * loopback speed. Sleeping here stops reading; TCP holds the sender. */
static void
pace(struct sink *s)
{
	struct timespec now, ts;
	double ahead;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ahead = (double)(s->off - s->start) / (double)s->rate -
		((double)(now.tv_sec - s->t0.tv_sec) + (now.tv_nsec - s->t0.tv_nsec) / 1e9);
	if (ahead <= 0)
		return;
	ts.tv_sec = (time_t)ahead;
	ts.tv_nsec = (long)((ahead - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->fd >= 0 && !s->checked && check_resume(s) < 0) {
		s->io_failed = true;
		return 0;
	}
	/* Endless data: never take more than the metadata promised. */
	if (s->off + len > s->max) {
		s->too_big = true;
		return 0;
	}
	if (s->fd >= 0) {
		if (io_write_all(s->fd, p, len) < 0) {
			s->io_failed = true;
			return 0;
		}
	} else {
		memcpy(s->buf + s->len, p, len);
		s->len += len;
	}
	s->off += len;
	if (s->rate)
		pace(s);
	return len;
}

static bool
transient(CURLcode rc, long code)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	case CURLE_HTTP_RETURNED_ERROR:
		return code >= 500 || code == 429;
	default:
		return false;
	}
}

static CURL *
setup(struct fetch *f, const char *url, struct sink *s)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (f->ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, f->ca);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* A server that stops sending is a transient failure, not a hang. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "berthctl/" BERTH_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	s->curl = c;
	return c;
}

static void
count(struct fetch *f, CURL *c)
{
	curl_off_t body = 0;
	long head = 0, req = 0;

	curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &body);
	curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &head);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &req);
	f->wire += (uint64_t)body + (uint64_t)head + (uint64_t)req;
	f->requests++;
}

static void
backoff(unsigned attempt)
{
	struct timespec ts = {0, 250 * 1000 * 1000};

	/* 0.25 s, 0.5 s, 1 s, 2 s, ... capped at 8 s */
	for (unsigned i = 0; i < attempt && ts.tv_sec < 8; i++) {
		ts.tv_nsec *= 2;
		ts.tv_sec += ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
	}
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Runs a prepared transfer with retries; prepare() is called before each
 * try. Returns the curl code of the last try and its HTTP status. */
static CURLcode
perform(struct fetch *f, CURL *c, const char *url, struct sink *s,
	int (*prepare)(struct sink *), long *code, char *err, size_t errlen)
{
	CURLcode rc = CURLE_OK;
	unsigned attempt;

	for (attempt = 0;; attempt++) {
		*code = 0;
		if (prepare && prepare(s) < 0) {
			io_errf(err, errlen, "%s", strerror(errno));
			return CURLE_WRITE_ERROR;
		}
		if (s->fd >= 0)
			curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)s->off);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
		count(f, c);
		if (!transient(rc, *code) || attempt >= f->retries)
			break;
		fprintf(stderr, "berthctl: update: %s: %s; trying again (%u of %u)\n", url,
			*code >= 400 ? "server error" : curl_easy_strerror(rc), attempt + 1,
			f->retries);
		backoff(attempt);
	}
	if (rc == CURLE_OK || (rc == CURLE_HTTP_RETURNED_ERROR && *code < 500))
		return rc;
	if (s->too_big)
		io_errf(err, errlen, "%s: longer than the %llu bytes expected: refused", url,
			(unsigned long long)s->max);
	else if (rc == CURLE_HTTP_RETURNED_ERROR)
		io_errf(err, errlen, "%s: HTTP status %ld (%u %s)", url, *code, attempt + 1,
			attempt ? "tries" : "try");
	else
		io_errf(err, errlen, "%s: %s (%u %s)", url, curl_easy_strerror(rc), attempt + 1,
			attempt ? "tries" : "try");
	return rc;
}

static int
doc_reset(struct sink *s)
{
	s->len = s->off = 0;
	s->doc->etag[0] = s->doc->modified[0] = 0;
	return 0;
}

int
fetch_doc(struct fetch *f, const char *url, size_t max, const char *etag, const char *modified,
	  struct fetch_doc *d, char *err, size_t errlen)
{
	struct sink s = {.fd = -1, .max = max, .doc = d};
	struct curl_slist *h = NULL;
	char line[256];
	CURLcode rc;
	long code;
	CURL *c;

	memset(d, 0, sizeof(*d));
	if (!(s.buf = malloc(max + 1)) || !(c = setup(f, url, &s))) {
		free(s.buf);
		return io_errf(err, errlen, "%s: out of memory", url);
	}
	if (etag && *etag && snprintf(line, sizeof(line), "If-None-Match: %s", etag) < (int)sizeof(line))
		h = curl_slist_append(h, line);
	if (modified && *modified &&
	    snprintf(line, sizeof(line), "If-Modified-Since: %s", modified) < (int)sizeof(line))
		h = curl_slist_append(h, line);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	rc = perform(f, c, url, &s, doc_reset, &code, err, errlen);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK && (rc != CURLE_HTTP_RETURNED_ERROR || transient(rc, code))) {
		free(s.buf);
		return -1;
	}
	s.buf[s.len] = 0;
	d->data = s.buf;
	d->len = s.len;
	return (int)code;
}

/* Opens the part file before each try, at its current end. */
static int
part_reopen(struct sink *s)
{
	struct stat st;

	if (fstat(s->fd, &st) < 0)
		return -1;
	s->off = s->start = (uint64_t)st.st_size;
	s->checked = false;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	return lseek(s->fd, 0, SEEK_END) < 0 ? -1 : 0;
}

int
fetch_file(struct fetch *f, const char *url, const char *part, uint64_t size, uint64_t *from,
	   char *err, size_t errlen)
{
	struct sink s = {.max = size, .rate = f->rate};
	struct stat st;
	CURLcode rc;
	long code;
	CURL *c;

	if ((s.fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || fstat(s.fd, &st) < 0)
		return io_errf(err, errlen, "%s: %s", part, strerror(errno));
	/* A part longer than the release says is not ours to resume. */
	if ((uint64_t)st.st_size > size && ftruncate(s.fd, 0) < 0) {
		close(s.fd);
		return io_errf(err, errlen, "%s: %s", part, strerror(errno));
	}
	*from = (uint64_t)st.st_size > size ? 0 : (uint64_t)st.st_size;
	if (*from == size) {
		close(s.fd);
		return 0;
	}
	if (!(c = setup(f, url, &s))) {
		close(s.fd);
		return io_errf(err, errlen, "%s: out of memory", url);
	}
	if (f->rate)
		curl_easy_setopt(c, CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)f->rate);
	rc = perform(f, c, url, &s, part_reopen, &code, err, errlen);
	curl_easy_cleanup(c);
	if (rc == CURLE_HTTP_RETURNED_ERROR)
		io_errf(err, errlen, "%s: HTTP status %ld", url, code);
	else if (rc == CURLE_OK && s.off != size)
		io_errf(err, errlen, "%s: %llu bytes, %llu expected", url,
			(unsigned long long)s.off, (unsigned long long)size);
	else if (rc == CURLE_OK && fsync(s.fd) < 0)
		io_errf(err, errlen, "%s: %s", part, strerror(errno));
	else if (rc == CURLE_OK) {
		close(s.fd);
		return 0;
	}
	close(s.fd);
	return -1;
}
