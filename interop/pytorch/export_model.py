"""Exports a user's multi-task PyTorch model to TorchScript + model card for the workbench.

  python3 export_model.py --model package.module:ClassName [--kwargs '{"k": 1}'] \
      [--checkpoint weights.pth] --card card.json --out out/model.pt [--mode trace|script] \
      [--outputs final.semseg,final.depth] [--random-weights] [--list-attention] [--fixtures DIR]

- --model: import path of the constructor (a class or a function), called with --kwargs
  (JSON) or --kwargs-py (a Python expression for objects that JSON cannot express).
- --checkpoint: what the code bases save: a state dict (.pth), a dict holding it under
  "state_dict" / "model" / "model_state_dict" / "net" (.pth.tar, Lightning .ckpt), keys with
  "module." (DataParallel/DDP) or a Lightning attribute prefix ("model.") are matched to the model.
  Without --checkpoint, --random-weights must be given (the model keeps its initialisation).
- --card: the card to write (format in the README, "Model card"): input, tasks in output order,
  attention outputs. Each output is found in the model's (nested) dict/tuple output by the
  dotted path in --outputs (one per task, then one per attention entry that the model returns
  itself) or, by default, by the task's name (shallowest key of that name). Attention entries
  whose name is not an output are captured with forward hooks: on the module named by the entry's
  "source", else on the attention modules found by themselves (nn.MultiheadAttention: its
  weights; timm-style blocks with an `attn_drop`: the softmax entering it), in module order.
- checks every output against the card (count, shape, dtype), runs the export and eager on a
  random input (max abs diff printed; refused above --tolerance, default 1e-4), then writes
  model.pt and model.card.json through temporary files: a refusal leaves nothing behind.
"""
import argparse
import importlib
import json
import os
import sys
import tempfile
from typing import List

import torch
import torch.nn as nn

PRESET_CLASSES = {"nyud40": 40, "pascal-context": 21, "parts7": 7}


class ExportError(Exception):
    """A refusal: one line, printed as 'export_model: ...'."""


# ----------------------------------------------------------------------------- checkpoints

STATE_KEYS = ("state_dict", "model_state_dict", "model", "net", "network")


def find_state_dict(obj, path):
    """The parameter dict inside what torch.load returned (plain, nested under a known key)."""
    if isinstance(obj, nn.Module):
        return obj.state_dict()
    if not isinstance(obj, dict):
        raise ExportError(f"{path}: holds a {type(obj).__name__}, not a state dict")
    if obj and all(torch.is_tensor(v) for v in obj.values()):
        return obj
    for k in STATE_KEYS:
        if k in obj:
            return find_state_dict(obj[k], path)
    raise ExportError(f"{path}: no state dict in it (keys: {', '.join(map(str, list(obj)[:8]))}; expected tensors or one of {', '.join(STATE_KEYS)})")


def match_keys(state, model, path):
    """Strips DataParallel/DDP 'module.' and Lightning attribute prefixes ('model.') so keys match."""
    want = set(model.state_dict().keys())

    def strip_module(d):
        return {k[7:] if k.startswith("module.") else k: v for k, v in d.items()}

    state = strip_module(state)
    if not set(state) & want:
        # a LightningModule keeps the network as an attribute: keep the keys under the best prefix
        best = max(({k.split(".", 1)[0] for k in state if "." in k}),
                   key=lambda p: len({k[len(p) + 1:] for k in state if k.startswith(p + ".")} & want), default=None)
        if best is not None:
            state = strip_module({k[len(best) + 1:]: v for k, v in state.items() if k.startswith(best + ".")})
    missing = sorted(want - set(state))
    unexpected = sorted(set(state) - want)
    if missing or unexpected:
        raise ExportError(f"{path}: does not fit the model ({len(missing)} missing, e.g. {missing[:3]}; "
                          f"{len(unexpected)} unexpected, e.g. {unexpected[:3]})")
    for k, v in model.state_dict().items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ExportError(f"{path}: parameter {k} has shape {tuple(state[k].shape)}, the model needs {tuple(v.shape)}")
    return state


def load_checkpoint(model, path):
    try:
        obj = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - torch raises many kinds
        raise ExportError(f"{path}: cannot be read by torch.load ({str(e).splitlines()[0] if str(e) else type(e).__name__})")
    model.load_state_dict(match_keys(find_state_dict(obj, path), model, path))


# ----------------------------------------------------------------------------- outputs

