#!/usr/bin/env bash
# Measures what the replica wait (WAIT 1) costs per logout: a master with one replica on loopback,
# the same logouts timed with the wait on and off, and on a master without a replica.
#   scripts/measure-replica-wait.sh [--logouts 2000]
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
# in one reactor run, so that session-core's test dependencies on its siblings resolve; the last
# module written is session-core's
./mvnw -B -q -pl session-core -am package dependency:build-classpath -DskipTests \
  -Dmaven.javadoc.skip -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
java -cp "session-core/target/classes:$(cat "$classpath_file")" scripts/MeasureReplicaWait.java "$@"
