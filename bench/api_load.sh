#!/usr/bin/env bash
# Load benchmark of `amanat serve` with wrk (Debian package wrk): 64 connections for 60 s each
# against (a) GET /api/v1/health, the trivial endpoint and the baseline, (b) recording
# donations (POST /api/v1/orgs/demo/donations, durable), (c) a mixed read/write script
# (bench/api_mixed.lua: 50% donations, 30% report, 10% statistics, 10% the log's checkpoint) and
# (d) the hotline logging consultations (POST /api/v1/orgs/demo/consultations, durable).
#
#   bench/api_load.sh [--amanat PATH] [--duration S] [--donations N] [--tmp DIR] [--keep]
#                     [--server-threads N] [--server-workers N] [--port P]
#
# It builds nothing: --amanat (default: build/test/amanat, else build/release/amanat, the first
# that has `serve`) is copied into the scratch directory first, so a rebuild meanwhile does not
# change what is measured. Demo books (`amanat demo --donations 20000`) and an accountant are
# made in a scratch directory under --tmp (default $TMPDIR or /tmp; it must be on the disk to
# measure: on tmpfs fsync does nothing), removed at the end unless --keep.
#
# Prints requests/s and p99 of each run with the CPU used by the server, by wrk and by the rest
# of the machine, the RATIO of donation to health requests/s, the TARGET lines (>= 0.3; zero
# errors), the mixed run's figures, and the load average before and after. Then it
# stops the server with SIGTERM, which must exit 0 (graceful), checks that every donation wrk
# saw acknowledged is in the books, and runs `amanat audit` on the data directory.
# Exit status: 0 when every check passed (whether or not the TARGET is met: that line says),
# 1 when any response was not 2xx, wrk saw a socket error or timeout, the server did not stop
# gracefully, or the books do not add up; 2 usage.
#
# DURATION (seconds, default 60) may also come from the environment. See docs/benchmarks.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
lua="$here/api_mixed.lua"

amanat=""
duration=${DURATION:-60}
donations=20000
tmp_root=${TMPDIR:-/tmp}
keep=0
server_threads=""
server_workers=""
port=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --amanat) amanat=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --donations) donations=$2; shift 2 ;;
    --tmp) tmp_root=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --server-workers) server_workers=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "api_load: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "api_load: --duration: whole seconds" >&2; exit 2; }

command -v wrk >/dev/null || { echo "api_load: wrk is missing (Debian package wrk; scripts/setup.sh installs it)" >&2; exit 1; }
command -v curl >/dev/null || { echo "api_load: curl is missing" >&2; exit 1; }
has_serve() { [ -x "$1" ] && "$1" serve --help >/dev/null 2>&1; }
if [ -z "$amanat" ]; then
  for c in "$repo/build/test/amanat" "$repo/build/release/amanat"; do
    if has_serve "$c"; then amanat=$c; break; fi
  done
  [ -n "$amanat" ] || { echo "api_load: no build/test/amanat or build/release/amanat with \`serve\`; build one (scripts/build.sh test) or pass --amanat" >&2; exit 1; }
fi
has_serve "$amanat" || { echo "api_load: $amanat is not an amanat with \`serve\`" >&2; exit 1; }

work=$(mktemp -d "$tmp_root/amanat-load.XXXXXX")
data="$work/data"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then echo "api_load: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
cp "$amanat" "$work/amanat"
bin="$work/amanat"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
hz=$(getconf CLK_TCK)
# Busy clock ticks of the whole machine (user, nice, system, irq, softirq, steal), and of a process.
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
proc_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
failures=()
fail() { failures+=("$1"); echo "FAIL: $1"; }

echo "== api_load: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(loadavg), nproc $(nproc)"
echo "   binary: $amanat, built $(date -u -r "$amanat" '+%Y-%m-%d %H:%M UTC') (the tree is at $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')); wrk -t2 -c64 -d${duration}s"
echo "   scratch: $work"

# ---- books, user, server -----------------------------------------------------------------
vkey=$("$bin" demo --data "$data" --donations "$donations" 2>"$work/demo.err") ||
  { cat "$work/demo.err" >&2; exit 1; }
echo "   demo books: $(grep -o 'demo books:.*' "$work/demo.err" || true)"
# Funds open for donations: the report's lines whose status is "open".
funds=$("$bin" report --data "$data" | awk '$2 == "open" { printf "%s%s", sep, $1; sep = "," }')
[ -n "$funds" ] || funds=general
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
AMANAT_PASSWORD=$password "$bin" user add --data "$data" --name bench-acc --role accountant >/dev/null
AMANAT_PASSWORD=$password "$bin" user add --data "$data" --name bench-hotline --role hotline_operator >/dev/null