def flatten(out, prefix=""):
    """Nested dict/list/tuple output -> [(dotted path, tensor)] in traversal order."""
    if torch.is_tensor(out):
        return [(prefix, out)]
    items = out.items() if isinstance(out, dict) else enumerate(out) if isinstance(out, (list, tuple)) else []
    found = []
    for k, v in items:
        found += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    return found


def pick(out, path):
    for part in path.split(".") if path else []:
        out = out[int(part)] if isinstance(out, (list, tuple)) else out[part]
    return out


def resolve_paths(out, names):
    """For each name, the shallowest output path whose last key is that name."""
    flat = flatten(out)
    paths = []
    for name in names:
        hits = [p for p, _ in flat if p == name or p.endswith("." + name)]
        if not hits:
            raise ExportError(f"the model returns no output named '{name}' (outputs: {', '.join(p for p, _ in flat)}); give --outputs")
        paths.append(min(hits, key=lambda p: p.count(".")))
    return paths


# ----------------------------------------------------------------------------- attention

def attention_modules(model):
    """(name, module, kind) of attention modules found by themselves, in module order."""
    found = []
    for name, m in model.named_modules():
        if isinstance(m, nn.MultiheadAttention):
            found.append((name, m, "mha"))
        elif isinstance(getattr(m, "attn_drop", None), nn.Module):
            found.append((name, m, "attn_drop"))
    return found


class Capture:
    """Forward hooks storing attention maps during one forward."""

    def __init__(self):
        self.maps = {}
        self.handles = []

    def add(self, key, module, kind):
        if kind == "mha":
            def hook(mod, inp, out):
                if not isinstance(out, tuple) or out[1] is None:
                    raise ExportError(f"nn.MultiheadAttention '{key}' was called with need_weights=False: name another module in the card's source")
                self.maps[key] = out[1]
            self.handles.append(module.register_forward_hook(hook))
        elif kind == "attn_drop":
            def pre(mod, inp):
                self.maps[key] = inp[0]
            self.handles.append(module.attn_drop.register_forward_pre_hook(pre))
        else:
            def hook(mod, inp, out):
                self.maps[key] = out[1] if isinstance(out, tuple) else out
            self.handles.append(module.register_forward_hook(hook))


class Exportable(nn.Module):
    """The user's model with outputs picked into the card's order and hooked attention appended."""

    def __init__(self, model, paths, capture, keys):
        super().__init__()
        self.model = model
        self.paths = paths
        self.capture = capture
        self.keys = keys

    def forward(self, x):
        self.capture.maps.clear()
        out = self.model(x)
        result = [pick(out, p) for p in self.paths]
        for key in self.keys:
            if key not in self.capture.maps:
                raise ExportError(f"attention module '{key}' did not run in the forward pass")
            result.append(self.capture.maps[key])
        return tuple(result)


class ScriptDict(nn.Module):
    """Script mode: a scripted model returning a flat Dict[str, Tensor] or a tuple, reordered."""

    def __init__(self, model, keys):
        super().__init__()
        self.model = model
        self.keys = keys

    def forward(self, x) -> List[torch.Tensor]:
        out = self.model(x)
        result: List[torch.Tensor] = []
        for k in self.keys:
            result.append(out[k])
        return result  # a list of tensors: DJL reads it like a tuple


# ----------------------------------------------------------------------------- card checks

