package org.kemwb.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.kemwb.model.InteractionKind;
import org.junit.jupiter.api.Test;

class ToyNoiseExperimentTest {
    static ToyNoiseExperiment.Settings small(double noise) {
        return new ToyNoiseExperiment.Settings(List.of(InteractionKind.CA, InteractionKind.KEM), 2, 20, noise, 6, 2, 4,
                16, 4, 8, 3e-3, 10);
    }

    @Test
    void pointsAreMeasuredAtInitAndWhileTrainingAndAreReproducible() {
        List<ToyNoiseExperiment.Point> a = new ArrayList<>();
        var summary = new ToyNoiseExperiment(small(1.0)).run(a::add, () -> false);
        assertEquals(2 * 2 * 3, a.size(), "steps 0, 10, 20 for 2 modules x 2 seeds");
        assertEquals(2, summary.size());
        for (var p : a) {
            assertTrue(p.massOnNoise() >= 0 && p.massOnNoise() <= 1, "attention mass is a fraction: " + p);
            assertTrue(p.noiseSensitivity() > 0, "outputs of tasks 1/2 depend on the noise task: " + p);
            assertTrue(p.lossTask1() > 0 && p.lossTask2() > 0);
        }
        List<ToyNoiseExperiment.Point> b = new ArrayList<>();
        new ToyNoiseExperiment(small(1.0)).run(b::add, () -> false);
        assertEquals(a, b, "same settings, same numbers");
    }

    @Test
    void withoutNoiseResamplingChangesNothing() {
        List<ToyNoiseExperiment.Point> points = new ArrayList<>();
        new ToyNoiseExperiment(small(0.0)).run(points::add, () -> false);
        for (var p : points) {
            assertEquals(0.0, p.noiseSensitivity(), 0.0, p.toString());
        }
    }
}
