package org.kemwb.runs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoothing as TensorBoard draws it, and the mean and spread over seeds. */
class CurvesTest {
    @TempDir
    Path dir;

    @Test
    void smoothingFieldCaseMatchesTensorBoardsDebiasedEma() throws Exception {
        Path f = dir.resolve("smoothing_loss.csv");
        try (var in = CurvesTest.class.getResourceAsStream("/field-cases/smoothing_loss.csv")) {
            Files.copy(in, f);
        }
        Curve raw = MetricsLog.read(f).curve("loss");
        assertArrayEquals(new double[] {10, 0, 0, 0, 0}, raw.values());
        double[] smoothed = Curves.smooth(raw.values(), 0.6);
        assertArrayEquals(new double[] {10, 3.75, 1.8367, 0.9926, 0.5621}, smoothed, 5e-5);
        assertArrayEquals(new double[] {10, 0, 0, 0, 0}, raw.values(), "the raw values are untouched");
    }

    @Test
    void smoothingIsAWeightedMeanOfThePastAndZeroIsRaw() {
        // independent form: s_t = sum_i w^(t-i) v_i / sum_i w^(t-i)
        double[] v = new SplittableRandom(3).doubles(40, -5, 5).toArray();
        double w = 0.83;
        double[] s = Curves.smooth(v, w);
        for (int t = 0; t < v.length; t++) {
            double num = 0;
            double den = 0;
            for (int i = 0; i <= t; i++) {
                num += Math.pow(w, t - i) * v[i];
                den += Math.pow(w, t - i);
            }
            assertEquals(num / den, s[t], 1e-9);
        }
        assertArrayEquals(v, Curves.smooth(v, 0));
        assertThrows(IllegalArgumentException.class, () -> Curves.smooth(v, 1));
        double[] withNan = Curves.smooth(new double[] {1, Double.NaN, 3}, 0.5);
        assertEquals(Double.NaN, withNan[1]);
        assertEquals((0.5 * 1 + 3) / 1.5, withNan[2], 1e-12);
    }

    @Test
    void meanAndSampleStdOverSeedsAtCommonSteps() {
        Curve a = new Curve(new double[] {10, 20, 30}, new double[] {1, 2, 3});
        Curve b = new Curve(new double[] {10, 20, 30, 40}, new double[] {3, 2, 5, 9});
        Curve c = new Curve(new double[] {10, 20, 30}, new double[] {2, 2, 7});
        Curves.Band band = Curves.meanStd(List.of(a, b, c));
        assertArrayEquals(new double[] {10, 20, 30}, band.steps(), "step 40 is not logged by every seed");
        assertArrayEquals(new double[] {2, 2, 5}, band.mean(), 1e-12);
        assertArrayEquals(new double[] {1, 0, 2}, band.std(), 1e-12); // e.g. (1,3,2): sqrt(((1)+(1)+0)/2) = 1
        assertEquals(3, band.runs());
    }
}
