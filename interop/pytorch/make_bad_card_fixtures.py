"""Writes the small files of CardBadInputTest (src/test/resources/org/kemwb/card/bad):

- state_dict.pt: torch.save of a state dict (zip format) where TorchScript is expected;
- state_dict_legacy.pt: the same in the legacy (pre-1.6, non-zip) pickle format;
- float64_output.pt: TorchScript returning a float64 (1, 3, 8, 16) map (dtype mismatch);
- matmul_fails.pt: TorchScript whose forward multiplies (384x128) by (64x64) for a 1x3x128x128
  input, so it fails inside the interpreter with "mat1 and mat2 shapes cannot be multiplied".

  /usr/bin/python3 interop/pytorch/make_bad_card_fixtures.py
"""
import os

import torch
import torch.nn as nn

DEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "resources", "org", "kemwb", "card", "bad")


class Float64(nn.Module):
    def forward(self, x):
        return (x.double(),)


class MatmulFails(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(64, 64))

    def forward(self, x):
        return (torch.mm(x.reshape(384, 128), self.w),)


def main():
    os.makedirs(DEST, exist_ok=True)
    state = {"weight": torch.zeros(2, 2), "bias": torch.zeros(2)}
    torch.save(state, os.path.join(DEST, "state_dict.pt"))
    torch.save(state, os.path.join(DEST, "state_dict_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.jit.script(Float64()).save(os.path.join(DEST, "float64_output.pt"))
    torch.jit.script(MatmulFails()).save(os.path.join(DEST, "matmul_fails.pt"))


if __name__ == "__main__":
    main()
