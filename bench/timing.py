"""The timing rule of `kemwb bench` (CostBenchmark.measure), for the PyTorch twins.

Inputs are made outside the timed region; warm up for at least 2 steps and 1.5 s, then time
at least `repeats` steps and 1.5 s (at most 200 steps each phase); the timed region is the step
and freeing its arrays. Returns the median step time in ms and the extra peak RSS in MB
(relative to the RSS at the start, after giving back memory the allocator kept).
"""
import ctypes
import statistics
import time

MIN_PHASE_S = 1.5
MAX_STEPS = 200


def status_mb(field):
    """A memory field of /proc/self/status (VmRSS: current, VmHWM: peak) in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(inputs, step, repeats, warmup=2, sync=lambda: None):
    """inputs() -> tuple of step arguments; step(*args) runs forward + backward; sync() waits
    for asynchronous work (a GPU's kernels) before the clock is read."""
    # with the allocator settings of compare-torch.sh freed blocks stay resident: give them back
    # first (as kemwb bench does), so that the baseline is what this case starts from
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM (Linux)
            f.write("5")
    except OSError:
        pass
    base = status_mb("VmRSS")
    start, i = time.perf_counter(), 0
    while i < MAX_STEPS and (i < warmup or time.perf_counter() - start < MIN_PHASE_S):
        step(*inputs())
        i += 1
    times, start = [], time.perf_counter()
    while len(times) < MAX_STEPS and (len(times) < repeats or time.perf_counter() - start < MIN_PHASE_S):
        args = inputs()
        sync()
        t0 = time.perf_counter()
        step(*args)
        del args  # freeing the step's arrays (inputs and their gradients included) is timed
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), status_mb("VmHWM") - base
