#!/bin/sh
# Regenerates the fixtures of CardPatchGridTest (src/test/resources/org/kemwb/card/anysize): the tiny
# any-size ViT (tiny_any_size_vit.py, random weights, seed 0) exported with export_model.py, its
# card (input "multipleOf": 16, token groups "patch": 8), and PyTorch's outputs at two input sizes
# that are not the traced one: a random 48x80 input, and a 70x50 photo placed as the workbench
# places it (centred in 64x80, padding = mean colour = 0 after normalisation). Needs Debian's
# python3-torch (PYTHON overrides /usr/bin/python3).
set -e
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../../src/test/resources/org/kemwb/card/anysize"
mkdir -p "$dest"
cd "$here"
PYTHONPATH="$here" "${PYTHON:-/usr/bin/python3}" export_model.py --model tiny_any_size_vit:TinyAnySizeViT --random-weights \
  --card tiny_any_size_vit.card.json --out "$dest/model.pt"
PYTHONPATH="$here" "${PYTHON:-/usr/bin/python3}" - "$dest" <<'PY'
import sys, numpy as np, torch
from PIL import Image
from tiny_any_size_vit import TinyAnySizeViT
dest = sys.argv[1]
m = torch.jit.load(f"{dest}/model.pt")
# the export follows the input size: compare with eager at a size it was not traced at
torch.manual_seed(0)
eager = TinyAnySizeViT().eval()
eager.load_state_dict({k[len("model."):]: v for k, v in m.state_dict().items() if k.startswith("model.")})
x = torch.randn(1, 3, 48, 80, generator=torch.Generator().manual_seed(3))
with torch.no_grad():
    out = m(x)
    e = eager(x)
assert float((out[0] - e["semseg"]).abs().max()) < 1e-5 and float((out[1] - e["depth"]).abs().max()) < 1e-5, "export != eager"
assert tuple(out[2].shape) == (1, 2, 61, 61), out[2].shape
np.save(f"{dest}/input_48x80.npy", x.numpy().astype(np.float32))
for i, o in enumerate(out):
    np.save(f"{dest}/expected_48x80_{i}.npy", o.numpy().astype(np.float32))
# a 70x50 photo: scaled by 1 (sides <= maxSide 128), padded to 80x64, centred at left 5, top 7
y, xx = np.mgrid[0:50, 0:70]
rgb = np.stack([128 + 100 * np.sin(xx / 6.0), 128 + 100 * np.cos(y / 5.0), (xx * 3 + y) % 256], -1).astype(np.uint8)
Image.fromarray(rgb).save(f"{dest}/photo_70x50.png")
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
inp = torch.zeros(1, 3, 64, 80)
inp[:, :, 7:57, 5:75] = (torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255 - mean) / std
with torch.no_grad():
    att = m(inp)[2]
assert tuple(att.shape) == (1, 2, 81, 81), att.shape
np.save(f"{dest}/photo_70x50_encoder_mean.npy", att.mean(1)[0].numpy().astype(np.float32))
PY
ls -la "$dest"
