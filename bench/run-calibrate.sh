#!/usr/bin/env bash
# Calibration throughput: calibrate in Spark local[1] / local[2] against the in-process forward,
# one JVM, one BLAS thread per task. Arg: tokens (default 262144).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
opens="$(sed -n 's:.*<moelab.jvm.opens>\(.*\)</moelab.jvm.opens>.*:\1:p' pom.xml)"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE SPARK_LOCAL_IP=127.0.0.1 \
    java -Xmx10g $opens -cp "bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
    io.moelab.bench.CalibrateThroughput "${1:-262144}" "$root"
