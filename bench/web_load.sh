#!/usr/bin/env bash
# The public read path under a news spike (issue 14): requests/s of an appeal's page (the HTML),
# its JavaScript entry and stylesheet, its figures (GET /api/v1/orgs/demo/appeals/CODE, the JSON
# the page shows) and a first visit's requests in turn (those, and the other initial JavaScript
# chunks dist/sizes.json lists), with 256 connections, from `amanat
# serve` and, as the baseline measured in the same run, from nginx serving the very same bytes
# from files on disk. Goal: amanat at least 0.5 of nginx.
#
#   bench/web_load.sh [--amanat PATH] [--web DIR] [--duration S] [--connections N]
#                     [--nginx-workers N] [--donations N] [--tmp DIR] [--keep]
#
# It builds nothing: --amanat (default: build/release/amanat, else build/test/amanat, the first
# that has `serve`) and --web (default web/dist, from `scripts/build.sh web`) are copied into a
# scratch directory under --tmp (default $TMPDIR or /tmp), removed at the end unless --keep.
# There it makes demo books (`amanat demo --donations 20000 --seed 7`), starts `amanat serve` on
# them (its defaults: 2 event-loop threads, 64 workers; the access log to a file) and picks the
# newest open appeal.
#
# The same bytes: each URL is fetched once from amanat with Accept-Encoding: gzip and its answer
# written under nginx's root at the same path: a body that came gzipped (the HTML, JS and CSS:
# the .gz files the web build writes) is stored as PATH.gz with the plain file beside it and
# served by gzip_static; the figures' JSON, which amanat sends uncompressed, is stored as it is.
# nginx sends the same Content-Type and the same extra headers (the CSP and the others, both
# Cache-Control lines where amanat sends two), so the answers differ only in the Date, Server,
# ETag and Last-Modified headers that nginx adds; both answers' sizes are printed and the bodies
# compared byte for byte. nginx: Debian's nginx-light with a minimal configuration in the
# scratch directory, worker_processes 2 (this machine's cores, as amanat's 2 event-loop
# threads), sendfile on, access_log off, keepalive without a request limit, no open_file_cache.
# wrk (Debian package wrk): -t2 -c256 -dDURATION (10 s), -H 'Accept-Encoding: gzip', through
# bench/web_load.lua; amanat and nginx alternate URL by URL, so drift hits both alike, each after
# a 2 s warm-up. wrk shares the 2 cores with the server it loads.
#
# Prints for each run requests/s, p50/p99 and the CPU used by the server, by wrk and by the rest
# of the machine; then a table with RATIO amanat/nginx per URL and TARGET lines (>= 0.5).
# Exit status: 0 when every run was clean (whether or not a TARGET is met: the lines say), 1
# when a response was not 2xx, wrk saw a socket error or a timeout (over 5 s), the bytes differ,
# or a server would not start; 2 usage. Needs wrk, nginx and curl: apt-get install nginx-light
# wrk curl. See docs/benchmarks.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
lua="$here/web_load.lua"

amanat=""
web="$repo/web/dist"
duration=${DURATION:-10}
connections=256
nginx_workers=2
donations=20000
tmp_root=${TMPDIR:-/tmp}
keep=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --amanat) amanat=$2; shift 2 ;;
    --web) web=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --nginx-workers) nginx_workers=$2; shift 2 ;;
    --donations) donations=$2; shift 2 ;;
    --tmp) tmp_root=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "web_load: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "web_load: --duration: whole seconds" >&2; exit 2; }
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || { echo "web_load: --connections: a whole number" >&2; exit 2; }
[[ "$nginx_workers" =~ ^[1-9][0-9]*$ ]] || { echo "web_load: --nginx-workers: a whole number" >&2; exit 2; }

nginx_bin=$(command -v nginx || true)
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$nginx_bin" ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "web_load: missing ${missing[*]}: install with  apt-get install ${missing[*]}" >&2
  exit 1
fi
has_serve() { [ -x "$1" ] && "$1" serve --help >/dev/null 2>&1; }
if [ -z "$amanat" ]; then
  for c in "$repo/build/release/amanat" "$repo/build/test/amanat"; do
    if has_serve "$c"; then amanat=$c; break; fi
  done
  [ -n "$amanat" ] || { echo "web_load: no build/release/amanat or build/test/amanat with \`serve\`; build one (scripts/build.sh release) or pass --amanat" >&2; exit 1; }
fi
has_serve "$amanat" || { echo "web_load: $amanat is not an amanat with \`serve\`" >&2; exit 1; }
[ -f "$web/index.html" ] || { echo "web_load: $web has no index.html: build the web app (scripts/build.sh web)" >&2; exit 1; }

