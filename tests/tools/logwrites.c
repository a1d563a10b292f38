/* SPDX-License-Identifier: MIT */
/* logwrites: reads the write log of QEMU's blklogwrites driver and builds
 * the disk images a power cut could leave (tests/vm/power-cut-*.sh).
 *
 *   logwrites list LOG                    one line per entry
 *   logwrites crash [-t] LOG N SEED DISK  DISK as a cut after flush entry N
 *
 * The log is the format of Linux's dm-log-writes: a superblock in sector 0,
 * then per entry a header sector and, unless it is a discard, the sectors
 * written. `list` prints "INDEX write|flush|discard SECTOR COUNT".
 *
 * `crash` changes DISK, a copy of the disk as it was when the log began,
 * into what a power cut right after the flush at entry N may leave: every
 * write logged before N, and of the writes between N and the next flush
 * (which nothing made durable yet) a random subset, chosen from SEED and
 * N, applied in log order. -t tears writes too: a kept write lands in full
 * or, one time in four, only a random subset of its sectors, since a disk
 * only promises a single sector to be atomic. N equal to the entry count
 * keeps every logged write. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LW_MAGIC 0x6a736677736872ULL
#define LW_FLUSH (1u << 0)
#define LW_DISCARD (1u << 2)
#define LW_MAX_SECTOR (1u << 16)

struct lw_entry {
	uint64_t sector, count, flags;
	uint64_t data; /* byte offset of the data in the log */
};

