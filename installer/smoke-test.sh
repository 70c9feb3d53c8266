#!/usr/bin/env bash
# Starts the packaged launcher under Xvfb, waits until it shows the sample's outputs, checks its
# log for errors, closes it, and prints cold-start timings. Needs xvfb (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=target/installer/kem-workbench/bin/kem-workbench
[ -x "$launcher" ] || { echo "build the app-image first: installer/build.sh" >&2; exit 1; }
log=$(mktemp)
display=:${SMOKE_DISPLAY:-93}
Xvfb "$display" -screen 0 1400x950x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
start=$(date +%s%N)
DISPLAY=$display HOME="${SMOKE_HOME:-$HOME}" "$launcher" >"$log" 2>&1 &
app=$!
ok=0
for _ in $(seq 120); do
  if grep -q "first outputs" "$log"; then ok=1; break; fi
  kill -0 $app 2>/dev/null || break
  sleep 0.5
done
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true
cat "$log"
if [ $ok -ne 1 ]; then echo "SMOKE FAIL: no outputs shown" >&2; exit 1; fi
if grep -E "Exception|ERROR" "$log" | grep -v "statusbar.css" ; then echo "SMOKE FAIL: errors in the log" >&2; exit 1; fi
echo "SMOKE OK: $(du -sh target/installer/kem-workbench | cut -f1) image, wall $(( ($(date +%s%N) - start) / 1000000 )) ms to first outputs and close"
