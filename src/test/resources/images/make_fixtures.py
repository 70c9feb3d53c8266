#!/usr/bin/env python3
"""Writes the image sweep read by ImageSweepTest, with expected values computed here by numpy.

PNGs are written by hand (zlib + struct, filter 0, no library) for every colour type and bit
depth: grey 1/2/4/8/16, grey+alpha 8/16, RGB 8/16, RGBA 8/16, palette 1/2/4/8 with and without
tRNS, grey/RGB with a tRNS colour key; and a 4x3 RGB PNG for each EXIF orientation 1..8 (eXIf
chunk). With ImageMagick (convert, 6.9+): a JPEG per orientation (EXIF APP1 inserted here),
a CMYK JPEG with an embedded CMYK ICC profile (expected: ImageMagick's own conversion back to
sRGB, a second decoder), 16-bit and premultiplied-alpha TIFFs and a lossless WebP.

expected.json, per file: width and height as displayed, "rgb": planar RGB (c, y, x) as integers
whose value in [0,1] is rgb / "scale",
"tol": allowed absolute error, and for PNGs "samples": raw samples band-major (or null).
Orientation transforms are numpy's (rot90, flips, transpose), not the reader's index maths.
Run: python3 make_fixtures.py (numpy; ImageMagick `convert` on the PATH).
"""
import json
import os
import struct
import subprocess
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ICC = "/usr/share/color/icc/ghostscript"
rng = np.random.default_rng(14)
W, H = 4, 3
expected = {}


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_rows(samples, depth):
    """samples: (H, W*channels) ints -> filtered scanlines (filter byte 0)."""
    out = b""
    for row in samples:
        if depth == 16:
            data = b"".join(struct.pack(">H", int(v)) for v in row)
        elif depth == 8:
            data = bytes(int(v) for v in row)
        else:
            bits = "".join(format(int(v), f"0{depth}b") for v in row)
            bits += "0" * (-len(bits) % 8)
            data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
        out += b"\x00" + data
    return out


def exif_tiff(orientation):
    # big-endian TIFF header, IFD0 with one entry: Orientation (0x0112), SHORT, count 1
    return b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)


def write_png(name, width, height, depth, ctype, samples, plte=None, trns=None, exif=None):
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, ctype, 0, 0, 0))
    if plte is not None:
        data += chunk(b"PLTE", bytes(int(v) for v in plte.ravel()))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    if exif is not None:
        data += chunk(b"eXIf", exif)
    data += chunk(b"IDAT", zlib.compress(pack_rows(samples, depth)))
    data += chunk(b"IEND", b"")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def record(name, rgb_hwc, scale, tol=0.0, samples=None):
    """rgb_hwc: integer (h, w, 3) as displayed; the value in [0,1] is rgb / scale."""
    h, w, _ = rgb_hwc.shape
    planar = np.transpose(rgb_hwc, (2, 0, 1))
    expected[name] = {"width": w, "height": h, "scale": scale, "tol": tol,
                      "rgb": [int(v) for v in planar.ravel()],
                      "samples": None if samples is None else [int(v) for v in samples.ravel()]}


# --- grey 1/2/4/8/16 and grey + alpha 8/16
for depth in (1, 2, 4, 8, 16):
    mx = 2 ** depth - 1
    g = rng.integers(0, mx + 1, size=(H, W))
    g[0, 0], g[0, 1] = 0, mx
    write_png(f"grey{depth}.png", W, H, depth, 0, g)
    record(f"grey{depth}.png", np.repeat(g[:, :, None], 3, axis=2), mx, samples=g[None])
for depth in (8, 16):
    mx = 2 ** depth - 1
    g = rng.integers(0, mx + 1, size=(H, W))
    a = rng.integers(0, mx + 1, size=(H, W))
    a[0, 0] = 0  # fully transparent: colour still kept
    write_png(f"greyalpha{depth}.png", W, H, depth, 4, np.stack([g, a], axis=2).reshape(H, W * 2))
    record(f"greyalpha{depth}.png", np.repeat(g[:, :, None], 3, axis=2), mx, samples=np.stack([g, a]))

# --- RGB and RGBA 8/16
for depth in (8, 16):
    mx = 2 ** depth - 1
    rgb = rng.integers(0, mx + 1, size=(H, W, 3))
    write_png(f"rgb{depth}.png", W, H, depth, 2, rgb.reshape(H, W * 3))
    record(f"rgb{depth}.png", rgb, mx, samples=np.transpose(rgb, (2, 0, 1)))
    a = rng.integers(0, mx + 1, size=(H, W, 1))
    a[1, 2, 0] = 0
    rgba = np.concatenate([rgb[::-1], a], axis=2)
    write_png(f"rgba{depth}.png", W, H, depth, 6, rgba.reshape(H, W * 4))
    record(f"rgba{depth}.png", rgb[::-1], mx, samples=np.transpose(rgba, (2, 0, 1)))

# --- palette 1/2/4/8, with and without tRNS
for depth in (1, 2, 4, 8):
    n = 2 ** depth if depth < 8 else 37
    plte = rng.integers(0, 256, size=(n, 3))
    idx = rng.integers(0, n, size=(H, W))
    idx[0, 0], idx[0, 1] = 0, n - 1
    write_png(f"palette{depth}.png", W, H, depth, 3, idx, plte=plte)
    record(f"palette{depth}.png", plte[idx], 255, samples=idx[None])
    alpha = bytes(int(v) for v in rng.integers(0, 256, size=max(1, n - 1)))  # tRNS may be shorter than PLTE
    write_png(f"palette{depth}_trns.png", W, H, depth, 3, idx, plte=plte, trns=alpha)
    record(f"palette{depth}_trns.png", plte[idx], 255, samples=idx[None])

