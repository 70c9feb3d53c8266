package org.kemwb.infer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.NetOutput;

/**
 * Runs one image through a model and copies everything the UI shows into Java arrays; every
 * NDArray lives in a scope closed before returning. Not thread-safe: call from one thread per
 * model (the workbench uses a single engine thread).
 */
public final class InferenceEngine {
    private InferenceEngine() {}

    /** @param rgb planar RGB in [0,1] at the model's size */
    public static Prediction predict(LoadedModel model, float[] rgb, boolean withAttention) {
        org.kemwb.util.UiThreadGuard.check("inference");
        int s = model.config().imageSize();
        if (rgb.length != 3 * s * s) {
            throw new IllegalArgumentException("input has " + rgb.length + " values, model needs 3x" + s + "x" + s);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            long t0 = System.nanoTime();
            NetOutput out = model.infer(scope, scope.create(rgb, new Shape(1, 3, s, s)), withAttention);
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
            return new Prediction(model.config(), List.copyOf(arrays), tokens, mass, retrieve, ms);
        }
    }
}
