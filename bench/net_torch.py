"""PyTorch eager forward+backward of the whole net (the twin in interop/pytorch), to compare with
`kemwb bench` "net" rows: default model config at the given image sizes, d=128, batch 8,
semseg+depth+normals, loss = CE + L1 + (1 - cos) on random labels.
  OMP_WAIT_POLICY=PASSIVE python3 bench/net_torch.py [--sizes 64,128,256] [--kinds none,ca,kem,skem]
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop", "pytorch"))
from kemwb_torch.model import MultiTaskNet  # noqa: E402

import timing  # noqa: E402  (bench/, next to this script)

BASE = {"tasks": ["semseg", "depth", "normals"], "imageSize": 128, "patch": 8, "dim": 64, "heads": 1,
        "encoderDepth": 2, "decoderDepth": 2, "mlpRatio": 2, "slots": 20, "topK": 3, "lambda": 1.0,
        "semsegClasses": 6, "partsClasses": 5, "etfSeed": 7, "backbone": "stem", "backboneChannels": 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="64,128,256", help="image sizes; tokens per task = (size/8)^2")
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--kinds", default="none,ca,kem,skem")
    a = ap.parse_args()
    print("scope,interaction,tokens_per_task,batch,median_ms,steps_per_s")
    for kind in a.kinds.split(","):
        for size in (int(s) for s in a.sizes.split(",")):
            torch.manual_seed(0)
            net = MultiTaskNet(dict(BASE, interaction=kind, imageSize=size, dim=a.dim))
            def inputs():
                img = torch.rand(a.batch, 3, size, size)
                seg = torch.randint(0, 6, (a.batch, size, size))
                depth = torch.rand(a.batch, 1, size, size) * 4.5 + 0.5
                normals = F.normalize(torch.randn(a.batch, 3, size, size), dim=1)
                return img, seg, depth, normals

            def step(img, seg, depth, normals):
                out = net(img)
                loss = F.cross_entropy(out[0], seg) + (out[1] - depth).abs().mean() + (1 - (out[2] * normals).sum(1)).mean()
                loss.backward()

            ms, _ = timing.measure(inputs, step, a.repeats)
            tokens = (size // BASE["patch"]) ** 2
            print(f"torch-net,{kind},{tokens},{a.batch},{ms:.3f},{1000 / ms:.3f}", flush=True)


if __name__ == "__main__":
    main()
