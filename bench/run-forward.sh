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
# glibc >= 2.35: malloc asks for transparent huge pages. Both implementations run with and without
# it (bench/RESULTS.md: PyTorch gains from it, moelab does not, so bin/moelab leaves it unset).
huge_pages=glibc.malloc.hugetlb=1
moelab() { # glibc-tunables blas-threads forward-thread-modes
    GLIBC_TUNABLES=$1 OMP_NUM_THREADS=$2 OPENBLAS_NUM_THREADS=$2 OMP_WAIT_POLICY=PASSIVE \
        java -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.moelab.bench.ForwardThroughput "$runs" "$3" \
        | sed "s/^{/{\"impl\":\"moelab\",\"glibc_tunables\":\"$1\",/"
}
torch() { # glibc-tunables threads
    if [[ -n "$torch_python" ]]; then
        GLIBC_TUNABLES=$1 OMP_NUM_THREADS=$2 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
            "$torch_python" bench/torch/mixtral_forward_ref.py bench --threads "$2" \
            | sed "s/^{/{\"impl\":\"torch\",\"glibc_tunables\":\"$1\",/"
    fi
}
for round in $(seq "$rounds"); do
    moelab "$huge_pages" 1 1,2   # one JVM, BLAS on 1 thread: unsplit and split over 2 threads, alternating
    torch "" 1
    torch "$huge_pages" 1
    moelab "" 1 1,2
    torch "" 2
    torch "$huge_pages" 2
    moelab "$huge_pages" 2 1     # one thread calling 2-thread BLAS, for comparison
done
