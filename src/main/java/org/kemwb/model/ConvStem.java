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
import java.util.ArrayList;
import java.util.List;

/**
 * Convolutional backbone stem (config {@code "stem": "conv"}): n = log2(p) stride-2 3x3
 * convolutions (padding 1), each followed by GELU, halve the image (B, 3, H, W) down to the token
 * grid (B, c_n, H/p, W/p); a linear layer maps each grid cell to a d-dim token: (B, L, d) with
 * L = (H/p)(W/p) in row-major grid order, as {@link PatchStem}. Overlapping 3x3 windows let
 * neighbouring tokens share pixels, unlike a patch embedding ("Early convolutions help
 * transformers see better", Xiao et al. 2021, where BatchNorm/ReLU stand in for GELU).
 *
 * <p>Outputs: the tokens, then the feature maps of stages 1..n-1: (B, c_k, H/2^k, W/2^k), the
 * skip connections of the {@link UpsampleHead}s. Widths c_k = {@link #width}. Any H, W that are
 * multiples of p.
 */
public final class ConvStem extends AbstractBlock {
    private final int levels;
    private final int dim;
    private final List<Conv3x3> convs = new ArrayList<>();
    private final Linear proj;

    public ConvStem(ModelConfig config) {
        this.levels = config.patchLevels();
        this.dim = config.dim();
        for (int k = 1; k <= levels; k++) {
            convs.add(addChildBlock("conv_" + k, Layers.conv3x3(width(k, dim), 2)));
        }
        proj = addChildBlock("proj", Layers.linear(dim, true));
    }

    /** Channels of stage k (1 = half resolution .. n = token grid): 8 * 2^k, at most d, at least 8. */
    public static int width(int k, int dim) {
        return Math.max(8, Math.min(dim, 8 << k));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList skips = new NDList();
        for (int k = 1; k <= levels; k++) {
            x = Activation.gelu(TaskInteraction.apply(convs.get(k - 1), ps, x, training));
            if (k < levels) {
                skips.add(x);
            }
        }
        Shape s = x.getShape();
        NDArray cells = x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1); // (B, L, c_n)
        NDList out = new NDList(TaskInteraction.apply(proj, ps, cells, training));
        out.addAll(skips);
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape[] out = new Shape[levels];
        out[0] = new Shape(s.get(0), (s.get(2) >> levels) * (s.get(3) >> levels), dim);
        for (int k = 1; k < levels; k++) {
            out[k] = new Shape(s.get(0), width(k, dim), s.get(2) >> k, s.get(3) >> k);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int in = 3;
        for (int k = 1; k <= levels; k++) {
            convs.get(k - 1).initialize(manager, dataType, new Shape(1, in, 8, 8));
            in = width(k, dim);
        }
        proj.initialize(manager, dataType, new Shape(1, 1, in));
    }
}
