#!/usr/bin/env bash
# Multiple-choice scoring throughput: the evaluation engine's length-sorted batches against one
# request per forward call, alternating in one JVM, 1 thread then 2. Args: documents (default 16),
# repeats (default 3). Prints one JSON line per thread count.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Reactor build: the bench sees this checkout's lib, never a stale ~/.m2 snapshot.
mvn -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
cp="bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
for threads in 1 2; do
    OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE \
        java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.moelab.bench.MultipleChoiceThroughput \
        "${1:-16}" "${2:-3}"
done
