#!/usr/bin/env bash
# `make bench`: benchmark figures against emulators of its own; they are
# kept in target/bench for `make cost`.
set -euo pipefail
cd "$(dirname "$0")/.."
./infra/setup.sh
. infra/defaults.sh
unset "${!AWS_ENDPOINT_URL_@}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PARLEY_STATE=$(mktemp -d)
export PARLEY_STATE PARLEY_DYNAMODB_DATA=memory DYNAMODB_PORT=$(free_port) MOTO_PORT=$(free_port)
trap './infra/emulators.sh stop; rm -rf "$PARLEY_STATE"' EXIT
endpoints=$(./infra/emulators.sh start)
eval "$endpoints"
export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3
# Each function's release binary (this machine's architecture, the deploy
# profile) and the do-nothing floor, run the way Lambda runs them: cold
# start, peak RSS, size, and webhook-inbound's CPU per message beside the
# floor's and a Python boto3 handler's, in one run.
CARGO_TARGET_DIR=target/bench cargo build --release --quiet \
  $(sed -n 's/^ *Binary: *//p' template.yaml | sed 's/^/--bin /') --bin lambda-floor
# The same functions as Lambda runs them, arm64 (cargo lambda, zig from
# .venv), for their sizes: the size target is for these.
PATH="$PWD/.venv/bin:$PATH" CARGO_TARGET_DIR=target/bench cargo lambda build --release --arm64 --quiet \
  $(sed -n 's/^ *Binary: *//p' template.yaml | sed 's/^/--bin /')
.venv/bin/python infra/bench/lambda_bench.py
RUST_LOG=error cargo bench -p parley-e2e --bench figures -- inbound outbound imports campaigns
# Webhook-to-playable times are dominated by the local polls, not by code speed.
RUST_LOG=error cargo bench -p parley-e2e --bench figures --profile dev -- media
