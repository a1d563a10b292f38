/* SPDX-License-Identifier: MIT */
/* supervisor.h: the container model the runtime works on, and the interfaces
 * between the supervisor's files (one section per file). */
#ifndef BERTH_SUPERVISOR_H
#define BERTH_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include "base/control.h"
#include "net/bridge.h"
#include "update/esp.h"
#include "logfile.h"
#include "manifest/manifest.h"
#include "update/slots.h"

/* What to run: the manifest's container (lib/manifest/manifest.h) plus what the
 * supervisor derives from it at load (see spec.c); never changed after. */
struct container_spec {
	const struct container *m; /* owned by struct sv's manifest */
	const char *name;	   /* m->name */
	char *image;		   /* absolute path of the image's root directory */
	/* The manifest merged into the image's config (lib/manifest/imageconfig.h). */
	char **argv;		   /* entrypoint + command, NULL-terminated */
	char **env;		   /* "KEY=VALUE", PATH added when missing */
	bool has_user;		   /* false: root */
	struct user_spec user;
	char *workdir;
};

/* Where the host side of volumes and files lives; options of the program. */
struct sv_paths {
	const char *volumes;	 /* named volumes: <volumes>/<name> */
	const char *data;	 /* replaces BIND_DIR in bind sources */
	const char *resolv_conf; /* copied into bridge and host containers */
	const char *rundir;	 /* scratch directory for the containers' roots */
	const char *logdir;	 /* the containers' log files */
	const char *spooldir;	 /* log forward spools: <spooldir>/<target> */
	const char *state;	 /* the operator's stops (stopstate.c), apply's state */
	const char *images;	 /* the baked container images */
	const char *baked;	 /* the image's manifest */
	const char *override;	 /* the applied one (apply.c), NULL: none (tests) */
	const char *in_force;	 /* the one this run loaded: override or baked */
	const char *netsetup;	 /* run again by apply; "none": never */
};

/* Lifecycle; restart.c is the only file that changes it. */
enum cstate {
	CS_WAITING,  /* not started yet: waits for its dependencies */
	CS_STARTING, /* cloned, exec not confirmed yet */
	CS_RUNNING,
	CS_STOPPING,   /* stop signal sent, grace timer armed */
	CS_BACKOFF,    /* exited, restart timer armed */
	CS_CRASH_LOOP, /* like BACKOFF, after too many quick failures in a row */
	CS_EXITED,     /* exited, the restart policy says no more */
	CS_STOPPED,    /* stopped on request */
	CS_NSTATES
};

enum cevent {
	EV_START,   /* dependencies are up (or there are none) */
	EV_EXEC_OK, /* the command is running */
	EV_EXIT,    /* PID 1 of the container was reaped */
	EV_TIMER,   /* the container's timer expired */
	EV_STOP,    /* a stop was requested */
	EV_NEVENTS
};

/* Health of a running container with a healthcheck (HS_NONE without). */
enum health_state { HS_NONE, HS_STARTING, HS_HEALTHY, HS_UNHEALTHY };

enum watch_kind {
	W_SIGNAL,
	W_PIDFD,
	W_TIMER,
	W_EXEC,
	W_OUT,
	W_HEALTH_TIMER,
	W_HEALTH_PIDFD,
	W_CONTROL,	  /* the control socket's listening fd */
	W_CONTROL_TIMER,  /* deadline of the oldest control connection */
	W_CONTROL_CLIENT, /* one control connection */
	W_LOGFWD,	  /* a log forward target's socket (logfwd.c) */
	W_LOGFWD_TIMER,	  /* its reconnect timer */
	W_BLESS_TIMER,	  /* the trial boot's check (bless.c) */
	W_KMSG,		  /* /dev/kmsg (loghost.c) */
	W_CONSOLE,	  /* the console can take more (logconsole.c) */
	W_OUT_TICK,	  /* paused output pipes are read again (logcapture.c) */
	W_FDSTORE,	  /* init's descriptor store (live.c) */
	W_APPLY,	  /* apply.c: netsetup's pidfd, the trial's timer */
	W_AUTOUPDATE,	  /* autoupdate.c: its timer, its child's pidfd */
	W_NETWAIT,	  /* netwait.c: netsetup's status file changed */
};

