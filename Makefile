# SPDX-License-Identifier: MIT
# berth: one plain Makefile. Every output goes under $(BUILD); sources are
# globbed per folder, so a new .c file needs no edit here.

BUILD    ?= build
MANIFEST ?= examples/demo.yaml
VERSION  := $(shell cat VERSION)

CC       ?= gcc
MUSLCC   ?= musl-gcc
WARN     := -Wall -Wextra -Werror
CFLAGS   := -std=gnu11 -O2 -g -MMD -MP $(WARN) -D_GNU_SOURCE -DBERTH_VERSION='"$(VERSION)"'
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now

# lib/: shared by every glibc program and by the unit tests.
LIB_SRC  := $(wildcard lib/*/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIBBERTH := $(BUILD)/libberth.a
LIBS     := -lyaml

# Programs linked against glibc and Debian's libraries; a folder without
# sources yet builds nothing.
PROGS    := $(foreach d,supervisor netsetup relp-send tls-send image-pull,$(if $(wildcard $(d)/*.c),$(BUILD)/$(d)))
SUPERVISOR_LIBS := -lcap -lseccomp -lmnl -lnftnl -lsodium
NETSETUP_LIBS   := -lmnl -lnftnl -lsodium
# Unit tests and the fuzzer may touch any lib/ file, so they link every library.
ALL_LIBS        := $(LIBS) -lmnl -lnftnl -lsodium -lnettle -lcurl -lz

UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

.PHONY: all deps deps-test kernel keys image bundle publish run test test-unit test-host test-vm test-tools test-power-cuts bench fuzz fuzz-channel clean
all: $(BUILD)/init $(BUILD)/berthctl $(PROGS) $(BUILD)/mkbundle $(BUILD)/publish $(BUILD)/update-check

# deps: what the build, the image and `make run` need; deps-test: that and
# what the tests and benchmarks add (scripts/packages, scripts/packages-test).
deps:
	@scripts/deps

deps-test:
	@scripts/deps test

# The dependency file names the object both by absolute and by relative
# path, so header changes rebuild it whether BUILD was given one way or the
# other (tests call make with an absolute BUILD).
DEPNAMES = -MT $(abspath $@) -MT $(patsubst $(CURDIR)/%,%,$(abspath $@))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPNAMES) $(HARDEN) -Ilib -c -o $@ $<

$(LIBBERTH): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/berthctl: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard ctl/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) -lsodium -lnettle

$(BUILD)/supervisor: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard supervisor/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) $(SUPERVISOR_LIBS)

$(BUILD)/netsetup: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard netsetup/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) $(NETSETUP_LIBS)

# The RELP sender the supervisor starts per relp:// target: librelp (and
# the TLS libraries it loads) stays out of the supervisor, and out of an
# image whose manifest has no such target.
$(BUILD)/relp-send: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard relp-send/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) -lrelp

# The TLS sender the supervisor starts per tls:// target: GnuTLS stays out
# of the supervisor, and out of an image whose manifest has no such target.
$(BUILD)/tls-send: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tls-send/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) -lgnutls

# The update channel's client, which `berthctl update check` runs: libcurl
# and what it loads stay out of berthctl, and out of the image for now
# (docs/update.md, Channel: its cost against the root budget).
$(BUILD)/update-check: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard update-check/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ -lsodium -lcurl
# What `berthctl image pull` runs: libcurl (and the TLS, HTTP/2, IDN...
# libraries it loads, about 15 MiB) stays out of berthctl, and so out of
# every root image until one needs to pull.
$(BUILD)/image-pull: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard image-pull/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ $(LIBS) -lnettle -lsodium -lcurl -lz

# The build side of updates: key generation and bundle signing. It runs on
# the build host only; no image carries it.
$(BUILD)/mkbundle: $(BUILD)/obj/image/mkbundle.o $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ -lsodium -lnettle

# The build side of update channels: signed metadata over bundles
# (docs/update.md, Channel). Build host only, like mkbundle.
$(BUILD)/publish: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard publish/*.c)) $(LIBBERTH)
	$(CC) $(LDHARDEN) -o $@ $^ -lsodium

# init is PID 1: static musl, no libraries. The kernel UAPI headers it needs
# come from a private copy of Debian's linux-libc-dev headers so that no glibc
# header ever enters the musl build.
KHEADERS := $(BUILD)/kheaders
$(KHEADERS)/.stamp:
	@rm -rf $(KHEADERS) && mkdir -p $(KHEADERS)
	cp -r /usr/include/linux /usr/include/asm-generic $(KHEADERS)/
	cp -r /usr/include/x86_64-linux-gnu/asm $(KHEADERS)/asm
	@touch $@

$(BUILD)/init: $(wildcard init/*.c init/*.h) $(KHEADERS)/.stamp
	$(MUSLCC) -static -std=gnu11 -Os -g $(WARN) -D_GNU_SOURCE -DBERTH_VERSION='"$(VERSION)"' \
		-fstack-protector-strong -isystem $(KHEADERS) -o $@ $(filter %.c,$^)

# The host tests' stand-in for init around the supervisor: init's own fd
# store, event loop and spawn, so the tests run the code a host runs.
STANDIN_SRC := tests/tools/init-standin.c init/fdstore.c init/loop.c init/util.c init/spawn.c
$(BUILD)/tests/init-standin: $(STANDIN_SRC) $(wildcard init/*.h) $(KHEADERS)/.stamp
	@mkdir -p $(@D)
	$(MUSLCC) -static -std=gnu11 -Os -g $(WARN) -D_GNU_SOURCE \
		-isystem $(KHEADERS) -o $@ $(STANDIN_SRC)

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/check.h $(LIBBERTH)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPNAMES) -Ilib -Itests/unit -DSRCDIR='"$(CURDIR)"' -o $@ $< $(LIBBERTH) $(ALL_LIBS)

# Tools of the tests, one C file each (tests/tools/); `make test` builds them.
# init-standin is built with init's own sources, above.
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,\
	$(filter-out tests/tools/init-standin.c,$(wildcard tests/tools/*.c))) $(BUILD)/tests/init-standin
$(BUILD)/tests/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DEPNAMES) $(HARDEN) $(LDHARDEN) -o $@ $<

# The kernel is built from Debian's linux-source-6.1 and cached outside the
# checkout (see docs/kernel.md).
kernel: deps
	kernel-config/build-kernel $(BUILD)

# The busybox container image the demo and the tests run, made from Debian's
# busybox-static (no image binaries are committed).
$(BUILD)/images/busybox: tests/images/mkbusybox
	tests/images/mkbusybox $@

# The update signing key pair. KEYS names another directory holding
# update.key and update.pub (a real key); the public half is baked into
# every image, the secret half never is.
KEYS ?= $(BUILD)/keys
keys: $(KEYS)/update.pub $(KEYS)/image.gpg $(KEYS)/channel-root.pub $(KEYS)/sb-db.auth
$(KEYS)/update.pub: | $(BUILD)/mkbundle
	$(BUILD)/mkbundle keygen $(KEYS)
# An OpenPGP key that signs container images (docs/image.md, Signatures).
$(KEYS)/image.gpg:
	image/image-keygen $(KEYS)
# The channel's root and release keys (channel-root.key, channel-release.key
# and their .pub); publish keygen never overwrites one either.
$(KEYS)/channel-root.pub: | $(BUILD)/publish
	$(BUILD)/publish keygen $(KEYS)
# The Secure Boot keys: PK, KEK, db and their enrollment files (docs/security.md).
$(KEYS)/sb-db.auth:
	image/sb-keygen $(KEYS)

# CHANNEL_ROOT: an update channel's root.json to bake in as the root the
# host trusts (docs/update.md, Channel).
CHANNEL_ROOT ?=
image: deps all kernel keys $(BUILD)/images/busybox
	BERTH_UPDATE_PUB=$(KEYS)/update.pub BERTH_CHANNEL_ROOT=$(CHANNEL_ROOT) \
		BERTH_SB_KEYS=$(KEYS) image/mkimage $(MANIFEST) $(BUILD)

# build/update.bundle: the image's kernel, initramfs and root, signed.
bundle: image
	$(BUILD)/mkbundle create $(KEYS)/update.key $(BUILD) $(BUILD)/update.bundle

# Adds a new build/update.bundle to the channel directory CHANNEL (made,
# with its first root, when it has none), signed with $(KEYS)'s channel
# keys; the image in the bundle trusts the channel's current root.
# PUBLISH_FLAGS: --percent, --ramp-hours, --rollout-start, --expires.
publish: $(BUILD)/publish keys
	@test -n "$(CHANNEL)" || { echo "make publish CHANNEL=DIR" >&2; exit 2; }
	test -f $(CHANNEL)/root.json || $(BUILD)/publish init $(CHANNEL) \
		--root-key $(KEYS)/channel-root.key --release-key $(KEYS)/channel-release.pub
	$(MAKE) --no-print-directory bundle CHANNEL_ROOT=$(CHANNEL)/root.json
	$(BUILD)/publish add $(CHANNEL) $(BUILD)/update.bundle \
		--release-key $(KEYS)/channel-release.key $(PUBLISH_FLAGS)

run: image
	image/qemu-run $(BUILD)

test: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN) kernel keys
	@tests/run unit host vm

test-unit: all $(UNIT_BIN)
	@tests/run unit

test-host: deps-test all
	@tests/run host

test-vm: deps-test all $(TOOL_BIN) kernel keys
	@tests/run vm

test-tools: $(TOOL_BIN)

# The power-cut replay over every recorded flush instead of a sample
# (docs/update.md, Power cuts): 36 cuts, about 10 minutes here.
test-power-cuts: deps-test all $(TOOL_BIN) kernel keys
	@POWERCUT_ALL=1 BUILD=$(abspath $(BUILD)) TOP=$(CURDIR) bash tests/vm/power-cut-replay.sh

# Benchmarks print figures beside their peers' (bench/run); they assert
# nothing. BENCH=NAME runs one.
bench: deps-test all kernel keys $(BUILD)/images/busybox
	@bench/run $(BENCH)

# libFuzzer with ASan and UBSan over the manifest parser. FUZZ_SECONDS bounds
# the run; crashing inputs belong in tests/fuzz/regress/, which `make test`
# replays.
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# The parser needs only the domains under manifest (lib/layers): fewer
# sources under ASan keep `make test`'s replay (fuzz-regress) short.
FUZZ_MANIFEST_SRC := $(wildcard lib/base/*.c lib/image/*.c lib/manifest/*.c)
$(BUILD)/fuzz/manifest: tests/fuzz/manifest.c $(FUZZ_MANIFEST_SRC) $(wildcard lib/*/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Ilib -o $@ tests/fuzz/manifest.c $(FUZZ_MANIFEST_SRC) $(LIBS)

# The same over the update channel's metadata readers (make fuzz-channel).
$(BUILD)/fuzz/channel: tests/fuzz/channel.c $(LIB_SRC) $(wildcard lib/*/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -Ilib -o $@ tests/fuzz/channel.c $(LIB_SRC) $(ALL_LIBS)

fuzz-channel: deps-test $(BUILD)/fuzz/channel
	@mkdir -p $(BUILD)/fuzz/channel-corpus $(BUILD)/fuzz/crashes
	$(BUILD)/fuzz/channel -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-artifact_prefix=$(BUILD)/fuzz/crashes/ $(BUILD)/fuzz/channel-corpus tests/fuzz/channel-seeds

fuzz: deps-test $(BUILD)/fuzz/manifest
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/crashes
	$(BUILD)/fuzz/manifest -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=tests/fuzz/manifest.dict -artifact_prefix=$(BUILD)/fuzz/crashes/ \
		$(BUILD)/fuzz/corpus tests/fuzz/seeds tests/manifests/bad

clean:
	rm -rf $(BUILD)

# Header dependencies written by -MMD.
-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
