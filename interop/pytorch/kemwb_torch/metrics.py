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
The Java side (org.kemwb.metrics) computes the same; a Java test checks them on the same predictions.
"""
import math

import numpy as np


class SetMetrics:
    def __init__(self, tasks, semseg_classes, parts_classes):
        self.tasks = list(tasks)
        self.conf = {"semseg": np.zeros((semseg_classes, semseg_classes), np.int64),
                     "parts": np.zeros((parts_classes, parts_classes), np.int64)}
        self.depth_sq, self.depth_log_sq, self.depth_absrel, self.depth_n = 0.0, 0.0, 0.0, 0
        self.angles = []
        self.thresholds = np.linspace(0.2, 0.9, 15)
        self.sal_iou, self.sal_prec, self.sal_rec = [], [], []

    def add(self, task, pred, gt):
        """pred: numpy output of one image ((C,H,W) logits, (1,H,W) depth, (3,H,W) normals, (1,H,W) prob)."""
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
        if "saliency" in self.tasks:
            prec, rec = np.mean(self.sal_prec, 0), np.mean(self.sal_rec, 0)
            f = 2 * prec * rec / (prec + rec + 1e-12)
            m["saliency_maxf"] = 100 * float(f.max())
            m["saliency_miou"] = 100 * float(np.mean(self.sal_iou, 0).max())
        return m
