"""Time of the PyTorch trainer's edge benchmark (interop/pytorch/kemwb_torch/metrics.py: 99 thresholds,
LUT thinning, scipy matching) per image, on the same kind of input as EdgeMetricsBench.java: a random
boundary map (lines) as label, the label shifted by one pixel plus uniform noise up to 0.35 as the
prediction. Wall and process CPU time per image (CPU time barely moves with machine load).

  /usr/bin/python3 bench/edge_metrics_py.py [images] [sizes...]     (default 8 images, 64 128 256)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "pytorch"))
from kemwb_torch.metrics import SetMetrics  # noqa: E402


def main():
    images = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    sizes = [int(s) for s in sys.argv[2:]] or [64, 128, 256]
    print("size,images,wall_ms_per_image,cpu_ms_per_image,ods_f")
    for s in sizes:
        rng = np.random.default_rng(7)
        data = []
        for _ in range(images):
            label = np.zeros((s, s), np.uint8)
            for _ in range(6):
                if rng.random() < 0.5:
                    label[rng.integers(0, s), :] = 1
                else:
                    label[:, rng.integers(0, s)] = 1
            prob = np.roll(label, 1, axis=0).astype(np.float32) * 0.6 + (rng.random((s, s)) * 0.35).astype(np.float32)
            data.append((label, np.clip(prob, 0, 1)))
        m = SetMetrics(["edges"], 2, 2)
        w0, c0 = time.perf_counter(), time.process_time()
        for label, prob in data:
            m.add("edges", prob[None], label)
        wall, cpu = (time.perf_counter() - w0) * 1000 / images, (time.process_time() - c0) * 1000 / images
        print(f"{s},{images},{wall:.0f},{cpu:.0f},{m.result()['edges_odsf']:.2f}", flush=True)


if __name__ == "__main__":
    main()
