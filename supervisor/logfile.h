/* SPDX-License-Identifier: MIT */
/* logfile.h: a container's output kept in <dir>/<name>.log, one timestamped
 * line per output line, rotated by size (docs/logging.md). */
#ifndef BERTH_LOGFILE_H
#define BERTH_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The longest output line kept whole; a longer one is split into pieces of
 * this size, each but the last marked as continued. */
#define LOG_LINE_MAX (16 * 1024)
/* The longest stream name a record carries (logfile_line cuts longer). */
#define LOGFILE_STREAM_MAX 64

struct logfile {
	int fd; /* -1: closed, or the directory is unusable */
	char path[4096];
	uint64_t size; /* of the current file, buffered bytes included */
	uint64_t max_size;
	uint32_t max_files; /* the current file included */
	unsigned long lost; /* lines lost to write errors; the caller resets it */
	int err;	    /* errno of a loss since the last logfile_flush, or 0 */
	int last_err;	    /* err as logfile_flush last found it */
	bool told;	    /* for the caller: the loss was reported */
	size_t len;	    /* buffered bytes, written by logfile_flush */
	char buf[64 * 1024];
};

/* Opens (appends to) dir/name.log. Returns 0, or -1 with errno set; the
 * logfile then stays closed and every line is ignored. */
int logfile_open(struct logfile *lf, const char *dir, const char *name, uint64_t max_size,
		 uint32_t max_files);

/* Adds one line "TIMESTAMP STREAM TEXT"; STREAM gets a "+" suffix when the
 * line goes on in the next record (cont). The line is in the file after the
 * next logfile_flush at the latest. */
void logfile_line(struct logfile *lf, const struct timespec *ts, const char *stream,
		  const char *text, size_t len, bool cont);

/* Writes what is buffered. Returns 0, or -1 when lines were lost since the
 * last call: lf->lost counts them and lf->last_err says why. */
int logfile_flush(struct logfile *lf);

void logfile_close(struct logfile *lf);

#endif
