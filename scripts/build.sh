#!/usr/bin/env bash
# Configures and builds one flavour of amanat into build/<flavour>:
#   release  optimised, no tests        (what scripts/run.sh starts)
#   test     optimised with debug info, tests and benchmarks
#   asan     AddressSanitizer + UndefinedBehaviorSanitizer, tests
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DAMANAT_TESTS=OFF -DAMANAT_BENCH=OFF) ;;
  test)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    args=(-DCMAKE_BUILD_TYPE=Debug -DAMANAT_SANITIZE=ON -DAMANAT_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh release|test|asan" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" >/dev/null
cmake --build "build/$flavour" -- -j"$(nproc)"
