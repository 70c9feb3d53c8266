"""Dataset folders as `kemwb train --data` reads them: the rules of the Java reader data.FolderDataset.

Three layouts (recognised as FolderDataset recognises them; errors name the file):
- the workbench's own (`kemwb data synth`): images/ID.{png,jpg}, segmentation/ID.png and parts/ID.png
  (class ids 0..C-1, 255 ignored), depth/, normals/, edge/, sal/, split lists train.txt / val.txt;
- NYUD-v2 as the public MTL code bases ship it, recognised by gt_sets/: segmentation holds raw labels
  0..40, read as 0 -> 255 (ignored) and c -> c-1;
- PASCAL-Context of the same code bases, recognised by JPEGImages/: split lists
  ImageSets/Context/<split>.txt, semseg/pascal-context/ID.png, human_parts/ID.mat (PASCAL-Part: the
  parts of every person merged into 7 classes, see pascal_human_parts; an image without a .mat has no
  parts label: 255 everywhere), sal_distill/ID.png, normals_distill/ID.png (RGB).
In every layout: depth ID.npy in metres ((H,W) or (1,H,W); negative or non-finite -> 0 = invalid) or a
16-bit grey PNG in millimetres; normals ID.npy ((3,H,W) or (H,W,3); non-finite -> 0 = invalid) or an
RGB PNG, n = rgb / max * 2 - 1 renormalised (black = invalid); edges and saliency a PNG (1 where the
sample is above half its range, (2^bits - 1) // 2) or .npy (1 where > 0.5). Every label map must have
the image's size as displayed (EXIF orientation applied). Resizing to the model size: the image
bilinearly, labels nearest-neighbour with source row y * H_src // H (FolderDataset.nearest).
With h = w = None every map is kept at the image's own size (lists of tensors) for `augment` and `fit`.
"""
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

IGNORE = 255
FOLDERS = {"semseg": "segmentation", "parts": "parts", "depth": "depth", "normals": "normals",
           "edges": "edge", "saliency": "sal"}
PASCAL_FOLDERS = {"semseg": os.path.join("semseg", "pascal-context"), "parts": "human_parts", "depth": "depth",
                  "normals": "normals_distill", "edges": "edge", "saliency": "sal_distill"}
NYUD_CLASSES = 40
PERSON = 15  # PASCAL VOC class index of "person"
PARTS_CLASSES = 7
# PASCAL-Part part names of a person -> the 6 human-part classes (ASTMT pascal_part.json; PascalHumanParts.java)
PART_CLASS = {**dict.fromkeys(("hair", "head", "lear", "rear", "leye", "reye", "lebrow", "rebrow", "mouth", "nose"), 1),
              "neck": 2, "torso": 2, "luarm": 3, "ruarm": 3, "llarm": 4, "rlarm": 4, "lhand": 4, "rhand": 4,
              "luleg": 5, "ruleg": 5, "llleg": 6, "rlleg": 6, "lfoot": 6, "rfoot": 6}


def layout(root):
    """"pascal" (JPEGImages/), "nyud" (gt_sets/) or "workbench", as FolderDataset decides."""
    if os.path.isdir(os.path.join(root, "JPEGImages")):
        return "pascal"
    return "nyud" if os.path.isdir(os.path.join(root, "gt_sets")) else "workbench"


def split_ids(root, split):
    """The ids of a split list, blank lines skipped; FileNotFoundError / ValueError name the list."""
    kind = layout(root)
    if kind == "pascal":
        lst = os.path.join(root, "ImageSets", "Context", split + ".txt")
    else:
        lst = os.path.join(root, split + ".txt")
        if not os.path.isfile(lst):
            lst = os.path.join(root, "gt_sets", split + ".txt")
    if not os.path.isfile(lst):
        raise FileNotFoundError(f"dataset {root}: no split list {split}.txt (or gt_sets/{split}.txt, or "
                                f"ImageSets/Context/{split}.txt for PASCAL-Context)")
    with open(lst) as f:
        ids = [s.strip() for s in f if s.strip()]
    if not ids:
        raise ValueError(f"dataset {root}: split list {lst} is empty")
    return ids


