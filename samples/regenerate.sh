#!/usr/bin/env bash
# Regenerates the bundled samples from seeds with the project's own CLI.
# Measured on an idle 2-core CPU (1500 steps at 64x64, batch 8, conv stem and upsampling heads
# as in sample-train.json): 279-301 s per multi-task model, 108-121 s per single-task model,
# 24 minutes for the six, plus about 25 minutes for the imbalance experiment (kemwb imbalance
# with its defaults; the Imbalance page opens its results). SKIP_IMBALANCE=1 leaves that out.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
for kind in kem ca skem; do
  ./kemwb train --run "$tmp/$kind" --config samples/sample-train.json --interaction "$kind"
  mkdir -p "samples/runs/$kind" samples/checkpoints
  cp "$tmp/$kind/run.json" "$tmp/$kind/metrics.csv" "$tmp/$kind/best.params" "samples/runs/$kind/"
  cp "$tmp/$kind/best.params" "samples/checkpoints/$kind.params"
done
for task in semseg depth normals; do   # single-task baselines for Δm
  python3 -c "import json,sys; c=json.load(open('samples/sample-train.json')); c['model']['tasks']=[sys.argv[1]]; json.dump(c, open(sys.argv[2], 'w'))" "$task" "$tmp/stl.json"
  ./kemwb train --run "$tmp/none-$task" --config "$tmp/stl.json" --interaction none
  mkdir -p "samples/runs/none-$task"
  cp "$tmp/none-$task/run.json" "$tmp/none-$task/metrics.csv" "$tmp/none-$task/best.params" "samples/runs/none-$task/"
  cp "$tmp/none-$task/best.params" "samples/checkpoints/none-$task.params"
done
./kemwb data synth --out "$tmp/images" --count 4 --size 192 --seed 99
mkdir -p samples/images
for i in 0 1 2 3; do cp "$tmp/images/images/00000$i.png" "samples/images/scene-$i.png"; done
cp "$tmp/images/dataset.json" samples/images/
rm -rf "$tmp"
[ "${SKIP_IMBALANCE:-0}" = 1 ] || ./kemwb imbalance --out samples/imbalance
