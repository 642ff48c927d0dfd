#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds amanat and starts it on its
# embedded default — SQLite in a data directory (./data, or $AMANAT_DATA) with demo data —
# serving the organisation's log on http://127.0.0.1:8080 (or $AMANAT_LISTEN). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
data=${AMANAT_DATA:-./data}
listen=${AMANAT_LISTEN:-127.0.0.1:8080}
bin=build/release/amanat
if [ ! -e "$data/amanat.db" ]; then
  echo "run: creating $data with a demo log" >&2
  vkey=$("$bin" init --data "$data" --origin "${AMANAT_ORIGIN:-demo.amanat.localhost/log}")
  echo "$vkey" > "$data/verifier.key"
  "$bin" log append --data "$data" demo/log-entries.txt > /dev/null
fi
echo "run: the log's verifier key is in $data/verifier.key:" >&2
cat "$data/verifier.key" >&2
echo "run: try: $bin log verify --log http://$listen --vkey \"\$(cat $data/verifier.key)\"" >&2
exec "$bin" log serve --data "$data" --listen "$listen"
