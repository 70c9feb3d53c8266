#!/usr/bin/env bash
# Cost of watching a metrics.csv (Runs page polls every 2 s per run): first read of a long log,
# poll after 10 appended rows, poll with nothing new. Usage: bench/metrics-log.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -o -q test-compile
./mvnw -B -ntp -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt
java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" org.kemwb.bench.MetricsLogBenchmark "${1:-100000}"
