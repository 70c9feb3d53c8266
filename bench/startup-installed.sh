#!/usr/bin/env bash
# Launch-to-window and launch-to-first-outputs of the packaged app (installer/build.sh's
# app-image) under Xvfb, as the app logs them ("window shown N ms after launch", "first
# outputs N ms after launch"; launch = the process start as the OS records it).
#   bench/startup-installed.sh [RUNS=3]
# Prints CSV rows run,loadavg_1min,window_ms,first_outputs_ms. Needs xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
launcher=target/installer/kem-workbench/bin/kem-workbench
[ -x "$launcher" ] || { echo "build the app-image first: installer/build.sh" >&2; exit 1; }
echo "run,loadavg_1min,window_ms,first_outputs_ms"
for r in $(seq 1 "$runs"); do
  log=$(mktemp)
  xvfb-run -a -s "-screen 0 1600x1000x24" "$launcher" >"$log" 2>&1 &
  app=$!
  for _ in $(seq 240); do grep -q "first outputs" "$log" && break; sleep 0.5; done
  pkill -P "$app" -f kem-workbench 2>/dev/null || true
  pkill -f "target/installer/kem-workbench/bin/kem-workbench" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  w=$(sed -n 's/.*window shown \([0-9]*\) ms.*/\1/p' "$log" | head -1)
  f=$(sed -n 's/.*first outputs \([0-9]*\) ms.*/\1/p' "$log" | head -1)
  echo "$r,$(cut -d' ' -f1 /proc/loadavg),${w:-?},${f:-?}"
  rm -f "$log"
  sleep 2
done
