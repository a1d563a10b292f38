/* SPDX-License-Identifier: MIT */
/* What the parts of berthctl logs share: a container's log files, opened
 * oldest first, and the printing of their lines. */
#ifndef BERTH_CTL_LOGS_H
#define BERTH_CTL_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Rotated files read: the manifest allows max_files up to 100; files
 * beyond this many (left by hand) are ignored, the oldest ones. */
#define LOGS_MAX_FILES 1024
#define LOGSET_MAX (LOGS_MAX_FILES + 1) /* and the current one */

struct logset {
	char dir[4096];
	char base[80];	    /* NAME.log */
	char path[4096];    /* DIR/NAME.log */
	int fd[LOGSET_MAX]; /* NAME.log.K (highest K first), then NAME.log */
	size_t n;
	int cur; /* the fd of NAME.log among fd[], or -1 when there is none */
};

enum logs_next {
	LOGS_NEXT_ERROR = -1, /* errno says why; ENOENT: no file after x yet */
	LOGS_NEXT_ROTATED,    /* the file after x, rotated: whole */
	LOGS_NEXT_CURRENT,    /* the file after x is the current one */
};
/* Opens the file that came after x (read-only, with its stat in st). When
 * files went away in between (rotated past max_files, removed), *gap is
 * set and the file is the next one there is. */
enum logs_next logs_next(const struct logset *s, const struct stat *x, int *fd, struct stat *st,
			 bool *gap);
/* Opens every file there is, each fd read-only. 0 (maybe with none), or -1
 * with errno set (path is then dir when dir cannot be read). */
int logset_open(struct logset *s, const char *dir, const char *base);
void logset_close(struct logset *s);

/* --since: a record is printed when its timestamp text is not before
 * cutoff; a line without a timestamp goes with the record before it. */
struct logfilter {
	bool on;
	bool keep; /* the last record's verdict */
	char cutoff[28];
};

/* Splits what is read from one file into lines; a line longer than the
 * buffer's limit is printed in pieces. */
struct linebuf {
	char *buf;
	size_t len, cap;
};

/* Reads fd from where it stands to its end, printing the whole lines that
 * pass f; what follows the last newline waits in lb for more. 0, or -1
 * with errno set. */
int linebuf_drain(struct linebuf *lb, int fd, struct logfilter *f);
/* Prints the unfinished line left in lb, newline added, and empties lb. */
void linebuf_finish(struct linebuf *lb, struct logfilter *f);
void linebuf_free(struct linebuf *lb);

/* Prints the files of s in order: all of them, or the last *tail lines.
 * Every fd but s->cur is left at its end; s->cur is read to its end, an
 * unfinished last line kept in lb for logs_follow. Returns an exit code. */
int logs_print(struct logset *s, const uint64_t *tail, struct logfilter *f, struct linebuf *lb);
/* Prints what is added to s->path from here on, across rotation and
 * truncation, until killed. Returns an exit code on an error. */
int logs_follow(struct logset *s, struct logfilter *f, struct linebuf *lb);

#endif
