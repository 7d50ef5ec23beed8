#!/usr/bin/env bash
# Measures the Redis layout on a private redis-server: bytes per session (fresh and after 100
# refreshes), bytes per activity entry, the slowest sessionkit command with one user at the
# ceiling of sessions (SLOWLOG), the commands each operation sends (MONITOR), and what the
# near-cache costs Redis (its tracking table).
#   scripts/measure-redis-layout.sh [--users 1000] [--refreshes 100] [--tracking-only]
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
# one reactor run, so that the core's test-scoped sibling resolves without being installed; the
# core is the last module, so its classpath is the one left in the file
./mvnw -B -q -pl session-core -am package dependency:build-classpath -DskipTests \
  -Dmaven.javadoc.skip -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
java -cp "session-core/target/classes:$(cat "$classpath_file")" scripts/MeasureRedisLayout.java "$@"
