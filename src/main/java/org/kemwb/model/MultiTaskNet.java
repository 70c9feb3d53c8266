package org.kemwb.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.util.Resample;

/**
 * image (B,3,H,W) in [0,1] -> backbone -> shared tokens (B,L,d) -> per task: 2-layer ViT
 * encoder -> interaction over all tasks -> per task: 2-layer ViT decoder -> full-resolution head.
 * Backbone: {@link PatchStem} or {@link ConvStem} (config {@code stem}) or a frozen TorchScript
 * model; heads: {@link TaskHead} or {@link UpsampleHead} (config {@code head}), the latter with
 * the conv stem's feature maps as skip connections.
 * H x W is the config's training size or any other multiple of the patch (L = (H/p)(W/p) tokens,
 * row-major); at another size the learned position embeddings are resampled to the new grid.
 */
public final class MultiTaskNet extends AbstractBlock {
    /** Fixed input normalisation, part of the model so that checkpoints are self-contained. */
    static final float PIXEL_MEAN = 0.45f;
    static final float PIXEL_STD = 0.25f;

    private final ModelConfig config;
    private final Block stem;
    private final Block frozenBackbone;
    private final Linear backboneProjection;
    private final Parameter position;
    private final Parameter lossLogVariance;
    private final List<VitStack> encoders = new ArrayList<>();
    private final TaskInteraction interaction;
    private final List<VitStack> decoders = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();

