package org.kemwb.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.kemwb.model.AttentionMaps;

/**
 * The read-outs of the toy-noise experiment, computed from one forward pass over an evaluation
 * set. Definitions (also in the README, section "Toy noise"): with tasks 1, 2 the signal tasks
 * (index 0, 1) and task 3 the noise task (index 2),
 * <ul>
 *   <li>mass of t on s: the share of task t's attention that lands on task s's tokens, i.e.
 *       {@link AttentionMaps#taskMass()} averaged over the evaluation images;</li>
 *   <li>retrieved-noise share (kem/skem): among all (image, head, slot, token) reads of the
 *       retrieve step (the k tokens each slot keeps), the fraction whose token is a noise token;</li>
 *   <li>relative change: ||y' - y||_F / ||y||_F over the outputs of tasks 1 and 2 of the whole
 *       evaluation set, y before and y' after one task's inputs are resampled.</li>
 * </ul>
 */
public final class ToyReadouts {
    private ToyReadouts() {}

    /** K x K, entry [t][s] = mass task t takes from task s, mean over the batch. Rows sum to 1. */
    public static double[][] taskMass(AttentionMaps maps) {
        NDArray mass = maps.taskMass().mean(new int[] {0}); // (K, K)
        int k = maps.tasks();
        float[] flat = mass.toFloatArray();
        double[][] out = new double[k][k];
        for (int t = 0; t < k; t++) {
            for (int s = 0; s < k; s++) {
                out[t][s] = flat[t * k + s];
            }
        }
        return out;
    }

    /** Mean over tasks 1 and 2 of the mass they take from themselves: (m[0][0] + m[1][1]) / 2. */
    public static double selfMass(double[][] m) {
        return (m[0][0] + m[1][1]) / 2;
    }

    /** Mean over tasks 1 and 2 of the mass they take from each other: (m[0][1] + m[1][0]) / 2. */
    public static double otherMass(double[][] m) {
        return (m[0][1] + m[1][0]) / 2;
    }

    /** Mean over tasks 1 and 2 of the mass they take from task 3: (m[0][2] + m[1][2]) / 2. */
    public static double noiseMass(double[][] m) {
        return (m[0][2] + m[1][2]) / 2;
    }

    /**
     * Fraction of retrieve reads that land on task {@code task}'s tokens.
     *
     * @param retrieveHeads (B, h, N, K*L) retrieve weights; an entry is a read when it is > 0
     * @param tokensPerTask L
     * @return reads on tokens [task*L, (task+1)*L) / all reads; NaN when nothing is read
     */
    public static double retrievedShare(NDArray retrieveHeads, int tokensPerTask, int task) {
        NDArray reads = retrieveHeads.gt(0f);
        long all = reads.countNonzero().getLong();
        long onTask = reads.get(new NDIndex("..., {}:{}", (long) task * tokensPerTask, (long) (task + 1) * tokensPerTask))
                .countNonzero().getLong();
        return all == 0 ? Double.NaN : (double) onTask / all;
    }

    /** ||after - before||_F / ||before||_F over all entries; 0 when both are 0. */
    public static double relativeChange(NDArray before, NDArray after) {
        double diff = after.sub(before).norm().getFloat();
        double base = before.norm().getFloat();
        return base == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / base;
    }
}
