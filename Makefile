# vcbench - VM vs container vs native benchmarking suite.
#   make          build build/vcbench and build/wl
#   make run      install what is needed, build, run the default comparison
#   make test     install what is needed, build, run every test
#   make report   regenerate REPORT.md from results/reference
#   make install  vcbench, wl, the set-up scripts, vcbench(1) and bash
#                 completion under PREFIX (/usr/local), staged in DESTDIR
#   make deb      the Debian package (dpkg-buildpackage), in ../

CC      ?= cc
CFLAGS  ?= -O2 -g
# snprintf truncation is how messages are bounded here, on purpose.
WARN    := -std=c11 -Wall -Wextra -Wno-format-truncation -D_GNU_SOURCE
ifeq ($(CI),true)
WARN    += -Werror
endif
ifneq ($(WERROR),)
WARN    += -Werror
endif
B       := build
PKGCFG  := libvirt hwloc libcgroup json-c
LIBS    := $(shell pkg-config --libs $(PKGCFG) 2>/dev/null || echo -lvirt -lhwloc -lcgroup -ljson-c) -lpthread -lm
# Includes name their layer: "common/err.h", "env/env.h", "bench/opts.h".
INCS    := -Iharness -I.
CPPFLAGS += $(INCS) -MMD -MP

# The harness is a library in layers, one folder each (harness/*/README
# comments; scripts/check-layers.sh keeps includes pointing down):
#   report -> analysis -> run -> env -> common
# wl is built from workloads/ and the part of common/ it shares.
SHARED_SRC  := harness/common/proto.c harness/common/units.c harness/common/diskfile.c harness/common/wlmeta.c harness/common/noise.c \
               harness/common/pmu.c
