package org.kemwb.data;

import org.kemwb.model.Task;

/**
 * Class names of the datasets the workbench reads, chosen by the number of classes a model
 * predicts, and the standard PASCAL VOC colour map (the one the NYUD-v2 and PASCAL tools use).
 * Sources: NYUD-v2 40 classes of Gupta et al. 2013 (the Multi-Task-Learning-PyTorch / InvPT
 * order, raw label c+1 = class c); PASCAL-Context 59 (Mottaghi et al. 2014, without background)
 * and 60 (with background 0); the 21 PASCAL VOC classes used for PASCAL-Context semantic
 * segmentation by the MTL code bases; the 7 human-part classes of those code bases.
 */
public final class ClassNames {
    public static final String[] NYUD40 = {"wall", "floor", "cabinet", "bed", "chair", "sofa", "table", "door", "window",
        "bookshelf", "picture", "counter", "blinds", "desk", "shelves", "curtain", "dresser", "pillow", "mirror", "floor mat",
        "clothes", "ceiling", "books", "refrigerator", "television", "paper", "towel", "shower curtain", "box", "whiteboard",
        "person", "night stand", "toilet", "sink", "lamp", "bathtub", "bag", "otherstructure", "otherfurniture", "otherprop"};

    public static final String[] PASCAL_CONTEXT59 = {"aeroplane", "bag", "bed", "bedclothes", "bench", "bicycle", "bird", "boat",
        "book", "bottle", "building", "bus", "cabinet", "car", "cat", "ceiling", "chair", "cloth", "computer", "cow", "cup",
        "curtain", "dog", "door", "fence", "floor", "flower", "food", "grass", "ground", "horse", "keyboard", "light",
        "motorbike", "mountain", "mouse", "person", "plate", "platform", "pottedplant", "road", "rock", "sheep", "shelves",
        "sidewalk", "sign", "sky", "snow", "sofa", "table", "track", "train", "tree", "truck", "tvmonitor", "wall", "water",
        "window", "wood"};

    public static final String[] PASCAL_VOC21 = {"background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car",
        "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
        "tvmonitor"};

    public static final String[] HUMAN_PARTS7 = {"background", "head", "torso", "upper arm", "lower arm", "upper leg", "lower leg"};

    private ClassNames() {}

    /** Names of the {@code classes} classes of a categorical task ("class c" where no dataset matches). */
    public static String[] of(Task task, int classes) {
        String[] known = task == Task.PARTS ? parts(classes) : semseg(classes);
        if (known != null) {
            return known;
        }
        String[] out = new String[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = "class " + c;
        }
        return out;
    }

    private static String[] semseg(int classes) {
        return switch (classes) {
            case 40 -> NYUD40;
            case 59 -> PASCAL_CONTEXT59;
            case 60 -> withBackground(PASCAL_CONTEXT59);
            case 21 -> PASCAL_VOC21;
            default -> classes == SyntheticScenes.CLASSES.length ? SyntheticScenes.CLASSES : null;
        };
    }

    private static String[] parts(int classes) {
        if (classes == HUMAN_PARTS7.length) {
            return HUMAN_PARTS7;
        }
        return classes == SyntheticScenes.PARTS.length ? SyntheticScenes.PARTS : null;
    }

    private static String[] withBackground(String[] names) {
        String[] out = new String[names.length + 1];
        out[0] = "background";
        System.arraycopy(names, 0, out, 1, names.length);
        return out;
    }

    /**
     * Entry {@code i} of the PASCAL VOC colour map (0xRRGGBB): the bits of {@code i} spread over
     * the high bits of red, green and blue (VOCdevkit {@code labelcolormap.m}); 0 is black.
     */
    public static int vocColour(int i) {
        int r = 0;
        int g = 0;
        int b = 0;
        int c = i;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        return (r << 16) | (g << 8) | b;
    }
}
