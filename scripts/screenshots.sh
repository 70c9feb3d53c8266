#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: starts the workbench under Xvfb on the bundled samples
# and captures each page. Needs xvfb, xdotool and imagemagick (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
display=:97
Xvfb $display -screen 0 1400x950x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb $app 2>/dev/null || true' EXIT
export DISPLAY=$display
./kemwb gui >/tmp/kemwb-screenshots.log 2>&1 &
app=$!
for _ in $(seq 60); do grep -q "first outputs" /tmp/kemwb-screenshots.log && break; sleep 1; done
sleep 2
# navigation buttons, top to bottom (window at 40,40; buttons 38 px apart)
click() { xdotool mousemove "$1" "$2" click 1; sleep "${3:-2}"; }
import -window root "$out/inspect.png"
click 124 106; click 300 200 1; import -window root "$out/attention.png"
click 124 182 4; import -window root "$out/imbalance.png"
click 124 258 3; click 240 158 1; xdotool keydown ctrl; click 240 200 1; xdotool keyup ctrl; sleep 2; import -window root "$out/runs.png"
click 124 144; click 864 69 60; import -window root "$out/toy-noise.png"
echo "screenshots in $out"
