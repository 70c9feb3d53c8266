package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.train.Losses;
import org.kemwb.train.TrainConfig;
import org.kemwb.util.ConfigException;
import org.kemwb.util.Json;

/** The convolutional stem and the upsampling heads (config "stem": "conv", "head": "upsample"). */
class ConvUpsampleModelTest {
    @TempDir
    Path dir;

    /** Trained at 24 x 40 pixels (a 3 x 5 token grid), patch 8, d = 16. */
    static ModelConfig config(String stem, String head) {
        return new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), InteractionKind.KEM, 40, 8, 16, 2, 1, 1, 2, 6, 2,
                1.0, 5, 3, 9L, ModelConfig.STEM, 0, false).withImage(24, 40).withArchitecture(stem, head).validated("test");
    }

    @Test
    void configsWithoutTheKeysKeepTheOldArchitectureAndNewTrainingsGetTheNewOne() {
        ModelConfig legacy = ModelConfig.fromJson(Json.MAPPER.createObjectNode(), "old");
        assertEquals(ModelConfig.STEM_PATCH, legacy.stem());
        assertEquals(ModelConfig.HEAD_LINEAR, legacy.head());
        assertFalse(legacy.convStem() || legacy.upsampleHead());
        ModelConfig fresh = TrainConfig.defaults().model();
        assertTrue(fresh.convStem() && fresh.upsampleHead(), "new trainings default to conv/upsample: " + fresh);
        ModelConfig fromTrainJson = TrainConfig.fromJson(Json.MAPPER.createObjectNode(), "train").model();
        assertTrue(fromTrainJson.convStem() && fromTrainJson.upsampleHead());
        // a run.json written before the keys resumes with the architecture it was trained with
        var stored = Json.MAPPER.createObjectNode();
        stored.putObject("model").put("dim", 32);
        ModelConfig resumed = TrainConfig.fromStoredJson(stored, "run.json").model();
        assertEquals(List.of(ModelConfig.STEM_PATCH, ModelConfig.HEAD_LINEAR, 32), List.of(resumed.stem(), resumed.head(), resumed.dim()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.get("model")).put("stem", "conv").put("head", "upsample");
        assertTrue(TrainConfig.fromStoredJson(stored, "run.json").model().upsampleHead());
        ConfigException stem = assertThrows(ConfigException.class,
                () -> ModelConfig.fromJson(Json.MAPPER.createObjectNode().put("stem", "convs"), "cfg.json"));
        assertTrue(stem.getMessage().contains("cfg.json.stem") && stem.getMessage().contains("\"conv\""), stem.getMessage());
        ConfigException head = assertThrows(ConfigException.class,
                () -> ModelConfig.fromJson(Json.MAPPER.createObjectNode().put("head", "bilinear"), "cfg.json"));
        assertTrue(head.getMessage().contains("cfg.json.head") && head.getMessage().contains("\"upsample\""), head.getMessage());
    }

    @Test
    void conv3x3IsTheDirectSumWithZeroPaddingAtStrideOneAndTwo() {
        // (C, O) = (2, 3): im2col on the input side; (5, 2): shifted sums on the output side
        for (int[] co : new int[][] {{2, 3}, {5, 2}}) {
            conv3x3Case(co[0], co[1]);
        }
    }

    private static void conv3x3Case(int c, int o) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int h = 6;
            int w = 4;
            java.util.Random r = new java.util.Random(3);
            float[] x = new float[c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            for (int stride : new int[] {1, 2}) {
                Conv3x3 conv = Layers.conv3x3(o, stride);
                conv.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, c, h, w));
                float[] k = conv.getParameters().get("weight").getArray().toFloatArray();
                float[] bias = new float[o];
                for (int i = 0; i < o; i++) {
                    bias[i] = i - 1.5f;
                }
                org.kemwb.model.WeightCopy.into(conv.getParameters().get("bias").getArray(), m.create(bias));
                float[] got = conv.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(1, c, h, w))), false)
                        .singletonOrThrow().toFloatArray();
                int oh = h / stride;
                int ow = w / stride;
                assertEquals(o * oh * ow, got.length);
                for (int f = 0; f < o; f++) {
                    for (int y = 0; y < oh; y++) {
                        for (int xx = 0; xx < ow; xx++) {
                            double want = bias[f];
                            for (int ch = 0; ch < c; ch++) {
                                for (int ky = 0; ky < 3; ky++) {
                                    for (int kx = 0; kx < 3; kx++) {
                                        int iy = stride * y + ky - 1;
                                        int ix = stride * xx + kx - 1;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            want += k[((f * c + ch) * 3 + ky) * 3 + kx] * x[(ch * h + iy) * w + ix];
                                        }
                                    }
                                }
                            }
                            assertEquals(want, got[(f * oh + y) * ow + xx], 1e-5, c + "->" + o + " stride " + stride + " filter " + f + " (" + y + ", " + xx + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void upsample2xIsPixelCentreBilinear() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            int c = 2;
            int h = 3;
            int w = 5;
            float[] x = new float[c * h * w];
            java.util.Random r = new java.util.Random(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 4 - 2;
            }
            float[] got = Layers.upsample2x(m.create(x, new Shape(1, c, h, w))).toFloatArray();
            assertEquals(c * 4 * h * w, got.length);
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < 2 * h; oy++) {
                    for (int ox = 0; ox < 2 * w; ox++) {
                        // output pixel centre (o + 1/2) / 2 - 1/2 in input pixel units, clamped at the border
                        double sy = Math.max(0, (oy + 0.5) / 2 - 0.5);
                        double sx = Math.max(0, (ox + 0.5) / 2 - 0.5);
                        int y0 = (int) Math.floor(sy);
                        int x0 = (int) Math.floor(sx);
                        int y1 = Math.min(y0 + 1, h - 1);
                        int x1 = Math.min(x0 + 1, w - 1);
                        double fy = sy - y0;
                        double fx = sx - x0;
                        int base = ch * h * w;
                        double want = (1 - fy) * ((1 - fx) * x[base + y0 * w + x0] + fx * x[base + y0 * w + x1])
                                + fy * ((1 - fx) * x[base + y1 * w + x0] + fx * x[base + y1 * w + x1]);
                        assertEquals(want, got[ch * 4 * h * w + oy * 2 * w + ox], 1e-5, "channel " + ch + " (" + oy + ", " + ox + ")");
                    }
                }
            }
        }
    }

    /**
     * Changes one decoder token and maps where the head's output changes. The linear head
     * changes exactly that token's 8 x 8 block (a seam on every side of it); the upsampling head
     * changes the block and spreads past its border on all four sides, fading with distance.
     */
    @Test
    void aTokenReachesPastItsPatchBorderOnlyThroughTheUpsampleHead() throws Exception {
        for (String head : List.of(ModelConfig.HEAD_LINEAR, ModelConfig.HEAD_UPSAMPLE)) {
            ModelConfig cfg = config(head.equals(ModelConfig.HEAD_LINEAR) ? ModelConfig.STEM_PATCH : ModelConfig.STEM_CONV, head);
            try (LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 3, null);
                    NDManager m = NDManager.newBaseManager("PyTorch")) {
                EngineSetup.noGradOnThisThread();
                ParameterStore ps = new ParameterStore(m, false);
                Engine.getEngine("PyTorch").setRandomSeed(11);
                NDArray image = m.randomUniform(-1f, 1f, new Shape(1, 3, 24, 40));
                int gy = 1;
                int gx = 2;
                java.util.Random r = new java.util.Random(12);
                float[] t0 = new float[15 * 16];
                for (int i = 0; i < t0.length; i++) {
                    t0[i] = (float) r.nextGaussian();
                }
                float[] t1 = t0.clone();
                for (int c = 0; c < 16; c++) {
                    t1[(gy * 5 + gx) * 16 + c] = (float) r.nextGaussian();
                }
                NDArray tokens = m.create(t0, new Shape(1, 15, 16));
                NDArray moved = m.create(t1, new Shape(1, 15, 16));
                NDList stemOut = child(model, ConvStem.class, PatchStem.class).forward(ps, new NDList(image), false);
                Block depthHead = model.net().getChildren().stream().filter(c -> c.getKey().endsWith("head_depth")).findFirst()
                        .orElseThrow().getValue();
                NDList base = new NDList(tokens, image);
                NDList changed = new NDList(moved, image);
                base.addAll(stemOut.subNDList(1));
                changed.addAll(stemOut.subNDList(1));
                float[] a = depthHead.forward(ps, base, false).singletonOrThrow().toFloatArray();
                float[] b = depthHead.forward(ps, changed, false).singletonOrThrow().toFloatArray();
                assertEquals(24 * 40, a.length, "depth (1, 1, 24, 40)");
                int y0 = gy * 8;
                int x0 = gx * 8;
                double inside = 0;
                for (int y = y0; y < y0 + 8; y++) {
                    for (int x = x0; x < x0 + 8; x++) {
                        inside = Math.max(inside, Math.abs(a[y * 40 + x] - b[y * 40 + x]));
                    }
                }
                assertTrue(inside > 1e-4, head + ": the token's own block changes");
                // the pixel rows/columns just outside the block, at its middle
                double[] outside = {
                    Math.abs(a[(y0 - 1) * 40 + x0 + 4] - b[(y0 - 1) * 40 + x0 + 4]),
                    Math.abs(a[(y0 + 8) * 40 + x0 + 4] - b[(y0 + 8) * 40 + x0 + 4]),
                    Math.abs(a[(y0 + 4) * 40 + x0 - 1] - b[(y0 + 4) * 40 + x0 - 1]),
                    Math.abs(a[(y0 + 4) * 40 + x0 + 8] - b[(y0 + 4) * 40 + x0 + 8])};
                double farthest = Math.abs(a[0] - b[0]); // pixel (0, 0): beyond every receptive field
                if (head.equals(ModelConfig.HEAD_LINEAR)) {
                    for (int i = 0; i < a.length; i++) {
                        int y = i / 40;
                        int x = i % 40;
                        if (y < y0 || y >= y0 + 8 || x < x0 || x >= x0 + 8) {
                            assertEquals(a[i], b[i], 0f, "linear head: pixel (" + y + ", " + x + ") outside the token's block");
                        }
                    }
                } else {
                    for (int side = 0; side < 4; side++) {
                        assertTrue(outside[side] > 1e-3 * inside, "upsample head: side " + side + " of the block changes by "
                                + outside[side] + " (inside up to " + inside + ")");
                    }
                    assertEquals(0, farthest, 1e-6, "pixel (0, 0), 16 columns left of the block, is outside the token's reach");
                }
            }
        }
    }

    @SafeVarargs
    private static Block child(LoadedModel model, Class<? extends Block>... types) {
        for (Pair<String, Block> c : model.net().getChildren()) {
            for (Class<? extends Block> t : types) {
                if (t.isInstance(c.getValue())) {
                    return c.getValue();
                }
            }
        }
        throw new AssertionError("no child of " + List.of(types));
    }

    @Test
    void runsNonSquareAndAtAnotherSizeAndSavesAndLoads() throws Exception {
        Path file = dir.resolve("conv.params");
        try (LoadedModel model = LoadedModel.create(config(ModelConfig.STEM_CONV, ModelConfig.HEAD_UPSAMPLE), Device.cpu(), 3, null);
                NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertTrue(child(model, ConvStem.class) instanceof ConvStem);
            Engine.getEngine("PyTorch").setRandomSeed(5);
            NDArray image = m.randomUniform(0f, 1f, new Shape(2, 3, 24, 40));
            NetOutput out = model.infer(m, image, true);
            assertEquals(new Shape(2, 5, 24, 40), out.outputs().get(0).getShape());
            assertEquals(new Shape(2, 1, 24, 40), out.outputs().get(1).getShape());
            assertEquals(new Shape(2, 45, 45), out.attention().tokenAttention().getShape());
            NDArray normals = out.outputs().get(2);
            float[] lengths = normals.square().sum(new int[] {1}).toFloatArray(); // y / sqrt(|y|^2 + 1e-6): at most 1
            double mean = 0;
            for (float v : lengths) {
                assertTrue(v > 0 && v <= 1 + 1e-5, "squared normal length " + v);
                mean += v / lengths.length;
            }
            assertTrue(mean > 0.5, "normals are unit length where the head's output is not tiny: mean squared length " + mean);
            int arrays = model.manager().getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                try (NDManager step = m.newSubManager()) {
                    model.infer(step, step.randomUniform(0f, 1f, new Shape(1, 3, 24, 40)), false);
                }
            }
            assertEquals(arrays, model.manager().getManagedArrays().size(), "no arrays accumulate in the model's manager");
            // at another size: 32 x 56 (4 x 7 grid), position embeddings resampled
            NetOutput other = model.infer(m, m.randomUniform(0f, 1f, new Shape(1, 3, 32, 56)), false);
            assertEquals(new Shape(1, 3, 32, 56), other.outputs().get(2).getShape());
            for (float v : other.outputs().get(1).toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
            Checkpoint.save(model, file, Map.of());
            try (LoadedModel loaded = Checkpoint.load(file, Device.cpu())) {
                assertEquals(model.config(), loaded.config());
                assertEquals(ModelConfig.STEM_CONV, Checkpoint.readHeader(file).config().stem());
                NDList again = loaded.infer(m, image, false).outputs();
                for (int t = 0; t < 3; t++) {
                    assertArrayEquals(out.outputs().get(t).toFloatArray(), again.get(t).toFloatArray());
                }
            }
        }
    }

    /** Gradients of every parameter for one batch, optionally with garbage collections between forward and backward. */
    static List<float[]> gradients(boolean collectGarbage) throws Exception {
        return gradients(collectGarbage, ModelConfig.STEM_CONV, ModelConfig.HEAD_UPSAMPLE, InteractionKind.KEM);
    }

    static List<float[]> gradients(boolean collectGarbage, String stemKind, String headKind, InteractionKind kind) throws Exception {
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS), kind, 16, 4, 16, 1, 1, 1,
                2, 4, 2, 1.0, 3, 3, 3L, ModelConfig.STEM, 0, false).withArchitecture(stemKind, headKind)
                .validated("test");
        try (LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 1, null);
                NDManager scope = model.manager().newSubManager()) {
            Engine.getEngine("PyTorch").setRandomSeed(99);
            NDArray images = scope.randomUniform(0f, 1f, new Shape(2, 3, 16, 16));
            NDArray semseg = images.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            NDArray depth = images.mean(new int[] {1}, true).add(images.get(new NDIndex(":, 0:1")));
            NDArray normals = images.sub(images.mean()).div(images.sub(images.mean()).square().sum(new int[] {1}, true).sqrt());
            EngineSetup.AUTOGRAD.lock();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDList out = model.net().forward(model.parameterStore(scope), images, true, false).outputs();
                NDArray loss = Losses.of(Task.SEMSEG, out.get(0), semseg).add(Losses.of(Task.DEPTH, out.get(1), depth))
                        .add(Losses.of(Task.NORMALS, out.get(2), normals));
                if (collectGarbage) {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                        Thread.sleep(20);
                    }
                }
                gc.backward(loss);
            } finally {
                EngineSetup.AUTOGRAD.unlock();
            }
            List<float[]> grads = new ArrayList<>();
            for (Pair<String, Parameter> p : model.net().getParameters()) {
                if (p.getKey().contains("stem_") || p.getKey().contains("head_")) {
                    float[] g = p.getValue().getArray().getGradient().toFloatArray();
                    double norm = 0;
                    for (float v : g) {
                        norm += Math.abs(v);
                    }
                    assertTrue(norm > 0, p.getKey() + " received no gradient");
                    grads.add(g);
                }
            }
            return grads;
        }
    }

    @Test
    void stemAndHeadConvolutionsGetTheSameFiniteGradientsWithGarbageCollectionInsideTheStep() throws Exception {
        List<float[]> clean = gradients(false);
        for (int trial = 0; trial < 2; trial++) {
            List<float[]> collected = gradients(true);
            assertEquals(clean.size(), collected.size());
            for (int i = 0; i < clean.size(); i++) {
                float scale = 0;
                for (float v : clean.get(i)) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (float v : collected.get(i)) {
                    assertTrue(Float.isFinite(v), "parameter gradient " + i + " is not finite (trial " + trial + ")");
                }
                assertArrayEquals(clean.get(i), collected.get(i), 1e-4f * Math.max(scale, 1e-6f), "gradient " + i + " (trial " + trial + ")");
            }
        }
    }
}
