package org.kemwb.model;

import ai.djl.ndarray.NDArray;

/**
 * Output of a {@link TaskInteraction}: the updated tokens X_t + lambda X'_t of all tasks,
 * (B, K*L, d), and the attention when it was asked for (else null).
 */
public record InteractionResult(NDArray tokens, AttentionMaps attention) {}
