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
import org.kemwb.metrics.EdgeMetrics;
import org.kemwb.metrics.MetricConvention;
import org.kemwb.metrics.NormalsMetrics;
import org.kemwb.metrics.SaliencyMetrics;
import org.kemwb.metrics.SegmentationMetrics;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.Task;

/** Set-level metrics of a model on labelled samples (names as in metrics.csv). */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Everything one evaluation measured: {@code metrics} (metrics.csv names: mIoU, maxF, ODS/OIS
     * F and AP in percent, depth in metres, angles in degrees) and, for semseg and parts, the set's confusion
     * matrix (null for a task the model lacks).
     */
    public record Result(MetricConvention convention, Map<String, Double> metrics, SegmentationMetrics semseg,
            SegmentationMetrics parts) {}

    /** metrics.csv columns of one task, in the order they are written. */
    public static List<String> metricNames(Task task) {
        return switch (task) {
            case SEMSEG -> List.of("semseg_miou");
            case PARTS -> List.of("parts_miou");
            case DEPTH -> List.of("depth_rmse", "depth_log_rmse", "depth_absrel");
            case NORMALS -> List.of("normals_mean_deg", "normals_median_deg", "normals_rmse_deg");
            case SALIENCY -> List.of("saliency_maxf", "saliency_miou");
            case EDGES -> List.of("edges_odsf", "edges_oisf", "edges_ap");
        };
    }

    /** Per-pixel arg-max class of one (C, H, W) logit map. */
    static int[] classes(NDArray logits) {
        return logits.argMax(0).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
    }

    /** Metrics under the published convention. */
    public static Map<String, Double> evaluate(LoadedModel model, List<Sample> samples, int batchSize) {
        return evaluate(model, samples, batchSize, MetricConvention.PUBLISHED);
    }

    public static Map<String, Double> evaluate(LoadedModel model, List<Sample> samples, int batchSize,
            MetricConvention convention) {
        return run(model, samples, batchSize, convention).metrics();
    }

    /** Runs the model over {@code samples} in batches and scores every task it has. */
    public static Result run(LoadedModel model, List<Sample> samples, int batchSize, MetricConvention convention) {
        return run(model, samples, batchSize, convention, done -> { }, () -> false);
    }

    /**
     * As {@link #run(LoadedModel, List, int, MetricConvention)}, reporting the images scored so
     * far after each batch and stopping between batches once {@code cancelled} turns true.
     *
     * @return the result, or null when cancelled
     */
    public static Result run(LoadedModel model, List<Sample> samples, int batchSize, MetricConvention convention,
            java.util.function.IntConsumer imagesDone, java.util.function.BooleanSupplier cancelled) {
        List<Task> tasks = model.config().tasks();
        SegmentationMetrics seg = SegmentationMetrics.semseg(model.config().semsegClasses(), convention);
        SegmentationMetrics parts = SegmentationMetrics.humanParts(model.config().partsClasses(), convention);
        DepthMetrics depth = new DepthMetrics(convention);
        NormalsMetrics normals = new NormalsMetrics();
        SaliencyMetrics saliency = new SaliencyMetrics(convention);
        EdgeMetrics edges = new EdgeMetrics();
        for (int start = 0; start < samples.size(); start += batchSize) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
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
                            case EDGES -> edges.add(s.edges(), ai.djl.nn.Activation.sigmoid(o.get(i)).toFloatArray(), s.width(), s.height());
                        }
                    }
                }
            }
            imagesDone.accept(start + chunk.size());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Task task : tasks) {
            switch (task) {
                case SEMSEG -> m.put("semseg_miou", seg.meanIou() * 100);
                case PARTS -> m.put("parts_miou", parts.meanIou() * 100);
                case DEPTH -> {
                    m.put("depth_rmse", depth.rmse());
                    m.put("depth_log_rmse", depth.logRmse());
                    m.put("depth_absrel", depth.absRel());
                }
                case NORMALS -> {
                    m.put("normals_mean_deg", normals.mean());
                    m.put("normals_median_deg", normals.median());
                    m.put("normals_rmse_deg", normals.rmse());
                }
                case SALIENCY -> {
                    m.put("saliency_maxf", saliency.maxF() * 100);
                    m.put("saliency_miou", saliency.meanIou() * 100);
                }
                case EDGES -> {
                    m.put("edges_odsf", edges.odsF() * 100);
                    m.put("edges_oisf", edges.oisF() * 100);
                    m.put("edges_ap", edges.ap() * 100);
                }
            }
        }
        return new Result(convention, m, tasks.contains(Task.SEMSEG) ? seg : null, tasks.contains(Task.PARTS) ? parts : null);
    }
}
