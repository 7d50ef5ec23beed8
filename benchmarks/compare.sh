#!/usr/bin/env bash
# Load comparison: the sessionkit example app against a Spring Session Data Redis app doing the
# same hot path (an authenticated GET /api/v1/auth/me), each app on its own private redis-server,
# measured with wrk in alternating runs. Prints a Markdown report: per app req/s, p50/p99 latency,
# app CPU, Redis CPU and Redis commands per request, Redis bytes per session; then the ratios of
# every sessionkit variant to every Spring Session mode.
#
#   benchmarks/compare.sh [--rounds 3] [--duration 20s] [--warmup 60s] [--threads 2]
#       [--connections 32] [--sessions 500] [--jvm-opts '-Xms512m -Xmx512m'] [--jfr DIR]
#       [--no-build] [--app LABEL=KIND[:VAR=VALUE[,VAR=VALUE...]]]...
#
# KIND is sessionkit, spring-default or spring-indexed; VAR=VALUE pairs go to that app's
# environment (for the example app, the variables of its contract, e.g. SESSION_NEAR_CACHE=true).
# Without --app: sessionkit, spring-default and spring-indexed. Example, once the near-cache exists:
#   benchmarks/compare.sh --app sessionkit=sessionkit \
#       --app sessionkit-near=sessionkit:SESSION_NEAR_CACHE=true \
#       --app spring-default=spring-default --app spring-indexed=spring-indexed
# --jfr DIR: after the rounds, one more wrk run per app with a Java Flight Recording into DIR
# (CPU samples every millisecond), summarised as the top methods by samples (not part of the
# measured numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

ROUNDS=3
DURATION=20s
WARMUP=60s
THREADS=2
CONNECTIONS=32
SESSIONS=500
JVM_OPTS="-Xms512m -Xmx512m"
JFR_DIR=
BUILD=1
APP_SPECS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --sessions) SESSIONS=$2; shift 2 ;;
    --jvm-opts) JVM_OPTS=$2; shift 2 ;;
    --jfr) JFR_DIR=$(realpath -m "$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --app) APP_SPECS+=("$2"); shift 2 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#APP_SPECS[@]} -gt 0 ]] ||
  APP_SPECS=(sessionkit=sessionkit spring-default=spring-default spring-indexed=spring-indexed)
for tool in wrk redis-server redis-cli curl java; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (Debian: apt-get install -y $tool)" >&2; exit 2; }
done

JWT_SECRET_VALUE="compare-benchmark-secret-0123456789-abcdefghij"
PASSWORD="bench-password-1"
CLK_TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sessionkit-compare.XXXXXX")
install_cleanup

if [[ $BUILD == 1 ]]; then
  echo "building the example app and the Spring Session app..." >&2
  ./mvnw -B -q -pl session-example-app -am package -DskipTests
  ./mvnw -B -q -f benchmarks/spring-session-app/pom.xml package -DskipTests
fi
SESSIONKIT_JAR=$(ls session-example-app/target/sessionkit-example-app-*.jar | grep -v original | head -n 1)
SPRING_JAR=$(ls benchmarks/spring-session-app/target/spring-session-app-*.jar | grep -v original | head -n 1)

declare -A KIND ENVS PORT PID RPORT RPID HEADER
LABELS=()
for spec in "${APP_SPECS[@]}"; do
  label=${spec%%=*}
  rest=${spec#*=}
  KIND[$label]=${rest%%:*}
  ENVS[$label]=
  [[ $rest == *:* ]] && ENVS[$label]=${rest#*:}
  case ${KIND[$label]} in
    sessionkit | spring-default | spring-indexed) ;;
    *) echo "--app $spec: the kind must be sessionkit, spring-default or spring-indexed" >&2; exit 2 ;;
  esac
  LABELS+=("$label")
done

java_opts=($JVM_OPTS)
[[ -n $JFR_DIR ]] && java_opts+=("-XX:FlightRecorderOptions:stackdepth=256")

start_app() {
  local label=$1 envs=() extra
  start_redis "$WORK/redis-$label"
  RPORT[$label]=$REDIS_PORT
  RPID[$label]=$REDIS_PID
  PORT[$label]=$(free_port)
  envs=("SERVER_PORT=${PORT[$label]}" "REDIS_URL=redis://127.0.0.1:${RPORT[$label]}")
  if [[ ${KIND[$label]} == sessionkit ]]; then
    # a token that outlives the whole run; the login and registration throttles out of the way of
    # the bulk registrations and logins from one address
    envs+=("JWT_SECRET=$JWT_SECRET_VALUE" "COOKIE_SECURE=false" "ACCESS_TOKEN_EXPIRE_MINUTES=600"
      "LOGIN_MAX_ATTEMPTS=1000000" "EXAMPLE_REGISTRATION_MAXPERADDRESS=1000000")
  else
    envs+=("SESSION_REPOSITORY=${KIND[$label]#spring-}" "BENCH_PASSWORD=$PASSWORD")
  fi
  if [[ -n ${ENVS[$label]} ]]; then
    IFS=, read -ra extra <<<"${ENVS[$label]}"
    envs+=("${extra[@]}")
  fi
  local jar=$SESSIONKIT_JAR
  [[ ${KIND[$label]} == sessionkit ]] || jar=$SPRING_JAR
  start_java "$WORK/app-$label.log" "${envs[@]}" -- "${java_opts[@]}" -jar "$jar"
  PID[$label]=$JAVA_PID
}

# login LABEL USERNAME -> prints the request header that authenticates as that user's new session
login() {
  local label=$1 user=$2 base="http://127.0.0.1:${PORT[$1]}/api/v1/auth" body
  body="{\"username\":\"$user\",\"password\":\"$PASSWORD\"}"
  if [[ ${KIND[$label]} == sessionkit ]]; then
    local token
    token=$(curl -s -X POST "$base/login" -H 'Content-Type: application/json' -d "$body" | json_field access_token)
    [[ -n $token ]] && echo "Authorization: Bearer $token"
  else
    local cookie
    cookie=$(curl -s -o /dev/null -D - -X POST "$base/login" -H 'Content-Type: application/json' -d "$body" |
      grep -i '^set-cookie: SESSION=' | sed -E 's/^[^:]*: (SESSION=[^;]*).*/\1/')
    [[ -n $cookie ]] && echo "Cookie: $cookie"
  fi
}

register() {
  local label=$1 user=$2
  [[ ${KIND[$label]} == sessionkit ]] || return 0
  curl -s -o /dev/null -X POST "http://127.0.0.1:${PORT[$label]}/api/v1/auth/register" \
    -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}"
}

