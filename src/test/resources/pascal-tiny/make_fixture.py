#!/usr/bin/env python3
"""Writes a tiny PASCAL-Context folder in the layout of the public MTL code bases, and the labels its
readers must give (run: /usr/bin/python3 src/test/resources/pascal-tiny/make_fixture.py; needs numpy,
Pillow, scipy). Nothing here is read by the project at build or run time.

Layout: JPEGImages/ID.jpg, ImageSets/Context/{train,val}.txt, semseg/pascal-context/ID.png (class ids,
255 ignored; grey or palette PNG), human_parts/ID.mat (PASCAL-Part struct: persons with parts, a dog
with parts, a person without parts; images 2008_000004 and 2008_000010 have no .mat = no person),
normals_distill/ID.png (RGB, black = no label), sal_distill/ID.png (8-bit grey, one 1-bit, one 4-bit
palette), edge/ID.png (8-bit grey) or edge/ID.npy (float, threshold 0.5). Images have different sizes,
none of them the model size.

expected/ID.npy: float32 (7, H, W) at the image's own size, channels semseg, parts, normal x, y, z,
edges, saliency, derived here from the arrays before they were encoded (parts: -1 everywhere when the
image has no annotation). expected/ID_16.npy: the same at the model size 16 x 16, nearest-neighbour
with source row y * H // 16 (parts 255 where the image has no annotation). data.FolderDataset (Java,
PascalFixtureTest) and kemwb_torch.data (Python, test_train.PascalLayoutTest) must both give these.
"""
import os
import shutil

import numpy as np
import scipy.io as sio
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 16
# id -> (height, width); split
IMAGES = {"2008_000002": ((20, 24), "train"), "2008_000003": ((24, 20), "train"), "2008_000004": ((18, 18), "train"),
          "2008_000007": ((22, 26), "train"), "2008_000008": ((20, 20), "val"), "2008_000010": ((17, 23), "val")}
NO_PERSON = {"2008_000004", "2008_000010"}
PART_CLASS = {"hair": 1, "head": 1, "nose": 1, "neck": 2, "torso": 2, "luarm": 3, "rlarm": 4, "rhand": 4,
              "luleg": 5, "llleg": 6, "lfoot": 6}


def struct_array(rows, fields):
    """1 x n MATLAB struct array (scipy.io.savemat writes numpy record arrays of objects as structs)."""
    a = np.zeros((1, len(rows)), dtype=[(f, "O") for f in fields])
    for i, r in enumerate(rows):
        for f in fields:
            a[0, i][f] = r[f]
    return a


def blob(rng, h, w):
    """A random filled ellipse, boolean (h, w)."""
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    ry, rx = rng.uniform(2, h / 2), rng.uniform(2, w / 2)
    y, x = np.mgrid[0:h, 0:w]
    return ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1


