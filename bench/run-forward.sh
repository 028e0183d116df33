#!/usr/bin/env bash
# Forward-throughput benchmark, moelab side by side with PyTorch on the same machine. Each round
# runs: one moelab JVM with 1-thread BLAS alternating unsplit forwards and forwards split by
# sequence over 2 threads (ForwardOptions.threads(2)), so its 2-thread/1-thread ratio is measured
# side by side; torch at 1 and 2 threads; and moelab's other 2-thread way, one thread calling
# 2-thread BLAS. Prints one JSON line per mode and process. PyTorch (Debian's python3-torch) is
# optional: without it only moelab runs. Usage: bench/run-forward.sh [runs per mode] [rounds]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${1:-5}"   # timed forwards per mode and process; $2: rounds of all processes
# Reactor build: the bench sees this checkout's lib, never a stale ~/.m2 snapshot.
mvn -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
cp="bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
torch_python=""
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    torch_python=/usr/bin/python3
fi
rounds="${2:-3}"
moelab() { # blas-threads forward-thread-modes
    OMP_NUM_THREADS=$1 OPENBLAS_NUM_THREADS=$1 OMP_WAIT_POLICY=PASSIVE \
        java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.moelab.bench.ForwardThroughput "$runs" "$2" \
        | sed 's/^{/{"impl":"moelab",/'
}
torch() { # threads
    if [[ -n "$torch_python" ]]; then
        OMP_NUM_THREADS=$1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
            "$torch_python" bench/torch/mixtral_forward_ref.py bench --threads "$1" | sed 's/^{/{"impl":"torch",/'
    fi
}
for round in $(seq "$rounds"); do
    moelab 1 1,2          # one JVM, BLAS on 1 thread: unsplit and split over 2 threads, alternating
    torch 1
    torch 2
    moelab 2 1            # one thread calling 2-thread BLAS, for comparison
done
