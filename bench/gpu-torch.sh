#!/usr/bin/env bash
# The interactions' PyTorch twins on a CUDA GPU (for the device machine; DJL's CUDA natives are
# too large to carry there): kem vs ca step time and memory at growing L. Writes CSV to $1.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-gpu-torch.csv}"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >&2
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))" >&2
python3 interactions_torch.py --device cuda --tokens 64,256,1024,4096 --large 16384 --kinds ca,kem,skem --repeats 20 | tee "$out"
