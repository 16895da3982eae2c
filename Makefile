# dmabench top-level build. `make help` lists the targets.
SHELL := /bin/bash
ARCH ?= x86_64
# Kernel under test: newest Debian amd64 kernel installed by `make deps`.
KVER ?= $(shell ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
KDIR ?= /usr/src/linux-headers-$(KVER)
KERNEL ?= /boot/vmlinuz-$(KVER)

B := build/$(ARCH)
H := build/host

CC ?= gcc
WARN := -std=gnu11 -Wall -Wextra -Werror
CFLAGS_COMMON := $(WARN) -O2 -g -I. -Ilib -MMD -MP
GUEST_CC ?= gcc
GUEST_CFLAGS := $(CFLAGS_COMMON) -static
HOST_CFLAGS := $(CFLAGS_COMMON)

DEBS := build-essential make gcc clang lld llvm libclang-rt-14-dev \
	qemu-system-x86 qemu-utils linux-image-amd64 linux-headers-amd64 \
	kmod cpio libcjson-dev liburing-dev gnuplot-nox hyperfine

LIB_SRCS := $(filter-out lib/test_%.c,$(wildcard lib/*.c))
HARNESS_SRCS := $(filter-out harness/test_%.c harness/main.c,$(wildcard harness/*.c))
GUEST_TESTS := $(patsubst kmod/tests/%.c,$(B)/initramfs/tests/%,$(wildcard kmod/tests/*.c))
UNIT_SRCS := $(wildcard lib/test_*.c harness/test_*.c bench/test_*.c)
UNIT_BINS := $(patsubst %.c,$(H)/unit/%,$(notdir $(UNIT_SRCS)))

.PHONY: all deps host guest kmod initramfs unit test run clean help host-kmod
all: host initramfs

help:
	@echo "make deps       install the Debian packages dmabench needs (idempotent)"
	@echo "make            build the host tool, dmabench.ko, guest programs, initramfs"
	@echo "make test       unit tests, then one VM per x86 backend running the integration tests"
	@echo "make run        benchmark every x86 backend into results/<run-id>/ (results/latest)"
	@echo "make host-kmod  build dmabench.ko for the running kernel (for dmabench run --host)"
	@echo "variables: KVER=$(KVER) KDIR=$(KDIR) KERNEL=$(KERNEL)"

# Idempotent: installs only what is missing; `apt-get update` once, then one install.
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all $(words $(DEBS)) packages present"; fi

# ---- host side ----
host: $(H)/dmabench

$(H)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(H)/harness/%.o: harness/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(H)/dmabench: $(H)/harness/main.o $(patsubst %.c,$(H)/%.o,$(HARNESS_SRCS) $(LIB_SRCS))
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
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ -lm

$(B)/initramfs/tests/%: kmod/tests/%.c $(GUEST_LIB) $(wildcard kmod/tests/*.h)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $< $(GUEST_LIB) -o $@ -lm

guest: $(B)/initramfs/init $(B)/initramfs/bin/va $(B)/initramfs/bin/lat $(GUEST_TESTS)

# ---- kernel module ----
kmod: $(B)/initramfs/lib/dmabench.ko
$(B)/initramfs/lib/dmabench.ko: kmod/dmabench.c kmod/dmabench_abi.h kmod/Kbuild
	@test -d $(KDIR) || { echo "kmod: kernel build directory $(KDIR) not found (run 'make deps' or set KDIR=)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules
	@mkdir -p $(@D)
	cp kmod/dmabench.ko $@

# ---- initramfs: newc cpio of build/<arch>/initramfs ----
initramfs: $(B)/initramfs.cpio
$(B)/initramfs.cpio: guest kmod
	cd $(B)/initramfs && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 > ../initramfs.cpio.tmp
	mv $(B)/initramfs.cpio.tmp $@

# ---- tests ----
$(H)/unit/test_%: lib/test_%.c $(patsubst %.c,$(H)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm
$(H)/unit/test_%: harness/test_%.c $(patsubst %.c,$(H)/%.o,$(HARNESS_SRCS) $(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm
$(H)/unit/test_%: bench/test_%.c $(patsubst %.c,$(H)/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(filter %.c %.o,$^) -o $@ -lcjson -lm

unit: $(UNIT_BINS)

clean:
	rm -rf build
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean >/dev/null 2>&1

# ---- the two set-up commands ----
test: deps
	$(MAKE) all unit
	./harness/run-tests.sh

run: deps
	$(MAKE) all
	build/host/dmabench run --backend $${BACKENDS:-all} --jobs $${JOBS:-2} $(if $(filter command line environment,$(origin KERNEL)),--kernel $(KERNEL))
	@echo "summary: results/latest/summary.md"

# dmabench.ko for the running kernel, for `dmabench run --host` on real hardware.
HOST_KDIR ?= /lib/modules/$(shell uname -r)/build
host-kmod:
	@test -d $(HOST_KDIR) || { echo "host-kmod: no build directory for the running kernel $$(uname -r) at $(HOST_KDIR): install its headers or set HOST_KDIR="; exit 1; }
	rm -rf build/host-kmod && mkdir -p build/host-kmod
	cp kmod/dmabench.c kmod/dmabench_abi.h kmod/Kbuild build/host-kmod/
	$(MAKE) -C $(HOST_KDIR) M=$(CURDIR)/build/host-kmod modules

# header dependencies generated by -MMD
-include $(shell find build -name '*.d' 2>/dev/null)
