# vcbench - VM vs container vs native benchmarking suite.
#   make          build build/vcbench and build/wl
#   make run      install what is needed, build, run the default comparison
#   make test     install what is needed, build, run every test
#   make report   regenerate REPORT.md from results/reference

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
PKGCFG  := libvirt hwloc libcgroup
LIBS    := $(shell pkg-config --libs $(PKGCFG) 2>/dev/null || echo -lvirt -lhwloc -lcgroup) -lpthread -lm

SHARED_SRC  := harness/proto.c harness/units.c harness/diskfile.c
WL_SRC      := $(wildcard workloads/*.c) $(SHARED_SRC)
HARNESS_SRC := $(filter-out $(SHARED_SRC),$(wildcard harness/*.c))
BENCH_SRC   := $(wildcard bench/*.c)

HARNESS_OBJ := $(patsubst %.c,$(B)/%.o,$(HARNESS_SRC) $(SHARED_SRC))
BENCH_OBJ   := $(patsubst %.c,$(B)/%.o,$(BENCH_SRC))
WL_OBJ      := $(patsubst %.c,$(B)/wlobj/%.o,$(WL_SRC))

.PHONY: all setup run test unit integration report clean
all: $(B)/vcbench $(B)/wl

$(B)/%.o: %.c $(wildcard harness/*.h bench/*.h workloads/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEFS) -c -o $@ $<

# The commit goes into run.json and REPORT.md; rebuilt every time (cheap)
# so it is never stale.
$(B)/harness/hostinfo.o: DEFS := -DVCB_COMMIT='"$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'
$(B)/harness/hostinfo.o: FORCE
.PHONY: FORCE
FORCE:

# wl is static: the identical file runs on the host, in the container rootfs
# and as the guest's init, with no loader or libc to differ between them.
$(B)/wlobj/%.o: %.c $(wildcard workloads/*.h harness/proto.h harness/units.h harness/diskfile.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/wl: $(WL_OBJ)
	$(CC) -static -o $@ $^ -lpthread -lm

$(B)/libvcb.a: $(HARNESS_OBJ)
	ar rcs $@ $^

# The workload table (without wl's main) is linked into vcbench too, so the
# harness validates workload names against the list wl runs.
$(B)/libwl.a: $(filter-out $(B)/wlobj/workloads/wl.o,$(WL_OBJ))
	ar rcs $@ $^

$(B)/vcbench: $(BENCH_OBJ) $(B)/libvcb.a $(B)/libwl.a
	$(CC) -o $@ $(BENCH_OBJ) $(B)/libvcb.a $(B)/libwl.a $(LIBS)

setup:
	scripts/setup.sh

# Each run gets its own directory (results are never overwritten);
# results/latest points at the newest.
run: setup all
	@out=results/run-$$(date -u +%Y%m%d-%H%M%S); \
	$(B)/vcbench run --profile quick --out $$out && ln -sfn $$(basename $$out) results/latest && \
	(cd $$out && $(abspath $(B))/vcbench report . > REPORT.md) && \
	echo "results in $$out (results/latest), report in $$out/REPORT.md"

include tests/tests.mk

report: all
	$(B)/vcbench report results/reference > REPORT.md

clean:
	rm -rf $(B)
