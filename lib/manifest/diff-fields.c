/* SPDX-License-Identifier: MIT */
/* The one table of what changing each manifest field takes on a running
 * host; plan prints it, apply acts on it, docs/manifest.md explains it. */
#include <string.h>

#include "manifest/diff.h"

#define IMAGE_INSTEAD "build an image with it and install its update bundle (berthctl update apply)"
#define REBOOT_INSTEAD "berthctl apply --reboot (the host boots with the new manifest)"

#define LIVE(f, s, l) {f, s, FX_LIVE, l, NULL, NULL}
#define RECREATE(f) {"containers.*." f, PS_CONTAINER, FX_RECREATE, f, NULL, NULL}
#define CLIVE(f) {"containers.*." f, PS_CONTAINER, FX_LIVE, f, NULL, NULL}

const struct field_class manifest_field_classes[] = {
    {"version", PS_HOST, FX_UPDATE, "version",
     "the manifest's format is what the host's software reads", IMAGE_INSTEAD},
    LIVE("host.hostname", PS_HOST, "hostname"),
    {"host.debug_console", PS_HOST, FX_REBOOT, "debug_console",
     "init starts the console shell at boot", REBOOT_INSTEAD},
    {"host.nosmt", PS_HOST, FX_UPDATE, "nosmt",
     "it is on the kernel command line of the image's boot entries", IMAGE_INSTEAD},
    {"host.init_on_free", PS_HOST, FX_UPDATE, "init_on_free",
     "it is on the kernel command line of the image's boot entries", IMAGE_INSTEAD},
    {"host.timezone", PS_HOST, FX_UPDATE, "timezone",
     "the image builder installs the zone file into the read-only root", IMAGE_INSTEAD},
    LIVE("host.sysctls", PS_HOST, "sysctl"),
    /* Removing a key: what the kernel had before berth set it is not
     * known, and only a boot starts again from the baseline. */
    {"host.sysctls.removed", PS_HOST, FX_REBOOT, "sysctl",
     "the value the kernel had before is not known; a boot starts from berth's baseline",
     REBOOT_INSTEAD},
    LIVE("host.memory_reserve", PS_HOST, "memory_reserve"),
    LIVE("network.interfaces", PS_NETWORK, "interface"),
    LIVE("network.interfaces.*.dhcp", PS_NETWORK, "dhcp"),
    LIVE("network.interfaces.*.required", PS_NETWORK, "required"),
    LIVE("network.interfaces.*.addresses", PS_NETWORK, "address"),
    LIVE("network.interfaces.*.routes", PS_NETWORK, "route"),
    LIVE("network.interfaces.*.mtu", PS_NETWORK, "mtu"),
    LIVE("network.interfaces.*.accept_ra", PS_NETWORK, "accept_ra"),
    LIVE("network.dns.nameservers", PS_NETWORK, "dns nameservers"),
    LIVE("network.dns.search", PS_NETWORK, "dns search"),
    /* netsetup writes chronyd's servers when it starts it, at boot; an
     * image built without NTP has no chronyd at all (then: an update). */
    {"network.ntp", PS_NETWORK, FX_REBOOT, "ntp",
     "chronyd gets its servers when it starts, at boot (an image built without NTP has no "
     "chronyd: that takes an update)",
     REBOOT_INSTEAD},
    {"network.ntp_nts", PS_NETWORK, FX_REBOOT, "ntp_nts",
     "chronyd gets its servers when it starts, at boot", REBOOT_INSTEAD},
    {"network.hosts", PS_NETWORK, FX_REBOOT, "hosts",
     "every container's /etc/hosts is made when it starts; a boot starts them all again",
     REBOOT_INSTEAD},
    {"network.bridge.subnet", PS_NETWORK, FX_REBOOT, "bridge subnet",
     "every bridge container has an address from it", REBOOT_INSTEAD},
    {"network.bridge.subnet6", PS_NETWORK, FX_REBOOT, "bridge subnet6",
     "every bridge container has an address from it", REBOOT_INSTEAD},
    LIVE("network.bridge.icc", PS_NETWORK, "bridge icc"),
    LIVE("network.firewall.inbound", PS_FIREWALL, "inbound"),
    LIVE("network.firewall.allow", PS_FIREWALL, "allow"),
    LIVE("logging.forward", PS_LOGGING, "forward"),
    LIVE("logging.local.max_size", PS_LOGGING, "local max_size"),
    LIVE("logging.local.max_files", PS_LOGGING, "local max_files"),
    LIVE("logging.kernel", PS_LOGGING, "kernel"),
    /* The log rules are part of the ruleset that netsetup loads. */
    LIVE("logging.firewall", PS_FIREWALL, "firewall logging"),
    LIVE("logging.spool_size", PS_LOGGING, "spool_size"),
    LIVE("update.confirm_after", PS_UPDATE, "confirm_after"),
    LIVE("update.tries", PS_UPDATE, "tries"),
    LIVE("update.health_deadline", PS_UPDATE, "health_deadline"),
    LIVE("update.confirm_target", PS_UPDATE, "confirm_target"),
    {"update.product", PS_UPDATE, FX_UPDATE, "product",
     "it says what the image is, and bundles are checked against it", IMAGE_INSTEAD},
    {"update.boards", PS_UPDATE, FX_UPDATE, "boards",
     "it says which machines the image is for, and bundles are checked against it",
     IMAGE_INSTEAD},
    {"trust", PS_HOST, FX_UPDATE, "trust",
     "the build checks every image against it; its keys are baked into the root", IMAGE_INSTEAD},
    {"update.channel", PS_UPDATE, FX_UPDATE, "channel",
     "the image carries the channel client and the channel's root only when built with one",
     IMAGE_INSTEAD},
    {"update.channel_ca", PS_UPDATE, FX_UPDATE, "channel_ca",
     "the build bakes the CA file into the root", IMAGE_INSTEAD},
    LIVE("update.check_every", PS_UPDATE, "check_every"),
    LIVE("update.auto", PS_UPDATE, "auto"),
    LIVE("update.download_rate", PS_UPDATE, "download_rate"),
    LIVE("update.window", PS_UPDATE, "window"),
    RECREATE("image"),
    RECREATE("entrypoint"),
    RECREATE("command"),
    RECREATE("environment"),
    RECREATE("user"),
    RECREATE("working_dir"),
    RECREATE("hostname"),
    RECREATE("extra_hosts"),
    RECREATE("ports"),
    RECREATE("volumes"),
    RECREATE("read_only"),
    RECREATE("storage_opt"),
    RECREATE("cap_add"),
    RECREATE("cap_drop"),
    RECREATE("security_opt"),
    RECREATE("network_mode"),
    RECREATE("userns"),
    /* What the supervisor reads only when it acts (an exit, a check, a
     * start, a stop) or writes into the container's cgroup. */
    CLIVE("restart"),
    CLIVE("depends_on"),
    CLIVE("healthcheck"),
    CLIVE("mem_limit"),
    CLIVE("cpus"),
    CLIVE("pids_limit"),
    CLIVE("stop_signal"),
    CLIVE("stop_grace_period"),
    CLIVE("essential"),
    {"containers.*.insecure_allow_unsigned", PS_CONTAINER, FX_UPDATE, "insecure_allow_unsigned",
     "the build checks the image, or not, when it bakes it into the root", IMAGE_INSTEAD},
};

const size_t manifest_n_field_classes =
    sizeof(manifest_field_classes) / sizeof(manifest_field_classes[0]);

const struct field_class *
manifest_field_class(const char *field)
{
	for (size_t i = 0; i < manifest_n_field_classes; i++)
		if (strcmp(manifest_field_classes[i].field, field) == 0)
			return &manifest_field_classes[i];
	return NULL;
}

const char *
field_effect_str(enum field_effect e)
{
	static const char *const s[] = {"live", "recreate", "reboot", "update"};

	return (unsigned)e < sizeof(s) / sizeof(s[0]) ? s[e] : "?";
}

const char *
plan_section_str(enum plan_section sec)
{
	static const char *const s[] = {"host",	   "network", "firewall",
					"logging", "update",  "containers"};

	return (unsigned)sec < sizeof(s) / sizeof(s[0]) ? s[sec] : "?";
}

const char *
container_action_str(enum container_action a)
{
	static const char *const s[] = {"keep", "change", "recreate", "start", "stop"};

	return (unsigned)a < sizeof(s) / sizeof(s[0]) ? s[a] : "?";
}
