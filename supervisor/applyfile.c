/* SPDX-License-Identifier: MIT */
/* applyfile.c: apply's files (its state directory, manifests read whole)
 * and digests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "apply.h"
#include "base/io.h"
#include "update/seal.h"

void
apply_sha256_hex(const char *buf, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	for (size_t i = 0; i < sizeof h; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The manifest's own bytes: without the seal line apply added (the sha256
 * status gives is the one of the file the operator applied). */
size_t
apply_unsealed_len(const char *buf, size_t len)
{
	if (len >= SEAL_LINE_LEN && buf[len - 1] == '\n' &&
	    !strncmp(buf + len - SEAL_LINE_LEN, SEAL_PREFIX, sizeof(SEAL_PREFIX) - 1))
		return len - SEAL_LINE_LEN;
	return len;
}

/* This boot's id, "" when unknown. */
void
apply_boot_id(char out[40])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, 36) : -1;

	if (fd >= 0)
		close(fd);
	out[n == 36 ? 36 : 0] = '\0';
}

int
apply_state_write(const struct sv *sv, const char *file, const char *text, size_t len)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", sv->paths.state);
	if (io_mkdir_p(dir, 0700) < 0)
		return -1;
	return io_replace_file(sv->paths.state, file, text, len, 0600);
}

/* The same, whole but not durable (no fsync): for what a power cut may
 * lose (when the manifest was applied, for status), off an apply's path. */
int
apply_state_note(const struct sv *sv, const char *file, const char *text, size_t len)
{
	char tmp[PATH_MAX], dest[PATH_MAX];

	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", sv->paths.state, file);
	snprintf(dest, sizeof dest, "%s/%s", sv->paths.state, file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int rc = io_write_all(fd, text, len);
	if (close(fd) < 0 || rc < 0 || rename(tmp, dest) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

ssize_t
apply_state_read(const struct sv *sv, const char *file, char *buf, size_t len)
{
	int dfd = open(sv->paths.state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n = dfd >= 0 ? io_read_small(dfd, file, buf, len) : -1;

	if (dfd >= 0)
		close(dfd);
	return n;
}

void
apply_state_remove(const struct sv *sv, const char *file)
{
	int dfd = open(sv->paths.state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return;
	if (unlinkat(dfd, file, 0) == 0)
		fsync(dfd);
	close(dfd);
}

/* The whole of a file (a manifest), malloc'd; NULL with errno. */
char *
apply_slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > SEAL_MAX_FILE) {
		if (errno == 0 || S_ISREG(st.st_mode))
			errno = EFBIG;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf && io_read_full(fd, buf, (size_t)st.st_size) != (ssize_t)st.st_size) {
		free(buf);
		buf = NULL;
		errno = errno ? errno : EIO;
	}
	if (buf) {
		buf[st.st_size] = '\0';
		*len = (size_t)st.st_size;
	}
out:
	close(fd);
	return buf;
}
