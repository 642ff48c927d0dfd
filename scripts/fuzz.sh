#!/usr/bin/env bash
# Coverage-guided fuzzing of the fuzz targets (fuzz/*_fuzz.cc) with AFL++, one after another.
#
#   scripts/fuzz.sh [TARGET...]      default: every fuzz/*_fuzz.cc
#
#   FUZZ_SECONDS     seconds of afl-fuzz per target (default 20)
#   FUZZ_TIMEOUT_MS  an input that runs longer than this is a hang (default 1000)
#   FUZZ_SANITIZE    1 (default): build with ASan + UBSan; 0: without
#   FUZZ_OPT         the compiler's optimisation and debug flags (default -O1 -g1)
#
# Builds the targets into build/fuzz with AFL++ instrumentation: afl-g++-fast (AFL++'s GCC
# plugin) when that works with the installed gcc, else g++ -fsanitize-coverage=trace-pc feeding
# AFL++'s runtime (see CMakeLists.txt). Seeds come from fuzz/corpus/<target>; afl-fuzz writes
# to build/fuzz/findings/<target> (emptied first), its log beside it as <target>.log.
# Needs no terminal and no standard input. Exit status: 0 nothing found, 1 a crash or hang was
# found (each input and a command that reproduces it are printed), 2 could not build or run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build/fuzz
seconds=${FUZZ_SECONDS:-20}
timeout_ms=${FUZZ_TIMEOUT_MS:-1000}
sanitize=${FUZZ_SANITIZE:-1}
afl_dir=/usr/lib/afl

die() { echo "fuzz: $*" >&2; exit 2; }
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive whole number, not '$seconds'"
[[ $timeout_ms =~ ^[1-9][0-9]*$ ]] || die "FUZZ_TIMEOUT_MS must be a positive whole number, not '$timeout_ms'"
command -v afl-fuzz >/dev/null && [ -f "$afl_dir/libAFLDriver.a" ] ||
  die "AFL++ is missing (Debian package afl++): run scripts/setup.sh"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in fuzz/*_fuzz.cc; do targets+=("$(basename "$src" .cc)"); done
fi
[ ${#targets[@]} -gt 0 ] || die "no fuzz targets in fuzz/"
for t in "${targets[@]}"; do [ -f "fuzz/$t.cc" ] || die "no fuzz target fuzz/$t.cc"; done

mkdir -p "$build"
strip_colours() { sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[()][A-Za-z0-9]//g'; }

# afl-g++-fast only if its GCC plugin loads into this gcc: Debian 12's afl++ 4.04c-4 was built
# against gcc 12.2.0-14 and its plugin refuses gcc 12.2.0-14+deb12u1.
probe=$build/afl-probe
echo 'int main() { return 0; }' > "$probe.cc"
if AFL_QUIET=1 afl-g++-fast -c "$probe.cc" -o "$probe.o" > "$probe.log" 2>&1; then
  cc=afl-gcc-fast cxx=afl-g++-fast
  echo "fuzz: instrumenting with afl-g++-fast (AFL++'s GCC plugin)"
else
  cc=gcc cxx=g++
  why=$(strip_colours < "$probe.log" | grep -m1 -E 'ABORT|error' | sed 's/^[^A-Za-z]*//') || true
  echo "fuzz: instrumenting with g++ -fsanitize-coverage=trace-pc into AFL++'s runtime" \
       "(afl-g++-fast does not work here: ${why:-see $probe.log})"
fi

# CMake cannot change the compiler of a configured build directory: start it afresh if needed.
cached=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [ -n "$cached" ] && [ "$(basename "$cached")" != "$cxx" ]; then
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
san=OFF; [ "$sanitize" = 1 ] && san=ON
echo "fuzz: building ${targets[*]} into $build (ASan + UBSan: $san)"
# -O1 with line tables (FUZZ_OPT): with ASan + UBSan and the instrumentation, -O2 -g took more than
# twice as long to compile (the CI builds every module for the targets) for a little more speed per
# input. AFL_DONT_OPTIMIZE keeps afl-cc from appending its own -g -funroll-loops to them.
export AFL_DONT_OPTIMIZE=1
if ! CC=$cc CXX=$cxx cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
       "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=${FUZZ_OPT:--O1 -g1} -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=${FUZZ_OPT:--O1 -g1} -DNDEBUG" \
       -DAMANAT_FUZZ=ON -DAMANAT_TESTS=OFF -DAMANAT_BENCH=OFF -DAMANAT_SANITIZE=$san \
       > "$build/configure.log" 2>&1; then
  tail -n 30 "$build/configure.log" >&2
  die "configuring $build failed (log: $build/configure.log)"
