#!/usr/bin/env bash
# Load-and-fault run: the example app under concurrent load while its Redis is paused, resumed,
# shut down and restarted from its dump, in both fallback modes. Prints requests by status and
# latency percentiles per phase; exits non-zero on any 500 or any lost session.
#   scripts/load-and-fault.sh [--instances 1] [--clients 16] [--users 20] [--phase-seconds 10]
# --instances 2: two app instances on the one Redis, each request to either; a session logged out
# on one during the outage must be refused by the other once Redis is back.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl session-example-app -am package -DskipTests
jar=$(ls session-example-app/target/sessionkit-example-app-*.jar | grep -v original | head -n 1)

status=0
for mode in jwt-only deny; do
  echo "== $mode"
  java scripts/LoadAndFault.java --jar "$jar" --mode "$mode" "$@" || status=1
done
exit $status
