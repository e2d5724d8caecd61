#!/usr/bin/env bash
# `make test`: every check CI runs. Lints, unit tests, emulator integration
# and end-to-end tests (cargo nextest), the web app's build and API types,
# browser tests (headless chromium),
# then the deployment checks (cfn-lint, sam validate --lint, checkov, sam build).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=infra/defaults.sh
. infra/defaults.sh

# Each step says when it began, so a CI log shows where the time goes.
step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%T)"; }

# Setup mostly waits on the network and the build needs none of what it
# installs, so the two overlap; setup's output follows the build's.
setup_log=$(mktemp)
./infra/setup.sh --browser >"$setup_log" 2>&1 & setup_pid=$!

# A run from a clean checkout gains nothing from incremental compilation's
# caches, which took 2 GB of the 7.5 GB the build left behind; a CI run once
# failed when the disk filled mid-link. (Cargo does not rebuild for this.)
export CARGO_INCREMENTAL=0

step "format"
cargo fmt --all -- --check

# One build of every binary, test and bench, with the features the whole
# workspace needs, and clippy's lints in the same pass: clippy-driver is
# rustc with the lints added, so running it as the workspace crates'
# compiler checks them while they compile (`cargo clippy` would first type
# check every dependency a second time, for metadata only). Every later
# cargo run keeps the same wrapper, or it would rebuild the workspace.
# Building a package on its own (`-p`, or `cargo run -p parley-api` for
# the API types) resolves its dependencies' features differently, and
# cargo would compile a hundred of them a second time.
RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
step "build, with clippy's lints"
cargo build --quiet --workspace --all-targets
step "setup"
setup_status=0
wait "$setup_pid" || setup_status=$?
cat "$setup_log"; rm -f "$setup_log"
[ "$setup_status" = 0 ] || exit "$setup_status"

# What the deployment checks prove is that every function cross-compiles
# for arm64 and that sam finds, builds and packages each one the template
# names. The optimised release profile (opt-level s, fat LTO, one codegen
# unit) would spend about eight minutes of this machine's two cores proving
# nothing more, so the check overrides it with a quick one; `make sam-build`
# and deploys keep the real profile and the small binaries the README quotes.
# clippy's wrapper is left out: the build above linted the same code.
deploy_env=(-u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS PATH="$PWD/.venv/bin:$PATH"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
  CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_DEBUG=false)
functions=$(sed -n 's/^ *Binary: *//p' template.yaml)
# sam build runs one `cargo lambda build --bin <function>` per function, one
# after another; building them all in one cargo run shares the work across
# both cores, and sam then finds each binary fresh. The flags match sam's.
# It needs setup's cargo-lambda and zig, and nothing after it needs it
# until the end, so it starts now and runs beside the Rust tests at the
# lowest priority: it takes whatever CPU they leave, never theirs; the
# browser tests wait for it to end.
cross_log=$(mktemp)
# shellcheck disable=SC2086
nice -n 19 env "${deploy_env[@]}" cargo lambda build --release --arm64 $(printf -- '--bin %s ' $functions) >"$cross_log" 2>&1 &
cross_pid=$!
cleanup() {
  # A red step ends the run: the cross-build beside it is not waited for.
  kill "$cross_pid" 2>/dev/null || true
  # Only the test's own emulators: never a `make dev` stack in this checkout.
  if [ -n "${PARLEY_STATE:-}" ]; then
    ./infra/emulators.sh stop
    rm -rf "$PARLEY_STATE"
  fi
}
trap cleanup EXIT

npm run --silent lint

# The UI is built before the Rust tests: they check that the runner serves it.
step "web app: build (with the first-load budget)"
npm run --silent build

step "API types drift"
PARLEY_OPENAPI_BIN=target/debug/openapi npm run --silent api-types:check

# Tests always run against emulators of their own, on free ports, in memory:
# never against whatever endpoint the shell happens to point at.
unset "${!AWS_ENDPOINT_URL_@}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PARLEY_STATE=$(mktemp -d)
export PARLEY_STATE PARLEY_DYNAMODB_DATA=memory DYNAMODB_PORT=$(free_port) MOTO_PORT=$(free_port)
step "emulators"
endpoints=$(./infra/emulators.sh start)
eval "$endpoints"
export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_SECRETS_MANAGER
echo "DynamoDB Local $AWS_ENDPOINT_URL_DYNAMODB, moto $AWS_ENDPOINT_URL_SQS"

