"""The workbench's MultiTaskNet in PyTorch.

Mirrors org.kemwb.model: same config JSON, same computation, and parameters registered in the
same order as the Java blocks list them, so weights move between the two by position
(`save_npz` / `load_npz`; the Java side is `kemwb convert`).
"""
import io
import json
import math
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CHANNELS = {"depth": 1, "normals": 3, "edges": 1, "saliency": 1}
PIXEL_MEAN, PIXEL_STD = 0.45, 0.25
HEAD_HIDDEN = 8


def task_channels(task, cfg):
    if task == "semseg":
        return cfg["semsegClasses"]
    if task == "parts":
        return cfg["partsClasses"]
    return CHANNELS[task]


def etf_matrix(d, k, seed):
    """The sKEM ETF, bit-compatible with org.kemwb.model.Etf (java.util.Random Gaussians + Gram-Schmidt)."""
    rnd = JavaRandom(seed)
    u = [[rnd.next_gaussian() for _ in range(k)] for _ in range(d)]
    for _ in range(2):
        for c in range(k):
            for prev in range(c):
                dot = sum(u[r][c] * u[r][prev] for r in range(d))
                for r in range(d):
                    u[r][c] -= dot * u[r][prev]
            norm = math.sqrt(sum(u[r][c] * u[r][c] for r in range(d)))
            for r in range(d):
                u[r][c] /= norm
    scale = math.sqrt(k / (k - 1))
    e = [[scale * (u[r][c] - sum(u[r]) / k) for c in range(k)] for r in range(d)]
    return torch.tensor(e, dtype=torch.float32)