struct instance;
struct ctl_client;
struct fwd_target;

/* What an epoll event points at; a W_CONTROL_CLIENT watch is the member w
 * of its struct ctl_client (control.c). */
struct watch {
	enum watch_kind kind;
	struct instance *c;
};

/* What an output stream read and has not yet logged: in memory that
 * outlives the supervisor (live.c), so a crash loses no part of a line. */
struct outmem {
	uint32_t len;
	char buf[LOG_LINE_MAX];
};

/* One output stream of a container, split into lines for the console, the
 * log file and the forward targets. */
struct outbuf {
	int fd;
	struct watch w;
	bool paused; /* unwatched until the next tick (logcapture.c) */
	struct outmem *m;
};

struct live_mem;

struct instance {
	struct container_spec spec;
	enum cstate state;
	pid_t pid;
	int pidfd, execfd, timerfd, cgfd;
	struct watch w_pidfd, w_exec, w_timer;
	struct outbuf out, err;
	struct logfile log;   /* <log dir>/<name>.log (logfile.c) */
	uint64_t log_seq;     /* the last syslog seq its lines got (logseq.c) */
	char exec_error[256]; /* why the child failed before exec, or "" */
	struct timespec started;
	struct timespec decided; /* start() began: the start latency's origin */
	unsigned restarts;	 /* restarts since the supervisor started it */
	unsigned quick_failures; /* exits in a row after a short run */
	unsigned backoff_ms;
	/* Health check (health.c): one timerfd for the interval and the
	 * timeout, the running check's pidfd and output pipe. */
	enum health_state health;
	int h_timerfd, h_pidfd, h_outfd;
	struct watch w_htimer, w_hpidfd;
	unsigned h_failures;	/* in a row */
	char h_output[512];	/* the last check's output, one line */
	int last_status;	/* of the last exit, as waitpid's; -1: failed to start */
	char last_exit[320];	/* why it last ended, for status; "" before that */
	bool restart_requested; /* by the control socket: start again once stopped */
	bool held;		/* unless-stopped, stopped by the operator (stopstate.c) */
	bool attached;		/* has a veth pair on the bridge */
	uint32_t uid_base;	/* host id of its root (idrange.c); 0: the host's users */
	struct ip_prefix addr;	/* on the bridge, while attached */
	struct instance **deps; /* deps[i] for spec.m->depends_on[i] */
	size_t ndeps;
	/* live.c: the run's record and output buffers, in a memfd that init
	 * keeps for the next supervisor. */
	int memfd;
	struct live_mem *mem;
	unsigned char spec_hash[32]; /* of its definition (live.c) */
	bool adopted;	 /* from an earlier supervisor: not our child */
	bool exit_wait;	 /* adopted and gone: init's exit status is due */
	int live_status; /* adopted, found gone at startup: how it ended */
};

/* reach.c: whether a boot on trial can be reached (bless.c asks). */
struct reach {
	int icmp, tcp; /* probes under way, else -1 */
	uint16_t id, seq;
	bool answered;	     /* the target answered once: it stays so */
	char status[PATH_MAX]; /* netsetup's status, as init writes it */
};

/* bless.c: a boot on trial after an update. */
struct bless {
	int fd; /* 1 s timer while on trial, else -1 */
	struct watch w;
	struct slots s;
	struct esp_entry entry; /* the booted one, with its counter */
	uint64_t healthy_since_ms; /* CLOCK_BOOTTIME; 0 while not all healthy */
	bool fallback;		   /* the other slot has a confirmed entry */
	uint64_t t0_ms;		   /* CLOCK_BOOTTIME the deadline counts from */
	struct reach reach;
	char waiting[300]; /* what the confirmation waits for, as last said */
};

