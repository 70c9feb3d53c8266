"""Tests of export_model.py (python3 -m pytest interop/pytorch/test_export_model.py, or unittest).

Needs Debian's python3-torch; each test exports into a temporary folder.
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export_model  # noqa: E402
from tiny_joint_vit import TinyJointViT  # noqa: E402

CARD = os.path.join(HERE, "tiny_joint_vit.card.json")


class FrozenScale(nn.Module):
    """Traces wrongly: float() freezes the first input's maximum into the graph."""

    def forward(self, x):
        return {"depth": x[:, :1] / float(x.abs().max())}


class FlatDict(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 1, 3, padding=1)

    def forward(self, x):
        return {"edges": self.conv(x), "unused": x}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = export_model.main(list(args))
    return rc, out.getvalue(), err.getvalue()


def small_card(d, tasks, h=16, w=16):
    path = os.path.join(d, "in.card.json")
    with open(path, "w") as f:
        json.dump({"input": {"height": h, "width": w}, "tasks": tasks}, f)
    return path


class ExportModelTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def reference(self, state):
        torch.manual_seed(123)
        m = TinyJointViT()
        m.load_state_dict(state)
        return m.eval()

    def export_with(self, checkpoint):
        out = os.path.join(self.d, "model.pt")
        rc, stdout, err = run("--model", "tiny_joint_vit:TinyJointViT", "--checkpoint", checkpoint, "--card", CARD, "--out", out)
        self.assertEqual(0, rc, err)
        self.assertIn("max abs diff", stdout)
        return torch.jit.load(out), out

    def test_checkpoint_forms_and_nested_dict_outputs_and_attention(self):
        torch.manual_seed(7)
        state = TinyJointViT().state_dict()
        ref = self.reference(state)
        x = torch.rand(1, 3, 64, 96)
        with torch.no_grad():
            want = ref(x)
        forms = {
            "plain.pth": state,
            "ddp.pth.tar": {"epoch": 3, "state_dict": {"module." + k: v for k, v in state.items()}},
            "model.pth.tar": {"model": state, "optimizer": {}},
            "lightning.ckpt": {"epoch": 1, "global_step": 10, "state_dict": {"model." + k: v for k, v in state.items()},
                               "loss_weights": torch.ones(2)},
        }
        for name, obj in forms.items():
            with self.subTest(name):
                path = os.path.join(self.d, name)
                torch.save(obj, path)
                exported, out = self.export_with(path)
                with torch.no_grad():
                    got = exported(x)
                self.assertEqual(4, len(got))
                torch.testing.assert_close(got[0], want["final"]["semseg"], rtol=0, atol=1e-5)
                torch.testing.assert_close(got[1], want["final"]["depth"], rtol=0, atol=1e-5)
                self.assertEqual((1, 2, 29, 29), tuple(got[2].shape))  # timm-style attn_drop input, heads kept
                self.assertEqual((1, 48, 48), tuple(got[3].shape))  # nn.MultiheadAttention weights, averaged
                torch.testing.assert_close(got[2].sum(-1), torch.ones(1, 2, 29), rtol=0, atol=1e-5)
                # the encoder attention equals softmax(q k^T / sqrt(d)) computed here from the weights
                with torch.no_grad():
                    t = ref.patch(x).flatten(2).transpose(1, 2)
                    t = torch.cat([ref.cls_token, ref.reg_tokens, t], 1) + ref.pos
                    qkv = ref.attn.qkv(ref.norm1(t)).reshape(1, 29, 3, 2, 16).permute(2, 0, 3, 1, 4)
                    manual = (qkv[0] @ qkv[1].transpose(-2, -1) * 16 ** -0.5).softmax(-1)
                torch.testing.assert_close(got[2], manual, rtol=0, atol=1e-5)
                with open(out[:-3] + ".card.json") as f:
                    card = json.load(f)
                self.assertEqual("joint", card["attention"][1]["source"])  # found by itself
                self.assertEqual("kemwb-model-card/1", card["format"])

    def test_checkpoint_that_does_not_fit_is_refused(self):
        path = os.path.join(self.d, "other.pth")
        torch.save({"encoder.weight": torch.zeros(2)}, path)
        rc, _, err = run("--model", "tiny_joint_vit:TinyJointViT", "--checkpoint", path, "--card", CARD,
                         "--out", os.path.join(self.d, "m.pt"))
        self.assertEqual(2, rc)
        self.assertIn("other.pth: does not fit the model", err)

    def test_trace_that_differs_from_eager_is_refused_and_leaves_nothing(self):
        card = small_card(self.d, [{"name": "depth", "kind": "depth", "unit": "metres"}])
        out_dir = os.path.join(self.d, "out")
        os.makedirs(out_dir)
        rc, stdout, err = run("--model", "test_export_model:FrozenScale", "--random-weights", "--card", card,
                              "--out", os.path.join(out_dir, "m.pt"))
        self.assertEqual(2, rc)
        self.assertIn("export differs from eager by", err)
        self.assertIn("max abs diff", stdout)
        self.assertEqual([], os.listdir(out_dir))

    def test_card_mismatch_names_the_first_one(self):
        with open(CARD) as f:
            card = json.load(f)
        card["tasks"][0]["preset"] = "pascal-context"
        path = os.path.join(self.d, "c.json")
        with open(path, "w") as f:
            json.dump(card, f)
        rc, _, err = run("--model", "tiny_joint_vit:TinyJointViT", "--random-weights", "--card", path,
                         "--out", os.path.join(self.d, "m.pt"))
        self.assertEqual(2, rc)
        self.assertIn("output 0 (semseg): shape (1, 40, 16, 24), the card needs (1, 21, <=64, <=96)", err)
        self.assertFalse(os.path.exists(os.path.join(self.d, "m.pt")))

    def test_script_mode_with_a_flat_dict(self):
        card = small_card(self.d, [{"name": "edges", "kind": "edges", "values": "logits"}])
        out = os.path.join(self.d, "s.pt")
        rc, _, err = run("--model", "test_export_model:FlatDict", "--random-weights", "--card", card, "--out", out, "--mode", "script")
        self.assertEqual(0, rc, err)
        m = torch.jit.load(out)
        x = torch.rand(1, 3, 32, 24)  # scripted, so other sizes follow (a trace would too here, but not its dict)
        got = m(x)
        self.assertEqual(1, len(got))
        torch.manual_seed(0)
        torch.testing.assert_close(got[0], m.model.conv(x), rtol=0, atol=0)

    def test_list_attention_finds_both_kinds(self):
        rc, stdout, _ = run("--model", "tiny_joint_vit:TinyJointViT", "--random-weights", "--card", CARD, "--list-attention")
        self.assertEqual(0, rc)
        self.assertIn("attn\tattn_drop\t(1, 2, 29, 29)", stdout)
        self.assertIn("joint\tmha\t(1, 48, 48)", stdout)


