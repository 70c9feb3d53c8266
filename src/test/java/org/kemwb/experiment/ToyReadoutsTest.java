package org.kemwb.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.kemwb.model.AttentionMaps;
import org.kemwb.model.EngineSetup;
import org.kemwb.model.InteractionKind;
import org.junit.jupiter.api.Test;

/** The toy read-outs against loops over plain Java arrays on small random cases. */
class ToyReadoutsTest {
    static {
        EngineSetup.init();
    }

    @Test
    void taskMassAndItsSummariesMatchBruteForce() {
        int b = 2;
        int k = 3;
        int l = 2;
        int n = k * l;
        Random rnd = new Random(5);
        float[] att = new float[b * n * n];
        for (int r = 0; r < b * n; r++) {
            double sum = 0;
            for (int c = 0; c < n; c++) {
                att[r * n + c] = rnd.nextFloat();
                sum += att[r * n + c];
            }
            for (int c = 0; c < n; c++) {
                att[r * n + c] /= (float) sum;
            }
        }
        double[][] expected = new double[k][k];
        for (int img = 0; img < b; img++) {
            for (int t = 0; t < k; t++) {
                for (int i = t * l; i < (t + 1) * l; i++) {
                    for (int j = 0; j < n; j++) {
                        expected[t][j / l] += att[(img * n + i) * n + j] / (l * b);
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(att, new Shape(b, n, n));
            double[][] mass = ToyReadouts.taskMass(new AttentionMaps(InteractionKind.CA, k, l, a, null, null));
            for (int t = 0; t < k; t++) {
                for (int s = 0; s < k; s++) {
                    assertEquals(expected[t][s], mass[t][s], 1e-6, "mass " + t + " <- " + s);
                }
            }
            assertEquals((expected[0][0] + expected[1][1]) / 2, ToyReadouts.selfMass(mass), 1e-6);
            assertEquals((expected[0][1] + expected[1][0]) / 2, ToyReadouts.otherMass(mass), 1e-6);
            assertEquals((expected[0][2] + expected[1][2]) / 2, ToyReadouts.noiseMass(mass), 1e-6);
        }
    }

    @Test
    void retrievedShareCountsReadsOnTheTaskAmongAllReads() {
        int b = 2;
        int h = 2;
        int slots = 3;
        int l = 4;
        int n = 3 * l;
        int topK = 2;
        Random rnd = new Random(9);
        float[] w = new float[b * h * slots * n];
        int reads = 0;
        int onNoise = 0;
        for (int row = 0; row < b * h * slots; row++) {
            int first = rnd.nextInt(n);
            int second = (first + 1 + rnd.nextInt(n - 1)) % n;
            for (int j : new int[] {first, second}) {
                w[row * n + j] = 0.5f;
                reads++;
                onNoise += j >= 2 * l ? 1 : 0;
            }
        }
        assertEquals(b * h * slots * topK, reads);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(w, new Shape(b, h, slots, n));
            assertEquals((double) onNoise / reads, ToyReadouts.retrievedShare(r, l, 2), 1e-12);
        }
    }

    @Test
    void relativeChangeIsTheFrobeniusRatio() {
        float[] x = {1, -2, 3, 0.5f, 2, -1};
        float[] y = {1.5f, -2, 2, 0.5f, 0, -1};
        double diff = 0;
        double base = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (y[i] - x[i]) * (y[i] - x[i]);
            base += x[i] * x[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray before = m.create(x, new Shape(1, 2, 3));
            NDArray after = m.create(y, new Shape(1, 2, 3));
            assertEquals(Math.sqrt(diff / base), ToyReadouts.relativeChange(before, after), 1e-6);
            assertEquals(0.0, ToyReadouts.relativeChange(before, before), 0.0);
        }
    }
}