/* apply.c: a manifest applied to the running host. */
enum apply_phase { AP_IDLE, AP_STOPPING, AP_NETSETUP };
struct apply_run {
	enum apply_phase phase;
	char *buf; /* the new manifest's bytes; NULL: back to the image's */
	size_t len;
	bool *stop;	       /* per instance: stopped by this apply */
	bool *changed;	       /* per instance: changed in place */
	struct manifest *next; /* an apply in place (spec_swap): the new one */
	bool netsetup, reboot, rollback;
	uint64_t try_ms;     /* --try: 0 for none */
	char who[32];	     /* "uid 0", "rollback" */
	char summary[200];   /* what the plan does, in words */
	char sha[65];	     /* of the new manifest */
	int ns_pidfd;	     /* netsetup, while it runs */
	struct watch w_ns;
	int try_fd; /* the trial's deadline */
	struct watch w_try;
	bool trying;
	long long try_until; /* seconds since the epoch */
	char in_force_sha[65], applied_sha[65];
	long long applied_at;
};

/* autoupdate.c: the update channel's checks, installs and reboots. */
enum au_phase { AU_OFF, AU_WAIT, AU_CHECK, AU_APPLY, AU_REBOOT_WAIT, AU_REBOOTING };
struct autoupdate {
	enum au_phase phase;
	int timerfd, pidfd, outfd; /* outfd: the check's JSON */
	struct watch w_timer, w_child;
	unsigned failures;
	time_t last_check, next_at, reboot_at;
	char state[96], last_result[160], pending[64];
	char dir[PATH_MAX], file[PATH_MAX], manifest_file[PATH_MAX + 16];
	char machine_id[33];
};

struct sv {
	int epfd, sigfd, devnull;
	struct watch w_signal;
	struct instance *c;
	size_t n;
	struct manifest manifest;
	const char *cgroot; /* cgroup v2 directory the containers go under */
	/* cgroup.c: RAM, the host's reserve, and the containers' common
	 * memory.max (0: not set, no memory controller). */
	uint64_t mem_ram, mem_reserve, mem_shared;
	struct sv_paths paths;
	int cgroot_fd;
	bool has_bridge;  /* some container uses network_mode bridge */
	struct bridge br; /* from the manifest's network.bridge */
	struct nl nl;	  /* rtnetlink in the host's namespace, for the bridge */
	bool shutting_down;
	bool got_term;	       /* SIGTERM or SIGINT arrived */
	struct timespec begun; /* when main() began */
	struct rlimit nofile;  /* RLIMIT_NOFILE as started: the containers' */
	bool all_told;	       /* "all N containers running" was said */
	/* control.c: the control socket and its connections. */
	int ctl_fd, ctl_timerfd;
	struct watch w_ctl, w_ctl_timer;
	struct ctl_client *clients; /* MAX_CLIENTS (control.c) slots */
	const char *ctl_path;
	dev_t ctl_dev; /* the socket file's, to unlink only our own at exit */
	ino_t ctl_ino;
	pid_t init_pid;	  /* gets the power signal: 1, or --init-pid in tests */
	int power_signal; /* SIGTERM (reboot) or SIGUSR2 (poweroff) once all are down */
	bool power_sent;
	/* logfwd.c: the forward targets of logging.forward. */
	struct fwd_target *fwd;
	size_t n_fwd;
	struct bless bless;
	/* live.c: the connection to init's descriptor store, or -1. */
	int store_fd;
	struct watch w_store;
	/* logcapture.c: the tick that paused output pipes wait for. */
	int out_timerfd;
	struct watch w_out_timer;
	bool out_tick_armed;
	struct apply_run ap;
	struct autoupdate au;
	/* netwait.c: containers on the network wait for netsetup at boot. */
	bool net_wait;
	int nw_fd, ready_fd;
	struct watch w_netwait;
};

/* netwait.c: netsetup, started by init beside the supervisor. */
void netwait_open(struct sv *sv, int ready_fd);
void netwait_dispatch(struct sv *sv);
bool netwait_holds(const struct sv *sv, const struct instance *c);
void netwait_started(struct sv *sv);

/* spec.c: the manifest's containers as instances the supervisor runs. */
int spec_load(struct sv *sv, const char *file, const char *images);
/* An apply in place: the instances take mf's containers (the same
 * names); recreate[i] ones get their image and command anew. 0, or -1
 * with nothing changed. */
int spec_swap(struct sv *sv, struct manifest *mf, const bool *recreate, const char *file);
/* The instance of the container named name, or NULL. */
struct instance *sv_find(struct sv *sv, const char *name);

