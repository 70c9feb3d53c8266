package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.kemwb.data.Batch;
import org.kemwb.train.PolyLearningRate;
import org.kemwb.train.StepTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A frozen TorchScript backbone (made by make_backbone.py next to the .pt) replaces the stem. */
class TorchScriptBackboneTest {
    @TempDir
    Path dir;

    @Test
    void frozenBackboneFeedsTheNetAndStaysFrozen() throws Exception {
        Path pt = dir.resolve("tiny_backbone.pt");
        try (var in = getClass().getResourceAsStream("/torchscript/tiny_backbone.pt")) {
            Files.copy(in, pt);
        }
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2,
                4, 2, 1.0, 4, 3, 1L, "tiny_backbone.pt", 12, false).validated("test");
        try (LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 1, dir);
                NDManager m = model.manager().newSubManager()) {
            // TorchScript parameter names carry dots ("proj.weight"); ours never do
            assertTrue(model.net().getParameters().keys().stream().noneMatch(k -> k.contains(".")),
                    "backbone weights are not among the model's (trainable) parameters");
            assertTrue(model.net().getParameters().keys().stream().noneMatch(k -> k.contains("stem")), "no stem");
            NDArray images = m.randomUniform(0f, 1f, new Shape(2, 3, 32, 32));
            var out = model.infer(m, images, false).outputs();
            assertEquals(new Shape(2, 4, 32, 32), out.get(0).getShape());
            Batch batch = new Batch(images, Map.of(Task.SEMSEG, images.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false),
                    Task.DEPTH, images.mean(new int[] {1}, true)));
            StepTrainer trainer = new StepTrainer(model, new PolyLearningRate(1e-3f, 0, 5, 0.9), 0f, Map.of());
            float[] projBefore = model.net().getParameters().get("01backbone_projection_weight").getArray().toFloatArray();
            try (NDManager step = m.newSubManager()) {
                assertTrue(Double.isFinite(trainer.step(step, batch).total()));
            }
            float[] projAfter = model.net().getParameters().get("01backbone_projection_weight").getArray().toFloatArray();
            assertFalse(java.util.Arrays.equals(projBefore, projAfter), "the projection after the backbone trains");
            // checkpoint round trip keeps the backbone reference relative to the checkpoint folder
            Path ckpt = dir.resolve("ts.params");
            Checkpoint.save(model, ckpt, Map.of());
            try (LoadedModel loaded = Checkpoint.load(ckpt, Device.cpu())) {
                assertArrayEquals(model.infer(m, images, false).outputs().get(1).toFloatArray(),
                        loaded.infer(m, images, false).outputs().get(1).toFloatArray());
            }
        }
        ModelConfig missing = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), InteractionKind.KEM, 32, 8, 16, 1, 1, 1, 2,
                4, 2, 1.0, 4, 3, 1L, "nope.pt", 12, false);
        var e = assertThrows(java.io.IOException.class, () -> LoadedModel.create(missing, Device.cpu(), 1, dir));
        assertTrue(e.getMessage().contains("nope.pt"));
    }
}
