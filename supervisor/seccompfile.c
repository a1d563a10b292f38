/* SPDX-License-Identifier: MIT */
/* seccompfile.c: the default seccomp program, precompiled when the image
 * is built (`supervisor --seccomp-export FILE`, image/stage-rootfs) and read
 * at start instead of compiled: libseccomp's compile of about 300 rules is
 * the largest single step of the supervisor's start under QEMU TCG (about
 * 150 ms; a few ms on hardware; docs/supervisor.md, Seccomp). The file is
 * on the verified root. Its layout: "berthsc1", the fingerprint of the
 * rules and the libseccomp that compiled them (8 bytes, little endian;
 * seccomp.c), then the BPF instructions. A file made from other rules or
 * by another libseccomp is not used: the profile is compiled, and the
 * supervisor says why. No file (a test on the build host) compiles too. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "supervisor.h"

#define SC_MAGIC "berthsc1"
#define SC_HEAD 16
#define SC_MAX (SC_HEAD + BPF_MAXINSNS * sizeof(struct sock_filter))

static void
put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* 0 loaded; 1 no file; -1 not usable, why says so. */
static int
sc_file_load(const char *path, char *why, size_t len)
{
	unsigned char *buf = malloc(SC_MAX + 1);
	ssize_t n = -1;
	int fd;

	if (!buf)
		return io_errf(why, len, "%s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		free(buf);
		return 1;
	}
	if (fd >= 0) {
		n = io_read_full(fd, buf, SC_MAX + 1);
		close(fd);
	}
	if (n < 0)
		snprintf(why, len, "%s: %s", path, strerror(errno));
	else if (n < SC_HEAD || memcmp(buf, SC_MAGIC, 8) != 0)
		snprintf(why, len, "%s: not a berth seccomp program", path);
	else if (get_le64(buf + 8) != sc_fingerprint())
		snprintf(why, len, "%s: made from other rules or another libseccomp", path);
	else if ((size_t)n > SC_MAX || n == SC_HEAD || (n - SC_HEAD) % sizeof(struct sock_filter))
		snprintf(why, len, "%s: a program of %zd bytes", path, n - SC_HEAD);
	else {
		size_t size = (size_t)n - SC_HEAD;
		memmove(buf, buf + SC_HEAD, size);
		sc_program_set((struct sock_filter *)buf,
			       (unsigned short)(size / sizeof(struct sock_filter)));
		return 0;
	}
	free(buf);
	return -1;
}

/* The program the containers get: path's, else compiled. */
int
sc_default_prepare(const char *path, char *err, size_t errlen)
{
	char why[PATH_MAX + 100];
	int r = sc_file_load(path, why, sizeof why);

	if (r == 0)
		return 0;
	if (r < 0)
		sv_say("seccomp: %s; compiling the default profile instead", why);
	return sc_default_compile(err, errlen);
}

/* --seccomp-export FILE: compiles the profile and writes it to FILE. */
int
sc_default_export(const char *path, char *err, size_t errlen)
{
	unsigned char head[SC_HEAD];
	const struct sock_filter *p;
	unsigned short n;
	char tmp[PATH_MAX];
	int fd;

	if (sc_default_compile(err, errlen) < 0)
		return -1;
	p = sc_program(&n);
	memcpy(head, SC_MAGIC, 8);
	put_le64(head + 8, sc_fingerprint());
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return io_errf(err, errlen, "%s: name too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return io_errf(err, errlen, "%s: %s", tmp, strerror(errno));
	bool bad = io_write_all(fd, head, sizeof head) < 0 || io_write_all(fd, p, n * sizeof *p) < 0;
	int e = errno;

	if (close(fd) < 0 && !bad) {
		bad = true;
		e = errno;
	}
	if (!bad && rename(tmp, path) < 0) {
		bad = true;
		e = errno;
	}
	if (!bad)
		return 0;
	unlink(tmp);
	return io_errf(err, errlen, "%s: %s", path, strerror(e));
}
