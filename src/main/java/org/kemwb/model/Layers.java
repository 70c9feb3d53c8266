package org.kemwb.model;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;

/** Layer factories with transformer-style initialisation, and the fixed resampling of the heads. */
public final class Layers {
    private Layers() {}

    /**
     * Linear layer with N(0, 0.02) weights (ViT convention). DJL's default Xavier/He init gives
     * attention scores large enough to saturate the softmax at step 0, which stops gradients.
     */
    public static Linear linear(long units, boolean bias) {
        Linear l = Linear.builder().setUnits(units).optBias(bias).build();
        l.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return l;
    }

    /** 3x3 convolution with bias, padding 1, He-normal weights ({@link Conv3x3}). */
    public static Conv3x3 conv3x3(int filters, int stride) {
        return new Conv3x3(filters, stride);
    }

    /**
     * Bilinear x2 upsampling of (B, C, H, W) to (B, C, 2H, 2W), pixel-centre aligned as
     * {@code F.interpolate(scale_factor=2, mode="bilinear", align_corners=False)}: output row
     * 2i + 1/2 +- 1/4 samples input row i +- 1/4 (weights 3/4 and 1/4, edge rows repeated).
     * libtorch's upsample_bilinear2d, differentiable.
     */
    public static NDArray upsample2x(NDArray x) {
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {2 * s.get(2), 2 * s.get(3)},
                Image.Interpolation.BILINEAR.ordinal(), false);
    }
}
