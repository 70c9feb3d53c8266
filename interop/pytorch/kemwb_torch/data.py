"""Dataset folders as `kemwb train --data` reads them (NYUD-v2 layout of the public MTL code bases).

Layout: images/ID.{png,jpg}, segmentation/ID.png, depth/ID.npy (metres, 0 = no label),
normals/ID.npy ((3,H,W) or (H,W,3), all-zero = no label), edge/ID.{png,npy}, sal/ID.png,
parts/ID.png, split lists train.txt / val.txt (or gt_sets/<split>.txt).
NYUD-v2 as the public MTL code bases ship it (split lists in gt_sets/, as FolderDataset reads it):
segmentation holds raw labels 0..40, read as 0 -> 255 (ignored) and c -> c-1; depth may be a 16-bit
PNG in millimetres (0 = invalid); normals may be an RGB PNG, n = rgb / 255 * 2 - 1 (black = invalid).
Every map is resized to the model's input size: the image bilinearly, labels nearest-neighbour.
Errors name the file.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

IGNORE = 255
FOLDERS = {"semseg": "segmentation", "parts": "parts", "depth": "depth", "normals": "normals",
           "edges": "edge", "saliency": "sal"}


def _first(folder, ident, exts):
    for e in exts:
        p = os.path.join(folder, ident + e)
        if os.path.isfile(p):
            return p
    raise FileNotFoundError(f"dataset: missing {os.path.join(folder, ident)}{{{','.join(exts)}}}")


def _nearest(a, h, w):
    """Nearest-neighbour resample of an (H, W) or (C, H, W) array with pixel-centre sampling."""
    src_h, src_w = a.shape[-2:]
    ys = np.minimum(((np.arange(h) + 0.5) * src_h / h).astype(np.int64), src_h - 1)
    xs = np.minimum(((np.arange(w) + 0.5) * src_w / w).astype(np.int64), src_w - 1)
    return a[..., ys[:, None], xs[None, :]]


def _read_image(path, h, w):
    try:
        with Image.open(path) as im:
            rgb = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
    except OSError as e:
        raise ValueError(f"{path}: not a readable image ({e})") from e
    t = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0)
    if t.shape[-2:] != (h, w):
        t = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False, antialias=True)
    return t[0]


def _read_labels(path):
    if path.endswith(".npy"):
        return np.load(path)
    with Image.open(path) as im:
        return np.asarray(im)


class FolderData:
    """All samples of one split, preloaded as tensors at the model size (h, w)."""

    def __init__(self, root, split, tasks, h, w):
        lst = os.path.join(root, split + ".txt")
        if not os.path.isfile(lst):
            lst = os.path.join(root, "gt_sets", split + ".txt")
        if not os.path.isfile(lst):
            raise FileNotFoundError(f"dataset {root}: no split list {split}.txt (or gt_sets/{split}.txt)")
        with open(lst) as f:
            self.ids = [s.strip() for s in f if s.strip()]
        if not self.ids:
            raise ValueError(f"dataset {root}: split list {lst} is empty")
        self.tasks = list(tasks)
        nyud = os.path.basename(os.path.dirname(lst)) == "gt_sets"
        images, labels = [], {t: [] for t in self.tasks}
        for ident in self.ids:
            images.append(_read_image(_first(os.path.join(root, "images"), ident, (".png", ".jpg", ".jpeg")), h, w))
            for t in self.tasks:
                folder = os.path.join(root, FOLDERS[t])
                exts = (".npy", ".png") if t in ("depth", "normals") else (".png", ".npy")
                path = _first(folder, ident, exts)
                a = _read_labels(path)
                if nyud and t == "semseg":
                    a = np.where(a == 0, 255, a.astype(np.int64) - 1)
                elif t == "depth" and path.endswith(".png"):
                    a = a.astype(np.float32) / 1000.0  # millimetres; 0 stays invalid
                elif t == "normals" and path.endswith(".png"):
                    black = (a[..., :3] == 0).all(-1)
                    a = a[..., :3].astype(np.float32) / 255.0 * 2 - 1
                    a[black] = 0
                if t == "normals":
                    if a.ndim != 3 or 3 not in (a.shape[0], a.shape[-1]):
                        raise ValueError(f"{path}: normals must be (3,H,W) or (H,W,3), got {a.shape}")
                    if a.shape[0] != 3:
                        a = np.moveaxis(a, -1, 0)
                    labels[t].append(torch.from_numpy(_nearest(a.astype(np.float32), h, w)))
                elif t == "depth":
                    labels[t].append(torch.from_numpy(_nearest(a.astype(np.float32), h, w)).unsqueeze(0))
                elif t in ("edges", "saliency"):
                    b = (a > (127 if a.dtype == np.uint8 and a.max() > 1 else 0)).astype(np.float32)
                    labels[t].append(torch.from_numpy(_nearest(b, h, w)).unsqueeze(0))
                else:
                    labels[t].append(torch.from_numpy(_nearest(a.astype(np.int64), h, w)))
        self.images = torch.stack(images)
        self.labels = {t: torch.stack(v) for t, v in labels.items()}

    def __len__(self):
        return len(self.ids)


def augment(image, labels, rng, max_scale):
    """Flip (normals' x negated) and random zoom, nearest for every map (Java's train.Augment)."""
    h, w = image.shape[-2:]
    flip = rng.random() < 0.5
    scale = 1 + rng.random() * (max_scale - 1)
    fx, fy = rng.random(), rng.random()
    ys = np.arange(h)
    xs = np.arange(w)
    if scale > 1:
        wh, ww = h / scale, w / scale
        y0, x0 = fy * (h - wh), fx * (w - ww)
        ys = np.minimum((y0 + (ys + 0.5) * wh / h).astype(np.int64), h - 1)
        xs = np.minimum((x0 + (xs + 0.5) * ww / w).astype(np.int64), w - 1)
    if flip:
        xs = xs[::-1].copy()
    yi, xi = torch.from_numpy(ys)[:, None], torch.from_numpy(xs)[None, :]
    out = {}
    for t, a in labels.items():
        b = a[..., yi, xi]
        if t == "normals" and flip:
            b = b.clone()
            b[0] = -b[0]
        out[t] = b
    return image[:, yi, xi], out
