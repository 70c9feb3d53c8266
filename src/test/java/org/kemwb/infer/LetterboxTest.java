package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kemwb.model.Task;
import org.kemwb.util.ResampleTest;

class LetterboxTest {
    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = r.nextFloat() * 6 - 3;
        }
        return f;
    }

    @Test
    void landscapeImageIsFittedByWidthAndCentredVertically() {
        Letterbox lb = Letterbox.fit(64, 96, 128, 128); // 96 wide, 64 high
        assertEquals(128, lb.contentWidth());
        assertEquals(85, lb.contentHeight()); // 64 * 4/3 = 85.3
        assertEquals(21, lb.top()); // (128 - 85) / 2
        assertEquals(0, lb.left());
        Letterbox portrait = Letterbox.fit(400, 200, 64, 64);
        assertEquals(64, portrait.contentHeight());
        assertEquals(32, portrait.contentWidth());
        assertEquals(16, portrait.left());
        assertEquals(0, portrait.top());
    }

    @Test
    void modelInputIsTheResizedImageInsideAPaddedFrame() {
        int h = 30;
        int w = 50;
        Letterbox lb = Letterbox.fit(h, w, 48, 40);
        float[] img = random(3 * h * w, 1);
        float[] model = lb.toModel(img, 3);
        float[] content = ResampleTest.bruteForce(img, 3, h, w, lb.contentHeight(), lb.contentWidth());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 40; x++) {
                    int cy = y - lb.top();
                    int cx = x - lb.left();
                    boolean inside = cy >= 0 && cy < lb.contentHeight() && cx >= 0 && cx < lb.contentWidth();
                    float want = inside ? content[(c * lb.contentHeight() + cy) * lb.contentWidth() + cx] : Letterbox.PAD;
                    assertEquals(want, model[(c * 48 + y) * 40 + x], 1e-5f, "c" + c + " y" + y + " x" + x);
                }
            }
        }
    }

    @Test
    void outputsAreCroppedAndResampledBackToTheImageSize() {
        Letterbox lb = Letterbox.fit(64, 96, 128, 128);
        float[] model = random(2 * 128 * 128, 2);
        float[] crop = new float[2 * lb.contentHeight() * lb.contentWidth()];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < lb.contentHeight(); y++) {
                for (int x = 0; x < lb.contentWidth(); x++) {
                    crop[(c * lb.contentHeight() + y) * lb.contentWidth() + x] = model[(c * 128 + y + lb.top()) * 128 + x + lb.left()];
                }
            }
        }
        float[] want = ResampleTest.bruteForce(crop, 2, lb.contentHeight(), lb.contentWidth(), 64, 96);
        assertArrayEquals(want, lb.toImage(model, 2), 1e-5f);
        // down-sampling (model bigger than the image) is anti-aliased: a 1-px checkerboard comes back grey
        Letterbox small = Letterbox.fit(16, 16, 64, 64);
        float[] board = new float[64 * 64];
        for (int i = 0; i < board.length; i++) {
            board[i] = (i / 64 + i % 64) % 2;
        }
        for (float v : small.toImage(board, 1)) {
            assertEquals(0.5f, v, 0.07f);
        }
    }

    @Test
    void paddingOnlyRoundTripsExactly() {
        Letterbox lb = Letterbox.padTo(61, 90, 16);
        assertEquals(64, lb.modelHeight());
        assertEquals(96, lb.modelWidth());
        assertEquals(1, lb.top());
        assertEquals(3, lb.left());
        float[] img = random(3 * 61 * 90, 3);
        assertArrayEquals(img, lb.toImage(lb.toModel(img, 3), 3));
    }

    @Test
    void coordinatesMapBothWays() {
        Letterbox lb = Letterbox.fit(480, 640, 224, 320);
        for (double u : new double[] {0, 0.5, 17.25, 639.9}) {
            assertEquals(u, lb.toImageX(lb.toModelX(u)), 1e-9);
            assertEquals(u, lb.toImageY(lb.toModelY(u)), 1e-9);
        }
        assertEquals(lb.left(), lb.toModelX(0), 1e-12);
        assertEquals(lb.left() + lb.contentWidth(), lb.toModelX(640), 1e-9);
        assertEquals(lb.top() + lb.contentHeight(), lb.toModelY(480), 1e-9);
    }

    @Test
    void everyPixelIsInTheTokenWhosePatchHoldsItsCentreAndInsideThatTokensBox() {
        int patch = 8;
        Letterbox lb = Letterbox.fit(37, 70, 48, 64); // grid 6 x 8
        int gw = 64 / patch;
        for (int y = 0; y < 37; y++) {
            for (int x = 0; x < 70; x++) {
                // brute force: scan every cell's model rectangle
                double mx = lb.left() + (x + 0.5) * lb.contentWidth() / 70.0;
                double my = lb.top() + (y + 0.5) * lb.contentHeight() / 37.0;
                int found = -1;
                for (int cell = 0; cell < 6 * gw; cell++) {
                    int gx = cell % gw;
                    int gy = cell / gw;
                    if (mx >= gx * patch && mx < (gx + 1) * patch && my >= gy * patch && my < (gy + 1) * patch) {
                        found = cell;
                    }
                }
                assertEquals(found, lb.tokenAt(x, y, patch), "pixel " + x + "," + y);
                double[] box = lb.tokenBox(found, patch);
                assertNotNull(box);
                assertTrue(x + 0.5 >= box[0] && x + 0.5 <= box[2] && y + 0.5 >= box[1] && y + 0.5 <= box[3]);
            }
        }
        // a token wholly in the top padding covers no pixel
        Letterbox tall = Letterbox.fit(10, 100, 64, 64); // content 6 rows at top 29
        assertNull(tall.tokenBox(0, patch));
    }

    @Test
    void classMapsAreTheArgmaxOfBilinearlyResampledLogits() {
        Letterbox lb = Letterbox.fit(20, 13, 8, 8);
        int classes = 4;
        float[] logits = random(classes * 64, 4);
        float[] crop = new float[classes * lb.contentHeight() * lb.contentWidth()];
        for (int c = 0; c < classes; c++) {
            for (int y = 0; y < lb.contentHeight(); y++) {
                for (int x = 0; x < lb.contentWidth(); x++) {
                    crop[(c * lb.contentHeight() + y) * lb.contentWidth() + x] = logits[(c * 8 + y + lb.top()) * 8 + x + lb.left()];
                }
            }
        }
        float[] up = ResampleTest.bruteForce(crop, classes, lb.contentHeight(), lb.contentWidth(), 20, 13);
        int[] got = Letterbox.classMap(lb.restore(Task.SEMSEG, logits, classes), classes);
        assertEquals(20 * 13, got.length);
        for (int p = 0; p < got.length; p++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (up[c * 260 + p] > up[best * 260 + p]) {
                    best = c;
                }
            }
            assertEquals(best, got[p], "pixel " + p);
        }
    }

    @Test
    void probabilitiesAreResampledForEdgesAndNormalsStayUnitLength() {
        Letterbox lb = Letterbox.fit(9, 9, 4, 4);
        float[] logits = random(16, 5);
        float[] prob = new float[16];
        for (int i = 0; i < 16; i++) {
            prob[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        float[] want = ResampleTest.bruteForce(prob, 1, 4, 4, 9, 9);
        float[] got = lb.restore(Task.EDGES, logits, 1);
        for (int i = 0; i < 81; i++) {
            assertEquals(want[i], 1 / (1 + Math.exp(-got[i])), 1e-5, "pixel " + i);
        }
        float[] normals = random(3 * 16, 6);
        float[] n = lb.restore(Task.NORMALS, normals, 3);
        float[] raw = lb.toImage(normals, 3);
        for (int i = 0; i < 81; i++) {
            double len = Math.sqrt(n[i] * n[i] + n[81 + i] * n[81 + i] + n[162 + i] * n[162 + i]);
            assertEquals(1, len, 1e-5);
            double rawLen = Math.sqrt(raw[i] * raw[i] + raw[81 + i] * raw[81 + i] + raw[162 + i] * raw[162 + i]);
            assertEquals(raw[i] / rawLen, n[i], 1e-5); // same direction
        }
    }

    @Test
    void anImageAtTheModelsOwnSizeComesBackUnchanged() {
        Letterbox lb = Letterbox.fit(24, 40, 24, 40);
        assertTrue(lb.identity());
        float[] normals = random(3 * 24 * 40, 7); // not unit length: left as the model gave them
        assertArrayEquals(normals, lb.restore(Task.NORMALS, normals, 3));
        float[] edges = random(24 * 40, 8);
        assertArrayEquals(edges, lb.restore(Task.EDGES, edges, 1));
        assertTrue(!Letterbox.fit(24, 40, 24, 48).identity());
    }
}
