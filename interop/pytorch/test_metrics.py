"""Tests of kemwb_torch.metrics (the PyTorch trainer's metrics). Run: python3 -m unittest -v interop/pytorch/test_metrics.py

- edges: per-image boundary counts and ODS / OIS / AP equal those of the independent reference
  src/test/resources/edges/make_edge_fixtures.py (its committed edge_fixtures.json, which the Java
  EdgeMetricsTest also meets); the thinning against hand-checked shapes.
- every task: SetMetrics on the committed predictions of src/test/resources/interop/metrics-parity still
  gives its expected.json, which the Java MetricsParityTest checks the workbench's metrics against.
"""
import json
import os
import sys
import unittest

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # kemwb_torch, when run from the repository root as .ci/run does
RES = os.path.join(HERE, "..", "..", "src", "test", "resources")


class EdgeMetricsTest(unittest.TestCase):
    def test_counts_and_scores_equal_the_reference(self):
        from kemwb_torch.metrics import edge_counts, edge_scores
        d = os.path.join(RES, "edges")
        with open(os.path.join(d, "edge_fixtures.json")) as f:
            ref = json.load(f)
        counts = []
        for img in ref["images"]:
            label = np.asarray(Image.open(os.path.join(d, img["label"])))
            prob = (np.asarray(Image.open(os.path.join(d, img["probability"]))).astype(np.float64) / 255.0).astype(np.float32)
            c = edge_counts(label, prob)
            np.testing.assert_array_equal(c, np.array(img["counts"]), err_msg=img["label"])
            counts.append(c)
        ods, ois, ap = edge_scores(counts)
        self.assertAlmostEqual(ods, ref["ods_f"], places=12)
        self.assertAlmostEqual(ois, ref["ois_f"], places=12)
        self.assertAlmostEqual(ap, ref["ap"], places=12)

    def test_thinning_keeps_lines_and_shrinks_blocks(self):
        from kemwb_torch.metrics import thin
        line = np.zeros((5, 9), bool)
        line[2, 1:8] = True
        np.testing.assert_array_equal(thin(line), line, "a one-pixel line stays")
        bar = np.zeros((7, 12), bool)
        bar[2:5, 1:11] = True  # 3 pixels thick
        t = thin(bar)
        self.assertTrue(t.any())
        self.assertTrue((t.sum(0)[2:10] == 1).all(), "one pixel per column inside the bar")
        self.assertFalse((t & ~bar).any(), "thinning never adds pixels")

    def test_image_without_labels_is_skipped(self):
        from kemwb_torch.metrics import SetMetrics
        m = SetMetrics(["edges"], 2, 2)
        m.add("edges", np.full((1, 8, 8), 0.9, np.float32), np.full((1, 8, 8), 255.0))
        self.assertTrue(all(np.isnan(v) for v in m.result().values()))


class ParityFixtureTest(unittest.TestCase):
    def test_committed_expected_values_are_what_the_trainer_computes(self):
        from kemwb_torch.metrics import SetMetrics
        d = os.path.join(RES, "interop", "metrics-parity")
        with open(os.path.join(d, "expected.json")) as f:
            expected = json.load(f)
        m = SetMetrics(["semseg", "parts", "depth", "normals", "saliency", "edges"], 6, 5)
        load = lambda name, i: np.load(os.path.join(d, f"{name}_{i}.npy"))
        for i in range(3):
            m.add("semseg", load("semseg_logits", i), load("semseg_gt", i).astype(np.int64))
            m.add("parts", load("parts_logits", i), load("parts_gt", i).astype(np.int64))
            m.add("depth", load("depth_pred", i), load("depth_gt", i))
            m.add("normals", load("normals_pred", i), load("normals_gt", i))
            m.add("saliency", load("saliency_prob", i), load("saliency_gt", i).astype(np.int64))
            m.add("edges", load("edges_prob", i), load("edges_gt", i))
        got = m.result()
        self.assertEqual(sorted(got), sorted(expected))
        for k, v in expected.items():
            self.assertAlmostEqual(got[k], v, delta=1e-9 * max(1, abs(v)), msg=k)


if __name__ == "__main__":
    unittest.main()
