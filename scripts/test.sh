#!/usr/bin/env bash
# The second command of the README: installs what is missing, builds amanat and runs every test,
# first in an optimised build, then under AddressSanitizer + UndefinedBehaviorSanitizer, then
# a short coverage-guided fuzzing run of every parser (scripts/fuzz.sh; FUZZ_SECONDS per target).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== tests (RelWithDebInfo)"
scripts/build.sh test
(cd build/test && ctest --output-on-failure -j"$jobs")

echo "== tests under ASan + UBSan"
scripts/build.sh asan
(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

if [ "${SKIP_FUZZ:-0}" != 1 ] && [ -x scripts/fuzz.sh ]; then
  echo "== fuzzing (${FUZZ_SECONDS:-20} s per target)"
  scripts/fuzz.sh
fi
