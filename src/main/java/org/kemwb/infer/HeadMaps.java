package org.kemwb.infer;

import ai.djl.ndarray.NDArray;
import org.kemwb.model.AttentionMaps;

/**
 * The attention of every head of one prediction (plain Java, safe to hand to the UI), for views
 * of one head at a time. Tokens are numbered j = t L + p over the K tasks and L positions, as in
 * {@link Prediction}; "mean" below is the mean over heads, which is what {@link Prediction}'s
 * head-averaged arrays hold.
 *
 * <p>For kem/skem the per-head token attention is not stored: row i of head h is computed when
 * asked as A_h[i, :] = sum_n W_h[i, n] R_h[n, :] (write then retrieve, {@code KemInteraction}),
 * from the (h, K L, N) write and (h, N, K L) retrieve weights, which are small. For attention
 * without slots (ca) the (h, K L, K L) matrices are kept when they hold at most
 * {@link #MAX_KEPT} floats; larger models have no per-head view ({@link #hasTokenRows()} false).
 *
 * @param heads h
 * @param slots N (0 without memory slots)
 * @param tokens K L
 * @param tokenAttention (h, K L, K L) row-major per-head token attention (rows sum to 1), or null
 * @param retrieve (h, N, K L) row-major retrieve weights (k non-zero entries per row), or null
 * @param write (h, K L, N) row-major write weights (rows sum to 1), or null
 */
public record HeadMaps(int heads, int slots, int tokens, float[] tokenAttention, float[] retrieve, float[] write) {
    /** Largest per-head token attention kept for attention without slots: 2^24 floats = 64 MB. */
    public static final long MAX_KEPT = 1L << 24;

    /** The per-head arrays of batch item 0 of {@code maps}; null when the interaction keeps none (or they are too large). */
    public static HeadMaps of(AttentionMaps maps) {
        if (maps == null) {
            return null;
        }
        int kl = maps.tasks() * maps.tokensPerTask();
        if (maps.retrieveHeads() != null && maps.writeHeads() != null) {
            NDArray r = maps.retrieveHeads(); // (B, h, N, KL)
            int h = (int) r.getShape().get(1);
            int n = (int) r.getShape().get(2);
            return new HeadMaps(h, n, kl, null, r.get(0).toFloatArray(), maps.writeHeads().get(0).toFloatArray());
        }
        if (maps.headTokenAttention() != null) {
            int h = (int) maps.headTokenAttention().getShape().get(1);
            if ((long) h * kl * kl > MAX_KEPT) {
                return null;
            }
            return new HeadMaps(h, 0, kl, maps.headTokenAttention().get(0).toFloatArray(), null, null);
        }
        return null;
    }

    /** Whether per-head token attention rows are available ({@link #row}). */
    public boolean hasTokenRows() {
        return tokenAttention != null || (retrieve != null && write != null);
    }

    /** Whether the model has memory slots (kem/skem): {@link #writeRow} and {@link #retrieveRow} work. */
    public boolean hasSlots() {
        return retrieve != null && write != null;
    }

    /**
     * Where token {@code i}'s update came from in head {@code head}: a K L-long row summing to 1.
     *
     * @throws IllegalStateException without per-head rows
     */
    public float[] row(int head, int i) {
        check(head);
        float[] out = new float[tokens];
        if (tokenAttention != null) {
            System.arraycopy(tokenAttention, (head * tokens + i) * tokens, out, 0, tokens);
            return out;
        }
        if (!hasSlots()) {
            throw new IllegalStateException("no per-head token attention");
        }
        for (int n = 0; n < slots; n++) {
            float w = write[(head * tokens + i) * slots + n];
            if (w == 0) {
                continue;
            }
            int base = (head * slots + n) * tokens;
            for (int j = 0; j < tokens; j++) {
                out[j] += w * retrieve[base + j];
            }
        }
        return out;
    }

    /** The N write weights of token {@code i} in head {@code head} (head &lt; 0: mean over heads); sums to 1. */
    public float[] writeRow(int head, int i) {
        if (!hasSlots()) {
            throw new IllegalStateException("no memory slots");
        }
        int from = head < 0 ? 0 : check(head);
        int to = head < 0 ? heads : head + 1;
        float[] out = new float[slots];
        for (int h = from; h < to; h++) {
            for (int n = 0; n < slots; n++) {
                out[n] += write[(h * tokens + i) * slots + n] / (to - from);
            }
        }
        return out;
    }

    /** The K L retrieve weights of slot {@code n} in head {@code head}: exactly k entries are non-zero. */
    public float[] retrieveRow(int head, int n) {
        if (!hasSlots()) {
            throw new IllegalStateException("no memory slots");
        }
        check(head);
        float[] out = new float[tokens];
        System.arraycopy(retrieve, (head * slots + n) * tokens, out, 0, tokens);
        return out;
    }

    private int check(int head) {
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("head " + head + " of " + heads);
        }
        return head;
    }
}
