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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/fnv.h"
#include "supervisor.h"

/*
 * An allow list: what is not named here, in sc_denied or in the argument
 * rules below gets ENOSYS, so a system call added by a later kernel is
 * refused the way an older kernel would refuse it, and libcs fall back to
 * the call they used before (clone3 to clone, fchmodat2 to fchmodat).
 *
 * Docker's default list for x86-64 and i386 (moby profiles/seccomp), with
 * what berth refuses outright moved to sc_denied (io_uring, clock_adjtime,
 * name_to_handle_at), plus calls whose kernel side checks a capability of
 * the default set or one cap_add may give (chroot: SYS_CHROOT;
 * sethostname, setdomainname: SYS_ADMIN). Names this libseccomp does not
 * know are left out: they get ENOSYS like any unknown call.
 */
/* clang-format off */
static const char *const sc_allowed[] = {
	"_llseek", "_newselect", "accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl",
	"bind", "brk", "cachestat", "capget", "capset", "chdir", "chmod", "chown", "chown32",
	"chroot", "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64",
	"clock_nanosleep", "clock_nanosleep_time64", "close", "close_range", "connect",
	"copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
	"epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old",
	"eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat",
	"faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod",
	"fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync",
	"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64",
	"fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
	"futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat",
	"get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64",
	"getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
	"getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
	"getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
	"getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday",
	"getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
	"io_pgetevents_time64", "io_setup", "io_submit", "ioctl", "ioprio_get", "ioprio_set", "ipc",
	"kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
	"lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack",
	"membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
	"mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt", "mprotect",
	"mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
	"mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
	"msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep", "newfstatat", "open",
	"openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
	"pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
	"pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
	"pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
	"readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
	"remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall",
	"rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo", "sched_get_priority_max", "sched_get_priority_min",
	"sched_getaffinity", "sched_getattr", "sched_getparam", "sched_getscheduler",
	"sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
	"sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select",
	"semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
	"sendfile64", "sendmmsg", "sendmsg", "sendto", "set_robust_list", "set_thread_area",
	"set_tid_address", "setdomainname", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
	"setgid", "setgid32", "setgroups", "setgroups32", "sethostname", "setitimer", "setpgid",
	"setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
	"setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt", "setuid",
	"setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
	"signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
	"stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
	"sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
	"ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
	"utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
	"writev",
};
/* clang-format on */

/*
 * Refused with EPERM, as before the allow list: what Docker's default
 * profile refuses a container without extra capabilities, plus what Docker
 * allows and berth does not: io_uring (its operations bypass this filter
 * entirely), ptrace and process_vm_*, name_to_handle_at, clock_adjtime.
 * EPERM rather than ENOSYS because these exist and are refused on purpose:
 * a program must not take them for an old kernel and try another way in.
 */
static const char *const sc_denied[] = {
    "_sysctl",
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_settime",
    "clock_settime64",
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

/* One rule per name. A name this libseccomp cannot resolve (a call newer
 * than its table) is skipped: it gets the default ENOSYS, refused either
 * way. Names of i386 only (mmap2, socketcall) resolve to libseccomp's
 * pseudo numbers, which it maps to each architecture that has the call. */
static int
sc_add_names(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
	     const char **what)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		*what = names[i];
		int rc = seccomp_rule_add(ctx, action, nr, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* clone: allowed without namespace flags, EPERM with any (one rule per
 * flag: a rule compares one value). */
static int
sc_rules_clone(scmp_filter_ctx ctx, const char **what)
{
	unsigned long all = 0;
	int rc;

	*what = "clone";
	for (size_t i = 0; i < sizeof sc_clone_ns / sizeof sc_clone_ns[0]; i++) {
		all |= sc_clone_ns[i];
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, sc_clone_ns[i], sc_clone_ns[i]));
		if (rc < 0)
			return rc;
	}
	/* clone3 is not allowed: its flags are in memory, out of the filter's
	 * sight, and the default ENOSYS makes libc fall back to clone(). */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, all, 0));
}

