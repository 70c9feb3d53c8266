package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Tensor operations shared by the attention-based blocks. */
public final class AttentionOps {
    private AttentionOps() {}

    /**
     * Softmax over the last axis restricted to the k largest entries of each row; all other
     * entries get weight exactly 0 (and, through {@code where}, zero gradient). Ties at the
     * k-th value are broken by the index order of {@code topK}, so every row keeps exactly
     * min(k, rowLength) entries. For k >= rowLength this is the plain softmax.
     */
    public static NDArray topKSoftmax(NDArray scores, int k) {
        long rowLength = scores.getShape().getLastDimension();
        if (k >= rowLength) {
            return scores.softmax(-1);
        }
        NDArray mask = topKMask(scores, k);
        NDArray masked = NDArrays.where(mask, scores, constant(scores, Float.NEGATIVE_INFINITY));
        return masked.softmax(-1);
    }

    /** Boolean mask with exactly k true entries per row: the row's k largest values. */
    public static NDArray topKMask(NDArray scores, int k) {
        // Indices carry no gradient; the one-hot sum over the k picks marks the kept entries.
        NDArray indices = scores.stopGradient().topK(k, -1, true, false).get(1);
        // scatter ones at the k indices of each row: linear in the row length (a one-hot of
        // the indices summed over k was 15x slower at 4x the tokens, from its large temporaries)
        int axis = scores.getShape().dimension() - 1;
        NDArray zeros = scores.getManager().zeros(scores.getShape(), DataType.FLOAT32, scores.getDevice());
        NDArray ones = scores.getManager().ones(indices.getShape(), DataType.FLOAT32, scores.getDevice());
        return zeros.scatter(indices, ones, axis).gt(0.5f);
    }

    /** (B, T, d) -> (B, h, T, d/h). */
    public static NDArray splitHeads(NDArray x, int heads) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long d = x.getShape().get(2);
        return x.reshape(b, t, heads, d / heads).transpose(0, 2, 1, 3);
    }

    /** (B, h, T, dh) -> (B, T, h*dh). */
    public static NDArray mergeHeads(NDArray x) {
        long b = x.getShape().get(0);
        long h = x.getShape().get(1);
        long t = x.getShape().get(2);
        long dh = x.getShape().get(3);
        return x.transpose(0, 2, 1, 3).reshape(b, t, h * dh);
    }

    /** Scaled dot-product scores q k^T / sqrt(scaleDim) over the last two axes. */
    public static NDArray scores(NDArray q, NDArray k, double scaleDim) {
        return scale(q.matMul(k.swapAxes(-1, -2)), 1.0 / Math.sqrt(scaleDim));
    }

    /**
     * x * v with the constant held in torch-owned memory. DJL's {@code mul(Number)} wraps the
     * number in a tensor over a Java direct buffer and closes it at once, yet autograd keeps
     * that tensor for backward: once the buffer is garbage-collected, backward reads freed
     * memory (sporadic NaN gradients). Use this for every scalar on a gradient path.
     */
    public static NDArray scale(NDArray x, double v) {
        return x.mul(constant(x, v));
    }

    /** A 0-d constant in torch-owned memory on x's manager, device and type. */
    public static NDArray constant(NDArray x, double v) {
        return x.getManager().full(new Shape(), (float) v, x.getDataType()).toDevice(x.getDevice(), false);
    }
}
