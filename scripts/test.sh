#!/usr/bin/env bash
# The second command of the README: installs what is missing, builds amanat and runs every test,
# first in an optimised build, then the web app's tests in Debian's Chromium (once, against that
# build), then under AddressSanitizer + UndefinedBehaviorSanitizer, then a short coverage-guided
# fuzzing run of every parser (scripts/fuzz.sh; FUZZ_SECONDS per target).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
jobs=$(nproc)

echo "== tests (RelWithDebInfo)"
scripts/build.sh test
(cd build/test && ctest --output-on-failure -j"$jobs")

echo "== web app: build, then its tests in Chromium (screenshots in web/test-results/screens/)"
AMANAT_BIN=$PWD/build/test/amanat scripts/build.sh web
(cd web && AMANAT_BIN=$PWD/../build/test/amanat PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm test --silent)

echo "== tests under ASan + UBSan"
scripts/build.sh asan
(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

if [ "${SKIP_FUZZ:-0}" != 1 ] && [ -x scripts/fuzz.sh ]; then
  echo "== fuzzing (${FUZZ_SECONDS:-20} s per target)"
  scripts/fuzz.sh
fi
