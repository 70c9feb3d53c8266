"""Independent PyTorch eager implementation of the interactions, for `kemwb bench` comparison.

Same math as DESIGN.md / the Java code (heads = 1): one training step = forward of the
interaction alone on random tokens (B, K*L, d) that require grad, loss = mean(out^2), backward
(the random tokens are made outside the timed region).
Prints CSV rows: scope,interaction,tokens_per_task,batch,median_ms,steps_per_s,extra_peak_mb
Run: OMP_WAIT_POLICY=PASSIVE python3 bench/interactions_torch.py [--tokens 64,256,1024] [--large 4096] [--kinds ca,kem]
(bench/compare-torch.sh runs it next to kemwb bench with the same threads and allocator settings)
"""
import argparse
import math

import torch

import timing


class CA(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.q, self.k, self.v, self.o = (torch.nn.Linear(d, d, bias=False) for _ in range(4))

    def forward(self, x):
        a = torch.softmax(self.q(x) @ self.k(x).transpose(-1, -2) / math.sqrt(x.shape[-1]), -1)
        return x + self.o(a @ self.v(x))


def topk_softmax(s, k):
    if k >= s.shape[-1]:
        return torch.softmax(s, -1)
    idx = s.detach().topk(k, -1).indices
    mask = torch.zeros_like(s, dtype=torch.bool).scatter_(-1, idx, True)
    return torch.softmax(s.masked_fill(~mask, float("-inf")), -1)


class KEM(torch.nn.Module):
    def __init__(self, d, n=20, k=3, etf_tasks=0):
        super().__init__()
        self.k = k
        self.m = torch.nn.Parameter(torch.randn(n, d))
        self.rq, self.rk, self.rv, self.wq, self.wk, self.wv = (torch.nn.Linear(d, d, bias=False) for _ in range(6))
        self.p = torch.nn.Linear(d, d, bias=False) if etf_tasks else None
        if etf_tasks:
            u, _ = torch.linalg.qr(torch.randn(d, etf_tasks))
            kk = etf_tasks
            self.register_buffer("e", math.sqrt(kk / (kk - 1)) * u @ (torch.eye(kk) - torch.ones(kk, kk) / kk))

    def forward(self, x):
        d = x.shape[-1]
        q, kx = self.rq(self.m), self.rk(x)
        scale = math.sqrt(d)
        if self.p is not None:
            q, kx = self.p(q) @ self.e, self.p(kx) @ self.e
            scale = math.sqrt(self.e.shape[1])
        ar = topk_softmax(q @ kx.transpose(-1, -2) / scale, self.k)
        mem = ar @ self.rv(x)
        aw = torch.softmax(self.wq(x) @ self.wk(mem).transpose(-1, -2) / math.sqrt(d), -1)
        return x + aw @ self.wv(mem)


def bench(module, tasks, tokens, d, batch, repeats, device="cpu"):
    module = module.to(device)

    def inputs():
        return (torch.randn(batch, tasks * tokens, d, device=device, requires_grad=True),)

    def step(x):
        module(x).pow(2).mean().backward()

    if device == "cpu":
        return timing.measure(inputs, step, repeats)
    # on a GPU: wait for the kernels before reading the clock; memory = the caching allocator's peak
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    ms, _ = timing.measure(inputs, step, repeats, sync=torch.cuda.synchronize)
    return ms, (torch.cuda.max_memory_allocated() - base) / 2**20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", default="64,256,1024")
    ap.add_argument("--large", type=int, default=4096)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--kinds", default="none,ca,kem,skem")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    a = ap.parse_args()
    scope = "torch-interaction" if a.device == "cpu" else f"torch-interaction-{a.device}"
    torch.manual_seed(0)
    print("scope,interaction,tokens_per_task,batch,median_ms,steps_per_s,extra_peak_mb")
    ap_kinds = a.kinds.split(",")
    for name, make in [("none", torch.nn.Identity), ("ca", lambda: CA(a.dim)), ("kem", lambda: KEM(a.dim)), ("skem", lambda: KEM(a.dim, etf_tasks=3))]:
        if name not in ap_kinds:
            continue
        ls = [int(t) for t in a.tokens.split(",")] + ([a.large] if name in ("kem", "skem") and a.large else [])
        for l in ls:
            ms, mb = bench(make(), 3, l, a.dim, a.batch, a.repeats, a.device)
            print(f"{scope},{name},{l},{a.batch},{ms:.3f},{1000 / ms:.3f},{mb:.1f}", flush=True)


if __name__ == "__main__":
    main()
