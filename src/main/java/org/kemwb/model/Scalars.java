package org.kemwb.model;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant held in torch-owned memory, for every scalar on a gradient path.
 *
 * <p>DJL's {@code NDArray.mul/add/sub/div/maximum(Number)} wrap the number in a tensor over a
 * Java direct buffer and close it at once, yet autograd may keep that tensor for backward: a
 * garbage collection between forward and backward frees the buffer and backward reads freed
 * memory (sporadic NaN or wrong gradients; STACK.md, DJL 0.33 and 0.36). These helpers make the
 * constant a 0-d array on x's manager, device and data type ({@link AttentionOps#constant}), which
 * lives as long as x's scope. NumberArithmeticGuardTest keeps Number arguments out of the code.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d constant v on x's manager, device and data type. */
    public static NDArray of(NDArray x, double v) {
        return AttentionOps.constant(x, v);
    }

    /** x + v, elementwise; same shape as x. */
    public static NDArray add(NDArray x, double v) {
        return x.add(of(x, v));
    }

    /** x - v, elementwise; same shape as x. */
    public static NDArray sub(NDArray x, double v) {
        return x.sub(of(x, v));
    }

    /** x * v, elementwise; same shape as x. */
    public static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    /** x / v, elementwise; same shape as x. */
    public static NDArray div(NDArray x, double v) {
        return x.div(of(x, v));
    }

    /** max(x, v), elementwise; same shape as x. */
    public static NDArray maximum(NDArray x, double v) {
        return x.maximum(of(x, v));
    }

    /** 1 - x, elementwise; same shape as x. */
    public static NDArray oneMinus(NDArray x) {
        return of(x, 1).sub(x);
    }
}
