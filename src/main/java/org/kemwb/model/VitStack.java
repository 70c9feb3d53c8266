package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A task encoder or decoder: {@code depth} {@link VitBlock}s in sequence, then a final
 * LayerNorm so that what leaves the stack (e.g. the interaction's input) has a controlled scale.
 */
public final class VitStack extends AbstractBlock {
    private final int dim;

    public VitStack(int depth, int dim, int heads, int mlpRatio) {
        this.dim = dim;
        for (int i = 0; i < depth; i++) {
            addChildBlock("block" + i, new VitBlock(dim, heads, mlpRatio));
        }
        addChildBlock("norm", ai.djl.nn.norm.LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (Block b : children.values()) {
            x = TaskInteraction.apply(b, ps, x, training);
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block b : children.values()) {
            b.initialize(manager, dataType, new Shape(1, 1, dim));
        }
    }
}
