package org.kemwb.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kemwb.model.ModelConfig;
import org.kemwb.util.ConfigException;
import org.kemwb.util.Json;

/**
 * A training run's settings (JSON). Data: synthetic scenes from {@code dataSeed}, images
 * [0, trainImages) for training and the next {@code valImages} for evaluation; or, when
 * {@code dataDir} is set, the train/val splits of a dataset folder (NYUD-v2 layout). With
 * {@code labelFraction} p < 1 each training image keeps each task's label with probability p,
 * drawn from (dataSeed, image, task), and the losses of the other tasks skip it (partially
 * supervised MTL, as in NexusFlow). A single-task run with the same data seed sees exactly the
 * labels of its task that a multi-task run sees. Evaluation always uses fully labelled images.
 *
 * <p>Augmentation ({@link Augment}, as the public multi-task code bases): every training image is
 * scaled by s uniform in [{@code minScale}, {@code maxScale}], randomly cropped to the model's
 * imageHeight x imageWidth (padded where smaller) and flipped with probability 1/2. Synthetic
 * scenes are rendered at max(height, width); dataset images keep their own size until this crop
 * (NYUD-v2 480x640 with crop 448x576 and scales 0.5-2 as InvPT; PASCAL-Context 512x512). Validation
 * images are fitted into the model size with their aspect kept (letterbox, padding ignored).
 */