# --- tRNS colour keys on grey and RGB (the key colour becomes transparent; colour kept)
g = rng.integers(0, 256, size=(H, W))
write_png("grey8_trns.png", W, H, 8, 0, g, trns=struct.pack(">H", int(g[1, 1])))
record("grey8_trns.png", np.repeat(g[:, :, None], 3, axis=2), 255)
rgb = rng.integers(0, 256, size=(H, W, 3))
write_png("rgb8_trns.png", W, H, 8, 2, rgb.reshape(H, W * 3), trns=struct.pack(">HHH", *[int(v) for v in rgb[2, 3]]))
record("rgb8_trns.png", rgb, 255)

# --- EXIF orientations 1..8 as viewers apply them (numpy's transforms of the stored array)
VIEW = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],                 # mirror left-right
    3: lambda a: np.rot90(a, 2),             # rotate 180
    4: lambda a: a[::-1, :],                 # mirror top-bottom
    5: lambda a: np.transpose(a, (1, 0, 2)),  # transpose
    6: lambda a: np.rot90(a, -1),            # rotate 90 clockwise
    7: lambda a: np.transpose(np.rot90(a, 2), (1, 0, 2)),  # transverse
    8: lambda a: np.rot90(a, 1),             # rotate 90 anticlockwise
}
stored = rng.integers(0, 256, size=(H, W, 3))
for o in range(1, 9):
    write_png(f"orient{o}.png", W, H, 8, 2, stored.reshape(H, W * 3), exif=exif_tiff(o))
    shown = VIEW[o](stored)
    record(f"orient{o}.png", shown, 255, samples=np.transpose(shown, (2, 0, 1)))


def convert(*args):
    subprocess.run(["convert", *args], check=True, cwd=HERE)


def ppm(name, rgb):
    h, w, _ = rgb.shape
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(int(v) for v in rgb.ravel()))


# --- JPEG orientations: 32x16 stored as 4x2 solid 8x8 blocks (near-lossless at quality 100, 4:4:4)
blocks = np.array([[[230, 30, 30], [30, 200, 40], [40, 60, 220], [240, 220, 40]],
                   [[20, 20, 20], [250, 250, 250], [200, 40, 200], [40, 200, 210]]])
big = np.kron(blocks, np.ones((8, 8, 1), dtype=int))
ppm("tmp_blocks.ppm", big)
convert("tmp_blocks.ppm", "-quality", "100", "-sampling-factor", "1x1", "tmp_blocks.jpg")
with open(os.path.join(HERE, "tmp_blocks.jpg"), "rb") as f:
    jpg = f.read()
for o in range(1, 9):
    payload = b"Exif\x00\x00" + exif_tiff(o)
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    with open(os.path.join(HERE, f"orient{o}.jpg"), "wb") as f:
        f.write(jpg[:2] + app1 + jpg[2:])
    record(f"orient{o}.jpg", VIEW[o](big), 255, tol=0.01)

# --- CMYK JPEG with an embedded CMYK ICC profile; expected: ImageMagick's conversion back to sRGB
colours = np.array([[[200, 120, 80], [60, 140, 200], [120, 180, 90], [230, 210, 160]],
                    [[90, 60, 140], [180, 180, 180], [60, 60, 60], [210, 90, 110]]])
ppm("tmp_cmyk_src.ppm", np.kron(colours, np.ones((8, 8, 1), dtype=int)))
convert("tmp_cmyk_src.ppm", "-profile", f"{ICC}/srgb.icc", "-profile", f"{ICC}/default_cmyk.icc",  # ps_cmyk.icc is refused by Java's CMM
        "-quality", "100", "-sampling-factor", "1x1", "cmyk.jpg")
back = subprocess.run(["convert", "cmyk.jpg", "-profile", f"{ICC}/srgb.icc", "-depth", "8", "rgb:-"],
                      check=True, cwd=HERE, capture_output=True).stdout
record("cmyk.jpg", np.frombuffer(back, dtype=np.uint8).reshape(16, 32, 3), 255, tol=0.01)

# --- 16-bit TIFFs (exact), premultiplied (associated) alpha TIFF, lossless WebP
convert("rgb16.png", "-compress", "none", "rgb16.tif")
expected["rgb16.tif"] = dict(expected["rgb16.png"], samples=None)
convert("grey16.png", "-compress", "none", "grey16.tif")
expected["grey16.tif"] = dict(expected["grey16.png"], samples=None)
src = np.concatenate([rng.integers(0, 256, size=(H, W, 3)), rng.integers(128, 256, size=(H, W, 1))], axis=2)
with open(os.path.join(HERE, "tmp_rgba.rgba"), "wb") as f:
    f.write(bytes(int(v) for v in src.ravel()))
convert("-size", f"{W}x{H}", "-depth", "8", "tmp_rgba.rgba", "-type", "TrueColorAlpha", "-define", "tiff:alpha=associated", "-compress", "none", "rgba8_premultiplied.tif")
record("rgba8_premultiplied.tif", src[:, :, :3], 255, tol=1.0 / 128)
try:
    convert("rgb8.png", "-define", "webp:lossless=true", "rgb8.webp")
    expected["rgb8.webp"] = dict(expected["rgb8.png"], samples=None)
except (subprocess.CalledProcessError, FileNotFoundError):
    pass  # ImageMagick without the WebP delegate

for f in os.listdir(HERE):
    if f.startswith("tmp_"):
        os.remove(os.path.join(HERE, f))
with open(os.path.join(HERE, "expected.json"), "w") as f:
    f.write("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(expected.items())) + "\n}\n")
