package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Patch-embedding backbone (config {@code "stem": "patch"}, the architecture of every config
 * written before that key): the image (B, 3, H, W) cut into p x p patches, each mapped by a
 * two-layer MLP to a d-dim token: (B, L, d) with L = (H/p)(W/p) tokens in row-major grid order
 * (token gy * W/p + gx holds the patch at rows gy p.., columns gx p..). Each token sees only its
 * own patch; {@link ConvStem} is the overlapping alternative. (It was built from linear layers
 * when DJL convolutions seemed to give NaN gradients; the cause was the scalar use-after-free
 * that {@link Scalars} avoids, see ConvUnderGcTest.)
 */
public final class PatchStem extends AbstractBlock {
    private final int patch;
    private final int dim;
    private final Linear embed;
    private final Linear mix;

    public PatchStem(int patch, int dim) {
        this.patch = patch;
        this.dim = dim;
        embed = addChildBlock("embed", Layers.linear(dim, true));
        mix = addChildBlock("mix", Layers.linear(dim, true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        long gh = x.getShape().get(2) / patch;
        long gw = x.getShape().get(3) / patch;
        NDArray patches = x.reshape(b, 3, gh, patch, gw, patch).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, gh * gw, 3L * patch * patch);
        NDArray h = Activation.gelu(TaskInteraction.apply(embed, ps, patches, training));
        return new NDList(TaskInteraction.apply(mix, ps, h, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), (s.get(2) / patch) * (s.get(3) / patch), dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embed.initialize(manager, dataType, new Shape(1, 1, 3L * patch * patch));
        mix.initialize(manager, dataType, new Shape(1, 1, dim));
    }
}
