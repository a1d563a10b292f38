/* SPDX-License-Identifier: MIT */
/*
 * The isolation probe of tests/vm/sv-isolation.sh, run as a container's
 * process: prints its CapEff, NoNewPrivs and Seccomp (from
 * /proc/self/status), then tries what a default container must not do and
 * prints one line each, "probe: NAME denied (ERRNO)" or "probe: NAME
 * ALLOWED", then "probe: done", and stays up so the test can look at it.
 * The calls after io_uring_setup tell the allow list's ENOSYS (a call it
 * does not list, one no kernel has, clone3) from its EPERM (add_key, an
 * AF_VSOCK socket); their arguments are invalid, so that without a filter
 * the kernel answers with another errno and changes nothing.
 * Built static with musl (tests/images/mkprobe); no kernel headers needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_bpf
#define SYS_bpf 321
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

#define PTRACE_ATTACH_REQ 16
#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING (-3)
#define BPF_MAP_CREATE 0
#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_CMD_CAD_OFF 0
#define SYSCALL_NONE 1000 /* beyond every kernel's table */

static const char *
errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ESRCH: return "ESRCH";
	case ENOENT: return "ENOENT";
	case ENOKEY: return "ENOKEY";
	case EBUSY: return "EBUSY";
	case EBADF: return "EBADF";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	default: return strerror(e);
	}
}

/* rc < 0 with errno set: denied; anything else: it went through. */
static void
report(const char *what, long rc)
{
	if (rc < 0)
		printf("probe: %s denied (%s)\n", what, errname(errno));
	else
		printf("probe: %s ALLOWED\n", what);
	fflush(stdout);
}

static void
status_field(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");
	int found = 0;

	if (f) {
		while (fgets(line, sizeof line, f)) {
			if (strncmp(line, key, n) == 0 && line[n] == ':') {
				char *v = line + n + 1;
				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = 0;
				printf("probe: %s=%s\n", key, v);
				found = 1;
			}
		}
		fclose(f);
	}
	if (!found)
		printf("probe: %s=missing\n", key);
	fflush(stdout);
}

int
main(void)
{
	unsigned char zero[256] = {0};

	status_field("CapEff");
	status_field("NoNewPrivs");
	status_field("Seccomp");

	errno = 0;
	report("mount", mount("probe", "/tmp", "tmpfs", 0, NULL));
	report("unshare-user", unshare(CLONE_NEWUSER));
	/* PID 1 of the container: the shell that started the probe. */
	report("ptrace-pid1", syscall(SYS_ptrace, PTRACE_ATTACH_REQ, 1L, 0L, 0L));
	report("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1L));
	report("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, zero, 72L));
	report("init_module", syscall(SYS_init_module, zero, 0L, ""));
	report("reboot", syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_CMD_CAD_OFF, 0L));
	report("io_uring_setup", syscall(SYS_io_uring_setup, 1L, zero));
	report("process_madvise", syscall(SYS_process_madvise, -1L, NULL, 0L, 0L, 0L));
	report("syscall-1000", syscall(SYSCALL_NONE, 0L, 0L, 0L));
	report("clone3", syscall(SYS_clone3, NULL, 0L));
	report("add_key", syscall(SYS_add_key, NULL, NULL, NULL, 0L, 0L));
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	report("socket-vsock", fd);
	if (fd >= 0)
		close(fd);
	printf("probe: done\n");
	fflush(stdout);
	for (;;)
		pause();
}
