package org.kemwb.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kemwb.io.Npy;
import org.kemwb.metrics.DepthMetrics;
import org.kemwb.metrics.EdgeMetrics;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.metrics.NormalsMetrics;
import org.kemwb.metrics.SaliencyMetrics;
import org.kemwb.metrics.SegmentationMetrics;
import org.kemwb.util.Json;

/**
 * The PyTorch trainer's metrics (interop/pytorch/kemwb_torch/metrics.py) and the workbench's
 * (published convention) give the same numbers on the same predictions, so the curves of a run
 * trained with train.py compare with native runs. Fixture: interop/pytorch/make_metrics_fixture.py
 * (3 images with ignored pixels, an absent class, an image without a person, depth <= 0 and 0
 * labels, zero normals) and 3 edge maps of 96 x 128 (shifted and thick strokes, noise, an unlabelled
 * strip, an image without boundaries). Tolerance: 1e-6 relative (1e-6 absolute below 1) for every
 * metric, edges included; the edge counts are integers, so ODS/OIS/AP differ by rounding only.
 */
class MetricsParityTest {
    static final Path DIR = Path.of("src", "test", "resources", "interop", "metrics-parity");
    static final int IMAGES = 3;
    /** Edge maps are larger (96 x 128: the matching tolerance, 0.0075 x diagonal, is 1.2 pixels). */
    static final int EDGE_HEIGHT = 96;
    static final int EDGE_WIDTH = 128;

    static float[] npy(String name, int image) throws IOException {
        return Npy.read(DIR.resolve(name + "_" + image + ".npy")).data();
    }

    static int[] ints(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.round(a[i]);
        }
        return out;
    }

    /** Arg-max over channels of planar (C, n) logits. */
    static int[] argmax(float[] logits, int channels) {
        int n = logits.length / channels;
        int[] out = new int[n];
        for (int p = 0; p < n; p++) {
            for (int c = 1; c < channels; c++) {
                if (logits[c * n + p] > logits[out[p] * n + p]) {
                    out[p] = c;
                }
            }
        }
        return out;
    }

    @Test
    void javaMetricsEqualTheTrainersOnTheSamePredictions() throws IOException {
        var published = MetricConvention.PUBLISHED;
        SegmentationMetrics semseg = SegmentationMetrics.semseg(6, published);
        SegmentationMetrics parts = SegmentationMetrics.humanParts(5, published);
        DepthMetrics depth = new DepthMetrics(published);
        NormalsMetrics normals = new NormalsMetrics();
        SaliencyMetrics saliency = new SaliencyMetrics(published);
        EdgeMetrics edges = new EdgeMetrics();
        for (int i = 0; i < IMAGES; i++) {
            semseg.add(ints(npy("semseg_gt", i)), argmax(npy("semseg_logits", i), 6));
            parts.add(ints(npy("parts_gt", i)), argmax(npy("parts_logits", i), 5));
            depth.add(npy("depth_gt", i), npy("depth_pred", i));
            normals.add(npy("normals_gt", i), npy("normals_pred", i));
            int[] sal = ints(npy("saliency_gt", i));
            byte[] salBytes = new byte[sal.length];
            for (int p = 0; p < sal.length; p++) {
                salBytes[p] = (byte) sal[p];
            }
            saliency.add(salBytes, npy("saliency_prob", i));
            int[] edgeLabels = ints(npy("edges_gt", i));
            byte[] edgeBytes = new byte[edgeLabels.length];
            for (int p = 0; p < edgeBytes.length; p++) {
                edgeBytes[p] = (byte) edgeLabels[p];
            }
            edges.add(edgeBytes, npy("edges_prob", i), EDGE_WIDTH, EDGE_HEIGHT);
        }
        Map<String, Double> java = new LinkedHashMap<>();
        java.put("semseg_miou", semseg.meanIou() * 100);
        java.put("parts_miou", parts.meanIou() * 100);
        java.put("depth_rmse", depth.rmse());
        java.put("depth_log_rmse", depth.logRmse());
        java.put("depth_absrel", depth.absRel());
        java.put("normals_mean_deg", normals.mean());
        java.put("normals_median_deg", normals.median());
        java.put("normals_rmse_deg", normals.rmse());
        java.put("saliency_maxf", saliency.maxF() * 100);
        java.put("saliency_miou", saliency.meanIou() * 100);
        java.put("edges_odsf", edges.odsF() * 100);
        java.put("edges_oisf", edges.oisF() * 100);
        java.put("edges_ap", edges.ap() * 100);
        JsonNode python = Json.MAPPER.readTree(DIR.resolve("expected.json").toFile());
        assertEquals(java.size(), python.size(), "same metrics: " + python);
        java.forEach((k, v) -> assertEquals(python.get(k).asDouble(), v, 1e-6 * Math.max(1, Math.abs(v)), k));
    }
}
