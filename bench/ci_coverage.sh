#!/bin/sh
# Do vcbench's 95% intervals cover 95% of the time? Runs the coverage
# simulation of tests/test_coverage.c with many trials and prints its table:
# per distribution and sample size, how often the median's interval holds
# the true median and the cost factor's interval the true ratio.
#
# usage: bench/ci_coverage.sh [TRIALS] [SEED]     (default 2000 trials: ~1.5 min)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" build/tests/test_coverage
VCB_SIM_TRIALS=${1:-2000} VCB_SIM_SEED=${2:-12648430} VCB_SIM_PRINT=1 "$top/build/tests/test_coverage" |
    grep -v "^\[\|PASSED"
