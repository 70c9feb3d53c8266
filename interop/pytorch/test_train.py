"""Tests of the DDP trainer (train.py + launch.py). Run: python3 -m unittest -v interop/pytorch/test_train.py

They train on a small random dataset folder in the NYUD-v2 layout, on the CPU with gloo:
- two ranks give the same loss curve as one process with the same global batch and seed;
- a killed rank stops the job with a clear message, leaves the run folder intact, and resume finishes
  the run with every step logged once and the same result as an uninterrupted run;
- a second trainer of the same folder is refused while the first holds run.lock.
The dataset readers are checked on NYUD-v2 files and on the committed PASCAL-Context fixture (labels
pixel by pixel as the Java reader gives them, then a few training steps with every metric filled).
"""
import csv
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # kemwb_torch, when run from the repository root as .ci/run does
PY = sys.executable
# the default architecture (conv stem, upsampling heads): train.py turns oneDNN off on CPUs, whose convolution
# made gradients differ from run to run of the same step on torch 1.13, so 1 rank vs 2 ranks agree to 1e-4
CONFIG = {"model": {"imageSize": 16, "patch": 4, "dim": 16, "heads": 2, "encoderDepth": 1, "decoderDepth": 1,
                    "slots": 4, "topK": 2},
          "batch": 4, "logEvery": 1, "evalEvery": 10, "warmup": 2, "lr": 0.003}


