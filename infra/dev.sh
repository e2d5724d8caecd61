#!/usr/bin/env bash
# `make dev`: the whole product on this machine, no AWS or Meta account.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
./infra/setup.sh
# shellcheck source=infra/defaults.sh
. infra/defaults.sh
cargo build --quiet -p parley-local -p parley-simulator
# The UI the runner serves (web/dist); `npm run watch` in another shell rebuilds it on every change.
npm run --silent build >/dev/null

# Background jobs of a script ignore Ctrl-C, so the trap stops each one; it
# must not stop at the first that has already exited.
cleanup() {
  set +e
  trap - EXIT INT TERM
  [ -n "${runner:-}" ] && kill "$runner" 2>/dev/null
  [ -n "${simulator:-}" ] && kill "$simulator" 2>/dev/null
  ./infra/emulators.sh stop
  exit 0
}
trap cleanup EXIT INT TERM
endpoints=$(./infra/emulators.sh start)
eval "$endpoints"
export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_SECRETS_MANAGER

cat <<BANNER

  Parley is starting on http://127.0.0.1:${PARLEY_PORT}
    sign in        ${PARLEY_ADMIN_EMAIL} / ${PARLEY_ADMIN_PASSWORD}
    play customer  make customer SAYS="Hi, do you deliver today?"
    dev secrets    WHATSAPP_APP_SECRET=${WHATSAPP_APP_SECRET}
                   WHATSAPP_VERIFY_TOKEN=${WHATSAPP_VERIFY_TOKEN}
    Cloud API sim  ${WHATSAPP_API_BASE} (sends, templates, status webhooks)
    DynamoDB       ${AWS_ENDPOINT_URL_DYNAMODB}
    SQS / S3       ${AWS_ENDPOINT_URL_SQS} / ${AWS_ENDPOINT_URL_S3}
  Ctrl-C stops everything.

BANNER
target/debug/parley-simulator serve &
simulator=$!
target/debug/parley-local &
runner=$!
wait "$runner"
