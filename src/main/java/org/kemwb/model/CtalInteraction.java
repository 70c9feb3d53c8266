package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * Cross-task affinity learning (seed 002) in the token setting of this workbench:
 * <ol>
 *   <li>intra-task: every task s has its token affinities A_s = softmax(X_s X_s^T / sqrt(d)), an
 *       L x L matrix whose row i, seen on the G x G token grid, is a map of what token i is like;</li>
 *   <li>inter-task: the K tasks' rows are interleaved (row i of every task side by side) and each
 *       target task t applies its own grouped convolution: one group per token i, K input
 *       channels (the tasks' row-i maps), one output channel, a 3 x 3 kernel over the grid,
 *       zero padding. Weights W_t[i, s, tap]; at initialisation only the centre tap, 1/K;</li>
 *   <li>diffusion: X'_t = M_t (X_t V_t) with M_t the convolved affinities; X_t + lambda X'_t.</li>
 * </ol>
 * The convolution is written as nine shifted copies times per-group weights rather than with
 * DJL's Conv2d (libtorch's CPU convolution backward gave NaN gradients here, see PatchStem).
 * Attention shown: block (t, s) = |contribution of task s's affinities to M_t|, rows normalised.
 * Cost O(9 K^2 L^2) time and memory, like cross-attention's O(K^2 L^2).
 */
public final class CtalInteraction extends TaskInteraction {
    static final int TAPS = 9;
    private final Parameter conv;
    private final Linear[] values;

    public CtalInteraction(ModelConfig config) {
        super(config);
        int k = config.taskCount();
        int l = config.tokens();
        float[] init = new float[k * l * k * TAPS];
        for (int i = 0; i < init.length; i += TAPS) {
            init[i + TAPS / 2] = 1f / k;
        }
        conv = addParameter(Parameter.builder().setName("affinity_conv").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(k, l, k, TAPS)).optInitializer((m, shape, type) -> m.create(init, shape)).build());
        values = new Linear[k];
        for (int t = 0; t < k; t++) {
            values[t] = projection("value" + t);
        }
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray x, boolean training, boolean withAttention) {
        int k = config.taskCount();
        int l = config.tokens();
        int g = config.gridSide();
        NDList perTask = x.split(k, 1);
        NDList affinities = new NDList();
        for (int s = 0; s < k; s++) {
            NDArray xs = perTask.get(s);
            affinities.add(AttentionOps.scores(xs, xs, config.dim()).softmax(-1)); // (B, L, L)
        }
        NDArray stacked = NDArrays.stack(affinities, 1); // (B, K, L, L): source task, row i, column token
        long b = stacked.getShape().get(0);
        NDArray grid = stacked.reshape(b, k, l, g, g);
        NDArray[] shifted = new NDArray[TAPS];
        for (int tap = 0; tap < TAPS; tap++) {
            shifted[tap] = shift(shift(grid, 3, tap / 3 - 1), 4, tap % 3 - 1).reshape(b, k, l, l);
        }
        // A view of the parameter, moved to the step's manager: everything computed from it then
        // lives there too (attaching the parameter itself would close it with the step).
        NDArray w = ps.getValue(conv, x.getDevice(), training).reshape(k, l, k, TAPS);
        w.attach(x.getManager());
        NDList updated = new NDList();
        NDList blocks = withAttention ? new NDList() : null;
        for (int t = 0; t < k; t++) {
            NDArray wt = w.get(t).transpose(1, 0, 2); // (K sources, L groups, 9)
            NDArray contribution = null; // (B, K, L, L): what source s adds to M_t
            for (int tap = 0; tap < TAPS; tap++) {
                NDArray term = shifted[tap].mul(wt.get(new NDIndex(":, :, " + tap)).reshape(1, k, l, 1));
                contribution = contribution == null ? term : contribution.add(term);
            }
            NDArray mixed = contribution.sum(new int[] {1}); // M_t (B, L, L)
            NDArray update = mixed.matMul(apply(values[t], ps, perTask.get(t), training));
            updated.add(perTask.get(t).add(AttentionOps.scale(update, config.lambda())));
            if (blocks != null) {
                NDArray magnitude = contribution.abs();
                NDArray rowTotal = magnitude.sum(new int[] {1, 3}, true).maximum(1e-12f);
                NDArray share = magnitude.div(rowTotal); // rows over all sources' tokens sum to 1
                blocks.add(NDArrays.concat(share.split(k, 1).stream().map(a -> a.squeeze(1))
                        .collect(NDList::new, NDList::add, NDList::addAll), 2)); // (B, L, K*L)
            }
        }
        AttentionMaps maps = blocks == null ? null
                : new AttentionMaps(config.interaction(), k, l, NDArrays.concat(blocks, 1), null, null);
        return new InteractionResult(NDArrays.concat(updated, 1), maps);
    }

    /** y[..., p, ...] = x[..., p + by, ...] along {@code axis}, zero outside the grid. */
    private static NDArray shift(NDArray x, int axis, int by) {
        if (by == 0) {
            return x;
        }
        long n = x.getShape().get(axis);
        String before = ":, ".repeat(axis);
        NDArray kept = x.get(new NDIndex(before + (by > 0 ? by + ":" : "0:" + (n + by))));
        long[] zerosShape = x.getShape().getShape().clone();
        zerosShape[axis] = Math.abs(by);
        NDManager m = x.getManager();
        NDArray zeros = m.zeros(new Shape(zerosShape), x.getDataType(), x.getDevice());
        return by > 0 ? kept.concat(zeros, axis) : zeros.concat(kept, axis);
    }
}
