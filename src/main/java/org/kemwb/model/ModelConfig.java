package org.kemwb.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.kemwb.util.ConfigException;
import org.kemwb.util.Json;

/**
 * Everything needed to rebuild a {@link MultiTaskNet}; stored inside every checkpoint.
 *
 * @param tasks the tasks, in head order
 * @param interaction the task-interaction module
 * @param imageSize square input size in pixels the model is built for, used when imageHeight and
 *     imageWidth are 0 (every config written before non-square inputs)
 * @param patch backbone stride (8 or 16): token grid gh x gw = (height / patch) x (width / patch),
 *     tokens per task L = gh * gw
 * @param dim token width d
 * @param heads attention heads of every attention in the model
 * @param encoderDepth ViT blocks of each task encoder (paper: 2)
 * @param decoderDepth ViT blocks of each task decoder (paper: 2)
 * @param mlpRatio hidden width of the ViT MLPs, as a multiple of d
 * @param slots KEM memory slots N
 * @param topK tokens each slot reads in the KEM retrieve step (k)
 * @param lambda broadcast weight: X_t + lambda X'_t
 * @param semsegClasses semantic classes
 * @param partsClasses part classes
 * @param etfSeed seed of the fixed orthonormal basis U of the sKEM ETF
 * @param backbone "stem" for the trainable stem (see {@code stem}), else a TorchScript file (frozen backbone)
 * @param backboneChannels channels a TorchScript backbone emits (ignored for the stem)
 * @param learnedLossWeights learn per-task loss weights by homoscedastic uncertainty (Kendall et
 *     al.): the model then carries one log-variance per task, used only by training
 * @param etfVertices vertices of the sKEM simplex ETF; 0 means one per task (the paper's choice).
 *     Other counts let the imbalance experiment ask whether the number of vertices matters
 * @param imageHeight input height in pixels the model is trained at (rows); 0 = imageSize
 * @param imageWidth input width in pixels the model is trained at (columns); 0 = imageSize. The
 *     model can also run at other sizes (multiples of patch): its position embeddings are then
 *     bilinearly interpolated to the new grid ({@link MultiTaskNet#forward}), except for CTAL
 * @param stem the trainable backbone (when {@code backbone} is "stem"): {@value #STEM_PATCH} = each p x p patch
 *     embedded on its own by a two-layer MLP ({@link PatchStem}; every config written before this key), or
 *     {@value #STEM_CONV} = stride-2 3x3 convolutions down to the token grid ({@link ConvStem}), whose
 *     intermediate feature maps also feed the upsampling heads. Ignored with a TorchScript backbone
 * @param head the task heads: {@value #HEAD_LINEAR} = per-token linear unfold to p x p pixels ({@link TaskHead};
 *     every config written before this key; outputs show the patch grid), or {@value #HEAD_UPSAMPLE} = learned
 *     upsampling from the token grid, x2 per stage with 3x3 convolutions ({@link UpsampleHead})
 */
