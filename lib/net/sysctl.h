/* SPDX-License-Identifier: MIT */
/* Kernel parameters under /proc/sys: berth's hardened baseline and applying settings. */
#ifndef BERTH_SYSCTL_H
#define BERTH_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#define SYSCTL_KEY_MAX 256
#define SYSCTL_VAL_MAX 128

enum sysctl_scope {
	SYSCTL_NETNS, /* net.*: one copy per network namespace */
	SYSCTL_HOST,  /* kernel.*, fs.*, net.core.bpf_*: one copy for the machine */
};

struct sysctl_kv {
	char name[SYSCTL_KEY_MAX]; /* dotted: net.ipv4.conf.eth0/10.rp_filter */
	char value[SYSCTL_VAL_MAX];
};

/* Settings in the order they are to be written; a name is there once. */
struct sysctl_list {
	struct sysctl_kv *v;
	size_t n, cap;
};

/* Sets name to value in the list: replaces an earlier value for the same
 * name (so that later sources win) or appends. -1 on a bad name or value. */
int sysctl_list_set(struct sysctl_list *l, const char *name, const char *value);
void sysctl_list_free(struct sysctl_list *l);

/*
 * Appends berth's hardened baseline (docs/security.md gives the reason for
 * each): the per-network-namespace settings always, the machine-wide ones
 * only when host is true. "conf.*" settings are expanded to "all", "default"
 * and every interface that exists now, because for several of them the
 * kernel uses the interface's own value and "all" does not reach it.
 * forwarding: whether IPv4 forwarding is on (a container bridge exists).
 */
int sysctl_list_add_hardened(struct sysctl_list *l, bool host, bool forwarding, char *err,
			     size_t errlen);

/* Writes value unless the kernel already has it (compared with runs of
 * white space as one space). dry_run: only say whether it would change.
 * A name the kernel lacks is an error naming it. */
int sysctl_apply(const char *name, const char *value, bool dry_run, bool *changed, char *err,
		 size_t errlen);

/* Reads a sysctl, trailing newline removed. */
int sysctl_read(const char *name, char *buf, size_t size);

#endif
