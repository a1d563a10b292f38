/* SPDX-License-Identifier: MIT */
/* filehash.c: a file's SHA-256 (libsodium), read in 1 MiB pieces. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "base/io.h"
#include "update/filehash.h"

int
filehash_sha256(const char *path, uint8_t out[32], uint64_t *size)
{
	/* One buffer for the process: its callers are single-threaded tools. */
	static uint8_t buf[1 << 20];
	crypto_hash_sha256_state st;
	uint64_t total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = io_read_full(fd, buf, sizeof(buf))) > 0) {
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		total += (uint64_t)n;
	}
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	crypto_hash_sha256_final(&st, out);
	if (size)
		*size = total;
	return 0;
}
