package org.kemwb.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kemwb.train.TrainingRun;

/** Every metric under each convention, on hand-made sets whose values are worked out in the comments. */
class MetricConventionTest {
    @Test
    void semsegAbsentClassCountsZeroOnlyWhenPublished() {
        int[] label = {0, 0, 1, 1};
        int[] pred = {0, 0, 1, 0};
        // class 0: tp 2, fp 1 -> 2/3; class 1: tp 1, fn 1 -> 1/2; class 2 absent from both
        SegmentationMetrics published = SegmentationMetrics.semseg(3, MetricConvention.PUBLISHED);
        published.add(label, pred);
        assertEquals((2.0 / 3 + 0.5 + 0) / 3, published.meanIou(), 1e-12);
        assertEquals(0.0, published.iou()[2]);
        SegmentationMetrics pooled = SegmentationMetrics.semseg(3, MetricConvention.POOLED);
        pooled.add(label, pred);
        assertEquals((2.0 / 3 + 0.5) / 2, pooled.meanIou(), 1e-12);
        assertTrue(Double.isNaN(pooled.iou()[2]));
        assertTrue(Double.isNaN(SegmentationMetrics.semseg(3, MetricConvention.PUBLISHED).meanIou()), "empty set");
    }

    @Test
    void humanPartsSkipsOnlySingleValueBackgroundOrUnlabelledImages() {
        SegmentationMetrics published = SegmentationMetrics.humanParts(3, MetricConvention.PUBLISHED);
        published.add(new int[] {0, 0, 0}, new int[] {1, 1, 2}); // no person: skipped
        published.add(new int[] {255, 255, 255}, new int[] {1, 1, 2}); // no label: skipped
        published.add(new int[] {1, 1, 0}, new int[] {1, 1, 0}); // perfect
        assertEquals(2, published.skippedImages());
        assertEquals(1.0 * 2 / 3, published.meanIou(), 1e-12); // classes 0, 1 perfect, 2 absent -> 0
        // background + unlabelled pixels together are not "one value": scored, as eval_human_parts does
        published.add(new int[] {0, 255}, new int[] {1, 1});
        assertEquals(0, published.skippedImages() - 2);
        assertEquals(2, published.images());
        SegmentationMetrics pooled = SegmentationMetrics.humanParts(3, MetricConvention.POOLED);
        pooled.add(new int[] {0, 0, 0}, new int[] {1, 1, 2});
        pooled.add(new int[] {1, 1, 0}, new int[] {1, 1, 0});
        // class 0: tp 1, fn 3 -> 1/4; class 1: tp 2, fp 2 -> 1/2; class 2: fp 1 -> 0
        assertEquals((0.25 + 0.5 + 0) / 3, pooled.meanIou(), 1e-12);
        assertEquals(0, pooled.skippedImages());
    }

    @Test
    void depthClampsOnlyWhenPublishedAndLogRmseAlwaysClamps() {
        float[] gt = {2, 4, 0};
        float[] pred = {-1, 5, 7}; // third pixel has no label
        DepthMetrics published = new DepthMetrics(MetricConvention.PUBLISHED);
        published.add(gt, pred);
        double e0 = 1e-9 - 2;
        assertEquals(Math.sqrt((e0 * e0 + 1) / 2), published.rmse(), 1e-12);
        assertEquals(((2 - 1e-9) / 2 + 0.25) / 2, published.absRel(), 1e-12);
        double l0 = Math.log(2) - Math.log(1e-9);
        double l1 = Math.log(4) - Math.log(5);
        assertEquals(Math.sqrt((l0 * l0 + l1 * l1) / 2), published.logRmse(), 1e-12);
        DepthMetrics pooled = new DepthMetrics(MetricConvention.POOLED);
        pooled.add(gt, pred);
        assertEquals(Math.sqrt((9 + 1) / 2.0), pooled.rmse(), 1e-12);
        assertEquals((1.5 + 0.25) / 2, pooled.absRel(), 1e-12);
        assertEquals(published.logRmse(), pooled.logRmse(), 1e-12);
    }

