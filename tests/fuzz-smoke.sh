#!/bin/sh
# The libFuzzer harnesses, a few seconds each (FUZZ_SMOKE), over the corpus
# in tests/fuzz/corpus: every input there is replayed and new ones tried.
# `make fuzz` runs them for minutes.
top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/fuzz.sh" "${FUZZ_SMOKE:-4}" proto rows units opts meta