def _first(folder, ident, exts, what="label file"):
    for e in exts:
        p = os.path.join(folder, ident + e)
        if os.path.isfile(p):
            return p
    also = f" (also looked for {', '.join(exts[1:])})" if len(exts) > 1 else ""
    raise FileNotFoundError(f"dataset: missing {what} {os.path.join(folder, ident + exts[0])}{also}")


def _nearest(a, h, w):
    """Nearest-neighbour resample of an (H, W) or (C, H, W) array: row y reads y * H_src // h (as Java;
    h None: unchanged)."""
    if h is None:
        return a
    src_h, src_w = a.shape[-2:]
    ys = np.arange(h) * src_h // h
    xs = np.arange(w) * src_w // w
    return a[..., ys[:, None], xs[None, :]]


def image_file(root, ident):
    return _first(os.path.join(root, "JPEGImages" if layout(root) == "pascal" else "images"), ident,
                  (".png", ".jpg", ".jpeg"), "image")


def _displayed_size(path):
    """(height, width) as displayed: EXIF orientations 5..8 swap the stored sides (ImageDecoder.size)."""
    try:
        with Image.open(path) as im:
            w, h = im.size
            orientation = im.getexif().get(0x0112, 1)
    except OSError as e:
        raise ValueError(f"{path}: not a readable image ({e})") from e
    return (w, h) if orientation in (5, 6, 7, 8) else (h, w)


def _read_image(path, h, w):
    try:
        with Image.open(path) as im:
            rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"), dtype=np.float32) / 255.0
    except OSError as e:
        raise ValueError(f"{path}: not a readable image ({e})") from e
    t = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0)
    if h is not None and t.shape[-2:] != (h, w):
        t = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False, antialias=True)
    return t[0]


def _png_bits(path):
    """Bits per sample of a PNG (IHDR), 8 for other formats: the range "half" of a binary map refers to."""
    with open(path, "rb") as f:
        head = f.read(26)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) == 26:
        return struct.unpack(">B", head[24:25])[0]
    return 8


def _samples(path, size):
    """Integer samples of a label image, (H, W) or (H, W, C), checked against the image size (h, w)."""
    try:
        with Image.open(path) as im:
            mode = im.mode
            a = np.asarray(im)
    except OSError as e:
        raise ValueError(f"{path}: not a readable image ({e})") from e
    if a.dtype.kind == "f":
        raise ValueError(f"{path}: has floating-point samples; a label map must hold integers (use .npy for real values)")
    if a.shape[:2] != size:
        raise ValueError(f"{path}: size {a.shape[1]}x{a.shape[0]} differs from the image {size[1]}x{size[0]}")
    return a, mode


def _check_shape(path, a, *allowed):
    if tuple(a.shape) not in allowed:
        raise ValueError(f"{path}: shape {list(a.shape)} does not match the image (expected {list(allowed[0])})")


def _classes(path, size, nyud):
    a, mode = _samples(path, size)
    if a.ndim != 2:
        raise ValueError(f"{path}: a label map needs one channel, this one has {a.shape[2]}")
    a = a.astype(np.int64)
    bits = _png_bits(path)
    if mode == "L" and bits < 8:
        a = a // (255 // ((1 << bits) - 1))  # Pillow widened 2/4-bit grey to 0..255: back to the raw values
    if nyud:
        bad = (a < 0) | (a > NYUD_CLASSES)
        if bad.any():
            y, x = np.argwhere(bad)[0]
            raise ValueError(f"{path}: label {a[y, x]} at ({x}, {y}) is out of NYUD-v2's raw range 0..40")
        return np.where(a == 0, IGNORE, a - 1)
    return a


