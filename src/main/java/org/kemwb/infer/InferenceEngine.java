package org.kemwb.infer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NetOutput;

/**
 * Runs one image through a model and copies everything the UI shows into Java arrays; every
 * NDArray lives in a scope closed before returning. Not thread-safe: call from one thread per
 * model (the workbench uses a single engine thread).
 */
public final class InferenceEngine {
    private InferenceEngine() {}

    /** @param rgb planar RGB in [0,1] at the model's training size (height x width) */
    public static Prediction predict(LoadedModel model, float[] rgb, boolean withAttention) {
        ModelConfig c = model.config();
        return predict(model, rgb, c.height(), c.width(), InputSize.MODEL, withAttention);
    }

    /**
     * Letterboxes the image into the input size, runs the model, and brings every output back to
     * the image's own height x width ({@link Letterbox#restore}).
     *
     * @param rgb planar RGB in [0,1], (3, height, width)
     * @throws IllegalArgumentException when the model cannot run at that size (CTAL away from its
     *     training size, a size that is not a multiple of the patch, attention over {@link TokenCap}), with the reason
     */
    public static Prediction predict(LoadedModel model, float[] rgb, int height, int width, InputSize size, boolean withAttention) {
        org.kemwb.util.UiThreadGuard.check("inference");
        if (rgb.length != 3 * height * width) {
            throw new IllegalArgumentException("input has " + rgb.length + " values, expected 3x" + height + "x" + width);
        }
        Letterbox lb = size.letterbox(height, width, model.config());
        TokenCap.check(model.config(), lb.modelHeight(), lb.modelWidth());
        Shape shape = new Shape(1, 3, lb.modelHeight(), lb.modelWidth());
        model.net().checkInput(shape);
        float[] input = lb.toModel(rgb, 3);
        try (NDManager scope = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            NetOutput out = model.infer(scope, scope.create(input, shape), withAttention);
            NDList outputs = out.outputs();
            List<float[]> arrays = new ArrayList<>();
            for (int t = 0; t < outputs.size(); t++) {
                arrays.add(outputs.get(t).toFloatArray());
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            AttentionMaps maps = out.attention();
            float[] tokens = maps == null ? null : maps.tokenAttention().get(0).toFloatArray();
            float[] mass = maps == null ? null : maps.taskMass().get(0).toFloatArray();
            float[] retrieve = maps == null || maps.retrieve() == null ? null : maps.retrieve().get(0).toFloatArray();
            return new Prediction(model.config(), lb, restore(model.config(), lb, arrays), tokens, mass, retrieve, ms,
                    HeadMaps.of(maps));
        }
    }

    /** Model-size outputs (C, model H, model W) back to the image's pixels, per task. */
    static List<float[]> restore(ModelConfig config, Letterbox lb, List<float[]> modelOutputs) {
        List<float[]> out = new ArrayList<>();
        for (int t = 0; t < modelOutputs.size(); t++) {
            var task = config.tasks().get(t);
            out.add(lb.restore(task, modelOutputs.get(t), task.channels(config)));
        }
        return List.copyOf(out);
    }
}
