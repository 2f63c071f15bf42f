# SPDX-License-Identifier: GPL-2.0
#
# tlsgw: build, test and lint.
#
#   make            build kmod/tlsgw.ko and the tools
#   make deps       install the Debian packages everything here needs
#   make check      unit tests, then the selftests in a QEMU guest
#                   (T=name runs one selftest)
#   make check-debug  the same on a KASAN + lockdep + kmemleak + UBSAN
#                   kernel built once from linux-source-6.1 (cached)
#   make vm         shell in the test guest with tlsgw loaded
#   make demo       the demo, in the test guest
#   make lint       checkpatch --strict, kernel-doc, kmod/'s layering,
#                   sparse, W=1, cppcheck
#   make fuzz       the STARTTLS parsers' libFuzzer harnesses, FUZZ_TIME
#                   seconds each (not part of check; installs clang)
#
# KVER picks the kernel to build for and boot: by default the running
# kernel if its headers are installed, otherwise the newest kernel that has
# both /boot/vmlinuz-KVER and headers (the Debian 12 kernel, on machines
# whose own kernel cannot load modules). KDIR overrides the headers.
# Both are expanded lazily so that 'make deps' can install them first.

KVER ?= $(shell r=$$(uname -r); \
	if [ -e /lib/modules/$$r/build ] && [ -e /boot/vmlinuz-$$r ]; then echo $$r; \
	else for v in $$(ls /lib/modules 2>/dev/null | sort -V); do \
	[ -e /lib/modules/$$v/build ] && [ -e /boot/vmlinuz-$$v ] && echo $$v; \
	done | tail -n 1; fi)
KDIR ?= /lib/modules/$(KVER)/build
T ?=

# Everything the build, the tests and the demo need.
DEPS_PKGS := build-essential linux-image-amd64 linux-headers-amd64 \
	linux-source-6.1 qemu-system-x86 busybox-static kmod cpio \
	libnl-3-dev libnl-genl-3-dev libssl-dev pkg-config iproute2 \
	util-linux procps python3 sparse cppcheck xz-utils \
	bc flex bison libelf-dev \
	openssl curl nginx-light python3-aiosmtpd dovecot-pop3d \
	dovecot-imapd vsftpd swaks libnet-ssleay-perl keyutils python3-ecdsa

# Only 'make fuzz' needs these (CI does not fuzz).
# libFuzzer is only recommended by clang (Debian 12: clang 14).
FUZZ_PKGS := clang libclang-rt-14-dev
FUZZ_TIME ?= 600

CACHE ?= $(or $(HOME),/root)/.cache/tlsgw
CHECKPATCH := $(CACHE)/linux-source-6.1/scripts/checkpatch.pl
KERNELDOC := $(CACHE)/linux-source-6.1/scripts/kernel-doc

.PHONY: all module tools deps fuzz-deps check check-debug unit selftests vm \
	demo lint fuzz clean

all: module tools

module:
	@[ -n "$(KVER)" ] || { echo "no kernel headers found: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	$(MAKE) -C tools
	$(MAKE) -C selftests

deps: PKGS = $(DEPS_PKGS)
fuzz-deps: PKGS = $(FUZZ_PKGS)
deps fuzz-deps:
	@missing=; for p in $(PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	echo "installing:$$missing"; \
	sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	$$sudo apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q \
		--no-install-recommends $$missing

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) selftests

unit:
	$(MAKE) -C tools check

# The module is rebuilt against the debug kernel (and back by 'make').
# Its guests are several times slower: each may run 55 minutes, not 25.
check-debug: deps
	$(MAKE) tools
	$(MAKE) unit
	@set -e; eval "$$(selftests/vm/debug-kernel.sh print-env)"; \
	export TLSGW_VM_KERNEL TLSGW_VM_MODDIR; \
	$(MAKE) module KVER=$$KVER KDIR=$$KDIR; \
	TLSGW_VM_TIMEOUT=$${TLSGW_VM_TIMEOUT:-3300} \
		TLSGW_QUICK=1 $(MAKE) selftests KVER=$$KVER T="$(T)"

# The unit tests' TAP (from 'make unit') counts in the run's total.
selftests:
	TLSGW_UNIT_TAP="$(wildcard tools/tests/*.tap)" KVER=$(KVER) \
		selftests/vm/run.sh check $(T)

vm: deps
	$(MAKE) all
	KVER=$(KVER) selftests/vm/run.sh shell

demo: deps
	$(MAKE) all
	KVER=$(KVER) selftests/vm/run.sh run examples/demo.sh

$(CHECKPATCH):
	mkdir -p $(CACHE)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(CACHE) \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch $@

$(KERNELDOC):
	mkdir -p $(CACHE)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(CACHE) \
		linux-source-6.1/scripts/kernel-doc
	touch $@

KMOD_SRCS = $(filter-out %.mod.c,$(wildcard kmod/*/*.c)) $(wildcard kmod/*/*.h)

lint: deps $(CHECKPATCH) $(KERNELDOC)
	perl $(CHECKPATCH) --no-tree --strict --terse --show-types \
		-f $(KMOD_SRCS) uapi/linux/*.h
	@# kernel-doc on every struct and non-static function, and no warning
	perl $(KERNELDOC) -v -none $(KMOD_SRCS) 2>&1 | tee .lint.log
	@! grep -q 'warning:' .lint.log || { echo "lint: kernel-doc warnings"; exit 1; }
	@# core includes no feature, no feature another's, no include circle
	python3 scripts/check-includes.py
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules 2>&1 | tee .lint.log
	@! grep -E 'warning:|error:' .lint.log || { echo "lint: compiler or sparse warnings"; exit 1; }
	@rm -f .lint.log
	$(MAKE) -C tools lint
	$(MAKE) -C selftests lint

# Each harness for FUZZ_TIME seconds, one after the other (see fuzz/).
fuzz: fuzz-deps
	$(MAKE) -C fuzz run FUZZ_TIME=$(FUZZ_TIME)

clean:
	-[ -z "$(KVER)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean
	$(MAKE) -C fuzz clean