    /**
     * @param frozenBackbone a loaded TorchScript backbone when the config names one (its
     *     weights are not part of this block and never trained), else null
     */
    public MultiTaskNet(ModelConfig config, Block frozenBackbone) {
        this.config = config;
        this.frozenBackbone = frozenBackbone;
        if (config.torchScriptBackbone()) {
            if (frozenBackbone == null) {
                throw new IllegalArgumentException("config names TorchScript backbone " + config.backbone() + " but none was loaded");
            }
            stem = null;
            backboneProjection = addChildBlock("backbone_projection", Layers.linear(config.dim(), true));
        } else {
            stem = addChildBlock("stem", config.convStem() ? new ConvStem(config) : new PatchStem(config.patch(), config.dim()));
            backboneProjection = null;
        }
        position = addParameter(Parameter.builder().setName("position").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, config.tokens(), config.dim()))
                .optInitializer(new NormalInitializer(0.02f)).build());
        lossLogVariance = config.learnedLossWeights()
                ? addParameter(Parameter.builder().setName("loss_log_variance").setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(config.taskCount())).optInitializer(new ai.djl.training.initializer.ConstantInitializer(0f))
                        .build())
                : null;
        for (Task t : config.tasks()) {
            encoders.add(addChildBlock("encoder_" + t.id(),
                    new VitStack(config.encoderDepth(), config.dim(), config.heads(), config.mlpRatio())));
        }
        interaction = addChildBlock("interaction", TaskInteraction.create(config));
        for (Task t : config.tasks()) {
            decoders.add(addChildBlock("decoder_" + t.id(),
                    new VitStack(config.decoderDepth(), config.dim(), config.heads(), config.mlpRatio())));
        }
        for (Task t : config.tasks()) {
            heads.add(addChildBlock("head_" + t.id(), config.upsampleHead() ? new UpsampleHead(t, config) : new TaskHead(t, config)));
        }
    }

    public ModelConfig config() {
        return config;
    }

    /** Per-task log-variances s_t of learned loss weighting (K), or null when the config has none. */
    public Parameter lossLogVariance() {
        return lossLogVariance;
    }

    public TaskInteraction interaction() {
        return interaction;
    }

    /** Input shape for a batch of images at the training size: (batch, 3, height, width). */
    public Shape inputShape(int batch) {
        return new Shape(batch, 3, config.height(), config.width());
    }

    /**
     * Position embeddings for a gh x gw token grid, (1, gh*gw, d). The learned (1, L, d) table of
     * the training grid as it is when the grid matches, else resampled bilinearly over the grid,
     * axis by axis ({@link Resample}: pixel-centre aligned, align_corners=False, anti-aliased when
     * shrinking), as ViTs do to run at another resolution (Dosovitskiy et al. 2021, sec. 3.2;
     * timm's resample_abs_pos_embed). Differentiable, so a model can also train at another size.
     */
    NDArray positions(ParameterStore ps, NDArray like, boolean training, long gh, long gw) {
        NDArray pos = ps.getValue(position, like.getDevice(), training);
        long gh0 = config.gridHeight();
        long gw0 = config.gridWidth();
        if (gh == gh0 && gw == gw0) {
            return pos;
        }
        long d = config.dim();
        NDManager m = like.getManager();
        // a view of the parameter moved to the step's manager (see CtalInteraction): what is
        // computed from it then lives and dies with the step
        NDArray table = pos.reshape(gh0, gw0 * d);
        table.attach(m);
        NDArray ry = m.create(Resample.matrix((int) gh0, (int) gh), new Shape(gh, gh0)).toDevice(like.getDevice(), false);
        NDArray rx = m.create(Resample.matrix((int) gw0, (int) gw), new Shape(gw, gw0)).toDevice(like.getDevice(), false);
        NDArray rows = ry.matMul(table).reshape(gh, gw0, d); // resample along y
        NDArray cols = rx.matMul(rows.transpose(1, 0, 2).reshape(gw0, gh * d)).reshape(gw, gh, d); // along x
        return cols.transpose(1, 0, 2).reshape(1, gh * gw, d);
    }

    /**
     * The backbone on a normalised image (B, 3, H, W): shared tokens (B, L, d) with position
     * embeddings added, then (conv stem) its feature maps of stages 1..n-1 for the heads.
     */
    NDList backbone(ParameterStore ps, NDArray image, boolean training) {
        long gh = image.getShape().get(2) / config.patch();
        long gw = image.getShape().get(3) / config.patch();
        NDArray tokens;
        NDList features = new NDList();
        if (stem != null) {
            NDList out = stem.forward(ps, new NDList(image), training);
            tokens = out.get(0);
            features.addAll(out.subNDList(1));
        } else {
            NDArray grid = TaskInteraction.apply(frozenBackbone, ps, image, false).stopGradient();
            Shape g = grid.getShape();
            if (g.dimension() != 4 || g.get(1) != config.backboneChannels() || g.get(2) != gh || g.get(3) != gw) {
                throw new IllegalArgumentException("TorchScript backbone " + config.backbone() + " returned " + g
                        + ", config expects (B, " + config.backboneChannels() + ", " + gh + ", " + gw + ")");
            }
            tokens = TaskInteraction.apply(backboneProjection, ps,
                    grid.reshape(g.get(0), g.get(1), gh * gw).swapAxes(1, 2), training);
        }
        NDList result = new NDList(tokens.add(positions(ps, image, training, gh, gw)));
        result.addAll(features);
        return result;
    }

    /**
     * Forward pass; with {@code withAttention} the interaction also returns its attention,
     * from the same pass.
     */
    public NetOutput forward(ParameterStore ps, NDArray image, boolean training, boolean withAttention) {
        checkInput(image.getShape());
        NDArray normalised = Scalars.div(Scalars.sub(image, PIXEL_MEAN), PIXEL_STD);
        NDList backbone = backbone(ps, normalised, training);
        NDArray shared = backbone.get(0);
        NDList encoded = new NDList();
        for (VitStack e : encoders) {
            encoded.add(TaskInteraction.apply(e, ps, shared, training));
        }
        InteractionResult mixed = interaction.interact(ps, concatTasks(encoded), training, withAttention);
        NDList perTask = mixed.tokens().split(config.taskCount(), 1);
        NDList outputs = new NDList();
        for (int t = 0; t < config.taskCount(); t++) {
            NDArray decoded = TaskInteraction.apply(decoders.get(t), ps, perTask.get(t), training);
            NDList headInputs = new NDList(decoded, normalised);
            headInputs.addAll(backbone.subNDList(1));
            outputs.add(heads.get(t).forward(ps, headInputs, training).singletonOrThrow());
        }
        return new NetOutput(outputs, mixed.attention());
    }

    /**
     * Refuses an input the model cannot run on, with a message naming what is wrong: not
     * (B, 3, H, W), H or W not a multiple of the patch, or (CTAL) not the training size.
     */
    public void checkInput(Shape s) {
        int p = config.patch();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) < p || s.get(3) < p || s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new IllegalArgumentException("model expects images of shape (B, 3, H, W) with H and W multiples of the patch ("
                    + p + "; trained at " + config.height() + " x " + config.width() + "), got " + s);
        }
        if (config.interaction() == InteractionKind.CTAL && (s.get(2) != config.height() || s.get(3) != config.width())) {
            throw new IllegalArgumentException(CtalInteraction.sizeRefusal(config, (s.get(2) / p) * (s.get(3) / p))
                    + " (got " + s.get(2) + " x " + s.get(3) + ")");
        }
    }

    private static NDArray concatTasks(NDList list) {
        return list.size() == 1 ? list.get(0) : ai.djl.ndarray.NDArrays.concat(list, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return forward(ps, inputs.singletonOrThrow(), training, false).outputs();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape[] out = new Shape[config.taskCount()];
        for (int t = 0; t < out.length; t++) {
            out[t] = new Shape(in.get(0), config.tasks().get(t).channels(config), in.get(2), in.get(3));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, config.dim());
        if (stem != null) {
            stem.initialize(manager, dataType, inputShapes[0]);
        } else {
            backboneProjection.initialize(manager, dataType, new Shape(1, 1, config.backboneChannels()));
        }
        for (VitStack e : encoders) {
            e.initialize(manager, dataType, tokens);
        }
        interaction.initialize(manager, dataType, tokens);
        for (VitStack d : decoders) {
            d.initialize(manager, dataType, tokens);
        }
        for (Block h : heads) {
            h.initialize(manager, dataType, tokens, inputShapes[0]);
        }
    }
}