step "unit, integration and end-to-end tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

# The browser tests wait on a UI answering in time: they run on a quiet
# machine, after the cross-build (which the four API functions made longer).
cross_status=0
wait "$cross_pid" || cross_status=$?

step "browser tests (headless chromium)"
# Fresh emulators: a clean slate for the browser tests (DynamoDB Local keeps
# the integration tests' stream records for 24 hours, moto their queues).
./infra/emulators.sh stop
unset "${!AWS_ENDPOINT_URL_@}"
DYNAMODB_PORT=$(free_port) MOTO_PORT=$(free_port)
eval "$(./infra/emulators.sh start)"
export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_SECRETS_MANAGER


# Each file runs its own stack (runner, simulator, table, browser) and most of
# a browser test is waiting, so four files run at once. A file that has not
# finished in ten minutes fails (node:test's timeout is per file here; the
# slowest takes about two), and one whose tests have ended exits even if a
# handle lingers: a stuck file fails the run instead of stalling it.
# A file with a failing test runs once more, alone, and the run passes only
# if it passes then; it is named as FLAKY, the place to look for a race
# (as nextest's retry of an end-to-end test is). Many failing files are a
# breakage, not a flake: they are not run again.
browser_tests() {
  node --test --test-timeout=600000 --test-force-exit \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=./tests/browser/failed_files.mjs --test-reporter-destination="$failed_files" "$@"
}
failed_files=$(mktemp)
browser_status=0
browser_tests --test-concurrency=4 tests/browser/ || browser_status=$?
mapfile -t failed < "$failed_files"
if [ "$browser_status" != 0 ] && [ "${#failed[@]}" -ge 1 ] && [ "${#failed[@]}" -le 2 ]; then
  echo "browser tests: running ${failed[*]} once more" >&2
  browser_status=0
  browser_tests --test-concurrency=1 "${failed[@]}" || browser_status=$?
  if [ "$browser_status" = 0 ]; then echo "FLAKY (failed, then passed alone): ${failed[*]}" >&2; fi
fi
rm -f "$failed_files"

step "deployment checks"
cat "$cross_log"; rm -f "$cross_log"
[ "$browser_status" = 0 ] || exit "$browser_status"
[ "$cross_status" = 0 ] || { echo "deployment checks: the arm64 cross-build failed" >&2; exit "$cross_status"; }
.venv/bin/cfn-lint template.yaml
env "${deploy_env[@]}" SAM_CLI_TELEMETRY=0 sam validate --lint --region us-east-1
# Every checkov finding is fixed or skipped in the template with its reason
# (the resource's Metadata.checkov.skip); a new one fails the run.
.venv-checkov/bin/checkov -f template.yaml --framework cloudformation --quiet --compact --skip-download
env "${deploy_env[@]}" SAM_CLI_BETA_RUST_CARGO_LAMBDA=1 SAM_CLI_TELEMETRY=0 sam build --beta-features
# Each function the template names is packaged as an executable arm64 ELF
# (e_machine 0xb7 at byte 18).
packaged=0
for bootstrap in .aws-sam/build/*/bootstrap; do
  machine=$(od -An -tx1 -j18 -N2 "$bootstrap" | tr -d ' \n')
  [ -x "$bootstrap" ] && [ "$machine" = b700 ] \
    || { echo "deployment checks: $bootstrap is not an executable arm64 binary" >&2; exit 1; }
  packaged=$((packaged + 1))
done
expected=$(echo "$functions" | wc -w)
[ "$packaged" = "$expected" ] || { echo "deployment checks: $packaged of $expected functions packaged" >&2; exit 1; }
echo "sam build packaged all $packaged functions as arm64 binaries"
# The quote fonts' layer holds every file api-quotes reads from /opt/fonts.
for font in shared/fonts/*.ttf; do
  [ -f ".aws-sam/build/QuoteFontsLayer/fonts/$(basename "$font")" ] \
    || { echo "deployment checks: the fonts layer lacks $(basename "$font")" >&2; exit 1; }
done
