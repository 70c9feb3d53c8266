package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Copies loaded values into a model's parameter arrays in place.
 *
 * <p>DJL's {@code NDArray.set(Buffer)} and {@code copyTo} go through the JNI call
 * {@code torchSet}, which opens libtorch's deprecated {@code AutoNonVariableTypeMode} guard and
 * so prints "AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release" to
 * stderr on first use. This copy uses {@code index_put_} over the whole tensor (DJL's
 * {@code torchIndexPut}) with autograd off instead: the same bytes, no warning.
 */
public final class WeightCopy {
    private WeightCopy() {}

    /**
     * Writes {@code source} into {@code target} in place (target keeps its identity, device and
     * gradient attachment).
     *
     * @param target a parameter array, any shape (rank 0 allowed)
     * @param source values of the same shape; converted to the target's device and data type
     * @throws IllegalArgumentException when the shapes differ
     */
    public static void into(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape())) {
            throw new IllegalArgumentException("shape " + source.getShape() + " does not fit " + target.getShape());
        }
        NDArray value = source.toDevice(target.getDevice(), false).toType(target.getDataType(), false);
        // a rank-0 tensor has no dimension to slice: write through a 1-element view of it
        NDArray dest = target.getShape().dimension() == 0 ? target.reshape(1) : target;
        NDArray src = target.getShape().dimension() == 0 ? value.reshape(1) : value;
        long[] shape = dest.getShape().getShape();
        long[] min = new long[shape.length];
        long[] step = new long[shape.length];
        java.util.Arrays.fill(step, 1);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // an in-place write to a leaf that requires grad
        try {
            JniUtils.indexSet((PtNDArray) dest, (PtNDArray) src, min, shape, step);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }
}
