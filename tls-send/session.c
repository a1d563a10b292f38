/* SPDX-License-Identifier: MIT */
/* session.c: one TLS connection to a tls:// target with GnuTLS: a
 * non-blocking connect with a deadline, the files checked and loaded, the
 * receiver's certificate verified against the target's CA and host. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/x509.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "session.h"

/* As a TCP target's (supervisor/logfwd.h, LOGFWD_SNDBUF): bounds what the
 * kernel holds, hence what a dead connection may take with it. */
#define SNDBUF (256 * 1024)
/* How long a TLS 1.3 client waits for the server's verdict (verdict()). */
#define VERDICT_MS 500

static long
ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

static void
deadline(struct timespec *end, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, end);
	end->tv_sec += ms / 1000;
	end->tv_nsec += ms % 1000 * 1000000L;
	if (end->tv_nsec >= 1000000000L) {
		end->tv_sec++;
		end->tv_nsec -= 1000000000L;
	}
}

/* Waits until fd is ready for events or end passes; false on timeout. */
static bool
wait_fd(int fd, short events, const struct timespec *end)
{
	for (;;) {
		long ms = ms_left(end);
		struct pollfd p = {fd, events, 0};
		if (ms <= 0)
			return false;
		int r = poll(&p, 1, (int)ms);
		if (r > 0)
			return true;
		if (r == 0 || errno != EINTR)
			return false;
	}
}

/* The key is the host's secret: a key others may read is refused, not
 * used, so that a mistake in its mode is found at once. */
