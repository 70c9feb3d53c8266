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
 *       L x L matrix whose row i, seen on the gh x gw token grid, is a map of what token i is like;</li>
 *   <li>inter-task: the K tasks' rows are interleaved (row i of every task side by side) and each
 *       target task t applies its own grouped convolution: one group per token i, K input
 *       channels (the tasks' row-i maps), one output channel, a 3 x 3 kernel over the grid,
 *       zero padding. Weights W_t[i, s, tap]; at initialisation only the centre tap, 1/K;</li>
 *   <li>diffusion: X'_t = M_t (X_t V_t) with M_t the convolved affinities; X_t + lambda X'_t.</li>
 * </ol>
 * The convolution is never materialised: shifting M's columns equals shifting the values the
 * other way, so M_t V = sum_s sum_tap diag(W_t[:, s, tap]) A_s (S_tap V), computed as one A_s
 * times the nine shifted value maps per source (no DJL Conv2d: libtorch's CPU convolution
 * backward gave NaN gradients here, see PatchStem).
 * Attention shown: block (t, s) = |contribution of task s's affinities to M_t|, rows normalised.
 * The weights are per token of the training grid, so a CTAL model runs only at its training size.
 * Cost O(9 K^2 L^2 d) time and O(K L^2 + 9 K^2 L d) memory, like cross-attention's O(K^2 L^2).
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
        int gh = config.gridHeight();
        int gw = config.gridWidth();
        if (x.getShape().get(1) != (long) k * l) {
            throw new IllegalArgumentException(sizeRefusal(config, x.getShape().get(1) / k));
        }
        NDList perTask = x.split(k, 1);
        NDList affinities = new NDList();
        for (int s = 0; s < k; s++) {
            NDArray xs = perTask.get(s);
            affinities.add(AttentionOps.scores(xs, xs, config.dim()).softmax(-1)); // (B, L, L)
        }
        long b = x.getShape().get(0);
        // A view of the parameter, moved to the step's manager: everything computed from it then
        // lives there too (attaching the parameter itself would close it with the step).
        NDArray w = ps.getValue(conv, x.getDevice(), training).reshape(k, l, k, TAPS);
        w.attach(x.getManager());
        NDList updated = new NDList();
        for (int t = 0; t < k; t++) {
            // M_t V = sum_s sum_tap diag(w[t, :, s, tap]) A_s S_tap V with S_tap the column shift,
            // and S_tap V is V shifted the other way on the grid: 9 small (L x d) shifts and one
            // A_s (Y_0 | ... | Y_8) product per source instead of 9 shifted L x L copies.
            NDArray v = apply(values[t], ps, perTask.get(t), training); // (B, L, d)
            NDArray vGrid = v.reshape(b, gh, gw, config.dim());
            NDList taps = new NDList();
            for (int tap = 0; tap < TAPS; tap++) {
                taps.add(shift(shift(vGrid, 1, 1 - tap / 3), 2, 1 - tap % 3).reshape(b, l, 1, config.dim()));
            }
            NDArray shiftedValues = NDArrays.concat(taps, 2).reshape(b, l, (long) TAPS * config.dim());
            NDArray update = null;
            for (int s = 0; s < k; s++) {
                NDArray z = affinities.get(s).matMul(shiftedValues).reshape(b, l, TAPS, config.dim());
                NDArray weights = w.get(t).get(new NDIndex(":, " + s + ", :")).reshape(1, l, TAPS, 1);
                NDArray term = z.mul(weights).sum(new int[] {2});
                update = update == null ? term : update.add(term);
            }
            updated.add(perTask.get(t).add(AttentionOps.scale(update, config.lambda())));
        }
        AttentionMaps maps = withAttention ? new AttentionMaps(config.interaction(), k, l, attention(affinities, w, b), null, null)
                : null;
        return new InteractionResult(NDArrays.concat(updated, 1), maps);
    }

    /**
     * (B, K*L, K*L): block (t, s) row i = |what task s's convolved affinities add to M_t row i|,
     * normalised over all sources' tokens. Materialises the convolved L x L maps: only for display.
     */
    private NDArray attention(NDList affinities, NDArray w, long b) {
        int k = config.taskCount();
        int l = config.tokens();
        NDArray grid = NDArrays.stack(affinities, 1).reshape(b, k, l, config.gridHeight(), config.gridWidth());
        NDArray[] shifted = new NDArray[TAPS];
        for (int tap = 0; tap < TAPS; tap++) {
            shifted[tap] = shift(shift(grid, 3, tap / 3 - 1), 4, tap % 3 - 1).reshape(b, k, l, l);
        }
        NDList blocks = new NDList();
        for (int t = 0; t < k; t++) {
            NDArray wt = w.get(t).transpose(1, 0, 2); // (K sources, L groups, 9)
            NDArray contribution = null; // (B, K, L, L)
            for (int tap = 0; tap < TAPS; tap++) {
                NDArray term = shifted[tap].mul(wt.get(new NDIndex(":, :, " + tap)).reshape(1, k, l, 1));
                contribution = contribution == null ? term : contribution.add(term);
            }
            NDArray magnitude = contribution.abs();
            NDArray share = magnitude.div(Scalars.maximum(magnitude.sum(new int[] {1, 3}, true), 1e-12f));
            blocks.add(NDArrays.concat(share.split(k, 1).stream().map(a -> a.squeeze(1))
                    .collect(NDList::new, NDList::add, NDList::addAll), 2)); // (B, L, K*L)
        }
        return NDArrays.concat(blocks, 1);
    }

    /** The message refusing to run a CTAL model on {@code tokens} tokens per task. */
    static String sizeRefusal(ModelConfig config, long tokens) {
        return "ctal has per-token convolution weights for its " + config.gridHeight() + " x " + config.gridWidth()
                + " token grid (" + config.height() + " x " + config.width() + " pixels) and cannot run on " + tokens
                + " tokens per task: use the model's own input size";
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
