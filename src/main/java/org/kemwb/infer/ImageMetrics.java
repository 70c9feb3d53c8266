package org.kemwb.infer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.kemwb.data.Sample;
import org.kemwb.metrics.DepthMetrics;
import org.kemwb.metrics.NormalsMetrics;
import org.kemwb.metrics.SegmentationMetrics;
import org.kemwb.model.Task;

/** Metrics of one prediction against its ground truth (Inspect's per-image numbers). */
public final class ImageMetrics {
    private ImageMetrics() {}

    /** task id -> "name value" text. */
    public static Map<Task, String> of(Prediction p, Sample gt) {
        Map<Task, String> out = new LinkedHashMap<>();
        int n = p.height() * p.width();
        if (gt.height() != p.height() || gt.width() != p.width()) {
            throw new IllegalArgumentException("ground truth is " + gt.height() + "x" + gt.width() + ", the prediction "
                    + p.height() + "x" + p.width());
        }
        for (int t = 0; t < p.tasks().size(); t++) {
            Task task = p.tasks().get(t);
            float[] o = p.outputs().get(t);
            switch (task) {
                case SEMSEG, PARTS -> {
                    int[] pred = new int[n];
                    for (int i = 0; i < n; i++) {
                        pred[i] = OutputImages.argmax(o, p.channels(t), n, i);
                    }
                    SegmentationMetrics m = new SegmentationMetrics(p.channels(t));
                    m.add(task == Task.SEMSEG ? gt.semseg() : gt.parts(), pred);
                    out.put(task, String.format(java.util.Locale.ROOT, "mIoU %.1f, pixel acc %.1f", m.meanIou() * 100, m.pixelAccuracy() * 100));
                }
                case DEPTH -> {
                    DepthMetrics m = new DepthMetrics();
                    m.add(gt.depth(), o);
                    out.put(task, String.format(java.util.Locale.ROOT, "RMSE %.3f m, abs-rel %.3f", m.rmse(), m.absRel()));
                }
                case NORMALS -> {
                    NormalsMetrics m = new NormalsMetrics();
                    m.add(gt.normals(), o);
                    out.put(task, String.format(java.util.Locale.ROOT, "mean %.1f°, median %.1f°", m.mean(), m.median()));
                }
                default -> { }
            }
        }
        return out;
    }
}
