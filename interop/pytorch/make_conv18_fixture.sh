#!/bin/sh
# Regenerates the fixture of NativeAllocatorConvTest (src/test/resources/org/kemwb/card/conv18): the
# tiny 18-channel CNN (tiny_conv18.py, random weights, seed 0) exported with export_model.py, its
# card, the random input and PyTorch's eager output. Needs Debian's python3-torch.
set -e
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../../src/test/resources/org/kemwb/card/conv18"
cd "$here"
PYTHONPATH="$here" "${PYTHON:-/usr/bin/python3}" export_model.py --model tiny_conv18:TinyConv18 --random-weights \
  --card tiny_conv18.card.json --out "$dest/model.pt" --fixtures "$dest"
ls -la "$dest"
