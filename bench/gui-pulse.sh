#!/usr/bin/env bash
# Longest JavaFX pulse gap while the Train page trains (headless workbench), with libtorch
# intra-op threads = all cores ("before") and = cores-1 ("after", the GUI default), on the
# machine as it is and beside two busy-looping background processes.
#   [LOADS="idle busy"] bench/gui-pulse.sh [STEPS=300]
# Prints CSV: load,loadavg_1min,steps,threads,pulses,longest_ms,p99_ms,run_s (stderr in target/gui-pulse.log)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-300}"
JAVA_HOME="$(scripts/jdk.sh --find)"
export JAVA_HOME
./mvnw -q -B -ntp -o -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
# run from a copy of the classes so that a rebuild during the benchmark does not disturb it
rm -rf target/bench-classes && mkdir -p target/bench-classes && cp -r target/classes target/test-classes target/bench-classes/
cores=$(nproc)
fx="-Dtestfx.setup.timeout=600000 -Dtestfx.robot=glass -Dtestfx.headless=true -Dprism.order=sw -Dprism.text=t2k -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1600x1200-32"
run() { # $1 = threads
  KEMWB_THREADS="$1" OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=1 "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow \
    --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx4g $fx \
    -cp "target/bench-classes/test-classes:target/bench-classes/classes:$(cat target/cp.txt)" org.kemwb.bench.GuiPulseBenchmark "$steps" 2>>target/gui-pulse.log | tail -1
}
busy=()
stop_busy() { for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done; busy=(); }
trap stop_busy EXIT
echo "load,loadavg_1min,steps,threads,pulses,longest_ms,p99_ms,run_s"
for load in ${LOADS:-idle busy}; do
  if [ "$load" = busy ]; then
    sh -c 'while :; do :; done' & busy+=($!)
    sh -c 'while :; do :; done' & busy+=($!)
  fi
  for threads in "$cores" "$((cores > 1 ? cores - 1 : 1))"; do
    avg=$(cut -d' ' -f1 /proc/loadavg)
    echo "$load,$avg,$(run "$threads")"
  done
  stop_busy
done
