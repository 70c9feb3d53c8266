"""The workbench's run folder, written from Python: run.json, metrics.csv, run.lock.

Same files and rules as org.kemwb.train.TrainingRun: every whole-file write goes to a temp file
that is then renamed over the target (a kill never leaves a half-written file); metrics.csv is only
appended, whole lines at a time, and on resume cut back to the last checkpointed step. run.lock is
held with fcntl (the same POSIX lock Java's FileChannel.tryLock takes), holding "host pid".
"""
import csv
import datetime
import fcntl
import io
import json
import os
import socket

TEMP_SUFFIX = ".partial"  # util.AtomicFiles.TEMP_SUFFIX: resume deletes leftovers


class RunLockedError(ValueError):
    """Another trainer holds the run folder's lock."""


def atomic_write(path, data):
    """Writes bytes or text to path through a temp file + fsync + rename."""
    tmp = path + TEMP_SUFFIX
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    with open(tmp, mode) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# Evaluator.metricNames: the metrics.csv columns of each task
METRICS = {"semseg": ["semseg_miou"], "parts": ["parts_miou"], "depth": ["depth_rmse", "depth_log_rmse", "depth_absrel"],
           "normals": ["normals_mean_deg", "normals_median_deg", "normals_rmse_deg"],
           "saliency": ["saliency_maxf", "saliency_miou"], "edges": ["edges_odsf", "edges_oisf", "edges_ap"]}


def metric_columns(cfg):
    """metrics.csv columns in TrainingRun.columns order."""
    tasks = cfg["model"]["tasks"]
    cols = ["step", "kind", "lr", "loss"] + [f"loss_{t}" for t in tasks]
    for t in tasks:
        cols += METRICS[t]
    return cols + ["convention", "step_ms"]


def fmt(v):
    """Like TrainingRun.fmt: %.6g, empty for missing."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return "%.6g" % v


class RunFolder:
    def __init__(self, path, cfg):
        self.path = path
        self.cfg = cfg
        self.columns = metric_columns(cfg)
        self._lock = None

    # --- lock -------------------------------------------------------------------------------
    def lock(self):
        """Takes run.lock; fails naming the holder when another trainer has it."""
        f = open(os.path.join(self.path, "run.lock"), "a+")
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise RunLockedError(f"run folder {self.path} is in use by {holder} (run.lock is held)")
        f.seek(0)
        f.truncate()
        f.write(f"{socket.gethostname()} {os.getpid()}\n")
        f.flush()
        self._lock = f

    def unlock(self):
        if self._lock is not None:
            fcntl.lockf(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    # --- files ------------------------------------------------------------------------------
    def write_status(self, status, step, error=None, versions=None):
        # the synthetic-scene counts say nothing when a dataset folder gives the images (as TrainingRun)
        cfg = {k: v for k, v in self.cfg.items() if not (self.cfg.get("dataDir") and k in ("trainImages", "valImages"))}
        node = {"config": cfg, "status": status, "step": step}
        if error:
            node["error"] = error
        node["updated"] = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        node["trainer"] = "pytorch"
        node["versions"] = versions or {}
        atomic_write(os.path.join(self.path, "run.json"), json.dumps(node))

    def create_metrics(self):
        atomic_write(os.path.join(self.path, "metrics.csv"), ",".join(self.columns) + "\n")

    def append_row(self, row):
        line = ",".join(row.get(c, "") for c in self.columns) + "\n"
        with open(os.path.join(self.path, "metrics.csv"), "a") as f:
            f.write(line)
            f.flush()

    def truncate_metrics(self, last_step):
        """Keeps the header and complete rows with step <= last_step (a torn last line is dropped)."""
        path = os.path.join(self.path, "metrics.csv")
        kept = io.StringIO()
        w = csv.writer(kept, lineterminator="\n")
        w.writerow(self.columns)
        if os.path.exists(path):
            with open(path, newline="") as f:
                text = f.read()
            lines = text.split("\n")
            for line in lines[1:-1]:  # the last element is "" or a torn row
                cells = line.split(",")
                if len(cells) == len(self.columns) and cells[0].isdigit() and int(cells[0]) <= last_step:
                    kept.write(line + "\n")
        atomic_write(path, kept.getvalue())

    def remove_temp_files(self):
        for name in os.listdir(self.path):
            if name.endswith(TEMP_SUFFIX):
                os.remove(os.path.join(self.path, name))
