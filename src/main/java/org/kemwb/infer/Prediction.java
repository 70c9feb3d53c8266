package org.kemwb.infer;

import java.util.List;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/**
 * Plain-Java result of one inference on one image (nothing native, safe to hand to the UI).
 * Every map addresses the original image's pixels; tokens address the gh x gw grid the model ran
 * at, and {@link #tokenAt}/{@link #tokenBox} translate between the two.
 *
 * @param letterbox how the image (height x width) sat in the model input; its model size / patch
 *     is the token grid gh x gw
 * @param outputs per task, planar (C, height, width) at the image's own size, in the model's
 *     output units (class and edge/saliency logits, metres, unit normals), brought back by
 *     {@link Letterbox#restore}
 * @param tokenAttention (K*L) x (K*L) row-major, where each token's update came from, L = gh*gw;
 *     null without attention or for {@code none}
 * @param taskMass K x K row-major: mass task t takes from task s
 * @param retrieve N x (K*L) row-major KEM retrieve weights (each slot's k tokens), mean over
 *     heads, null otherwise
 * @param heads the attention of every head ({@link HeadMaps}), or null where the model keeps none
 */
public record Prediction(ModelConfig config, Letterbox letterbox, List<float[]> outputs, float[] tokenAttention,
        float[] taskMass, float[] retrieve, double forwardMs, HeadMaps heads) {

    /** A prediction without per-head attention. */
    public Prediction(ModelConfig config, Letterbox letterbox, List<float[]> outputs, float[] tokenAttention,
            float[] taskMass, float[] retrieve, double forwardMs) {
        this(config, letterbox, outputs, tokenAttention, taskMass, retrieve, forwardMs, null);
    }

    /** Image rows. */
    public int height() {
        return letterbox.imageHeight();
    }

    /** Image columns. */
    public int width() {
        return letterbox.imageWidth();
    }

    /** Token grid rows gh the model ran with. */
    public int gridHeight() {
        return letterbox.modelHeight() / config.patch();
    }

    /** Token grid columns gw the model ran with. */
    public int gridWidth() {
        return letterbox.modelWidth() / config.patch();
    }

    /** Tokens per task L = gh * gw. */
    public int tokens() {
        return gridHeight() * gridWidth();
    }

    public List<Task> tasks() {
        return config.tasks();
    }

    public InteractionKind interaction() {
        return config.interaction();
    }

    public int channels(int task) {
        return config.tasks().get(task).channels(config);
    }

    /** Class map (height x width, row-major) of a class task: arg-max of its resampled logits. */
    public int[] classMap(int task) {
        return Letterbox.classMap(outputs.get(task), channels(task));
    }

    /** Row-major cell (gy * gw + gx) of the token whose patch holds image pixel (x, y). */
    public int tokenAt(int x, int y) {
        return letterbox.tokenAt(x, y, config.patch());
    }

    /** Image region {x0, y0, x1, y1} (continuous pixels) a token covers, or null if it is all padding. */
    public double[] tokenBox(int cell) {
        return letterbox.tokenBox(cell, config.patch());
    }

    /** Tokens (task, gx, gy, weight) slot n of a KEM model read, largest weight first. */
    public List<int[]> slotReads(int slot) {
        int l = tokens();
        int kl = config.taskCount() * l;
        List<int[]> reads = new java.util.ArrayList<>();
        for (int j = 0; j < kl; j++) {
            float w = retrieve[slot * kl + j];
            if (w > 0) {
                int task = j / l;
                int cell = j % l;
                reads.add(new int[] {task, cell % gridWidth(), cell / gridWidth(), Math.round(w * 1000)});
            }
        }
        reads.sort((a, b) -> Integer.compare(b[3], a[3]));
        return reads;
    }

    /** Heads whose attention can be shown one at a time (0 without per-head maps). */
    public int headCount() {
        return heads == null || !heads.hasTokenRows() ? 0 : heads.heads();
    }

    /**
     * Tokens (task, gx, gy, weight in 1/1000) slot n read in head {@code head}, largest weight
     * first; {@code head < 0}: the head mean ({@link #slotReads(int)}, up to k h tokens).
     */
    public List<int[]> slotReads(int slot, int head) {
        if (head < 0) {
            return slotReads(slot);
        }
        float[] row = heads.retrieveRow(head, slot);
        int l = tokens();
        List<int[]> reads = new java.util.ArrayList<>();
        for (int j = 0; j < row.length; j++) {
            if (row[j] > 0) {
                reads.add(new int[] {j / l, (j % l) % gridWidth(), (j % l) / gridWidth(), Math.round(row[j] * 1000)});
            }
        }
        reads.sort((a, b) -> Integer.compare(b[3], a[3]));
        return reads;
    }

    /**
     * How the write-back of the token of task {@code target} at grid cell (gx, gy) reads the N
     * memory slots: N weights summing to 1, of head {@code head} or (head &lt; 0) the mean over
     * heads; null for a model without slots or without per-head maps.
     */
    public float[] writeWeights(int target, int gx, int gy, int head) {
        if (heads == null || !heads.hasSlots()) {
            return null;
        }
        return heads.writeRow(head, target * tokens() + gy * gridWidth() + gx);
    }

    /** Indices of the {@code m} largest weights, largest first (ties: lower index first). */
    public static int[] topSlots(float[] weights, int m) {
        return java.util.stream.IntStream.range(0, weights.length).boxed()
                .sorted((a, b) -> weights[a] != weights[b] ? Float.compare(weights[b], weights[a]) : Integer.compare(a, b))
                .limit(m).mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@link #attentionRow(int, int, int, int)} of one head ({@code head < 0}: the head mean);
     * null without attention, or for a head when the model keeps no per-head maps.
     */
    public float[] attentionRow(int target, int source, int gx, int gy, int head) {
        if (head < 0) {
            return attentionRow(target, source, gx, gy);
        }
        if (head >= headCount()) {
            return null;
        }
        int l = tokens();
        float[] row = heads.row(head, target * l + gy * gridWidth() + gx);
        float[] out = new float[l];
        System.arraycopy(row, source * l, out, 0, l);
        return out;
    }

    /**
     * Attention of the token of target task {@code target} at grid cell (gx, gy) on the tokens of
     * source task {@code source}: an L-long row (gh x gw, row-major), or null without attention.
     */
    public float[] attentionRow(int target, int source, int gx, int gy) {
        if (tokenAttention == null) {
            return null;
        }
        int l = tokens();
        int k = config.taskCount();
        int row = target * l + gy * gridWidth() + gx;
        float[] out = new float[l];
        System.arraycopy(tokenAttention, row * (k * l) + source * l, out, 0, l);
        return out;
    }
}
