#!/usr/bin/env bash
# BF16-held against float32-held weights on the forward benchmark's model, in one JVM with
# 1-thread BLAS, forwards alternating (bench/RESULTS.md). Usage: bench/run-stored-weights.sh [runs] [thread modes]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -pl bench -am package -DskipTests -Dspotless.check.skip=true \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
    java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
    io.moelab.bench.StoredWeightsThroughput "${1:-7}" "${2:-1,2}"
