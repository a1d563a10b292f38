/* SPDX-License-Identifier: MIT */
/* Control socket framing: encoding and checking requests and replies, and
 * berthctl's side of one exchange. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/control.h"
#include "base/io.h"

void
control_header_put(unsigned char *hdr, uint32_t len)
{
	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
}

ssize_t
control_frame_size(const void *buf, size_t len, size_t max)
{
	const unsigned char *b = buf;

	if (len < CONTROL_HEADER)
		return 0;
	uint32_t n = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	if (n > max)
		return -1;
	return (ssize_t)(CONTROL_HEADER + n);
}

/* Verbs are lower-case words; arguments are container names and the like:
 * printable, without spaces, so that one space splits the two. */
static int
word_ok(const char *s, size_t len, size_t max, int verb)
{
	if (len == 0 || len >= max)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (verb ? !(ch >= 'a' && ch <= 'z') : (ch <= ' ' || ch >= 0x7f))
			return -1;
	}
	return 0;
}

ssize_t
control_request_encode(char *buf, size_t cap, const char *verb, const char *arg)
{
	size_t vl = strlen(verb), al = arg ? strlen(arg) : 0;
	size_t n = vl + (arg ? 1 + al : 0);

	if (word_ok(verb, vl, CONTROL_MAX_VERB, 1) < 0 ||
	    (arg && word_ok(arg, al, CONTROL_MAX_REQUEST, 0) < 0))
		return -1;
	if (n > CONTROL_MAX_REQUEST || CONTROL_HEADER + n > cap)
		return -1;
	control_header_put((unsigned char *)buf, (uint32_t)n);
	memcpy(buf + CONTROL_HEADER, verb, vl);
	if (arg) {
		buf[CONTROL_HEADER + vl] = ' ';
		memcpy(buf + CONTROL_HEADER + vl + 1, arg, al);
	}
	return (ssize_t)(CONTROL_HEADER + n);
}

int
control_request_parse(const char *p, size_t len, struct control_request *rq)
{
	const char *sp = memchr(p, ' ', len);
	size_t vl = sp ? (size_t)(sp - p) : len;

	memset(rq, 0, sizeof *rq);
	if (len > CONTROL_MAX_REQUEST || word_ok(p, vl, sizeof rq->verb, 1) < 0)
		return -1;
	memcpy(rq->verb, p, vl);
	if (!sp)
		return 0;
	size_t al = len - vl - 1;
	if (word_ok(sp + 1, al, sizeof rq->arg, 0) < 0)
		return -1;
	memcpy(rq->arg, sp + 1, al);
	return 0;
}

char *
control_reply_encode(enum control_status st, const char *body, size_t len, size_t *size)
{
	if (len + 1 > CONTROL_MAX_REPLY)
		return NULL;
	char *f = malloc(CONTROL_HEADER + 1 + len);
	if (!f)
		return NULL;
	control_header_put((unsigned char *)f, (uint32_t)(len + 1));
	f[CONTROL_HEADER] = (char)st;
	memcpy(f + CONTROL_HEADER + 1, body, len);
	*size = CONTROL_HEADER + 1 + len;
	return f;
}

/* Reads exactly n bytes, or says why not. */
static enum control_result
read_full(int fd, char *buf, size_t n)
{
	ssize_t r = io_read_full(fd, buf, n);

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errno = ETIMEDOUT;
	if (r < 0)
		return CONTROL_E_RECV;
	return (size_t)r < n ? CONTROL_E_CLOSED : CONTROL_DONE;
}

static enum control_result
read_reply(int fd, struct control_reply *out)
{
	unsigned char hdr[CONTROL_HEADER];
	enum control_result res;

	if ((res = read_full(fd, (char *)hdr, sizeof hdr)) != CONTROL_DONE)
		return res;
	ssize_t total = control_frame_size(hdr, sizeof hdr, CONTROL_MAX_REPLY);
	if (total <= CONTROL_HEADER)
		return CONTROL_E_PROTOCOL;
	size_t n = (size_t)total - CONTROL_HEADER;
	char *p = malloc(n + 1);
	if (!p)
		return CONTROL_E_RECV;
	if ((res = read_full(fd, p, n)) != CONTROL_DONE) {
		free(p);
		return res;
	}
	if ((unsigned char)p[0] > CONTROL_ERROR) {
		free(p);
		return CONTROL_E_PROTOCOL;
	}
	out->status = (enum control_status)p[0];
	memmove(p, p + 1, n - 1);
	p[n - 1] = '\0';
	out->body = p;
	out->len = n - 1;
	return CONTROL_DONE;
}

enum control_result
control_exchange(int fd, const char *verb, const char *arg, struct control_reply *out)
{
	char req[CONTROL_HEADER + CONTROL_MAX_REQUEST];
	ssize_t n = control_request_encode(req, sizeof req, verb, arg);

	*out = (struct control_reply){0};
	if (n < 0) {
		errno = EINVAL;
		return CONTROL_E_SEND;
	}
	for (ssize_t off = 0, w; off < n; off += w) {
		w = send(fd, req + off, (size_t)(n - off), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			break; /* refused before the request was read: its reply is queued */
		else if (w < 0)
			return CONTROL_E_SEND;
	}
	return read_reply(fd, out);
}

enum control_result
control_call(const char *path, const char *verb, const char *arg, int timeout_ms,
	     struct control_reply *out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	enum control_result res;
	int fd, saved;

	*out = (struct control_reply){0};
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return CONTROL_E_PATH;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return CONTROL_E_SOCKET;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) {
		res = CONTROL_E_SOCKET;
		goto out_close_fd;
	}
	while (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (errno != EINTR) {
			res = CONTROL_E_CONNECT;
			goto out_close_fd;
		}
	}
	res = control_exchange(fd, verb, arg, out);
out_close_fd:
	saved = errno;
	close(fd);
	errno = saved;
	return res;
}

void
control_reply_free(struct control_reply *r)
{
	free(r->body);
	*r = (struct control_reply){0};
}

const char *
control_result_str(enum control_result r)
{
	switch (r) {
	case CONTROL_DONE:
		return "done";
	case CONTROL_E_SOCKET:
		return "socket";
	case CONTROL_E_CONNECT:
		return "connect";
	case CONTROL_E_SEND:
		return "send";
	case CONTROL_E_RECV:
		return "receive";
	case CONTROL_E_CLOSED:
		return "the connection closed before a whole reply";
	case CONTROL_E_PROTOCOL:
		return "a malformed reply";
	case CONTROL_E_PATH:
		return "socket path";
	}
	return "?";
}
