/* SPDX-License-Identifier: MIT */
/* Writes berth's baseline kernel hardening sysctls (listed in docs/init.md). */
#include <errno.h>
#include <string.h>

#include "console.h"
#include "sysctl.h"
#include "util.h"

struct sysctl {
	const char *key;
	const char *value;
	int optional; /* absent unless a kernel option is on: skip silently */
};

/* Network sysctls belong to netsetup; these are the ones about the kernel itself. */
/* clang-format off */
static const struct sysctl baseline[] = {
	{ "kernel.kptr_restrict", "2", 0 },
	{ "kernel.dmesg_restrict", "1", 0 },
	{ "kernel.randomize_va_space", "2", 0 },
	{ "kernel.panic", "10", 0 },		/* reboot, so boot counting can fall back */
	{ "kernel.panic_on_oops", "1", 0 },
	{ "fs.protected_symlinks", "1", 0 },
	{ "fs.protected_hardlinks", "1", 0 },
	{ "fs.protected_fifos", "2", 0 },
	{ "fs.protected_regular", "2", 0 },
	{ "fs.suid_dumpable", "0", 0 },
	{ "kernel.unprivileged_bpf_disabled", "1", 1 },	/* CONFIG_BPF_SYSCALL */
	{ "net.core.bpf_jit_harden", "2", 1 },		/* CONFIG_BPF_JIT */
	/* 3: no process may attach to another, root included, until the next
	 * boot; no debugger is ever needed on a host (docs/kernel.md). */
	{ "kernel.yama.ptrace_scope", "3", 1 },		/* CONFIG_SECURITY_YAMA */
	/* Debian's switch: only a privileged process (the supervisor) may
	 * create a user namespace. */
	{ "kernel.unprivileged_userns_clone", "0", 1 },	/* CONFIG_USER_NS, Debian */
	{ "kernel.kexec_load_disabled", "1", 1 },	/* CONFIG_KEXEC_CORE */
	{ "kernel.perf_event_paranoid", "3", 1 },	/* CONFIG_PERF_EVENTS */
	{ "kernel.sysrq", "0", 1 },			/* CONFIG_MAGIC_SYSRQ */
	{ "vm.unprivileged_userfaultfd", "0", 1 },	/* CONFIG_USERFAULTFD */
	{ "dev.tty.ldisc_autoload", "0", 1 },
};
/* clang-format on */

static int
sysctl_write(const struct sysctl *s)
{
	char path[128];
	size_t i;

	if (path_fmt(path, sizeof(path), "/proc/sys/%s", s->key) < 0)
		return -1;
	for (i = sizeof("/proc/sys/") - 1; path[i]; i++) {
		if (path[i] == '.')
			path[i] = '/';
	}
	return write_file(path, s->value);
}

/* Returns how many could not be set; each one is warned about. */
int
sysctl_apply_baseline(void)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < ARRAY_SIZE(baseline); i++) {
		if (sysctl_write(&baseline[i]) == 0)
			continue;
		if (errno == ENOENT && baseline[i].optional) {
			log_debug("sysctl %s not in this kernel, skipped", baseline[i].key);
			continue;
		}
		log_msg("warning: sysctl %s=%s: %s", baseline[i].key, baseline[i].value,
			strerror(errno));
		failed++;
	}
	return failed;
}
