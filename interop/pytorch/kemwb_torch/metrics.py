"""Set-level evaluation metrics with the names of metrics.csv, published convention (README table).

- semseg / parts mIoU (%): IoU per class from the confusion matrix pooled over the set, mean over
  every class of the model (a class absent from labels and predictions counts 0); label 255 ignored.
- human parts: an image whose labels are all background (no person) is skipped, not scored.
- depth RMSE, log-RMSE (m) and abs-rel: pooled over pixels with gt > 0; predictions clamped to >= 1e-9.
- normals mean / median / RMSE angle (deg): pooled over pixels whose label is not all-zero; both
  vectors normalised.
- saliency: per image over thresholds 0.2..0.9 (15 steps, p > t): foreground IoU (1 when both empty),
  mIoU = best threshold of the mean over images; maxF from mean precision and mean recall (beta^2 = 1),
  precision TP/(TP+FP+1e-12), recall TP/(TP+FN+1e-12); images without a labelled pixel skipped.
- edges ODS F, OIS F, AP (%): the boundary benchmark of BSDS / SEISM (EdgeMetrics.java): per image and
  threshold t_k = k/100 (k = 1..99, float32, p >= t), prediction and ground truth (label 1) thinned
  (bwmorph 'thin', Lam-Lee-Suen 1992), matched one-to-one within 0.0075 x the image diagonal (maximum
  bipartite matching); ODS from counts pooled per threshold, OIS from each image's best threshold, AP
  over the 101 recalls 0..1 of the ODS curve (see edge_scores); label 255 not scored; an image without
  a labelled pixel is skipped. Needs scipy (KD-tree and matching), imported only when edges are scored.
The Java side (org.kemwb.metrics) computes the same; a Java test checks them on the same predictions.
"""
import math

import numpy as np

EDGE_MAX_DIST = 0.0075  # matching tolerance, fraction of the image diagonal (BSDS maxDist)
EDGE_THRESHOLDS = (np.arange(1, 100) / 100.0).astype(np.float32)


def _thin_table(first):
    """delete[code] of one Lam-Lee-Suen sub-iteration; code bit i-1 = neighbour x_i (x1 east, then
    counter-clockwise: x2 north-east, x3 north, ..., x8 south-east), as MATLAB's bwmorph 'thin'."""
    codes = np.arange(256)
    x = [None] + [((codes >> (i - 1)) & 1).astype(bool) for i in range(1, 9)] + [None]
    x[9] = x[1]
    b = sum((~x[2 * i - 1] & (x[2 * i] | x[2 * i + 1])).astype(int) for i in range(1, 5))  # X_H
    n1 = sum((x[2 * k - 1] | x[2 * k]).astype(int) for k in range(1, 5))
    n2 = sum((x[2 * k] | x[2 * k + 1]).astype(int) for k in range(1, 5))
    m = np.minimum(n1, n2)
    g3 = ~((x[2] | x[3] | ~x[8]) & x[1]) if first else ~((x[6] | x[7] | ~x[4]) & x[5])
    return (b == 1) & (m >= 2) & (m <= 3) & g3


_THIN = (_thin_table(True), _thin_table(False))
# (dy, dx) of x1..x8
_NEIGHBOURS = ((0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1))


def thin(img):
    """Thinned copy of a boolean (H, W) map (bwmorph(img, 'thin', Inf)); outside the image is unset.
    Each sub-iteration decides every candidate from the map as it was before it (parallel), as the
    algorithm is defined. Only set pixels with an unset 4-neighbour can be deleted (condition G1 needs
    an unset x1, x3, x5 or x7), so only those are looked at: a list that grows by the set 4-neighbours
    of the deleted pixels (as EdgeMetrics.thin), which keeps the cost near the number of pixels deleted."""
    img = np.asarray(img, bool)
    h, w = img.shape
    pw = w + 2
    p = np.zeros((h + 2) * pw, bool)
    p.reshape(h + 2, pw)[1:-1, 1:-1] = img
    off = np.array([dy * pw + dx for dy, dx in _NEIGHBOURS])
    four = off[[0, 2, 4, 6]]
    weights = 1 << np.arange(8)
    cand = np.flatnonzero(p)
    cand = cand[(~p[cand[:, None] + four]).any(1)]
    changed = True
    while changed:
        changed = False
        for table in _THIN:
            if cand.size == 0:
                break
            delete = table[p[cand[:, None] + off] @ weights]
            if delete.any():
                removed = cand[delete]
                p[removed] = False
                changed = True
                near = (removed[:, None] + four).ravel()
                cand = np.union1d(cand[~delete], near[p[near]])
    return p.reshape(h + 2, pw)[1:-1, 1:-1].copy()


