"""Starts N local ranks of a script the way `torchrun --standalone --nproc_per_node N` does.

For machines whose torchrun does not work (Debian's PyTorch 1.13 on Python 3.11 fails in elastic's
`to_map`). Each rank gets MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
exactly the variables torchrun sets, so the script runs unchanged under either. When one rank exits
with an error the others are stopped (SIGTERM, then SIGKILL) and the launcher exits with that code.

  python3 launch.py --nproc 2 train.py --run runs/a --config cfg.json --data DATA
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nproc", type=int, default=2, help="ranks to start on this machine")
    ap.add_argument("--master-port", type=int, default=0, help="rendezvous port (default: a free one)")
    ap.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL for the others")
    ap.add_argument("script")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    port = a.master_port or free_port()
    procs = []
    for r in range(a.nproc):
        env = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(r), WORLD_SIZE=str(a.nproc),
                   LOCAL_RANK=str(r), LOCAL_WORLD_SIZE=str(a.nproc))
        procs.append(subprocess.Popen([sys.executable, a.script] + a.args, env=env))
    print(f"launch.py: {a.nproc} ranks, pids {' '.join(str(p.pid) for p in procs)}", file=sys.stderr, flush=True)

    def stop_all(signum=signal.SIGTERM):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signum)
        deadline = time.monotonic() + a.grace
        for p in procs:
            while p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if p.poll() is None:
                p.kill()
                p.wait()

    def forward(signum, frame):
        stop_all(signum)
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        codes = [p.poll() for p in procs]
        failed = [(r, c) for r, c in enumerate(codes) if c not in (None, 0)]
        if failed:
            r, c = failed[0]
            how = f"was killed by signal {-c}" if c < 0 else f"exited with code {c}"
            print(f"launch.py: rank {r} {how}; stopping the other ranks", file=sys.stderr, flush=True)
            stop_all()
            return 128 - c if c < 0 else c
        if all(c == 0 for c in codes):
            return 0
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
