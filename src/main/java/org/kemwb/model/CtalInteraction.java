package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;

/**
 * Cross-task affinity learning, in the token setting of this workbench. For every task s its
 * affinity A_s = softmax(X_s X_s^T / sqrt(d)) (L x L) says which of its tokens are alike. Each
 * target task t mixes the K affinities with learned weights w_t = softmax(W[t, :]) (a 1x1
 * grouped convolution over the stack of affinity maps) and propagates its own values with them:
 * X'_t = (sum_s w_ts A_s) (X_t V_t); broadcast X_t + lambda X'_t. Attention shown: block (t, s)
 * = w_ts A_s, so a row's mass on source task s is how much t relied on s's affinities.
 */
public final class CtalInteraction extends TaskInteraction {
    private final Parameter mixing;
    private final Linear[] values;

    public CtalInteraction(ModelConfig config) {
        super(config);
        int k = config.taskCount();
        mixing = addParameter(Parameter.builder().setName("affinity_mixing").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(k, k)).optInitializer(new ConstantInitializer(0f)).build());
        values = new Linear[k];
        for (int t = 0; t < k; t++) {
            values[t] = projection("value" + t);
        }
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray x, boolean training, boolean withAttention) {
        int k = config.taskCount();
        NDList perTask = x.split(k, 1);
        NDList affinities = new NDList();
        for (int s = 0; s < k; s++) {
            NDArray xs = perTask.get(s);
            affinities.add(AttentionOps.scores(xs, xs, config.dim()).softmax(-1)); // (B, L, L)
        }
        NDArray stacked = NDArrays.stack(affinities, 1); // (B, K, L, L)
        NDArray w = ps.getValue(mixing, x.getDevice(), training).softmax(-1); // (K, K)
        w.attach(x.getManager()); // a result of the parameter: keep it out of the model's manager
        NDList updated = new NDList();
        NDList blocks = withAttention ? new NDList() : null;
        for (int t = 0; t < k; t++) {
            NDArray wt = w.get(t).reshape(1, k, 1, 1);
            NDArray mixed = stacked.mul(wt).sum(new int[] {1}); // (B, L, L)
            NDArray update = mixed.matMul(apply(values[t], ps, perTask.get(t), training));
            updated.add(perTask.get(t).add(AttentionOps.scale(update, config.lambda())));
            if (blocks != null) {
                blocks.add(NDArrays.concat(stacked.mul(wt).split(k, 1).stream().map(a -> a.squeeze(1))
                        .collect(NDList::new, NDList::add, NDList::addAll), 2)); // (B, L, K*L)
            }
        }
        AttentionMaps maps = blocks == null ? null
                : new AttentionMaps(config.interaction(), k, config.tokens(), NDArrays.concat(blocks, 1), null, null);
        return new InteractionResult(NDArrays.concat(updated, 1), maps);
    }
}