class WorkbenchExportCardTest(unittest.TestCase):
    """export_torchscript.py: the card of a non-square workbench model states its own input and token grid."""

    def test_non_square_model_card_matches_the_traced_model(self):
        sys.path.insert(0, HERE)
        from kemwb_torch import MultiTaskNet, save_npz
        with open(os.path.join(HERE, "kemwb_torch", "defaults.json")) as f:
            cfg = json.load(f)["model"]
        cfg.update({"imageHeight": 24, "imageWidth": 40, "patch": 8, "dim": 16, "heads": 2, "encoderDepth": 1,
                    "decoderDepth": 1, "slots": 4, "topK": 2})
        with tempfile.TemporaryDirectory() as d:
            torch.manual_seed(0)
            npz, pt = os.path.join(d, "m.npz"), os.path.join(d, "m.pt")
            save_npz(MultiTaskNet(cfg).eval(), npz)
            subprocess.run([sys.executable, os.path.join(HERE, "export_torchscript.py"), npz, pt], check=True,
                           capture_output=True)
            with open(os.path.join(d, "m.card.json")) as f:
                card = json.load(f)
            self.assertEqual((24, 40), (card["input"]["height"], card["input"]["width"]))
            groups = card["attention"][0]["rows"]["groups"]
            self.assertEqual([[3, 5]] * 3, [g["grid"] for g in groups])
            out = torch.jit.load(pt)(torch.rand(1, 3, 24, 40))
            tokens = sum(g["grid"][0] * g["grid"][1] for g in groups)
            self.assertEqual((1, tokens, tokens), tuple(out[-1].shape))
            self.assertEqual((1, 6, 24, 40), tuple(out[0].shape))


if __name__ == "__main__":
    unittest.main()
