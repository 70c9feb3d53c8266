package org.kemwb.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PASCAL-Context human parts as the public MTL code bases read them: {@code human_parts/ID.mat}
 * is a PASCAL-Part annotation ({@code anno.objects(i).class_ind}, {@code .mask},
 * {@code .parts(j).part_name}, {@code .parts(j).mask}); the parts of every person (class 15) are
 * merged into six classes, head 1, torso 2, upper arm 3, lower arm 4, upper leg 5, lower leg 6,
 * and 0 elsewhere (ASTMT's {@code pascal_part.json}).
 */
public final class PascalHumanParts {
    public static final int PERSON = 15;
    public static final int CLASSES = 7;
    static final Map<String, Integer> PART_CLASS = Map.ofEntries(
            Map.entry("hair", 1), Map.entry("head", 1), Map.entry("lear", 1), Map.entry("rear", 1), Map.entry("leye", 1),
            Map.entry("reye", 1), Map.entry("lebrow", 1), Map.entry("rebrow", 1), Map.entry("mouth", 1), Map.entry("nose", 1),
            Map.entry("neck", 2), Map.entry("torso", 2), Map.entry("luarm", 3), Map.entry("ruarm", 3), Map.entry("llarm", 4),
            Map.entry("rlarm", 4), Map.entry("lhand", 4), Map.entry("rhand", 4), Map.entry("luleg", 5), Map.entry("ruleg", 5),
            Map.entry("llleg", 6), Map.entry("rlleg", 6), Map.entry("lfoot", 6), Map.entry("rfoot", 6));

    private PascalHumanParts() {}

    /** Row-major (h, w) part labels of one annotation file; its masks must be h x w. */
    public static int[] labels(Path file, int w, int h) throws IOException {
        Map<String, MatFile.Value> vars = MatFile.read(file);
        if (!(vars.get("anno") instanceof MatFile.Struct anno) || anno.elements().isEmpty()) {
            throw new IOException(file + ": no 'anno' struct (not a PASCAL-Part annotation)");
        }
        if (!(anno.elements().getFirst().get("objects") instanceof MatFile.Struct objects)) {
            throw new IOException(file + ": 'anno' has no 'objects' struct array");
        }
        int[] out = new int[w * h];
        for (Map<String, MatFile.Value> object : objects.elements()) {
            if (!(object.get("class_ind") instanceof MatFile.Numeric cls) || cls.data().length != 1) {
                throw new IOException(file + ": an object without a numeric class_ind");
            }
            if ((int) cls.data()[0] != PERSON || !(object.get("parts") instanceof MatFile.Struct parts)) {
                continue; // not a person, or a person without part annotations
            }
            for (Map<String, MatFile.Value> part : parts.elements()) {
                String name = part.get("part_name") instanceof MatFile.Chars c ? c.text() : null;
                Integer label = PART_CLASS.get(name);
                if (label == null) {
                    throw new IOException(file + ": unknown person part '" + name + "' (known: " + List.copyOf(
                            new java.util.TreeSet<>(PART_CLASS.keySet())) + ")");
                }
                if (!(part.get("mask") instanceof MatFile.Numeric mask) || mask.rows() != h || mask.cols() != w) {
                    throw new IOException(file + ": part '" + name + "' has no " + h + " x " + w + " mask (the image size)");
                }
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (mask.at(y, x) != 0) {
                            out[y * w + x] = label;
                        }
                    }
                }
            }
        }
        return out;
    }
}
