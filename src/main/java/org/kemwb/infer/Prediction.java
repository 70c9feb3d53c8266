package org.kemwb.infer;

import java.util.List;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/**
 * Plain-Java result of one inference on one image (nothing native, safe to hand to the UI).
 *
 * @param outputs per task, planar (C, S, S) at the model size S
 * @param tokenAttention (K*L) x (K*L) row-major, where each token's update came from; null for
 *     {@code none}
 * @param taskMass K x K row-major: mass task t takes from task s
 * @param retrieve N x (K*L) row-major KEM retrieve weights (each slot's k tokens), null otherwise
 */
public record Prediction(ModelConfig config, List<float[]> outputs, float[] tokenAttention, float[] taskMass,
        float[] retrieve, double forwardMs) {

    public int size() {
        return config.imageSize();
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

    /** Tokens (task, gx, gy, weight) slot n of a KEM model read, largest weight first. */
    public List<int[]> slotReads(int slot) {
        int kl = config.taskCount() * config.tokens();
        List<int[]> reads = new java.util.ArrayList<>();
        for (int j = 0; j < kl; j++) {
            float w = retrieve[slot * kl + j];
            if (w > 0) {
                int task = j / config.tokens();
                int cell = j % config.tokens();
                reads.add(new int[] {task, cell % config.gridSide(), cell / config.gridSide(), Math.round(w * 1000)});
            }
        }
        reads.sort((a, b) -> Integer.compare(b[3], a[3]));
        return reads;
    }

    /**
     * Attention of the token of target task {@code target} at grid cell (gx, gy) on the tokens of
     * source task {@code source}: an L-long row (grid-side squared), or null without attention.
     */
    public float[] attentionRow(int target, int source, int gx, int gy) {
        if (tokenAttention == null) {
            return null;
        }
        int l = config.tokens();
        int k = config.taskCount();
        int row = target * l + gy * config.gridSide() + gx;
        float[] out = new float[l];
        System.arraycopy(tokenAttention, row * (k * l) + source * l, out, 0, l);
        return out;
    }
}
