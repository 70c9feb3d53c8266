#!/usr/bin/env python3
"""Independent reference for org.kemwb.metrics.EdgeMetrics (run: python3 make_edge_fixtures.py).

Writes a few edge maps as 8-bit grey PNGs, edge_N_label.png (0 no boundary, 1 boundary, 255 no
label) and edge_N_prob.png (probability = value / 255 as float32), and edge_fixtures.json with
the boundary-benchmark counts per image and threshold [cntR, sumR, cntP, sumP] and the ODS F,
OIS F and AP of the set, computed here with numpy and scipy only:
  * thinning: MATLAB bwmorph(., 'thin', Inf) (Lam, Lee, Suen 1992, p. 879), evaluated with
    whole-array neighbour shifts (no lookup table);
  * one-to-one matching: scipy.sparse.csgraph.maximum_bipartite_matching on the graph of
    pixel pairs at Euclidean distance <= 0.0075 * image diagonal;
  * ODS / OIS / AP: as SEISM's gather_measure / general_ods / general_ois / general_ap.
Nothing here is read by the project at build or run time; the JSON is its committed output.
"""
import json
import os
import struct
import zlib

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching
from scipy.spatial import cKDTree

MAX_DIST = 0.0075
THRESHOLDS = (np.arange(1, 100) / 100.0).astype(np.float32)


def neighbours(img):
    """x1..x8 (east, then counter-clockwise) of every pixel, outside = False."""
    p = np.pad(img, 1)
    h, w = img.shape
    at = lambda dy, dx: p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w]
    return [None, at(0, 1), at(-1, 1), at(-1, 0), at(-1, -1), at(0, -1), at(1, -1), at(1, 0), at(1, 1)]


def thin(img):
    img = img.copy()
    while True:
        before = img.copy()
        for first in (True, False):
            x = neighbours(img)
            x.append(x[1])  # x9 = x1
            xh = sum(((~x[2 * i - 1]) & (x[2 * i] | x[2 * i + 1])).astype(int) for i in range(1, 5))
            n1 = sum((x[2 * k - 1] | x[2 * k]).astype(int) for k in range(1, 5))
            n2 = sum((x[2 * k] | x[2 * k + 1]).astype(int) for k in range(1, 5))
            m = np.minimum(n1, n2)
            if first:
                g3 = ~((x[2] | x[3] | ~x[8]) & x[1])
            else:
                g3 = ~((x[6] | x[7] | ~x[4]) & x[5])
            delete = img & (xh == 1) & (m >= 2) & (m <= 3) & g3
            img = img & ~delete
        if np.array_equal(img, before):
            return img


def match_count(e, g):
    h, w = e.shape
    maxd = MAX_DIST * np.hypot(h, w)
    ep = np.argwhere(e)
    gp = np.argwhere(g)
    if len(ep) == 0 or len(gp) == 0:
        return 0
    pairs = cKDTree(ep).sparse_distance_matrix(cKDTree(gp), maxd, output_type='ndarray')
    if len(pairs) == 0:
        return 0
    graph = csr_matrix((np.ones(len(pairs), dtype=np.int8), (pairs['i'], pairs['j'])), shape=(len(ep), len(gp)))
    match = maximum_bipartite_matching(graph, perm_type='column')
    return int(np.sum(match >= 0))


def image_counts(label, prob):
    valid = label != 255
    g = thin(label == 1)
    rows = []
    for t in THRESHOLDS:
        e = thin(valid & (prob >= t))
        m = match_count(e, g)
        rows.append([m, int(g.sum()), m, int(e.sum())])
    return np.array(rows, dtype=np.int64)


def pooled_pr(c):
    cntR, sumR, cntP, sumP = c
    rec, prec = 0.0, 0.0
    if sumR == 0 and cntP == 0:
        rec, prec = 1.0, 0.0
    if sumP == 0 and cntR == 0:
        rec, prec = 0.0, 1.0
    if sumP != 0 and cntR != 0:
        rec, prec = cntR / sumR, cntP / sumP
    return prec, rec


def image_pr(c):
    cntR, sumR, cntP, sumP = c
    if sumR == 0:
        return 0.0, 1.0
    if sumP == 0:
        return 1.0, 0.0
    return cntP / sumP, cntR / sumR


def fmeas(p, r):
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def scores(counts):
    total = sum(counts)
    curve = [pooled_pr(total[k]) for k in range(len(THRESHOLDS))]
    f = [fmeas(p, r) for p, r in curve]
    ods = max(f)
    picked = np.zeros(4, dtype=np.int64)
    for c in counts:
        fi = [fmeas(*image_pr(c[k])) for k in range(len(THRESHOLDS))]
        picked += c[int(np.argmax(fi))]
    ois = fmeas(*image_pr(picked))
    rec = np.array([r for _, r in curve])
    prec = np.array([p for p, _ in curve])
    _, first = np.unique(rec, return_index=True)  # sorted recalls, first occurrence of each
    ru, pu = rec[first], prec[first]
    ap = 0.0
    if len(ru) > 1:
        q = np.arange(0, 101) / 100.0
        inside = (q >= ru[0]) & (q <= ru[-1])
        ap = float(np.sum(np.interp(q[inside], ru, pu))) / 100
    return ods, ois, ap


def write_png(path, a):
    """8-bit greyscale PNG, no filtering."""
    h, w = a.shape
    raw = b''.join(b'\x00' + a[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def scene(h, w, rng):
    """Ground truth: a horizontal line, a slanted line and a 3-pixel-thick vertical bar; the
    prediction: the horizontal line shifted down by 1 pixel (within tolerance on large images),
    the slanted line shifted by 4 pixels (beyond it), the bar as drawn, plus low noise."""
    label = np.zeros((h, w), dtype=np.uint8)
    prob = (rng.random((h, w)) * 60).astype(np.uint8)
    label[h // 3, 4:w - 4] = 1
    prob[h // 3 + 1, 4:w - 4] = 120 + (rng.random(w - 8) * 135).astype(np.uint8)
    for x in range(w // 2):
        y = h // 2 + x // 2
        if y + 4 < h:
            label[y, x] = 1
            prob[y + 4, x] = 100 + int(rng.random() * 155)
    label[h // 4:3 * h // 4, w - 10:w - 7] = 1
    prob[h // 4:3 * h // 4, w - 10:w - 7] = 200 + (rng.random((3 * h // 4 - h // 4, 3)) * 55).astype(np.uint8)
    label[-6:, :8] = 255  # an unlabelled corner
    return label, prob


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(17)
    images = [scene(120, 160, rng), scene(200, 200, rng), scene(48, 64, rng)]
    # an image without ground-truth boundary: every prediction is a false positive
    images.append((np.zeros((40, 40), dtype=np.uint8), (rng.random((40, 40)) * 140).astype(np.uint8)))
    counts = []
    out = {"images": []}
    for n, (label, prob8) in enumerate(images):
        write_png(os.path.join(here, 'edge_%d_label.png' % n), label)
        write_png(os.path.join(here, 'edge_%d_prob.png' % n), prob8)
        prob = (prob8.astype(np.float64) / 255.0).astype(np.float32)
        c = image_counts(label, prob)
        counts.append(c)
        out["images"].append({"label": 'edge_%d_label.png' % n, "probability": 'edge_%d_prob.png' % n,
                              "counts": c.tolist()})
    ods, ois, ap = scores(counts)
    out.update({"ods_f": ods, "ois_f": ois, "ap": ap})
    path = os.path.join(here, "edge_fixtures.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("ODS %.6f OIS %.6f AP %.6f -> %s" % (ods, ois, ap, path))


if __name__ == "__main__":
    main()