public record TrainConfig(
        ModelConfig model,
        int steps,
        int batch,
        double lr,
        double weightDecay,
        int warmup,
        double polyPower,
        int logEvery,
        int evalEvery,
        long seed,
        long dataSeed,
        int trainImages,
        int valImages,
        String device,
        Map<String, Double> lossWeights,
        String dataDir,
        double maxScale,
        double labelFraction,
        double minScale) {

    public TrainConfig {
        lossWeights = lossWeights == null ? Map.of() : Map.copyOf(lossWeights);
        dataDir = dataDir == null ? "" : dataDir;
    }

    /** A config with scales from 1 (zoom in only, as before minScale existed). */
    public TrainConfig(ModelConfig model, int steps, int batch, double lr, double weightDecay, int warmup, double polyPower,
            int logEvery, int evalEvery, long seed, long dataSeed, int trainImages, int valImages, String device,
            Map<String, Double> lossWeights, String dataDir, double maxScale, double labelFraction) {
        this(model, steps, batch, lr, weightDecay, warmup, polyPower, logEvery, evalEvery, seed, dataSeed, trainImages,
                valImages, device, lossWeights, dataDir, maxScale, labelFraction, 1.0);
    }

    /** A config where every training image has labels for every task. */
    public TrainConfig(ModelConfig model, int steps, int batch, double lr, double weightDecay, int warmup, double polyPower,
            int logEvery, int evalEvery, long seed, long dataSeed, int trainImages, int valImages, String device,
            Map<String, Double> lossWeights, String dataDir, double maxScale) {
        this(model, steps, batch, lr, weightDecay, warmup, polyPower, logEvery, evalEvery, seed, dataSeed, trainImages,
                valImages, device, lossWeights, dataDir, maxScale, 1.0);
    }

    /** Defaults of a training config; a new model gets the conv stem and upsampling heads. */
    public static TrainConfig defaults() {
        return new TrainConfig(ModelConfig.defaults().withSize(64, 64).withArchitecture(ModelConfig.STEM_CONV,
                ModelConfig.HEAD_UPSAMPLE), 300, 8, 1e-3, 1e-4, 20, 0.9, 10, 100, 1, 1,
                256, 32, "auto", new LinkedHashMap<>(), "", 1.25);
    }

    /**
     * A config from JSON keys over {@link #defaults}. A warmup the JSON does not set (default 20)
     * is clamped to the steps; one it sets must be at most the steps.
     */
    public static TrainConfig fromJson(JsonNode node, String where) {
        if (node != null && node.isObject() && !node.has("warmup") && node.path("steps").canConvertToInt()
                && node.path("steps").isIntegralNumber()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
            copy.put("warmup", Math.max(0, Math.min(defaults().warmup(), node.path("steps").asInt())));
            node = copy;
        }
        JsonNode in = node;
        return fileKeyed(where, () -> {
            TrainConfig c = Json.overlay(defaults(), in, TrainConfig.class, where);
            c.model().validated(where + ".model");
            return c.validated(where);
        });
    }

    /**
     * Runs {@code check}, turning a refusal "WHERE.key.path ..." into "WHERE: key.path ..." so a
     * file name and the key inside it read apart (as the model card errors do).
     */
    private static <T> T fileKeyed(String where, java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            String m = e.getMessage();
            if (m != null && m.startsWith(where + ".")) {
                throw new ConfigException(where + ": " + m.substring(where.length() + 1));
            }
            throw e;
        }
    }

    /**
     * A config stored by a trainer (a run folder's run.json): as {@link #fromJson}, except that a
     * model without the {@code stem}/{@code head} keys, written before they existed, keeps the patch
     * stem and linear heads it was trained with instead of today's defaults.
     */
    public static TrainConfig fromStoredJson(JsonNode node, String where) {
        if (node != null && node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
            JsonNode model = copy.get("model");
            com.fasterxml.jackson.databind.node.ObjectNode m = model != null && model.isObject()
                    ? (com.fasterxml.jackson.databind.node.ObjectNode) model : model == null ? copy.putObject("model") : null;
            if (m != null) {
                if (!m.has("stem")) {
                    m.put("stem", ModelConfig.STEM_PATCH);
                }
                if (!m.has("head")) {
                    m.put("head", ModelConfig.HEAD_LINEAR);
                }
            }
            return fromJson(copy, where);
        }
        return fromJson(node, where);
    }

    public TrainConfig validated(String where) {
        return fileKeyed(where, () -> checked(where));
    }

    private TrainConfig checked(String where) {
        String p = where + ".";
        ConfigException.checkRange(p + "steps", steps, 1, 10_000_000);
        ConfigException.checkRange(p + "batch", batch, 1, 4096);
        ConfigException.checkRange(p + "lr", lr, 1e-9, 1);
        ConfigException.checkRange(p + "weightDecay", weightDecay, 0, 1);
        ConfigException.checkRange(p + "warmup", warmup, 0, steps);
        ConfigException.checkRange(p + "polyPower", polyPower, 0, 10);
        ConfigException.checkRange(p + "logEvery", logEvery, 1, 1_000_000);
        ConfigException.checkRange(p + "evalEvery", evalEvery, 1, 10_000_000);
        ConfigException.checkRange(p + "trainImages", trainImages, 1, 10_000_000);
        ConfigException.checkRange(p + "valImages", valImages, 1, 1_000_000);
        ConfigException.checkRange(p + "minScale", minScale, 0.01, 4);
        ConfigException.checkRange(p + "maxScale", maxScale, minScale, 4);
        ConfigException.checkRange(p + "labelFraction", labelFraction, 0.001, 1);
        for (var e : lossWeights.entrySet()) {
            org.kemwb.model.Task.parse(e.getKey());
            ConfigException.checkRange(p + "lossWeights." + e.getKey(), e.getValue(), 0, 1e6);
        }
        return this;
    }

    /**
     * {@link #validated} plus what only a new run must satisfy: kem/skem's top-k at most the tokens
     * the memory slots read from (tasks x tokens per task). The model would read them all
     * ({@code AttentionOps.topKSoftmax}), which a training setting must not hide; runs already
     * written and models being loaded are not refused (at a smaller inference size fewer tokens
     * than k are normal).
     */
    public TrainConfig validatedForNewRun(String where) {
        return fileKeyed(where, () -> checkedForNewRun(where));
    }

    private TrainConfig checkedForNewRun(String where) {
        checked(where);
        long readable = (long) model.taskCount() * model.tokens();
        if (model.interaction().usesMemory() && model.topK() > readable) {
            throw new ConfigException(where + ".model.topK = " + model.topK() + ": more than the " + readable
                    + " tokens the memory slots read from (" + model.taskCount() + " tasks x " + model.tokens() + " tokens of "
                    + model.height() + "x" + model.width() + " at patch " + model.patch() + ")");
        }
        return this;
    }

    /** Each training image keeps each task's label with this probability (1: all), as in partially supervised MTL. */
    public TrainConfig withLabelFraction(double fraction) {
        return Json.copy(this, TrainConfig.class, n -> n.put("labelFraction", fraction));
    }

    public TrainConfig withModel(ModelConfig m) {
        return Json.copy(this, TrainConfig.class, n -> n.set("model", Json.MAPPER.valueToTree(m)));
    }

    public TrainConfig withSteps(int newSteps, int newEvalEvery) {
        return Json.copy(this, TrainConfig.class, n -> n.put("steps", newSteps).put("evalEvery", newEvalEvery)
                .put("warmup", Math.min(warmup, newSteps)));
    }

    public TrainConfig withData(int train, int val, int newBatch) {
        return Json.copy(this, TrainConfig.class, n -> n.put("trainImages", train).put("valImages", val).put("batch", newBatch));
    }

    public TrainConfig withDevice(String newDevice) {
        return Json.copy(this, TrainConfig.class, n -> n.put("device", newDevice));
    }
}
