# Tests: tests/test_<x>.c are cmocka unit tests of harness/<x>.c or
# workloads/<x>.c (pure logic); tests/it_<x>.c are integration tests that
# start real processes, containers and guests (they skip with a reason when
# the host cannot). `make test` runs both.

UNIT_SRC := $(wildcard tests/test_*.c)
IT_SRC   := $(wildcard tests/it_*.c)
UNIT_BIN := $(patsubst tests/%.c,$(B)/tests/%,$(UNIT_SRC))
IT_BIN   := $(patsubst tests/%.c,$(B)/tests/%,$(IT_SRC))
TEST_LIBS := $(B)/libbench.a $(B)/libwl.a $(B)/libvcb.a $(LIBS) -lcmocka

# The CLI's pieces without main(), for tests of option parsing and commands.
$(B)/libbench.a: $(filter-out $(B)/bench/main.o,$(BENCH_OBJ))
	ar rcs $@ $^

$(B)/tests/%: tests/%.c $(B)/libbench.a $(B)/libvcb.a $(B)/libwl.a
	@mkdir -p $(dir $@)
	$(CC) $(INCS) $(CFLAGS) $(WARN) -o $@ $< $(TEST_LIBS)

# Integration tests find the binaries and the kernel through these.
export VCB_WL := $(abspath $(B)/wl)
export VCB_BIN := $(abspath $(B)/vcbench)
export VCB_SRC := $(abspath .)

unit: all $(UNIT_BIN)
	@scripts/run-tests.sh $(UNIT_BIN)

integration: all $(IT_BIN)
	@scripts/run-tests.sh $(IT_BIN)

include tests/fuzz.mk

# Every test program, the fuzzers for a few seconds each, and the unit
# tests once more under ASan+UBSan.
test: setup
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(IT_BIN) $(FUZZ_BIN)
	@$(MAKE) --no-print-directory asan-build
	@scripts/run-tests.sh scripts/check-layers.sh $(UNIT_BIN) $(IT_BIN) tests/cli.sh tests/fuzz-smoke.sh tests/asan.sh \
		tests/install.sh tests/host-check.sh

# vcbench in an outer guest (scripts/host-check.sh): KVM for real, nested
# under TCG, on this host's layout (kvm-check) and on the other host shapes
# users have (host-check: pure cgroup v2; 8 vCPUs, SMT, 2 NUMA nodes).
kvm-check: setup
	@$(MAKE) --no-print-directory all $(IT_BIN)
	@scripts/host-check.sh kvm

host-check: setup
	@$(MAKE) --no-print-directory all $(IT_BIN)
	@scripts/host-check.sh kvm v2 numa
