package org.kemwb.infer;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.Devices;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.NpzWeights;

/**
 * A model the workbench can run, whatever file it came from: a checkpoint ({@code .params}),
 * weights exchanged with PyTorch ({@code .npz}) or a TorchScript export ({@code .pt} with its
 * {@code .pt.json} config). Owns native memory until closed; use from one thread at a time.
 */
public interface ModelHandle extends AutoCloseable {
    ModelConfig config();

    Device device();

    /** @param rgb planar RGB in [0,1] at the model's training size (height x width) */
    default Prediction predict(float[] rgb, boolean withAttention) {
        return predict(rgb, config().height(), config().width(), InputSize.MODEL, withAttention);
    }

    /**
     * Runs an image of its own size; outputs come back at that size ({@link InferenceEngine}).
     *
     * @param rgb planar RGB in [0,1], (3, height, width)
     * @throws IllegalArgumentException when this model cannot run at that input size, naming why
     */
    Prediction predict(float[] rgb, int height, int width, InputSize size, boolean withAttention);

    /**
     * {@link MemoryReadouts#measure} of this model over images at its input size.
     *
     * @throws IllegalArgumentException when the model keeps no attention maps to read out
     */
    default MemoryReadouts.Report readouts(java.util.List<float[]> images, int top) {
        throw new IllegalArgumentException("slot read-outs need a native checkpoint (.params or .npz); this "
                + config().interaction().id() + " model returns no per-head attention maps");
    }

    @Override
    void close();

    /** What the model was trained on (see {@link TrainingData}); "unknown" when the file does not say. */
    default String trainedOn() {
        return "unknown data (the file does not record it)";
    }

    static ModelHandle open(Path file, Device device) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".pt") || name.endsWith(".torchscript")) {
            return TorchScriptModel.load(file, device);
        }
        LoadedModel model = NpzWeights.readAny(file, device);
        String trainedOn = name.endsWith(".npz") ? null : TrainingData.ofCheckpoint(file, Checkpoint.readHeader(file).metadata());
        return new ModelHandle() {
            @Override
            public String trainedOn() {
                return trainedOn != null ? trainedOn : ModelHandle.super.trainedOn();
            }

            @Override
            public ModelConfig config() {
                return model.config();
            }

            @Override
            public Device device() {
                return model.device();
            }

            @Override
            public Prediction predict(float[] rgb, int height, int width, InputSize size, boolean withAttention) {
                return InferenceEngine.predict(model, rgb, height, width, size, withAttention);
            }

            @Override
            public MemoryReadouts.Report readouts(java.util.List<float[]> images, int top) {
                return MemoryReadouts.measure(model, images, top);
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    static String describe(ModelHandle h) {
        return Devices.describe(h.device());
    }
}