/* cgroup.c: cgroup v2 directories, limits and cgroup.kill. */
int cg_root_open(const char *path, char *err, size_t errlen);
void cg_memory_setup(struct sv *sv, int rootfd, const char *cgroot, bool host);
int cg_create(int rootfd, const struct container_spec *s, char *err, size_t errlen);
int cg_kill(int cgfd);
int cg_remove(int rootfd, const char *name);
void cg_sweep(struct sv *sv);
void cg_limits_update(int cgfd, const struct container_spec *s);

struct sock_filter;
/* seccomp.c: the default profile, compiled once. */
#define SECCOMP_FILE "/usr/lib/berth/seccomp.bpf"
int sc_default_compile(char *err, size_t errlen);
uint64_t sc_fingerprint(void);
const struct sock_filter *sc_program(unsigned short *len);
void sc_program_set(struct sock_filter *p, unsigned short len);
/* seccompfile.c: the program precompiled when the image was built. */
int sc_default_prepare(const char *path, char *err, size_t errlen);
int sc_default_export(const char *path, char *err, size_t errlen);
int sc_install(void);

/* caps.c: capabilities in the child (the set itself is the manifest's). */
uint64_t caps_supported(uint64_t set);
int caps_bound(uint64_t set);
int caps_set(uint64_t set);
int caps_raise_effective(void);

/* idrange.c: each container's range of host ids, kept per name on disk.
 * Range i is host ids IDRANGE_BASE + i * IDRANGE_SIZE and the 65535 after
 * it: above every id a system or its users take (systemd-nspawn picks from
 * 0x80000 too), and below 2^32 - 1 for every index. */
#define IDRANGE_BASE 0x80000u
#define IDRANGE_SIZE 65536u
#define IDRANGE_COUNT 65520
int idrange_get(const struct sv *sv, const char *name, uint32_t *base, char *err, size_t errlen);

/* userns.c: a container's own user namespace and the namespaces it owns,
 * as fds (-1: none); base is the host id of its root. */
struct userns {
	int user, net, uts, ipc;
	uint32_t base;
};
int userns_make(uint32_t base, bool net, struct userns *ns, char *err, size_t errlen);
void userns_close(struct userns *ns);
int userns_join_owned(const struct userns *ns);
int userns_enter(int fd);

/* mounts.c: the container's root, /dev, /proc, /sys, then pivot_root. */
/* etchosts.c: the text of a container's /etc/hosts into buf, with the
 * network's static hosts (NULL: none); its length, 0 when it does not fit. */
#define ETC_HOSTS_MAX (64 * 1024)
size_t etc_hosts_text(const struct container_spec *s, const struct network_cfg *net, char *buf,
		      size_t len);

int mounts_setup(const struct container_spec *s, const struct network_cfg *net,
		 const struct sv_paths *p, const struct userns *ns,
		 const char **what);

/* net.c: the container's network: loopback in the child, the bridge in the
 * supervisor. */
int net_lo_up(void);
int net_attach(struct sv *sv, struct instance *c, int netns, char *err, size_t errlen);
void net_detach(struct sv *sv, struct instance *c);
void net_adopt(struct sv *sv, struct instance *c);

/* spawn.c: one clone3 per start, the child's setup, the exec error pipe. */
int spawn_container(struct sv *sv, struct instance *c, char *err, size_t errlen);
int spawn_read_exec_error(struct instance *c);
void spawn_close(struct sv *sv, struct instance *c);

int spawn_probe(struct sv *sv, struct instance *c, int out, int *pidfd, char *err, size_t errlen);

/* health.c: health checks of running containers. */
void health_start(struct sv *sv, struct instance *c);
void health_stop(struct sv *sv, struct instance *c);
void health_on_timer(struct sv *sv, struct instance *c);
void health_on_exit(struct sv *sv, struct instance *c);
void health_resume(struct sv *sv, struct instance *c);
const char *health_str(enum health_state h);

/* stopstate.c: FILE in the state directory, into buf (ENAMETOOLONG). */
int sv_state_path(const struct sv *sv, const char *file, char *buf, size_t len);

/* reach.c: 1 when reachable; else 0 and why. Sends and reads the probes. */
void reach_init(struct reach *r);
int reach_check(struct sv *sv, struct reach *r, char *why, size_t len);
void reach_close(struct reach *r);

