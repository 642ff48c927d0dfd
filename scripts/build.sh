#!/usr/bin/env bash
# Configures and builds one flavour of amanat into build/<flavour>:
#   release  optimised, no tests        (what scripts/run.sh starts)
#   test     optimised with debug info, tests and benchmarks
#   asan     AddressSanitizer + UndefinedBehaviorSanitizer, tests
#   web      the web app into web/dist (served by `amanat serve`): npm packages from web/'s lockfile,
#            API types from `amanat openapi` (an amanat binary must be built first), type check, bundle
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
if [ "$flavour" = web ]; then
  bin=${AMANAT_BIN:-}
  for f in release test asan; do
    if [ -z "$bin" ] && [ -x "build/$f/amanat" ]; then bin=$PWD/build/$f/amanat; fi
  done
  [ -n "$bin" ] || { echo "build.sh web: build amanat first (scripts/build.sh release)" >&2; exit 1; }
  cd web
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
  # npm ci only when the lockfile changed since the last install.
  stamp=node_modules/.amanat-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
  AMANAT_BIN=$bin npm run --silent gen
  npm run --silent check
  npm run --silent build
  exit 0
fi
# The test and asan flavours keep line tables only (-g1): a failure's stack trace names files and
# lines, and the build takes about a third less time than with full debug info (-g), which the
# CI's three builds on two cores feel. For a debugger's locals, configure a build with -g yourself.
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DAMANAT_TESTS=OFF -DAMANAT_BENCH=OFF) ;;
  test)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG") ;;
  asan)    args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g1" -DAMANAT_SANITIZE=ON -DAMANAT_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh release|test|asan|web" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -G Ninja "${args[@]}" >/dev/null
cmake --build "build/$flavour" -- -j"$(nproc)"