work=$(mktemp -d "$tmp_root/amanat-webload.XXXXXX")
data="$work/data"
root="$work/nginx/root"
server_pid=""
nginx_pid=""
cleanup() {
  for p in "$server_pid" "$nginx_pid"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
      kill -KILL "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  if [ "$keep" = 1 ]; then echo "web_load: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
cp "$amanat" "$work/amanat"
bin="$work/amanat"
cp -r "$web" "$work/dist"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
hz=$(getconf CLK_TCK)
machine_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# CPU ticks of the processes given (nginx: its master and workers).
procs_cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    ss -ltn 2>/dev/null | grep -q ":$p\b" || { echo "$p"; return; }
  done
  echo "web_load: no free port" >&2; exit 1
}
failures=()
fail() { failures+=("$1"); echo "FAIL: $1"; }

echo "== web_load: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(loadavg), nproc $(nproc)"
echo "   binary: $amanat, built $(date -u -r "$amanat" '+%Y-%m-%d %H:%M UTC') (the tree is at $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'))"
echo "   nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'), worker_processes $nginx_workers; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); wrk -t2 -c$connections -d${duration}s"
echo "   scratch: $work"

# ---- books and amanat ------------------------------------------------------------------------
"$bin" demo --data "$data" --donations "$donations" --seed 7 >/dev/null 2>"$work/demo.err" ||
  { cat "$work/demo.err" >&2; exit 1; }
echo "   $(grep -o 'demo books:.*' "$work/demo.err" || true)"
appeal=$("$bin" report --data "$data" | awk '$2 == "open" && $1 ~ /^A-/ { a = $1 } END { print a }')
[ -n "$appeal" ] || { echo "web_load: the demo books have no open appeal" >&2; exit 1; }

amanat_port=$(free_port)
"$bin" serve --data "$data" --org demo --listen "127.0.0.1:$amanat_port" --web "$work/dist" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 200); do
  curl -fsS -o /dev/null "http://127.0.0.1:$amanat_port/api/v1/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "web_load: amanat serve did not start" >&2; exit 1; }
  sleep 0.05
done
amanat_base="http://127.0.0.1:$amanat_port"

# ---- the same bytes under nginx's root ---------------------------------------------------------
html_path="/demo/appeals/$appeal"
api_path="/api/v1/orgs/demo/appeals/$appeal"
curl -fsS -H 'Accept-Encoding: gzip' "$amanat_base$html_path" | gzip -dc >"$work/page.html"
js_path=$(grep -o '<script[^>]*src="[^"]*"' "$work/page.html" | sed 's/.*src="\([^"]*\)"/\1/' | head -1)
css_path=$(grep -o '<link rel="stylesheet" href="[^"]*"' "$work/page.html" | sed 's/.*href="\([^"]*\)"/\1/' | head -1)
[ -n "$js_path" ] && [ -n "$css_path" ] || { echo "web_load: no script or stylesheet in the page's HTML" >&2; exit 1; }
names=(html js css figures)
paths=("$html_path" "$js_path" "$css_path" "$api_path")
# The other JavaScript a first visit loads before it can show the page: the chunks the web build
# lists in sizes.json as the public pages' initial JavaScript besides the entry.
extra=$(sed -n '/"public"/,/]/p' "$work/dist/sizes.json" 2>/dev/null | grep -o '"/assets/[^"]*\.js"' | tr -d '"' | grep -vxF "$js_path" || true)
k=0
for f in $extra; do k=$((k + 1)); names+=("chunk$k"); paths+=("$f"); done