def _binary(path, size):
    if path.endswith(".npy"):
        a = np.load(path)
        _check_shape(path, a, size, (1, *size))
        return (a.astype(np.float32).reshape(size) > np.float32(0.5)).astype(np.uint8)
    a, mode = _samples(path, size)
    if a.ndim == 3:
        a = a[..., 0]
    bits = _png_bits(path)
    # Pillow widens 2- and 4-bit grey to 0..255; palette indices and 1/16-bit samples stay raw
    half = 127 if mode == "L" else ((1 << bits) - 1) // 2
    return (a > half).astype(np.uint8)


def _depth(path, size):
    if path.endswith(".npy"):
        a = np.load(path).astype(np.float32)
        _check_shape(path, a, size, (1, *size))
        a = a.reshape(size)
        return np.where(np.isfinite(a) & (a >= 0), a, 0).astype(np.float32)
    a, mode = _samples(path, size)
    if a.ndim != 2 or _png_bits(path) != 16:
        raise ValueError(f"{path}: a depth PNG must be 16-bit grey in millimetres; use .npy for metres")
    return (a.astype(np.float32) / np.float32(1000)).astype(np.float32)


def _normals(path, size):
    if path.endswith(".npy"):
        a = np.load(path).astype(np.float32)
        _check_shape(path, a, (3, *size), (*size, 3))
        if a.shape != (3, *size):
            a = np.moveaxis(a, -1, 0)
        return np.where(np.isfinite(a).all(0), a, 0).astype(np.float32)
    a, _ = _samples(path, size)
    if a.ndim != 3 or a.shape[2] < 3:
        raise ValueError(f"{path}: a normals PNG needs 3 colour channels")
    bits = _png_bits(path)
    if bits != 8:
        raise ValueError(f"{path}: {bits}-bit normals PNG: this reader takes 8-bit RGB (or .npy)")
    rgb = np.moveaxis(a[..., :3].astype(np.float64), -1, 0)
    black = (rgb == 0).all(0)
    n = rgb / 255.0 * 2 - 1
    length = np.maximum(1e-9, np.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]))
    out = (n / length).astype(np.float32)
    out[:, black] = 0
    return out


def pascal_human_parts(path, size):
    """(H, W) int64 part labels of a PASCAL-Part annotation human_parts/ID.mat (PascalHumanParts.java):
    anno.objects(i) with class_ind 15 (person) and parts(j).part_name / .mask; each part's mask paints
    its class (PART_CLASS; objects and parts in MATLAB's column-major order, later ones over earlier);
    0 elsewhere. Needs scipy (scipy.io.loadmat)."""
    try:
        import scipy.io
    except ImportError as e:
        raise ValueError(f"{path}: reading PASCAL-Part .mat files needs scipy (apt install python3-scipy)") from e
    try:
        mat = scipy.io.loadmat(path)
    except Exception as e:  # scipy raises ValueError, TypeError, MatReadError ... on broken files
        raise ValueError(f"{path}: not a readable MATLAB 5 MAT-file ({e})") from e
    anno = mat.get("anno")
    if not isinstance(anno, np.ndarray) or anno.dtype.names is None or anno.size == 0:
        raise ValueError(f"{path}: no 'anno' struct (not a PASCAL-Part annotation)")
    anno = anno.ravel(order="F")[0]
    if "objects" not in anno.dtype.names or not isinstance(anno["objects"], np.ndarray) \
            or anno["objects"].dtype.names is None:
        raise ValueError(f"{path}: 'anno' has no 'objects' struct array")
    out = np.zeros(size, np.int64)
    for obj in anno["objects"].ravel(order="F"):
        cls = np.asarray(obj["class_ind"])
        if cls.dtype.kind not in "iufb" or cls.size != 1:
            raise ValueError(f"{path}: an object without a numeric class_ind")
        parts = obj["parts"] if "parts" in obj.dtype.names else None
        if int(cls.ravel()[0]) != PERSON or not isinstance(parts, np.ndarray) or parts.dtype.names is None:
            continue  # not a person, or a person without part annotations
        for part in parts.ravel(order="F"):
            name = part["part_name"]
            name = str(name.ravel()[0]) if isinstance(name, np.ndarray) and name.size == 1 and name.dtype.kind == "U" else None
            if name not in PART_CLASS:
                raise ValueError(f"{path}: unknown person part '{name}' (known: {sorted(PART_CLASS)})")
            mask = np.asarray(part["mask"])
            if mask.shape != size:
                raise ValueError(f"{path}: part '{name}' has no {size[0]} x {size[1]} mask (the image size)")
            out[mask != 0] = PART_CLASS[name]
    return out


