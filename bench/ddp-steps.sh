#!/usr/bin/env bash
# Steps/s of interop/pytorch/train.py with 1 process (all cores) vs 2 ranks (gloo, 1 thread each)
# on the default model (64x64, d=64, kem) with global batch 8, on a random 64x64 dataset.
# Usage: bench/ddp-steps.sh [STEPS]   (prints one CSV line per setting)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 -c "import sys; sys.path.insert(0, 'interop/pytorch'); import test_train; test_train.make_dataset('$tmp/data', count=80, size=64)"
echo '{"evalEvery": 100000, "logEvery": 1}' > "$tmp/cfg.json"
cores=$(nproc)
echo "setting,processes,threads_per_process,steps,median_step_ms,steps_per_s,load_avg"
for setting in "1 $cores" "2 1"; do
  set -- $setting
  run="$tmp/run-$1"
  if [ "$1" = 1 ]; then
    /usr/bin/python3 interop/pytorch/train.py --run "$run" --config "$tmp/cfg.json" --data "$tmp/data" --steps "$steps" --threads "$2" >/dev/null
  else
    /usr/bin/python3 interop/pytorch/launch.py --nproc "$1" interop/pytorch/train.py --run "$run" --config "$tmp/cfg.json" \
      --data "$tmp/data" --steps "$steps" --threads "$2" >/dev/null 2>&1
  fi
  /usr/bin/python3 - "$run" "$1" "$2" "$steps" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import csv, statistics, sys
run, procs, threads, steps, load = sys.argv[1:]
ms = [float(r["step_ms"]) for r in csv.DictReader(open(run + "/metrics.csv")) if r["kind"] == "train"][5:]
med = statistics.median(ms)
print(f"ddp,{procs},{threads},{steps},{med:.1f},{1000 / med:.2f},{load}")
PY
done
