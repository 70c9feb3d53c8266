package org.kemwb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void miouPoolsTheSetIgnores255AndSkipsAbsentClasses() {
        SegmentationMetrics m = new SegmentationMetrics(4);
        // image 1: labels 0 0 1 255, prediction 0 1 1 3 -> the 255 pixel is ignored
        m.add(new int[] {0, 0, 1, 255}, new int[] {0, 1, 1, 3});
        // image 2: labels 1 1 0 0, prediction 1 1 0 1
        m.add(new int[] {1, 1, 0, 0}, new int[] {1, 1, 0, 1});
        // pooled: class 0: tp 2, fn 2, fp 0 -> 2/4; class 1: tp 3, fn 0, fp 2 -> 3/5
        // classes 2 and 3 never occur in labels or (counted) predictions -> left out of the mean
        double[] iou = m.iou();
        assertEquals(0.5, iou[0], 1e-12);
        assertEquals(0.6, iou[1], 1e-12);
        assertTrue(Double.isNaN(iou[2]) && Double.isNaN(iou[3]));
        assertEquals((0.5 + 0.6) / 2, m.meanIou(), 1e-12);
        assertEquals(5.0 / 7, m.pixelAccuracy(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {7}, new int[] {0}));
    }

    @Test
    void predictedButNeverLabelledClassCountsAsZero() {
        SegmentationMetrics m = new SegmentationMetrics(3);
        m.add(new int[] {0, 0}, new int[] {0, 2});
        // class 0: 1/2; class 2: tp 0, fp 1 -> 0; class 1 absent -> skipped
        assertEquals(0.25, m.meanIou(), 1e-12);
    }

    @Test
    void depthRmseIsPooledOverValidPixelsOfTheSet() {
        DepthMetrics d = new DepthMetrics();
        d.add(new float[] {1, 2, 0}, new float[] {2, 2, 100}); // errors 1, 0; third pixel invalid
        d.add(new float[] {4}, new float[] {2}); // error 2
        assertEquals(Math.sqrt((1 + 0 + 4) / 3.0), d.rmse(), 1e-9);
        assertEquals((1.0 / 1 + 0 + 2.0 / 4) / 3, d.absRel(), 1e-9);
    }

    @Test
    void normalAngleErrors() {
        NormalsMetrics n = new NormalsMetrics();
        // planar (3, 3): pixel 0 exact, pixel 1 at 90 degrees, pixel 2 unlabelled
        float[] label = {0, 1, 0, 0, 0, 0, 1, 0, 0};
        float[] pred = {0, 0, 5, 0, 0, 5, 1, 3, 0};
        n.add(label, pred);
        assertEquals(45, n.mean(), 1e-6);
        assertEquals(45, n.median(), 1e-6);
        assertEquals(0.5, n.within(11.25), 1e-12);
    }

    @Test
    void deltaMSignsLowerIsBetterMetrics() {
        // +10% mIoU (higher better) and +10% RMSE (lower better) cancel: (10 - 10) / 2 = 0
        assertEquals(0.0, DeltaM.of(java.util.Map.of("semseg_miou", 44.0, "depth_rmse", 0.55),
                java.util.Map.of("semseg_miou", 40.0, "depth_rmse", 0.5)), 1e-9);
        // paper-style check: mIoU 49.63 vs 48.0 and RMSE 0.474 vs 0.50 -> ((3.396) + (5.2)) / 2
        double expected = ((49.63 - 48.0) / 48.0 * 100 + (0.50 - 0.474) / 0.50 * 100) / 2;
        assertEquals(expected, DeltaM.of(java.util.Map.of("semseg_miou", 49.63, "depth_rmse", 0.474),
                java.util.Map.of("semseg_miou", 48.0, "depth_rmse", 0.50)), 1e-9);
        assertTrue(Double.isNaN(DeltaM.of(java.util.Map.of("a_miou", 1.0), java.util.Map.of())));
    }

    @Test
    void saliencyMaxFAndIou() {
        SaliencyMetrics m = new SaliencyMetrics();
        // labels 1 1 0 0 (255 ignored), probabilities 0.9 0.4 0.3 0.1
        m.add(new byte[] {1, 1, 0, 0, (byte) 255}, new float[] {0.9f, 0.4f, 0.3f, 0.1f, 0.99f});
        // threshold in (0.3, 0.4]: TP 2, FP 0 -> F = 1 is the max
        assertEquals(1.0, m.maxF(), 1e-12);
        // at 0.5: fg IoU = 1/2 (tp 1, fn 1), bg IoU = 2/3 (tp 2, fp 1) -> mean 7/12
        assertEquals(7.0 / 12, m.meanIou(), 1e-12);
    }
}
