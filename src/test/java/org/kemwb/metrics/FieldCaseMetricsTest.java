package org.kemwb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.kemwb.io.Npy;

/**
 * The field cases of {@code field-cases/metrics/} (small inputs with the values the evaluation
 * code of Multi-Task-Learning-PyTorch gives; see expected.json there): each right value is
 * checked under the published convention, and the wrong value the pooled convention gave.
 */
class FieldCaseMetricsTest {
    private static final String DIR = "/field-cases/metrics/";

    private static int[] png(String name) throws IOException {
        try (InputStream in = FieldCaseMetricsTest.class.getResourceAsStream(DIR + name)) {
            Raster r = ImageIO.read(in).getRaster();
            int[] out = new int[r.getWidth() * r.getHeight()];
            for (int y = 0; y < r.getHeight(); y++) {
                for (int x = 0; x < r.getWidth(); x++) {
                    out[y * r.getWidth() + x] = r.getSample(x, y, 0);
                }
            }
            return out;
        }
    }

    /** A saliency PNG (0 / 255) as the dataset reader makes it: > 127 salient. */
    private static byte[] saliencyLabel(String name) throws IOException {
        int[] v = png(name);
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) (v[i] > 127 ? 1 : 0);
        }
        return out;
    }

    private static float[] npy(String name) throws IOException {
        try (InputStream in = FieldCaseMetricsTest.class.getResourceAsStream(DIR + name)) {
            return Npy.read(in.readAllBytes(), name).data();
        }
    }

    @Test
    void deltaMCountsOneMetricPerTask() throws IOException {
        Map<String, Double> stl = new LinkedHashMap<>();
        Map<String, Double> mtl = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream(DIR + "deltam_pascal.csv")) {
            String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip().split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] c = lines[i].strip().split(",");
                stl.put(c[0], Double.parseDouble(c[1]));
                mtl.put(c[0], Double.parseDouble(c[2]));
                assertEquals(c[3].equals("lower"), DeltaM.lowerIsBetter(c[0]), c[0]);
            }
        }
        // semseg +5 %, parts -5 %, saliency by its mIoU +2 % (maxF not counted), normals +6 %
        assertEquals(2.0, DeltaM.of(mtl, stl), 1e-9);
    }

    @Test
    void humanPartsSkipsPersonlessImagesAndCountsAbsentClassesAsZero() throws IOException {
        SegmentationMetrics published = SegmentationMetrics.humanParts(7, MetricConvention.PUBLISHED);
        published.add(png("parts_A_gt.png"), png("parts_A_pred.png"));
        published.add(png("parts_B_noperson_gt.png"), png("parts_B_pred.png"));
        assertEquals(0.285714, published.meanIou(), 1e-6);
        assertEquals(1, published.images());
        assertEquals(1, published.skippedImages());
        // pooled: the person-less image is scored and only present classes are averaged
        SegmentationMetrics pooled = SegmentationMetrics.humanParts(7, MetricConvention.POOLED);
        pooled.add(png("parts_A_gt.png"), png("parts_A_pred.png"));
        pooled.add(png("parts_B_noperson_gt.png"), png("parts_B_pred.png"));
        assertEquals(2, pooled.images());
        // classes 0..3 present; 0: tp 2+5, fp 0, fn 3 -> 7/10; 1: tp 2, fp 1+2, fn 1 -> 1/3;
        // 2: tp 2, fp 1, fn 1 -> 1/2; 3: tp 0, fp 1 -> 0
        assertEquals((0.7 + 1.0 / 3 + 0.5 + 0) / 4, pooled.meanIou(), 1e-12);
    }

    @Test
    void depthClampsNonPositivePredictionsAndReportsLogRmse() throws IOException {
        DepthMetrics published = new DepthMetrics(MetricConvention.PUBLISHED);
        published.add(npy("depth_gt.npy"), npy("depth_pred.npy"));
        assertEquals(1.190238, published.rmse(), 1e-6);
        assertEquals(12.366988, published.logRmse(), 1e-6);
        assertEquals(3, published.pixels());
        DepthMetrics pooled = new DepthMetrics(MetricConvention.POOLED);
        pooled.add(npy("depth_gt.npy"), npy("depth_pred.npy"));
        assertEquals(1.47196, pooled.rmse(), 1e-5);
    }

    @Test
    void saliencyPerImageOverFifteenThresholds() throws IOException {
        SaliencyMetrics published = new SaliencyMetrics(MetricConvention.PUBLISHED);
        published.add(saliencyLabel("sal_0_gt.png"), npy("sal_0_prob.npy"));
        published.add(saliencyLabel("sal_1_gt.png"), npy("sal_1_prob.npy"));
        assertEquals(0.75, published.meanIou(), 1e-6);
        assertEquals(0.857143, published.maxF(), 1e-6);
    }

    @Test
    void semsegCountsEveryClassOfTheDataset() throws IOException {
        SegmentationMetrics published = SegmentationMetrics.semseg(4, MetricConvention.PUBLISHED);
        published.add(png("semseg_gt.png"), png("semseg_pred.png"));
        assertEquals(0.416667, published.meanIou(), 1e-6);
        SegmentationMetrics pooled = SegmentationMetrics.semseg(4, MetricConvention.POOLED);
        pooled.add(png("semseg_gt.png"), png("semseg_pred.png"));
        assertEquals(0.555556, pooled.meanIou(), 1e-6);
    }
}
