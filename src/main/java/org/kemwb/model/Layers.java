package org.kemwb.model;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;

/** Layer factories with transformer-style initialisation. */
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
}
