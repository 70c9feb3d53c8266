#!/usr/bin/env bash
# Launch-to-window and launch-to-first-outputs (sample image through the KEM and CA samples) of
# `./kemwb gui` under Xvfb; "launch" is the process start as the OS records it, so the JVM's own
# start-up counts. The app exits after its first outputs (-Dkemwb.exitAfterFirstOutputs=true).
#   bench/startup.sh [RUNS=3]
# For each mode prints CSV rows mode,run,loadavg_1min,window_ms,first_outputs_ms:
#   noaot  KEMWB_AOT=0 (plain JVM start)
#   aot    the launcher's AOT cache (JDK 25, target/kemwb.aot): run 1 records it ("cold"), later runs use it
# Needs xvfb-run (Debian: apt-get install -y xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
./kemwb --version >/dev/null 2>&1 || true # builds the jar when needed
once() { # $1 mode, $2 run
  local out
  out=$(KEMWB_JAVA_OPTS="-Dkemwb.exitAfterFirstOutputs=true" xvfb-run -a -s "-screen 0 1600x1000x24" ./kemwb gui 2>&1 >/dev/null || true)
  local w f
  w=$(sed -n 's/.*window shown \([0-9]*\) ms.*/\1/p' <<<"$out" | head -1)
  f=$(sed -n 's/.*first outputs \([0-9]*\) ms.*/\1/p' <<<"$out" | head -1)
  echo "$1,$2,$(cut -d' ' -f1 /proc/loadavg),${w:-?},${f:-?}"
}
echo "mode,run,loadavg_1min,window_ms,first_outputs_ms"
for r in $(seq 1 "$runs"); do KEMWB_AOT=0 once noaot "$r"; done
rm -f target/kemwb.aot
for r in $(seq 1 "$runs"); do once aot "$r"; done