def edge_match_count(e, g):
    """Size of a maximum one-to-one matching of the set pixels of e and g, pairs within 0.0075 x diagonal."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching
    from scipy.spatial import cKDTree
    ep, gp = np.argwhere(e), np.argwhere(g)
    if len(ep) == 0 or len(gp) == 0:
        return 0
    h, w = e.shape
    pairs = cKDTree(ep).sparse_distance_matrix(cKDTree(gp), EDGE_MAX_DIST * math.hypot(h, w), output_type="coo_matrix")
    if pairs.nnz == 0:
        return 0
    graph = csr_matrix((np.ones(pairs.nnz, np.int8), (pairs.row, pairs.col)), shape=(len(ep), len(gp)))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def edge_counts(label, prob):
    """[threshold][cntR, sumR, cntP, sumP] of one image; label (H, W) 0/1/255, prob (H, W) in [0, 1].
    None when no pixel is labelled."""
    label = np.asarray(label)
    valid = label != 255
    if not valid.any():
        return None
    g = thin(label == 1)
    prob = np.asarray(prob, np.float32)
    rows = np.zeros((len(EDGE_THRESHOLDS), 4), np.int64)
    previous = -1
    for k, t in enumerate(EDGE_THRESHOLDS):
        mask = valid & (prob >= t)
        n = int(mask.sum())
        if n == previous:  # masks shrink as t grows: the same count is the same mask
            rows[k] = rows[k - 1]
            continue
        previous = n
        e = thin(mask)
        m = edge_match_count(e, g)
        rows[k] = (m, g.sum(), m, e.sum())
    return rows


def _f(p, r):
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def edge_scores(per_image):
    """(ODS F, OIS F, AP) in [0, 1] of a list of edge_counts, as SEISM's general_ods / general_ois /
    general_ap: pooled P, R (no ground truth: R 1, P 0; no prediction: R 0, P 1); OIS: each image's
    best threshold by its own F (image without ground truth: P 0, R 1; without prediction: P 1, R 0),
    counts pooled at those; AP: the pooled curve, of equal recalls the lowest threshold's point,
    interpolated at recalls 0, 0.01, .., 1 inside its recall range, summed x 0.01 (0 with < 2 recalls)."""
    if not per_image:
        return float("nan"), float("nan"), float("nan")
    total = np.sum(per_image, axis=0)
    prec, rec = np.zeros(len(total)), np.zeros(len(total))
    for k, (cnt_r, sum_r, cnt_p, sum_p) in enumerate(total):
        r, p = 0.0, 0.0
        if sum_r == 0 and cnt_p == 0:
            r, p = 1.0, 0.0
        if sum_p == 0 and cnt_r == 0:
            r, p = 0.0, 1.0
        if sum_p != 0 and cnt_r != 0:
            r, p = cnt_r / sum_r, cnt_p / sum_p
        prec[k], rec[k] = p, r
    ods = max(_f(p, r) for p, r in zip(prec, rec))

    def image_pr(c):
        cnt_r, sum_r, cnt_p, sum_p = c
        if sum_r == 0:
            return 0.0, 1.0
        if sum_p == 0:
            return 1.0, 0.0
        return cnt_p / sum_p, cnt_r / sum_r

    picked = np.zeros(4, np.int64)
    for c in per_image:
        picked += c[int(np.argmax([_f(*image_pr(row)) for row in c]))]
    ois = _f(*image_pr(picked))
    _, first = np.unique(rec, return_index=True)
    ru, pu = rec[first], prec[first]
    ap = 0.0
    if len(ru) > 1:
        q = np.arange(101) / 100.0
        inside = (q >= ru[0]) & (q <= ru[-1])
        ap = float(np.interp(q[inside], ru, pu).sum()) / 100
    return ods, ois, ap


class SetMetrics:
    def __init__(self, tasks, semseg_classes, parts_classes):
        self.tasks = list(tasks)
        self.conf = {"semseg": np.zeros((semseg_classes, semseg_classes), np.int64),
                     "parts": np.zeros((parts_classes, parts_classes), np.int64)}
        self.depth_sq, self.depth_log_sq, self.depth_absrel, self.depth_n = 0.0, 0.0, 0.0, 0
        self.angles = []
        self.thresholds = np.linspace(0.2, 0.9, 15)
        self.sal_iou, self.sal_prec, self.sal_rec = [], [], []
        self.edge_counts = []

    def add(self, task, pred, gt):
        """pred: numpy output of one image ((C,H,W) logits, (1,H,W) depth, (3,H,W) normals, (1,H,W)
        probability for saliency and edges); gt: its labels ((H,W) classes, (1,H,W) or (H,W) maps)."""
        if task in ("semseg", "parts"):
            if task == "parts" and not ((gt != 0) & (gt != 255)).any():
                return  # no person in the image: skipped (published convention)
            c = self.conf[task].shape[0]
            cls = pred.argmax(0).ravel()
            g = gt.ravel()
            keep = g != 255
            self.conf[task] += np.bincount(g[keep] * c + cls[keep], minlength=c * c).reshape(c, c)
        elif task == "depth":
            valid = (gt > 0) & np.isfinite(gt)
            g = gt[valid].astype(np.float64)
            p = np.maximum(pred[valid].astype(np.float64), 1e-9)
            self.depth_sq += float(((p - g) ** 2).sum())
            self.depth_log_sq += float(((np.log(g) - np.log(p)) ** 2).sum())
            self.depth_absrel += float((np.abs(p - g) / g).sum())
            self.depth_n += int(valid.sum())
        elif task == "normals":
            g = gt.astype(np.float64)
            gn = np.sqrt((g ** 2).sum(0))
            valid = gn > 0
            p = pred.astype(np.float64)
            pn = np.maximum(np.sqrt((p ** 2).sum(0)), 1e-12)
            cos = np.clip((p * g).sum(0) / np.maximum(gn * pn, 1e-300), -1, 1)
            self.angles.append(np.degrees(np.arccos(cos[valid])))
        elif task == "edges":
            lab = np.rint(np.asarray(gt, np.float64)).astype(np.int64)
            c = edge_counts(lab.reshape(lab.shape[-2:]), np.asarray(pred).reshape(lab.shape[-2:]))
            if c is not None:
                self.edge_counts.append(c)
        elif task == "saliency":
            lab = gt.ravel()
            keep = lab != 255
            if not keep.any():
                return  # no labelled pixel: skipped
            g = lab[keep] > 0.5
            prob = pred.ravel()[keep].astype(np.float32)
            ious, precs, recs = [], [], []
            for t in self.thresholds:
                p = prob > np.float32(t)
                tp = np.logical_and(p, g).sum()
                union = np.logical_or(p, g).sum()
                ious.append(1.0 if union == 0 else tp / union)
                precs.append(tp / (p.sum() + 1e-12))
                recs.append(tp / (g.sum() + 1e-12))
            self.sal_iou.append(ious)
            self.sal_prec.append(precs)
            self.sal_rec.append(recs)

    def result(self):
        m = {}
        for t in ("semseg", "parts"):
            if t in self.tasks:
                c = self.conf[t]
                tp = np.diag(c).astype(np.float64)
                denom = c.sum(0) + c.sum(1) - np.diag(c)
                iou = np.where(denom > 0, tp / np.maximum(denom, 1), 0.0)
                m[f"{t}_miou"] = 100 * float(iou.mean())
        if "depth" in self.tasks:
            n = max(self.depth_n, 1)
            m["depth_rmse"] = math.sqrt(self.depth_sq / n)
            m["depth_log_rmse"] = math.sqrt(self.depth_log_sq / n)
            m["depth_absrel"] = self.depth_absrel / n
        if "normals" in self.tasks:
            a = np.concatenate(self.angles) if self.angles else np.zeros(0)
            m["normals_mean_deg"] = float(a.mean()) if a.size else float("nan")
            m["normals_median_deg"] = float(np.median(a)) if a.size else float("nan")
            m["normals_rmse_deg"] = float(np.sqrt((a ** 2).mean())) if a.size else float("nan")
        if "edges" in self.tasks:
            ods, ois, ap = edge_scores(self.edge_counts)
            m["edges_odsf"], m["edges_oisf"], m["edges_ap"] = 100 * ods, 100 * ois, 100 * ap
        if "saliency" in self.tasks:
            prec, rec = np.mean(self.sal_prec, 0), np.mean(self.sal_rec, 0)
            f = 2 * prec * rec / (prec + rec + 1e-12)
            m["saliency_maxf"] = 100 * float(f.max())
            m["saliency_miou"] = 100 * float(np.mean(self.sal_iou, 0).max())
        return m
