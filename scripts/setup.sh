#!/usr/bin/env bash
# Installs what amanat needs to build, run and test on Debian 12, and nothing that is already there.
# Safe to run again. Needs root (or sudo) only when something is missing.
#   scripts/setup.sh            what building and running need (C++ packages, Node.js and npm)
#   scripts/setup.sh --browser  and Debian's Chromium, which the browser tests drive
set -euo pipefail
browser=0
[ "${1:-}" = "--browser" ] && browser=1

packages=(
  build-essential cmake pkg-config ninja-build
  libsodium-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libboost-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libexpat1-dev libsimdjson-dev
  # zlib: public JSON answers kept gzipped (src/api/answer_cache.h)
  zlib1g-dev
  clang libclang-rt-14-dev curl sqlite3
  # the accounting tools the export tests compare amanat's balances with
  ledger hledger beancount
  # GNU time: the benchmarks read their children's peak memory through it
  time
  # wrk: the HTTP load benchmark of amanat serve (bench/api_load.sh)
  wrk
  afl++
  # John the Ripper's common-password list (/usr/share/john/password.lst) and the zxcvbn strength
  # estimator for auth's password policy
  john-data libzxcvbn-dev
  # JSON Schema 2020-12 validator for the OpenAPI conformance test (tests/openapi/)
  python3-jsonschema
  # the desk's chronology report as PDF: pango + cairo, a font with Cyrillic and Kazakh letters,
  # and poppler's pdftotext/pdfinfo, which its tests read the PDF back with
  libpango1.0-dev libcairo2-dev libfontconfig-dev fonts-dejavu-core poppler-utils
)

# The web app is built with the machine's Node.js (18 from Debian 12 is enough) and npm. A Node
# installed some other way (e.g. NodeSource, which bundles npm) is used as it is.
if ! command -v node > /dev/null; then packages+=(nodejs); fi
if ! command -v npm > /dev/null; then packages+=(npm); fi
# The browser tests' Chromium: Debian's own, never one Playwright downloads.
if [ "$browser" = 1 ]; then packages+=(chromium fonts-dejavu-core); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
