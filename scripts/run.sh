#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds amanat and starts it on its
# embedded default — SQLite in a data directory (./data, or $AMANAT_DATA) with demo books
# (invented people only: appeals, donations, expenses, transfers, all on the log), a demo case
# desk at the background's scale (35,000 consultations, 2,550 survivors' cases, 207 to trial),
# demo staff in every desk and books role, and a vault — serving the web app on http://127.0.0.1:8080/demo/, the
# JSON API on /api/v1 and the organisation's log on /log/demo/ (or $AMANAT_LISTEN). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
scripts/build.sh web
data=${AMANAT_DATA:-./data}
listen=${AMANAT_LISTEN:-127.0.0.1:8080}
bin=build/release/amanat
if [ ! -e "$data/amanat.db" ]; then
  echo "run: creating $data with demo books (${AMANAT_DEMO_DONATIONS:-20000} donations)" >&2
  vkey=$("$bin" demo --data "$data" --origin "${AMANAT_ORIGIN:-demo.amanat.localhost/log}" \
           --donations "${AMANAT_DEMO_DONATIONS:-20000}")
  echo "$vkey" > "$data/verifier.key"
  "$bin" report --data "$data" --publish > /dev/null
  # Demo staff and a demo vault. Their secrets sit in files of the data directory because this is
  # a demo with invented people: a real organisation never keeps them on the server's disk.
  umask 077
  for who in accountant director; do
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$data/demo-$who.password"
    AMANAT_PASSWORD=$(cat "$data/demo-$who.password") "$bin" user add --data "$data" --name "demo-$who" --role "$who"
  done
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$data/demo-vault.passphrase"
  AMANAT_VAULT_PASSPHRASE=$(cat "$data/demo-vault.passphrase") "$bin" vault init --data "$data"
elif [ -f "$data/books.key" ] && [ -f "$data/vault.json" ] && [ -f "$data/demo-vault.passphrase" ]; then
  # A demo directory made before the vault held the books key: move the key in.
  AMANAT_VAULT_PASSPHRASE=$(cat "$data/demo-vault.passphrase") "$bin" vault init --data "$data"
fi
# The demo desk (also added to a demo directory made before the desk existed): its staff, then
# its records.
if [ -f "$data/demo-vault.passphrase" ] && [ ! -f "$data/demo-desk.done" ]; then
  umask 077
  for pair in hotline:hotline_operator caseworker:case_worker lawyer:lawyer; do
    who=${pair%%:*} role=${pair#*:}
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$data/demo-$who.password"
    AMANAT_PASSWORD=$(cat "$data/demo-$who.password") "$bin" user add --data "$data" --name "demo-$who" --role "$role"
  done
  AMANAT_VAULT_PASSPHRASE=$(cat "$data/demo-vault.passphrase") "$bin" desk demo --data "$data" \
    --consultations "${AMANAT_DEMO_CONSULTATIONS:-35000}"
  touch "$data/demo-desk.done"
fi
"$bin" report --data "$data" >&2
echo "run: the log's verifier key is in $data/verifier.key:" >&2
cat "$data/verifier.key" >&2
echo "run: open http://$listen/demo/ in a browser (the public site: appeals, figures, verify a donation)" >&2
echo "run: staff: http://$listen/staff/demo/ as demo-accountant, password in $data/demo-accountant.password" >&2
echo "run:        (demo-director sets up an authenticator app at the first login)" >&2
echo "run: case desk: demo-hotline, demo-caseworker, demo-lawyer (passwords in $data/demo-*.password)" >&2
echo "run: try: $bin audit --log http://$listen/log/demo/ --vkey \"\$(cat $data/verifier.key)\"" >&2
echo "run:  or: curl http://$listen/api/v1/orgs/demo/statistics" >&2
echo "run:  log in: curl -XPOST http://$listen/api/v1/orgs/demo/session -H 'content-type: application/json' \\" >&2
echo "run:        -d '{\"name\":\"demo-accountant\",\"password\":\"'\$(cat $data/demo-accountant.password)'\"}'" >&2
echo "run: the API is described at http://$listen/api/v1/openapi.json" >&2
unseal=()
if [ -f "$data/demo-vault.passphrase" ]; then unseal=(--unseal-passphrase-file "$data/demo-vault.passphrase"); fi
exec "$bin" serve --data "$data" --org demo --listen "$listen" "${unseal[@]}"
