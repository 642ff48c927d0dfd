#!/usr/bin/env bash
# The server the browser tests run against (playwright.config.ts starts it): a fresh data
# directory under web/.test-data with demo books (invented people only), one donation booked
# with a known receipt code (written to receipt.txt for the tests), a published report, staff
# of several roles (their passphrases in NAME.password, their user ids in NAME.id), a vault
# (unsealed at start) and a small case desk (`amanat desk demo`), then `amanat serve` with web/dist.
# Usage: tests/serve.sh PORT. The amanat binary: $AMANAT_BIN, else ../build/{test,release,asan}/amanat.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18080}
bin=${AMANAT_BIN:-}
if [ -z "$bin" ]; then
  for f in test release asan; do
    if [ -x "../build/$f/amanat" ]; then bin=../build/$f/amanat; break; fi
  done
fi
[ -x "$bin" ] || { echo "serve.sh: no amanat binary; build it first (scripts/build.sh test)" >&2; exit 1; }
data=.test-data/books
rm -rf .test-data
mkdir -p .test-data
"$bin" demo --data "$data" --donations 400 --seed 7 > .test-data/verifier.key 2>/dev/null
# A donation today to the newest open appeal, whose receipt code the verify tests type.
appeal=$("$bin" report --data "$data" 2>/dev/null | awk '$2 == "open" && $1 ~ /^A-/ {a=$1} END {print a}')
"$bin" donation add --data "$data" --amount 12345.67 --appeal "$appeal" --channel card 2>/dev/null \
  | awk '/^receipt code:/ {print $3}' > .test-data/receipt.txt
echo "$appeal" > .test-data/appeal.txt
"$bin" report --data "$data" --publish > /dev/null 2>&1
# Staff, each with an invented passphrase in .test-data/NAME.password (the director enrols TOTP in
# the browser at first login).
umask 077
add_user() {  # NAME ROLE PASSPHRASE
  echo "$3" > ".test-data/$1.password"
  AMANAT_PASSWORD=$3 "$bin" user add --data "$data" --name "$1" --role "$2" > /dev/null
}
add_user e2e-accountant accountant "maple quartz harbour lantern 4417"
add_user e2e-accountant-2 accountant "violet canyon ferry thimble 2290"
add_user e2e-director director "copper meadow signal walrus 7731"
add_user e2e-hotline hotline_operator "amber tundra pocket violin 5502"
add_user e2e-director-2 director "saffron pebble orbit glacier 6143"
add_user e2e-admin admin "juniper velvet compass harbor 3862"
add_user e2e-books-director director "thistle beacon marble otter 5186"  # staff-books.spec.ts: transfers
# The case desk's staff (desk.spec.ts).
add_user e2e-caseworker case_worker "willow garnet runway tulip 3318"
add_user e2e-lawyer lawyer "harbor pistachio lilac engine 8054"
add_user e2e-lawyer-2 lawyer "meadow cobalt falcon ribbon 1297"
# Communications: posts and their changes (publications.spec.ts).
add_user e2e-comms communications "orchard pylon sable kettle 4826"
add_user e2e-docket-director director "gravel sonnet puffin marigold 3075"  # the docket
cp .test-data/e2e-accountant.password .test-data/accountant.password
"$bin" user list --data "$data" | awk 'NR > 1 {print $1 > (".test-data/" $2 ".id")}'
# A vault (survivors' identities are sealed in it), unsealed when the server starts, and a small
# desk of invented consultations and cases.
echo "lantern quiver saddle mosaic 6620" > .test-data/vault.passphrase
AMANAT_VAULT_PASSPHRASE=$(cat .test-data/vault.passphrase) "$bin" vault init --data "$data" > /dev/null 2>&1
AMANAT_VAULT_PASSPHRASE=$(cat .test-data/vault.passphrase) "$bin" desk demo --data "$data" --consultations 400 \
  --survivors 40 --to-trial 12 --convicted 14 > /dev/null 2> .test-data/desk-demo.log \
  || echo "serve.sh: desk demo failed ($(tail -1 .test-data/desk-demo.log)); the desk tests make their own records" >&2
exec "$bin" serve --data "$data" --org demo --listen "127.0.0.1:$port" --web dist \
  --unseal-passphrase-file .test-data/vault.passphrase
