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
    lines = (out / name / "metrics.csv").read_text().strip().splitlines()
    metrics = dict(zip(lines[0].split(","), lines[-1].split(",")))
    reads = re.search(r"reads per image \(N k h\): (\d+)", text).group(1)
    distinct = re.search(r"distinct tokens read per image: ([\d.]+) ± ([\d.]+); on any image: (\d+) of (\d+)", text)
    repeat = re.search(r"position repeat .*?: ([\d.]+) .*random reads: ([\d.]+)", text)
    heads = re.findall(r"head (\d+)\s+semseg ([\d.]+) depth ([\d.]+) normals ([\d.]+)\s+distinct ([\d.]+)", text)
    shares = "; ".join(f"{s}/{d}/{n}" for _, s, d, n, _ in heads)
    per_head = ", ".join(h[4] for h in heads)
    print(f"| {name} | {float(metrics['semseg_miou']):.1f} / {float(metrics['depth_rmse']):.3f} / {float(metrics['normals_mean_deg']):.2f} | {reads} | "
          f"{distinct.group(1)} ± {distinct.group(2)} | {per_head} | {distinct.group(3)} of {distinct.group(4)} | "
          f"{repeat.group(1)} ({repeat.group(2)}) | {shares} |")

if "--by-variant" in sys.argv[2:]:
    # One row per variant: mean ± sample std over its seeds (NAME, NAME-s2, NAME-s3, ...).
    import statistics
    groups = {}
    for report in sorted(out.glob("*.readouts.txt"), key=lambda p: p.stat().st_mtime):
        name = report.name.removesuffix(".readouts.txt")
        variant = re.sub(r"-s\d+$", "", name)
        text = report.read_text()
        lines = (out / name / "metrics.csv").read_text().strip().splitlines()
        metrics = dict(zip(lines[0].split(","), lines[-1].split(",")))
        distinct = float(re.search(r"distinct tokens read per image: ([\d.]+)", text).group(1))
        repeat = re.search(r"position repeat .*?: ([\d.]+) .*random reads: ([\d.]+)", text)
        heads = re.findall(r"head (\d+)\s+semseg ([\d.]+) depth ([\d.]+) normals ([\d.]+)\s+distinct ([\d.]+)", text)
        per_head = statistics.mean(float(h[4]) for h in heads)
        top_share = statistics.mean(max(float(h[1]), float(h[2]), float(h[3])) for h in heads)
        groups.setdefault(variant, []).append((float(metrics['semseg_miou']), distinct, per_head, float(repeat.group(1)),
                                               float(repeat.group(2)), top_share))

    def ms(values, fmt):
        if len(values) < 2:
            return format(values[0], fmt)
        return f"{format(statistics.mean(values), fmt)} ± {format(statistics.stdev(values), fmt)}"

    print()
    print("| variant | seeds | mIoU | distinct per image | distinct per head | position repeat (random) | largest task share of a head |")
    print("|---|---|---|---|---|---|---|")
    for variant, rows in groups.items():
        cols = list(zip(*rows))
        print(f"| {variant} | {len(rows)} | {ms(cols[0], '.1f')} | {ms(cols[1], '.1f')} | {ms(cols[2], '.1f')} | "
              f"{ms(cols[3], '.3f')} ({cols[4][0]:.3f}) | {ms(cols[5], '.2f')} |")
