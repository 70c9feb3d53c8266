"""Per-task training losses, the same definitions as org.kemwb.train.Losses (public MTL code bases)."""
import torch
import torch.nn.functional as F

IGNORE = 255
EDGE_POS_WEIGHT = 0.95  # MTI-Net / ATRC convention, as Losses.EDGE_POS_WEIGHT


def cross_entropy(logits, label):
    """Mean cross-entropy over pixels whose label is not 255. logits (B,C,H,W), label (B,H,W) int."""
    valid = label != IGNORE
    logp = F.log_softmax(logits, 1).gather(1, torch.where(valid, label, 0).unsqueeze(1)).squeeze(1)
    return -(logp * valid).sum() / valid.sum().clamp_min(1)


def depth_l1(pred, gt):
    mask = (gt > 0).float()
    return ((pred - gt).abs() * mask).sum() / mask.sum().clamp_min(1)


def normals_cosine(pred, gt):
    """1 - cosine between the (unit) prediction and the label, over pixels with a label."""
    mask = (gt.abs().sum(1) > 0).float()
    return ((1 - (pred * gt).sum(1)) * mask).sum() / mask.sum().clamp_min(1)


def _bce(logit, y):
    return F.relu(logit) - logit * y + torch.log1p(torch.exp(-logit.abs()))


def saliency_bce(logit, label):
    valid = (label != IGNORE).float()
    y = label * valid
    return (_bce(logit, y) * valid).sum() / valid.sum().clamp_min(1)


def edge_weighted_bce(logit, label):
    valid = (label != IGNORE).float()
    y = label * valid
    w = (y * EDGE_POS_WEIGHT + (1 - y) * (1 - EDGE_POS_WEIGHT)) * valid
    return (_bce(logit, y) * w).sum() / valid.sum().clamp_min(1)


def task_loss(task, output, label):
    if task in ("semseg", "parts"):
        return cross_entropy(output, label)
    return {"depth": depth_l1, "normals": normals_cosine, "edges": edge_weighted_bce,
            "saliency": saliency_bce}[task](output, label)
