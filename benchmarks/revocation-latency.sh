#!/usr/bin/env bash
# Revocation propagation: two example-app instances (A and B) on one private redis-server with the
# same JWT_SECRET; sessions revoked on A (logout, DELETE /sessions/{id}, logout-all) while B is
# polled with their tokens. Prints p50/p99/max from A's answer to B's first 401, per kind.
#
#   benchmarks/revocation-latency.sh [--trials 200] [--warmup-trials 30] [--poll-path /api/v1/auth/me]
#       [--port-a P] [--port-b P] [--env VAR=VALUE]... [--csv FILE] [--no-build]
#
# --env goes to both instances (e.g. --env SESSION_NEAR_CACHE=true).
#
# B is polled on /api/v1/auth/me, the plainest authenticated request: the example app keeps its
# accounts in Redis, so a user registered on A is known to B. --poll-path /api/v1/auth/sessions
# polls the device list instead (the default of earlier runs, when accounts were per instance).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

TRIALS=200
WARMUP_TRIALS=30
POLL_PATH=/api/v1/auth/me
PORT_A=
PORT_B=
EXTRA_ENV=()
CSV=
BUILD=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials) TRIALS=$2; shift 2 ;;
    --warmup-trials) WARMUP_TRIALS=$2; shift 2 ;;
    --poll-path) POLL_PATH=$2; shift 2 ;;
    --port-a) PORT_A=$2; shift 2 ;;
    --port-b) PORT_B=$2; shift 2 ;;
    --env) EXTRA_ENV+=("$2"); shift 2 ;;
    --csv) CSV=$(realpath -m "$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sessionkit-revocation.XXXXXX")
install_cleanup

if [[ $BUILD == 1 ]]; then
  echo "building the example app..." >&2
  ./mvnw -B -q -pl session-example-app -am package -DskipTests
fi
JAR=$(ls session-example-app/target/sessionkit-example-app-*.jar | grep -v original | head -n 1)

start_redis "$WORK/redis"
[[ -n $PORT_A ]] || PORT_A=$(free_port)
[[ -n $PORT_B ]] || PORT_B=$(free_port)
common=("REDIS_URL=redis://127.0.0.1:$REDIS_PORT" "JWT_SECRET=revocation-benchmark-secret-0123456789-abcdef"
  "COOKIE_SECURE=false" "LOGIN_MAX_ATTEMPTS=1000000" "${EXTRA_ENV[@]}")
start_java "$WORK/app-a.log" "${common[@]}" "SERVER_PORT=$PORT_A" -- -jar "$JAR"
PID_A=$JAVA_PID
start_java "$WORK/app-b.log" "${common[@]}" "SERVER_PORT=$PORT_B" -- -jar "$JAR"
PID_B=$JAVA_PID
wait_http "http://127.0.0.1:$PORT_A/actuator/health" "$PID_A"
wait_http "http://127.0.0.1:$PORT_B/actuator/health" "$PID_B"
echo "A: pid $PID_A port $PORT_A; B: pid $PID_B port $PORT_B; redis pid $REDIS_PID port $REDIS_PORT; logs in $WORK" >&2

echo "# Revocation propagation between two instances"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(java -version 2>&1 | head -n 1); $(redis-server --version | cut -d' ' -f1-3)"
echo "- $TRIALS trials after $WARMUP_TRIALS unrecorded warm-up trials, kinds in turn; both instances on one private Redis${EXTRA_ENV[*]:+; extra environment: ${EXTRA_ENV[*]}}"
echo "- uptime at start: $(uptime)"
echo
java benchmarks/RevocationLatency.java --a "http://127.0.0.1:$PORT_A" --b "http://127.0.0.1:$PORT_B" \
  --trials "$TRIALS" --warmup-trials "$WARMUP_TRIALS" --poll-path "$POLL_PATH" ${CSV:+--csv "$CSV"}
echo
echo "- uptime at end: $(uptime)"
