"""Trains the workbench's model (the PyTorch twin) at scale with PyTorch DDP; writes a workbench run folder.

Same train config JSON as `kemwb train` (keys over the defaults in kemwb_torch/defaults.json, which a
Java test keeps equal to TrainConfig.defaults()), same dataset folders (`kemwb data synth`, NYUD-v2
and PASCAL-Context layouts, read by the rules of data.FolderDataset), same losses, learning-rate schedule (linear warm-up, poly decay), AdamW, metrics and run
folder (run.json, metrics.csv, last/best checkpoints as .npz that `kemwb convert` and the workbench
open). Rank 0 writes; every file is replaced atomically; resume continues after a kill with no step
lost or repeated (the data order depends only on seed and step).

Single process:   python3 train.py --run runs/a --config cfg.json --data DATA
One node, 8 GPUs: torchrun --standalone --nproc_per_node 8 train.py --run runs/a --config cfg.json --data DATA
Resume:           (same launcher) train.py --run runs/a --resume
Data order: each epoch is a DistributedSampler permutation (seed + epoch); step j of an epoch uses
positions [j*B, (j+1)*B) of it, split over the ranks, so the global batch of every step is the same
for any number of processes (B = config "batch", the global batch; it must be divisible by
world size x --accumulate).
"""
import argparse
import copy
import json
import math
import os
import signal
import sys
import time

