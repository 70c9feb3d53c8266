package org.kemwb.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kemwb.data.Batch;
import org.kemwb.data.Batches;
import org.kemwb.data.Sample;
import org.kemwb.metrics.DepthMetrics;
import org.kemwb.metrics.NormalsMetrics;
import org.kemwb.metrics.SaliencyMetrics;
import org.kemwb.metrics.SegmentationMetrics;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;

/** Set-level metrics of a model on labelled samples (names as in metrics.csv). */
public final class Evaluator {
    private Evaluator() {}

    /** Per-pixel arg-max class of one (C, H, W) logit map. */
    static int[] classes(NDArray logits) {
        return logits.argMax(0).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
    }

    public static Map<String, Double> evaluate(LoadedModel model, List<Sample> samples, int batchSize) {
        List<Task> tasks = model.config().tasks();
        SegmentationMetrics seg = new SegmentationMetrics(model.config().semsegClasses());
        SegmentationMetrics parts = new SegmentationMetrics(model.config().partsClasses());
        DepthMetrics depth = new DepthMetrics();
        NormalsMetrics normals = new NormalsMetrics();
        SaliencyMetrics saliency = new SaliencyMetrics();
        for (int start = 0; start < samples.size(); start += batchSize) {
            List<Sample> chunk = samples.subList(start, Math.min(samples.size(), start + batchSize));
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = Batches.of(scope, chunk, List.of());
                NDList out = model.infer(scope, batch.images(), false).outputs();
                for (int t = 0; t < tasks.size(); t++) {
                    NDArray o = out.get(t);
                    for (int i = 0; i < chunk.size(); i++) {
                        Sample s = chunk.get(i);
                        switch (tasks.get(t)) {
                            case SEMSEG -> seg.add(s.semseg(), classes(o.get(i)));
                            case PARTS -> parts.add(s.parts(), classes(o.get(i)));
                            case DEPTH -> depth.add(s.depth(), o.get(i).toFloatArray());
                            case NORMALS -> normals.add(s.normals(), o.get(i).toFloatArray());
                            case SALIENCY -> saliency.add(s.saliency(), ai.djl.nn.Activation.sigmoid(o.get(i)).toFloatArray());
                            default -> { }
                        }
                    }
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        if (tasks.contains(Task.SEMSEG)) {
            m.put("semseg_miou", seg.meanIou() * 100);
        }
        if (tasks.contains(Task.PARTS)) {
            m.put("parts_miou", parts.meanIou() * 100);
        }
        if (tasks.contains(Task.DEPTH)) {
            m.put("depth_rmse", depth.rmse());
        }
        if (tasks.contains(Task.NORMALS)) {
            m.put("normals_mean_deg", normals.mean());
        }
        if (tasks.contains(Task.SALIENCY)) {
            m.put("saliency_maxf", saliency.maxF() * 100);
            m.put("saliency_miou", saliency.meanIou() * 100);
        }
        return m;
    }
}
