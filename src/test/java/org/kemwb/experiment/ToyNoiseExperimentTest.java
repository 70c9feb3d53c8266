package org.kemwb.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.AttentionOps;
import org.kemwb.model.InteractionKind;
import org.junit.jupiter.api.Test;

class ToyNoiseExperimentTest {
    static ToyNoiseExperiment.Settings small(double noise, int steps) {
        return new ToyNoiseExperiment.Settings(List.of(InteractionKind.CA, InteractionKind.KEM), 2, steps, noise, 0.5, 6, 2,
                4, 16, 4, 8, 3e-3, 10);
    }

    /**
     * A model without any interaction module: one softmax attention over the raw tokens (tasks 1
     * and 2 padded to the width of the noise tokens), optionally masked off task 3's tokens; each
     * signal task outputs the mean of its rows of (attention x tokens), cut to m entries.
     */
    record MaskedAttention(boolean maskNoise, int l) implements ToyModel {
        @Override
        public Output forward(ToyProblem p, boolean training, boolean withAttention) {
            long d = p.noise().getShape().get(2);
            long m = p.a().getShape().get(2);
            NDManager mgr = p.a().getManager();
            NDArray pad = mgr.zeros(new ai.djl.ndarray.types.Shape(p.a().getShape().get(0), l, d - m));
            NDArray x = NDArrays.concat(new NDList(p.a().concat(pad, 2), p.b().concat(pad, 2), p.noise()), 1);
            NDArray scores = AttentionOps.scores(x, x, d);
            if (maskNoise) {
                NDArray mask = mgr.zeros(new ai.djl.ndarray.types.Shape(1, 3L * l, 3L * l));
                mask.set(new NDIndex(":, :, {}:", 2L * l), Float.NEGATIVE_INFINITY);
                scores = scores.add(mask);
            }
            NDArray att = scores.softmax(-1);
            NDArray mixed = att.matMul(x);
            NDArray preds = NDArrays.concat(new NDList(
                    mixed.get(new NDIndex(":, 0:{}, 0:{}", (long) l, m)).mean(new int[] {1}).expandDims(1),
                    mixed.get(new NDIndex(":, {}:{}, 0:{}", (long) l, 2L * l, m)).mean(new int[] {1}).expandDims(1)), 1);
            return new Output(preds, withAttention ? new AttentionMaps(InteractionKind.CA, 3, l, att, null, null) : null);
        }
    }

    private static ToyNoiseExperiment.Point measureHandModel(boolean maskNoise) {
        int l = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getEngine("PyTorch").setRandomSeed(3);
            ToyProblem eval = ToyProblem.sample(m, 16, l, 4, 6, 0.5, 1.0);
            ToyProblem other = ToyProblem.sample(m, 16, l, 4, 6, 0.5, 1.0);
            return ToyNoiseExperiment.measure(new MaskedAttention(maskNoise, l), m, eval, other, InteractionKind.CA, 0, 0);
        }
    }

    @Test
    void aModelMaskedOffTheNoiseTaskShowsNoNoiseMassAndNoNoiseSensitivity() {
        ToyNoiseExperiment.Point masked = measureHandModel(true);
        assertEquals(0.0, masked.noiseMass(), 0.0, masked.toString());
        assertEquals(0.0, masked.noiseSensitivity(), 0.0, masked.toString());
        assertTrue(masked.signalSensitivity() > 0.1, "the control still moves: " + masked);
        assertEquals(1.0, masked.selfMass() + masked.otherMass(), 1e-5);

        ToyNoiseExperiment.Point open = measureHandModel(false);
        assertTrue(open.noiseMass() > 0.01, "unmasked softmax leaks: " + open);
        assertTrue(open.noiseSensitivity() > 0.01, "unmasked outputs follow the noise: " + open);
    }

    @Test
    void pointsAreMeasuredAtInitAndWhileTrainingAndAreReproducible() {
        List<ToyNoiseExperiment.Point> a = new ArrayList<>();
        var summary = new ToyNoiseExperiment(small(1.0, 20)).run(a::add, () -> false);
        assertEquals(2 * 2 * 3, a.size(), "steps 0, 10, 20 for 2 modules x 2 seeds");
        assertEquals(2, summary.size());
        for (var p : a) {
            assertEquals(1.0, p.selfMass() + p.otherMass() + p.noiseMass() + 0.0, 1e-4, "masses of a row add up to 1: " + p);
            assertTrue(p.noiseSensitivity() > 0, "outputs of tasks 1/2 depend on the noise task: " + p);
            assertTrue(p.lossTask1() > 0 && p.lossTask2() > 0);
            if (p.module() == InteractionKind.CA) {
                assertTrue(Double.isNaN(p.retrievedNoise()));
            } else {
                assertTrue(p.retrievedNoise() >= 0 && p.retrievedNoise() <= 1, p.toString());
            }
        }
        List<ToyNoiseExperiment.Point> b = new ArrayList<>();
        new ToyNoiseExperiment(small(1.0, 20)).run(b::add, () -> false);
        assertEquals(a.toString(), b.toString(), "same settings, same numbers");
    }

    @Test
    void withoutNoiseResamplingTheNoiseChangesNothing() {
        List<ToyNoiseExperiment.Point> points = new ArrayList<>();
        new ToyNoiseExperiment(small(0.0, 10)).run(points::add, () -> false);
        for (var p : points) {
            assertEquals(0.0, p.noiseSensitivity(), 0.0, p.toString());
        }
    }

    @Test
    void anUntrainedModelIsReportedAsNotLearned() {
        var summary = new ToyNoiseExperiment(small(1.0, 0)).run(p -> {}, () -> false);
        for (var s : summary) {
            assertEquals(4, s.notLearned().size(), "2 seeds x 2 tasks above 0.1 at step 0: " + s.notLearned());
        }
        assertTrue(ToyNoiseExperiment.table(summary).contains("DID NOT LEARN"));
        var learned = new ToyNoiseExperiment.Point(InteractionKind.CA, 0, 5, 0.05, 0.09, 0.1, 0.8, 0.1, Double.NaN, 0, 1);
        var stuck = new ToyNoiseExperiment.Point(InteractionKind.CA, 1, 5, 0.05, 0.1, 0.1, 0.8, 0.1, Double.NaN, 0, 1);
        assertEquals(List.of(), new ToyNoiseExperiment.Summary(InteractionKind.CA, List.of(learned), List.of(learned)).notLearned());
        assertEquals(List.of("seed 1 task 2: 0.100"),
                new ToyNoiseExperiment.Summary(InteractionKind.CA, List.of(learned, stuck), List.of(learned, stuck)).notLearned());
    }
}
