#!/usr/bin/env bash
# Regenerates the workbench screenshots: every page at 1024x700 and 1600x1000, light and dark,
# on the bundled samples (Inspect on a synthetic dataset image, so its ground-truth rows show).
# The app runs headless (Monocle) and snapshots its own scene, so no X server is needed;
# `xvfb-run -a scripts/screenshots.sh` works as well. Writes all 28 PNGs to OUT (default
# /tmp/kemwb-screenshots); the few linked from the README are copied to docs/screenshots/ with
# `--docs` (8-bit palette PNGs, each under 300 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/kemwb-screenshots}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -ntp -o -q test -Dtest=Screenshots -Dsurefire.failIfNoSpecifiedTests=false -Dkemwb.screenshots="$out"
echo "screenshots in $out"
if [[ "${1:-}" == "--docs" ]]; then
  mkdir -p docs/screenshots
  rm -f docs/screenshots/*.png
  for shot in inspect-1024x700-light inspect-1600x1000-dark attention-1024x700-dark attention-slots-1600x1000-light \
              imbalance-1024x700-dark runs-1024x700-light train-1024x700-dark toy-noise-1024x700-light; do
    convert "$out/$shot.png" -colors 64 "PNG8:docs/screenshots/$shot.png"
  done
  ls -l docs/screenshots
fi
