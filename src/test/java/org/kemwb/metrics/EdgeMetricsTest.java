package org.kemwb.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.kemwb.util.Json;

/**
 * The boundary benchmark on hand-made maps whose matching is worked out in the comments, and
 * against the independent numpy/scipy implementation in
 * {@code src/test/resources/edges/make_edge_fixtures.py} (its committed output).
 */
class EdgeMetricsTest {
    // 100 x 100: diagonal 141.4 px, tolerance 0.0075 x 141.4 = 1.06 px (distance 1 matches, sqrt 2 and 2 do not)
    private static final int W = 100;
    private static final int H = 100;

    private static byte[] gtRow(int row, int x0, int x1) {
        byte[] b = new byte[W * H];
        for (int x = x0; x <= x1; x++) {
            b[row * W + x] = 1;
        }
        return b;
    }

    private static float[] band(int y0, int y1, int x0, int x1, float p) {
        float[] f = new float[W * H];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                f[y * W + x] = p;
            }
        }
        return f;
    }

    @Test
    void toleranceIsSeventyFiveTenThousandthsOfTheDiagonal() {
        assertEquals(0.0075 * Math.sqrt(2) * 100, EdgeMetrics.maxDistPixels(W, H), 1e-12);
    }

    @Test
    void aLineShiftedByOnePixelMatchesByTwoDoesNot() {
        EdgeMetrics within = new EdgeMetrics();
        within.add(gtRow(50, 10, 89), band(51, 51, 10, 89, 0.9f), W, H);
        assertArrayEquals(new long[] {80, 80, 80, 80}, within.imageCounts(0)[49]); // t = 0.5
        assertArrayEquals(new long[] {0, 80, 0, 0}, within.imageCounts(0)[94]); // t = 0.95 > 0.9: nothing predicted
        assertEquals(1.0, within.odsF(), 1e-12);
        assertEquals(1.0, within.oisF(), 1e-12);
        // the curve has two points, (R 1, P 1) at t <= 0.9 and (R 0, P 1) above (nothing
        // predicted): all 101 recall steps 0.00..1.00 interpolate to 1, and BSDS/SEISM sum them
        // x 0.01, so a perfect curve scores 1.01
        assertEquals(1.01, within.ap(), 1e-12);

        EdgeMetrics beyond = new EdgeMetrics();
        beyond.add(gtRow(50, 10, 89), band(52, 52, 10, 89, 0.9f), W, H);
        assertArrayEquals(new long[] {0, 80, 0, 80}, beyond.imageCounts(0)[49]);
        assertEquals(0.0, beyond.odsF(), 1e-12);
        assertEquals(0.0, beyond.oisF(), 1e-12);
    }

    @Test
    void matchingIsOneToOne() {
        // 40 predicted pixels next to an 80-pixel line: each can account for one ground-truth pixel
        EdgeMetrics m = new EdgeMetrics();
        m.add(gtRow(50, 10, 89), band(51, 51, 30, 69, 0.9f), W, H);
        assertArrayEquals(new long[] {40, 80, 40, 40}, m.imageCounts(0)[0]);
        assertEquals(2 * 0.5 / 1.5, m.odsF(), 1e-12); // P 1, R 1/2
        // a greedy matching can stop at 1 here; the maximum matching is 2: a(1)-b(0), a(3)-b(2)
        boolean[] a = {false, true, false, true, false};
        boolean[] b = {true, false, true, false, false};
        assertEquals(2, EdgeMetrics.matchCount(a, b, 5, 1, 1.0));
        assertEquals(0, EdgeMetrics.matchCount(a, b, 5, 1, 0.5));
    }

    @Test
    void thickPredictionsAreThinnedBeforeMatching() {
        // a 3-pixel band over the line thins to its middle row without its two end pixels: 78 pixels
        boolean[] img = new boolean[W * H];
        for (int y = 49; y <= 51; y++) {
            for (int x = 10; x <= 89; x++) {
                img[y * W + x] = true;
            }
        }
        EdgeMetrics.thin(img, W, H);
        int count = 0;
        for (int i = 0; i < img.length; i++) {
            if (img[i]) {
                count++;
                assertEquals(50, i / W);
                assertTrue(i % W >= 11 && i % W <= 88);
            }
        }
        assertEquals(78, count);
        EdgeMetrics m = new EdgeMetrics();
        m.add(gtRow(50, 10, 89), band(49, 51, 10, 89, 0.9f), W, H);
        assertArrayEquals(new long[] {78, 80, 78, 78}, m.imageCounts(0)[49]);
        assertEquals(2 * 0.975 / 1.975, m.odsF(), 1e-12); // P 1, R 78/80 (unthinned: P 80/240)
        // a thick ground-truth boundary is thinned as well
        byte[] thickGt = new byte[W * H];
        for (int y = 49; y <= 51; y++) {
            for (int x = 10; x <= 89; x++) {
                thickGt[y * W + x] = 1;
            }
        }
        EdgeMetrics t = new EdgeMetrics();
        t.add(thickGt, band(50, 50, 10, 89, 0.9f), W, H);
        assertArrayEquals(new long[] {78, 78, 78, 80}, t.imageCounts(0)[49]);
        // a one-pixel line is left as it is
        boolean[] line = new boolean[W * H];
        for (int x = 10; x <= 89; x++) {
            line[50 * W + x] = true;
        }
        boolean[] copy = line.clone();
        EdgeMetrics.thin(line, W, H);
        assertArrayEquals(copy, line);
    }

    @Test
    void aProbabilityRampGivesAPrecisionRecallCurve() {
        // p = (i + 1) / 80 along the line: at t_k the pixels with p >= t_k are predicted, all
        // correct, so P = 1 and R = n_k / 80 from 1 (t = 0.01) down to 1/80 (t = 0.99); AP =
        // number of recall steps 0.00..1.00 inside [1/80, 1] (0.02..1.00: 99) / 100
        float[] p = new float[W * H];
        for (int i = 0; i < 80; i++) {
            p[50 * W + 10 + i] = (i + 1) / 80f;
        }
        EdgeMetrics m = new EdgeMetrics();
        m.add(gtRow(50, 10, 89), p, W, H);
        assertEquals(0.99, m.ap(), 1e-12);
        assertEquals(1.0, m.odsF(), 1e-12);
        assertEquals(0, m.odsThresholdIndex());
    }

    @Test
    void emptyMapsFollowSeismsRules() {
        // nothing predicted, nothing labelled: R 1, P 0 per image -> F 0; pooled: P 1, R 0 -> F 0
        EdgeMetrics none = new EdgeMetrics();
        none.add(new byte[W * H], new float[W * H], W, H);
        assertEquals(0.0, none.odsF());
        assertEquals(0.0, none.oisF());
        assertEquals(0.0, none.ap());
        // an image without labels is skipped
        EdgeMetrics unlabelled = new EdgeMetrics();
        byte[] all255 = new byte[W * H];
        java.util.Arrays.fill(all255, (byte) 255);
        unlabelled.add(all255, band(0, 99, 0, 99, 1f), W, H);
        assertEquals(0, unlabelled.images());
        assertTrue(Double.isNaN(unlabelled.odsF()));
        // a perfect image and an image without boundaries but with 2 false pixels at t <= 0.5:
        // ODS at t > 0.5 (P 1, R 1); OIS takes the second image at its first threshold (F 0
        // everywhere, the first of equal values): P 80/82
        EdgeMetrics mixed = new EdgeMetrics();
        mixed.add(gtRow(50, 10, 89), band(50, 50, 10, 89, 0.9f), W, H);
        float[] fp = new float[W * H];
        fp[10 * W + 10] = 0.5f;
        fp[80 * W + 80] = 0.5f;
        mixed.add(new byte[W * H], fp, W, H);
        assertEquals(1.0, mixed.odsF(), 1e-12);
        double p = 80.0 / 82;
        assertEquals(2 * p / (p + 1), mixed.oisF(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> mixed.add(new byte[3], new float[4], 2, 2));
    }

    private static int[] png(String name) throws IOException {
        try (InputStream in = EdgeMetricsTest.class.getResourceAsStream("/edges/" + name)) {
            Raster r = ImageIO.read(in).getRaster();
            int[] out = new int[r.getWidth() * r.getHeight() + 2];
            for (int y = 0; y < r.getHeight(); y++) {
                for (int x = 0; x < r.getWidth(); x++) {
                    out[y * r.getWidth() + x] = r.getSample(x, y, 0);
                }
            }
            out[out.length - 2] = r.getWidth();
            out[out.length - 1] = r.getHeight();
            return out;
        }
    }

    @Test
    void agreesWithTheIndependentNumpyImplementation() throws IOException {
        JsonNode fx;
        try (InputStream in = getClass().getResourceAsStream("/edges/edge_fixtures.json")) {
            fx = Json.MAPPER.readTree(in);
        }
        EdgeMetrics m = new EdgeMetrics();
        int i = 0;
        for (JsonNode img : fx.get("images")) {
            int[] label = png(img.get("label").asText());
            int[] prob = png(img.get("probability").asText());
            int w = label[label.length - 2];
            int h = label[label.length - 1];
            byte[] l = new byte[w * h];
            float[] p = new float[w * h];
            for (int k = 0; k < w * h; k++) {
                l[k] = (byte) label[k];
                p[k] = (float) (prob[k] / 255.0);
            }
            m.add(l, p, w, h);
            long[][] counts = m.imageCounts(i);
            for (int k = 0; k < EdgeMetrics.THRESHOLDS; k++) {
                JsonNode c = img.get("counts").get(k);
                long[] expected = {c.get(0).asLong(), c.get(1).asLong(), c.get(2).asLong(), c.get(3).asLong()};
                assertArrayEquals(expected, counts[k], "image " + i + " threshold " + (k + 1) + "/100");
            }
            i++;
        }
        assertEquals(fx.get("ods_f").asDouble(), m.odsF(), 1e-12);
        assertEquals(fx.get("ois_f").asDouble(), m.oisF(), 1e-12);
        assertEquals(fx.get("ap").asDouble(), m.ap(), 1e-12);
    }
}
