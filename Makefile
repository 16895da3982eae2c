# dmabench top-level build. `make help` lists the targets.
SHELL := /bin/bash
# A Debian kernel fetched by `dmabench kernels fetch` (harness/kernel/kernels.sh), e.g.
#   make KENV=build/kernels/debian-6.12-x86_64/kernel.env initramfs
# Its kernel.env sets KNAME, ARCH, KVER, KDIR, KERNEL, MODDIR, ... (see the script);
# everything built for it goes to build/<KNAME>/<ARCH>/ (below), never mixed with
# another kernel's: before the module is packed, its vermagic must be the image's release.
ifdef KENV
include $(KENV)
endif
ARCH ?= x86_64
# Kernel under test: newest Debian amd64 kernel installed by `make deps`.
KVER ?= $(shell ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
ifeq ($(ARCH),arm64)
# arm64 (cross): Debian's arm64 kernel of the amd64 kernel's ABI, unpacked by `make deps`
ARM64_ROOT := $(CURDIR)/build/arm64/kernel
KDIR ?= $(ARM64_ROOT)/usr/src/linux-headers-$(KVER:-amd64=-arm64)
KERNEL ?= $(ARM64_ROOT)/boot/vmlinuz-$(KVER:-amd64=-arm64)
GUEST_CC := aarch64-linux-gnu-gcc
# the module is built in a copy (build/arm64/kmod) so kmod/ keeps the x86 objects
KMOD_M := $(CURDIR)/build/arm64/kmod
KMOD_ARGS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
# results channel = virtio console (not built in): init loads lib/mods/*.ko in name order
ARM64_MODDIR := $(ARM64_ROOT)/lib/modules/$(KVER:-amd64=-arm64)/kernel/drivers
ARM64_MODS := virtio/virtio_pci_legacy_dev virtio/virtio_pci_modern_dev virtio/virtio_pci char/virtio_console
GUEST_MODS = $(B)/mods.stamp
endif
KMOD_M ?= $(CURDIR)/kmod
KDIR ?= /usr/src/linux-headers-$(KVER)
KERNEL ?= /boot/vmlinuz-$(KVER)

B := build/$(ARCH)
H := build/host

# the dmabench debug kernel (`make kernel`): DEBUG_KERNEL=1 builds the guest side
# (module, programs, initramfs) against it in build/kernel/x86_64, next to the Debian one
ifeq ($(DEBUG_KERNEL),1)
KDIR := $(CURDIR)/build/kernel/obj
KERNEL := $(CURDIR)/build/kernel/bzImage
KMOD_M := $(CURDIR)/build/kernel/kmod
B := build/kernel/x86_64
endif

ifdef KENV
B := build/$(KNAME)/$(ARCH)
KMOD_M := $(CURDIR)/build/$(KNAME)/$(ARCH)/kmod
KMOD_ARGS := $(if $(KCROSS_COMPILE),ARCH=$(KARCH) CROSS_COMPILE=$(KCROSS_COMPILE))
# the compiler the kernel was built with if installed, else the host's (5.10: gcc-10, not in bookworm)
KMOD_ARGS += $(if $(shell command -v $(KCROSS_COMPILE)$(KCC_BUILT)),,CC=$(KCROSS_COMPILE)gcc)
# arm64: the virtio console modules this kernel has as modules (6.12: built in, none);
# any arch: virtio-iommu when the kernel has it as a module (Debian 6.12: the virtio-iommu
# backends, harness/plan/backends.c kernel_config_module), loaded after the console
ARM64_MODDIR := $(MODDIR)/kernel/drivers
ARM64_MODS := $(strip $(foreach m,$(ARM64_MODS) iommu/virtio-iommu,$(if $(wildcard $(ARM64_MODDIR)/$(m)$(MODULE_SUFFIX)),$(m))))
GUEST_MODS = $(if $(ARM64_MODS),$(B)/mods.stamp)
endif
MODULE_SUFFIX ?= .ko

CC ?= gcc
WARN := -std=gnu11 -Wall -Wextra -Werror
CFLAGS_COMMON := $(WARN) -O2 -g -I. -Ilib -MMD -MP
GUEST_CC ?= gcc
GUEST_CFLAGS := $(CFLAGS_COMMON) -static
HOST_CFLAGS := $(CFLAGS_COMMON)

DEBS := build-essential make gcc clang lld llvm libclang-rt-14-dev \
	qemu-system-x86 qemu-utils linux-image-amd64 linux-headers-amd64 \
	kmod cpio libcjson-dev liburing-dev gnuplot-nox hyperfine
# arm64 guests: QEMU, cross compiler, static arm64 libc; the arm64 kernel
# itself is unpacked into build/arm64/kernel/ by harness/kernel/arm64-kernel.sh.
DEBS += qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
# the debug kernel (`make kernel`): Debian's kernel source and what building it needs
DEBS += linux-source-6.1 bc bison flex libelf-dev libssl-dev
# fuzzing: the OSS-Fuzz build contract packs the seed corpus (fuzz/oss-fuzz/build.sh, checked by make test)
DEBS += zip unzip
# run.json and compare --format json in the shell tests (test_boots_vm.sh, test_shard.sh)
DEBS += jq
# kernels of other series (dmabench kernels fetch): the archive keyring, xz for 6.12's .ko.xz,
# file(1) for modcheck; 6.12's headers ship vmlinux, so modpost adds BTF to the module with pahole
DEBS += debian-archive-keyring xz-utils file dwarves
# packaging: the Debian packages (dpkg-buildpackage), DKMS, bash completion
DEBS += debhelper dh-dkms dkms bash-completion
# tests: the example CI definitions (harness/tests/test_ci.sh), run.json checks in test_shard.sh (jq, above)
DEBS += yamllint

LIB_SRCS := $(filter-out lib/test_%.c,$(wildcard lib/*.c))
# the host command: one folder per concern (cli, plan, vm, report, fuzzhost); tests next to the code
HARNESS_DIRS := cli plan vm report fuzzhost
HARNESS_TESTS := $(wildcard $(foreach d,$(HARNESS_DIRS),harness/$(d)/test_*.c))
HARNESS_SRCS := $(filter-out harness/cli/main.c $(HARNESS_TESTS),$(wildcard $(foreach d,$(HARNESS_DIRS),harness/$(d)/*.c)))
GUEST_TESTS := $(patsubst kmod/tests/%.c,$(B)/initramfs/tests/%,$(wildcard kmod/tests/*.c))
# io_uring programs (bench/uring, kmod/tests/uring and uring_async) link Debian's liburing.a: x86_64 only
# (there is no arm64 liburing.a in the cross toolchain).
ifeq ($(ARCH),arm64)
GUEST_TESTS := $(filter-out %/uring %/uring_async,$(GUEST_TESTS))
GUEST_URING :=
# the fuzzer's executor without io_uring (its URING op counts as unavailable)
FUZZ_EXEC_CFLAGS := -DDMABENCH_NO_URING
FUZZ_EXEC_LIBS := -lpthread
else
FUZZ_EXEC_LIBS := -luring -lpthread
GUEST_URING := $(B)/initramfs/bin/uring
# job hyperfine: bin/amt, the bin/hyperfine wrapper, and Debian's hyperfine (dynamic) with its libraries
HYPERFINE_BIN := $(shell command -v hyperfine 2>/dev/null)
GUEST_URING += $(B)/initramfs/bin/hyperfine $(if $(HYPERFINE_BIN),$(B)/hyperfine.stamp)
endif
HARNESS_OBJS := $(patsubst %.c,$(H)/%.o,$(HARNESS_SRCS) $(LIB_SRCS)) $(H)/fuzz/shm.o $(H)/fuzz/program.o
UNIT_SRCS := $(wildcard lib/test_*.c bench/test_*.c fuzz/test_*.c) $(HARNESS_TESTS)
UNIT_BINS := $(patsubst %.c,$(H)/unit/%,$(notdir $(UNIT_SRCS)))

# a recipe that fails leaves no half-written target behind
.DELETE_ON_ERROR:
.PHONY: all deps host guest kmod initramfs unit test soak run clean help host-kmod initramfs-arm64 install install-dkms
all: host initramfs

# the arm64 guest side (cross-built): `make ARCH=arm64` does the same
initramfs-arm64:
	$(MAKE) ARCH=arm64 initramfs

help:
	@echo "make deps       install the Debian packages dmabench needs (idempotent)"
	@echo "make            build the host tool, dmabench.ko, guest programs, initramfs"
	@echo "make test       unit tests, then one VM per x86 backend running the integration tests"
	@echo "make soak       endurance fuzzing: campaigns over the x86 backends until 10^6 programs (SOAK_*; not in test)"
	@echo "make run        benchmark every backend on KERNELS_RUN into results/<run-id>/ (results/latest)"
	@echo "make host-kmod  build dmabench.ko for the running kernel (for dmabench run --host)"
	@echo "make kernel     build the debug kernel (KCOV, KASAN, DMA-API debug, virtio-iommu, ...) and its initramfs"
	@echo "make install    the host command, the guest runner, gnuplot scripts, man page (PREFIX=$(PREFIX) DESTDIR=)"
	@echo "make install-dkms  the module's sources and dkms.conf into DESTDIR/usr/src/dmabench-VERSION"
	@echo "variables: KVER=$(KVER) KDIR=$(KDIR) KERNEL=$(KERNEL)"

# Idempotent: installs only what is missing; `apt-get update` once, then one install.
deps:
	@dpkg --print-foreign-architectures | grep -qx arm64 || { echo "deps: dpkg --add-architecture arm64"; dpkg --add-architecture arm64; }
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all $(words $(DEBS)) packages present"; fi
	@./harness/kernel/arm64-kernel.sh build/arm64/kernel
	@# the other kernels make test boots: fetched once (build/kernels/), then cached
	@$(MAKE) --no-print-directory host >/dev/null
	@for ak in $(TEST_KERNELS); do \
	  build/host/dmabench kernels fetch --arch $${ak%%:*} $${ak#*:} || \
	  { echo "deps: fetching $${ak#*:} for $${ak%%:*} failed (network? see the message above)"; exit 1; }; \
	done
	@# the QEMU make test boots besides the host's (harness/tests/test_qemu_vm.sh): fetched once (build/qemus/)
	@build/host/dmabench qemus fetch $(TEST_QEMUS) || \
	  { echo "deps: fetching QEMU $(TEST_QEMUS) failed (network? see the message above)"; exit 1; }

# ---- host side ----
host: $(H)/dmabench

$(H)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(H)/harness/%.o: harness/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(H)/dmabench: $(H)/harness/cli/main.o $(HARNESS_OBJS)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm

# ---- guest side (static binaries packed into the initramfs) ----
$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

GUEST_LIB := $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRCS))

$(B)/initramfs/init: harness/guest/init.c $(GUEST_LIB) $(wildcard harness/guest/*.h)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ -lm

$(B)/initramfs/bin/%: bench/%.c $(GUEST_LIB)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ $(if $(filter uring,$*),-luring) -lm

$(B)/initramfs/tests/%: kmod/tests/%.c $(GUEST_LIB) $(wildcard kmod/tests/*.h)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ $(if $(filter uring uring_async,$*),-luring) -lm

guest: $(B)/initramfs/init $(B)/initramfs/bin/va $(B)/initramfs/bin/lat $(B)/initramfs/bin/amt $(B)/initramfs/bin/share $(B)/initramfs/bin/fresh $(GUEST_URING) $(GUEST_TESTS) $(GUEST_MODS)

# the kernel's modules init loads before dmabench.ko (arm64's virtio console, virtio-iommu),
# numbered in dependency order (decompressed: init loads them with finit_module() without flags)
MOD_FILES = $(foreach m,$(ARM64_MODS),$(ARM64_MODDIR)/$(m)$(MODULE_SUFFIX))
# the stamp holds the list: a kernel that gained a module (virtio-iommu) repacks
$(B)/mods.stamp: $(MOD_FILES) FORCE
	@want='$(strip $(MOD_FILES))'; if [ -f $@ ] && [ "$$(cat $@)" = "$$want" ] && [ -z "$$(find $(MOD_FILES) -newer $@)" ]; then exit 0; fi; \
	rm -rf $(B)/initramfs/lib/mods && mkdir -p $(B)/initramfs/lib/mods && \
	i=1; for m in $(MOD_FILES); do n=$$(basename $$m .xz); \
	  case $$m in *.xz) xz -dc $$m >$(B)/initramfs/lib/mods/$$i-$$n ;; *) cp $$m $(B)/initramfs/lib/mods/$$i-$$n ;; esac || exit 1; \
	  echo "mods: lib/mods/$$i-$$n"; i=$$((i + 1)); done; \
	echo "$$want" >$@
FORCE:

# ---- fuzzer (fuzz/README.md): decoder + executor, the replay driver, the seed corpus ----
$(H)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@
$(B)/fuzz/shm.o: fuzz/shm.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(B)/fuzz/program.o: fuzz/program.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
# the executor (threads, userfaultfd, io_uring through liburing.a on x86_64)
$(B)/fuzz/exec.o: fuzz/exec.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(FUZZ_EXEC_CFLAGS) -c $< -o $@
FUZZ_EXEC := $(B)/fuzz/program.o $(B)/fuzz/exec.o
$(B)/initramfs/bin/fuzz-replay: fuzz/replay.c $(FUZZ_EXEC) $(GUEST_LIB)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(FUZZ_EXEC) $(GUEST_LIB) -o $@ $(FUZZ_EXEC_LIBS) -lm
$(B)/initramfs/tests/fuzz_seeds: kmod/tests/fuzz_seeds.c $(FUZZ_EXEC) $(GUEST_LIB) $(wildcard kmod/tests/*.h)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(FUZZ_EXEC) $(GUEST_LIB) -o $@ $(FUZZ_EXEC_LIBS) -lm
# the seeds go to /fuzz/corpus in the guest (kmod/tests/fuzz_seeds replays them)
$(B)/fuzz-corpus.stamp: fuzz/corpus $(wildcard fuzz/corpus/*) fuzz/dmabench.dict
	rm -rf $(B)/initramfs/fuzz/corpus && mkdir -p $(B)/initramfs/fuzz
	cp -r fuzz/corpus $(B)/initramfs/fuzz/corpus
	cp fuzz/dmabench.dict $(B)/initramfs/fuzz/
	touch $@
# guest job "fuzz": a short libFuzzer campaign (x86_64; skips where fuzz-dmabench is missing)
$(B)/initramfs/bin/fuzz: fuzz/campaign.c $(B)/fuzz/shm.o $(GUEST_LIB)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(B)/fuzz/shm.o $(GUEST_LIB) -o $@ -lm
guest: $(B)/initramfs/bin/fuzz-replay $(B)/fuzz-corpus.stamp
# job mapbench: dmabench against the kernel's dma_map_benchmark on one device
guest: $(B)/initramfs/bin/mapbench
$(B)/initramfs/bin/mapbench: bench/kstat.h
# job scale: throughput against threads (bench/scale.c)
guest: $(B)/initramfs/bin/scale
.SECONDARY: $(H)/fuzz/program.o $(H)/fuzz/exec.o $(H)/fuzz/shm.o
# libFuzzer target (x86_64 guests only): clang -fsanitize=fuzzer, linked dynamically (a fully
# static libFuzzer binary crashes at start); the shared libraries it needs (ldd) go into the
# initramfs under their own paths.
ifneq ($(ARCH),arm64)
FUZZ_CC ?= clang
$(B)/initramfs/bin/fuzz-dmabench: fuzz/fuzz_target.c fuzz/program.c fuzz/exec.c fuzz/program.h fuzz/shm.c fuzz/shm.h lib/klog.c lib/klog.h lib/faultinj.c lib/faultinj.h lib/util.c lib/util.h lib/child.c lib/child.h kmod/dmabench_abi.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) -O1 -g -I. -Ilib -fsanitize=fuzzer fuzz/fuzz_target.c fuzz/program.c fuzz/exec.c fuzz/shm.c lib/klog.c lib/faultinj.c lib/util.c lib/child.c -static-libstdc++ -l:liburing.a -lpthread -o $@
	for l in $$(ldd $@ | grep -o '/[^ ]*'); do mkdir -p $(B)/initramfs$$(dirname $$l) && cp -L $$l $(B)/initramfs$$l || exit 1; done
# the fuzz job (lib/jobs.c: x86_64 only) runs bin/fuzz, the campaign around fuzz-dmabench
guest: $(B)/initramfs/bin/fuzz-dmabench $(B)/initramfs/bin/fuzz
# job hostmode (x86_64): the VM plays the real machine of `dmabench run --host`; host/hostmode runs
# the host command, copied as host/dmabench with the shared libraries ldd lists at their own paths
# (libcjson has no static archive). Not under bin/: `make install` leaves both out of the runner.
$(B)/initramfs/host/hostmode: harness/guest/hostmode.c $(GUEST_LIB)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ -lm
$(B)/initramfs/host/dmabench: $(H)/dmabench
	@mkdir -p $(@D)
	cp $< $@
	for l in $$(ldd $< | grep -o '/[^ ]*'); do mkdir -p $(B)/initramfs$$(dirname $$l) && cp -L $$l $(B)/initramfs$$l || exit 1; done
guest: $(B)/initramfs/host/hostmode $(B)/initramfs/host/dmabench
endif

# hyperfine is dynamically linked: it and what ldd lists go to the same paths in the initramfs
# (shared with fuzz-dmabench's libraries: copied over, never removed)
$(B)/hyperfine.stamp: $(HYPERFINE_BIN)
	mkdir -p $(B)/initramfs/usr/bin && cp $< $(B)/initramfs/usr/bin/hyperfine
	for l in $$(ldd $< | grep -o '/[^ ]*'); do mkdir -p $(B)/initramfs$$(dirname $$l) && cp -L $$l $(B)/initramfs$$l || exit 1; done
	touch $@

# ---- kernel module ----
# every source of dmabench.ko: what the module depends on and what is copied where it is
# built out of kmod/ (KMOD_M, host-kmod); stale sources there are removed first.
# dmabench.mod.c is kbuild's output, not a source.
KMOD_SRCS := kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h)
kmod: $(B)/initramfs/lib/dmabench.ko
$(B)/initramfs/lib/dmabench.ko: $(KMOD_SRCS)
	@test -d $(KDIR) || { echo "kmod: kernel build directory $(KDIR) not found (run 'make deps' or set KDIR=)"; exit 1; }
	@if [ "$(KMOD_M)" != "$(CURDIR)/kmod" ]; then mkdir -p $(KMOD_M) && rm -f $(KMOD_M)/*.[ch] && cp $(KMOD_SRCS) $(KMOD_M)/; fi
	$(MAKE) -C $(KDIR) M=$(KMOD_M) $(KMOD_ARGS) modules
	./harness/kernel/kernels.sh modcheck $(KMOD_M)/dmabench.ko $(KERNEL)
	@mkdir -p $(@D)
	cp $(KMOD_M)/dmabench.ko $@

# ---- initramfs: newc cpio of build/<arch>/initramfs ----
initramfs: $(B)/initramfs.cpio
$(B)/initramfs.cpio: guest kmod
	cd $(B)/initramfs && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 > ../initramfs.cpio.tmp
	mv $(B)/initramfs.cpio.tmp $@

# ---- tests ----
$(H)/unit/test_%: lib/test_%.c $(patsubst %.c,$(H)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm
# harness/<concern>/test_X.c -> build/host/unit/test_X, linked with the whole host command
define harness_unit
$(H)/unit/$(basename $(notdir $(1))): $(1) $(HARNESS_OBJS)
	@mkdir -p $$(@D)
	$$(CC) $$(HOST_CFLAGS) $$(filter %.c %.o,$$^) -o $$@ -lcjson -lm
endef
$(foreach t,$(HARNESS_TESTS),$(eval $(call harness_unit,$(t))))
$(H)/unit/test_%: bench/test_%.c $(patsubst %.c,$(H)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm
$(H)/unit/test_%: fuzz/test_%.c $(H)/fuzz/program.o $(H)/fuzz/exec.o $(patsubst %.c,$(H)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -luring -lpthread -lm

unit: $(UNIT_BINS)

# the module's objects in kmod/ first: KDIR may live under build/ (arm64)
clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod $(KMOD_ARGS) clean >/dev/null 2>&1
	rm -rf build

# ---- the two set-up commands ----
# Kernels besides the default that make test boots (ARCH:KERNEL,...; `dmabench kernels`);
# make deps fetches them. KERNELS_RUN: the kernel axis of make run (x86_64; arm64 takes
# the ones that exist for it), empty for the default kernel only.
TEST_KERNELS ?= x86_64:debian:5.10,debian:6.12 arm64:debian:6.12
# the emulators make deps fetches for make test (dmabench qemus)
TEST_QEMUS ?= debian:10.0
KERNELS_RUN ?= debian:5.10,debian:6.1,debian:6.12
# Arches that test and run cover; only x86_64 when an x86 kernel is given (KVER, KDIR, KERNEL).
ARCHES ?= $(if $(filter command line environment,$(origin KVER) $(origin KDIR) $(origin KERNEL)),x86_64,x86_64$(,)arm64)
, := ,
test: deps
	$(MAKE) all unit
	$(if $(findstring arm64,$(ARCHES)),$(MAKE) ARCH=arm64 initramfs)
	ARCHES=$(ARCHES) TEST_KERNELS="$(TEST_KERNELS)" ./harness/tests/run-tests.sh

# Endurance fuzzing, not part of test: dmabench fuzz campaigns over the x86 backends in turn, one VM at a time,
# until SOAK_PROGRAMS programs ran (default 10^6); SOAK_TIME per campaign, SOAK_BACKENDS, SOAK_OUT, SOAK_MAX_HOURS
# (see harness/tests/soak.sh). Writes SOAK_OUT/soak.md (default build/soak).
soak: all
	./harness/tests/soak.sh

run: deps
	$(MAKE) all
	$(if $(findstring arm64,$(ARCHES)),$(MAKE) ARCH=arm64 initramfs)
	build/host/dmabench run --arch $(ARCHES) --backend $${BACKENDS:-all} --jobs $${JOBS:-2} $(if $(filter command line environment,$(origin KERNEL)),--kernel $(KERNEL),$(if $(KERNELS_RUN),--kernel $(KERNELS_RUN)))
	@echo "summary: results/latest/summary.md"
	@# the sharing matrix: x86 backends x three topologies; SHARE_TOPOLOGIES=all for all six
	build/host/dmabench run --share --topology $${SHARE_TOPOLOGIES:-pair,same-group,bypass} --backend $${BACKENDS:-all} --jobs $${JOBS:-2} --out results/share $(if $(filter command line environment,$(origin KERNEL)),--kernel $(KERNEL))
	@echo "summary: results/latest/summary.md, sharing matrix: results/share/latest/summary.md"

# ---- install: `make install PREFIX=/usr/local DESTDIR=` (the Debian package does the same) ----
# <prefix>/bin/dmabench finds <prefix>/share/dmabench and <prefix>/lib/dmabench itself (lib/util.c
# dmab_home); the runner is guest init built for this machine with its programs, for --host.
PREFIX ?= /usr/local
VERSION ?= $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
RUNNER_DIR := $(DESTDIR)$(PREFIX)/lib/dmabench/runner
SHARE_DIR := $(DESTDIR)$(PREFIX)/share/dmabench
install: host guest
	install -D -m 0755 $(H)/dmabench $(DESTDIR)$(PREFIX)/bin/dmabench
	rm -rf $(RUNNER_DIR) && mkdir -p $(RUNNER_DIR)
	cp -a $(B)/initramfs/init $(B)/initramfs/bin $(B)/initramfs/tests $(RUNNER_DIR)/
	install -d $(SHARE_DIR)/gnuplot $(SHARE_DIR)/fuzz/corpus
	install -m 0644 results/*.gp $(SHARE_DIR)/gnuplot/
	install -m 0644 fuzz/corpus/* $(SHARE_DIR)/fuzz/corpus/
	install -m 0644 fuzz/dmabench.dict $(SHARE_DIR)/fuzz/
	install -D -m 0644 harness/cli/dmabench.1 $(DESTDIR)$(PREFIX)/share/man/man1/dmabench.1
	install -D -m 0644 harness/cli/dmabench.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/dmabench

# the module's sources for DKMS (dkms add/build/install then make it for each kernel)
install-dkms:
	@test -n "$(VERSION)" || { echo "install-dkms: no VERSION (debian/changelog missing?)"; exit 1; }
	install -d $(DESTDIR)/usr/src/dmabench-$(VERSION)
	install -m 0644 $(KMOD_SRCS) $(DESTDIR)/usr/src/dmabench-$(VERSION)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' kmod/dkms.conf > $(DESTDIR)/usr/src/dmabench-$(VERSION)/dkms.conf

# dmabench.ko for the running kernel, for `dmabench run --host` on real hardware.
HOST_KDIR ?= /lib/modules/$(shell uname -r)/build
host-kmod:
	@test -d $(HOST_KDIR) || { echo "host-kmod: no build directory for the running kernel $$(uname -r) at $(HOST_KDIR): install its headers or set HOST_KDIR="; exit 1; }
	rm -rf build/host-kmod && mkdir -p build/host-kmod
	cp $(KMOD_SRCS) build/host-kmod/
	$(MAKE) -C $(HOST_KDIR) M=$(CURDIR)/build/host-kmod modules

# header dependencies generated by -MMD
-include $(shell find build \( -path build/kernel/src -o -path build/kernel/obj -o -path build/kernel/obj-config \) -prune -o -name '*.d' -type f -print 2>/dev/null)

# ---- the debug kernel (README "Debug kernel") ----
# x86_64_defconfig + kvm_guest.config + harness/kernel/dmabench.config, every option of the
# fragment checked after olddefconfig; bzImage and modules built out of tree (nice 10, -j$(nproc)),
# wall time in build/kernel/build-time.txt. Rebuilt only when the fragment or the script change
# (or always, incrementally, with a user tree KSRC=). Then the guest side for it (DEBUG_KERNEL=1):
#   build/host/dmabench run --kernel build/kernel/bzImage --initrd build/kernel/x86_64/initramfs.cpio
KSRC_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
KSRC ?= $(CURDIR)/build/kernel/src
KFRAG := harness/kernel/dmabench.config
# fixes the kernel source needs (harness/kernel/patches/*.patch, each says why); KPATCHES= builds without
KPATCHES ?= harness/kernel/patches
.PHONY: kernel kernel-config FORCE
kernel: build/kernel/bzImage
	$(MAKE) DEBUG_KERNEL=1 initramfs
build/kernel/src/Makefile:
	./harness/kernel/kernel-build.sh src $(KSRC_TARBALL) build/kernel/src
build/kernel/bzImage: $(KFRAG) harness/kernel/kernel-build.sh $(if $(KPATCHES),$(wildcard $(KPATCHES)/*.patch)) $(if $(filter command line environment,$(origin KSRC)),FORCE,build/kernel/src/Makefile)
	KPATCHES=$(KPATCHES) nice -n 10 ./harness/kernel/kernel-build.sh build $(KSRC) build/kernel/obj $(KFRAG)
	cp build/kernel/obj/.config build/kernel/config
	cp build/kernel/obj/arch/x86/boot/bzImage $@
# configuration only (seconds): what make test checks
kernel-config: $(if $(filter command line environment,$(origin KSRC)),,build/kernel/src/Makefile)
	./harness/kernel/kernel-build.sh config $(KSRC) build/kernel/obj-config $(KFRAG)
