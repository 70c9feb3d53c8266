package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kemwb.data.SyntheticScenes;
import org.kemwb.infer.InferenceEngine;
import org.kemwb.train.TrainConfig;
import org.kemwb.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native memory is owned and released, and independent jobs run side by side on their own threads. */
class LifecycleTest {
    @TempDir
    Path dir;

    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    @Test
    void closedModelsReleaseAllTheirArrays() throws Exception {
        Path ckpt = Path.of("samples", "checkpoints", "kem.params");
        float[] rgb = new SyntheticScenes(1).render(0, 64).rgb();
        int baseline = liveArrays();
        for (int i = 0; i < 10; i++) {
            try (LoadedModel m = Checkpoint.load(ckpt, Device.cpu())) {
                InferenceEngine.predict(m, rgb, true);
                assertTrue(liveArrays() > baseline, "a loaded model holds arrays");
            }
        }
        assertEquals(baseline, liveArrays(), "every array of every closed model was freed");
    }

    /** Every interaction, with and without attention maps (interop fixtures are 32 x 32 models). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"samples/checkpoints/kem.params",
        "src/test/resources/interop/ca.params", "src/test/resources/interop/skem.params",
        "src/test/resources/interop/nexusflow.params", "src/test/resources/interop/ctal.params"})
    void repeatedInferenceDoesNotAccumulateArrays(String checkpoint) throws Exception {
        try (LoadedModel m = Checkpoint.load(Path.of(checkpoint), Device.cpu())) {
            float[] rgb = new SyntheticScenes(1).render(0, m.config().imageSize()).rgb();
            InferenceEngine.predict(m, rgb, true);
            int after1 = liveArrays();
            for (int i = 0; i < 50; i++) {
                InferenceEngine.predict(m, rgb, i % 2 == 0);
            }
            assertEquals(after1, liveArrays());
        }
    }

    @Test
    void twoTrainingRunsAndInferenceAtTheSameTime() throws Exception {
        ModelConfig m = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2, 4, 2,
                1.0, 6, 5, 7L, ModelConfig.STEM, 0, false);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<org.kemwb.train.RunStatus>> runs = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                TrainingRun run = TrainingRun.create(dir.resolve(name),
                        new TrainConfig(m.withInteraction(name.equals("a") ? InteractionKind.KEM : InteractionKind.CA), 30, 2,
                                1e-3, 1e-4, 0, 0.9, 5, 15, 1, 1, 8, 2, "cpu", Map.of(), "", 1.0));
                runs.add(pool.submit(() -> run.run(r -> { }, () -> false)));
            }
            Future<Integer> inference = pool.submit(() -> {
                try (LoadedModel model = Checkpoint.load(Path.of("samples", "checkpoints", "ca.params"), Device.cpu())) {
                    float[] rgb = new SyntheticScenes(1).render(0, 64).rgb();
                    int n = 0;
                    while (!runs.get(0).isDone() || !runs.get(1).isDone() || n < 5) {
                        InferenceEngine.predict(model, rgb, true);
                        n++;
                    }
                    return n;
                }
            });
            assertEquals(org.kemwb.train.RunStatus.FINISHED, runs.get(0).get());
            assertEquals(org.kemwb.train.RunStatus.FINISHED, runs.get(1).get());
            assertTrue(inference.get() >= 5);
        } finally {
            pool.shutdownNow();
        }
    }
}
