"""A tiny multi-task ViT with the properties of the public multi-task transformers (InvPT and
successors), small enough to commit its export: the test model of the model card.

- input 64 x 96 (H x W), ImageNet-normalised RGB in [0, 1];
- a class token and 4 register tokens before a non-square 4 x 6 grid of 16 px patches;
- one encoder block with timm-style attention (`attn_drop` receives the softmax, [B, heads, 29, 29]);
- per-task tokens for semseg (40 classes) and depth, attended *jointly* by an nn.MultiheadAttention
  over both tasks' 2 x 24 tokens ([B, 48, 48], heads averaged);
- nested dict outputs at different strides: {"final": {"semseg": (B,40,16,24), "depth": (B,1,32,48)},
  "aux": {...}}.

Used by test_export_model.py and by make_card_fixtures.sh (the fixtures of CardModelTest).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    """timm-style attention block: softmax weights pass through self.attn_drop."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.attn_drop = nn.Dropout(0.0)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = self.attn_drop(attn.softmax(dim=-1))
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class TinyJointViT(nn.Module):
    def __init__(self, dim=32, heads=2, classes=40, patch=16, grid=(4, 6), registers=4):
        super().__init__()
        self.grid = grid
        self.prefix = 1 + registers
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.reg_tokens = nn.Parameter(torch.randn(1, registers, dim) * 0.5)
        self.pos = nn.Parameter(torch.randn(1, self.prefix + grid[0] * grid[1], dim) * 0.5)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.task_embed = nn.Parameter(torch.randn(2, 1, dim) * 0.5)
        self.joint = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.seg_head = nn.Linear(dim, classes * 4 * 4)  # stride 4: each token -> 4x4 pixels of 40 logits
        self.depth_head = nn.Linear(dim, 8 * 8)  # stride 2: each token -> 8x8 depth values
        self.classes = classes

    def forward(self, x):
        b = x.shape[0]
        gh, gw = self.grid
        t = self.patch(x).flatten(2).transpose(1, 2)  # (B, gh*gw, dim), row-major
        t = torch.cat([self.cls_token.expand(b, -1, -1), self.reg_tokens.expand(b, -1, -1), t], 1) + self.pos
        t = t + self.attn(self.norm1(t))
        t = t + self.mlp(self.norm2(t))
        patches = t[:, self.prefix:]
        tasks = torch.cat([patches + self.task_embed[0], patches + self.task_embed[1]], 1)  # (B, 2*gh*gw, dim)
        mixed, _ = self.joint(tasks, tasks, tasks)
        tasks = tasks + mixed
        n = gh * gw
        seg = self.seg_head(tasks[:, :n]).reshape(b, gh, gw, self.classes, 4, 4)
        seg = seg.permute(0, 3, 1, 4, 2, 5).reshape(b, self.classes, gh * 4, gw * 4)
        depth = self.depth_head(tasks[:, n:]).reshape(b, gh, gw, 1, 8, 8)
        depth = F.softplus(depth.permute(0, 3, 1, 4, 2, 5).reshape(b, 1, gh * 8, gw * 8))
        return {"final": {"semseg": seg, "depth": depth},
                "aux": {"semseg": F.avg_pool2d(seg, 2), "depth": F.avg_pool2d(depth, 2)}}
