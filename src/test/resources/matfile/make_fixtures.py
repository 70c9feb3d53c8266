"""Writes the MAT-file fixtures of MatFileTest / FolderDatasetTest with scipy (not needed at test time).

  /usr/bin/python3 src/test/resources/matfile/make_fixtures.py   (needs python3-scipy)

human_parts.mat: a PASCAL-Part annotation (anno.objects with class, class_ind, mask, parts) of a
7 x 5 image: one person with head / ruarm / llleg / lfoot parts, one dog (class 12) with parts
that must be ignored, and a person without parts. human_parts_expected.npy: the labels as the
public code (ASTMT pascal_context.py) derives them, computed here with numpy.
types.mat: one variable per MATLAB type the reader handles (values asserted in MatFileTest).
"""
import os

import numpy as np
import scipy.io as sio

here = os.path.dirname(os.path.abspath(__file__))
H, W = 7, 5
PART_CLASS = {"head": 1, "ruarm": 3, "llleg": 6, "lfoot": 6}


def mask(cells):
    m = np.zeros((H, W), np.uint8)
    for y, x in cells:
        m[y, x] = 1
    return m


def struct_array(rows, fields):
    a = np.zeros((1, len(rows)), dtype=[(f, "O") for f in fields])
    for i, r in enumerate(rows):
        for f in fields:
            a[0, i][f] = r[f]
    return a


person_parts = [
    {"part_name": "head", "mask": mask([(0, 1), (0, 2), (1, 1)])},
    {"part_name": "ruarm", "mask": mask([(2, 0), (3, 0)])},
    {"part_name": "llleg", "mask": mask([(5, 3), (6, 3)])},
    {"part_name": "lfoot", "mask": mask([(6, 4)])},
]
dog_parts = [{"part_name": "head", "mask": mask([(4, 4)])}]
objects = struct_array([
    {"class": "person", "class_ind": np.array([[15.0]]), "mask": mask([(0, 1), (1, 1), (2, 0)]),
     "parts": struct_array(person_parts, ["part_name", "mask"])},
    {"class": "dog", "class_ind": np.array([[12.0]]), "mask": mask([(4, 4)]),
     "parts": struct_array(dog_parts, ["part_name", "mask"])},
    {"class": "person", "class_ind": np.array([[15.0]]), "mask": mask([(3, 3)]), "parts": np.zeros((0, 0))},
], ["class", "class_ind", "mask", "parts"])
anno = {"imname": "2008_000001", "objects": objects}
sio.savemat(os.path.join(here, "human_parts.mat"), {"anno": anno}, do_compression=True)

expected = np.zeros((H, W), np.int32)
for obj in objects[0]:
    if int(obj["class_ind"][0, 0]) == 15 and obj["parts"].size:
        for p in obj["parts"][0]:
            expected[p["mask"].astype(bool)] = PART_CLASS[p["part_name"]]
np.save(os.path.join(here, "human_parts_expected.npy"), expected)

cell = np.empty((1, 2), dtype=object)
cell[0, 0] = "ab"
cell[0, 1] = np.array([[1.5, -2.0]])
types = {
    "d": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    "i8": np.array([[-3, 4]], np.int8),
    "u16": np.array([[65535]], np.uint16),
    "i32": np.array([[-70000]], np.int32),
    "f32": np.array([[0.25]], np.float32),
    "u8": np.arange(12, dtype=np.uint8).reshape(3, 4),
    "flag": np.array([[True, False]]),
    "text": "hello",
    "cells": cell,
    "nested": {"inner": {"x": 7.0}, "name": "n"},
    "empty": np.zeros((0, 0)),
}
sio.savemat(os.path.join(here, "types.mat"), types, do_compression=False)
sio.savemat(os.path.join(here, "types_compressed.mat"), types, do_compression=True)
print("written", here)
