#!/usr/bin/env bash
# CPU of the idle headless workbench on Inspect, Train and Runs (Runs polls every 2 s).
#   bench/idle-cpu.sh [SECONDS=20] [PAGES=Inspect,Train,Runs,Inspect]   prints CSV: page,seconds,cpu_percent_of_one_core
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(scripts/jdk.sh --find)"
export JAVA_HOME
./mvnw -q -B -ntp -o -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
rm -rf target/idle-classes && mkdir -p target/idle-classes && cp -r target/classes target/test-classes target/idle-classes/
fx="-Dtestfx.setup.timeout=600000 -Dtestfx.robot=glass -Dtestfx.headless=true -Dprism.order=sw -Dprism.text=t2k -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1600x1200-32"
OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=1 "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow \
  --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx4g $fx \
  -cp "target/idle-classes/test-classes:target/idle-classes/classes:$(cat target/cp.txt)" org.kemwb.bench.IdleCpuBenchmark "${1:-20}" "${2:-Inspect,Train,Runs,Inspect}" 2>target/idle-cpu.log
