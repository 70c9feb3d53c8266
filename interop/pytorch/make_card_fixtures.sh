#!/bin/sh
# Regenerates the fixtures of CardModelTest (src/test/resources/org/kemwb/card/tiny): the tiny
# joint ViT exported with export_model.py (random weights, seed 0), its card, the random input
# and the eager PyTorch outputs. Needs Debian's python3-torch (PYTHON overrides /usr/bin/python3).
set -e
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../../src/test/resources/org/kemwb/card/tiny"
cd "$here"
PYTHONPATH="$here" "${PYTHON:-/usr/bin/python3}" export_model.py --model tiny_joint_vit:TinyJointViT --random-weights \
  --card tiny_joint_vit.card.json --out "$dest/model.pt" --fixtures "$dest"
