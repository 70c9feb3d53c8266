package org.kemwb.ui;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.testfx.util.WaitForAsyncUtils;

/** Shared by the 4-task GUI tests: a NYUD-like native model with random weights, and FX waits. */
final class FourTaskModels {
    private FourTaskModels() {}

    /**
     * Saves a KEM model with semseg ({@code classes} classes), depth, normals and edges at 64x64,
     * patch 8, random weights, as {@code dir/four.params}.
     */
    static Path save(Path dir, int classes) throws Exception {
        ModelConfig config = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS, Task.EDGES), InteractionKind.KEM, 64, 8,
                16, 2, 1, 1, 2, 4, 2, 1.0, classes, 5, 7L, ModelConfig.STEM, 0, false);
        Path model = dir.resolve("four.params");
        try (LoadedModel m = LoadedModel.create(config, Device.cpu(), 3, null)) {
            Checkpoint.save(m, model, Map.of());
        }
        return model;
    }

    /** Waits for a condition; 600 s is a hang limit only, never a speed requirement. */
    static void waitFor(BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(600, TimeUnit.SECONDS, condition::getAsBoolean);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Runs {@code c} on the JavaFX thread and returns its result. */
    static <T> T fx(Callable<T> c) throws Exception {
        T out = WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return out;
    }
}