def main():
    rng = np.random.default_rng(2008)
    for d in ("JPEGImages", "ImageSets", "semseg", "human_parts", "normals_distill", "sal_distill", "edge", "expected"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    for d in ("JPEGImages", "ImageSets/Context", "semseg/pascal-context", "human_parts", "normals_distill",
              "sal_distill", "edge", "expected"):
        os.makedirs(os.path.join(HERE, d))
    splits = {"train": [], "val": []}
    for n, (ident, ((h, w), split)) in enumerate(IMAGES.items()):
        splits[split].append(ident)
        # semantic segmentation: 0..5, some pixels 255 (ignored)
        seg = np.zeros((h, w), np.uint8)
        for c in range(1, 6):
            seg[blob(rng, h, w)] = c
        seg[rng.random((h, w)) < 0.05] = 255
        path = os.path.join(HERE, "semseg", "pascal-context", ident + ".png")
        if n % 2:  # palette PNG: the samples are the palette indices
            im = Image.fromarray(seg, "P")
            im.putpalette([v for i in range(256) for v in ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256)])
            im.save(path)
        else:
            Image.fromarray(seg, "L").save(path)
        # the photo: a colour per class plus noise
        colours = rng.integers(0, 256, (256, 3))
        img = np.clip(colours[seg] + rng.integers(-20, 20, (h, w, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(img, "RGB").save(os.path.join(HERE, "JPEGImages", ident + ".jpg"), quality=90)
        # human parts
        parts = np.full((h, w), -1, np.int64)
        if ident not in NO_PERSON:
            parts[:] = 0
            persons = []
            for _ in range(2):
                names = rng.choice(sorted(PART_CLASS), size=4, replace=False)
                plist = []
                for name in names:  # later parts paint over earlier ones where they overlap
                    m = blob(rng, h, w).astype(np.uint8)
                    plist.append({"part_name": str(name), "mask": m})
                    parts[m != 0] = PART_CLASS[name]
                persons.append(plist)
            dog = [{"part_name": "head", "mask": blob(rng, h, w).astype(np.uint8)}]  # not a person: ignored
            objects = struct_array([
                {"class": "person", "class_ind": np.array([[15.0]]), "mask": blob(rng, h, w).astype(np.uint8),
                 "parts": struct_array(persons[0], ["part_name", "mask"])},
                {"class": "dog", "class_ind": np.array([[12.0]]), "mask": blob(rng, h, w).astype(np.uint8),
                 "parts": struct_array(dog, ["part_name", "mask"])},
                {"class": "person", "class_ind": np.array([[15.0]]), "mask": blob(rng, h, w).astype(np.uint8),
                 "parts": np.zeros((0, 0))},
                {"class": "person", "class_ind": np.array([[15.0]]), "mask": blob(rng, h, w).astype(np.uint8),
                 "parts": struct_array(persons[1], ["part_name", "mask"])},
            ], ["class", "class_ind", "mask", "parts"])
            sio.savemat(os.path.join(HERE, "human_parts", ident + ".mat"), {"anno": {"imname": ident, "objects": objects}},
                        do_compression=True)
        # normals: RGB = (n + 1) / 2 * 255 of a random unit field, black = no label
        v = rng.normal(size=(3, h, w))
        v /= np.linalg.norm(v, axis=0)
        rgb = np.clip(np.round((v + 1) / 2 * 255), 0, 255).astype(np.uint8)
        rgb[:, rng.random((h, w)) < 0.1] = 0
        Image.fromarray(np.moveaxis(rgb, 0, -1), "RGB").save(os.path.join(HERE, "normals_distill", ident + ".png"))
        black = (rgb == 0).all(0)
        nn = rgb.astype(np.float64) / 255.0 * 2 - 1
        length = np.maximum(1e-9, np.sqrt(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]))
        normals = (nn / length).astype(np.float32)
        normals[:, black] = 0
        # saliency: above half the sample range
        path = os.path.join(HERE, "sal_distill", ident + ".png")
        if n == 1:  # 1-bit grey
            sal = blob(rng, h, w)
            Image.fromarray(sal).save(path)
        elif n == 2:  # 4-bit palette: indices 0..15, foreground above 7
            idx = rng.integers(0, 16, (h, w)).astype(np.uint8)
            im = Image.fromarray(idx, "P")
            im.putpalette([v for i in range(16) for v in (i * 17, i * 17, i * 17)])
            im.save(path, bits=4)
            sal = idx > 7
        else:  # 8-bit grey with values around the threshold 127
            grey = rng.choice(np.array([0, 126, 127, 128, 129, 255], np.uint8), size=(h, w))
            Image.fromarray(grey, "L").save(path)
            sal = grey > 127
        # edges: boundaries of the segmentation, as an 8-bit PNG or a float .npy around 0.5
        edges = np.zeros((h, w), bool)
        edges[:, 1:] |= seg[:, 1:] != seg[:, :-1]
        edges[1:, :] |= seg[1:, :] != seg[:-1, :]
        if n == 3:
            values = np.where(edges, rng.choice([0.5001, 0.9, 1.0], size=(h, w)), rng.choice([0.0, 0.2, 0.5], size=(h, w)))
            np.save(os.path.join(HERE, "edge", ident + ".npy"), values.astype(np.float32))
        else:
            Image.fromarray(np.where(edges, 255, 0).astype(np.uint8), "L").save(os.path.join(HERE, "edge", ident + ".png"))
        native = np.stack([seg.astype(np.float32), parts.astype(np.float32), normals[0], normals[1], normals[2],
                           edges.astype(np.float32), sal.astype(np.float32)])
        np.save(os.path.join(HERE, "expected", ident + ".npy"), native)
        ys, xs = np.arange(SIZE) * h // SIZE, np.arange(SIZE) * w // SIZE
        small = native[:, ys[:, None], xs[None, :]].copy()
        if ident in NO_PERSON:
            small[1] = 255
        np.save(os.path.join(HERE, "expected", f"{ident}_{SIZE}.npy"), small)
    for split, ids in splits.items():
        with open(os.path.join(HERE, "ImageSets", "Context", split + ".txt"), "w") as f:
            f.write("\n".join(ids) + "\n")
    print("written", HERE)


if __name__ == "__main__":
    main()
