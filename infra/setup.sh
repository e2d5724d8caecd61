#!/usr/bin/env bash
# Installs what the local stack and the tests need, project-locally and pinned:
# .venv (moto, aws-sam-cli, cfn-lint, cargo-lambda, ziglang), .venv-checkov and node_modules
# (DynamoDB Local's jar, playwright-core, the web app's toolchain). With --browser, also Debian's
# chromium for the browser tests. Re-running is cheap: stamps skip done work.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is required ($2)" >&2; exit 1; }; }
need cargo "Rust toolchain"
need python3 "Python 3.11+"
need npm "Node.js 20+"
need java "Java 17+, for DynamoDB Local"

python_tools() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if ! cmp -s infra/requirements.txt .venv/.installed 2>/dev/null; then
    echo "setup: installing Python tools into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
    cp infra/requirements.txt .venv/.installed
  fi
}

# checkov pins versions of boto3 and friends that aws-sam-cli and moto
# cannot share, so it has a venv of its own.
checkov_tool() {
  if [ ! -x .venv-checkov/bin/python ]; then
    python3 -m venv .venv-checkov
  fi
  if ! cmp -s infra/requirements-checkov.txt .venv-checkov/.installed 2>/dev/null; then
    echo "setup: installing checkov into .venv-checkov"
    .venv-checkov/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-checkov.txt
    cp infra/requirements-checkov.txt .venv-checkov/.installed
  fi
}

node_tools() {
  if ! cmp -s package-lock.json node_modules/.parley-installed 2>/dev/null; then
    echo "setup: installing node_modules"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.parley-installed
  fi
}

# Noto has Devanagari: without it the screenshots show Hindi as empty boxes.
# pdftotext (poppler-utils) reads the quotation PDFs back in the parley tests.
browser() {
  if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
    || ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium, fonts-noto-core and poppler-utils for the browser and PDF tests"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core poppler-utils >/dev/null
  fi
}

# The three installs wait on the network more than on the machine, so they
# run side by side; any one failing fails setup.
python_tools & python_pid=$!
checkov_tool & checkov_pid=$!
node_tools & node_pid=$!
browser_pid=""
if [ "${1:-}" = "--browser" ]; then browser & browser_pid=$!; fi
failed=0
for pid in $python_pid $checkov_pid $node_pid $browser_pid; do
  wait "$pid" || failed=1
done
[ "$failed" = 0 ] || { echo "setup: an install failed (see above)" >&2; exit 1; }
