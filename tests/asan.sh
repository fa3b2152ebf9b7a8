#!/bin/sh
# The unit and integration tests built with AddressSanitizer (leaks
# included) and UndefinedBehaviorSanitizer (make asan-build puts them in
# build/asan/tests): any report fails them. The integration tests start
# real containers and guests, as in the plain run.
top=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export VCB_SRC=${VCB_SRC:-$top}
# The coverage simulation checks statistics, not memory: fewer trials here.
export VCB_SIM_TRIALS=${VCB_SIM_TRIALS:-60}
fail=0 n=0
for t in "$top"/build/asan/tests/test_* "$top"/build/asan/tests/it_*; do
    case "$t" in *.log) continue ;; esac
    # These only start the vcbench binary (not built with the sanitizers)
    # and read what it wrote: nothing of theirs runs in-process to check,
    # and together they take minutes. The plain pass runs them.
    case "${t##*/}" in it_cost|it_iso|it_engines) continue ;; esac
    [ -x "$t" ] || continue
    n=$((n + 1))
    if ! "$t" >"$t.log" 2>&1; then
        echo "asan: $(basename "$t") FAILED"
        grep -E 'ERROR|runtime error|SUMMARY|FAILED' "$t.log" | head -8
        fail=1
    fi
done
[ $n -gt 0 ] || { echo "asan: no test programs in build/asan/tests (run 'make asan-build')"; exit 1; }
echo "asan: $n test programs under ASan+UBSan, $([ $fail -eq 0 ] && echo clean || echo 'with findings')"
exit $fail
