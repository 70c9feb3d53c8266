"""Writes src/test/resources/interop/conv-upsample/: a PyTorch-born model of the conv stem and
upsampling heads (non-square, 24 x 40 pixels, patch 8, d 8, KEM), saved with save_npz as
train.py saves its checkpoints, a random input and the PyTorch eager outputs. PyTorchParityTest
opens the .npz in the workbench and compares its outputs with these to 1e-4, without Python.

  /usr/bin/python3 interop/pytorch/make_conv_fixture.py   (Debian's python3-torch, python3-numpy)
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kemwb_torch import MultiTaskNet, save_npz  # noqa: E402

DEST = os.path.join(HERE, "..", "..", "src", "test", "resources", "interop", "conv-upsample")


def main():
    with open(os.path.join(HERE, "kemwb_torch", "defaults.json")) as f:
        cfg = json.load(f)["model"]
    cfg.update({"interaction": "kem", "imageSize": 40, "imageHeight": 24, "imageWidth": 40, "patch": 8, "dim": 8,
                "heads": 2, "encoderDepth": 1, "decoderDepth": 1, "slots": 6, "topK": 3, "semsegClasses": 5,
                "stem": "conv", "head": "upsample"})
    torch.manual_seed(3)
    model = MultiTaskNet(cfg)
    with torch.no_grad():  # position and memory start at zero / N(0, 1): give every parameter a visible value
        model.position.normal_(0, 0.5)
    model.eval()
    os.makedirs(DEST, exist_ok=True)
    save_npz(model, os.path.join(DEST, "model.npz"))
    image = torch.rand(1, 3, 24, 40, generator=torch.Generator().manual_seed(0))
    np.save(os.path.join(DEST, "input.npy"), image.numpy())
    with torch.no_grad():
        for i, o in enumerate(model(image)):
            np.save(os.path.join(DEST, f"expected_{i}.npy"), o.numpy().astype(np.float32))
    print("written", os.path.normpath(DEST), sum(os.path.getsize(os.path.join(DEST, n)) for n in os.listdir(DEST)), "bytes")


if __name__ == "__main__":
    main()