/* personality: allowed without the bits that weaken ASLR or NX, EPERM
 * with either. The query 0xffffffff has them set and is refused too: one
 * rule compares an argument once, and where an EPERM and an allow rule
 * both match, libseccomp's filter takes the EPERM. */
static int
sc_rules_personality(scmp_filter_ctx ctx, const char **what)
{
	unsigned long all = 0;
	int rc;

	*what = "personality";
	for (size_t i = 0; i < sizeof sc_personality / sizeof sc_personality[0]; i++) {
		all |= sc_personality[i];
		rc = seccomp_rule_add(
		    ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, sc_personality[i], sc_personality[i]));
		if (rc < 0)
			return rc;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, all, 0));
}

/* socket: every family but AF_VSOCK, the host's hypervisor channel (EPERM,
 * as Docker). On i386 socketcall passes the family in memory: allowed. */
static int
sc_rules_socket(scmp_filter_ctx ctx, const char **what)
{
	int rc;

	*what = "socket";
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
			      SCMP_A0(SCMP_CMP_EQ, AF_VSOCK));
	if (rc < 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				SCMP_A0(SCMP_CMP_NE, AF_VSOCK));
}

static int
sc_rules(scmp_filter_ctx ctx, const char **what)
{
	int rc;

	rc = sc_add_names(ctx, SCMP_ACT_ALLOW, sc_allowed, sizeof sc_allowed / sizeof sc_allowed[0],
			  what);
	if (rc < 0)
		return rc;
	rc = sc_add_names(ctx, SCMP_ACT_ERRNO(EPERM), sc_denied,
			  sizeof sc_denied / sizeof sc_denied[0], what);
	if (rc < 0)
		return rc;
	if ((rc = sc_rules_clone(ctx, what)) < 0)
		return rc;
	if ((rc = sc_rules_personality(ctx, what)) < 0)
		return rc;
	return sc_rules_socket(ctx, what);
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

	/* Unlisted calls: ENOSYS, as from a kernel that lacks them. The
	 * length of the list costs no time per call: the kernel (5.11 on)
	 * caches the verdict for calls allowed whatever their arguments. */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
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

/* What the compiled program depends on: the rules above and the
 * libseccomp that compiles them. A precompiled program (seccompfile.c)
 * is used only when its fingerprint is this one: it tells versions apart;
 * the file itself is trusted (the verified root). */
static uint64_t
fnv_names(uint64_t h, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = fnv1a64(h, names[i], strlen(names[i]) + 1);
	return fnv1a64(h, "|", 1);
}

uint64_t
sc_fingerprint(void)
{
	const struct scmp_version *v = seccomp_version();
	unsigned long more[] = {AF_VSOCK, SCMP_ARCH_X86, ENOSYS, EPERM};
	uint64_t h = FNV1A64_INIT;

	h = fnv1a64(h, "berth-seccomp-1", 15);
	if (v)
		h = fnv1a64(h, v, sizeof *v);
	h = fnv_names(h, sc_allowed, sizeof sc_allowed / sizeof sc_allowed[0]);
	h = fnv_names(h, sc_denied, sizeof sc_denied / sizeof sc_denied[0]);
	h = fnv1a64(h, sc_clone_ns, sizeof sc_clone_ns);
	h = fnv1a64(h, sc_personality, sizeof sc_personality);
	return fnv1a64(h, more, sizeof more);
}

const struct sock_filter *
sc_program(unsigned short *len)
{
	*len = sc_prog_len;
	return sc_prog;
}

/* Takes p (malloc'd), a program precompiled from these rules. */
void
sc_program_set(struct sock_filter *p, unsigned short len)
{
	free(sc_prog);
	sc_prog = p;
	sc_prog_len = len;
}

/* In the child: needs no_new_privs set, allocates nothing. */
int
sc_install(void)
{
	struct sock_fprog prog = {.len = sc_prog_len, .filter = sc_prog};
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
