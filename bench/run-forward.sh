#!/usr/bin/env bash
# Forward-throughput benchmark, moelab side by side with PyTorch on the same machine:
# moelab 1 thread, torch 1 thread, moelab 2 threads, torch 2 threads, interleaved so that
# machine noise hits both alike. Prints one JSON line per run. PyTorch (Debian's python3-torch)
# is optional: without it only moelab runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${1:-5}"
# Reactor build: the bench sees this checkout's lib, never a stale ~/.m2 snapshot.
mvn -q -B -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
cp="bench/target/moelab-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
torch_python=""
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    torch_python=/usr/bin/python3
fi
for threads in 1 2; do
    OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE \
        java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.moelab.bench.ForwardThroughput "$runs" \
        | sed 's/^{/{"impl":"moelab",/'
    if [[ -n "$torch_python" ]]; then
        OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
            "$torch_python" bench/torch/mixtral_forward_ref.py bench --threads "$threads" | sed 's/^{/{"impl":"torch",/'
    fi
done