mkdir -p "$root" "$work/nginx/tmp" "$work/fetch"
locations=""
header_bytes=()
for i in "${!paths[@]}"; do
  p=${paths[$i]} n=${names[$i]}
  curl -fsS -H 'Accept-Encoding: gzip' -D "$work/fetch/$n.head" -o "$work/fetch/$n.body" "$amanat_base$p"
  tr -d '\r' <"$work/fetch/$n.head" >"$work/fetch/$n.h"
  mkdir -p "$root$(dirname "$p")"
  type=$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$work/fetch/$n.h" | head -1)
  gz=0
  if grep -qi '^content-encoding: gzip' "$work/fetch/$n.h"; then
    gz=1
    cp "$work/fetch/$n.body" "$root$p.gz"
    gzip -dc "$work/fetch/$n.body" >"$root$p"
  else
    cp "$work/fetch/$n.body" "$root$p"
  fi
  # The headers amanat sends beyond those nginx makes itself.
  adds=""
  while IFS= read -r line; do
    name=${line%%:*} value=${line#*: }
    case "${name,,}" in
      ""|http/*|content-type|content-length|content-encoding|etag|vary|date|server|connection|keep-alive) continue ;;
    esac
    case "$value" in *'$'*|*'"'*|*'\'*) echo "web_load: cannot copy the header $line into nginx's configuration" >&2; exit 1 ;; esac
    adds+="        add_header $name \"$value\";"$'\n'
  done <"$work/fetch/$n.h"
  vary=""
  grep -qi '^vary: accept-encoding' "$work/fetch/$n.h" && vary="        gzip_vary on;"$'\n'
  locations+="    location = $p {"$'\n'"        types { }"$'\n'"        default_type \"$type\";"$'\n'"$vary$adds    }"$'\n'
  header_bytes[$i]=$(wc -c <"$work/fetch/$n.head")
  printf '   %-8s %-48s %s, %s bytes of body%s, %s bytes of headers from amanat\n' "$n" "$p" "$type" \
    "$(wc -c <"$work/fetch/$n.body")" "$([ "$gz" = 1 ] && echo ' (gzip)' || echo ' (not compressed)')" "${header_bytes[$i]}"
done

# nginx's workers run as nobody when started by root: they may pass through the scratch directory
# (not list it) and read the root.
chmod o+x "$work" "$work/nginx"
chmod -R o+rX "$root"
nginx_port=$(free_port)
while [ "$nginx_port" = "$amanat_port" ]; do nginx_port=$(free_port); done
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $nginx_workers;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    server_tokens off;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    gzip off;
    gzip_static on;
    server {
        listen 127.0.0.1:$nginx_port;
        root $root;
$locations        location / { return 404; }
    }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/stderr" &
nginx_pid=$!
for _ in $(seq 1 200); do
  curl -fsS -o /dev/null "http://127.0.0.1:$nginx_port$html_path" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/stderr" "$work/nginx/error.log" >&2 2>/dev/null; echo "web_load: nginx did not start" >&2; exit 1; }
  sleep 0.05
done
nginx_base="http://127.0.0.1:$nginx_port"
nginx_procs() { echo "$nginx_pid" $(pgrep -P "$nginx_pid" 2>/dev/null || true); }

for i in "${!paths[@]}"; do
  p=${paths[$i]} n=${names[$i]}
  curl -fsS -H 'Accept-Encoding: gzip' -D "$work/fetch/$n.nginx.head" -o "$work/fetch/$n.nginx.body" "$nginx_base$p"
  if cmp -s "$work/fetch/$n.body" "$work/fetch/$n.nginx.body"; then
    printf '   %-8s the same %s bytes of body from nginx; %s bytes of headers (amanat %s)\n' "$n" \
      "$(wc -c <"$work/fetch/$n.nginx.body")" "$(wc -c <"$work/fetch/$n.nginx.head")" "${header_bytes[$i]}"
  else
    fail "$n: nginx's body ($(wc -c <"$work/fetch/$n.nginx.body") bytes) is not amanat's ($(wc -c <"$work/fetch/$n.body") bytes)"
  fi
done
[ ${#failures[@]} = 0 ] || exit 1

# ---- the runs ----------------------------------------------------------------------------------
# run SERVER NAME PATHS: sets R_rps; prints the run's figures.
declare -A RPS P99
run_errors=0
run() {
  local srv=$1 name=$2 list=$3 base pids out="$work/wrk-$1-$2.txt"
  if [ "$srv" = amanat ]; then base=$amanat_base; else base=$nginx_base; fi
  # A short warm-up (not counted), then the run.
  WRK_PATHS=$list wrk -t2 -c"$connections" -d2s --timeout 5s -H 'Accept-Encoding: gzip' -s "$lua" "$base${list%%,*}" >/dev/null 2>&1 || true
  if [ "$srv" = amanat ]; then pids=$server_pid; else pids=$(nginx_procs); fi
  local busy0 cpu0 t0 busy1 cpu1 t1 timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%U %S' -o "$out.cpu")
  busy0=$(machine_busy) cpu0=$(procs_cpu $pids) t0=$(date +%s.%N)
  WRK_PATHS=$list "${timer[@]}" wrk -t2 -c"$connections" -d"${duration}s" --timeout 5s --latency \
    -H 'Accept-Encoding: gzip' -s "$lua" "$base${list%%,*}" >"$out" 2>&1 || fail "$srv $name: wrk exited with status $?"
  busy1=$(machine_busy) cpu1=$(procs_cpu $pids) t1=$(date +%s.%N)
  local line
  line=$(grep '^RESULT ' "$out" || true)
  if [ -z "$line" ]; then cat "$out"; fail "$srv $name: wrk printed no RESULT line"; RPS[$srv-$name]=0; return; fi
  field() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  RPS[$srv-$name]=$(field rps) P99[$srv-$name]=$(field p99_ms)
  local cpu bad errs
  cpu=$(awk -v b0="$busy0" -v b1="$busy1" -v s0="$cpu0" -v s1="$cpu1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
            -v w="$(tail -1 "$out.cpu" 2>/dev/null)" -v n="$(nproc)" -v r="$(field requests)" '
    BEGIN { secs = t1 - t0; srv = (s1 - s0) / hz / secs; all = (b1 - b0) / hz / secs
            split(w, wc, " "); wrk = (wc[1] + wc[2]) / secs; other = all - srv - wrk; if (other < 0) other = 0
            printf "server %.2f cores (%.0f us a request), wrk %.2f, the rest %.2f, of %d", srv, (r > 0) ? (s1 - s0) / hz * 1e6 / r : 0, wrk, other, n }')
  bad=$(field status)
  errs=$(($(field connect) + $(field read) + $(field write) + $(field timeout)))
  printf '   %-6s %-8s %9.0f requests/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   %5.1f MB/s   errors %s/%s   CPU: %s\n' \
    "$srv" "$name" "$(field rps)" "$(field p50_ms)" "$(field p99_ms)" "$(field max_ms)" \
    "$(awk -v b="$(field bytes)" -v s="$duration" 'BEGIN { print b / s / 1e6 }')" "$bad" "$errs" "$cpu"
  run_errors=$((run_errors + bad + errs))
  [ "$bad" = 0 ] || fail "$srv $name: $bad answers with a status of 400 or more"
  [ "$errs" = 0 ] || fail "$srv $name: $errs socket errors or timeouts (connect/read/write/timeout: $(field connect)/$(field read)/$(field write)/$(field timeout))"
}

# A first visit: the HTML, the stylesheet, every initial JavaScript file, the figures.
visit=$(IFS=,; echo "${paths[*]}")
runs=(html js css figures visit)
echo
echo "== runs (amanat, then nginx, URL by URL): load average $(loadavg)"
for name in "${runs[@]}"; do
  case $name in
    html) list=$html_path ;; js) list=$js_path ;; css) list=$css_path ;; figures) list=$api_path ;; visit) list=$visit ;;
  esac
  run amanat "$name" "$list"
  run nginx "$name" "$list"
done

# ---- figures -----------------------------------------------------------------------------------
echo
echo "== figures (wrk -t2 -c$connections -d${duration}s, Accept-Encoding: gzip; load average now $(loadavg))"
printf '%-8s %-52s %12s %12s %8s\n' "" "" "amanat r/s" "nginx r/s" "ratio"
declare -A RATIO
for name in "${runs[@]}"; do
  case $name in
    html) what="GET $html_path (HTML, gzip)" ;; js) what="GET $js_path (gzip)" ;;
    css) what="GET $css_path (gzip)" ;; figures) what="GET $api_path (JSON)" ;;
    visit) what="a first visit: all ${#paths[@]} in turn" ;;
  esac
  RATIO[$name]=$(awk -v a="${RPS[amanat-$name]}" -v b="${RPS[nginx-$name]}" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
  printf '%-8s %-52s %12.0f %12.0f %8s   p99 %s vs %s ms\n' "$name" "$what" "${RPS[amanat-$name]}" "${RPS[nginx-$name]}" \
    "${RATIO[$name]}" "${P99[amanat-$name]}" "${P99[nginx-$name]}"
done
for name in "${runs[@]}"; do echo "RATIO amanat/nginx $name = ${RATIO[$name]}"; done
met() { awk -v r="$1" 'BEGIN { print (r >= 0.5) ? "MET" : "NOT MET" }'; }
echo "TARGET the appeal's page (HTML) at >= 0.5 of nginx's requests/s with $connections connections: $(met "${RATIO[html]}") (${RATIO[html]})"
echo "TARGET its figures (the JSON) at >= 0.5 of nginx's: $(met "${RATIO[figures]}") (${RATIO[figures]})"
echo "TARGET a first visit's ${#paths[@]} requests (HTML, CSS, initial JS, JSON in turn) at >= 0.5 of nginx's: $(met "${RATIO[visit]}") (${RATIO[visit]})"
echo "TARGET zero errors (status >= 400, socket errors, timeouts over 5 s) in every run: $([ "$run_errors" = 0 ] && echo MET || echo "NOT MET ($run_errors)")"
grep -v '^http ' "$work/serve.log" | grep -v '^amanat: serving\|^amanat: the API\|^amanat: the web app' | head -5 | sed 's/^/   server: /' || true

echo
echo "== done: load average $(loadavg)"
if [ ${#failures[@]} -gt 0 ]; then
  echo "web_load: ${#failures[@]} check(s) failed:"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
echo "web_load: zero errors; every check passed"
