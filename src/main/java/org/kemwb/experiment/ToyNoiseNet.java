package org.kemwb.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.kemwb.model.AttentionOps;
import org.kemwb.model.InteractionResult;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.TaskInteraction;

/**
 * The toy model of the noise experiment. Tasks 1 and 2 each have a token encoder (linear m->d,
 * GELU, linear d->d, then normalisation of every token to zero mean and unit variance over its d
 * entries, without affine parameters); task 3's tokens are the noise itself, already d wide and of
 * the same per-entry scale at noise 1, so that norm alone does not tell noise from signal. The
 * interaction under test runs over all 3 L tokens; each signal task's output is a linear map of
 * the mean of its own L tokens after the interaction. Encoder and read-out weights are drawn with
 * variance 1 / fan-in so that tokens start at unit scale (the interaction keeps its own init).
 */
final class ToyNoiseNet extends AbstractBlock implements ToyModel {
    private final ModelConfig config;
    private final int signalDim;
    private final Linear[] encodersIn = new Linear[2];
    private final Linear[] encodersOut = new Linear[2];
    private final Linear[] readouts = new Linear[2];
    private final TaskInteraction interaction;
    private ParameterStore ps;

    ToyNoiseNet(ModelConfig config, int signalDim) {
        this.config = config;
        this.signalDim = signalDim;
        for (int t = 0; t < 2; t++) {
            encodersIn[t] = addChildBlock("enc_in" + t, fanIn(config.dim(), signalDim));
            encodersOut[t] = addChildBlock("enc_out" + t, fanIn(config.dim(), config.dim()));
            readouts[t] = addChildBlock("readout" + t, fanIn(signalDim, config.dim()));
        }
        interaction = addChildBlock("interaction", TaskInteraction.create(config));
    }

    private static Linear fanIn(int units, int fanIn) {
        Linear l = Linear.builder().setUnits(units).optBias(true).build();
        l.setInitializer(new NormalInitializer((float) (1 / Math.sqrt(fanIn))), Parameter.Type.WEIGHT);
        return l;
    }

    /** Sets the parameter store used by {@link #forward(ToyProblem, boolean, boolean)}. */
    ToyNoiseNet bind(ParameterStore store) {
        this.ps = store;
        return this;
    }

    @Override
    public Output forward(ToyProblem p, boolean training, boolean withAttention) {
        NDArray t1 = encode(0, p.a(), training);
        NDArray t2 = encode(1, p.b(), training);
        InteractionResult mixed = interaction.interact(ps, NDArrays.concat(new NDList(t1, t2, p.noise()), 1), training,
                withAttention);
        NDList tokens = mixed.tokens().split(3, 1);
        NDList preds = new NDList();
        for (int t = 0; t < 2; t++) {
            NDArray pooled = tokens.get(t).mean(new int[] {1});
            preds.add(TaskInteraction.apply(readouts[t], ps, pooled, training).expandDims(1));
        }
        return new Output(NDArrays.concat(preds, 1), mixed.attention());
    }

    private NDArray encode(int t, NDArray x, boolean training) {
        NDArray h = Activation.gelu(TaskInteraction.apply(encodersIn[t], ps, x, training));
        NDArray y = TaskInteraction.apply(encodersOut[t], ps, h, training);
        NDArray centred = y.sub(y.mean(new int[] {-1}, true));
        NDArray var = centred.square().mean(new int[] {-1}, true);
        return centred.div(var.add(AttentionOps.constant(var, 1e-5)).sqrt());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("use forward(ToyProblem, ...)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 2, signalDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, config.dim());
        for (int t = 0; t < 2; t++) {
            encodersIn[t].initialize(manager, dataType, new Shape(1, 1, signalDim));
            encodersOut[t].initialize(manager, dataType, tokens);
            readouts[t].initialize(manager, dataType, new Shape(1, config.dim()));
        }
        interaction.initialize(manager, dataType, tokens);
    }
}