serve_args=(--data "$data" --org demo)
[ -n "$server_threads" ] && serve_args+=(--threads "$server_threads")
[ -n "$server_workers" ] && serve_args+=(--workers "$server_workers")
# The access log (one line per request) goes to a file in the scratch directory.
start_server() {  # $1 = port; 0 once /api/v1/health answers, 1 if the server died (port taken?)
  "$bin" serve "${serve_args[@]}" --listen "127.0.0.1:$1" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 1 200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/api/v1/health" 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" || true; server_pid=""; return 1; }
    sleep 0.05
  done
  echo "api_load: the server did not answer /api/v1/health within 10 s" >&2
  exit 1
}
started=0
for _ in 1 2 3 4 5; do
  p=${port:-$((20000 + RANDOM % 40000))}
  ss -ltn 2>/dev/null | grep -q ":$p\b" && [ -z "$port" ] && continue
  if start_server "$p"; then started=1; port=$p; break; fi
  [ -n "$port" ] && break
done
[ "$started" = 1 ] || { echo "api_load: could not start the server:" >&2; cat "$work/serve.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
echo "   server: pid $server_pid on $base, --threads ${server_threads:-default} --workers ${server_workers:-default}"

login=$(curl -fsS -XPOST -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench-acc\",\"password\":\"$password\"}" "$base/api/v1/orgs/demo/session")
token=$(printf '%s' "$login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "api_load: login failed: $login" >&2; exit 1; }
login=$(curl -fsS -XPOST -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench-hotline\",\"password\":\"$password\"}" "$base/api/v1/orgs/demo/session")
hotline_token=$(printf '%s' "$login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$hotline_token" ] || { echo "api_load: hotline login failed: $login" >&2; exit 1; }

donations_now() {
  curl -fsS "$base/api/v1/orgs/demo/statistics" | sed -n 's/.*"donations":\([0-9]*\).*/\1/p'
}
booked_before=$(donations_now)

# ---- the runs ----------------------------------------------------------------------------
# run MODE: runs wrk, prints its summary and sets R_rps, R_p99, R_p50, R_receipts, R_line.
run() {
  local mode=$1 out="$work/wrk-$1.txt"
  echo
  echo "== $mode: load average $(loadavg) (the benchmark's own threads count in it)"
  local busy0 srv0 t0 busy1 srv1 t1 timer=()
  # CPU accounting: the server's, wrk's (through GNU time when present) and the rest of the
  # machine's, so that a run on a busy machine shows as one.
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%U %S' -o "$work/wrk-$mode.cpu")
  busy0=$(machine_busy) srv0=$(proc_cpu "$server_pid") t0=$(date +%s.%N)
  local use_token=$token
  [ "$mode" = consultation ] && use_token=$hotline_token
  AMANAT_TOKEN=$use_token AMANAT_ORG=demo AMANAT_FUNDS=$funds \
    "${timer[@]}" wrk -t2 -c64 -d"${duration}s" --timeout 2s --latency -s "$lua" "$base" -- "$mode" >"$out" 2>&1 ||
    fail "$mode: wrk exited with status $?"
  busy1=$(machine_busy) srv1=$(proc_cpu "$server_pid") t1=$(date +%s.%N)
  R_cpu=$(awk -v b0="$busy0" -v b1="$busy1" -v s0="$srv0" -v s1="$srv1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
              -v w="$(tail -1 "$work/wrk-$mode.cpu" 2>/dev/null)" -v n="$(nproc)" '
    BEGIN { secs = t1 - t0; srv = (s1 - s0) / hz / secs; all = (b1 - b0) / hz / secs
            split(w, wc, " "); wrk = (wc[1] + wc[2]) / secs; other = all - srv - wrk; if (other < 0) other = 0
            printf "server %.2f cores, wrk %.2f, the rest (other processes, kernel threads, interrupts) %.2f, of %d", srv, wrk, other, n }')
  R_srv_cpu_s=$(awk -v s0="$srv0" -v s1="$srv1" -v hz="$hz" 'BEGIN { printf "%.3f", (s1 - s0) / hz }')
  R_line=$(grep '^RESULT ' "$out" || true)
  if [ -z "$R_line" ]; then
    cat "$out"
    fail "$mode: wrk printed no RESULT line"
    R_rps=0 R_p99=0 R_p50=0 R_receipts=0
    return
  fi
  field() { printf '%s\n' "$R_line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  R_rps=$(field rps) R_p50=$(field p50_ms) R_p99=$(field p99_ms) R_receipts=$(field receipts)
  local non2xx errs
  non2xx=$(field non2xx)
  errs=$(($(field connect) + $(field read) + $(field write) + $(field timeout)))
  printf '   %-10s requests/s %9.0f   p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   requests %s   non-2xx %s   socket errors/timeouts %s\n' \
    "$mode" "$R_rps" "$R_p50" "$R_p99" "$(field max_ms)" "$(field requests)" "$non2xx" "$errs"
  printf '   CPU: %s; server CPU per request %.0f us\n' "$R_cpu" \
    "$(awk -v c="$R_srv_cpu_s" -v r="$(field requests)" 'BEGIN { print (r > 0) ? c * 1e6 / r : 0 }')"
  echo "   $R_line"
  run_errors=$((run_errors + non2xx + errs))
  [ "$non2xx" = 0 ] || fail "$mode: $non2xx responses were not 2xx ($(printf '%s\n' "$R_line" | grep -o 'status_[0-9]*=[0-9]*' | tr '\n' ' '))"
  [ "$errs" = 0 ] || fail "$mode: $errs socket errors or timeouts (connect/read/write/timeout: $(field connect)/$(field read)/$(field write)/$(field timeout))"
}

run_errors=0
run health
health_rps=$R_rps health_p99=$R_p99
run donation
donation_rps=$R_rps donation_p99=$R_p99 acked=$R_receipts
run mixed
mixed_rps=$R_rps mixed_p99=$R_p99 acked=$((acked + R_receipts))
mixed_sent=$(printf '%s\n' "$R_line" | grep -o 'sent_[a-z]*=[0-9]*' | paste -sd' ')
run consultation
consultation_rps=$R_rps consultation_p99=$R_p99 consultations_acked=$R_receipts

# ---- figures -----------------------------------------------------------------------------
ratio=$(awk -v d="$donation_rps" -v h="$health_rps" 'BEGIN { printf "%.3f", (h > 0) ? d / h : 0 }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.3) ? "MET" : "NOT MET" }')
echo
echo "== figures (wrk -t2 -c64 -d${duration}s; load average now $(loadavg))"
printf 'health     GET /api/v1/health (baseline):        %9.0f requests/s, p99 %7.2f ms\n' "$health_rps" "$health_p99"
printf 'donation   POST /api/v1/orgs/demo/donations:     %9.0f requests/s, p99 %7.2f ms\n' "$donation_rps" "$donation_p99"
printf 'mixed      50%% donations, 30%% report, 10%% statistics, 10%% checkpoint: %.0f requests/s, p99 %.2f ms (%s)\n' \
  "$mixed_rps" "$mixed_p99" "$mixed_sent"
echo "RATIO donation req/s / health req/s = $ratio (p99 $donation_p99 ms vs $health_p99 ms)"
printf 'consultation POST /api/v1/orgs/demo/consultations: %7.0f requests/s, p99 %7.2f ms (%s acknowledged)\n' \
  "$consultation_rps" "$consultation_p99" "$consultations_acked"
echo "RATIO consultation req/s / health req/s = $(awk -v d="$consultation_rps" -v h="$health_rps" 'BEGIN { printf "%.3f", (h > 0) ? d / h : 0 }')"
echo "RATIO mixed req/s / health req/s = $(awk -v d="$mixed_rps" -v h="$health_rps" 'BEGIN { printf "%.3f", (h > 0) ? d / h : 0 }')"
echo "TARGET donation recording >= 0.3 of the trivial endpoint: $met"
echo "TARGET zero errors (non-2xx responses, socket errors, timeouts over 2 s) in every run: $([ "$run_errors" = 0 ] && echo MET || echo "NOT MET ($run_errors)")"

# ---- every acknowledged donation is booked -----------------------------------------------
# wrk stops with up to 64 requests per run written but unanswered; the server still books them.
booked_after=$(donations_now)
booked=$((booked_after - booked_before))
echo
echo "== books: $booked donations booked during the runs, $acked acknowledged to wrk with a receipt code"
if [ "$booked" -lt "$acked" ] || [ "$booked" -gt $((acked + 128)) ]; then
  fail "the books hold $booked new donations but wrk was given $acked receipt codes (at most 128 may have been in flight)"
fi

# ---- graceful stop ----------------------------------------------------------------------
kill -TERM "$server_pid"
for _ in $(seq 1 600); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$server_pid" 2>/dev/null; then
  fail "the server did not stop within 30 s of SIGTERM; killing it"
  kill -KILL "$server_pid"
fi
rc=0
wait "$server_pid" || rc=$?
server_pid=""
if [ "$rc" = 0 ]; then
  echo "== server stopped on SIGTERM with exit status 0: $(grep -o 'stopped.*' "$work/serve.log" | tail -1)"
else
  sig=""
  [ "$rc" -gt 128 ] && sig=" (killed by signal $((rc - 128)): $(kill -l $((rc - 128)) 2>/dev/null || true))"
  fail "the server exited with status $rc on SIGTERM$sig, not 0: not a graceful stop"
fi
bad_lines=$(grep -c '^http .* status=[^2]' "$work/serve.log" || true)
[ "$bad_lines" = 0 ] || { fail "the server's access log has $bad_lines answers that are not 2xx:"; grep '^http .* status=[^2]' "$work/serve.log" | head -5; }
grep -v '^http ' "$work/serve.log" | grep -v '^amanat: serving\|^amanat: the API\|^amanat: stopped' | head -5 |
  sed 's/^/   server: /' || true

# ---- the books add up after the load -----------------------------------------------------
echo "== amanat audit --log DIR --vkey VKEY"
if "$bin" audit --log "$data" --vkey "$vkey" >"$work/audit.txt" 2>&1; then
  sed 's/^/   /' "$work/audit.txt"
else
  sed 's/^/   /' "$work/audit.txt" | tail -20
  fail "amanat audit failed after the load"
fi

echo
echo "== done: load average $(loadavg)"
if [ ${#failures[@]} -gt 0 ]; then
  echo "api_load: ${#failures[@]} check(s) failed:"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
echo "api_load: zero errors; every check passed"
