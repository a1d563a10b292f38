/* SPDX-License-Identifier: MIT */
/* session.h: one TLS connection to a tls:// target, its certificate
 * verified (session.c). */
#ifndef BERTH_TLS_SESSION_H
#define BERTH_TLS_SESSION_H

#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest/manifest.h"

/* Seconds a connect, a handshake or a send may go without progress
 * before the connection is called broken. */
#define TLS_TIMEOUT_S 10

struct tls_session {
	int fd; /* non-blocking */
	gnutls_session_t s;
	gnutls_certificate_credentials_t cred;
	/* Bytes handed to the kernel, handshake included: with SIOCOUTQ,
	 * where the receiver's TCP has acknowledged up to. */
	uint64_t wire;
	int err;       /* errno of the last failed read or write of the socket */
	bool has_cert; /* a client certificate was given */
};

/* Connects to t (every address of its host in turn), loads its files and
 * shakes hands; the receiver's certificate must chain to t->ca and name
 * t->host. Returns 0, or -1 with the reason in why (a line for host.log). */
int tls_session_open(struct tls_session *ts, const struct log_target *t, char *why, size_t n);
/* Sends p whole; -1 with the reason in why. */
int tls_session_send(struct tls_session *ts, const char *p, size_t len, char *why, size_t n);
/* Reads what the receiver said, which is only ever its end or an alert:
 * returns 0 while the connection stands, -1 with the reason in why. */
int tls_session_poll(struct tls_session *ts, char *why, size_t n);
/* Bytes of the connection the receiver's TCP has acknowledged. */
uint64_t tls_session_acked(const struct tls_session *ts);
/* Ends the session politely, and says whether the receiver closed its end
 * too (then it has read everything) within ms. */
bool tls_session_close(struct tls_session *ts, int ms);

#endif