class JavaRandom:
    """java.util.Random (LCG and nextGaussian), to reproduce the Java ETF basis."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
        self.next_next = None

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        v = self.seed >> (48 - bits)
        return v - (1 << bits) if v >= 1 << (bits - 1) else v

    def next_double(self):
        return (((self.next(26) & ((1 << 26) - 1)) << 27) + (self.next(27) & ((1 << 27) - 1))) * (1.0 / (1 << 53))

    def next_gaussian(self):
        if self.next_next is not None:
            v, self.next_next = self.next_next, None
            return v
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        mul = math.sqrt(-2 * math.log(s) / s)
        self.next_next = v2 * mul
        return v1 * mul


def topk_softmax(scores, k):
    if k >= scores.shape[-1]:
        return torch.softmax(scores, -1)
    idx = scores.detach().topk(k, -1).indices
    mask = F.one_hot(idx, scores.shape[-1]).sum(-2) > 0
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), -1)


def split_heads(x, h):
    b, t, d = x.shape
    return x.reshape(b, t, h, d // h).permute(0, 2, 1, 3)


def merge_heads(x):
    b, h, t, dh = x.shape
    return x.permute(0, 2, 1, 3).reshape(b, t, h * dh)


class VitBlock(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, mlp * d)
        self.fc2 = nn.Linear(mlp * d, d)

    def forward(self, x):
        b, l, d = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(b, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(qkv[0] @ qkv[1].transpose(-1, -2) / math.sqrt(d / self.heads), -1)
        x = x + self.proj(merge_heads(att @ qkv[2]))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class VitStack(nn.Module):
    def __init__(self, depth, d, heads, mlp):
        super().__init__()
        self.blocks = nn.ModuleList([VitBlock(d, heads, mlp) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


class Interaction(nn.Module):
    """none / ca / kem / skem / nexusflow / ctal; returns (tokens, token_attention (B, KL, KL) or None)."""

    COUPLINGS = 2  # NexusFlowInteraction.COUPLINGS

    def __init__(self, cfg):
        super().__init__()
        self.kind, self.heads, self.lam, self.k = cfg["interaction"], cfg["heads"], cfg["lambda"], cfg["topK"]
        self.tasks = len(cfg["tasks"])
        d = cfg["dim"]
        lin = lambda: nn.Linear(d, d, bias=False)  # noqa: E731
        if self.kind == "ca":
            self.query, self.key, self.value, self.output = lin(), lin(), lin(), lin()
        elif self.kind in ("kem", "skem"):
            self.memory = nn.Parameter(torch.randn(cfg["slots"], d))
            self.retrieve_query, self.retrieve_key, self.retrieve_value = lin(), lin(), lin()
            self.write_query, self.write_key, self.write_value = lin(), lin(), lin()
            if self.kind == "skem":
                self.etf_projection = lin()
                vertices = cfg.get("etfVertices", 0) or len(cfg["tasks"])
                self.register_buffer("etf", etf_matrix(d // self.heads, vertices, cfg["etfSeed"]), persistent=False)
        elif self.kind == "nexusflow":
            # Java order: for each task, for each coupling: scale, shift (d/2 -> d/2, with bias)
            half = d // 2
            self.couplings = nn.ModuleList([nn.Linear(half, half) for _ in range(self.tasks * self.COUPLINGS * 2)])
        elif self.kind == "ctal":
            # grouped 3x3 convolution per target task: (K targets, L groups, K sources, 9 taps)
            self.grid = token_grid(cfg)
            tokens = self.grid[0] * self.grid[1]
            init = torch.zeros(self.tasks, tokens, self.tasks, 9)
            init[..., 4] = 1.0 / self.tasks
            self.affinity_conv = nn.Parameter(init)
            self.values = nn.ModuleList([lin() for _ in range(self.tasks)])

    def flow(self, t, x, inverse):
        """Task t's affine-coupling flow (NexusFlowInteraction.flow), forward or inverse."""
        half = x.shape[-1] // 2
        y = x
        for step in range(self.COUPLINGS):
            c = self.COUPLINGS - 1 - step if inverse else step
            first, second = y[..., :half], y[..., half:]
            cond, moved = (first, second) if c % 2 == 0 else (second, first)
            s = torch.tanh(self.couplings[(t * self.COUPLINGS + c) * 2](cond))
            b = self.couplings[(t * self.COUPLINGS + c) * 2 + 1](cond)
            out = (moved - b) * torch.exp(-s) if inverse else moved * torch.exp(s) + b
            y = torch.cat([cond, out], -1) if c % 2 == 0 else torch.cat([out, cond], -1)
        return y

    def forward(self, x):
        h = self.heads
        dh = x.shape[-1] / h
        if self.kind == "none":
            return x, None
        per_task = x.split(x.shape[1] // self.tasks, 1)
        if self.kind == "nexusflow":
            shared = sum(self.flow(t, xt, False) for t, xt in enumerate(per_task)) / self.tasks
            return torch.cat([xt + self.lam * (self.flow(t, shared, True) - xt) for t, xt in enumerate(per_task)], 1), None
        if self.kind == "ctal":
            d = x.shape[-1]
            stacked = torch.stack([torch.softmax(xs @ xs.transpose(-1, -2) / math.sqrt(d), -1) for xs in per_task], 1)
            b, k, l, _ = stacked.shape
            gh, gw = self.grid
            padded = F.pad(stacked.reshape(b, k, l, gh, gw), (1, 1, 1, 1))
            shifted = [padded[..., tap // 3:tap // 3 + gh, tap % 3:tap % 3 + gw].reshape(b, k, l, l)
                       for tap in range(9)]
            updated, blocks = [], []
            for t, xt in enumerate(per_task):
                wt = self.affinity_conv[t].permute(1, 0, 2)  # (K sources, L groups, 9)
                contribution = sum(shifted[tap] * wt[:, :, tap].reshape(1, k, l, 1) for tap in range(9))
                updated.append(xt + self.lam * (contribution.sum(1) @ self.values[t](xt)))
                magnitude = contribution.abs()
                share = magnitude / magnitude.sum((1, 3), keepdim=True).clamp_min(1e-12)
                blocks.append(torch.cat(share.unbind(1), 2))
            return torch.cat(updated, 1), torch.cat(blocks, 1)
        if self.kind == "ca":
            att = torch.softmax(split_heads(self.query(x), h) @ split_heads(self.key(x), h).transpose(-1, -2) / math.sqrt(dh), -1)
            update = self.output(merge_heads(att @ split_heads(self.value(x), h)))
            return x + self.lam * update, att.mean(1)
        slots = self.memory.unsqueeze(0)
        q, k = self.retrieve_query(slots), self.retrieve_key(x)
        if self.kind == "skem":
            q = split_heads(self.etf_projection(q), h) @ self.etf
            k = split_heads(self.etf_projection(k), h) @ self.etf
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.etf.shape[1])
        else:
            scores = split_heads(q, h) @ split_heads(k, h).transpose(-1, -2) / math.sqrt(dh)
        retrieve = topk_softmax(scores, self.k)
        filled = merge_heads(retrieve @ split_heads(self.retrieve_value(x), h))
        write = torch.softmax(split_heads(self.write_query(x), h) @ split_heads(self.write_key(filled), h).transpose(-1, -2)
                              / math.sqrt(dh), -1)
        update = merge_heads(write @ split_heads(self.write_value(filled), h))
        return x + self.lam * update, (write @ retrieve).mean(1)


def token_grid(cfg):
    """(gh, gw): the token grid at the training size; imageHeight/imageWidth 0 or absent = square imageSize."""
    h = cfg.get("imageHeight") or cfg["imageSize"]
    w = cfg.get("imageWidth") or cfg["imageSize"]
    return h // cfg["patch"], w // cfg["patch"]


class TaskHead(nn.Module):
    def __init__(self, task, cfg):
        super().__init__()
        self.task, self.patch = task, cfg["patch"]
        d = cfg["dim"]
        self.norm = nn.LayerNorm(d)
        self.unfold = nn.Linear(d, self.patch * self.patch * HEAD_HIDDEN)
        self.refine = nn.Linear(HEAD_HIDDEN + 3, HEAD_HIDDEN)
        self.out = nn.Linear(HEAD_HIDDEN, task_channels(task, cfg))

    def forward(self, tokens, image, skips=()):
        b, p, (h, w) = tokens.shape[0], self.patch, image.shape[2:]
        t = self.unfold(self.norm(tokens))
        m = t.reshape(b, h // p, w // p, p, p, HEAD_HIDDEN).permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, HEAD_HIDDEN)
        y = self.out(F.gelu(self.refine(torch.cat([m, image.permute(0, 2, 3, 1)], 3))))
        if self.task == "normals":
            y = y / torch.sqrt((y * y).sum(3, keepdim=True) + 1e-6)
        return y.permute(0, 3, 1, 2)


def conv_stem_width(k, d):
    """ConvStem.width: channels of stem stage k."""
    return max(8, min(d, 8 << k))


def upsample_head_width(k, d):
    """UpsampleHead.width: channels of head stage k (k = levels: the token grid)."""
    return max(8, min(d // 2, 4 << k))


def patch_levels(cfg):
    return int(cfg["patch"]).bit_length() - 1


def conv_stem(cfg):
    return cfg.get("stem", "patch") == "conv" and cfg.get("backbone", "stem") == "stem"


def upsample2x(x):
    """Layers.upsample2x: bilinear, pixel-centre aligned."""
    return F.interpolate(x, size=(2 * x.shape[2], 2 * x.shape[3]), mode="bilinear", align_corners=False)


class UpsampleHead(nn.Module):
    """org.kemwb.model.UpsampleHead: tokens -> grid -> (x2, [stem skip], 3x3 conv, GELU) per stage -> x2, image, linear."""

    def __init__(self, task, cfg):
        super().__init__()
        self.task, self.levels, d = task, patch_levels(cfg), cfg["dim"]
        self.skips = conv_stem(cfg)
        self.norm = nn.LayerNorm(d)
        self.proj = nn.Linear(d, upsample_head_width(self.levels, d))
        c = upsample_head_width(self.levels, d)
        self.stages = []
        for k in range(self.levels - 1, 0, -1):
            conv = nn.Conv2d(c + (conv_stem_width(k, d) if self.skips else 0), upsample_head_width(k, d), 3, padding=1)
            setattr(self, f"up_{k}", conv)  # registration order = Java child order
            self.stages.append((k, conv))
            c = upsample_head_width(k, d)
        self.out = nn.Linear(c + 3, task_channels(task, cfg))

    def forward(self, tokens, image, skips):
        b, (h, w) = tokens.shape[0], image.shape[2:]
        y = self.proj(self.norm(tokens)).transpose(1, 2).reshape(b, -1, h >> self.levels, w >> self.levels)
        for k, conv in self.stages:
            y = upsample2x(y)
            if self.skips:
                y = torch.cat([y, skips[k - 1]], 1)
            y = F.gelu(conv(y))
        y = self.out(torch.cat([upsample2x(y), image], 1).permute(0, 2, 3, 1))
        if self.task == "normals":
            y = y / torch.sqrt((y * y).sum(3, keepdim=True) + 1e-6)
        return y.permute(0, 3, 1, 2)


class ConvStem(nn.Module):
    """org.kemwb.model.ConvStem: log2(p) stride-2 3x3 convs + GELU, then a linear layer per grid cell."""

    def __init__(self, cfg):
        super().__init__()
        d, self.levels = cfg["dim"], patch_levels(cfg)
        self.convs = []
        c = 3
        for k in range(1, self.levels + 1):
            conv = nn.Conv2d(c, conv_stem_width(k, d), 3, stride=2, padding=1)
            setattr(self, f"conv_{k}", conv)
            self.convs.append(conv)
            c = conv_stem_width(k, d)
        self.proj = nn.Linear(c, d)

    def forward(self, x):
        """(tokens (B, L, d), [stage-k maps for k = 1..n-1])."""
        skips = []
        for k, conv in enumerate(self.convs, 1):
            x = F.gelu(conv(x))
            if k < self.levels:
                skips.append(x)
        return self.proj(x.flatten(2).transpose(1, 2)), skips


class PatchStem(nn.Module):
    def __init__(self, patch, d):
        super().__init__()
        self.patch = patch
        self.embed = nn.Linear(3 * patch * patch, d)
        self.mix = nn.Linear(d, d)

    def forward(self, x):
        b, p = x.shape[0], self.patch
        gh, gw = x.shape[2] // p, x.shape[3] // p
        patches = x.reshape(b, 3, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(b, gh * gw, 3 * p * p)
        return self.mix(F.gelu(self.embed(patches))), []


class MultiTaskNet(nn.Module):
    """forward(image in [0,1], (B,3,H,W) at the training size) -> (task outputs..., token_attention or empty)."""

    def __init__(self, cfg):
        super().__init__()
        if cfg.get("backbone", "stem") != "stem":
            raise ValueError("the PyTorch twin supports the trainable stem only")
        self.cfg = cfg
        self.tasks = list(cfg["tasks"])
        d, (gh, gw) = cfg["dim"], token_grid(cfg)
        # registration order = the Java parameter order: position, stem, encoders, interaction, decoders, heads
        self.position = nn.Parameter(torch.zeros(1, gh * gw, d))
        if cfg.get("learnedLossWeights"):
            self.loss_log_variance = nn.Parameter(torch.zeros(len(self.tasks)))  # training only
        # "stem"/"head" absent (configs before these keys): the patch stem and linear heads
        self.stem = ConvStem(cfg) if conv_stem(cfg) else PatchStem(cfg["patch"], d)
        self.encoders = nn.ModuleList([VitStack(cfg["encoderDepth"], d, cfg["heads"], cfg["mlpRatio"]) for _ in self.tasks])
        self.interaction = Interaction(cfg)
        self.decoders = nn.ModuleList([VitStack(cfg["decoderDepth"], d, cfg["heads"], cfg["mlpRatio"]) for _ in self.tasks])
        head = UpsampleHead if cfg.get("head", "linear") == "upsample" else TaskHead
        self.heads = nn.ModuleList([head(t, cfg) for t in self.tasks])

    def forward(self, image):
        x = (image - PIXEL_MEAN) / PIXEL_STD
        shared, skips = self.stem(x)
        shared = shared + self.position
        tokens, attention = self.interaction(torch.cat([e(shared) for e in self.encoders], 1))
        per_task = tokens.split(shared.shape[1], 1)
        outs = [h(dec(t), x, skips) for h, dec, t in zip(self.heads, self.decoders, per_task)]
        if attention is None:
            attention = torch.zeros(image.shape[0], 0, 0)
        return tuple(outs) + (attention,)


def parameters_in_java_order(model):
    # nn.Module.parameters() follows registration order, which mirrors the Java blocks
    return list(model.named_parameters())


def load_npz(path):
    """Model from a `kemwb convert X.params X.npz` file."""
    with zipfile.ZipFile(path) as z:
        cfg = json.loads(z.read("config.json"))
        model = MultiTaskNet(cfg)
        params = parameters_in_java_order(model)
        java_names = z.read("names.txt").decode().split()
        if len(java_names) != len(params):
            raise ValueError(f"{path}: {len(java_names)} parameters, the PyTorch model has {len(params)}")
        with torch.no_grad():
            for i, ((name, p), jname) in enumerate(zip(params, java_names)):
                a = np.load(io.BytesIO(z.read(f"{i:04d}.npy")))
                if tuple(a.shape) != tuple(p.shape):
                    raise ValueError(f"{path}: {jname} has shape {a.shape}, PyTorch {name} needs {tuple(p.shape)}")
                p.copy_(torch.from_numpy(a))
    return model.eval()


def save_npz(model, path, java_names=None):
    """Writes a model's weights for `kemwb convert X.npz X.params` (names.txt only informative)."""
    params = parameters_in_java_order(model)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", json.dumps(model.cfg))
        for i, (_, p) in enumerate(params):
            buf = io.BytesIO()
            np.save(buf, p.detach().cpu().numpy().astype(np.float32))
            z.writestr(f"{i:04d}.npy", buf.getvalue())
        z.writestr("names.txt", "\n".join(java_names or [n for n, _ in params]) + "\n")
