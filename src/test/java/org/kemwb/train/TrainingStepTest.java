package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.kemwb.data.Batch;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainingStepTest {
    static ModelConfig tiny(InteractionKind kind) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), kind, 16, 4, 16, 1, 1, 1, 2, 4, 2, 1.0,
                3, 3, 3L, ModelConfig.STEM, 0, false).validated("test");
    }

    /** Images whose labels are a deterministic function of the pixels: learnable exactly. */
    static Batch target(NDManager m) {
        Engine.getEngine("PyTorch").setRandomSeed(99);
        NDArray images = m.randomUniform(0f, 1f, new Shape(4, 3, 16, 16));
        NDArray semseg = images.argMax(1).toType(DataType.FLOAT32, false);
        NDArray depth = images.mean(new int[] {1}, true).mul(4f).add(0.5f);
        return new Batch(images, Map.of(Task.SEMSEG, semseg, Task.DEPTH, depth));
    }

    @ParameterizedTest
    @EnumSource(value = InteractionKind.class, names = {"KEM", "SKEM", "CA"})
    void gradientsReachSlotsProjectionsAndEncoders(InteractionKind kind) throws Exception {
        try (LoadedModel model = LoadedModel.create(tiny(kind), Device.cpu(), 1, null);
                NDManager scope = model.manager().newSubManager()) {
            Batch batch = target(scope);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDList out = model.net().forward(model.parameterStore(scope), batch.images(), true, false).outputs();
                gc.backward(Losses.of(Task.SEMSEG, out.get(0), batch.label(Task.SEMSEG))
                        .add(Losses.of(Task.DEPTH, out.get(1), batch.label(Task.DEPTH))));
            }
            List<String> mustLearn = kind == InteractionKind.CA
                    ? List.of("query_weight", "output_weight", "encoder_semseg", "encoder_depth", "stem_")
                    : List.of("interaction_memory", "retrieve_query", "retrieve_key", "retrieve_value",
                            "write_query", "write_key", "write_value", "encoder_semseg", "encoder_depth", "stem_");
            for (String part : mustLearn) {
                boolean found = false;
                for (var p : model.net().getParameters()) {
                    if (p.getKey().contains(part)) {
                        found = true;
                        float g = p.getValue().getArray().getGradient().abs().sum().getFloat();
                        assertTrue(g > 0, p.getKey() + " received no gradient");
                    }
                }
                assertTrue(found, "no parameter named like " + part);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = InteractionKind.class, names = {"KEM", "SKEM", "CA", "NEXUSFLOW", "CTAL"})
    void adamWFitsATinyTarget(InteractionKind kind) throws Exception {
        try (LoadedModel model = LoadedModel.create(tiny(kind), Device.cpu(), 2, null);
                NDManager data = model.manager().newSubManager()) {
            Batch batch = target(data);
            StepTrainer trainer = new StepTrainer(model, new PolyLearningRate(3e-3f, 10, 300, 0.9), 1e-4f,
                    Map.of(Task.SEMSEG, 1.0, Task.DEPTH, 1.0));
            double first = 0;
            double last = 0;
            for (int i = 0; i < 300; i++) {
                try (NDManager step = data.newSubManager()) {
                    double loss = trainer.step(step, batch).total();
                    if (i < 5) {
                        first += loss / 5;
                    }
                    if (i >= 295) {
                        last += loss / 5;
                    }
                }
            }
            assertTrue(last < first / 5, kind + ": loss fell only from " + first + " to " + last);
        }
    }

    @org.junit.jupiter.api.Test
    void learnedLossWeightsDownweightTheNoisierTask() throws Exception {
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 16, 4, 16, 1, 1, 1, 2, 4, 2,
                1.0, 3, 3, 3L, ModelConfig.STEM, 0, true).validated("test");
        try (LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 4, null);
                NDManager data = model.manager().newSubManager()) {
            Batch clean = target(data);
            // depth targets with large noise: an L1 loss that cannot go below ~10
            NDArray noisyDepth = clean.label(Task.DEPTH).add(data.randomUniform(0f, 40f, clean.label(Task.DEPTH).getShape()));
            Batch batch = new Batch(clean.images(), Map.of(Task.SEMSEG, clean.label(Task.SEMSEG), Task.DEPTH, noisyDepth));
            StepTrainer trainer = new StepTrainer(model, new PolyLearningRate(1e-2f, 5, 150, 0.9), 0f, Map.of());
            int arraysBefore = -1;
            for (int i = 0; i < 150; i++) {
                try (NDManager step = data.newSubManager()) {
                    trainer.step(step, batch);
                }
                if (i == 10) {
                    arraysBefore = model.manager().getManagedArrays().size();
                }
            }
            assertEquals(arraysBefore, model.manager().getManagedArrays().size(), "no arrays accumulate per step");
            float[] s = model.net().lossLogVariance().getArray().toFloatArray();
            assertTrue(s[1] > s[0] + 1, "log-variance of the noisy depth task (" + s[1] + ") exceeds semseg's (" + s[0] + ")");
        }
    }
}
