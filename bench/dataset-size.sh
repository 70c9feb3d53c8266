#!/usr/bin/env bash
# Training at NYUD-v2's size on the committed 480x640 set (DatasetSizeBench): read, augment and
# step times of a 448x576 model.   bench/dataset-size.sh [STEPS] [BATCH] [DIMS...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -ntp -o -q compile dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
export MALLOC_ARENA_MAX=1
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx3g -cp "target/classes:$(cat "$cp_file")" \
  bench/DatasetSizeBench.java "$@" 2>/dev/null
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
