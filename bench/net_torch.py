"""PyTorch eager forward+backward of the whole net (the twin in interop/pytorch), to compare with
`kemwb bench` "net" rows: default model config at 128x128, d=64, batch 8, semseg+depth+normals,
loss = CE + L1 + (1 - cos) on random labels.
  OMP_WAIT_POLICY=PASSIVE python3 bench/net_torch.py
"""
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop", "pytorch"))
from kemwb_torch.model import MultiTaskNet  # noqa: E402

BASE = {"tasks": ["semseg", "depth", "normals"], "imageSize": 128, "patch": 8, "dim": 64, "heads": 1,
        "encoderDepth": 2, "decoderDepth": 2, "mlpRatio": 2, "slots": 20, "topK": 3, "lambda": 1.0,
        "semsegClasses": 6, "partsClasses": 5, "etfSeed": 7, "backbone": "stem", "backboneChannels": 0}

print("scope,interaction,tokens_per_task,batch,median_ms,steps_per_s")
for kind in ["none", "ca", "kem", "skem"]:
    torch.manual_seed(0)
    net = MultiTaskNet(dict(BASE, interaction=kind))
    times = []
    for i in range(7):
        img = torch.rand(8, 3, 128, 128)
        seg = torch.randint(0, 6, (8, 128, 128))
        depth = torch.rand(8, 1, 128, 128) * 4.5 + 0.5
        normals = F.normalize(torch.randn(8, 3, 128, 128), dim=1)
        t0 = time.perf_counter()
        out = net(img)
        loss = F.cross_entropy(out[0], seg) + (out[1] - depth).abs().mean() + (1 - (out[2] * normals).sum(1)).mean()
        loss.backward()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    print(f"torch-net,{kind},256,8,{ms:.3f},{1000 / ms:.3f}", flush=True)
