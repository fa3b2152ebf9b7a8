# Fuzzing (libFuzzer, clang) and sanitizer builds.
#   make fuzz        each harness FUZZ_SECONDS (600) and new coverage merged into tests/fuzz/corpus/
#   make test        runs each for FUZZ_SMOKE seconds (and the unit tests under ASan+UBSan)
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SMOKE   ?= 4
FUZZ_NAMES   := proto rows units opts meta
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# What the harnesses exercise: common/ (parsers), run.json, the option table.
FUZZ_SRC     := $(wildcard harness/common/*.c) harness/run/meta.c bench/opts.c
FUZZ_OBJ     := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(FUZZ_SRC))
FUZZ_BIN     := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_NAMES))

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(INCS) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(INCS) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_OBJ) \
		$(shell pkg-config --libs json-c) -lpthread -lm

# Kept: make would delete them as intermediates of the pattern chain.
.SECONDARY: $(FUZZ_OBJ)
.PHONY: fuzz fuzz-smoke asan-unit asan-build
fuzz: setup
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@scripts/fuzz.sh --merge $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-smoke: $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SMOKE) $(FUZZ_NAMES)

# The unit and integration tests again, built with gcc's AddressSanitizer
# and UBSan (tests/asan.sh runs them; make test does both). The container's
# reused clone stack is unpoisoned for ASan (env_container.c).
ASAN_B   := $(B)/asan
ASAN_BIN := $(patsubst $(B)/%,$(ASAN_B)/%,$(UNIT_BIN) $(IT_BIN))
asan-build:
	@$(MAKE) --no-print-directory B=$(ASAN_B) CFLAGS="-O1 -g $(FUZZ_SAN)" $(ASAN_BIN)
asan-unit: asan-build
	@tests/asan.sh