redis_info() {
  redis-cli -p "${RPORT[$1]}" INFO all | tr -d '\r'
}

info_value() { # FILE FIELD
  awk -F: -v f="$2" '$1 == f { print $2 }' "$1"
}

app_ticks() {
  awk '{ print $14 + $15 }' "/proc/${PID[$1]}/stat"
}

to_ms() { # wrk's 512.00us / 1.23ms / 1.02s
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# one_run LABEL ROUND: a measured wrk run; appends a line to $WORK/runs.tsv
one_run() {
  local label=$1 round=$2 load before_ticks after_ticks out="$WORK/wrk-$1-$2.txt"
  load=$(load_now)
  redis_info "$label" >"$WORK/info-before"
  before_ticks=$(app_ticks "$label")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "${HEADER[$label]}" \
    "http://127.0.0.1:${PORT[$label]}/api/v1/auth/me" >"$out"
  after_ticks=$(app_ticks "$label")
  redis_info "$label" >"$WORK/info-after"
  local requests rps p50 p99 non2xx errors cmds rcpu breakdown
  requests=$(awk '/requests in/ { print $1 }' "$out")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  non2xx=$(awk -F': ' '/Non-2xx/ { print $2 }' "$out")
  errors=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
  # the INFO that took the first snapshot is itself one command
  cmds=$(($(info_value "$WORK/info-after" total_commands_processed) - $(info_value "$WORK/info-before" total_commands_processed) - 1))
  rcpu=$(awk -v b1="$(info_value "$WORK/info-before" used_cpu_sys)" -v b2="$(info_value "$WORK/info-before" used_cpu_user)" \
    -v a1="$(info_value "$WORK/info-after" used_cpu_sys)" -v a2="$(info_value "$WORK/info-after" used_cpu_user)" \
    'BEGIN { printf "%.6f", (a1 + a2) - (b1 + b2) }')
  # per-command calls per request, INFO itself left out
  breakdown=$(awk -F'[:=,]' -v n="$requests" '
    FNR == NR && /^cmdstat_/ { before[$1] = $3; next }
    /^cmdstat_/ && $1 != "cmdstat_info" { d = $3 - before[$1]; if (d > 0) printf "%s %.3f; ", substr($1, 9), d / n }' \
    "$WORK/info-before" "$WORK/info-after")
  awk -v l="$label" -v r="$round" -v ld="$load" -v n="$requests" -v rps="$rps" -v p50="$p50" \
    -v p99="$p99" -v ticks=$((after_ticks - before_ticks)) -v hz="$CLK_TCK" -v rcpu="$rcpu" \
    -v cmds="$cmds" -v bad="${non2xx:-0}" -v err="${errors:-0}" -v bd="$breakdown" 'BEGIN {
      printf "%s\t%s\t%s\t%d\t%.1f\t%.3f\t%.3f\t%.1f\t%.2f\t%.3f\t%d\t%d\t%s\n", l, r, ld, n, rps, p50, p99,
        ticks / hz * 1e6 / n, rcpu * 1e6 / n, cmds / n, bad, err, bd }' >>"$WORK/runs.tsv"
  echo "  $(date +%T) round $round $label: $(tail -n 1 "$WORK/runs.tsv" | cut -f4-7) (load $load)" >&2
}

# in_parallel FUNCTION LABEL: FUNCTION LABEL USER for $SESSIONS users, four at a time; prints
# how many of them succeeded
in_parallel() {
  local fn=$1 label=$2 batch=() i
  : >"$WORK/ok-$fn-$label"
  for ((i = 1; i <= SESSIONS; i++)); do
    { "$fn" "$label" "bench-user-$i" >/dev/null && echo ok >>"$WORK/ok-$fn-$label"; } &
    batch+=($!)
    if [[ ${#batch[@]} -ge 4 || $i -eq $SESSIONS ]]; then
      wait "${batch[@]}" || true
      batch=()
    fi
  done
  wc -l <"$WORK/ok-$fn-$label"
}

# bytes_per_session LABEL: Redis used_memory growth for $SESSIONS new sessions of distinct users
bytes_per_session() {
  local label=$1 before after created
  # accounts first (the example app may keep them in Redis), so only the logins are counted
  in_parallel register "$label" >/dev/null
  sleep 1
  redis_info "$label" >"$WORK/mem-before"
  created=$(in_parallel login "$label")
  [[ $created -eq $SESSIONS ]] || { echo "$label: only $created of $SESSIONS logins succeeded" >&2; exit 1; }
  sleep 1
  redis_info "$label" >"$WORK/mem-after"
  before=$(info_value "$WORK/mem-before" used_memory)
  after=$(info_value "$WORK/mem-after" used_memory)
  BYTES[$label]=$(((after - before) / SESSIONS))
  # which keys hold it: keys by pattern (ids replaced by *), their count and MEMORY USAGE per session
  redis-cli -p "${RPORT[$label]}" --scan >"$WORK/keys-all-$label"
  sed 's/^/MEMORY USAGE /; s/$/ SAMPLES 0/' "$WORK/keys-all-$label" |
    redis-cli -p "${RPORT[$label]}" >"$WORK/keys-size-$label"
  sed -E 's/\{[^}]*\}(:[A-Za-z0-9_-]+)?/{*}:*/g; s/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/*/g; s/[0-9]{10,}/*/g; s/bench-user(-[0-9]+)?$/*/' \
    "$WORK/keys-all-$label" | paste - "$WORK/keys-size-$label" |
    awk -F'\t' -v n="$SESSIONS" '{ c[$1]++; b[$1] += $2 }
      END { for (k in c) printf "  - `%s`: %d keys, %.0f bytes per session (MEMORY USAGE)\n", k, c[k], b[k] / (n + 1) }' |
    sort >"$WORK/keys-$label"
}

# round_trips LABEL: client commands (round trips) and commands run inside scripts per request,
# counted with MONITOR over 100 sequential GET /me on one connection (MONITOR slows Redis down, so
# this is a separate probe, not part of a measured run)
round_trips() {
  local label=$1 mon="$WORK/monitor-$1" urls=() mpid i
  for ((i = 0; i < 100; i++)); do urls+=("http://127.0.0.1:${PORT[$label]}/api/v1/auth/me"); done
  redis-cli -p "${RPORT[$label]}" MONITOR >"$mon" &
  mpid=$!
  STARTED_PIDS+=("$mpid")
  sleep 0.5
  curl -s -H "${HEADER[$label]}" "${urls[@]}" >/dev/null
  sleep 0.5
  kill "$mpid"
  wait "$mpid" 2>/dev/null || true
  # script-internal commands show as [db lua]; everything else came from a client
  TRIPS[$label]=$(awk '/^[0-9.]+ \[/ && $3 != "lua]" { n++ } END { printf "%.2f", n / 100 }' "$mon")
  INNER[$label]=$(awk '/^[0-9.]+ \[/ && $3 == "lua]" { n++ } END { printf "%.2f", n / 100 }' "$mon")
  TRIP_NAMES[$label]=$(awk '/^[0-9.]+ \[/ { c[($3 == "lua]" ? "in script: " : "") $4]++ }
    END { for (k in c) printf "%s %.2f; ", k, c[k] / 100 }' "$mon")
}

median() { # values on stdin
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

col_median() { # LABEL COLUMN
  awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$WORK/runs.tsv" | median
}

# --- start everything
echo "work dir $WORK" >&2
START_LOAD=$(uptime)
for label in "${LABELS[@]}"; do start_app "$label"; done
for label in "${LABELS[@]}"; do
  wait_http "http://127.0.0.1:${PORT[$label]}/api/v1/auth/me" "${PID[$label]}"
  register "$label" bench-user
  HEADER[$label]=$(login "$label" bench-user) || true
  [[ -n ${HEADER[$label]} ]] || { echo "$label: login failed; see $WORK/app-$label.log" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "${HEADER[$label]}" "http://127.0.0.1:${PORT[$label]}/api/v1/auth/me")
  [[ $code == 200 ]] || { echo "$label: GET /me answered $code after login" >&2; exit 1; }
  echo "$label (${KIND[$label]}${ENVS[$label]:+ ${ENVS[$label]}}): app pid ${PID[$label]} port ${PORT[$label]}, redis pid ${RPID[$label]} port ${RPORT[$label]}" >&2
done

echo "warm-up: $WARMUP per app" >&2
for label in "${LABELS[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "${HEADER[$label]}" \
    "http://127.0.0.1:${PORT[$label]}/api/v1/auth/me" >"$WORK/warmup-$label.txt"
done

: >"$WORK/runs.tsv"
n=${#LABELS[@]}
for ((round = 1; round <= ROUNDS; round++)); do
  # each round starts with the next app, so no app always runs first or last
  for ((k = 0; k < n; k++)); do
    one_run "${LABELS[$(((round - 1 + k) % n))]}" "$round"
  done
done

declare -A TRIPS INNER TRIP_NAMES
echo "round trips: MONITOR over 100 sequential requests per app" >&2
for label in "${LABELS[@]}"; do round_trips "$label"; done

declare -A BYTES
echo "bytes per session: $SESSIONS logins of distinct users per app" >&2
for label in "${LABELS[@]}"; do bytes_per_session "$label"; done

if [[ -n $JFR_DIR ]]; then
  mkdir -p "$JFR_DIR"
  # the profile settings, with a CPU sample every millisecond rather than every 10 ms
  jfc=profile
  jfr configure --input profile --output "$WORK/cpu.jfc" 'jdk.ExecutionSample#period=1ms' >/dev/null 2>&1 &&
    jfc="$WORK/cpu.jfc"
  for label in "${LABELS[@]}"; do
    echo "JFR run for $label" >&2
    jcmd "${PID[$label]}" JFR.start name=compare settings="$jfc" filename="$JFR_DIR/$label.jfr" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "${HEADER[$label]}" \
      "http://127.0.0.1:${PORT[$label]}/api/v1/auth/me" >"$JFR_DIR/wrk-$label.txt"
    jcmd "${PID[$label]}" JFR.stop name=compare >/dev/null
  done
fi
END_LOAD=$(uptime)

# --- report
fmt() { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "nan") print "n/a"; else printf "%." d "f", v }'; }
round_ratios() { # LABEL_A LABEL_B COLUMN: A/B for each round
  awk -F'\t' -v a="$1" -v b="$2" -v c="$3" '$1 == a { x[$2] = $c } $1 == b { y[$2] = $c }
    END { for (r = 1; r in x; r++) printf "%s%.2f", (r > 1 ? ", " : ""), x[r] / y[r] }' "$WORK/runs.tsv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", a / b }'; }

echo "# sessionkit vs Spring Session: GET /api/v1/auth/me"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(nproc) cores; $(java -version 2>&1 | head -n 1); $(redis-server --version | cut -d' ' -f1-3); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "- wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS alternating rounds after a $WARMUP warm-up per app; JVM: $JVM_OPTS"
echo "- uptime at start: $START_LOAD"
echo "- uptime at end: $END_LOAD"
for label in "${LABELS[@]}"; do
  echo "- $label: ${KIND[$label]}${ENVS[$label]:+ with ${ENVS[$label]}}"
done
echo
echo "## Per app (median of $ROUNDS runs)"
echo
echo "| app | req/s | p50 ms | p99 ms | app CPU µs/req | Redis CPU µs/req | Redis round trips/req | Redis commands/req | Redis bytes/session |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
declare -A M
for label in "${LABELS[@]}"; do
  M[$label,rps]=$(col_median "$label" 5)
  M[$label,p50]=$(col_median "$label" 6)
  M[$label,p99]=$(col_median "$label" 7)
  M[$label,cpu]=$(col_median "$label" 8)
  M[$label,rcpu]=$(col_median "$label" 9)
  M[$label,cmds]=$(col_median "$label" 10)
  M[$label,bytes]=${BYTES[$label]}
  M[$label,trips]=${TRIPS[$label]}
  echo "| $label | $(fmt "${M[$label,rps]}" 0) | $(fmt "${M[$label,p50]}" 2) | $(fmt "${M[$label,p99]}" 2) | $(fmt "${M[$label,cpu]}" 1) | $(fmt "${M[$label,rcpu]}" 2) | ${M[$label,trips]} | $(fmt "${M[$label,cmds]}" 2) | ${M[$label,bytes]} |"
done
echo
echo "## Ratios (sessionkit variant / Spring Session mode, from the medians above)"
echo
echo "| ratio | req/s | p50 | p99 | app CPU/req | Redis CPU/req | Redis round trips/req | Redis commands/req | Redis bytes/session | req/s ratio per round | app CPU/req ratio per round |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
for a in "${LABELS[@]}"; do
  [[ ${KIND[$a]} == sessionkit ]] || continue
  for b in "${LABELS[@]}"; do
    [[ ${KIND[$b]} == sessionkit ]] && continue
    per_round=$(round_ratios "$a" "$b" 5)
    cpu_per_round=$(round_ratios "$a" "$b" 8)
    echo "| $a / $b | $(ratio "${M[$a,rps]}" "${M[$b,rps]}") | $(ratio "${M[$a,p50]}" "${M[$b,p50]}") | $(ratio "${M[$a,p99]}" "${M[$b,p99]}") | $(ratio "${M[$a,cpu]}" "${M[$b,cpu]}") | $(ratio "${M[$a,rcpu]}" "${M[$b,rcpu]}") | $(ratio "${M[$a,trips]}" "${M[$b,trips]}") | $(ratio "${M[$a,cmds]}" "${M[$b,cmds]}") | $(ratio "${M[$a,bytes]}" "${M[$b,bytes]}") | $per_round | $cpu_per_round |"
  done
done
echo
echo "## Every run, in the order run"
echo
echo "| app | round | load avg 1/5/15 | requests | req/s | p50 ms | p99 ms | app CPU µs/req | Redis CPU µs/req | Redis commands/req | non-2xx | socket errors |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$WORK/runs.tsv"
echo
echo "## Redis commands per request, by command"
echo
echo "Under load (INFO commandstats delta of the last round; commands run inside a Lua script count"
echo "too, and requests still in flight when wrk stops add up to $CONNECTIONS unanswered requests):"
echo
for label in "${LABELS[@]}"; do
  echo "- $label: $(awk -F'\t' -v l="$label" -v r="$ROUNDS" '$1 == l && $2 == r { print $13 }' "$WORK/runs.tsv")"
done
echo
echo "Round trips (MONITOR over 100 sequential requests; 'in script' commands are not round trips):"
echo
for label in "${LABELS[@]}"; do
  echo "- $label: ${TRIPS[$label]} round trips, ${INNER[$label]} commands inside scripts: ${TRIP_NAMES[$label]}"
done
echo
echo "## Redis keys after $SESSIONS logins of distinct users (plus the benchmark user's session)"
echo
for label in "${LABELS[@]}"; do
  echo "- $label: used_memory grew $((BYTES[$label] * SESSIONS)) bytes, ${BYTES[$label]} per session"
  cat "$WORK/keys-$label"
done
if [[ -n $JFR_DIR ]]; then
  echo
  echo "## Where app CPU goes (JFR, one extra $DURATION wrk run per app, not measured above)"
  for label in "${LABELS[@]}"; do
    echo
    echo "### $label"
    echo
    java benchmarks/JfrTop.java "$JFR_DIR/$label.jfr" 15 io.sessionkit org.springframework.session \
      org.springframework.security under=io.sessionkit.jwt.JwtTokenService.verify \
      under=io.sessionkit.redis.RedisSessionStore.touch
  done
fi

status=0
if awk -F'\t' '$11 > 0 || $12 > 0 { bad = 1 } END { exit !bad }' "$WORK/runs.tsv"; then
  echo
  echo "**WARNING: some runs had non-2xx answers or socket errors; their numbers do not measure the hot path.**"
  status=1
fi
exit $status
