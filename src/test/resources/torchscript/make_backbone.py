"""Writes tiny_backbone.pt: a small frozen TorchScript backbone for the tests.

Input (B, 3, H, W) normalised image -> output (B, 12, H/8, W/8) feature grid.
Run with Debian's python3-torch: python3 make_backbone.py
"""
import torch


class TinyBackbone(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = torch.nn.AvgPool2d(8)
        self.proj = torch.nn.Conv2d(3, 12, 1)

    def forward(self, x):
        return torch.tanh(self.proj(self.pool(x)))


torch.manual_seed(0)
torch.jit.script(TinyBackbone().eval()).save("tiny_backbone.pt")
