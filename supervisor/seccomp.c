/* SPDX-License-Identifier: MIT */
/* seccomp.c: the default seccomp profile, compiled to BPF once and installed
 * by every container's child just before exec. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "supervisor.h"

/*
 * Everything Docker's default profile refuses to a container without extra
 * capabilities, plus io_uring (its operations bypass this filter entirely)
 * and the new mount API. The filter is a deny list on top of the capability
 * set: what a dropped capability already forbids stays forbidden by the
 * kernel; this list closes the kernel attack surface that capabilities do
 * not gate (keyctl, userfaultfd, bpf, perf, ...).
 */
static const char *const sc_denied[] = {
    "_sysctl",
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_settime",
    "create_module",
    "delete_module",
    "finit_module",
    "fsconfig",
    "fsmount",
    "fsopen",
    "fspick",
    "get_kernel_syms",
    "get_mempolicy",
    "init_module",
    "io_uring_enter",
    "io_uring_register",
    "io_uring_setup",
    "ioperm",
    "iopl",
    "kcmp",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mbind",
    "mount",
    "mount_setattr",
    "move_mount",
    "move_pages",
    "name_to_handle_at",
    "nfsservctl",
    "open_by_handle_at",
    "open_tree",
    "perf_event_open",
    "pidfd_getfd",
    "pivot_root",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    "query_module",
    "quotactl",
    "quotactl_fd",
    "reboot",
    "request_key",
    "set_mempolicy",
    "setns",
    "settimeofday",
    "stime",
    "swapoff",
    "swapon",
    "sysfs",
    "syslog",
    "umount",
    "umount2",
    "unshare",
    "uselib",
    "userfaultfd",
    "ustat",
    "vhangup",
    "vm86",
    "vm86old",
};

/* clone() flags that would make new namespaces: refused, like unshare. */
static const unsigned long sc_clone_ns[] = {
    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,	 CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

/* personality() bits that weaken ASLR or NX for the caller's children. */
static const unsigned long sc_personality[] = {ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC};

static struct sock_filter *sc_prog;
static unsigned short sc_prog_len;

static int
sc_rules(scmp_filter_ctx ctx, const char **what)
{
	int rc;

	for (size_t i = 0; i < sizeof sc_denied / sizeof sc_denied[0]; i++) {
		int nr = seccomp_syscall_resolve_name(sc_denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: no such syscall to block */
		*what = sc_denied[i];
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) < 0)
			return rc;
	}
	*what = "clone";
	for (size_t i = 0; i < sizeof sc_clone_ns / sizeof sc_clone_ns[0]; i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, sc_clone_ns[i], sc_clone_ns[i]));
		if (rc < 0)
			return rc;
	}
	/* clone3 passes its flags in memory, out of the filter's sight; ENOSYS
	 * makes libc fall back to clone(), whose flags the rules above see. */
	*what = "clone3";
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
		return rc;
	*what = "personality";
	for (size_t i = 0; i < sizeof sc_personality / sizeof sc_personality[0]; i++) {
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, sc_personality[i], sc_personality[i]));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Reads the exported program back into memory that the children inherit. */
static int
sc_export(scmp_filter_ctx ctx)
{
	int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		goto out_close;
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rc = -EINVAL;
		goto out_close;
	}
	sc_prog = malloc((size_t)size);
	if (!sc_prog) {
		rc = -ENOMEM;
		goto out_close;
	}
	if (pread(fd, sc_prog, (size_t)size, 0) != size) {
		rc = -EIO;
		goto out_close;
	}
	sc_prog_len = (unsigned short)(size / sizeof(struct sock_filter));
	rc = 0;
out_close:
	close(fd);
	return rc;
}

int
sc_default_compile(char *err, size_t errlen)
{
	const char *what = "init";
	int rc = -ENOMEM;

	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		goto out;
	/* i386 binaries run in containers too; they get the same rules. */
	what = "x86 architecture";
	if ((rc = seccomp_arch_add(ctx, SCMP_ARCH_X86)) < 0 && rc != -EEXIST)
		goto out_release;
	if ((rc = sc_rules(ctx, &what)) < 0)
		goto out_release;
	what = "export";
	rc = sc_export(ctx);
out_release:
	seccomp_release(ctx);
out:
	if (rc < 0)
		snprintf(err, errlen, "seccomp default profile: %s: %s", what, strerror(-rc));
	return rc < 0 ? -1 : 0;
}

/* In the child: needs no_new_privs set, allocates nothing. */
int
sc_install(void)
{
	struct sock_fprog prog = {.len = sc_prog_len, .filter = sc_prog};
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
