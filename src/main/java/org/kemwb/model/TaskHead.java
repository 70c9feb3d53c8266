package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Full-resolution task head. Inputs: decoder tokens (B, L, d) and the image (B, 3, H, W).
 * Tokens are unfolded to a (B, c, H, W) map (pixel shuffle of a per-token linear layer), joined
 * with the image so that outputs can follow image edges, and refined by a 3x3 and a 1x1 conv.
 * Normals are returned unit length.
 */
public final class TaskHead extends AbstractBlock {
    static final int HIDDEN = 8;
    private final Task task;
    private final int dim;
    private final int patch;
    private final int side;
    private final LayerNorm norm;
    private final Linear unfold;
    private final Conv2d refine;
    private final Conv2d out;

    public TaskHead(Task task, ModelConfig config) {
        this.task = task;
        this.dim = config.dim();
        this.patch = config.patch();
        this.side = config.gridSide();
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        unfold = addChildBlock("unfold", Linear.builder().setUnits((long) patch * patch * HIDDEN).build());
        refine = addChildBlock("refine", Conv2d.builder().setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1)).setFilters(HIDDEN).build());
        out = addChildBlock("out", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(task.channels(config)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDArray image = inputs.get(1);
        long b = tokens.getShape().get(0);
        NDArray t = TaskInteraction.apply(unfold, ps, TaskInteraction.apply(norm, ps, tokens, training), training);
        // (B, L, p*p*c) -> (B, side, side, p, p, c) -> (B, c, side, p, side, p) -> (B, c, H, W)
        NDArray map = t.reshape(b, side, side, patch, patch, HIDDEN).transpose(0, 5, 1, 3, 2, 4)
                .reshape(b, HIDDEN, (long) side * patch, (long) side * patch);
        NDArray joined = map.concat(image, 1);
        NDArray y = Activation.gelu(TaskInteraction.apply(refine, ps, joined, training));
        y = TaskInteraction.apply(out, ps, y, training);
        if (task == Task.NORMALS) {
            y = y.div(y.square().sum(new int[] {1}, true).add(1e-6f).sqrt());
        }
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape img = inputShapes[1];
        return new Shape[] {new Shape(img.get(0), out.getOutputShapes(new Shape[] {img})[0].get(1), img.get(2), img.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, dim);
        norm.initialize(manager, dataType, tokens);
        unfold.initialize(manager, dataType, tokens);
        refine.initialize(manager, dataType, new Shape(1, HIDDEN + 3, 8, 8));
        out.initialize(manager, dataType, new Shape(1, HIDDEN, 8, 8));
    }
}