struct lw_log {
	int fd;
	uint32_t sectorsize;
	uint64_t n;
	struct lw_entry *e;
};

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("logwrites: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static uint64_t
le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
read_at(int fd, void *buf, size_t len, uint64_t off, const char *what)
{
	ssize_t r = pread(fd, buf, len, (off_t)off);

	if (r < 0)
		die(111, "reading %s: %s", what, strerror(errno));
	if ((size_t)r != len)
		die(1, "%s: the log ends at byte %" PRIu64 " inside it", what, off + (uint64_t)r);
}

/* The superblock counts the entries up to the last flush (QEMU rewrites
 * it on each flush); writes after the last flush were never made durable
 * and are left out. */
static void
log_open(struct lw_log *log, const char *path)
{
	unsigned char sb[28], h[32];
	uint64_t off;

	log->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (log->fd < 0)
		die(111, "%s: %s", path, strerror(errno));
	read_at(log->fd, sb, sizeof(sb), 0, "the superblock");
	if (le64(sb) != LW_MAGIC || le64(sb + 8) != 1)
		die(1, "%s: not a version 1 write log", path);
	log->n = le64(sb + 16);
	log->sectorsize = (uint32_t)le64(sb + 24);
	if (log->sectorsize < 512 || log->sectorsize > LW_MAX_SECTOR ||
	    (log->sectorsize & (log->sectorsize - 1)))
		die(1, "%s: sector size %" PRIu32 " is not supported", path, log->sectorsize);
	log->e = calloc(log->n ? log->n : 1, sizeof(*log->e));
	if (!log->e)
		die(111, "%" PRIu64 " entries: out of memory", log->n);
	off = log->sectorsize;
	for (uint64_t i = 0; i < log->n; i++) {
		struct lw_entry *e = &log->e[i];

		read_at(log->fd, h, sizeof(h), off, "an entry header");
		e->sector = le64(h);
		e->count = le64(h + 8);
		e->flags = le64(h + 16);
		e->data = off + log->sectorsize;
		off = e->data;
		if (!(e->flags & LW_DISCARD))
			off += e->count * log->sectorsize;
	}
}

static const char *
entry_kind(const struct lw_entry *e)
{
	if (e->flags & LW_FLUSH)
		return "flush";
	return e->flags & LW_DISCARD ? "discard" : "write";
}

static void
cmd_list(const struct lw_log *log)
{
	for (uint64_t i = 0; i < log->n; i++)
		printf("%" PRIu64 " %s %" PRIu64 " %" PRIu64 "\n", i, entry_kind(&log->e[i]),
		       log->e[i].sector, log->e[i].count);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(111, "writing the list: %s", strerror(errno));
}

/* xorshift64*: a fixed, portable stream, so that a seed replays a cut. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* 0 to n - 1, from the high bits: xorshift64*'s low bits are weak. */
static unsigned
pick(uint64_t *s, unsigned n)
{
	return (unsigned)((rnd(s) >> 32) % n);
}

/* Copies sector j of entry e into the disk; a discard leaves zeroes, as a
 * hole punched in the image file would read. */
static void
put_sector(const struct lw_log *log, const struct lw_entry *e, uint64_t j, int disk)
{
	static unsigned char buf[LW_MAX_SECTOR];
	uint64_t ss = log->sectorsize;

	if (e->flags & LW_DISCARD)
		memset(buf, 0, ss);
	else
		read_at(log->fd, buf, ss, e->data + j * ss, "written data");
	errno = 0;
	if (pwrite(disk, buf, ss, (off_t)((e->sector + j) * ss)) != (ssize_t)ss)
		die(111, "writing the disk at sector %" PRIu64 ": %s", e->sector + j,
		    errno ? strerror(errno) : "short write");
}

/* Applies entry e whole, or with torn set, each sector with odds 1/2. */
static void
put_entry(const struct lw_log *log, const struct lw_entry *e, int disk, uint64_t *s, int torn)
{
	for (uint64_t j = 0; j < e->count; j++)
		if (!torn || pick(s, 2))
			put_sector(log, e, j, disk);
}

static void
cmd_crash(const struct lw_log *log, uint64_t n, uint64_t seed, const char *path, int tear)
{
	uint64_t s = (seed ^ (n * 0x9e3779b97f4a7c15ULL)) | 1, i, durable = 0, pending = 0, kept = 0,
		 torn = 0;
	int disk;

	if (n > log->n || (n < log->n && !(log->e[n].flags & LW_FLUSH)))
		die(1, "entry %" PRIu64 " is not a flush (of %" PRIu64 " entries)", n, log->n);
	disk = open(path, O_WRONLY | O_CLOEXEC);
	if (disk < 0)
		die(111, "%s: %s", path, strerror(errno));
	for (i = 0; i < n; i++)
		if (!(log->e[i].flags & LW_FLUSH)) {
			put_entry(log, &log->e[i], disk, &s, 0);
			durable++;
		}
	for (i = n + 1; i < log->n && !(log->e[i].flags & LW_FLUSH); i++) {
		int t;

		pending++;
		if (!pick(&s, 2))
			continue;
		t = tear && log->e[i].count > 1 && pick(&s, 4) == 0;
		put_entry(log, &log->e[i], disk, &s, t);
		kept++;
		torn += (uint64_t)t;
	}
	if (fsync(disk) < 0 || close(disk) < 0)
		die(111, "%s: %s", path, strerror(errno));
	printf("cut after entry %" PRIu64 ": %" PRIu64 " writes durable, %" PRIu64
	       " of %" PRIu64 " pending kept, %" PRIu64 " torn\n",
	       n, durable, kept, pending, torn);
}

static uint64_t
number(const char *arg, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		die(2, "%s \"%s\" is not a number", what, arg);
	return v;
}

int
main(int argc, char **argv)
{
	struct lw_log log;
	int tear = 0;

	if (argc == 3 && !strcmp(argv[1], "list")) {
		log_open(&log, argv[2]);
		cmd_list(&log);
		return 0;
	}
	if (argc == 7 && !strcmp(argv[2], "-t"))
		tear = 1;
	if (argc != 6 + tear || strcmp(argv[1], "crash"))
		die(2, "usage: logwrites list LOG | logwrites crash [-t] LOG N SEED DISK");
	argv += tear;
	log_open(&log, argv[2]);
	cmd_crash(&log, number(argv[3], "entry"), number(argv[4], "seed"), argv[5], tear);
	return 0;
}
