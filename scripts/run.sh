#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds amanat and starts it on its
# embedded default — SQLite in a data directory (./data, or $AMANAT_DATA) with demo books
# (invented people only: appeals, donations, expenses, transfers, all on the log) — serving the
# organisation's log on http://127.0.0.1:8080 (or $AMANAT_LISTEN). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
data=${AMANAT_DATA:-./data}
listen=${AMANAT_LISTEN:-127.0.0.1:8080}
bin=build/release/amanat
if [ ! -e "$data/amanat.db" ]; then
  echo "run: creating $data with demo books (${AMANAT_DEMO_DONATIONS:-20000} donations)" >&2
  vkey=$("$bin" demo --data "$data" --origin "${AMANAT_ORIGIN:-demo.amanat.localhost/log}" \
           --donations "${AMANAT_DEMO_DONATIONS:-20000}")
  echo "$vkey" > "$data/verifier.key"
  "$bin" report --data "$data" --publish > /dev/null
fi
"$bin" report --data "$data" >&2
echo "run: the log's verifier key is in $data/verifier.key:" >&2
cat "$data/verifier.key" >&2
echo "run: try: $bin log verify --log http://$listen --vkey \"\$(cat $data/verifier.key)\"" >&2
echo "run:  or: $bin audit --log http://$listen --vkey \"\$(cat $data/verifier.key)\"" >&2
exec "$bin" log serve --data "$data" --listen "$listen"
