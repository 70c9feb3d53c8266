#!/usr/bin/env bash
# Regenerates src/test/resources/interop/pytorch-run/: a tiny run folder written by train.py
# (run.json, metrics.csv, best.npz) that PyTorchRunTest opens with the Java side, without Python.
# Needs Debian's python3-torch, python3-numpy and python3-pil.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=src/test/resources/interop/pytorch-run
tmp=$(mktemp -d)
/usr/bin/python3 -c "import sys; sys.path.insert(0, 'interop/pytorch'); import test_train; test_train.make_dataset('$tmp/data')"
cat > "$tmp/cfg.json" <<JSON
{"model": {"imageSize": 16, "patch": 4, "dim": 8, "heads": 1, "encoderDepth": 1, "decoderDepth": 1, "slots": 4, "topK": 2},
 "batch": 4, "logEvery": 1, "evalEvery": 4, "warmup": 1}
JSON
/usr/bin/python3 interop/pytorch/train.py --run "$tmp/run" --config "$tmp/cfg.json" --data "$tmp/data" --steps 4 --threads 1
rm -rf "$dest"
mkdir -p "$dest"
cp "$tmp/run/run.json" "$tmp/run/metrics.csv" "$tmp/run/best.npz" "$dest/"
rm -rf "$tmp"
du -sh "$dest"
