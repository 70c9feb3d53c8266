"""Dataset folders as `kemwb train --data` reads them (NYUD-v2 layout of the public MTL code bases).

Layout: images/ID.{png,jpg}, segmentation/ID.png, depth/ID.npy (metres, 0 = no label),
normals/ID.npy ((3,H,W) or (H,W,3), all-zero = no label), edge/ID.{png,npy}, sal/ID.png,
parts/ID.png, split lists train.txt / val.txt (or gt_sets/<split>.txt).
NYUD-v2 as the public MTL code bases ship it (split lists in gt_sets/, as FolderDataset reads it):
segmentation holds raw labels 0..40, read as 0 -> 255 (ignored) and c -> c-1; depth may be a 16-bit
PNG in millimetres (0 = invalid); normals may be an RGB PNG, n = rgb / 255 * 2 - 1 (black = invalid).
Every map is resized to the model's input size (the image bilinearly, labels nearest-neighbour),
or, with h = w = None, kept at the image's own size (lists of tensors) for `augment` and `fit`.
Errors name the file.
"""
import math
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
    """Nearest-neighbour resample of an (H, W) or (C, H, W) array with pixel-centre sampling (h None: unchanged)."""
    if h is None:
        return a
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
    if h is not None and t.shape[-2:] != (h, w):
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
        stack = torch.stack if h is not None else list  # own sizes differ: a list per map
        self.images = stack(images)
        self.labels = {t: stack(v) for t, v in labels.items()}

    def __len__(self):
        return len(self.ids)


PAD_RGB = (0.485, 0.456, 0.406)  # ImageNet mean: zero after the code bases' normalisation
PAD_LABEL = {"semseg": IGNORE, "parts": IGNORE, "edges": IGNORE, "saliency": IGNORE, "depth": 0.0, "normals": 0.0}


def _scaled(n, scale):
    return max(1, int(math.floor(n * scale + 1e-9)))


def _axis(n, scaled, out, offset, flip):
    """Per output position: inside the content, nearest source index, bilinear pair and weight (Java Augment.Axis)."""
    content = min(scaled, out)
    ci = np.arange(out) - (out - content) // 2
    valid = (ci >= 0) & (ci < content)
    ci = np.clip(ci, 0, content - 1)
    sc = (content - 1 - ci if flip else ci) + offset
    x = (sc + 0.5) * (n / scaled)
    near = np.minimum(x.astype(np.int64), n - 1)
    f = np.maximum(x - 0.5, 0)
    lo = np.minimum(f.astype(np.int64), n - 1)
    hi = np.minimum(lo + 1, n - 1)
    weight = np.where(hi == lo, 0.0, f - lo).astype(np.float32)
    return valid, near, lo, hi, weight


def crop(image, labels, out_h, out_w, scale, top, left, flip):
    """Scale by `scale`, crop out_h x out_w at (top, left) of the scaled image, flip, pad centred (Java Augment.apply).

    The image bilinear with half-pixel centres (cv2 INTER_LINEAR, no antialias), padded with PAD_RGB; labels
    nearest under the same mapping, padded with 255 (0 for depth and normals); normals' x negated on flip and
    renormalised; depth in metres unchanged.
    """
    h, w = image.shape[-2:]
    sh, sw = _scaled(h, scale), _scaled(w, scale)
    if top < 0 or left < 0 or top > max(0, sh - out_h) or left > max(0, sw - out_w):
        raise ValueError(f"augment: crop at ({top}, {left}) is outside the {sh}x{sw} scaled image")
    vy, ny, y0, y1, wy = _axis(h, sh, out_h, top, False)
    vx, nx, x0, x1, wx = _axis(w, sw, out_w, left, flip)
    inside = torch.from_numpy(vy[:, None] & vx[None, :])
    img = image.float()
    wy_t, wx_t = torch.from_numpy(wy)[:, None], torch.from_numpy(wx)[None, :]
    row0, row1 = img[:, torch.from_numpy(y0)], img[:, torch.from_numpy(y1)]
    lo_x, hi_x = torch.from_numpy(x0), torch.from_numpy(x1)
    upper = row0[:, :, lo_x] * (1 - wx_t) + row0[:, :, hi_x] * wx_t
    lower = row1[:, :, lo_x] * (1 - wx_t) + row1[:, :, hi_x] * wx_t
    out_img = upper * (1 - wy_t) + lower * wy_t
    pad = torch.tensor(PAD_RGB, dtype=out_img.dtype)[:, None, None].expand_as(out_img)
    out_img = torch.where(inside, out_img, pad)
    yi, xi = torch.from_numpy(ny)[:, None], torch.from_numpy(nx)[None, :]
    out = {}
    for t, a in labels.items():
        b = a[..., yi, xi].clone()
        if t == "normals":
            if flip:
                b[0] = -b[0]
            length = b.norm(dim=0, keepdim=True)
            b = torch.where(length > 0, b / length.clamp_min(1e-12), torch.zeros_like(b))
        b[..., ~inside] = PAD_LABEL[t]
        out[t] = b
    return out_img, out


def augment(image, labels, rng, min_scale, max_scale, out_h, out_w):
    """A random training crop as Java's Augment.draw: flip (p = 1/2), scale uniform in [min_scale, max_scale],
    integer offsets uniform where the out_h x out_w crop fits; see `crop`."""
    h, w = image.shape[-2:]
    flip = bool(rng.random() < 0.5)
    scale = min_scale + rng.random() * (max_scale - min_scale)
    top = int(rng.integers(0, max(0, _scaled(h, scale) - out_h) + 1))
    left = int(rng.integers(0, max(0, _scaled(w, scale) - out_w) + 1))
    return crop(image, labels, out_h, out_w, scale, top, left, flip)


def fit(image, labels, out_h, out_w):
    """The whole image fitted into out_h x out_w with its aspect kept, centred and padded (Java Augment.fit).
    A shrunk image is resampled with antialiasing (as Java's Pillow-style resize) so it does not alias."""
    h, w = image.shape[-2:]
    if (h, w) == (out_h, out_w):
        return image, labels
    scale = min(out_h / h, out_w / w)
    img, out = crop(image, labels, out_h, out_w, scale, 0, 0, False)
    if scale < 1:
        sh, sw = _scaled(h, scale), _scaled(w, scale)
        small = F.interpolate(image.float()[None], size=(sh, sw), mode="bilinear", align_corners=False, antialias=True)[0]
        t, lf = (out_h - sh) // 2, (out_w - sw) // 2
        img[:, t:t + sh, lf:lf + sw] = small.clamp(0, 1)
    return img, out


def fitted(data, out_h, out_w):
    """A FolderData read at its own sizes with every sample fitted into out_h x out_w, stacked (validation)."""
    pairs = [fit(data.images[i], {t: data.labels[t][i] for t in data.tasks}, out_h, out_w) for i in range(len(data))]
    data.images = torch.stack([p[0] for p in pairs])
    data.labels = {t: torch.stack([p[1][t] for p in pairs]) for t in data.tasks}
    return data
