#!/usr/bin/env bash
# Native-model inference at photo size and at 64x64 (issue 14): median forward ms without and with
# attention maps, and peak resident memory, one JVM per case (InferenceSizeBenchmark).
#   bench/infer-size.sh [OUT.csv]       env: KINDS (kem), REPEATS (10), CASES ("H W DIM PATCH" lines),
#                                       ARCHS (stem/head of the model: "patch/linear conv/upsample")
# Before/after a change at square sizes: build the older commit in another worktree and run this
# script there with CASES limited to square sizes (the class only uses APIs that predate H x W).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results-infer-size-cpu.csv}"
kinds="${KINDS:-kem}"
archs="${ARCHS:-patch/linear conv/upsample}"
repeats="${REPEATS:-10}"
cases="${CASES:-480 640 128 16
480 640 256 16
64 64 128 16
64 64 256 16}"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -ntp -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
cp="target/classes:$(cat "$cp_file")"
export MALLOC_ARENA_MAX=1
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" > "$out"
echo "interaction,height,width,dim,patch,tokens_per_task,forward_ms,forward_attention_ms,rss_model_mb,peak_rss_mb,architecture" >> "$out"
for kind in ${kinds//,/ }; do
  for arch in $archs; do
    while read -r h w d p; do
      [ -z "$h" ] && continue
      java --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx2g -cp "$cp" org.kemwb.bench.InferenceSizeBenchmark \
        "$kind" "$h" "$w" "$d" "$p" "$repeats" "$arch" 2>/dev/null | tail -1 | tee -a "$out"
    done <<< "$cases"
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
echo "written $out" >&2
