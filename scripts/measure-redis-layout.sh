#!/usr/bin/env bash
# Measures the Redis layout on a private redis-server: bytes per session (fresh and after 100
# refreshes), bytes per activity entry, the slowest sessionkit command with one user at the
# ceiling of sessions (SLOWLOG), the commands each operation sends (MONITOR), and what the
# near-cache costs Redis (its tracking table).
#   scripts/measure-redis-layout.sh [--users 200] [--refreshes 100]
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
# in one reactor run, so that session-core's test dependencies on its siblings resolve (a plugin
# goal alone cannot); the last module written is session-core's
./mvnw -B -q -pl session-core -am package dependency:build-classpath -DskipTests \
  -Dmaven.javadoc.skip -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
java -cp "session-core/target/classes:$(cat "$classpath_file")" scripts/MeasureRedisLayout.java "$@"
