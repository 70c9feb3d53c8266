#!/usr/bin/env python3
"""Markdown table of the reports written by bench/memory-readouts.sh (one row per variant)."""
import re
import sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/memory-readouts")
print("| variant | mIoU / depth RMSE / normals ° (400 steps) | reads per image | distinct per image | per head | on any image | position repeat (random) | head task shares (semseg/depth/normals) |")
print("|---|---|---|---|---|---|---|---|")
for report in sorted(out.glob("*.readouts.txt"), key=lambda p: p.stat().st_mtime):
    name = report.name.removesuffix(".readouts.txt")
    text = report.read_text()
    metrics = (out / name / "metrics.csv").read_text().strip().splitlines()[-1].split(",")
    reads = re.search(r"reads per image \(N k h\): (\d+)", text).group(1)
    distinct = re.search(r"distinct tokens read per image: ([\d.]+) ± ([\d.]+); on any image: (\d+) of (\d+)", text)
    repeat = re.search(r"position repeat .*?: ([\d.]+) .*random reads: ([\d.]+)", text)
    heads = re.findall(r"head (\d+)\s+semseg ([\d.]+) depth ([\d.]+) normals ([\d.]+)\s+distinct ([\d.]+)", text)
    shares = "; ".join(f"{s}/{d}/{n}" for _, s, d, n, _ in heads)
    per_head = ", ".join(h[4] for h in heads)
    print(f"| {name} | {float(metrics[7]):.1f} / {float(metrics[8]):.3f} / {float(metrics[9]):.2f} | {reads} | "
          f"{distinct.group(1)} ± {distinct.group(2)} | {per_head} | {distinct.group(3)} of {distinct.group(4)} | "
          f"{repeat.group(1)} ({repeat.group(2)}) | {shares} |")
