"""Exports a workbench model to TorchScript for `kemwb infer` / the GUI, and writes parity fixtures.

Interface of the exported module (documented in the README):
  input  image: float32 (B, 3, H, W), RGB in [0, 1], H x W = config imageHeight x imageWidth
         (imageSize x imageSize when those are 0 or absent)
  output tuple: one (B, C_t, H, W) map per task in config order, then token_attention
         (B, K*L, K*L) (empty (B, 0, 0) for interaction "none")
The model card travels next to the file as <name>.card.json (the same card that export_model.py
writes for other models, with the workbench config under "workbench"); exports made before the
card (config in <name>.pt.json) still open.

  python3 export_torchscript.py MODEL.npz OUT.pt [--fixtures DIR]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from kemwb_torch import load_npz  # noqa: E402
from kemwb_torch.model import token_grid  # noqa: E402


KINDS = {"semseg": "segmentation", "parts": "segmentation", "depth": "depth", "normals": "normals",
         "edges": "edges", "saliency": "saliency"}


def workbench_card(cfg):
    """The model card of a workbench export: input, tasks, token attention and the config."""
    # imageHeight x imageWidth (imageSize x imageSize when 0 or absent), grid gh x gw as the model builds it
    h = cfg.get("imageHeight") or cfg["imageSize"]
    w = cfg.get("imageWidth") or cfg["imageSize"]
    gh, gw = token_grid(cfg)
    tasks = []
    for t in cfg["tasks"]:
        e = {"name": t, "kind": KINDS[t]}
        if t in ("semseg", "parts"):
            n = cfg["semsegClasses"] if t == "semseg" else cfg["partsClasses"]
            e["classes"] = [f"class {c}" for c in range(n)]
        elif t == "depth":
            e["unit"] = "metres"
        elif t == "normals":
            e["axes"] = ["right", "up", "forward"]  # SyntheticScenes: camera x right, y up, z forward
            e["frame"] = "camera"
        else:
            e["values"] = "logits"
        tasks.append(e)
    card = {"format": "kemwb-model-card/1", "name": f"workbench {cfg['interaction']} model",
            "input": {"height": h, "width": w, "channels": "RGB", "range": 1}, "tasks": tasks}
    if cfg["interaction"] != "none":
        layout = {"groups": [{"task": t, "grid": [gh, gw]} for t in cfg["tasks"]]}
        card["attention"] = [{"name": "token_attention", "heads": "averaged", "rows": layout, "columns": layout}]
    card["workbench"] = cfg
    return card


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("npz")
    ap.add_argument("out")
    ap.add_argument("--fixtures", help="also write input.npy and expected_<i>.npy (PyTorch eager outputs)")
    a = ap.parse_args()
    model = load_npz(a.npz)
    card = workbench_card(model.cfg)
    h, w = card["input"]["height"], card["input"]["width"]
    g = torch.Generator().manual_seed(0)
    example = torch.rand(2, 3, h, w, generator=g)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        traced.save(a.out)
        stem = a.out[:-3] if a.out.endswith(".pt") else a.out
        with open(stem + ".card.json", "w") as f:
            json.dump(card, f, indent=2)
        if a.fixtures:
            os.makedirs(a.fixtures, exist_ok=True)
            np.save(os.path.join(a.fixtures, "input.npy"), example.numpy())
            for i, o in enumerate(model(example)):
                np.save(os.path.join(a.fixtures, f"expected_{i}.npy"), o.numpy().astype(np.float32))
    print("written", a.out)


if __name__ == "__main__":
    main()