static int
check_key(const char *key, char *why, size_t n)
{
	struct stat st;

	if (stat(key, &st) < 0) {
		snprintf(why, n, "key %s: %s", key, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(why, n, "key %s: mode %04o, others may read it; it must be 0600", key,
			 (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Read at every connect, so that renewed files are taken without a
 * restart. GnuTLS's own messages never quote the files' contents. */
static int
load_files(struct tls_session *ts, const struct log_target *t, char *why, size_t n)
{
	int r;

	if (t->key && check_key(t->key, why, n) < 0)
		return -1;
	if (gnutls_certificate_allocate_credentials(&ts->cred) < 0) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	r = gnutls_certificate_set_x509_trust_file(ts->cred, t->ca, GNUTLS_X509_FMT_PEM);
	if (r <= 0) {
		snprintf(why, n, "CA %s: %s", t->ca, r < 0 ? gnutls_strerror(r) : "no certificate");
		return -1;
	}
	if (!t->cert)
		return 0;
	ts->has_cert = true;
	r = gnutls_certificate_set_x509_key_file(ts->cred, t->cert, t->key, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		snprintf(why, n, "certificate %s with key %s: %s", t->cert, t->key,
			 gnutls_strerror(r));
		return -1;
	}
	return 0;
}

/* One address, within TLS_TIMEOUT_S. */
static int
connect_addr(const struct addrinfo *a, char *why, size_t n)
{
	int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int sndbuf = SNDBUF, err = 0;
	socklen_t elen = sizeof err;
	struct timespec end;

	if (fd < 0) {
		snprintf(why, n, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	deadline(&end, TLS_TIMEOUT_S * 1000L);
	if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
		err = errno;
	} else if (!wait_fd(fd, POLLOUT, &end)) {
		snprintf(why, n, "connect: no answer in %d s", TLS_TIMEOUT_S);
		close(fd);
		return -1;
	} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) {
		err = errno;
	}
	if (err) {
		snprintf(why, n, "connect: %s", strerror(err));
		close(fd);
		return -1;
	}
	return fd;
}

static int
connect_host(const struct log_target *t, char *why, size_t n)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *a;
	char port[8];
	int fd = -1;

	snprintf(port, sizeof port, "%u", t->port);
	int r = getaddrinfo(t->host, port, &hints, &res);
	if (r) {
		snprintf(why, n, "%s: %s", t->host, gai_strerror(r));
		return -1;
	}
	for (a = res; a && fd < 0; a = a->ai_next)
		fd = connect_addr(a, why, n);
	freeaddrinfo(res);
	return fd;
}

/* Counts what goes to the kernel (tls_session_acked). */
static ssize_t
push(gnutls_transport_ptr_t p, const giovec_t *iov, int iovcnt)
{
	struct tls_session *ts = p;
	ssize_t w = writev(ts->fd, (const struct iovec *)iov, iovcnt);

	if (w > 0)
		ts->wire += (uint64_t)w;
	else if (w < 0)
		gnutls_transport_set_errno(ts->s, ts->err = errno);
	return w;
}

static ssize_t
pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct tls_session *ts = p;
	ssize_t r = recv(ts->fd, buf, len, 0);

	if (r < 0)
		gnutls_transport_set_errno(ts->s, ts->err = errno);
	return r;
}

/* GnuTLS's words for error r, or the system's for a socket's error. */
static const char *
err_str(const struct tls_session *ts, int r)
{
	if ((r == GNUTLS_E_PUSH_ERROR || r == GNUTLS_E_PULL_ERROR) && ts->err)
		return strerror(ts->err);
	return gnutls_strerror(r);
}

/* The reason a handshake failed, GnuTLS's words for it. */
static void
handshake_why(struct tls_session *ts, int r, char *why, size_t n)
{
	gnutls_datum_t text = {0};

	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
	    gnutls_certificate_verification_status_print(
		gnutls_session_get_verify_cert_status(ts->s), GNUTLS_CRT_X509, &text, 0) == 0) {
		snprintf(why, n, "the receiver's certificate is refused: %s", text.data);
		gnutls_free(text.data);
	} else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		snprintf(why, n, "the receiver refused the handshake: %s",
			 gnutls_alert_get_name(gnutls_alert_get(ts->s)));
	} else {
		snprintf(why, n, "handshake: %s", err_str(ts, r));
	}
}

static int
handshake(struct tls_session *ts, const struct log_target *t, char *why, size_t n)
{
	struct in6_addr ip;
	struct timespec end;
	int r;

	if ((r = gnutls_init(&ts->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0 ||
	    (r = gnutls_set_default_priority(ts->s)) < 0 ||
	    (r = gnutls_credentials_set(ts->s, GNUTLS_CRD_CERTIFICATE, ts->cred)) < 0) {
		snprintf(why, n, "TLS: %s", gnutls_strerror(r));
		return -1;
	}
	/* A name is sent (SNI) and checked; an address is checked against the
	 * certificate's IP addresses. */
	if (inet_pton(AF_INET, t->host, &ip) != 1 && inet_pton(AF_INET6, t->host, &ip) != 1)
		gnutls_server_name_set(ts->s, GNUTLS_NAME_DNS, t->host, strlen(t->host));
	gnutls_session_set_verify_cert(ts->s, t->host, 0);
	gnutls_transport_set_ptr(ts->s, ts);
	gnutls_transport_set_vec_push_function(ts->s, push);
	gnutls_transport_set_pull_function(ts->s, pull);
	deadline(&end, TLS_TIMEOUT_S * 1000L);
	while ((r = gnutls_handshake(ts->s)) < 0) {
		if (gnutls_error_is_fatal(r)) {
			handshake_why(ts, r, why, n);
			return -1;
		}
		short ev = gnutls_record_get_direction(ts->s) ? POLLOUT : POLLIN;
		if (r == GNUTLS_E_AGAIN && !wait_fd(ts->fd, ev, &end)) {
			snprintf(why, n, "handshake: no answer in %d s", TLS_TIMEOUT_S);
			return -1;
		}
	}
	return 0;
}

/* Reads what the receiver sent, which is only ever a session ticket, its
 * end or an alert: 1 while the connection stands, else 0 (the end) or a
 * GnuTLS error. */
static ssize_t
drain(struct tls_session *ts)
{
	char junk[512];

	for (;;) {
		ssize_t r = gnutls_record_recv(ts->s, junk, sizeof junk);
		if (r > 0 || r == GNUTLS_E_INTERRUPTED)
			continue;
		return r == GNUTLS_E_AGAIN ? 1 : r;
	}
}

/* In TLS 1.3 the client is done with the handshake before the server has
 * checked the client's certificate (or that it sent none): the server's
 * answer, a session ticket or an alert, is its first record after. Waiting
 * for it a moment tells a refusal as one, not as a broken connection
 * after lines were sent into it. A server that sends no ticket costs the
 * wait at each connect. */
static int
verdict(struct tls_session *ts, char *why, size_t n)
{
	struct timespec end;
	ssize_t r;

	if (gnutls_protocol_get_version(ts->s) != GNUTLS_TLS1_3)
		return 0;
	deadline(&end, VERDICT_MS);
	if (!wait_fd(ts->fd, POLLIN, &end) || (r = drain(ts)) == 1)
		return 0;
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
		snprintf(why, n, "the receiver refused the handshake: %s",
			 gnutls_alert_get_name(gnutls_alert_get(ts->s)));
	else if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION)
		snprintf(why, n, "the receiver closed the connection at the handshake's end (%s)",
			 ts->has_cert ? "does it know our certificate?"
				      : "does it want a client certificate?");
	else
		snprintf(why, n, "handshake: %s", err_str(ts, (int)r));
	return -1;
}

int
tls_session_open(struct tls_session *ts, const struct log_target *t, char *why, size_t n)
{
	*ts = (struct tls_session){.fd = -1};
	if (load_files(ts, t, why, n) < 0)
		goto out;
	if ((ts->fd = connect_host(t, why, n)) < 0)
		goto out;
	if (handshake(ts, t, why, n) < 0 || verdict(ts, why, n) < 0)
		goto out;
	return 0;
out:
	tls_session_close(ts, 0);
	return -1;
}

int
tls_session_send(struct tls_session *ts, const char *p, size_t len, char *why, size_t n)
{
	struct timespec end;

	deadline(&end, TLS_TIMEOUT_S * 1000L);
	while (len > 0) {
		ssize_t r = gnutls_record_send(ts->s, p, len);
		if (r == GNUTLS_E_AGAIN) {
			/* Called again with the same data, as GnuTLS wants. */
			if (!wait_fd(ts->fd, POLLOUT, &end)) {
				snprintf(why, n, "send: no progress in %d s", TLS_TIMEOUT_S);
				return -1;
			}
			continue;
		}
		if (r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r < 0) {
			snprintf(why, n, "send: %s", err_str(ts, (int)r));
			return -1;
		}
		p += r;
		len -= (size_t)r;
		deadline(&end, TLS_TIMEOUT_S * 1000L);
	}
	return 0;
}

int
tls_session_poll(struct tls_session *ts, char *why, size_t n)
{
	ssize_t r = drain(ts);

	if (r == 1)
		return 0;
	if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION)
		snprintf(why, n, "connection: closed by the receiver");
	else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
		snprintf(why, n, "the receiver ended the session: %s",
			 gnutls_alert_get_name(gnutls_alert_get(ts->s)));
	else
		snprintf(why, n, "connection: %s", err_str(ts, (int)r));
	return -1;
}

uint64_t
tls_session_acked(const struct tls_session *ts)
{
	int outq = 0;

	if (ioctl(ts->fd, SIOCOUTQ, &outq) < 0 || outq < 0 || (uint64_t)outq > ts->wire)
		return 0;
	return ts->wire - (uint64_t)outq;
}

bool
tls_session_close(struct tls_session *ts, int ms)
{
	char junk[512];
	struct timespec end;
	bool closed = false;

	deadline(&end, ms);
	int r = ts->s && ms > 0 ? GNUTLS_E_AGAIN : -1;
	while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
		r = gnutls_bye(ts->s, GNUTLS_SHUT_WR);
		if (r == GNUTLS_E_AGAIN && !wait_fd(ts->fd, POLLOUT, &end))
			break;
	}
	if (r == 0 && shutdown(ts->fd, SHUT_WR) == 0) {
		/* The receiver closes its end once it has read ours. */
		while (wait_fd(ts->fd, POLLIN, &end)) {
			ssize_t r = recv(ts->fd, junk, sizeof junk, 0);
			if (r == 0)
				closed = true;
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break;
		}
	}
	if (ts->s)
		gnutls_deinit(ts->s);
	if (ts->cred)
		gnutls_certificate_free_credentials(ts->cred);
	if (ts->fd >= 0)
		close(ts->fd);
	*ts = (struct tls_session){.fd = -1};
	return closed;
}
