#!/usr/bin/env python3
"""Writes the .npy sweep read by NpySweepTest, with numpy itself as the writer.

Every numeric dtype (bool, int8..int64, uint8..uint64, float16/32/64) in both byte orders and
both memory orders, format versions 1.0/2.0/3.0, 0-d, empty and 1-d arrays, a Python-2 style
header with "2L" sizes, and files numpy refuses or that are not numeric (structured, complex,
object, string, truncated, bad magic, bad version). expected.json holds, per valid file, its
shape and its values in C order as float32 (numpy's astype(float32)), per invalid file the
words the refusal must contain. Run: python3 make_fixtures.py (numpy >= 1.17).
"""
import io
import json
import os

import numpy as np
from numpy.lib import format as npf

HERE = os.path.dirname(os.path.abspath(__file__))
expected = {"valid": {}, "invalid": {}}


def base(kind, size):
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    if kind == "b":
        return (a.astype(np.int64) % 3 == 0)
    if kind == "f":
        v = (a - 11.5) * 0.375
        if size == 2:
            v[0, 0, 0] = 65504.0  # float16 max
        else:
            v[0, 0, 0] = 1e30 if size == 4 else 123456.789012345
        return v
    info = np.iinfo(f"{kind}{size}")
    v = (a * 3 - (30 if kind == "i" else 0)).astype(np.int64)
    out = v.astype(f"{kind}{size}")
    out[0, 0, 0] = info.min
    out[1, 2, 3] = info.max
    return out


def save(name, arr, version=None, fortran=False):
    buf = io.BytesIO()
    if fortran:
        arr = np.asfortranarray(arr)
    npf.write_array(buf, arr, version=version, allow_pickle=False)
    data = buf.getvalue()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    back = np.load(os.path.join(HERE, name))
    expected["valid"][name] = {"shape": list(back.shape), "dtype": back.dtype.str,
                               "values": [float(x) for x in np.ascontiguousarray(back).astype(np.float32).ravel()]}
    return data


for kind, sizes in (("b", [1]), ("i", [1, 2, 4, 8]), ("u", [1, 2, 4, 8]), ("f", [2, 4, 8])):
    for size in sizes:
        for order in "<>":
            if size == 1 and order == ">":
                continue  # single bytes have no byte order ('|')
            dt = np.dtype(f"{order}{kind}{size}") if kind != "b" else np.dtype(bool)
            arr = base(kind, size).astype(dt)
            for fortran in (False, True):
                tag = f"{'b' if kind == 'b' else kind + str(size)}_{'be' if order == '>' else 'le'}_{'F' if fortran else 'C'}"
                save(f"{tag}.npy", arr, version=(1, 0), fortran=fortran)

f4 = base("f", 4).astype("<f4")
save("v2_f4.npy", f4, version=(2, 0))
save("v3_f4_F.npy", f4, version=(3, 0), fortran=True)
save("zero_d_f8.npy", np.array(2.5, dtype="<f8"))
save("empty_0x3_f4.npy", np.zeros((0, 3), dtype="<f4"))
save("one_d_i2.npy", np.array([-3, 7, 300], dtype=">i2"))

# Python 2 numpy wrote long sizes as 2L; same data as a 2x3 C-order float32
raw = save("py2_src.npy", np.array([[0, 1.5, 2.25], [3, 0, 9.75]], dtype="<f4"), version=(1, 0))
del expected["valid"]["py2_src.npy"]
os.remove(os.path.join(HERE, "py2_src.npy"))
hlen = int.from_bytes(raw[8:10], "little")
header = raw[10:10 + hlen].decode("latin1").replace("(2, 3)", "(2L, 3L)")
header = header.rstrip("\n").rstrip(" ")
header = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(os.path.join(HERE, "py2_Lsuffix_f4.npy"), "wb") as f:
    f.write(raw[:8] + len(header).to_bytes(2, "little") + header.encode("latin1") + raw[10 + hlen:])
expected["valid"]["py2_Lsuffix_f4.npy"] = {"shape": [2, 3], "dtype": "<f4", "values": [0, 1.5, 2.25, 3, 0, 9.75]}


def invalid(name, data, words):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    expected["invalid"][name] = words


def npy_bytes(arr, **kw):
    buf = io.BytesIO()
    npf.write_array(buf, arr, **kw)
    return buf.getvalue()


invalid("bad_structured.npy", npy_bytes(np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")])), "structured dtype")
invalid("bad_complex.npy", npy_bytes(np.zeros(2, dtype="<c8")), "complex dtype")
invalid("bad_object.npy", npy_bytes(np.array([1, "a"], dtype=object), allow_pickle=True), "object dtype")
invalid("bad_string.npy", npy_bytes(np.array(["ab", "c"], dtype="<U2")), "string dtype")
good = npy_bytes(np.arange(6, dtype="<f4").reshape(2, 3))
invalid("bad_truncated.npy", good[:-5], "data is shorter than its shape")
invalid("bad_magic.npy", b"\x93NUMPX" + good[6:], "not a .npy file")
invalid("bad_version.npy", good[:6] + b"\x07\x00" + good[8:], "unsupported .npy format version 7.0")
invalid("bad_header.npy", good.replace(b"'shape': (2, 3)", b"'shape': (2, 3]"), "broken .npy header")
invalid("bad_text.npy", b"this is a text file, not an array\n", "not a .npy file")

with open(os.path.join(HERE, "expected.json"), "w") as f:
    f.write("{\n")
    for section in ("invalid", "valid"):
        f.write(f'"{section}": {{\n')
        items = sorted(expected[section].items())
        f.write(",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in items))
        f.write("\n}" + (",\n" if section == "invalid" else "\n"))
    f.write("}\n")
