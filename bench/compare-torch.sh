#!/usr/bin/env bash
# kemwb bench (DJL, libtorch 2.5.1) next to the same computations in PyTorch eager, in one run,
# alternating the two for ROUNDS rounds so that both see the same machine load; per case the
# median over rounds of each round's median step time. Same intra-op threads, OMP wait policy
# and glibc allocator settings on both sides (the workbench sets its own in-process, see
# NativeAllocator; PyTorch gets the equivalent MALLOC_* variables; TORCH_MALLOC=default leaves
# PyTorch on glibc's defaults instead).
#   bench/compare-torch.sh [OUT.csv]     env: ROUNDS (3), PYTHON (/usr/bin/python3), THREADS (nproc),
#                                         TOKENS (64,256,1024), LARGE (4096), NET_SIZES (64,128,256)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench/results-compare-cpu.csv}"
rounds="${ROUNDS:-3}"
python="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-$(nproc)}"
tokens="${TOKENS:-64,256,1024}"
large="${LARGE:-4096}"
net_sizes="${NET_SIZES:-64,128,256}"
kinds="none,ca,kem,skem"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$threads" KEMWB_THREADS="$threads" MALLOC_ARENA_MAX=1
torch_env=(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_TOP_PAD_=67108864)
[ "${TORCH_MALLOC:-}" = default ] && torch_env=(-u MALLOC_ARENA_MAX)
"$python" -c "import torch" 2>/dev/null || { echo "needs PyTorch for $python (Debian: apt install python3-torch)" >&2; exit 2; }
for r in $(seq "$rounds"); do
  echo "round $r/$rounds: kemwb" >&2
  ./kemwb bench --interactions "$kinds" --tokens "$tokens" --large "$large" --net-sizes "$net_sizes" \
    --csv "$work/djl-$r.csv" >/dev/null
  echo "round $r/$rounds: PyTorch $("$python" -c 'import torch; print(torch.__version__)')" >&2
  env "${torch_env[@]}" "$python" bench/interactions_torch.py --tokens "$tokens" --large "$large" --kinds "$kinds" \
    > "$work/torch-$r.csv"
  if [ "$net_sizes" != 0 ]; then
    env "${torch_env[@]}" "$python" bench/net_torch.py --sizes "$net_sizes" --kinds "$kinds" | tail -n +2 \
      >> "$work/torch-$r.csv"
  fi
done
"$python" - "$work" "$rounds" "$out" "$threads" <<'PY'
import csv, statistics, sys
work, rounds, out, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def load(side):
    rows = {}
    for r in range(1, rounds + 1):
        for row in csv.DictReader(open(f"{work}/{side}-{r}.csv")):
            scope = row["scope"].replace("torch-", "")
            key = (scope, row["interaction"], int(row["tokens_per_task"]))
            rows.setdefault(key, {"ms": [], "mb": []})
            rows[key]["ms"].append(float(row["median_ms"]))
            rows[key]["mb"].append(float(row.get("extra_peak_mb") or "nan"))
    return rows
djl, torch = load("djl"), load("torch")
header = ["scope", "interaction", "tokens_per_task", "djl_ms", "torch_ms", "djl_over_torch", "djl_ms_per_round", "torch_ms_per_round", "djl_extra_peak_mb", "torch_extra_peak_mb", "threads"]
lines = []
print(f"{'scope':12}{'module':7}{'L':>6}{'DJL ms':>10}{'torch ms':>10}{'ratio':>7}")
for key in sorted(djl, key=lambda k: (k[0] != "interaction", ["none", "ca", "kem", "skem"].index(k[1]), k[2])):
    if key not in torch:
        continue
    d, t = statistics.median(djl[key]["ms"]), statistics.median(torch[key]["ms"])
    print(f"{key[0]:12}{key[1]:7}{key[2]:>6}{d:>10.1f}{t:>10.1f}{d / t:>7.2f}")
    lines.append([*key, f"{d:.2f}", f"{t:.2f}", f"{d / t:.3f}", "/".join(f"{v:.1f}" for v in djl[key]["ms"]),
                  "/".join(f"{v:.1f}" for v in torch[key]["ms"]), f"{max(djl[key]['mb']):.0f}", f"{max(torch[key]['mb']):.0f}", threads])
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(lines)
print("written", out)
PY