def read_labels(root, ident, tasks):
    """The labels of one image at its own resolution (H, W as displayed), by task: semseg / parts (H, W)
    int64 (255 = ignore), depth (H, W) float32 metres (0 = invalid), normals (3, H, W) float32 (all-zero =
    invalid), edges / saliency (H, W) uint8 0/1. PASCAL parts of an image without human_parts/ID.mat:
    None (no person). Returns ((H, W), labels)."""
    kind = layout(root)
    size = _displayed_size(image_file(root, ident))
    folder = (lambda t: os.path.join(root, PASCAL_FOLDERS[t])) if kind == "pascal" else (lambda t: os.path.join(root, FOLDERS[t]))
    out = {}
    for t in tasks:
        d = folder(t)
        if t == "semseg":
            out[t] = _classes(_first(d, ident, (".png",)), size, kind == "nyud")
        elif t == "parts":
            png, mat = os.path.join(d, ident + ".png"), os.path.join(d, ident + ".mat")
            if kind == "pascal" and not os.path.exists(png):
                out[t] = pascal_human_parts(mat, size) if os.path.exists(mat) else None
            else:
                out[t] = _classes(_first(d, ident, (".png",)), size, False)
        elif t == "depth":
            out[t] = _depth(_first(d, ident, (".npy", ".png")), size)
        elif t == "normals":
            out[t] = _normals(_first(d, ident, (".npy", ".png")), size)
        elif t in ("edges", "saliency"):
            out[t] = _binary(_first(d, ident, (".png", ".npy")), size)
        else:
            raise ValueError(f"unknown task {t}")
    return size, out


def resized_labels(labels, h, w):
    """read_labels' maps at the model size (h, w) as FolderDataset.load gives them: nearest-neighbour;
    a missing map (PASCAL parts without a person) is 255 everywhere. Tensors: semseg / parts (h, w) int64,
    depth / edges / saliency (1, h, w) float32, normals (3, h, w) float32."""
    out = {}
    for t, a in labels.items():
        if a is None:
            out[t] = torch.full((h, w), IGNORE, dtype=torch.int64)
        elif t in ("semseg", "parts"):
            out[t] = torch.from_numpy(np.ascontiguousarray(_nearest(a, h, w)))
        elif t == "normals":
            out[t] = torch.from_numpy(np.ascontiguousarray(_nearest(a, h, w)))
        else:
            out[t] = torch.from_numpy(np.ascontiguousarray(_nearest(a.astype(np.float32), h, w))).unsqueeze(0)
    return out


class FolderData:
    """All samples of one split, preloaded as tensors at the model size (h, w)."""

    def __init__(self, root, split, tasks, h, w):
        self.ids = split_ids(root, split)
        self.tasks = list(tasks)
        images, labels = [], {t: [] for t in self.tasks}
        for ident in self.ids:
            image = _read_image(image_file(root, ident), h, w)
            images.append(image)
            _, native = read_labels(root, ident, self.tasks)
            hh, ww = (h, w) if h is not None else tuple(image.shape[-2:])  # own size: nearest is the identity
            for t, v in resized_labels(native, hh, ww).items():
                labels[t].append(v)
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