/* bless.c: confirms a trial boot, or reboots when it cannot get healthy. */
void bless_open(struct sv *sv);
void bless_on_timer(struct sv *sv);

/* restart.c: the lifecycle state machine. */
void sv_event(struct sv *sv, struct instance *c, enum cevent ev, int status);
const char *cstate_str(enum cstate st);
void sv_start_ready(struct sv *sv);
void sv_stop_all(struct sv *sv);
bool sv_all_down(const struct sv *sv);
/* Starting, running or stopping: its processes may be there. */
bool sv_is_up(const struct instance *c);

/* control.c: the control socket (docs/supervisor.md, Control). */
int control_open(struct sv *sv, const char *path, char *err, size_t errlen);
void control_close(struct sv *sv);
void control_dispatch(struct sv *sv, struct watch *w, uint32_t events);
/* Sends init the power signal once a reboot or poweroff has stopped all. */
void control_power(struct sv *sv);
void autoupdate_init(struct sv *sv);
void autoupdate_dispatch(struct sv *sv, struct watch *w);
void autoupdate_retry(struct sv *sv, const char *why);
/* A reboot (SIGTERM) or poweroff (SIGUSR2) as the control verbs do it: every
 * container stopped, then init asked; who is said in the log. */
void control_power_begin(struct sv *sv, int sig, const char *who);

/* stopstate.c: operator stops of unless-stopped containers, kept on disk. */
void stopstate_load(struct sv *sv);
int stopstate_set(struct sv *sv, struct instance *c, bool held);

/* status.c: every container's state as JSON, for `berthctl status`. */
struct json;
void status_to_json(struct sv *sv, struct json *j);

/* stats.c: resource figures and firewall drops, read when asked. The
 * document of `berthctl stats` (name "": every container); -1 with err
 * when there is no such container. */
int stats_to_json(struct sv *sv, struct json *j, const char *name, char *err, size_t errlen);
/* For status: the veth counters of all containers in one dump, then a
 * "stats" member per container. */
struct links;
struct links *stats_links_read(struct sv *sv);
void stats_links_free(struct links *l);
void stats_container_json(const struct sv *sv, struct json *j, const struct links *l,
			  const struct instance *c);

/* live.c: live restore. Containers outlive a supervisor crash and the
 * next run adopts them (docs/supervisor.md, When the supervisor restarts). */
#define LIVE_STATUS_UNKNOWN (-2) /* an adopted container ended, status lost */
void live_hash(struct instance *c);
void live_rehash(struct instance *c);
void live_open(struct sv *sv);
void live_settle(struct sv *sv);
void live_save(struct instance *c);
void live_seq(struct instance *c);
void live_store(struct sv *sv, struct instance *c);
void live_gone(struct sv *sv, struct instance *c);
void live_dispatch(struct sv *sv);
void live_close(struct sv *sv);

/* apply.c: `berthctl apply` (docs/berthctl.md). */
void apply_set_argv(char **argv);
void apply_open(struct sv *sv);
void apply_progress(struct sv *sv);
void apply_dispatch(struct sv *sv, struct watch *w);
enum control_status apply_request(struct sv *sv, uid_t uid, const char *arg, char *msg,
				  size_t len);
enum control_status apply_confirm(struct sv *sv, char *msg, size_t len);
void apply_rollback(struct sv *sv, const char *why);
void apply_essential_failed(struct sv *sv, struct instance *c, const char *how);
void apply_status_json(const struct sv *sv, struct json *j);
void apply_brief_json(const struct sv *sv, struct json *j);

/* logcapture.c: containers' output, read in paced batches. */
void out_open(struct sv *sv);
void out_read(struct sv *sv, struct instance *c, struct outbuf *o);
void out_tick(struct sv *sv);

/* main.c: messages and the loop's bookkeeping. */
void sv_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sv_watch(struct sv *sv, int fd, struct watch *w);
void sv_unwatch(struct sv *sv, int *fd);
void sv_child_exited(struct sv *sv, struct instance *c, int status);
int sv_env_fd(const char *var);
int sv_timer_arm(struct instance *c, uint64_t ms);

#endif
