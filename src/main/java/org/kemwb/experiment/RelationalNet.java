package org.kemwb.experiment;

import org.kemwb.model.Scalars;
import static org.kemwb.model.TaskInteraction.apply;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.data.SortOfClevr;
import org.kemwb.model.InteractionResult;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.TaskInteraction;

/**
 * The small visual-question model of the imbalance experiment:
 * <ol>
 *   <li>stem: p x p patches (a stride-p convolution written as a linear map of each patch, plus
 *       the patch's (x, y) centre as in relation networks) to d-dim tokens;</li>
 *   <li>the question modulates every token (FiLM: x (1 + g(q)) + b(q)); two task streams, one per
 *       question family (non-relational, relational), each a residual token MLP and LayerNorm;</li>
 *   <li>the interaction under test (kem, skem, ...) over both streams' tokens;</li>
 *   <li>per stream, as in relation networks: a two-layer MLP g over each token together with
 *       the question, averaged over tokens, then an MLP classifier over the ten answers; each
 *       question is answered by the stream of its family.</li>
 * </ol>
 */
final class RelationalNet extends AbstractBlock {
    static final int STREAMS = 2;
    private final ModelConfig config;
    private final int patch;
    private final Linear stemEmbed;
    private final Linear stemMix;
    private final LayerNorm stemNorm;
    private final Linear questionEmbed;
    private final List<Linear> streamIn = new ArrayList<>();
    private final List<Linear> streamOut = new ArrayList<>();
    private final List<LayerNorm> streamNorm = new ArrayList<>();
    private final TaskInteraction interaction;
    private final Linear questionGain;
    private final List<Linear> relateToken = new ArrayList<>();
    private final List<Linear> relateQuestion = new ArrayList<>();
    private final List<Linear> relateHidden = new ArrayList<>();
    private final List<Linear> classifierHidden = new ArrayList<>();
    private final List<Linear> classifierOut = new ArrayList<>();

    /** {@code config} must have two tasks (the two streams); its imageSize and patch set the grid. */
    RelationalNet(ModelConfig config) {
        if (config.taskCount() != STREAMS) {
            throw new IllegalArgumentException("the relational net has " + STREAMS + " streams, config has "
                    + config.taskCount() + " tasks");
        }
        this.config = config;
        this.patch = config.patch();
        int d = config.dim();
        stemEmbed = addChildBlock("stem_embed", linear(d, 3 * patch * patch + 2, true));
        stemMix = addChildBlock("stem_mix", linear(d, d, true));
        stemNorm = addChildBlock("stem_norm", LayerNorm.builder().axis(2).build());
        questionEmbed = addChildBlock("question", linear(d, SortOfClevr.QUESTION_DIM, true));
        questionGain = addChildBlock("question_gain", linear(d, SortOfClevr.QUESTION_DIM, true));
        for (int t = 0; t < STREAMS; t++) {
            streamIn.add(addChildBlock("stream_in" + t, linear(d, d, true)));
            streamOut.add(addChildBlock("stream_out" + t, linear(d, d, true)));
            streamNorm.add(addChildBlock("stream_norm" + t, LayerNorm.builder().axis(2).build()));
        }
        interaction = addChildBlock("interaction", TaskInteraction.create(config));
        for (int t = 0; t < STREAMS; t++) {
            relateToken.add(addChildBlock("relate_token" + t, linear(d, d, true)));
            relateQuestion.add(addChildBlock("relate_question" + t, linear(d, d, false)));
            relateHidden.add(addChildBlock("relate_hidden" + t, linear(d, d, true)));
            classifierHidden.add(addChildBlock("cls_hidden" + t, linear(d, d, true)));
            classifierOut.add(addChildBlock("cls_out" + t, linear(SortOfClevr.ANSWERS.length, d, true)));
        }
    }

    record Output(NDArray logits, InteractionResult interaction) {}

