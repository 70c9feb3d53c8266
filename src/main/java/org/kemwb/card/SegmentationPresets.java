package org.kemwb.card;

import java.util.ArrayList;
import java.util.List;

/**
 * Class lists of the datasets multi-task code bases train on, usable as a card's segmentation
 * {@code "preset"}. Names follow the public code bases (Multi-Task-Learning-PyTorch, InvPT):
 * {@code nyud40} = NYUD-v2's 40 classes (Gupta et al. 2013), {@code pascal-context} = the 21
 * classes (background + the 20 VOC classes) of the multi-task PASCAL-Context split,
 * {@code parts7} = background + 6 human parts. Colours are the PASCAL VOC label colour map
 * (bit-interleaved class index), the convention of those code bases' visualisations.
 */
public final class SegmentationPresets {
    private SegmentationPresets() {}

    public static final List<String> NAMES = List.of("nyud40", "pascal-context", "parts7");

    private static final String[] NYUD40 = {
        "wall", "floor", "cabinet", "bed", "chair", "sofa", "table", "door", "window", "bookshelf", "picture",
        "counter", "blinds", "desk", "shelves", "curtain", "dresser", "pillow", "mirror", "floor mat", "clothes",
        "ceiling", "books", "refrigerator", "television", "paper", "towel", "shower curtain", "box", "whiteboard",
        "person", "night stand", "toilet", "sink", "lamp", "bathtub", "bag", "other structure", "other furniture",
        "other prop"
    };
    private static final String[] PASCAL = {
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "dining table", "dog", "horse", "motorbike", "person", "potted plant", "sheep", "sofa", "train", "tv monitor"
    };
    private static final String[] PARTS7 = {"background", "head", "torso", "upper arm", "lower arm", "upper leg", "lower leg"};

    /** The classes of a preset, or null for an unknown name. */
    public static List<ModelCard.SegClass> get(String preset) {
        String[] names = switch (preset) {
            case "nyud40" -> NYUD40;
            case "pascal-context" -> PASCAL;
            case "parts7" -> PARTS7;
            default -> null;
        };
        if (names == null) {
            return null;
        }
        // NYUD-v2's 40 classes start at label 1 (0 = unlabelled) in the datasets, but the models'
        // 40 output channels are classes 1..40: colour channel c with VOC colour c + 1 so no class is black.
        int offset = preset.equals("nyud40") ? 1 : 0;
        List<ModelCard.SegClass> out = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            out.add(new ModelCard.SegClass(names[c], vocColour(c + offset)));
        }
        return List.copyOf(out);
    }

    /** The PASCAL VOC colour of label {@code c} as 0xRRGGBB (bits of c spread over R, G, B). */
    public static int vocColour(int c) {
        int r = 0;
        int g = 0;
        int b = 0;
        int id = c;
        for (int shift = 7; shift >= 0; shift--) {
            r |= (id & 1) << shift;
            g |= ((id >> 1) & 1) << shift;
            b |= ((id >> 2) & 1) << shift;
            id >>= 3;
        }
        return (r << 16) | (g << 8) | b;
    }
}