def input_shape(card):
    i = card["input"]
    if "multipleOf" in i:
        p = i["multipleOf"]
        return 1, 3, p * max(1, 224 // p), p * max(1, 288 // p)
    return 1, 3, i["height"], i["width"]


def expected_channels(task):
    kind = task["kind"]
    if kind == "segmentation":
        return PRESET_CLASSES[task["preset"]] if "preset" in task else len(task["classes"])
    return 3 if kind == "normals" else 1


def layout_tokens(layout, h, w):
    """Tokens of a card layout for an h x w input: a group is a fixed "grid" [gh, gw] or a "patch" P (H // P x W // P)."""
    return layout.get("prefix", 0) + sum(g["grid"][0] * g["grid"][1] if "grid" in g else (h // g["patch"]) * (w // g["patch"])
                                         for g in layout["groups"])


def check_outputs(outs, card, shape):
    """First mismatch between the outputs and the card, as one line, or None."""
    tasks = card["tasks"]
    attn = card.get("attention", [])
    if len(outs) != len(tasks) + len(attn):
        return f"the model gives {len(outs)} outputs, the card names {len(tasks)} tasks + {len(attn)} attention outputs"
    h, w = shape[2], shape[3]
    for i, (t, o) in enumerate(zip(tasks, outs)):
        if o.dtype != torch.float32:
            return f"output {i} ({t['name']}): dtype {o.dtype}, the card needs float32"
        c = expected_channels(t)
        if o.dim() != 4 or o.shape[0] != shape[0] or o.shape[1] != c or o.shape[2] > h or o.shape[3] > w:
            return f"output {i} ({t['name']}): shape {tuple(o.shape)}, the card needs ({shape[0]}, {c}, <={h}, <={w})"
    for j, (a, o) in enumerate(zip(attn, outs[len(tasks):])):
        i = len(tasks) + j
        if o.dtype != torch.float32:
            return f"output {i} ({a['name']}): dtype {o.dtype}, the card needs float32"
        r, c = layout_tokens(a["rows"], h, w), layout_tokens(a["columns"], h, w)
        want = 4 if a["heads"] == "kept" else 3
        if o.dim() != want or o.shape[-2] != r or o.shape[-1] != c:
            need = f"({shape[0]}, heads, {r}, {c})" if want == 4 else f"({shape[0]}, {r}, {c})"
            return f"output {i} ({a['name']}): shape {tuple(o.shape)}, the card needs {need} (heads {a['heads']})"
    return None


# ----------------------------------------------------------------------------- main

def build_model(spec, kwargs):
    if ":" not in spec:
        raise ExportError(f"--model {spec}: give module.path:Constructor")
    mod_name, attr = spec.split(":", 1)
    try:
        ctor = importlib.import_module(mod_name)
        for part in attr.split("."):
            ctor = getattr(ctor, part)
    except (ImportError, AttributeError) as e:
        raise ExportError(f"--model {spec}: {e}")
    return ctor(**kwargs)


def export(a):
    with open(a.card) as f:
        card = json.load(f)
    kwargs = json.loads(a.kwargs) if a.kwargs else {}
    if a.kwargs_py:
        kwargs.update(eval(a.kwargs_py, {"__builtins__": __builtins__}))  # noqa: S307 - the user's own expression
    torch.manual_seed(a.seed)
    model = build_model(a.model, kwargs)
    if a.checkpoint:
        load_checkpoint(model, a.checkpoint)
    elif not a.random_weights:
        raise ExportError("no --checkpoint: give one, or --random-weights to export the initialisation")
    model.eval()
    shape = input_shape(card)
    g = torch.Generator().manual_seed(a.seed)
    example = torch.rand(*shape, generator=g)

    found = attention_modules(model)
    if a.list_attention:
        cap = Capture()
        for name, m, kind in found:
            cap.add(name, m, kind)
        with torch.no_grad():
            model(example)
        for name, _, kind in found:
            t = cap.maps.get(name)
            print(f"{name}\t{kind}\t{tuple(t.shape) if t is not None else 'not run'}")
        return None

    with torch.no_grad():
        eager_raw = model(example)
    task_names = [t["name"] for t in card["tasks"]]
    attn = card.get("attention", [])
    flat_names = {p.split(".")[-1] for p, _ in flatten(eager_raw)} | {p for p, _ in flatten(eager_raw)}
    returned = [e for e in attn if e["name"] in flat_names]
    hooked = [e for e in attn if e["name"] not in flat_names]
    if a.outputs:
        paths = a.outputs.split(",")
        if len(paths) != len(task_names) + len(returned):
            raise ExportError(f"--outputs names {len(paths)} outputs, the card needs {len(task_names) + len(returned)}")
    else:
        paths = resolve_paths(eager_raw, task_names + [e["name"] for e in returned])
    if hooked and attn.index(hooked[0]) < len(returned):
        raise ExportError("card: attention entries the model returns must come before hooked ones")

    capture = Capture()
    keys = []
    by_name = {n: (m, k) for n, m, k in found}
    modules = dict(model.named_modules())
    auto = [n for n, _, _ in found if n not in {e.get("source") for e in hooked}]
    for e in hooked:
        src = e.get("source")
        if src is None:
            if not auto:
                raise ExportError(f"card: attention '{e['name']}' has no source and no unassigned attention module was found "
                                  f"(found: {', '.join(by_name) or 'none'})")
            src = auto.pop(0)
            e["source"] = src
        if src not in modules:
            raise ExportError(f"card: attention '{e['name']}': source '{src}' is not a module of the model")
        kind = by_name[src][1] if src in by_name else "output"
        capture.add(src, modules[src], kind)
        keys.append(src)

    if a.mode == "script":
        if hooked:
            raise ExportError("--mode script cannot capture attention with hooks: use --mode trace, or return it from forward")
        keys_s = [p for p in paths]
        wrapped = ScriptDict(torch.jit.script(model), keys_s)
        with torch.no_grad():
            eager = tuple(pick(eager_raw, p) for p in paths)
        exported = torch.jit.script(wrapped)
    else:
        wrapped = Exportable(model, paths, capture, keys).eval()
        with torch.no_grad():
            eager = wrapped(example)
            exported = torch.jit.trace(wrapped, example, check_trace=False)
    problem = check_outputs(eager, card, shape)
    if problem:
        raise ExportError(f"{a.card}: {problem}")

    out_dir = os.path.dirname(os.path.abspath(a.out))
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.basename(a.out)
    stem = base[:-3] if base.endswith(".pt") else base
    card_path = os.path.join(out_dir, stem + ".card.json")
    fd, tmp_pt = tempfile.mkstemp(prefix="." + stem, suffix=".pt.partial", dir=out_dir)
    os.close(fd)
    fd, tmp_card = tempfile.mkstemp(prefix="." + stem, suffix=".card.partial", dir=out_dir)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    for t in (tmp_pt, tmp_card):
        os.chmod(t, 0o666 & ~umask)
    try:
        exported.save(tmp_pt)
        loaded = torch.jit.load(tmp_pt)
        # a second random input, not the one traced: a trace that froze a data-dependent value differs here
        check = torch.rand(*shape, generator=torch.Generator().manual_seed(a.seed + 1))
        with torch.no_grad():
            want = wrapped(check) if a.mode == "trace" else tuple(pick(model(check), p) for p in paths)
            again = loaded(check)
        again = again if isinstance(again, (tuple, list)) else (again,)
        if len(again) != len(want):
            raise ExportError(f"the export returns {len(again)} outputs, eager {len(want)}")
        diff = max(float((x - y).abs().max()) for x, y in zip(want, again)) if want else 0.0
        print(f"export vs eager on a new random input: max abs diff {diff:.3g} over {len(want)} outputs")
        if not diff <= a.tolerance:
            raise ExportError(f"export differs from eager by {diff:.3g} (> {a.tolerance:g}): the trace does not follow the model")
        card.setdefault("format", "kemwb-model-card/1")
        with open(tmp_card, "w") as f:
            json.dump(card, f, indent=2)
            f.write("\n")
        if a.fixtures:
            write_fixtures(a.fixtures, example, eager)
        os.replace(tmp_pt, a.out)
        os.replace(tmp_card, card_path)
    finally:
        for t in (tmp_pt, tmp_card):
            if os.path.exists(t):
                os.remove(t)
    for e, o in zip(card["tasks"] + attn, eager):
        print(f"  {e['name']}: {tuple(o.shape)}" + (f" from {e['source']}" if e.get("source") else ""))
    print(f"written {a.out} and {card_path}")
    return eager


def write_fixtures(d, example, outs):
    import numpy as np
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "input.npy"), example.numpy().astype(np.float32))
    for i, o in enumerate(outs):
        np.save(os.path.join(d, f"expected_{i}.npy"), o.detach().numpy().astype(np.float32))


def parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="module.path:Constructor (module on PYTHONPATH)")
    ap.add_argument("--kwargs", help="constructor keyword arguments as JSON")
    ap.add_argument("--kwargs-py", help="constructor keyword arguments as a Python dict expression")
    ap.add_argument("--checkpoint", help=".pth / .pth.tar / .ckpt")
    ap.add_argument("--random-weights", action="store_true", help="export without a checkpoint (initial weights)")
    ap.add_argument("--card", required=True, help="the model card to write (JSON)")
    ap.add_argument("--out", help="output TorchScript file; the card goes beside it as <name>.card.json")
    ap.add_argument("--mode", choices=["trace", "script"], default="trace")
    ap.add_argument("--outputs", help="dotted output paths in card order (default: by task name)")
    ap.add_argument("--list-attention", action="store_true", help="list the attention modules found and their map shapes")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fixtures", help="also write input.npy and expected_<i>.npy (eager outputs) here")
    return ap


def main(argv=None):
    a = parser().parse_args(argv)
    if not a.list_attention and not a.out:
        parser().error("--out is required")
    try:
        export(a)
    except ExportError as e:
        print(f"export_model: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