try:
    import numpy as np
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
except ImportError as missing:  # one line, not a traceback: which Python this is and what it lacks
    sys.exit(f"train.py: {sys.executable} has no {missing.name}: run it with a Python that has PyTorch"
             " (Debian: apt install python3-torch python3-pil python3-scipy, then /usr/bin/python3; elsewhere: pip install torch pillow scipy)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kemwb_torch import MultiTaskNet, load_npz, save_npz  # noqa: E402
from kemwb_torch.data import FolderData, augment, fitted  # noqa: E402
from kemwb_torch.losses import task_loss  # noqa: E402
from kemwb_torch.metrics import SetMetrics  # noqa: E402
from kemwb_torch.runfolder import RunFolder, RunLockedError, fmt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class ConfigError(ValueError):
    """Bad input found before training starts: one line, exit code 2, the run folder untouched."""


def overlay(base, node, where):
    """Keys of node over base; unknown keys are refused naming them (as Json.overlay in Java)."""
    out = copy.deepcopy(base)
    for k, v in node.items():
        if k not in base:
            raise ConfigError(f"{where}: unknown key \"{k}\"")
        out[k] = overlay(base[k], v, f"{where}.{k}") if isinstance(base[k], dict) and isinstance(v, dict) and k != "lossWeights" else v
    return out


def resolve_config(path, data, steps, interaction):
    with open(os.path.join(HERE, "kemwb_torch", "defaults.json")) as f:
        cfg = json.load(f)
    if path:
        try:
            with open(path) as f:
                node = json.load(f)
        except json.JSONDecodeError as e:
            raise ConfigError(f"config {path}: not valid JSON ({e})") from e
        if not isinstance(node, dict):
            raise ConfigError(f"config {path}: must be a JSON object")
        cfg = overlay(cfg, node, f"config {path}")
    if data:
        cfg["dataDir"] = os.path.abspath(data)
    if steps is not None:
        if not 1 <= steps <= 10_000_000:
            raise ConfigError(f"--steps = {steps}: must be in [1, 10000000]")
        cfg["steps"] = steps
        cfg["evalEvery"] = min(cfg["evalEvery"], steps)
        cfg["warmup"] = min(cfg["warmup"], steps)
    if interaction:
        cfg["model"]["interaction"] = interaction
    if not cfg["dataDir"]:
        raise ConfigError("no dataset: pass --data DIR (write synthetic scenes with `kemwb data synth --out DIR`)")
    m = cfg["model"]
    tokens = ((m.get("imageHeight") or m["imageSize"]) // m["patch"]) * ((m.get("imageWidth") or m["imageSize"]) // m["patch"])
    if m["interaction"] in ("kem", "skem") and m["topK"] > len(m["tasks"]) * tokens:
        # each memory slot reads its top-k among the tokens of every task (ModelConfig.validated)
        raise ConfigError(f"config: model.topK = {m['topK']}: more than the {len(m['tasks']) * tokens} tokens the memory "
                          f"slots read from ({len(m['tasks'])} tasks x {tokens} tokens)")
    if not 0 <= cfg["warmup"] <= cfg["steps"]:
        raise ConfigError(f"config: warmup = {cfg['warmup']}: must be in [0, {cfg['steps']}]")
    return cfg


def lr_at(cfg, update):
    """PolyLearningRate.getNewValue for the 1-based optimizer update."""
    step = max(0, update - 1)
    base, warm, total = cfg["lr"], cfg["warmup"], max(1, cfg["steps"])
    if step < warm:
        return base * (step + 1) / (warm + 1)
    progress = min(1.0, (step - warm) / max(1, total - warm))
    return base * (1 - progress) ** cfg["polyPower"]


# DeltaM.PRIMARY: the one metric of each task that "best" is chosen by
PRIMARY = ("semseg_miou", "depth_rmse", "normals_mean_deg", "edges_odsf", "saliency_miou", "parts_miou")


def score(metrics):
    """TrainingRun.score: higher is better (used for best.npz only); the primary metrics only."""
    s = 0.0
    for k in PRIMARY:
        if k in metrics:
            v = metrics[k]
            s += v / 100 if k.endswith(("miou", "maxf", "odsf")) else -v / (90 if "deg" in k else 1)
    return s


class Trainer:
    def __init__(self, args):
        self.args = args
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() and args.device != "cpu"
        self.device = torch.device(f"cuda:{self.local_rank}") if cuda else torch.device("cpu")
        if cuda:
            torch.cuda.set_device(self.device)
        else:
            # oneDNN's CPU convolution gave run-to-run different (up to 2e4 relative) gradients for the
            # conv stem / upsampling heads on torch 1.13 here, and libtorch 2.5.1's is wrong for channel
            # counts that are not multiples of 16 (the workbench turns it off too: EngineSetup.oneDnnOff)
            torch.backends.mkldnn.enabled = False
        if self.world > 1:
            dist.init_process_group("nccl" if cuda else "gloo", init_method="env://")
        self.amp = cuda and args.amp != "off"
        self.run = None
        self.stop_requested = False

    def log(self, msg):
        if self.rank == 0:
            print(msg, flush=True)

    def setup(self):
        a = self.args
        os.makedirs(a.run, exist_ok=True)
        run_json = os.path.join(a.run, "run.json")
        if a.resume:
            if not os.path.isfile(run_json):
                raise ConfigError(f"run folder {a.run}: no run.json to resume")
            with open(run_json) as f:
                node = json.load(f)
            if node.get("trainer") != "pytorch":
                raise ConfigError(f"run folder {a.run} was written by the workbench's own trainer: resume it with `kemwb resume`")
            cfg = node["config"]
        else:
            if os.path.exists(run_json):
                raise ConfigError(f"run folder {a.run} already holds a run (use --resume)")
            cfg = resolve_config(a.config, a.data, a.steps, a.interaction)
        b = cfg["batch"]
        if b % (self.world * a.accumulate):
            raise ConfigError(f"batch = {b} must be divisible by world size {self.world} x accumulate {a.accumulate}")
        self.cfg = cfg
        self.run = RunFolder(a.run, cfg)
        self.barrier()  # every rank has read the folder before rank 0 writes to it
        if self.rank == 0:
            self.run.lock()
            self.run.remove_temp_files()
            if not a.resume:
                self.run.create_metrics()
                self.run.write_status("created", 0, versions=self.versions())
        self.barrier()
        m = cfg["model"]
        self.tasks = list(m["tasks"])
        h = m.get("imageHeight") or m["imageSize"]  # 0: square imageSize (ModelConfig.height/width)
        w = m.get("imageWidth") or m["imageSize"]
        self.size = (h, w)
        # training images at their own size, randomly scaled and cropped to h x w at every step (augment);
        # validation images fitted into h x w with their aspect kept (as kemwb train)
        self.train_set = FolderData(cfg["dataDir"], "train", self.tasks, None, None)
        self.val_set = fitted(FolderData(cfg["dataDir"], "val", self.tasks, None, None), h, w) if self.rank == 0 else None
        for t, key in (("semseg", "semsegClasses"), ("parts", "partsClasses")):
            if t in self.tasks:
                lab = torch.cat([x.flatten() for x in self.train_set.labels[t]])
                top = int(lab[lab != 255].max()) if (lab != 255).any() else -1
                if top >= m[key]:
                    raise ConfigError(f"dataset {cfg['dataDir']}: {t} label {top} does not fit model.{key} = {m[key]}"
                                      + (" (NYUD-v2 has 40 classes)" if t == "semseg" else ""))
        if len(self.train_set) < b:
            raise ConfigError(f"dataset {cfg['dataDir']}: {len(self.train_set)} training images, fewer than one batch ({b})")
        torch.manual_seed(cfg["seed"])
        last = os.path.join(a.run, "last.npz")
        self.start = 0
        self.best = -math.inf
        state = None
        if a.resume and os.path.exists(last):
            model = load_npz(last).train()
            state = torch.load(os.path.join(a.run, "last.state.pt"), map_location="cpu")
            self.start, self.best = state["step"], state["best"]
        else:
            model = MultiTaskNet(m)
        self.model = model.to(self.device)
        self.ddp = DistributedDataParallel(self.model) if self.world > 1 else self.model
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8,
                                     weight_decay=cfg["weightDecay"])
        self.scaler = torch.cuda.amp.GradScaler(enabled=self.amp)
        if state is not None:
            self.opt.load_state_dict(state["optimizer"])
            self.scaler.load_state_dict(state["scaler"])
        self.weights = torch.tensor([cfg["lossWeights"].get(t, 1.0) for t in self.tasks], device=self.device)
        if self.rank == 0:
            self.run.truncate_metrics(self.start)
            self.run.write_status("running", self.start, versions=self.versions())
        self.sampler_epoch, self.sampler_indices = None, None

    def versions(self):
        return {"trainer": "interop/pytorch/train.py", "pytorch": torch.__version__, "world": self.world,
                "python": sys.version.split()[0]}

    def barrier(self):
        if self.world > 1:
            dist.barrier()

    def batch_indices(self, step):
        """This rank's dataset indices for 1-based step (see module docstring)."""
        b = self.cfg["batch"]
        per_epoch = len(self.train_set) // b
        epoch, j = divmod(step - 1, per_epoch)
        if self.sampler_epoch != epoch:
            sampler = torch.utils.data.DistributedSampler(range(len(self.train_set)), num_replicas=self.world,
                                                          rank=self.rank, shuffle=True, seed=self.cfg["seed"], drop_last=True)
            sampler.set_epoch(epoch)
            self.sampler_epoch, self.sampler_indices = epoch, list(iter(sampler))
        per_rank = b // self.world
        return epoch, self.sampler_indices[j * per_rank:(j + 1) * per_rank]

    def make_batch(self, epoch, indices):
        images, labels = [], {t: [] for t in self.tasks}
        for i in indices:
            rng = np.random.default_rng([self.cfg["seed"], epoch, i])
            img, lab = augment(self.train_set.images[i], {t: self.train_set.labels[t][i] for t in self.tasks},
                               rng, self.cfg["minScale"], self.cfg["maxScale"], *self.size)
            images.append(img)
            for t in self.tasks:
                labels[t].append(lab[t])
        return torch.stack(images).to(self.device), {t: torch.stack(v).to(self.device) for t, v in labels.items()}

    def loss_of(self, images, labels):
        with torch.autocast(device_type=self.device.type, enabled=self.amp):
            outs = self.ddp(images)
        per_task, total = {}, 0
        log_var = getattr(self.model, "loss_log_variance", None)
        for k, t in enumerate(self.tasks):
            lt = task_loss(t, outs[k].float(), labels[t])
            per_task[t] = lt
            w = self.weights[k] * lt
            total = total + (w * torch.exp(-log_var[k]) + log_var[k] if log_var is not None else w)
        return total, per_task

    def step(self, step):
        epoch, idx = self.batch_indices(step)
        for g in self.opt.param_groups:
            g["lr"] = lr_at(self.cfg, step)
        self.opt.zero_grad(set_to_none=True)
        acc = self.args.accumulate
        micro = len(idx) // acc
        sums = torch.zeros(1 + len(self.tasks), device=self.device, dtype=torch.float64)
        for a in range(acc):
            images, labels = self.make_batch(epoch, idx[a * micro:(a + 1) * micro])
            sync = a == acc - 1 or self.world == 1
            ctx = self.ddp.no_sync() if not sync else _Null()
            with ctx:
                total, per_task = self.loss_of(images, labels)
                self.scaler.scale(total / acc).backward()
            sums += torch.tensor([total.item()] + [v.item() for v in per_task.values()], device=self.device,
                                 dtype=torch.float64) / acc
        self.scaler.step(self.opt)
        self.scaler.update()
        if self.world > 1:
            dist.all_reduce(sums)
            sums /= self.world
        return sums.tolist()

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        m = SetMetrics(self.tasks, self.cfg["model"]["semsegClasses"], self.cfg["model"]["partsClasses"])
        vs = self.val_set
        for s in range(0, len(vs), self.cfg["batch"]):
            images = vs.images[s:s + self.cfg["batch"]].to(self.device)
            outs = self.model(images)
            for k, t in enumerate(self.tasks):
                o = outs[k].float()
                if t in ("saliency", "edges"):
                    o = torch.sigmoid(o)
                o = o.cpu().numpy()
                for i in range(o.shape[0]):
                    m.add(t, o[i], vs.labels[t][s + i].numpy())
        self.model.train()
        return m.result()

    def save(self, step, best_metrics):
        """last.state.pt first, then last.npz: a kill between them leaves newer moments with older weights,
        which resume tolerates (as TrainingRun.saveLast); never a half-written file."""
        state = {"step": step, "best": self.best, "optimizer": self.opt.state_dict(), "scaler": self.scaler.state_dict()}
        tmp = os.path.join(self.args.run, "last.state.pt.partial")
        torch.save(state, tmp)
        os.replace(tmp, os.path.join(self.args.run, "last.state.pt"))
        for name in (["best.npz"] if best_metrics else []) + ["last.npz"]:
            tmp = os.path.join(self.args.run, name + ".partial")
            save_npz(self.model, tmp)
            os.replace(tmp, os.path.join(self.args.run, name))

    def train(self):
        cfg = self.cfg
        self.model.train()
        for step in range(self.start + 1, cfg["steps"] + 1):
            if self.stop_requested:
                raise KeyboardInterrupt()
            t0 = time.perf_counter()
            sums = self.step(step)
            ms = (time.perf_counter() - t0) * 1000
            if not math.isfinite(sums[0]):
                raise FloatingPointError(f"loss became {sums[0]} at step {step}")
            evaluate = step % cfg["evalEvery"] == 0 or step == cfg["steps"]
            if self.rank == 0:
                if step % cfg["logEvery"] == 0 or evaluate:
                    row = {"step": str(step), "kind": "train", "lr": fmt(lr_at(cfg, step)), "loss": fmt(sums[0]),
                           "step_ms": fmt(ms)}
                    row.update({f"loss_{t}": fmt(v) for t, v in zip(self.tasks, sums[1:])})
                    self.run.append_row(row)
                    if self.args.verbose:
                        print(f"step {step}/{cfg['steps']} loss {sums[0]:.4f}", flush=True)
                if evaluate:
                    metrics = self.evaluate()
                    row = {"step": str(step), "kind": "eval", "lr": fmt(lr_at(cfg, step)), "convention": "published"}
                    row.update({k: fmt(v) for k, v in metrics.items()})
                    self.run.append_row(row)
                    better = score(metrics) > self.best
                    if better:
                        self.best = score(metrics)
                    self.save(step, better)
                    self.run.write_status("running", step, versions=self.versions())
                    print(f"step {step}/{cfg['steps']} " + " ".join(f"{k} {v:.4g}" for k, v in metrics.items()), flush=True)
            if evaluate:
                self.barrier()
        if self.rank == 0:
            self.run.write_status("finished", cfg["steps"], versions=self.versions())
            print(f"finished: {self.args.run}", flush=True)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True, help="run folder to create (or to continue with --resume)")
    ap.add_argument("--config", help="train config JSON, as for `kemwb train` (keys over the defaults)")
    ap.add_argument("--data", help="dataset folder: `kemwb data synth`'s, NYUD-v2 (gt_sets/) or PASCAL-Context (JPEGImages/) layout")
    ap.add_argument("--steps", type=int, help="training steps (overrides the config)")
    ap.add_argument("--interaction", help="none, ca, kem, skem, nexusflow or ctal (overrides the config)")
    ap.add_argument("--resume", action="store_true", help="continue the run in --run from its last checkpoint")
    ap.add_argument("--accumulate", type=int, default=1, help="micro-batches per step (gradient accumulation)")
    ap.add_argument("--amp", choices=["auto", "off"], default="auto", help="mixed precision on GPUs (default auto)")
    ap.add_argument("--device", choices=["auto", "cpu"], default="auto")
    ap.add_argument("--threads", type=int, default=0, help="intra-op CPU threads per process (0: PyTorch's choice)")
    ap.add_argument("--verbose", action="store_true", help="print every logged step")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    t = Trainer(args)
    status, error = "failed", None

    def on_term(signum, frame):
        # only a flag: the loop stops at the next step boundary, so a signal never lands inside
        # the clean-up that records the run's status
        t.stop_requested = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    try:
        t.setup()
        t.train()
        status = "finished"
        return 0
    except (ConfigError, RunLockedError) as e:
        print(f"train.py: {e}", file=sys.stderr)
        status, error = None, None  # nothing was started: leave the folder as it was
        return 2
    except KeyboardInterrupt:
        status, error = "cancelled", "stopped by a signal"
        print(f"train.py: stopped; resume with --resume --run {args.run}", file=sys.stderr)
        return 130
    except Exception as e:  # a lost rank (gloo/NCCL error), a bad file, NaN: say it in one line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        error = f"rank {t.rank}: {type(e).__name__}: {first}"
        print(f"train.py: failed: {error}; the run folder is intact, resume with --resume --run {args.run}",
              file=sys.stderr)
        return 1
    finally:
        if t.rank == 0 and t.run is not None and status in ("failed", "cancelled"):
            try:
                step = _last_step(args.run)
                t.run.write_status(status, step, error, versions=t.versions())
            except Exception:
                pass
        if t.run is not None and status is not None:
            t.run.unlock()
        if t.world > 1 and dist.is_initialized() and status == "finished":
            dist.destroy_process_group()


def _last_step(run):
    try:
        with open(os.path.join(run, "run.json")) as f:
            return json.load(f).get("step", 0)
    except (OSError, ValueError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
