# Shared by the benchmark scripts (sourced, not run): private redis-servers and app processes on
# free loopback ports, each stopped by its PID when the script exits, also on Ctrl-C.

STARTED_PIDS=()
RESERVED_PORTS=" "

# A loopback port nobody listens on (and this script has not handed out yet).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    [[ $RESERVED_PORTS == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      RESERVED_PORTS+="$port "
      echo "$port"
      return
    fi
  done
}

# stop_all: TERM every process this script started, newest first; KILL what is left after 10 s.
stop_all() {
  local pid i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${STARTED_PIDS[i]}
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# Call once: stops everything on exit, and makes Ctrl-C and TERM exit (through that trap).
install_cleanup() {
  trap stop_all EXIT
  trap 'echo "interrupted" >&2; exit 130' INT TERM
}

# start_redis DIR -> sets REDIS_PORT and REDIS_PID: a private, non-persistent redis-server.
start_redis() {
  local dir=$1
  mkdir -p "$dir"
  REDIS_PORT=$(free_port)
  # started directly (no subshell), so $! is redis-server's own PID
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  STARTED_PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do
    [[ $(redis-cli -p "$REDIS_PORT" PING 2>/dev/null) == PONG ]] && return 0
    sleep 0.1
  done
  echo "redis-server on port $REDIS_PORT did not start; see $dir/redis.log" >&2
  return 1
}

# start_java LOG ENV_ASSIGNMENTS... -- JAVA_ARGS... -> sets JAVA_PID (the JVM's own PID).
start_java() {
  local log=$1
  shift
  local envs=()
  while [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  # env execs java in the same process, so $! is the JVM's PID
  env "${envs[@]}" java "$@" >"$log" 2>&1 &
  JAVA_PID=$!
  STARTED_PIDS+=("$JAVA_PID")
}

# wait_http URL PID [SECONDS]: until URL answers at all (any status), or fail if PID died.
wait_http() {
  local url=$1 pid=$2 limit=${3:-180} code
  for _ in $(seq $((limit * 4))); do
    kill -0 "$pid" 2>/dev/null || {
      echo "process $pid exited before $url answered" >&2
      return 1
    }
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null) || true
    [[ $code != 000 && -n $code ]] && return 0
    sleep 0.25
  done
  echo "$url did not answer within ${limit} s" >&2
  return 1
}

# json_field NAME: the first string value of "NAME" in the JSON on stdin.
json_field() {
  grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4
}

# The 1-, 5- and 15-minute load averages, for the record next to each number.
load_now() {
  cut -d' ' -f1-3 /proc/loadavg
}