    /**
     * @param images (B, 3, S, S) "ink" in [0, 1]: 1 - rgb / 255, so the white background is 0
     * @param questions (B, QUESTION_DIM)
     * @param relational (B, 1): 1 for relational questions, else 0
     */
    Output forward(ParameterStore ps, NDArray images, NDArray questions, NDArray relational, boolean training,
            boolean withAttention) {
        long b = images.getShape().get(0);
        int side = config.gridSide();
        int l = side * side;
        NDArray patches = images.reshape(b, 3, side, patch, side, patch).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, l, 3L * patch * patch);
        NDArray coords = coordinates(images.getManager(), side).toDevice(images.getDevice(), false)
                .broadcast(new Shape(b, l, 2));
        NDArray tokens = apply(stemNorm, ps,
                apply(stemMix, ps, Activation.gelu(apply(stemEmbed, ps, patches.concat(coords, 2), training)), training), training);
        NDArray q = apply(questionEmbed, ps, questions, training).expandDims(1); // (B, 1, d)
        // FiLM without a scalar "1 +" on the gradient path (DJL scalar ops are unsafe there).
        NDArray h = tokens.add(tokens.mul(apply(questionGain, ps, questions, training).expandDims(1))).add(q);
        NDList streams = new NDList();
        for (int t = 0; t < STREAMS; t++) {
            NDArray mlp = apply(streamOut.get(t), ps, Activation.gelu(apply(streamIn.get(t), ps, h, training)), training);
            streams.add(apply(streamNorm.get(t), ps, h.add(mlp), training));
        }
        InteractionResult mixed = interaction.interact(ps, NDArrays.concat(streams, 1), training, withAttention);
        NDList out = mixed.tokens().split(STREAMS, 1);
        NDArray qFlat = q.squeeze(1);
        NDList logits = new NDList();
        for (int t = 0; t < STREAMS; t++) {
            // g([token; q]) with its first layer split into a token part and a question part.
            NDArray first = Activation.gelu(apply(relateToken.get(t), ps, out.get(t), training)
                    .add(apply(relateQuestion.get(t), ps, q, training)));
            NDArray pooled = Activation.gelu(apply(relateHidden.get(t), ps, first, training)).mean(new int[] {1});
            NDArray hidden = Activation.gelu(apply(classifierHidden.get(t), ps, pooled.add(qFlat), training));
            logits.add(apply(classifierOut.get(t), ps, hidden, training));
        }
        // Each question is answered by its family's stream: blend by the 0/1 family indicator.
        NDArray rel = relational;
        NDArray answer = logits.get(0).mul(Scalars.oneMinus(rel)).add(logits.get(1).mul(rel));
        return new Output(answer, mixed);
    }

    /** Patch centres in [-1, 1], (1, side*side, 2) as (x, y). */
    private static NDArray coordinates(NDManager manager, int side) {
        float[] c = new float[side * side * 2];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int i = (y * side + x) * 2;
                c[i] = (x + 0.5f) / side * 2 - 1;
                c[i + 1] = (y + 0.5f) / side * 2 - 1;
            }
        }
        return manager.create(c, new Shape(1, (long) side * side, 2));
    }

    /**
     * Linear layer with PyTorch's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)). With
     * the N(0, 0.02) of the multi-task net this model stayed at the answer prior for 2000 steps.
     */
    private static Linear linear(int units, int fanIn, boolean bias) {
        Linear l = Linear.builder().setUnits(units).optBias(bias).build();
        l.setInitializer(new ai.djl.training.initializer.UniformInitializer((float) (1 / Math.sqrt(fanIn))),
                ai.djl.nn.Parameter.Type.WEIGHT);
        return l;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), inputs.get(2), training, false).logits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), SortOfClevr.ANSWERS.length)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape token = new Shape(1, 1, config.dim());
        stemEmbed.initialize(manager, dataType, new Shape(1, 1, 3L * patch * patch + 2));
        stemMix.initialize(manager, dataType, token);
        stemNorm.initialize(manager, dataType, token);
        questionEmbed.initialize(manager, dataType, new Shape(1, SortOfClevr.QUESTION_DIM));
        questionGain.initialize(manager, dataType, new Shape(1, SortOfClevr.QUESTION_DIM));
        for (int t = 0; t < STREAMS; t++) {
            streamIn.get(t).initialize(manager, dataType, token);
            streamOut.get(t).initialize(manager, dataType, token);
            streamNorm.get(t).initialize(manager, dataType, token);
            relateToken.get(t).initialize(manager, dataType, token);
            relateQuestion.get(t).initialize(manager, dataType, token);
            relateHidden.get(t).initialize(manager, dataType, token);
            classifierHidden.get(t).initialize(manager, dataType, new Shape(1, config.dim()));
            classifierOut.get(t).initialize(manager, dataType, new Shape(1, config.dim()));
        }
        interaction.initialize(manager, dataType, token);
    }
}
