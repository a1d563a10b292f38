/* SPDX-License-Identifier: MIT */
/* berthctl trust check: whether the host's trust policy accepts an image,
 * given its manifest digest and signature files (what a pull will ask). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "ctl.h"
#include "trust/trustcheck.h"

#define TRUST_POLICY "/usr/share/berth/trust/policy.json"
#define POLICY_MAX (1 << 20)

/* Reads the policy file; prints why not and returns -1. */
static int
policy_load(const char *path, struct trust_policy *p)
{
	char *buf = malloc(POLICY_MAX + 1);
	struct diag d;
	ssize_t n;
	int r;

	if (!buf)
		return -1;
	n = io_read_small(AT_FDCWD, path, buf, POLICY_MAX + 1);
	if (n < 0 || n > POLICY_MAX) {
		fprintf(stderr, "berthctl: trust: %s: %s\n", path,
			n < 0 ? strerror(errno) : "larger than 1 MiB");
		free(buf);
		return -1;
	}
	r = trust_parse_json(path, buf, (size_t)n, p, &d);
	if (r < 0)
		ctl_report(&d);
	diag_free(&d);
	free(buf);
	return r;
}

/* Reads each signature file; prints why not and returns -1. */
static int
sigs_load(char **files, int n, struct sig_blob *sigs)
{
	for (int i = 0; i < n; i++) {
		char *buf = malloc(SIMPLESIGN_MAX + 1);
		ssize_t len = buf ? io_read_small(AT_FDCWD, files[i], buf, SIMPLESIGN_MAX + 1) : -1;

		if (len < 0 || len > SIMPLESIGN_MAX) {
			fprintf(stderr, "berthctl: trust: %s: %s\n", files[i],
				len < 0 ? strerror(errno) : "too large for a signature");
			free(buf);
			return -1;
		}
		sigs[i] = (struct sig_blob){buf, (size_t)len};
	}
	return 0;
}

int
cmd_trust(int argc, char **argv)
{
	const char *policy = TRUST_POLICY;
	struct trust_policy p;
	struct sig_blob *sigs;
	char why[2048], who[1024];
	int a = 2, rc = EXIT_SYSTEM, n;

	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return ctl_usage_error(
		    "trust: expected trust check [--policy FILE] REF DIGEST [SIG...]");
	if (a < argc && strcmp(argv[a], "--policy") == 0) {
		if (a + 1 >= argc)
			return ctl_usage_error("trust check: --policy needs a file");
		policy = argv[a + 1];
		a += 2;
	}
	if (argc - a < 2 || argv[a][0] == '-')
		return ctl_usage_error("trust check: expected REF DIGEST [SIG...]");
	if (strncmp(argv[a + 1], "sha256:", 7) != 0 || strlen(argv[a + 1]) != 71)
		return ctl_usage_error("trust check: %s: expected a digest sha256:HEX",
				       argv[a + 1]);
	n = argc - a - 2;
	if (!(sigs = calloc((size_t)n + 1, sizeof(*sigs))))
		return EXIT_SYSTEM;
	if (policy_load(policy, &p) == 0) {
		if (sigs_load(argv + a + 2, n, sigs) == 0) {
			if (trust_check(&p, TRUST_DOCKER, argv[a], argv[a + 1], sigs, (size_t)n,
					why, sizeof why, who, sizeof who) == 0) {
				printf("accepted: %s (%s): %s\n", argv[a], argv[a + 1], who);
				rc = 0;
			} else {
				printf("refused: %s (%s): %s\n", argv[a], argv[a + 1], why);
				rc = EXIT_INVALID;
			}
		}
		trust_free(&p);
	}
	for (int i = 0; i < n; i++)
		free((void *)sigs[i].data);
	free(sigs);
	return rc;
}
