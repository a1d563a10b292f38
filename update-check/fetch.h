/* SPDX-License-Identifier: MIT */
/* fetch.h: HTTP(S) GETs for berthctl update check (libcurl): into memory
 * with a size cap and validators, into a file with resume, a rate cap and a
 * size cap; bounded retries with backoff on transient errors. */
#ifndef BERTH_CTL_FETCH_H
#define BERTH_CTL_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fetch {
	const char *ca;	   /* CA bundle for https, or NULL: the system's */
	unsigned retries;  /* further tries after a transient failure */
	long long rate;	   /* bytes/s cap on downloads, 0: none */
	uint64_t wire;	   /* HTTP bytes sent and received so far */
	unsigned requests; /* requests made so far */
};

/* A document fetched into memory. */
struct fetch_doc {
	char *data; /* NUL-terminated; free() it */
	size_t len;
	char etag[128], modified[64]; /* validators the server sent, or "" */
};

/* GETs url into d, at most max bytes (a longer body is cut and refused).
 * etag and modified (or NULL) make it conditional. Returns the HTTP
 * status (200, 304, 404, ...) or -1 with why in err. */
int fetch_doc(struct fetch *f, const char *url, size_t max, const char *etag,
	      const char *modified, struct fetch_doc *d, char *err, size_t errlen);

/* GETs url into the file part, resuming from what part holds (a Range
 * request), never past size bytes. 0 when part holds size bytes; -1 with
 * why in err. *from is where this run started. */
int fetch_file(struct fetch *f, const char *url, const char *part, uint64_t size, uint64_t *from,
	       char *err, size_t errlen);

#endif
