package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.util.ConfigException;
import org.kemwb.util.ResampleTest;

/** Native models with height x width inputs (gh x gw token grids) and at sizes other than their training size. */
class NonSquareModelTest {
    @TempDir
    Path dir;

    /** Trained at 16 x 40 pixels: a 2 x 5 token grid, L = 10. */
    static ModelConfig config(InteractionKind kind) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), kind, 32, 8, 16, 2, 1, 1, 2, 6, 2, 1.0, 5, 3,
                9L, ModelConfig.STEM, 0, false).withImage(16, 40).validated("test");
    }

    @Test
    void configDescribesTheGrid() {
        ModelConfig c = config(InteractionKind.KEM);
        assertEquals(16, c.height());
        assertEquals(40, c.width());
        assertEquals(2, c.gridHeight());
        assertEquals(5, c.gridWidth());
        assertEquals(10, c.tokens());
        assertThrows(IllegalStateException.class, c::gridSide);
        ConfigException one = assertThrows(ConfigException.class, () -> Json(c, "imageWidth", 0));
        assertTrue(one.getMessage().contains("imageHeight, imageWidth"), one.getMessage());
        ConfigException odd = assertThrows(ConfigException.class, () -> Json(c, "imageWidth", 44));
        assertTrue(odd.getMessage().contains("multiples of patch"), odd.getMessage());
    }

    private static ModelConfig Json(ModelConfig c, String key, int value) {
        return org.kemwb.util.Json.copy(c, ModelConfig.class, n -> n.put(key, value)).validated("test");
    }

    @Test
    void tokensFollowTheGridRowMajorWithoutSwappingHeightAndWidth() throws Exception {
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.KEM), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            Block stem = model.net().getChildren().values().stream().filter(b -> b instanceof PatchStem).findFirst().orElseThrow();
            ParameterStore ps = new ParameterStore(m, false);
            Engine.getEngine("PyTorch").setRandomSeed(4);
            NDArray image = m.randomUniform(0f, 1f, new Shape(1, 3, 16, 40));
            NDArray tokens = stem.forward(ps, new NDList(image), false).singletonOrThrow();
            assertEquals(new Shape(1, 10, 16), tokens.getShape());
            for (int gy = 0; gy < 2; gy++) {
                for (int gx = 0; gx < 5; gx++) {
                    NDArray patch = image.get(new NDIndex(":, :, {}:{}, {}:{}", gy * 8, gy * 8 + 8, gx * 8, gx * 8 + 8));
                    NDArray alone = stem.forward(ps, new NDList(patch), false).singletonOrThrow();
                    assertArrayEquals(alone.toFloatArray(), tokens.get(0).get(gy * 5 + gx).toFloatArray(), 1e-5f,
                            "token " + (gy * 5 + gx) + " is the patch at row " + gy + ", column " + gx);
                }
            }
        }
    }

    @Test
    void runsAtItsTrainingSizeAndSavesAndLoads() throws Exception {
        Path file = dir.resolve("wide.params");
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.CA), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(5);
            NDArray image = m.randomUniform(0f, 1f, new Shape(2, 3, 16, 40));
            NetOutput out = model.infer(m, image, true);
            assertEquals(new Shape(2, 5, 16, 40), out.outputs().get(0).getShape());
            assertEquals(new Shape(2, 30, 30), out.attention().tokenAttention().getShape());
            Checkpoint.save(model, file, Map.of());
            try (LoadedModel loaded = Checkpoint.load(file, Device.cpu())) {
                assertEquals(model.config(), loaded.config());
                NDList again = loaded.infer(m, image, false).outputs();
                for (int t = 0; t < 3; t++) {
                    assertArrayEquals(out.outputs().get(t).toFloatArray(), again.get(t).toFloatArray());
                }
            }
        }
    }

    @Test
    void positionEmbeddingsAreBilinearlyResampledToAnotherGrid() throws Exception {
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.KEM), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray like = m.zeros(new Shape(1));
            float[] table = model.net().positions(ps, like, false, 2, 5).toFloatArray(); // (1, 10, 16)
            // planar (d, 2, 5) for the 2-D brute force
            float[] planar = new float[16 * 10];
            for (int t = 0; t < 10; t++) {
                for (int c = 0; c < 16; c++) {
                    planar[c * 10 + t] = table[t * 16 + c];
                }
            }
            for (int[] grid : new int[][] {{3, 7}, {4, 4}, {1, 2}, {2, 5}}) {
                int gh = grid[0];
                int gw = grid[1];
                float[] want = ResampleTest.bruteForce(planar, 16, 2, 5, gh, gw);
                float[] got = model.net().positions(ps, like, false, gh, gw).toFloatArray();
                assertEquals(gh * gw * 16, got.length);
                for (int t = 0; t < gh * gw; t++) {
                    for (int c = 0; c < 16; c++) {
                        assertEquals(want[c * gh * gw + t], got[t * 16 + c], 1e-5, gh + "x" + gw + " token " + t + " channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void runsAtAnotherSizeWhenAskedAndCtalRefusesWithAClearMessage() throws Exception {
        try (LoadedModel model = LoadedModel.create(config(InteractionKind.KEM), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray image = m.randomUniform(0f, 1f, new Shape(1, 3, 24, 56)); // 3 x 7 grid
            NetOutput out = model.infer(m, image, true);
            assertEquals(new Shape(1, 1, 24, 56), out.outputs().get(1).getShape());
            assertEquals(new Shape(1, 63, 63), out.attention().tokenAttention().getShape());
            assertEquals(21, out.attention().tokensPerTask());
            assertEquals(0.0, out.attention().tokenAttention().sum(new int[] {2}).sub(1f).abs().max().getFloat(), 1e-5);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> model.infer(m, m.zeros(new Shape(1, 3, 20, 40)), false));
            assertTrue(bad.getMessage().contains("multiples of the patch (8"), bad.getMessage());
        }
        try (LoadedModel ctal = LoadedModel.create(config(InteractionKind.CTAL), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertEquals(new Shape(1, 5, 16, 40), ctal.infer(m, m.zeros(new Shape(1, 3, 16, 40)), false).outputs().get(0).getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ctal.infer(m, m.zeros(new Shape(1, 3, 24, 56)), false));
            assertTrue(e.getMessage().startsWith("ctal has per-token convolution weights for its 2 x 5 token grid (16 x 40 pixels)"),
                    e.getMessage());
        }
    }
}
