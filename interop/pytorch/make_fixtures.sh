#!/usr/bin/env bash
# Regenerates src/test/resources/interop/: for sKEM, CA, NexusFlow and CTAL, a small trained checkpoint (.params,
# made by the Java CLI), its .npz, the TorchScript export of the PyTorch twin, a random input and
# the PyTorch eager outputs. CI checks parity against these without Python.
# Needs Debian's python3-torch and python3-numpy.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=src/test/resources/interop
mkdir -p "$dest"
tmp=$(mktemp -d)
for kind in ${KINDS:-skem ca nexusflow ctal}; do
  cat > "$tmp/cfg.json" <<JSON
{"model": {"tasks": ["semseg", "depth", "normals"], "interaction": "$kind", "imageSize": 32, "patch": 8, "dim": 16,
 "heads": 2, "encoderDepth": 1, "decoderDepth": 1, "slots": 6, "topK": 3}, "steps": 20, "batch": 4,
 "trainImages": 16, "valImages": 4, "evalEvery": 20, "device": "cpu"}
JSON
  ${KEMWB:-./kemwb} train --run "$tmp/$kind" --config "$tmp/cfg.json" >/dev/null
  cp "$tmp/$kind/last.params" "$dest/$kind.params"
  ${KEMWB:-./kemwb} convert "$dest/$kind.params" "$dest/$kind.npz"
  /usr/bin/python3 interop/pytorch/export_torchscript.py "$dest/$kind.npz" "$dest/$kind.pt" --fixtures "$dest/$kind-expected"
done
rm -rf "$tmp"
du -sh "$dest"
