package org.kemwb.model;

import ai.djl.ndarray.NDList;

/**
 * One forward pass of a {@link MultiTaskNet}: per-task outputs (B, C_t, H, W) in the config's
 * task order, and the interaction's attention when it was asked for (null otherwise, and always
 * null for {@code none}).
 */
public record NetOutput(NDList outputs, AttentionMaps attention) {}
