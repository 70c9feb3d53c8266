package org.kemwb.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

public class ResampleTest {
    /** Tent weight of input pixel i for an output pixel sampling at c, filter width f (2-D brute force uses it per axis). */
    static double tent(int i, double c, double f) {
        return Math.max(0, 1 - Math.abs(i + 0.5 - c) / f);
    }

    /** Independent 2-D computation: every input pixel weighted by the product of tents, normalised once. */
    public static float[] bruteForce(float[] src, int ch, int h, int w, int oh, int ow) {
        float[] out = new float[ch * oh * ow];
        double sy = (double) h / oh;
        double sx = (double) w / ow;
        for (int c = 0; c < ch; c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double cy = (oy + 0.5) * sy;
                    double cx = (ox + 0.5) * sx;
                    double num = 0;
                    double den = 0;
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            double wt = tent(y, cy, Math.max(1, sy)) * tent(x, cx, Math.max(1, sx));
                            num += wt * src[(c * h + y) * w + x];
                            den += wt;
                        }
                    }
                    out[(c * oh + oy) * ow + ox] = (float) (num / den);
                }
            }
        }
        return out;
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = r.nextFloat() * 4 - 2;
        }
        return f;
    }

    @Test
    void matchesTheTwoDimensionalTentFilterForEnlargingShrinkingAndMixed() {
        int[][] cases = {{7, 5, 13, 3}, {64, 96, 20, 30}, {5, 5, 5, 5}, {3, 8, 11, 2}, {31, 17, 10, 40}, {1, 6, 4, 1}};
        for (int[] c : cases) {
            float[] src = random(2 * c[0] * c[1], c[0] * 31L + c[1]);
            float[] want = bruteForce(src, 2, c[0], c[1], c[2], c[3]);
            float[] got = Resample.resize(src, 2, c[0], c[1], c[2], c[3]);
            assertArrayEquals(want, got, 1e-5f, java.util.Arrays.toString(c));
        }
    }

    @Test
    void halvingAveragesFourPixelsWithTentWeights() {
        float[] v = {1, 2, 4, 8, 16, 32, 64, 128};
        float[] got = Resample.resize(v, 1, 1, 8, 1, 4);
        // output 1 samples at c = 3: pixels 1..4 weigh 1/8, 3/8, 3/8, 1/8
        assertEquals((2 + 3 * 4 + 3 * 8 + 16) / 8f, got[1], 1e-5f);
        // output 0 at the border: pixels 0..2 weigh 3/4, 3/4, 1/4, normalised
        assertEquals((0.75f * 1 + 0.75f * 2 + 0.25f * 4) / 1.75f, got[0], 1e-5f);
    }

    @Test
    void enlargingARampInterpolatesLinearlyBetweenPixelCentres() {
        float[] ramp = {0, 1, 2, 3};
        float[] got = Resample.resize(ramp, 1, 1, 4, 1, 8);
        // output o samples at (o + 0.5) / 2, i.e. value (o + 0.5) / 2 - 0.5 clamped to [0, 3]
        for (int o = 0; o < 8; o++) {
            assertEquals(Math.max(0, Math.min(3, (o + 0.5) / 2 - 0.5)), got[o], 1e-6, "o=" + o);
        }
    }

    @Test
    void shrinkingAOnePixelCheckerboardGivesGreyNotAliasedStripes() {
        int n = 64;
        float[] board = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                board[y * n + x] = (x + y) % 2;
            }
        }
        float[] got = Resample.resize(board, 1, n, n, 16, 16);
        for (float v : got) {
            assertEquals(0.5f, v, 0.07f);
        }
    }

    @Test
    void denseMatrixEqualsTheAxisWeights() {
        float[] m = Resample.matrix(6, 4);
        float[] src = random(6, 3);
        float[] want = Resample.resize(src, 1, 1, 6, 1, 4);
        for (int o = 0; o < 4; o++) {
            double v = 0;
            for (int i = 0; i < 6; i++) {
                v += m[o * 6 + i] * src[i];
            }
            assertEquals(want[o], v, 1e-5);
        }
    }
}
