package org.kemwb.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kemwb.data.Sample;

/**
 * Scale, crop, flip and pad keep every label on its pixel, checked against independent
 * computations: a block image whose labels are derived from its colours, exact sub-arrays at
 * scale 1, exact pixel repetition at scale 2, and the padding extent from the sizes alone.
 */
class AugmentTest {
    /** Cube vertices: a bilinear mix equals one of them only when all its weight is on it. */
    static final float[][] PALETTE = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}, {0, 0, 0}};
    /** Class 6 (black) is "no label": semseg 255, depth and normals invalid. */
    static final int UNLABELLED = 6;

    /** A w x h image of b x b blocks whose class follows from the block, every label from the class. */
    static Sample blocks(int w, int h, int b, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = w * h;
        int bw = (w + b - 1) / b;
        int[] blockClass = new int[bw * ((h + b - 1) / b)];
        for (int i = 0; i < blockClass.length; i++) {
            blockClass[i] = rnd.nextInt(PALETTE.length);
        }
        float[] rgb = new float[3 * n];
        int[] seg = new int[n];
        int[] parts = new int[n];
        float[] depth = new float[n];
        float[] normals = new float[3 * n];
        byte[] edges = new byte[n];
        byte[] sal = new byte[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int c = blockClass[(y / b) * bw + x / b];
                for (int k = 0; k < 3; k++) {
                    rgb[k * n + p] = PALETTE[c][k];
                }
                boolean labelled = c != UNLABELLED;
                seg[p] = labelled ? c : Sample.IGNORE;
                parts[p] = labelled ? c % 3 : Sample.IGNORE;
                depth[p] = labelled ? 1 + c : 0;
                if (labelled) { // not unit length on purpose: augmentation renormalises
                    float[] v = normal(c);
                    normals[p] = 2 * v[0];
                    normals[n + p] = 2 * v[1];
                    normals[2 * n + p] = 2 * v[2];
                }
                edges[p] = (byte) (labelled ? c % 2 : Sample.IGNORE);
                sal[p] = (byte) (labelled ? (c > 2 ? 1 : 0) : Sample.IGNORE);
            }
        }
        return new Sample(w, h, rgb, seg, depth, normals, edges, sal, parts);
    }

    static float[] normal(int c) {
        double x = 0.2 + 0.1 * c;
        double y = -0.3 + 0.05 * c;
        double z = Math.sqrt(1 - x * x - y * y);
        return new float[] {(float) x, (float) y, (float) z};
    }

    /** The palette class whose colour this pixel has exactly (up to float rounding), else -1 (a mix). */
    static int pureClass(Sample s, int p) {
        int n = s.pixels();
        for (int c = 0; c < PALETTE.length; c++) {
            boolean same = true;
            for (int k = 0; k < 3 && same; k++) {
                same = Math.abs(s.rgb()[k * n + p] - PALETTE[c][k]) < 1e-5f;
            }
            if (same) {
                return c;
            }
        }
        return -1;
    }

    @Test
    void labelsStayOnTheirPixelsThroughScaleCropFlipAndPad() {
        Sample src = blocks(56, 40, 5, 1);
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] outs = {{24, 32}, {48, 64}, {40, 56}, {17, 29}};
        int checked = 0;
        int flips = 0;
        for (int trial = 0; trial < 120; trial++) {
            int outH = outs[trial % outs.length][0];
            int outW = outs[trial % outs.length][1];
            Augment.Crop crop = Augment.draw(40, 56, outH, outW, 0.5, 2.0, rnd);
            Sample a = Augment.apply(src, outH, outW, crop);
            assertEquals(outW, a.width());
            assertEquals(outH, a.height());
            flips += crop.flip() ? 1 : 0;
            int n = a.pixels();
            // padding extent from the sizes alone: content = min(floor(h s), out), centred
            int contentH = Math.min((int) Math.floor(40 * crop.scale() + 1e-9), outH);
            int contentW = Math.min((int) Math.floor(56 * crop.scale() + 1e-9), outW);
            int top = (outH - contentH) / 2;
            int left = (outW - contentW) / 2;
            int pure = 0;
            int content = 0;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    int p = y * outW + x;
                    boolean padding = y < top || y >= top + contentH || x < left || x >= left + contentW;
                    if (padding) {
                        for (int k = 0; k < 3; k++) {
                            assertEquals(Augment.PAD_RGB[k], a.rgb()[k * n + p], "padding colour at " + x + "," + y);
                        }
                        assertEquals(Sample.IGNORE, a.semseg()[p]);
                        assertEquals(Sample.IGNORE, a.parts()[p]);
                        assertEquals(Sample.IGNORE, a.edges()[p] & 0xff);
                        assertEquals(Sample.IGNORE, a.saliency()[p] & 0xff);
                        assertEquals(0f, a.depth()[p]);
                        assertEquals(0f, a.normals()[p]);
                        assertEquals(0f, a.normals()[2 * n + p]);
                        continue;
                    }
                    content++;
                    int c = pureClass(a, p);
                    if (c < 0) {
                        continue; // a mix of two blocks at a border: the label may be either
                    }
                    pure++;
                    String at = "trial " + trial + " " + crop + " pixel " + x + "," + y;
                    if (c == UNLABELLED) {
                        assertEquals(Sample.IGNORE, a.semseg()[p], at);
                        assertEquals(0f, a.depth()[p], at);
                        assertEquals(0f, a.normals()[p], at);
                        assertEquals(Sample.IGNORE, a.edges()[p] & 0xff, at);
                        continue;
                    }
                    assertEquals(c, a.semseg()[p], at);
                    assertEquals(c % 3, a.parts()[p], at);
                    assertEquals(1f + c, a.depth()[p], at); // metres unchanged by the scale
                    assertEquals(c % 2, a.edges()[p], at);
                    assertEquals(c > 2 ? 1 : 0, a.saliency()[p], at);
                    float[] v = normal(c);
                    assertEquals(crop.flip() ? -v[0] : v[0], a.normals()[p], 1e-6f, at);
                    assertEquals(v[1], a.normals()[n + p], 1e-6f, at);
                    assertEquals(v[2], a.normals()[2 * n + p], 1e-6f, at);
                }
            }
            assertTrue(pure > content / 3, "most pixels lie inside a block: " + pure + " of " + content);
            checked += pure;
        }
        assertTrue(flips > 30 && flips < 90, "about half the crops are flipped: " + flips);
        assertTrue(checked > 20_000, "pixels checked: " + checked);
    }

    @Test
    void scaleOneCropsExactSubArraysAndFlipMirrors() {
        Sample src = blocks(30, 20, 3, 2);
        Sample a = Augment.apply(src, 12, 16, new Augment.Crop(1.0, 5, 9, false));
        Sample f = Augment.apply(src, 12, 16, new Augment.Crop(1.0, 5, 9, true));
        int n = 12 * 16;
        int m = 30 * 20;
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 16; x++) {
                int p = y * 16 + x;
                int q = (y + 5) * 30 + x + 9;
                int qf = (y + 5) * 30 + (15 - x) + 9;
                for (int k = 0; k < 3; k++) {
                    assertEquals(src.rgb()[k * m + q], a.rgb()[k * n + p]);
                    assertEquals(src.rgb()[k * m + qf], f.rgb()[k * n + p]);
                }
                assertEquals(src.semseg()[q], a.semseg()[p]);
                assertEquals(src.semseg()[qf], f.semseg()[p]);
                assertEquals(src.depth()[qf], f.depth()[p]);
                double len = Math.sqrt(sq(src.normals()[qf]) + sq(src.normals()[m + qf]) + sq(src.normals()[2 * m + qf]));
                if (len > 0) {
                    assertEquals(-src.normals()[qf] / len, f.normals()[p], 1e-6, "x negated on flip, renormalised");
                    assertEquals(src.normals()[m + qf] / len, f.normals()[n + p], 1e-6);
                    assertEquals(src.normals()[q] / len, a.normals()[p], 1e-6);
                } else {
                    assertEquals(0f, f.normals()[p], "an invalid normal stays invalid");
                }
            }
        }
        // the identity crop returns the sample unchanged
        Sample same = Augment.apply(src, 20, 30, new Augment.Crop(1.0, 0, 0, false));
        assertArrayEquals(src.rgb(), same.rgb());
        assertArrayEquals(src.semseg(), same.semseg());
        assertArrayEquals(src.edges(), same.edges());
    }

    static double sq(double v) {
        return v * v;
    }

    @Test
    void scaleTwoRepeatsEveryLabelTwiceInEachDirection() {
        Sample src = blocks(13, 11, 2, 3);
        Sample a = Augment.apply(src, 10, 12, new Augment.Crop(2.0, 7, 3, false));
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 12; x++) {
                int q = ((y + 7) / 2) * 13 + (x + 3) / 2;
                assertEquals(src.semseg()[q], a.semseg()[y * 12 + x], "at " + x + "," + y);
                assertEquals(src.depth()[q], a.depth()[y * 12 + x]);
            }
        }
    }

    @Test
    void smallImagesArePaddedCentredWithIgnoredLabels() {
        Sample src = blocks(10, 6, 2, 4);
        Sample a = Augment.apply(src, 11, 16, new Augment.Crop(1.0, 0, 0, false));
        int n = 11 * 16;
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 16; x++) {
                int p = y * 16 + x;
                boolean inside = y >= 2 && y < 8 && x >= 3 && x < 13; // (11-6)/2 = 2 rows, (16-10)/2 = 3 columns before
                if (inside) {
                    assertEquals(src.semseg()[(y - 2) * 10 + x - 3], a.semseg()[p]);
                } else {
                    assertEquals(Sample.IGNORE, a.semseg()[p]);
                    assertEquals(0f, a.depth()[p]);
                    assertEquals(Augment.PAD_RGB[1], a.rgb()[n + p]);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameCrops() {
        Sample src = blocks(64, 48, 4, 5);
        List<Sample> first = new ArrayList<>();
        List<Sample> again = new ArrayList<>();
        List<Augment.Crop> crops = new ArrayList<>();
        SplittableRandom r1 = new SplittableRandom(11);
        SplittableRandom r2 = new SplittableRandom(11);
        for (int i = 0; i < 6; i++) {
            first.add(Augment.random(src, 32, 40, 0.5, 2.0, r1));
            again.add(Augment.random(src, 32, 40, 0.5, 2.0, r2));
        }
        SplittableRandom r3 = new SplittableRandom(11);
        for (int i = 0; i < 6; i++) {
            crops.add(Augment.draw(48, 64, 32, 40, 0.5, 2.0, r3));
            assertArrayEquals(first.get(i).rgb(), again.get(i).rgb());
            assertArrayEquals(first.get(i).semseg(), again.get(i).semseg());
            assertArrayEquals(first.get(i).normals(), again.get(i).normals());
        }
        assertNotEquals(crops.get(0), crops.get(1), "successive draws differ");
        assertNotEquals(crops.get(0), Augment.draw(48, 64, 32, 40, 0.5, 2.0, new SplittableRandom(12)), "another seed, another crop");
    }

    @Test
    void fitKeepsTheAspectAndIgnoresThePadding() {
        Sample src = blocks(64, 48, 8, 6); // 4:3 like NYUD-v2's 640x480
        Sample a = Augment.fit(src, 32, 32); // scale 0.5: 24 rows of content, 4 padding rows above and below
        for (int x = 0; x < 32; x++) {
            assertEquals(Sample.IGNORE, a.semseg()[3 * 32 + x]);
            assertEquals(Sample.IGNORE, a.semseg()[28 * 32 + x]);
            assertEquals(src.semseg()[(2 * 0 + 1) * 64 + 2 * x + 1], a.semseg()[4 * 32 + x], "first content row");
        }
        assertEquals(src, Augment.fit(src, 48, 64), "a sample at the model size is used as it is");
    }
}
