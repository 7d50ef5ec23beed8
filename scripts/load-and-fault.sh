#!/usr/bin/env bash
# Load-and-fault run: the example app under concurrent load while its Redis fails, in both
# fallback modes. standalone (the default): Redis paused, resumed, shut down and restarted from
# its dump. cluster: a 3-master, 3-replica Redis Cluster whose master is killed (SIGKILL) and
# replaced by its replica. sentinel: a master, a replica and 3 Sentinels; the master is killed and
# the Sentinels promote the replica. Prints requests by status and latency percentiles per phase;
# exits non-zero on any 500 or any lost session.
#   scripts/load-and-fault.sh [standalone|cluster|sentinel] [--instances 1] [--clients 16] [--users 20] [--phase-seconds 10]
# --instances 2: two app instances on the one Redis deployment, each request to either; a session
# logged out on one during the outage must be refused by the other once Redis is back.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -pl session-example-app -am package -DskipTests
jar=$(ls session-example-app/target/sessionkit-example-app-*.jar | grep -v original | head -n 1)

topology=standalone
case "${1:-}" in
  standalone|cluster|sentinel) topology=$1; shift ;;
esac

status=0
for mode in jwt-only deny; do
  echo "== $topology $mode"
  java scripts/LoadAndFault.java --jar "$jar" --topology "$topology" --mode "$mode" "$@" || status=1
done
exit $status
