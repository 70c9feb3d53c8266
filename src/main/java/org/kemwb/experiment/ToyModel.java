package org.kemwb.experiment;

import ai.djl.ndarray.NDArray;
import org.kemwb.model.AttentionMaps;

/**
 * What the toy-noise read-outs need from a model: predictions for tasks 1 and 2 and, when
 * asked, where its tokens took their information from. The experiment's network implements it;
 * tests implement it by hand to check the read-outs without any interaction module.
 */
public interface ToyModel {
    /**
     * @param predictions (B, 2, m) outputs of tasks 1 and 2
     * @param attention the attention over the 3 tasks' tokens, or null when not asked for
     */
    record Output(NDArray predictions, AttentionMaps attention) {}

    /** One forward pass without gradient bookkeeping beyond what {@code training} needs. */
    Output forward(ToyProblem problem, boolean training, boolean withAttention);
}
