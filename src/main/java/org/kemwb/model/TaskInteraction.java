package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Exchange of information between tasks. Input: the tokens of all K tasks concatenated along
 * the token axis, (B, K*L, d). Output: X_t + lambda X'_t for every task, same shape.
 */
public abstract class TaskInteraction extends AbstractBlock {
    protected final ModelConfig config;

    protected TaskInteraction(ModelConfig config) {
        this.config = config;
    }

    /** Builds the interaction named in the config. */
    public static TaskInteraction create(ModelConfig config) {
        return switch (config.interaction()) {
            case NONE -> new NoInteraction(config);
            case CA -> new CrossAttentionInteraction(config);
            case KEM, SKEM -> new KemInteraction(config);
            case NEXUSFLOW -> new NexusFlowInteraction(config);
            case CTAL -> new CtalInteraction(config);
        };
    }

    /**
     * Runs the interaction. Attention maps are computed only when {@code withAttention} is set,
     * from the same forward pass, so the normal path does not pay for them.
     */
    public abstract InteractionResult interact(ParameterStore ps, NDArray tokens, boolean training, boolean withAttention);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(interact(ps, inputs.singletonOrThrow(), training, false).tokens());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokenShape = new Shape(1, 1, config.dim());
        for (Block child : children.values()) {
            child.initialize(manager, dataType, tokenShape);
        }
    }

    protected Linear projection(String name) {
        return addChildBlock(name, Layers.linear(config.dim(), false));
    }

    /** A single-input, single-output block applied to x. */
    public static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }
}
