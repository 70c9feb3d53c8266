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
import java.util.ArrayList;
import java.util.List;

/**
 * Full-resolution task head with a learned upsampling path (config {@code "head": "upsample"}),
 * in the manner of U-Net / FPN decoders. Inputs: decoder tokens (B, L, d), L = gh * gw in
 * row-major grid order (gh = H/p, gw = W/p); the normalised image (B, 3, H, W); and, with a
 * {@link ConvStem}, its feature maps of stages 1..n-1 (n = log2 p) as skip connections.
 *
 * <p>Tokens: LayerNorm, a linear layer to h_n channels, reshaped to the grid (B, h_n, gh, gw).
 * Then for k = n-1 .. 1: bilinear x2 ({@link Layers#upsample2x}), concatenation with the stem's
 * stage-k map (when there is a conv stem), 3x3 conv to h_k channels, GELU. Last: x2 to full
 * resolution, concatenation with the image, a linear layer per pixel (1x1 conv) to the task's
 * channels. Every output pixel is thus a smooth function of its neighbourhood, with no seams at
 * patch borders (unlike {@link TaskHead}). Output (B, C_t, H, W); normals unit length along the channel axis.
 * Widths h_k = {@link #width}.
 */
public final class UpsampleHead extends AbstractBlock {
    private final Task task;
    private final int dim;
    private final int levels;
    private final int channels;
    private final boolean skips;
    private final LayerNorm norm;
    private final Linear proj;
    /** Stages k = n-1 .. 1, in that order. */
    private final List<Conv3x3> stages = new ArrayList<>();
    private final Linear out;

    public UpsampleHead(Task task, ModelConfig config) {
        this.task = task;
        this.dim = config.dim();
        this.levels = config.patchLevels();
        this.channels = task.channels(config);
        this.skips = config.convStem();
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        proj = addChildBlock("proj", Layers.linear(width(levels, dim), true));
        for (int k = levels - 1; k >= 1; k--) {
            stages.add(addChildBlock("up_" + k, Layers.conv3x3(width(k, dim), 1)));
        }
        out = addChildBlock("out", Layers.linear(channels, true));
    }

    /** Channels at stage k (token grid = n, 1 = half resolution): 4 * 2^k, at most d/2, at least 8. */
    public static int width(int k, int dim) {
        return Math.max(8, Math.min(dim / 2, 4 << k));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.get(0);
        NDArray image = inputs.get(1);
        long b = tokens.getShape().get(0);
        long gh = image.getShape().get(2) >> levels;
        long gw = image.getShape().get(3) >> levels;
        NDArray t = TaskInteraction.apply(proj, ps, TaskInteraction.apply(norm, ps, tokens, training), training);
        NDArray y = t.transpose(0, 2, 1).reshape(b, width(levels, dim), gh, gw);
        for (int i = 0; i < stages.size(); i++) {
            int k = levels - 1 - i;
            y = Layers.upsample2x(y);
            if (skips) {
                y = y.concat(inputs.get(1 + k), 1);
            }
            y = Activation.gelu(TaskInteraction.apply(stages.get(i), ps, y, training));
        }
        y = Layers.upsample2x(y).concat(image, 1).transpose(0, 2, 3, 1); // (B, H, W, h_1 + 3)
        y = TaskInteraction.apply(out, ps, y, training);
        return new NDList(TaskHead.toOutput(task, y));
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
        proj.initialize(manager, dataType, tokens);
        int in = width(levels, dim);
        for (int i = 0; i < stages.size(); i++) {
            int k = levels - 1 - i;
            stages.get(i).initialize(manager, dataType, new Shape(1, in + (skips ? ConvStem.width(k, dim) : 0), 8, 8));
            in = width(k, dim);
        }
        out.initialize(manager, dataType, new Shape(1, 1, 1, in + 3));
    }
}
