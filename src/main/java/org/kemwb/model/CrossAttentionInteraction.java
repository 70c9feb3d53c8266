package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * Cross-task cross-attention ("KEM w/ CA"): every token of every task attends to the tokens of
 * all tasks, X'_t = softmax(Q_t K^T / sqrt(d)) V W_o with Q_t = X_t W_q, K = X W_k, V = X W_v.
 * Cost O((K L)^2 d).
 */
public final class CrossAttentionInteraction extends TaskInteraction {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    public CrossAttentionInteraction(ModelConfig config) {
        super(config);
        query = projection("query");
        key = projection("key");
        value = projection("value");
        output = projection("output");
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray x, boolean training, boolean withAttention) {
        int h = config.heads();
        NDArray q = AttentionOps.splitHeads(apply(query, ps, x, training), h);
        NDArray k = AttentionOps.splitHeads(apply(key, ps, x, training), h);
        NDArray v = AttentionOps.splitHeads(apply(value, ps, x, training), h);
        NDArray attention = AttentionOps.scores(q, k, (double) config.dim() / h).softmax(-1);
        NDArray update = apply(output, ps, AttentionOps.mergeHeads(attention.matMul(v)), training);
        NDArray tokens = x.add(AttentionOps.scale(update, config.lambda()));
        AttentionMaps maps = withAttention
                ? new AttentionMaps(config.interaction(), config.taskCount(), (int) (x.getShape().get(1) / config.taskCount()),
                        attention.mean(new int[] {1}), null, null, attention, null)
                : null;
        return new InteractionResult(tokens, maps);
    }
}
