package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Linear full-resolution task head (config {@code "head": "linear"}, the architecture of every
 * config written before that key). Inputs: decoder tokens (B, L, d), L = (H/p)(W/p) in row-major
 * grid order, and the image (B, 3, H, W).
 * Tokens are unfolded to a (B, c, H, W) map (pixel shuffle of a per-token linear layer), joined
 * with the image so that outputs can follow image edges, and refined per pixel by two linear
 * layers (1x1). Each p x p block depends on one token only, so outputs show the patch grid;
 * {@link UpsampleHead} is the smooth alternative. Normals are returned unit length.
 */
public final class TaskHead extends AbstractBlock {
    static final int HIDDEN = 8;
    private final Task task;
    private final int dim;
    private final int patch;
    private final int channels;
    private final LayerNorm norm;
    private final Linear unfold;
    private final Linear refine;
    private final Linear out;

    public TaskHead(Task task, ModelConfig config) {
        this.task = task;
        this.dim = config.dim();
        this.patch = config.patch();
        this.channels = task.channels(config);
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        unfold = addChildBlock("unfold", Layers.linear((long) patch * patch * HIDDEN, true));
        refine = addChildBlock("refine", Layers.linear(HIDDEN, true));
        out = addChildBlock("out", Layers.linear(task.channels(config), true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDArray image = inputs.get(1);
        long b = tokens.getShape().get(0);
        long h = image.getShape().get(2);
        long w = image.getShape().get(3);
        NDArray t = TaskInteraction.apply(unfold, ps, TaskInteraction.apply(norm, ps, tokens, training), training);
        // channel-last pixel shuffle: (B, L, p*p*c) -> (B, gh, gw, p, p, c) -> (B, gh, p, gw, p, c) -> (B, H, W, c)
        NDArray map = t.reshape(b, h / patch, w / patch, patch, patch, HIDDEN).transpose(0, 1, 3, 2, 4, 5)
                .reshape(b, h, w, HIDDEN);
        NDArray joined = map.concat(image.transpose(0, 2, 3, 1), 3);
        NDArray y = Activation.gelu(TaskInteraction.apply(refine, ps, joined, training));
        y = TaskInteraction.apply(out, ps, y, training);
        return new NDList(toOutput(task, y));
    }

    /**
     * A head's channel-last output (B, H, W, c) as the task's output (B, c, H, W); normals are
     * made unit length (the heads of every stem share this last step).
     */
    static NDArray toOutput(Task task, NDArray y) {
        if (task == Task.NORMALS) {
            y = y.div(Scalars.add(y.square().sum(new int[] {3}, true), 1e-6f).sqrt());
        }
        return y.transpose(0, 3, 1, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape img = inputShapes[1];
        return new Shape[] {new Shape(img.get(0), channels, img.get(2), img.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, dim);
        norm.initialize(manager, dataType, tokens);
        unfold.initialize(manager, dataType, tokens);
        refine.initialize(manager, dataType, new Shape(1, 1, 1, HIDDEN + 3));
        out.initialize(manager, dataType, new Shape(1, 1, 1, HIDDEN));
    }
}
