"""Writes src/test/resources/interop/metrics-parity/: random predictions and labels of 3 images and the
metrics kemwb_torch.metrics computes on them (expected.json). MetricsParityTest checks that the Java
metrics (published convention) give the same numbers, so train.py's metrics.csv and the workbench's agree.

  /usr/bin/python3 interop/pytorch/make_metrics_fixture.py
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kemwb_torch.metrics import SetMetrics  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "src", "test", "resources", "interop", "metrics-parity")
H, W, N = 10, 12, 3
EH, EW = 96, 128  # edge maps: the matching tolerance 0.0075 x diagonal is 1.2 pixels here


def edge_image(rng, i):
    """Ground-truth boundaries (0/1, 255 = no label) and a probability map near them: lines of the
    label shifted by 0..2 pixels (some matched within the tolerance, some not), thick strokes (thinned),
    noise; image 2 has no boundary at all (recall's degenerate cases)."""
    gt = np.zeros((EH, EW), np.uint8)
    prob = (rng.random((EH, EW)) * 0.3).astype(np.float32)
    if i != 2:
        for _ in range(4):
            y, x = int(rng.integers(5, EH - 5)), int(rng.integers(5, EW - 5))
            length = int(rng.integers(10, 60))
            kind = int(rng.integers(0, 3))
            shift = int(rng.integers(0, 3))
            level = np.float32(rng.uniform(0.4, 1.0))
            for t in range(length):
                yy, xx = (y, x + t) if kind == 0 else (y + t, x) if kind == 1 else (y + t, x + t)
                if yy < EH and xx < EW:
                    gt[yy, xx] = 1
                    py, px = min(EH - 1, yy + shift), xx
                    prob[py, max(0, px - 1):px + 2] = level  # a 3-pixel-wide stroke
    prob[rng.random((EH, EW)) < 0.01] = np.float32(0.95)  # isolated false positives
    gt[:, :8] = 255  # a strip without label
    return gt, np.clip(prob, 0, 1)


def main():
    rng = np.random.default_rng(7)
    os.makedirs(OUT, exist_ok=True)
    tasks = ["semseg", "parts", "depth", "normals", "saliency", "edges"]
    m = SetMetrics(tasks, 6, 5)
    for i in range(N):
        seg_gt = rng.integers(0, 5, (H, W))  # class 5 never labelled: absent classes count 0
        seg_gt[rng.random((H, W)) < 0.1] = 255
        seg_logits = rng.normal(size=(6, H, W)).astype(np.float32)
        parts_gt = rng.integers(0, 5, (H, W)) if i != 1 else np.zeros((H, W), np.int64)  # image 1: no person
        parts_logits = rng.normal(size=(5, H, W)).astype(np.float32)
        depth_gt = rng.uniform(0.5, 5, (1, H, W)).astype(np.float32)
        depth_gt[rng.random((1, H, W)) < 0.2] = 0  # no measurement
        depth_pred = rng.normal(2, 1.5, (1, H, W)).astype(np.float32)  # some <= 0: clamped
        normals_gt = rng.normal(size=(3, H, W)).astype(np.float32)
        normals_gt[:, rng.random((H, W)) < 0.15] = 0  # no label
        normals_pred = rng.normal(size=(3, H, W)).astype(np.float32)
        sal_gt = (rng.random((H, W)) < 0.4).astype(np.int64)
        sal_gt[rng.random((H, W)) < 0.1] = 255
        sal_prob = rng.random((1, H, W)).astype(np.float32)
        arrays = {"semseg_gt": seg_gt.astype(np.int32), "semseg_logits": seg_logits,
                  "parts_gt": parts_gt.astype(np.int32), "parts_logits": parts_logits,
                  "depth_gt": depth_gt, "depth_pred": depth_pred, "normals_gt": normals_gt,
                  "normals_pred": normals_pred, "saliency_gt": sal_gt.astype(np.int32), "saliency_prob": sal_prob}
        for k, v in arrays.items():
            np.save(os.path.join(OUT, f"{k}_{i}.npy"), v)
        m.add("semseg", seg_logits, seg_gt)
        m.add("parts", parts_logits, parts_gt)
        m.add("depth", depth_pred, depth_gt)
        m.add("normals", normals_pred, normals_gt)
        m.add("saliency", sal_prob, sal_gt)
    edge_rng = np.random.default_rng(8)  # its own generator: the arrays above stay as they were
    for i in range(N):
        edges_gt, edges_prob = edge_image(edge_rng, i)
        np.save(os.path.join(OUT, f"edges_gt_{i}.npy"), edges_gt)
        np.save(os.path.join(OUT, f"edges_prob_{i}.npy"), edges_prob[None])
        m.add("edges", edges_prob[None], edges_gt)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(m.result(), f, indent=1, sort_keys=True)
    print(json.dumps(m.result(), sort_keys=True))


if __name__ == "__main__":
    main()
