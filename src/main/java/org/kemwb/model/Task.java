package org.kemwb.model;

import java.util.Locale;

/** The dense-prediction tasks a {@link MultiTaskNet} can carry, with what their heads emit. */
public enum Task {
    SEMSEG("semseg", true),
    DEPTH("depth", false),
    NORMALS("normals", false),
    EDGES("edges", false),
    SALIENCY("saliency", false),
    PARTS("parts", true);

    private final String id;
    private final boolean categorical;

    Task(String id, boolean categorical) {
        this.id = id;
        this.categorical = categorical;
    }

    /** Lower-case name used in configs, files and the CLI. */
    public String id() {
        return id;
    }

    /** True for per-pixel classification tasks (output = class logits, label = class index). */
    public boolean categorical() {
        return categorical;
    }

    /** Output channels of this task's head for a model config. */
    public int channels(ModelConfig config) {
        return switch (this) {
            case SEMSEG -> config.semsegClasses();
            case PARTS -> config.partsClasses();
            case NORMALS -> 3;
            case DEPTH, EDGES, SALIENCY -> 1;
        };
    }

    public static Task parse(String name) {
        for (Task t : values()) {
            if (t.id.equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "' (allowed: semseg, depth, normals, edges, saliency, parts)");
    }

    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        return id;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    static Task fromJson(String s) {
        return parse(s.toLowerCase(Locale.ROOT));
    }
}
