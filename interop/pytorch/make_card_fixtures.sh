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
# A 96x64 photo (the input's aspect) and the model's outputs on it brought to the photo's size by
# F.interpolate (bilinear, align_corners=False): the reference of the whole photo pipeline.
PYTHONPATH="$here" "${PYTHON:-/usr/bin/python3}" - "$dest" <<'PY'
import sys, numpy as np, torch, torch.nn.functional as F
dest = sys.argv[1]
from PIL import Image
y, x = np.mgrid[0:64, 0:96]
rgb = np.stack([128 + 100 * np.sin(x / 9.0), 128 + 100 * np.cos(y / 7.0), (x * 2 + y) % 256], -1).astype(np.uint8)
Image.fromarray(rgb).save(f"{dest}/photo.png")
m = torch.jit.load(f"{dest}/model.pt")
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
inp = (torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255 - mean) / std
with torch.no_grad():
    out = m(inp)
seg = F.interpolate(out[0], size=(64, 96), mode="bilinear", align_corners=False)[0]
top2 = seg.topk(2, dim=0).values
np.save(f"{dest}/photo_semseg_first4.npy", seg[:4].numpy().astype(np.float32))  # 4 of 40 channels (size)
np.save(f"{dest}/photo_semseg_classes.npy", seg.argmax(0).numpy().astype(np.uint8))
np.save(f"{dest}/photo_semseg_margin.npy", (top2[0] - top2[1]).numpy().astype(np.float32))
depth = F.interpolate(out[1], size=(64, 96), mode="bilinear", align_corners=False)[0]
np.save(f"{dest}/photo_depth.npy", depth.numpy().astype(np.float32))
PY
