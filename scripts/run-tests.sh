#!/bin/sh
# Run test programs one after another, keep going after a failure, and end
# with one summary line. Exit status 1 when any program failed.
set -u
pass=0 fail=0 failed=""
for t in "$@"; do
    echo "=== $t"
    if "$t"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $t"
    fi
done
echo
[ -n "$failed" ] && echo "failed programs:$failed"
echo "test programs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