def make_dataset(root, count=16, size=16, seed=0):
    rng = np.random.default_rng(seed)
    for d in ("images", "segmentation", "depth", "normals"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    ids = [f"{i:04d}" for i in range(count)]
    for i in ids:
        seg = rng.integers(0, 6, (size, size)).astype(np.uint8)
        img = np.clip(seg[..., None] * 40 + rng.integers(0, 20, (size, size, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(os.path.join(root, "images", i + ".png"))
        Image.fromarray(seg).save(os.path.join(root, "segmentation", i + ".png"))
        np.save(os.path.join(root, "depth", i + ".npy"), (1 + seg).astype(np.float32))
        n = rng.normal(size=(3, size, size)).astype(np.float32)
        np.save(os.path.join(root, "normals", i + ".npy"), n / np.linalg.norm(n, axis=0, keepdims=True))
    with open(os.path.join(root, "train.txt"), "w") as f:
        f.write("\n".join(ids[:12]) + "\n")
    with open(os.path.join(root, "val.txt"), "w") as f:
        f.write("\n".join(ids[12:]) + "\n")


def rows(run):
    with open(os.path.join(run, "metrics.csv"), newline="") as f:
        return list(csv.DictReader(f))


def train_losses(run):
    return {int(r["step"]): float(r["loss"]) for r in rows(run) if r["kind"] == "train"}


class NyudLayoutTest(unittest.TestCase):
    def test_nyud_labels_are_read_as_the_code_bases_read_them(self):
        from kemwb_torch.data import FolderData
        root = tempfile.mkdtemp(prefix="kemwb-nyud-")
        try:
            for d in ("images", "segmentation", "depth", "normals", "gt_sets"):
                os.makedirs(os.path.join(root, d))
            Image.fromarray(np.zeros((2, 4, 3), np.uint8)).save(os.path.join(root, "images", "0001.png"))
            Image.fromarray(np.array([[0, 1, 40, 21], [1, 1, 0, 40]], np.uint8)).save(os.path.join(root, "segmentation", "0001.png"))
            Image.fromarray(np.array([[0, 1500, 2250, 3000], [1000, 0, 9750, 1]], np.uint16)).save(os.path.join(root, "depth", "0001.png"))
            n = np.zeros((2, 4, 3), np.uint8)
            n[..., 2] = 255  # z = 1; x, y = 128 -> 0.0039 (about 0)
            n[..., :2] = 128
            n[0, 0] = 0  # black: invalid
            Image.fromarray(n).save(os.path.join(root, "normals", "0001.png"))
            with open(os.path.join(root, "gt_sets", "train.txt"), "w") as f:
                f.write("0001\n")
            d = FolderData(root, "train", ["semseg", "depth", "normals"], 2, 4)
            self.assertEqual(d.labels["semseg"][0].tolist(), [[255, 0, 39, 20], [0, 0, 255, 39]])
            np.testing.assert_allclose(d.labels["depth"][0, 0].numpy(), [[0.0, 1.5, 2.25, 3.0], [1.0, 0.0, 9.75, 0.001]], rtol=1e-6)
            self.assertEqual(d.labels["normals"][0][:, 0, 0].tolist(), [0.0, 0.0, 0.0])
            # 128 -> 1/255 in x and y, renormalised as FolderDataset.normalsFromPng does
            self.assertAlmostEqual(d.labels["normals"][0][2, 1, 1].item(), 1 / math.sqrt(1 + 2 / 255 ** 2), places=6)
        finally:
            shutil.rmtree(root, ignore_errors=True)


PASCAL = os.path.join(HERE, "..", "..", "src", "test", "resources", "pascal-tiny")
PASCAL_TASKS = ["semseg", "parts", "normals", "edges", "saliency"]


class PascalLayoutTest(unittest.TestCase):
    """The committed PASCAL-Context fixture (src/test/resources/pascal-tiny, written by its make_fixture.py)
    reads pixel for pixel as its generator says, at the image's size and at the model size; the Java reader
    is held to the same arrays by org.kemwb.data.PascalFixtureTest."""

    def ids(self, split):
        with open(os.path.join(PASCAL, "ImageSets", "Context", split + ".txt")) as f:
            return [s.strip() for s in f if s.strip()]

    def assert_maps(self, ident, got, expected, absent):
        for c, t in ((0, "semseg"), (1, "parts"), (5, "edges"), (6, "saliency")):
            if t == "parts" and got[t] is None:
                self.assertTrue((expected[1] == absent).all(), f"{ident}: parts annotation expected")
                continue
            np.testing.assert_array_equal(np.asarray(got[t]).reshape(expected.shape[1:]), expected[c], err_msg=f"{ident} {t}")
        np.testing.assert_allclose(np.asarray(got["normals"]), expected[2:5], atol=1e-6, rtol=0, err_msg=f"{ident} normals")

    def test_labels_match_the_generator_pixel_by_pixel(self):
        from kemwb_torch.data import FolderData, layout, read_labels
        self.assertEqual(layout(PASCAL), "pascal")
        no_person = 0
        for split in ("train", "val"):
            ids = self.ids(split)
            d = FolderData(PASCAL, split, PASCAL_TASKS, 16, 16)
            self.assertEqual(d.ids, ids)
            for i, ident in enumerate(ids):
                native = np.load(os.path.join(PASCAL, "expected", ident + ".npy"))
                size, labels = read_labels(PASCAL, ident, PASCAL_TASKS)
                self.assertEqual(size, native.shape[1:])
                self.assert_maps(ident, labels, native, -1)
                no_person += labels["parts"] is None
                small = np.load(os.path.join(PASCAL, "expected", ident + "_16.npy"))
                self.assert_maps(ident, {t: d.labels[t][i].numpy() for t in PASCAL_TASKS}, small, 255)
                self.assertEqual(tuple(d.images[i].shape), (3, 16, 16))
        self.assertEqual(no_person, 2, "two images have no human_parts/ID.mat")

    def test_bad_mat_file_is_named(self):
        from kemwb_torch.data import read_labels
        root = tempfile.mkdtemp(prefix="kemwb-pascal-")
        try:
            shutil.copytree(PASCAL, os.path.join(root, "p"))
            mat = os.path.join(root, "p", "human_parts", "2008_000002.mat")
            with open(mat, "wb") as f:
                f.write(b"MATLAB 5.0 MAT-file, truncated")
            with self.assertRaises(ValueError) as e:
                read_labels(os.path.join(root, "p"), "2008_000002", ["parts"])
            self.assertIn("2008_000002.mat", str(e.exception))
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def test_trains_a_few_steps_on_it_with_every_metric(self):
        tmp = tempfile.mkdtemp(prefix="kemwb-pascal-run-")
        try:
            cfg = os.path.join(tmp, "cfg.json")
            model = dict(CONFIG["model"], tasks=PASCAL_TASKS, semsegClasses=6, partsClasses=7)
            with open(cfg, "w") as f:
                json.dump(dict(CONFIG, model=model, batch=2, evalEvery=2), f)
            run = os.path.join(tmp, "run")
            p = subprocess.run([PY, os.path.join(HERE, "train.py"), "--run", run, "--config", cfg, "--data", PASCAL,
                                "--steps", "4", "--threads", "1"], capture_output=True, text=True, timeout=900)
            self.assertEqual(p.returncode, 0, p.stderr)
            evals = [r for r in rows(run) if r["kind"] == "eval"]
            self.assertEqual([r["step"] for r in evals], ["2", "4"])
            for r in evals:
                for k in ("semseg_miou", "parts_miou", "normals_mean_deg", "edges_odsf", "edges_oisf", "edges_ap",
                          "saliency_maxf", "saliency_miou"):
                    self.assertTrue(r[k] and math.isfinite(float(r[k])), f"{k} in {r}")
                self.assertLessEqual(float(r["edges_odsf"]), 100)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class AugmentTest(unittest.TestCase):
    """Scale, crop, flip and pad keep every label on its pixel (as Java's AugmentTest): a block image whose
    labels follow from its colours (cube vertices: a bilinear mix equals one only with all weight on it)."""
    PALETTE = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]], np.float32)

    def blocks(self, h, w, b, seed):
        import torch
        rng = np.random.default_rng(seed)
        cls = rng.integers(0, len(self.PALETTE), ((h + b - 1) // b, (w + b - 1) // b))
        c = np.kron(cls, np.ones((b, b), np.int64))[:h, :w]
        image = torch.from_numpy(np.moveaxis(self.PALETTE[c], -1, 0).copy())
        normals = np.stack([0.2 + 0.1 * c, -0.3 + 0.05 * c, np.ones_like(c, dtype=np.float64)]).astype(np.float32)
        labels = {"semseg": torch.from_numpy(c), "depth": torch.from_numpy((1 + c)[None].astype(np.float32)),
                  "normals": torch.from_numpy(normals * 2)}
        return image, labels

    def test_labels_stay_on_their_pixels(self):
        from kemwb_torch.data import PAD_RGB, augment
        image, labels = self.blocks(40, 56, 5, 1)
        rng = np.random.default_rng(7)
        checked = 0
        for trial in range(60):
            out_h, out_w = [(24, 32), (48, 64), (17, 29)][trial % 3]
            img, lab = augment(image, labels, rng, 0.5, 2.0, out_h, out_w)
            self.assertEqual(tuple(img.shape), (3, out_h, out_w))
            rgb = img.numpy().transpose(1, 2, 0)
            seg = lab["semseg"].numpy()
            pad = seg == 255
            np.testing.assert_allclose(rgb[pad], np.broadcast_to(PAD_RGB, rgb[pad].shape), atol=1e-6)
            self.assertTrue((lab["depth"][0].numpy()[pad] == 0).all())
            dist = np.abs(rgb[:, :, None, :] - self.PALETTE[None, None]).max(-1)  # (H, W, classes)
            pure = (dist < 1e-5).any(-1) & ~pad
            self.assertGreater(pure.sum(), (~pad).sum() / 3)
            colour_class = dist.argmin(-1)
            np.testing.assert_array_equal(seg[pure], colour_class[pure], f"trial {trial}")
            np.testing.assert_allclose(lab["depth"][0].numpy()[pure], 1 + colour_class[pure])
            nx = lab["normals"][0].numpy()[pure]
            expected = (0.2 + 0.1 * colour_class[pure]) / np.sqrt((0.2 + 0.1 * colour_class[pure]) ** 2
                                                                 + (-0.3 + 0.05 * colour_class[pure]) ** 2 + 1)
            self.assertTrue(np.allclose(nx, expected, atol=1e-5) or np.allclose(nx, -expected, atol=1e-5),
                            "normals renormalised, x negated only on flip")
            checked += pure.sum()
        self.assertGreater(checked, 10000)

    def test_same_seed_same_crops_and_centred_padding(self):
        from kemwb_torch.data import crop, augment
        image, labels = self.blocks(6, 10, 2, 4)
        a = augment(image, labels, np.random.default_rng(3), 0.5, 2.0, 8, 12)
        b = augment(image, labels, np.random.default_rng(3), 0.5, 2.0, 8, 12)
        self.assertTrue(torch_equal(a[0], b[0]) and torch_equal(a[1]["semseg"], b[1]["semseg"]))
        img, lab = crop(image, labels, 11, 16, 1.0, 0, 0, False)
        seg = lab["semseg"].numpy()
        self.assertTrue((seg[:2] == 255).all() and (seg[8:] == 255).all() and (seg[:, :3] == 255).all() and (seg[:, 13:] == 255).all())
        np.testing.assert_array_equal(seg[2:8, 3:13], labels["semseg"].numpy())


def torch_equal(a, b):
    import torch
    return bool(torch.equal(a, b))


class TrainerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kemwb-ddp-")
        cls.data = os.path.join(cls.tmp, "data")
        make_dataset(cls.data)
        cls.cfg = os.path.join(cls.tmp, "cfg.json")
        with open(cls.cfg, "w") as f:
            json.dump(CONFIG, f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_trainer(self, run, nproc, steps, extra=(), check=True):
        args = ["--run", run, "--config", self.cfg, "--data", self.data, "--steps", str(steps), "--threads", "1",
                *extra]
        if nproc == 1:
            cmd = [PY, os.path.join(HERE, "train.py"), *args]
        else:
            cmd = [PY, os.path.join(HERE, "launch.py"), "--nproc", str(nproc), os.path.join(HERE, "train.py"), *args]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_two_ranks_match_one_process(self):
        one, two = os.path.join(self.tmp, "one"), os.path.join(self.tmp, "two")
        self.run_trainer(one, 1, 20)
        self.run_trainer(two, 2, 20)
        a, b = train_losses(one), train_losses(two)
        self.assertEqual(sorted(a), list(range(1, 21)))
        self.assertEqual(sorted(a), sorted(b))
        # same global batch, same order, same init: only float summation order differs
        for s in a:
            self.assertAlmostEqual(a[s], b[s], delta=1e-4 * max(1.0, abs(a[s])), msg=f"step {s}")
        self.assertLess(a[20], a[1], "the loss must fall")
        for run in (one, two):
            with open(os.path.join(run, "run.json")) as f:
                node = json.load(f)
            self.assertEqual(node["status"], "finished")
            self.assertEqual(node["step"], 20)
            self.assertTrue(os.path.exists(os.path.join(run, "best.npz")))
        evals = [r for r in rows(two) if r["kind"] == "eval"]
        self.assertEqual([r["step"] for r in evals], ["10", "20"])
        self.assertTrue(all(r["semseg_miou"] and r["depth_rmse"] and r["normals_mean_deg"] for r in evals))

    def test_killed_rank_stops_job_and_resume_finishes_same_run(self):
        whole, killed = os.path.join(self.tmp, "whole"), os.path.join(self.tmp, "killed")
        self.run_trainer(whole, 2, 30)
        cmd = [PY, os.path.join(HERE, "launch.py"), "--nproc", "2", "--grace", "5", os.path.join(HERE, "train.py"),
               "--run", killed, "--config", self.cfg, "--data", self.data, "--steps", "30", "--threads", "1"]
        p = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        pids = p.stderr.readline().split("pids")[1].split()
        # wait for the first checkpoint (step 10), then kill rank 1 mid-run
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            done = [r for r in rows(killed) if r["kind"] == "train"] if os.path.exists(os.path.join(killed, "metrics.csv")) else []
            if len(done) >= 13:
                break
            time.sleep(0.05)
        os.kill(int(pids[1]), signal.SIGKILL)
        err = p.stderr.read()
        p.stderr.close()
        code = p.wait(timeout=300)
        self.assertNotEqual(code, 0)
        self.assertIn("rank 1 was killed by signal 9", err)
        with open(os.path.join(killed, "run.json")) as f:
            node = json.load(f)
        self.assertIn(node["status"], ("failed", "cancelled"), node)
        self.assertEqual(node["step"], 10, "run.json names the last checkpointed step")
        self.assertFalse([n for n in os.listdir(killed) if n.endswith(".partial")])
        # resume finishes it: every step once, the same losses as the uninterrupted run
        r = subprocess.run([PY, os.path.join(HERE, "launch.py"), "--nproc", "2", os.path.join(HERE, "train.py"),
                            "--run", killed, "--resume", "--threads", "1"], capture_output=True, text=True, timeout=900)
        self.assertEqual(r.returncode, 0, r.stderr)
        steps = [int(x["step"]) for x in rows(killed) if x["kind"] == "train"]
        self.assertEqual(steps, list(range(1, 31)))
        a, b = train_losses(whole), train_losses(killed)
        for s in a:
            self.assertAlmostEqual(a[s], b[s], delta=1e-4 * max(1.0, abs(a[s])), msg=f"step {s}")

    def test_second_trainer_of_a_folder_is_refused(self):
        run = os.path.join(self.tmp, "locked")
        self.run_trainer(run, 1, 2)
        import fcntl
        with open(os.path.join(run, "run.lock"), "a+") as f:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            f.write("otherhost 4242\n")
            f.flush()
            # the holder is another process: resume must refuse, naming the folder and the holder
            p = subprocess.run([PY, "-c", "import sys; sys.path.insert(0, %r); import train; sys.exit(train.main(%r))"
                                % (HERE, ["--run", run, "--resume"])], capture_output=True, text=True, timeout=300)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("run.lock", p.stderr)
        self.assertIn(run, p.stderr)

    def test_bad_config_is_refused_in_one_line_and_writes_nothing(self):
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            json.dump({"model": {"dimm": 8}}, f)
        run = os.path.join(self.tmp, "bad-run")
        p = subprocess.run([PY, os.path.join(HERE, "train.py"), "--run", run, "--config", bad, "--data", self.data],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn('unknown key "dimm"', p.stderr)
        self.assertFalse(os.path.exists(os.path.join(run, "run.json")))

    def test_steps_and_top_k_out_of_range_are_refused(self):
        big = os.path.join(self.tmp, "bigk.json")
        with open(big, "w") as f:
            json.dump({"model": dict(CONFIG["model"], topK=100)}, f)  # 3 tasks x 16 tokens = 48
        for args, words in ((["--config", big], ["model.topK = 100", "48 tokens"]),
                            (["--config", self.cfg, "--steps", "0"], ["--steps = 0", "[1, "])):
            run = os.path.join(self.tmp, "refused")
            p = subprocess.run([PY, os.path.join(HERE, "train.py"), "--run", run, "--data", self.data, *args],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            for w in words:
                self.assertIn(w, p.stderr)
            self.assertFalse(os.path.exists(os.path.join(run, "run.json")))


if __name__ == "__main__":
    unittest.main()
