/* SPDX-License-Identifier: MIT */
/* The control socket's wire format, shared by the supervisor and berthctl:
 * one length-framed request and one length-framed reply per connection. */
#ifndef BERTH_CONTROL_H
#define BERTH_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONTROL_SOCKET "/run/berth/control.sock"

/*
 * A frame is a 4-byte big-endian length N, then N bytes of payload.
 * Request payload: "VERB" or "VERB ARG", printable ASCII, no other space.
 * Reply payload: one status byte (enum control_status), then the body: JSON
 * for `status` and `stats`, a one-line message for everything else.
 */
#define CONTROL_HEADER 4
#define CONTROL_MAX_REQUEST 256	     /* payload bytes; a name is at most 63 */
#define CONTROL_MAX_REPLY (4u << 20) /* payload bytes; status of ~4000 containers */
#define CONTROL_MAX_VERB 16

enum control_status {
	CONTROL_OK = 0,
	CONTROL_ERROR = 1, /* the body says why */
};

struct control_request {
	char verb[CONTROL_MAX_VERB];
	char arg[CONTROL_MAX_REQUEST]; /* "" when there is none */
};

struct control_reply {
	enum control_status status;
	char *body; /* NUL-terminated, malloc'd */
	size_t len;
};

/* Why a call did not produce a reply; errno tells more for the first four. */
enum control_result {
	CONTROL_DONE,
	CONTROL_E_SOCKET,  /* socket() failed */
	CONTROL_E_CONNECT, /* connect() failed */
	CONTROL_E_SEND,
	CONTROL_E_RECV,	    /* read failed (ETIMEDOUT: no reply in time) */
	CONTROL_E_CLOSED,   /* the supervisor closed without a whole reply */
	CONTROL_E_PROTOCOL, /* a reply that is not a valid frame */
	CONTROL_E_PATH,	    /* the socket path is too long */
};

void control_header_put(unsigned char *hdr, uint32_t len);
/* The whole frame's size (header included) once the header of buf is in,
 * 0 while it is not; -1 when the payload would exceed max. */
ssize_t control_frame_size(const void *buf, size_t len, size_t max);

/* Encodes a request frame into buf; its length, or -1 when the verb or the
 * argument is not valid or does not fit. */
ssize_t control_request_encode(char *buf, size_t cap, const char *verb, const char *arg);
/* Splits a request payload; -1 when it is malformed. */
int control_request_parse(const char *p, size_t len, struct control_request *rq);
/* A reply frame, malloc'd, its size in *size; NULL when out of memory or
 * over CONTROL_MAX_REPLY. */
char *control_reply_encode(enum control_status st, const char *body, size_t len, size_t *size);

/* Client side: sends one request on fd and reads the reply (the fd's
 * SO_RCVTIMEO bounds the wait). */
enum control_result control_exchange(int fd, const char *verb, const char *arg,
				     struct control_reply *out);
/* Connects to path, waits at most timeout_ms for the reply. */
enum control_result control_call(const char *path, const char *verb, const char *arg,
				 int timeout_ms, struct control_reply *out);
void control_reply_free(struct control_reply *r);
const char *control_result_str(enum control_result r);

#endif