public record ModelConfig(
        List<Task> tasks,
        InteractionKind interaction,
        int imageSize,
        int patch,
        int dim,
        int heads,
        int encoderDepth,
        int decoderDepth,
        int mlpRatio,
        int slots,
        int topK,
        double lambda,
        int semsegClasses,
        int partsClasses,
        long etfSeed,
        String backbone,
        int backboneChannels,
        boolean learnedLossWeights,
        int etfVertices,
        int imageHeight,
        int imageWidth,
        String stem,
        String head) {

    public static final String STEM = "stem";
    /** {@link #stem}: patches embedded one by one (the architecture of every config without the key). */
    public static final String STEM_PATCH = "patch";
    /** {@link #stem}: stride-2 3x3 convolutions (Xiao et al. 2021, "Early convolutions help transformers see better"). */
    public static final String STEM_CONV = "conv";
    /** {@link #head}: per-token linear unfold (the architecture of every config without the key). */
    public static final String HEAD_LINEAR = "linear";
    /** {@link #head}: learned x2 upsampling stages with 3x3 convolutions. */
    public static final String HEAD_UPSAMPLE = "upsample";

    public ModelConfig {
        tasks = List.copyOf(tasks);
        stem = stem == null ? STEM_PATCH : stem;
        head = head == null ? HEAD_LINEAR : head;
    }

    /** A config of the patch stem and linear heads (the architecture before the stem/head keys). */
    public ModelConfig(List<Task> tasks, InteractionKind interaction, int imageSize, int patch, int dim, int heads,
            int encoderDepth, int decoderDepth, int mlpRatio, int slots, int topK, double lambda, int semsegClasses,
            int partsClasses, long etfSeed, String backbone, int backboneChannels, boolean learnedLossWeights,
            int etfVertices, int imageHeight, int imageWidth) {
        this(tasks, interaction, imageSize, patch, dim, heads, encoderDepth, decoderDepth, mlpRatio, slots, topK, lambda,
                semsegClasses, partsClasses, etfSeed, backbone, backboneChannels, learnedLossWeights, etfVertices, imageHeight,
                imageWidth, STEM_PATCH, HEAD_LINEAR);
    }

    /** A square config (imageHeight = imageWidth = imageSize). */
    public ModelConfig(List<Task> tasks, InteractionKind interaction, int imageSize, int patch, int dim, int heads,
            int encoderDepth, int decoderDepth, int mlpRatio, int slots, int topK, double lambda, int semsegClasses,
            int partsClasses, long etfSeed, String backbone, int backboneChannels, boolean learnedLossWeights,
            int etfVertices) {
        this(tasks, interaction, imageSize, patch, dim, heads, encoderDepth, decoderDepth, mlpRatio, slots, topK, lambda,
                semsegClasses, partsClasses, etfSeed, backbone, backboneChannels, learnedLossWeights, etfVertices, 0, 0);
    }

    /** A square config with the ETF at its default of one vertex per task. */
    public ModelConfig(List<Task> tasks, InteractionKind interaction, int imageSize, int patch, int dim, int heads,
            int encoderDepth, int decoderDepth, int mlpRatio, int slots, int topK, double lambda, int semsegClasses,
            int partsClasses, long etfSeed, String backbone, int backboneChannels, boolean learnedLossWeights) {
        this(tasks, interaction, imageSize, patch, dim, heads, encoderDepth, decoderDepth, mlpRatio, slots, topK, lambda,
                semsegClasses, partsClasses, etfSeed, backbone, backboneChannels, learnedLossWeights, 0);
    }

    /**
     * Defaults of a config read from JSON: the patch stem and linear heads, so that a checkpoint
     * written before the {@code stem}/{@code head} keys loads as what it is. New trainings take
     * their model defaults from {@code TrainConfig.defaults()}, which picks the conv stem and
     * upsampling heads.
     */
    public static ModelConfig defaults() {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), InteractionKind.KEM,
                128, 8, 64, 1, 2, 2, 2, 20, 3, 1.0, 6, 5, 7L, STEM, 0, false);
    }

    /** Parses JSON over the defaults, then validates; errors name the offending key. */
    public static ModelConfig fromJson(JsonNode node, String where) {
        return Json.overlay(defaults(), node, ModelConfig.class, where).validated(where);
    }

    public int taskCount() {
        return tasks.size();
    }

    /** Columns of the sKEM ETF: {@link #etfVertices} when set, else one per task. */
    public int etfColumns() {
        return etfVertices > 0 ? etfVertices : taskCount();
    }

    /** Input height the model is trained at, pixels (rows). */
    public int height() {
        return imageHeight > 0 ? imageHeight : imageSize;
    }

    /** Input width the model is trained at, pixels (columns). */
    public int width() {
        return imageWidth > 0 ? imageWidth : imageSize;
    }

    public boolean square() {
        return height() == width();
    }

    /** Token grid rows gh = height / patch. */
    public int gridHeight() {
        return height() / patch;
    }

    /** Token grid columns gw = width / patch. */
    public int gridWidth() {
        return width() / patch;
    }

    /** Tokens per task at the training size, L = gh * gw (row-major: cell = gy * gw + gx). */
    public int tokens() {
        return gridHeight() * gridWidth();
    }

    /** Side of a square token grid; throws for a non-square config (use gridHeight/gridWidth). */
    public int gridSide() {
        if (!square()) {
            throw new IllegalStateException("the model's token grid is " + gridHeight() + " x " + gridWidth() + ", not square");
        }
        return gridWidth();
    }

    public boolean torchScriptBackbone() {
        return !STEM.equals(backbone);
    }

    /** True when the model's backbone is the trainable {@link ConvStem}. */
    public boolean convStem() {
        return !torchScriptBackbone() && STEM_CONV.equals(stem);
    }

    /** True when the task heads are {@link UpsampleHead}s. */
    public boolean upsampleHead() {
        return HEAD_UPSAMPLE.equals(head);
    }

    /** Number of x2 stages between pixels and tokens: log2(patch). */
    public int patchLevels() {
        return Integer.numberOfTrailingZeros(patch);
    }

    /** The same model with another stem ({@value #STEM_PATCH}, {@value #STEM_CONV}) and head ({@value #HEAD_LINEAR}, {@value #HEAD_UPSAMPLE}). */
    public ModelConfig withArchitecture(String newStem, String newHead) {
        return Json.copy(this, ModelConfig.class, n -> n.put("stem", newStem).put("head", newHead));
    }

    public ModelConfig withInteraction(InteractionKind kind) {
        return Json.copy(this, ModelConfig.class, n -> n.put("interaction", kind.id()));
    }

    public ModelConfig withTasks(List<Task> newTasks) {
        return Json.copy(this, ModelConfig.class, n -> n.set("tasks", Json.MAPPER.valueToTree(newTasks)));
    }

    public ModelConfig withSize(int newImageSize, int newDim) {
        return Json.copy(this, ModelConfig.class, n -> n.put("imageSize", newImageSize).put("dim", newDim).put("imageHeight", 0).put("imageWidth", 0));
    }

    /** The same model trained at height x width pixels (imageSize becomes the larger side). */
    public ModelConfig withImage(int height, int width) {
        return Json.copy(this, ModelConfig.class,
                n -> n.put("imageSize", Math.max(height, width)).put("imageHeight", height).put("imageWidth", width));
    }

    public ModelConfig withMemory(int newSlots, int newTopK) {
        return Json.copy(this, ModelConfig.class, n -> n.put("slots", newSlots).put("topK", newTopK));
    }

    /** Returns this config, or throws {@link ConfigException} naming the first bad key. */
    public ModelConfig validated(String where) {
        String p = where + ".";
        if (tasks.isEmpty()) {
            throw new ConfigException(p + "tasks: at least one task is needed");
        }
        if (tasks.stream().distinct().count() != tasks.size()) {
            throw new ConfigException(p + "tasks: a task is listed twice");
        }
        ConfigException.checkRange(p + "patch", patch, 2, 64);
        if (Integer.bitCount(patch) != 1) {
            throw new ConfigException(p + "patch = " + patch + ": must be a power of two");
        }
        ConfigException.checkRange(p + "imageSize", imageSize, patch, 4096);
        if (imageSize % patch != 0) {
            throw new ConfigException(p + "imageSize = " + imageSize + ": must be a multiple of patch (" + patch + ")");
        }
        if ((imageHeight == 0) != (imageWidth == 0)) {
            throw new ConfigException(p + "imageHeight, imageWidth: set both or neither (" + imageHeight + ", " + imageWidth + ")");
        }
        if (imageHeight != 0) {
            ConfigException.checkRange(p + "imageHeight", imageHeight, patch, 4096);
            ConfigException.checkRange(p + "imageWidth", imageWidth, patch, 4096);
            if (imageHeight % patch != 0 || imageWidth % patch != 0) {
                throw new ConfigException(p + "imageHeight x imageWidth = " + imageHeight + " x " + imageWidth
                        + ": both must be multiples of patch (" + patch + ")");
            }
        }
        ConfigException.checkRange(p + "dim", dim, 4, 4096);
        ConfigException.checkRange(p + "heads", heads, 1, 64);
        if (dim % heads != 0) {
            throw new ConfigException(p + "dim = " + dim + ": must be divisible by heads (" + heads + ")");
        }
        ConfigException.checkRange(p + "encoderDepth", encoderDepth, 0, 24);
        ConfigException.checkRange(p + "decoderDepth", decoderDepth, 0, 24);
        ConfigException.checkRange(p + "mlpRatio", mlpRatio, 1, 16);
        ConfigException.checkRange(p + "slots", slots, 1, 4096);
        ConfigException.checkRange(p + "topK", topK, 1, 1 << 20);
        ConfigException.checkRange(p + "lambda", lambda, 0, 100);
        ConfigException.checkRange(p + "semsegClasses", semsegClasses, 2, 1000);
        ConfigException.checkRange(p + "partsClasses", partsClasses, 2, 1000);
        ConfigException.checkRange(p + "etfVertices", etfVertices, 0, 4096);
        if (interaction == InteractionKind.SKEM) {
            if (etfColumns() < 2) {
                throw new ConfigException(p + "interaction = skem: needs at least 2 tasks or etfVertices >= 2 (the ETF has one vertex per task)");
            }
            if (dim / heads < etfColumns()) {
                throw new ConfigException(p + "dim = " + dim + ": skem needs dim/heads >= ETF vertices (" + etfColumns() + ")");
            }
        }
        if (torchScriptBackbone()) {
            ConfigException.checkRange(p + "backboneChannels", backboneChannels, 1, 65536);
        }
        if (!STEM_PATCH.equals(stem) && !STEM_CONV.equals(stem)) {
            throw new ConfigException(p + "stem = \"" + stem + "\": must be \"" + STEM_PATCH + "\" or \"" + STEM_CONV + "\"");
        }
        if (!HEAD_LINEAR.equals(head) && !HEAD_UPSAMPLE.equals(head)) {
            throw new ConfigException(p + "head = \"" + head + "\": must be \"" + HEAD_LINEAR + "\" or \"" + HEAD_UPSAMPLE + "\"");
        }
        return this;
    }
}
