package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/** No exchange between tasks: the single-task baseline. Has no attention to show. */
public final class NoInteraction extends TaskInteraction {
    public NoInteraction(ModelConfig config) {
        super(config);
    }

    @Override
    public InteractionResult interact(ParameterStore ps, NDArray tokens, boolean training, boolean withAttention) {
        return new InteractionResult(tokens, null);
    }
}
