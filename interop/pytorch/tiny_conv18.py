"""A tiny CNN with HRNet-18's odd channel count (18, not a multiple of 16): the test model of
NativeAllocator's zero fill (NativeAllocatorConvTest). libtorch 2.5.1's oneDNN 3x3 convolution
over 18 channels reads bytes of a fresh tensor that it never wrote (padding of a 16-channel
block) and multiplies them by zero: when those bytes read as NaN or infinity, so does the
output. Fixtures: make_conv18_fixture.sh.
"""
import torch.nn as nn
import torch.nn.functional as F


class TinyConv18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 18, 3, padding=1)
        self.body = nn.Conv2d(18, 18, 3, padding=1)
        self.out = nn.Conv2d(18, 1, 1)

    def forward(self, x):
        f = F.relu(self.stem(x))
        f = F.relu(self.body(f))
        return {"depth": F.softplus(self.out(f))}
