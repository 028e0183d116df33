#!/usr/bin/env bash
# Neuron alignment (M-SMoE) and joint SVD merge (Sub-MoE) against expert width, up to
# Mixtral-8x7B's expert shape. Args: widths (default 1792,3584,7168,14336), hidden (default 4096),
# BLAS threads (default 2; the assignment itself is single-threaded Java). One JVM; prints one JSON
# line per width and one with the fitted exponents. Needs ~8 GB of memory at width 14,336.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Reactor build: the bench sees this checkout's lib, never a stale ~/.m2 snapshot.
mvn -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
cp="bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
threads="${3:-2}"
OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE \
    java -Xmx12g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.moelab.bench.CompressLinalgScaling \
    "${1:-1792,3584,7168,14336}" "${2:-4096}"
