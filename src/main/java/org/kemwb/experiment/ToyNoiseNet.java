package org.kemwb.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.model.InteractionResult;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.TaskInteraction;

/**
 * The toy model of the noise experiment: per task a token encoder (linear, GELU, linear), the
 * interaction under test over all tasks' tokens, and per task a linear read-out of the mean
 * token. Input: the three tasks' tokens concatenated, (B, K*L, d); output (B, K, out).
 */
final class ToyNoiseNet extends AbstractBlock {
    private final ModelConfig config;
    private final int inputDim;
    private final int outputDim;
    private final List<Linear> encodersIn = new ArrayList<>();
    private final List<Linear> encodersOut = new ArrayList<>();
    private final TaskInteraction interaction;
    private final List<Linear> readouts = new ArrayList<>();

    ToyNoiseNet(ModelConfig config, int inputDim, int outputDim) {
        this.config = config;
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        for (int t = 0; t < config.taskCount(); t++) {
            encodersIn.add(addChildBlock("enc_in" + t, org.kemwb.model.Layers.linear(config.dim(), true)));
            encodersOut.add(addChildBlock("enc_out" + t, org.kemwb.model.Layers.linear(config.dim(), true)));
        }
        interaction = addChildBlock("interaction", TaskInteraction.create(config));
        for (int t = 0; t < config.taskCount(); t++) {
            readouts.add(addChildBlock("readout" + t, org.kemwb.model.Layers.linear(outputDim, true)));
        }
    }

    record Output(NDArray predictions, InteractionResult interaction) {}

    Output forward(ParameterStore ps, NDArray inputs, boolean training, boolean withAttention) {
        NDList perTask = inputs.split(config.taskCount(), 1);
        NDList encoded = new NDList();
        for (int t = 0; t < config.taskCount(); t++) {
            NDArray h = Activation.gelu(encodersIn.get(t).forward(ps, new NDList(perTask.get(t)), training).singletonOrThrow());
            encoded.add(encodersOut.get(t).forward(ps, new NDList(h), training).singletonOrThrow());
        }
        InteractionResult mixed = interaction.interact(ps, NDArrays.concat(encoded, 1), training, withAttention);
        NDList tokens = mixed.tokens().split(config.taskCount(), 1);
        NDList preds = new NDList();
        for (int t = 0; t < config.taskCount(); t++) {
            NDArray pooled = tokens.get(t).mean(new int[] {1});
            preds.add(readouts.get(t).forward(ps, new NDList(pooled), training).singletonOrThrow().expandDims(1));
        }
        return new Output(NDArrays.concat(preds, 1), mixed);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, false).predictions());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.taskCount(), outputDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, config.dim());
        for (int t = 0; t < config.taskCount(); t++) {
            encodersIn.get(t).initialize(manager, dataType, new Shape(1, 1, inputDim));
            encodersOut.get(t).initialize(manager, dataType, tokens);
            readouts.get(t).initialize(manager, dataType, new Shape(1, config.dim()));
        }
        interaction.initialize(manager, dataType, tokens);
    }
}
