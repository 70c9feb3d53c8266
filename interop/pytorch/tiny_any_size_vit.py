"""A tiny ViT that takes any input whose sides are multiples of 16, so its token grid follows the
input (gh = H / 8, gw = W / 8): the test model of cards with "multipleOf" inputs and "patch"
token groups (CardPatchGridTest).

- 8 px patches (a stride-8 convolution) plus a depthwise convolution as position encoding (no
  table of fixed size), a class token before the grid;
- one encoder block with timm-style attention (`attn_drop` receives the softmax,
  [B, heads, 1 + gh*gw, 1 + gh*gw]);
- dict outputs: semseg (6 classes) at stride 4, depth at stride 8.

Fixtures: make_any_size_fixtures.sh.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from tiny_joint_vit import Attention


class TinyAnySizeViT(nn.Module):
    def __init__(self, dim=16, heads=2, classes=6, patch=8):
        super().__init__()
        self.classes = classes
        self.patch = nn.Conv2d(3, dim, patch, stride=patch)
        self.pos = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.5)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.seg_head = nn.Linear(dim, classes * 2 * 2)  # stride 4: each token -> 2x2 cells of logits
        self.depth_head = nn.Linear(dim, 1)  # stride 8: one depth per token

    def forward(self, x):
        b = x.shape[0]
        f = self.patch(x)
        f = f + self.pos(f)
        gh, gw = f.shape[2], f.shape[3]
        t = torch.cat([self.cls_token.expand(b, -1, -1), f.flatten(2).transpose(1, 2)], 1)
        t = t + self.attn(self.norm1(t))
        t = t + self.mlp(self.norm2(t))
        p = t[:, 1:]
        seg = self.seg_head(p).reshape(b, gh, gw, self.classes, 2, 2)
        seg = seg.permute(0, 3, 1, 4, 2, 5).reshape(b, self.classes, gh * 2, gw * 2)
        depth = F.softplus(self.depth_head(p)).transpose(1, 2).reshape(b, 1, gh, gw)
        return {"semseg": seg, "depth": depth}
