package org.kemwb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.kemwb.data.Sample;
import org.kemwb.data.SyntheticScenes;

/**
 * Outputs look like images, not p x p blocks: on validation scenes (those of {@code kemwb eval}),
 * the mean absolute difference between neighbouring pixels that straddle a patch border is
 * compared with that of neighbouring pixels inside one patch ({@link #seamRatio}; 1 = no seams).
 * The true depth and normal maps measure about 1. The depth of a small model of the conv stem and
 * upsampling heads trained on synthetic scenes stays below {@value #LIMIT}; the same model with the
 * patch stem and linear heads it replaces, trained alike, is above it (measured 1.01 vs 10.4 after
 * 150 steps), which is what the limit catches.
 */
class SeamTest {
    static final double LIMIT = 1.5;
    static final int SCENES = 16;
    static final int STEPS = 150;

    /**
     * Mean |y(a) - y(b)| over horizontally and vertically neighbouring pixel pairs that lie in
     * different p x p patches, divided by the same mean over pairs inside one patch; all channels
     * of a planar (C, H, W) map.
     */
    static double[] seamSums(float[] map, int channels, int h, int w, int p) {
        double across = 0;
        double within = 0;
        long nAcross = 0;
        long nWithin = 0;
        for (int c = 0; c < channels; c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = map[base + y * w + x];
                    if (x + 1 < w) {
                        double d = Math.abs(map[base + y * w + x + 1] - v);
                        if ((x + 1) % p == 0) {
                            across += d;
                            nAcross++;
                        } else {
                            within += d;
                            nWithin++;
                        }
                    }
                    if (y + 1 < h) {
                        double d = Math.abs(map[base + (y + 1) * w + x] - v);
                        if ((y + 1) % p == 0) {
                            across += d;
                            nAcross++;
                        } else {
                            within += d;
                            nWithin++;
                        }
                    }
                }
            }
        }
        return new double[] {across, nAcross, within, nWithin};
    }

    static double seamRatio(double[] sums) {
        return (sums[0] / sums[1]) / (sums[2] / sums[3]);
    }

    @Test
    void aBlockyMapScoresHighAndASmoothOneAboutOne() {
        int n = 32;
        float[] blocks = new float[n * n];
        float[] ramp = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                blocks[y * n + x] = (x / 8) * 3 + (y / 8) + 0.01f * ((x * 7 + y * 13) % 5); // steps at patch borders
                ramp[y * n + x] = 0.1f * x + 0.05f * y;
            }
        }
        assertTrue(seamRatio(seamSums(blocks, 1, n, n, 8)) > 10);
        assertEquals(1.0, seamRatio(seamSums(ramp, 1, n, n, 8)), 1e-6);
    }

    /** {depth ratio, normals ratio} of a model's outputs on the validation scenes of {@code kemwb eval}. */
    static double[] ratios(LoadedModel model) {
        double[] depth = new double[4];
        double[] normals = new double[4];
        try (NDManager m = model.manager().newSubManager()) {
            int s = model.config().imageSize();
            int p = model.config().patch();
            List<Task> tasks = model.config().tasks();
            SyntheticScenes scenes = new SyntheticScenes(1);
            for (int i = 0; i < SCENES; i++) {
                Sample sample = scenes.render(100_000 + i, s);
                NetOutput out = model.infer(m, m.create(sample.rgb(), new Shape(1, 3, s, s)), false);
                for (int t = 0; t < tasks.size(); t++) {
                    double[] acc = tasks.get(t) == Task.DEPTH ? depth : tasks.get(t) == Task.NORMALS ? normals : null;
                    if (acc != null) {
                        double[] sums = seamSums(out.outputs().get(t).toFloatArray(), tasks.get(t) == Task.DEPTH ? 1 : 3, s, s, p);
                        for (int k = 0; k < 4; k++) {
                            acc[k] += sums[k];
                        }
                    }
                }
            }
        }
        return new double[] {seamRatio(depth), seamRatio(normals)};
    }

    /** A small depth + normals model of the given stem/head trained on synthetic scenes (32 x 32, patch 8, d 32). */
    static LoadedModel trained(String stem, String head) throws Exception {
        ModelConfig cfg = new ModelConfig(List.of(Task.DEPTH, Task.NORMALS), InteractionKind.NONE, 32, 8, 32, 2, 1, 1, 2, 4, 2,
                1.0, 3, 3, 3L, ModelConfig.STEM, 0, false).withArchitecture(stem, head).validated("test");
        LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 1, null);
        SyntheticScenes scenes = new SyntheticScenes(1);
        List<Sample> train = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            train.add(scenes.render(i, 32));
        }
        org.kemwb.train.StepTrainer trainer = new org.kemwb.train.StepTrainer(model,
                new org.kemwb.train.PolyLearningRate(3e-3f, 10, STEPS, 0.9), 1e-4f, java.util.Map.of());
        try (NDManager data = model.manager().newSubManager()) {
            for (int step = 0; step < STEPS; step++) {
                int first = (step * 8) % train.size();
                try (NDManager scope = data.newSubManager()) {
                    trainer.step(scope, org.kemwb.data.Batches.of(scope, train.subList(first, first + 8), cfg.tasks()));
                }
            }
        }
        return model;
    }

    @Test
    void aTrainedUpsampleHeadHasNoPatchSeamsWhereTheLinearHeadHas() throws Exception {
        double[] linear;
        double[] upsample;
        try (LoadedModel m = trained(ModelConfig.STEM_PATCH, ModelConfig.HEAD_LINEAR)) {
            linear = ratios(m);
        }
        try (LoadedModel m = trained(ModelConfig.STEM_CONV, ModelConfig.HEAD_UPSAMPLE)) {
            upsample = ratios(m);
        }
        System.out.printf(Locale.ROOT, "seam ratio after %d steps: patch/linear depth %.3f normals %.3f; conv/upsample depth %.3f normals %.3f%n",
                STEPS, linear[0], linear[1], upsample[0], upsample[1]);
        assertTrue(upsample[0] < LIMIT, "conv/upsample depth: seam ratio " + upsample[0]);
        assertTrue(linear[0] > LIMIT, "patch/linear depth (the head it replaces): seam ratio " + linear[0]);
        // normals after this short training (measured 3.06 vs 1.72): fewer seams, not yet none
        assertTrue(upsample[1] < linear[1], "normals: conv/upsample " + upsample[1] + ", patch/linear " + linear[1]);
    }

    @Test
    void trueMapsHaveNoSeams() {
        double[] depth = new double[4];
        double[] normals = new double[4];
        SyntheticScenes scenes = new SyntheticScenes(1);
        for (int i = 0; i < SCENES; i++) {
            Sample sample = scenes.render(100_000 + i, 64);
            double[] d = seamSums(sample.depth(), 1, 64, 64, 8);
            double[] n = seamSums(sample.normals(), 3, 64, 64, 8);
            for (int k = 0; k < 4; k++) {
                depth[k] += d[k];
                normals[k] += n[k];
            }
        }
        System.out.printf(Locale.ROOT, "seam ratio of the true maps: depth %.3f, normals %.3f%n", seamRatio(depth), seamRatio(normals));
        assertTrue(seamRatio(depth) < LIMIT && seamRatio(normals) < LIMIT);
    }

    /**
     * What a user sees first: the bundled sample checkpoints (the window opens kem and ca) give
     * depth and normals without the patch grid. Measured (depth, normals): the conv/upsample
     * samples kem (1.09, 1.04), ca (1.07, 0.96), skem (1.07, 1.06), none-depth 1.08, none-normals
     * 1.01; the patch/linear samples they replaced kem (5.46, 2.07), ca (4.06, 2.17), skem (4.32,
     * 2.36), none-depth 4.67, none-normals 2.04 (all five fail here).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"kem", "ca", "skem", "none-depth", "none-normals"})
    void theBundledSamplesHaveNoPatchSeams(String sample) throws Exception {
        try (LoadedModel m = Checkpoint.load(java.nio.file.Path.of("samples", "checkpoints", sample + ".params"), Device.cpu())) {
            double[] r = ratios(m);
            System.out.printf(Locale.ROOT, "seam ratio of sample %s: depth %.3f normals %.3f%n", sample, r[0], r[1]);
            for (int t = 0; t < 2; t++) {
                if (!Double.isNaN(r[t])) {
                    assertTrue(r[t] < LIMIT, sample + (t == 0 ? " depth" : " normals") + ": seam ratio " + r[t]);
                }
            }
        }
    }
}
