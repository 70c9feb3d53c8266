"""Set-level evaluation metrics with the names of metrics.csv, published convention (README table).

- semseg / parts mIoU (%): IoU per class from the confusion matrix pooled over the set, mean over
  every class of the model (a class absent from labels and predictions counts 0); label 255 ignored.
- depth RMSE (m): pooled over pixels with gt > 0; predictions clamped to >= 1e-9 first.
- normals mean angle (deg): pooled over pixels whose label is not all-zero; predictions normalised.
- saliency: per image over thresholds 0.2..0.9 (15 steps, p > t): foreground IoU (1 when both empty),
  mIoU = best threshold of the mean over images; maxF from mean precision and mean recall (beta^2 = 1).
The Java side (org.kemwb.metrics) computes the same; a Java test checks them on the same predictions.
"""
import math

import numpy as np


class SetMetrics:
    def __init__(self, tasks, semseg_classes, parts_classes):
        self.tasks = list(tasks)
        self.conf = {"semseg": np.zeros((semseg_classes, semseg_classes), np.int64),
                     "parts": np.zeros((parts_classes, parts_classes), np.int64)}
        self.depth_sq, self.depth_n = 0.0, 0
        self.angle_sum, self.angle_n = 0.0, 0
        self.thresholds = np.linspace(0.2, 0.9, 15)
        self.sal_iou, self.sal_prec, self.sal_rec = [], [], []

    def add(self, task, pred, gt):
        """pred: numpy output of one image ((C,H,W) logits, (1,H,W) depth, (3,H,W) normals, (1,H,W) prob)."""
        if task in ("semseg", "parts"):
            c = self.conf[task].shape[0]
            cls = pred.argmax(0).ravel()
            g = gt.ravel()
            keep = g != 255
            self.conf[task] += np.bincount(g[keep] * c + cls[keep], minlength=c * c).reshape(c, c)
        elif task == "depth":
            valid = gt > 0
            p = np.maximum(pred, 1e-9)
            self.depth_sq += float(((p - gt)[valid].astype(np.float64) ** 2).sum())
            self.depth_n += int(valid.sum())
        elif task == "normals":
            valid = np.abs(gt).sum(0) > 0
            p = pred / np.maximum(np.sqrt((pred.astype(np.float64) ** 2).sum(0, keepdims=True)), 1e-12)
            cos = np.clip((p * gt).sum(0), -1, 1)
            self.angle_sum += float(np.degrees(np.arccos(cos[valid])).sum())
            self.angle_n += int(valid.sum())
        elif task == "saliency":
            g = gt.ravel() > 0.5
            ious, precs, recs = [], [], []
            for t in self.thresholds:
                p = pred.ravel() > t
                inter, union = np.logical_and(p, g).sum(), np.logical_or(p, g).sum()
                ious.append(1.0 if union == 0 else inter / union)
                precs.append(inter / p.sum() if p.sum() else 0.0)
                recs.append(inter / g.sum() if g.sum() else 0.0)
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
            m["depth_rmse"] = math.sqrt(self.depth_sq / max(self.depth_n, 1))
        if "normals" in self.tasks:
            m["normals_mean_deg"] = self.angle_sum / max(self.angle_n, 1)
        if "saliency" in self.tasks:
            prec, rec = np.mean(self.sal_prec, 0), np.mean(self.sal_rec, 0)
            f = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0)
            m["saliency_maxf"] = 100 * float(f.max())
            m["saliency_miou"] = 100 * float(np.mean(self.sal_iou, 0).max())
        return m