    @Test
    void normalsRmseBesideMeanAndMedianUnderEveryConvention() {
        NormalsMetrics n = new NormalsMetrics();
        // planar (3, 3): pixel 0 exact (0 deg), pixel 1 at 90 deg, pixel 2 at 180 deg
        n.add(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0}, new float[] {2, 0, -1, 0, 0, 0, 0, 3, 0});
        assertEquals(90, n.mean(), 1e-9);
        assertEquals(90, n.median(), 1e-9);
        assertEquals(Math.sqrt((0 + 8100 + 32400) / 3.0), n.rmse(), 1e-9);
    }

    @Test
    void saliencyPublishedAveragesImagesPooledPoolsPixels() {
        byte[] la = {1, 1, 0, 0};
        float[] pa = {0.95f, 0.95f, 0.1f, 0.1f}; // mask [1 1 0 0] at every t in 0.2..0.9
        byte[] lb = {1, 0, 0, 0};
        float[] pb = {0.1f, 0.1f, 0.1f, 0.1f}; // empty mask: IoU 0, precision 0, recall 0
        SaliencyMetrics published = new SaliencyMetrics(MetricConvention.PUBLISHED);
        published.add(la, pa);
        published.add(lb, pb);
        assertEquals(0.5, published.meanIou(), 1e-9);
        assertEquals(0.5, published.maxF(), 1e-9); // mean P 0.5, mean R 0.5
        // an image with no salient pixel and an empty mask has IoU 1 (precision, recall 0)
        published.add(new byte[] {0, 0, 0, 0}, pb);
        assertEquals(2.0 / 3, published.meanIou(), 1e-9);
        assertEquals(1.0 / 3, published.maxF(), 1e-9);
        // an image without any label is skipped
        published.add(new byte[] {(byte) 255, (byte) 255}, new float[] {1, 1});
        assertEquals(2.0 / 3, published.meanIou(), 1e-9);

        SaliencyMetrics pooled = new SaliencyMetrics(MetricConvention.POOLED);
        pooled.add(la, pa);
        pooled.add(lb, pb);
        // t in [0.10, 0.95): tp 2, fp 0, fn 1 -> P 1, R 2/3, F(beta2 0.3) = 1.3 * 2/3 / (0.3 + 2/3) = 26/29
        assertEquals(26.0 / 29, pooled.maxF(), 1e-9);
        // mask p >= 0.5: foreground IoU 2/3, background IoU 5/6
        assertEquals((2.0 / 3 + 5.0 / 6) / 2, pooled.meanIou(), 1e-9);
    }

    @Test
    void saliencyThresholdsAreStrictAndTheInvptGridIsSigmoidOfTheProbability() {
        // p = 0.2 exactly is not above the first published threshold
        SaliencyMetrics edge = new SaliencyMetrics(MetricConvention.PUBLISHED);
        edge.add(new byte[] {1}, new float[] {0.2f});
        assertEquals(0.0, edge.meanIou(), 1e-12);
        edge = new SaliencyMetrics(MetricConvention.PUBLISHED);
        edge.add(new byte[] {1}, new float[] {0.2001f});
        assertEquals(1.0, edge.meanIou(), 1e-12);

        byte[] label = {1, 0};
        float[] prob = {0.15f, 0.1f};
        SaliencyMetrics published = new SaliencyMetrics(MetricConvention.PUBLISHED);
        published.add(label, prob);
        assertEquals(0.0, published.maxF(), 1e-9); // nothing above 0.2
        // InvPT: sigmoid(0.15) = 0.537, sigmoid(0.1) = 0.525: both on for t <= 0.50 (P 1/2, R 1,
        // F(0.3) = 0.65 / 1.15 = 13/23), none from t = 0.55 (F undefined -> 0)
        SaliencyMetrics invpt = new SaliencyMetrics(MetricConvention.INVPT);
        invpt.add(label, prob);
        assertEquals(13.0 / 23, invpt.maxF(), 1e-9);
        assertEquals(published.meanIou(), invpt.meanIou(), 1e-12);
        // pooled: 0.10 <= t < 0.15 splits the two pixels -> F = 1
        SaliencyMetrics pooled = new SaliencyMetrics(MetricConvention.POOLED);
        pooled.add(label, prob);
        assertEquals(1.0, pooled.maxF(), 1e-9);
        assertEquals(19, SaliencyMetrics.INVPT_THRESHOLDS.length);
        assertEquals(0.95, SaliencyMetrics.INVPT_THRESHOLDS[18], 1e-12);
        assertEquals(15, SaliencyMetrics.PUBLISHED_THRESHOLDS.length);
        assertEquals(0.55, SaliencyMetrics.PUBLISHED_THRESHOLDS[7], 1e-12);
        assertEquals(0.9, SaliencyMetrics.PUBLISHED_THRESHOLDS[14]);
    }

    @Test
    void deltaMIgnoresSecondaryMetrics() {
        // saliency maxF and depth log-RMSE moved a lot; only mIoU and RMSE count (+10 %, -10 %)
        Map<String, Double> stl = Map.of("saliency_miou", 50.0, "saliency_maxf", 80.0, "depth_rmse", 1.0, "depth_log_rmse", 0.5);
        Map<String, Double> mtl = Map.of("saliency_miou", 55.0, "saliency_maxf", 40.0, "depth_rmse", 1.1, "depth_log_rmse", 0.1);
        assertEquals(0.0, DeltaM.of(mtl, stl), 1e-9);
    }

    @Test
    void conventionNamesAndOlderRunRows() {
        assertEquals(MetricConvention.INVPT, MetricConvention.parse(" InvPT "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricConvention.parse("mtl"));
        assertTrue(e.getMessage().contains("published, pooled, invpt"), e.getMessage());
        assertEquals(MetricConvention.POOLED, TrainingRun.convention(Map.of("semseg_miou", "40")));
        assertEquals(MetricConvention.PUBLISHED, TrainingRun.convention(Map.of("convention", "published")));
        assertTrue(TrainingRun.isMetric("depth_absrel") && TrainingRun.isMetric("depth_log_rmse")
                && TrainingRun.isMetric("normals_rmse_deg") && !TrainingRun.isMetric("convention"));
    }
}