WL_SRC      := $(wildcard workloads/*.c) $(SHARED_SRC)
HARNESS_SRC := $(wildcard harness/*/*.c)
BENCH_SRC   := $(wildcard bench/*.c)

HARNESS_OBJ := $(patsubst %.c,$(B)/%.o,$(HARNESS_SRC))
BENCH_OBJ   := $(patsubst %.c,$(B)/%.o,$(BENCH_SRC))
WL_OBJ      := $(patsubst %.c,$(B)/wlobj/%.o,$(WL_SRC))

.PHONY: all setup run test unit integration report clean check-layers kvm-check host-check install uninstall deb
all: $(B)/vcbench $(B)/wl

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEFS) -c -o $@ $<

# The commit goes into run.json and REPORT.md; rebuilt every time (cheap)
# so it is never stale.
$(B)/harness/run/hostinfo.o: DEFS := -DVCB_COMMIT='"$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'
$(B)/harness/run/hostinfo.o: FORCE
.PHONY: FORCE
FORCE:

# wl is static: the identical file runs on the host, in the container rootfs
# and as the guest's init, with no loader or libc to differ between them.
# It is linked against musl when musl-gcc is there (scripts/setup.sh
# installs it): a static glibc binary spends ~0.8 ms of every start on
# this host in CPUID probes and page faults (1.95 ms vs 1.12 ms per
# fork+exec+exit, measured), which would be charged to every environment's
# start-up. The kernels are the same C either way (`make WL_CC=cc` builds a
# glibc wl to compare). Evaluated late (=), so
# the compiler setup.sh has just installed is the one used.
WL_CC    = $(or $(shell command -v musl-gcc 2>/dev/null),$(CC))
WL_BIN_OBJ := $(patsubst %.c,$(B)/wlbin/%.o,$(WL_SRC))

# Objects for libwl.a (the workload kernels, linked into their unit tests).
$(B)/wlobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Objects for the wl binary; the stamp rebuilds them when the compiler changes.
$(B)/wlbin/cc.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(WL_CC)' | cmp -s - $@ || echo '$(WL_CC)' > $@

# musl ships no kernel headers; the PMU counters need linux/perf_event.h.
# The host's linux/, asm/ and asm-generic/ (libc-independent, from
# linux-libc-dev) through a folder of links, searched after musl's own.
KINC := $(B)/kinc
$(KINC)/.stamp:
	@mkdir -p $(KINC)
	@ln -sfn /usr/include/linux $(KINC)/linux
	@ln -sfn /usr/include/asm-generic $(KINC)/asm-generic
	@ln -sfn /usr/include/$$($(CC) -print-multiarch)/asm $(KINC)/asm
	@touch $@

$(B)/wlbin/%.o: %.c $(B)/wlbin/cc.stamp $(KINC)/.stamp
	@mkdir -p $(dir $@)
	$(WL_CC) $(CPPFLAGS) -idirafter $(KINC) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/wl: $(WL_BIN_OBJ)
	$(WL_CC) -static -o $@ $^ -lpthread -lm

$(B)/libvcb.a: $(HARNESS_OBJ)
	ar rcs $@ $^

$(B)/libwl.a: $(filter-out $(B)/wlobj/workloads/wl.o $(patsubst %.c,$(B)/wlobj/%.o,$(SHARED_SRC)),$(WL_OBJ))
	ar rcs $@ $^

$(B)/vcbench: $(BENCH_OBJ) $(B)/libvcb.a
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(B)/libvcb.a $(LIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

check-layers:
	@scripts/check-layers.sh

setup:
	scripts/setup.sh

# Each run gets its own directory (results are never overwritten);
# results/latest points at the newest.
# The build runs after setup even under -j: setup may install the compilers
# and libraries it needs (musl-gcc for wl among them).
run: setup
	@$(MAKE) --no-print-directory all
	@out=results/run-$$(date -u +%Y%m%d-%H%M%S); \
	$(B)/vcbench run --profile quick --out $$out && ln -sfn $$(basename $$out) results/latest && \
	(cd $$out && $(abspath $(B))/vcbench report . > REPORT.md) && \
	echo "results in $$out (results/latest), report in $$out/REPORT.md"

include tests/tests.mk

report: all
	$(B)/vcbench report results/reference > REPORT.md

# Installing: GNU conventions. The installed vcbench finds wl at
# ../libexec/vcbench/wl from itself, so a DESTDIR tree or another PREFIX
# works as it is; the manual page is made by vcbench from its own option
# tables, so it never drifts from --help.
PREFIX     ?= /usr/local
BINDIR     := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/vcbench
MANDIR     := $(PREFIX)/share/man/man1
COMPDIR    := $(PREFIX)/share/bash-completion/completions

$(B)/vcbench.1: $(B)/vcbench
	$(B)/vcbench man > $@.tmp && mv $@.tmp $@

install: all $(B)/vcbench.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(COMPDIR)
	install -m 755 $(B)/vcbench $(DESTDIR)$(BINDIR)/vcbench
	install -m 755 $(B)/wl $(DESTDIR)$(LIBEXECDIR)/wl
	install -m 755 scripts/setup.sh scripts/fetch-kernel.sh $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 $(B)/vcbench.1 $(DESTDIR)$(MANDIR)/vcbench.1
	install -m 644 scripts/vcbench.bash $(DESTDIR)$(COMPDIR)/vcbench

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vcbench $(DESTDIR)$(MANDIR)/vcbench.1 $(DESTDIR)$(COMPDIR)/vcbench
	rm -f $(DESTDIR)$(LIBEXECDIR)/wl $(DESTDIR)$(LIBEXECDIR)/setup.sh $(DESTDIR)$(LIBEXECDIR)/fetch-kernel.sh
	-rmdir $(DESTDIR)$(LIBEXECDIR)

# The Debian package: debhelper and lintian installed, then
# dpkg-buildpackage in the tree (the .deb lands in ..).
deb:
	scripts/setup.sh --no-kernel
	dpkg-buildpackage -us -uc -b
	lintian --fail-on error ../vcbench_*_amd64.deb

clean:
	rm -rf $(B)
