#!/usr/bin/env bash
# What training choices change which tokens the KEM memory slots read: short runs of the sample
# model (samples/sample-train.json) that differ in one choice each (slots N, top-k, heads, the
# training seed = the random init), then `kemwb readouts` on 64 held-out synthetic scenes.
# Usage: [SEEDS="1 2 3"] bench/memory-readouts.sh [STEPS] [OUT]   (KEMWB=path/to/kemwb to use another
# launcher; each variant is trained once per seed, seed 1 as NAME, others as NAME-sSEED; variants whose
# report exists in OUT are skipped, so an interrupted sweep resumes; bench/memory-readouts-table.py
# --by-variant prints mean ± std over the seeds)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-400}"
out="${2:-runs/memory-readouts}"
kemwb="${KEMWB:-./kemwb}"
mkdir -p "$out"
variants=(
  'base|{}'
  'N5|{"slots": 5}'
  'N60|{"slots": 60}'
  'k1|{"topK": 1}'
  'k8|{"topK": 8}'
  'h1|{"heads": 1}'
  'h4|{"heads": 4}'

)
for v in "${variants[@]}"; do
 for seed in ${SEEDS:-1}; do
  IFS="|" read -r name model <<<"$v"
  [ "$seed" = 1 ] || name="$name-s$seed"
  python3 - "$model" "$seed" "$steps" "$out/$name.json" <<'PY'
import json, sys
c = json.load(open("samples/sample-train.json"))
c["model"].update(json.loads(sys.argv[1]))
c["seed"] = int(sys.argv[2])
c["steps"] = int(sys.argv[3])
c["evalEvery"] = int(sys.argv[3])
json.dump(c, open(sys.argv[4], "w"))
PY
  if [ -s "$out/$name.readouts.txt" ]; then echo "$name: done before (remove $out/$name.readouts.txt to redo)"; continue; fi
  rm -rf "$out/$name"
  t0=$(date +%s)
  "$kemwb" train --run "$out/$name" --config "$out/$name.json" --interaction kem >"$out/$name.train.log" 2>&1
  t1=$(date +%s)
  "$kemwb" readouts --checkpoint "$out/$name/best.params" --count 64 --out "$out/$name.readouts.txt" >/dev/null 2>&1
  echo "$name: trained ${steps} steps in $((t1 - t0)) s; $(tail -1 "$out/$name/metrics.csv")"
 done
done
