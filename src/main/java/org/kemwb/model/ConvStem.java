package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The default trainable backbone: log2(patch) stride-2 3x3 convolutions (GELU between) from
 * the image (B, 3, H, W) to a (B, d, H/patch, W/patch) grid, i.e. (B, L, d) shared tokens.
 */
public final class ConvStem extends AbstractBlock {
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();

    public ConvStem(int patch, int dim) {
        int layers = Integer.numberOfTrailingZeros(patch);
        for (int i = 0; i < layers; i++) {
            int width = Math.max(16, dim >> (layers - 1 - i));
            if (i == layers - 1) {
                width = dim;
            }
            widths.add(width);
            convs.add(addChildBlock("conv" + i, Conv2d.builder()
                    .setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2)).optPadding(new Shape(1, 1))
                    .setFilters(width).build()));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (int i = 0; i < convs.size(); i++) {
            x = TaskInteraction.apply(convs.get(i), ps, x, training);
            if (i < convs.size() - 1) {
                x = Activation.gelu(x);
            }
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        int f = 1 << convs.size();
        return new Shape[] {new Shape(s.get(0), widths.getLast(), s.get(2) / f, s.get(3) / f)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        for (Block conv : convs) {
            conv.initialize(manager, dataType, s);
            s = conv.getOutputShapes(new Shape[] {s})[0];
        }
    }
}
