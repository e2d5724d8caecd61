#!/usr/bin/env bash
# `make deploy` and `make destroy`: Parley in (and out of) your AWS account.
#
#   make deploy                      build, deploy the stack, put the UI in place, print the URLs
#   make deploy ROTATE=WhatsAppAccessToken   the same, asking for that secret's new value
#   make destroy                     remove the stack; the data stays (table, files, contact-id key)
#   make destroy DELETE_DATA=<stack> then delete the data too (the stack's name, typed out)
#   DRY_RUN=1 make deploy|destroy    print the commands instead of running them
#
# The first deploy runs `sam deploy --guided`: it asks for the region, the
# settings and the secrets and keeps the answers in samconfig.toml, except
# the secrets (NoEcho parameters), which CloudFormation keeps and reuses on
# every later deploy. A deploy with nothing changed changes nothing: sam
# finds an empty change set, and the UI is uploaded (and CloudFront's cache
# invalidated) only when its files changed.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=${STACK:-parley}
DRY_RUN=${DRY_RUN:-}
export PATH="$PWD/.venv/bin:$PATH" SAM_CLI_TELEMETRY=0 SAM_CLI_BETA_RUST_CARGO_LAMBDA=1

run() {
  if [ -n "$DRY_RUN" ]; then
    printf '+ %s\n' "$*"
  else
    "$@"
  fi
}

# The stack's name and region as the first deploy recorded them.
configured() {
  sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" samconfig.toml 2>/dev/null | head -n1
}

deploy() {
  [ -x .venv/bin/sam ] || run ./infra/setup.sh
  # The real release profile (LTO, size-optimised, stripped): what the README's sizes are.
  run npm run --silent build
  run sam build --beta-features
  if [ ! -f samconfig.toml ]; then
    echo "First deploy: sam asks for the region, your settings and Meta's secrets (see the README's runbook)."
    run sam deploy --guided --stack-name "$STACK" --capabilities CAPABILITY_IAM --resolve-s3
  else
    STACK=$(configured stack_name || true); STACK=${STACK:-parley}
    local overrides=()
    if [ -n "${ROTATE:-}" ]; then
      local value
      if [ -n "$DRY_RUN" ]; then value='<new value>'; else read -r -s -p "New value of $ROTATE: " value; echo; fi
      overrides=(--parameter-overrides "$ROTATE=$value")
    fi
    run sam deploy --no-fail-on-empty-changeset "${overrides[@]}"
  fi
  run python infra/deploy_web.py --stack "${STACK}"
}

destroy() {
  STACK=$(configured stack_name || true); STACK=${STACK:-parley}
  if [ -n "${DELETE_DATA:-}" ] && [ "$DELETE_DATA" != "$STACK" ]; then
    echo "DELETE_DATA must be the stack's name ($STACK): nothing was deleted." >&2
    exit 2
  fi
  local kept=".parley/kept-$STACK.json"
  # What the stack keeps when it goes, written down while it can still be
  # asked (a second run, after the stack is gone, reads it from there).
  if [ -n "$DRY_RUN" ] || [ ! -f "$kept" ]; then
    run python infra/stack_data.py --stack "$STACK" --kept "$kept" remember
  fi
  if run python infra/stack_data.py --stack "$STACK" --kept "$kept" stack-exists; then
    # CloudFormation cannot delete a bucket with files in it: the UI and the
    # exports (which expire in 7 days anyway) go first.
    run python infra/stack_data.py --stack "$STACK" --kept "$kept" empty
    run sam delete --stack-name "$STACK" --no-prompts
  fi
  if [ -z "${DELETE_DATA:-}" ]; then
    echo
    printf '%s\n' "The stack is gone. Kept, because they hold your customers' data and cannot be" \
      "remade: the DynamoDB table, the media bucket and the contact-id key (without it," \
      "the table's contact ids cannot be matched to customers again); their names are" \
      "in $kept. To delete them too, run:" "" "  make destroy DELETE_DATA=$STACK"
    return
  fi
  run python infra/stack_data.py --stack "$STACK" --kept "$kept" delete-kept
}

case "${1:-}" in
  deploy) deploy ;;
  destroy) destroy ;;
  *) echo "usage: $0 deploy|destroy" >&2; exit 2 ;;
esac
