#!/usr/bin/env bash
# The layers of docs/architecture.md, checked on the sources (a ctest, so CI runs it):
#  - src/api/ (routes only) includes nothing of src/store/: it speaks to the domain modules'
#    interfaces, and the server wires the stores in (its tests may open stores);
#  - only src/store/ names the SQLite classes (store/sqlite/): everything else opens an
#    organisation's stores through store/org.h (the backup, which copies the SQLite file
#    itself, and tests are the exceptions);
#  - the domain modules (core, tlog, books, accounts, identity, auth, crypto, desk) include no storage,
#    HTTP, API or CLI header (books/testing.h, test support, may open stores).
# Prints every violation with its file and line; exit status 1 if there is one.
set -uo pipefail
src=${1:-$(dirname "$0")/../../src}
cd "$src" || exit 2
status=0
violation() { echo "layering: $1: $2"; status=1; }

check() {  # check DESCRIPTION PATTERN FILES...
  local what=$1 pattern=$2
  shift 2
  while IFS= read -r hit; do
    [ -n "$hit" ] && violation "$hit" "$what"
  done < <(grep -Hn -E "^#include \"($pattern)" "$@" 2>/dev/null)
}

api=$(find api \( -name '*.cc' -o -name '*.h' \) | grep -v '_test\.cc$')
check "src/api/ includes no store header" "store/" $api

not_store=$(find . -path ./store -prune -o \( -name '*.cc' -o -name '*.h' \) -print | grep -v '_test\.cc$' |
            grep -v '^\./backup/')
check "only src/store/ (and the backup) names the SQLite store" "store/sqlite/" $not_store

domain=$(find core tlog books accounts identity auth crypto desk \( -name '*.cc' -o -name '*.h' \) |
         grep -v '_test\.cc$' | grep -v '^books/testing\.h$')
check "a domain module includes no storage, HTTP, API or CLI header" "store/sqlite/|store/org|http/|api/|cli/" $domain

[ $status -eq 0 ] && echo "layering: OK"
exit $status
