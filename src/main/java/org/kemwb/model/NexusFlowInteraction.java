package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * NexusFlow-style interaction (seed 000): every task t has an invertible flow f_t of affine
 * coupling layers (halves alternate; scale bounded by tanh) mapping its tokens into a shared
 * canonical space. There the tasks' codes are averaged, Z = mean_t f_t(X_t), and mapped back:
 * X'_t = f_t^-1(Z) - X_t, broadcast as X_t + lambda X'_t. Bijective, so no task's information is
 * lost on the way into the shared space. Has no attention maps to show.
 */
public final class NexusFlowInteraction extends TaskInteraction {
    static final int COUPLINGS = 2;
    private final List<Linear> scales = new ArrayList<>();
    private final List<Linear> shifts = new ArrayList<>();

    public NexusFlowInteraction(ModelConfig config) {
        super(config);
        if (config.dim() % 2 != 0) {
            throw new IllegalArgumentException("nexusflow needs an even dim, got " + config.dim());
        }
        for (int t = 0; t < config.taskCount(); t++) {
            for (int c = 0; c < COUPLINGS; c++) {
                scales.add(addChildBlock("flow" + t + "_scale" + c, Layers.linear(config.dim() / 2, true)));
                shifts.add(addChildBlock("flow" + t + "_shift" + c, Layers.linear(config.dim() / 2, true)));
            }
        }
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, ai.djl.ndarray.types.DataType dataType,
            ai.djl.ndarray.types.Shape... inputShapes) {
        ai.djl.ndarray.types.Shape half = new ai.djl.ndarray.types.Shape(1, 1, config.dim() / 2);
        for (ai.djl.nn.Block child : children.values()) {
            child.initialize(manager, dataType, half);
        }
    }

    /** Task t's flow, forward (into the canonical space) or inverse. Tokens (B, L, d). */
    NDArray flow(ParameterStore ps, int task, NDArray x, boolean training, boolean inverse) {
        int half = config.dim() / 2;
        NDArray y = x;
        for (int step = 0; step < COUPLINGS; step++) {
            int c = inverse ? COUPLINGS - 1 - step : step;
            NDList parts = y.split(new long[] {half}, 2);
            NDArray cond = c % 2 == 0 ? parts.get(0) : parts.get(1);
            NDArray moved = c % 2 == 0 ? parts.get(1) : parts.get(0);
            NDArray s = Activation.tanh(apply(scales.get(task * COUPLINGS + c), ps, cond, training));
            NDArray b = apply(shifts.get(task * COUPLINGS + c), ps, cond, training);
            NDArray out = inverse ? moved.sub(b).mul(s.neg().exp()) : moved.mul(s.exp()).add(b);
            y = c % 2 == 0 ? cond.concat(out, 2) : out.concat(cond, 2);
        }
        return y;
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray x, boolean training, boolean withAttention) {
        int k = config.taskCount();
        NDList perTask = x.split(k, 1);
        NDList codes = new NDList();
        for (int t = 0; t < k; t++) {
            codes.add(flow(ps, t, perTask.get(t), training, false));
        }
        NDArray shared = AttentionOps.scale(codes.size() == 1 ? codes.get(0) : NDArrays.add(codes.toArray(new NDArray[0])), 1.0 / k);
        NDList updated = new NDList();
        for (int t = 0; t < k; t++) {
            NDArray back = flow(ps, t, shared, training, true);
            updated.add(perTask.get(t).add(AttentionOps.scale(back.sub(perTask.get(t)), config.lambda())));
        }
        return new InteractionResult(NDArrays.concat(updated, 1), null);
    }
}
