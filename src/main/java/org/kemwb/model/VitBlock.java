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

/** Pre-norm transformer block: x + MHSA(LN(x)), then x + MLP(LN(x)). Tokens (B, L, d). */
public final class VitBlock extends AbstractBlock {
    private final int dim;
    private final int heads;
    private final LayerNorm norm1;
    private final Linear qkv;
    private final Linear proj;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    public VitBlock(int dim, int heads, int mlpRatio) {
        this.dim = dim;
        this.heads = heads;
        norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
        qkv = addChildBlock("qkv", Layers.linear(3L * dim, true));
        proj = addChildBlock("proj", Layers.linear(dim, true));
        norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        fc1 = addChildBlock("fc1", Layers.linear((long) mlpRatio * dim, true));
        fc2 = addChildBlock("fc2", Layers.linear(dim, true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        NDArray h = TaskInteraction.apply(norm1, ps, x, training);
        NDArray packed = TaskInteraction.apply(qkv, ps, h, training)
                .reshape(b, l, 3, heads, dim / heads).transpose(2, 0, 3, 1, 4); // (3, B, h, L, dh)
        NDArray q = packed.get(0);
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        NDArray mixed;
        if (training) {
            mixed = attend(q, k, v);
        } else {
            // inference: the (B, h, L, L) scores, their scaled copy and the softmax are freed as soon as
            // this block has its output, not when the caller's scope closes after the whole forward; at
            // photo size (L = 11532 at 744x992, patch 8: 1 GiB each, 3 per block, 4 blocks per task)
            // the forward then needs one block's attention at a time instead of all of them
            NDManager parent = x.getManager();
            try (NDManager sub = parent.newSubManager()) {
                q.tempAttach(sub);
                k.tempAttach(sub);
                v.tempAttach(sub);
                mixed = attend(q, k, v);
                mixed.attach(parent);
            }
        }
        x = x.add(TaskInteraction.apply(proj, ps, mixed, training));
        NDArray m = TaskInteraction.apply(norm2, ps, x, training);
        m = Activation.gelu(TaskInteraction.apply(fc1, ps, m, training));
        return new NDList(x.add(TaskInteraction.apply(fc2, ps, m, training)));
    }

    /** softmax(q k^T / sqrt(dh)) v with heads merged: (B, h, L, dh) x3 -> (B, L, h * dh). */
    private NDArray attend(NDArray q, NDArray k, NDArray v) {
        NDArray att = AttentionOps.scores(q, k, (double) dim / heads).softmax(-1);
        return AttentionOps.mergeHeads(att.matMul(v));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, dim);
        norm1.initialize(manager, dataType, tokens);
        qkv.initialize(manager, dataType, tokens);
        proj.initialize(manager, dataType, tokens);
        norm2.initialize(manager, dataType, tokens);
        fc1.initialize(manager, dataType, tokens);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {tokens})[0]);
    }
}