fi
if ! cmake --build "$build" --target "${targets[@]}" -- -j"$(nproc)" > "$build/build.log" 2>&1; then
  grep -E -A8 'error|FAILED' "$build/build.log" | head -n 60 >&2
  die "building the fuzz targets failed (log: $build/build.log)"
fi

# afl-fuzz without a terminal: no UI, no CPU pinning or governor checks, and no complaint
# that crashes go to a core_pattern we cannot change in a container. ASAN_OPTIONS and
# UBSAN_OPTIONS are left to afl-fuzz, which sets abort_on_error=1, symbolize=0 and the like.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_CRASH_README=1
unset AFL_USE_ASAN AFL_USE_UBSAN ASAN_OPTIONS UBSAN_OPTIONS

failed=0 found=0
field() { sed -n "s/^$1 *: *//p" "$2"; }
for t in "${targets[@]}"; do
  bin=$build/$t
  out=$build/findings/$t
  log=$build/findings/$t.log
  rm -rf "$out" "$log"
  mkdir -p "$out"
  seeds=fuzz/corpus/$t
  if [ -z "$(find "$seeds" -maxdepth 1 -type f -size +0 2>/dev/null | head -n 1)" ]; then
    seeds=$build/seeds/$t
    mkdir -p "$seeds"
    printf 'x' > "$seeds/x"
    echo "fuzz: $t: no seeds in fuzz/corpus/$t, starting from one byte"
  fi

  rc=0
  timeout --kill-after=10 $((seconds + 300)) \
    afl-fuzz -V "$seconds" -t "$timeout_ms" -m none -i "$seeds" -o "$out" -- "$bin" \
    < /dev/null > "$log" 2>&1 || rc=$?

  # Seeds that crash or hang are skipped by afl-fuzz, not saved: report them as findings too.
  inputs=()
  while IFS= read -r line; do
    name=$(sed -n "s/.*orig:\(.*\)' results in a \(crash\|timeout\).*/\1/p" <<< "$line")
    [ -n "$name" ] && inputs+=("$(sed -n 's/.*results in a \([a-z]*\).*/\1/p' <<< "$line") $seeds/$name")
  done < <(strip_colours < "$log" | grep -E "Test case '.*' results in a (crash|timeout)" || true)
  for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
    [ -f "$f" ] || continue
    case "$f" in */crashes/*) inputs+=("crash $f") ;; *) inputs+=("timeout $f") ;; esac
  done

  stats=$out/default/fuzzer_stats
  if [ -f "$stats" ]; then
    echo "fuzz: $t: $(field execs_done "$stats") execs ($(field execs_per_sec "$stats")/s)" \
         "in ${seconds}s, corpus $(field corpus_count "$stats") ($(field corpus_found "$stats") new)," \
         "map $(field bitmap_cvg "$stats"), stability $(field stability "$stats")," \
         "crashes $(field saved_crashes "$stats"), hangs $(field saved_hangs "$stats")"
  fi
  if [ $rc -ne 0 ] || [ ! -f "$stats" ]; then
    echo "fuzz: $t: afl-fuzz failed (exit $rc); the end of $log:" >&2
    strip_colours < "$log" | grep -v '^\s*$' | tail -n 25 >&2
    failed=1
  fi

  shown=0
  for entry in "${inputs[@]}"; do
    kind=${entry%% *} f=${entry#* }
    found=1
    if [ "$kind" = crash ]; then
      echo "fuzz: $t: CRASH on $f"
      echo "  reproduce: $bin '$f'"
    else
      echo "fuzz: $t: HANG (over ${timeout_ms} ms) on $f"
      echo "  reproduce: timeout 10 $bin '$f'"
    fi
    if [ $shown -eq 0 ] && [ "$kind" = crash ]; then  # the first crash's report, for CI logs
      shown=1
      echo "  its output:"
      (ASAN_OPTIONS=handle_abort=1 UBSAN_OPTIONS=print_stacktrace=1 timeout 20 "$bin" "$f" < /dev/null || echo "exit status $?") 2>&1 |
        tail -n 40 | sed 's/^/    /'
    fi
  done
done

if [ $found -ne 0 ]; then
  echo "fuzz: FAILED: crashes or hangs found (inputs and afl-fuzz output under $build/findings)" >&2
  exit 1
fi
[ $failed -eq 0 ] || die "afl-fuzz could not run every target"
echo "fuzz: no crashes or hangs in ${#targets[@]} target(s), ${seconds}s each"
