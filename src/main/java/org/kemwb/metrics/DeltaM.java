package org.kemwb.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-task gain over single-task baselines (Maninis et al., CVPR 2019; as
 * {@code calculate_multi_task_performance} of Multi-Task-Learning-PyTorch computes it):
 * Δm = (1/T) Σ_t (−1)^{l_t} (M_t − M_STL,t) / M_STL,t × 100 over the T tasks, with ONE metric per
 * task ({@link #PRIMARY}: semseg, parts and saliency by mIoU, edges by ODS F, depth by RMSE,
 * normals by the mean angle) and l_t = 1 where lower is better. Positive = better than
 * single-task. Metric names are those of {@code metrics.csv}.
 */
public final class DeltaM {
    private DeltaM() {}

    /** The one metric each task contributes to Δm, in task order. */
    public static final List<String> PRIMARY = List.of("semseg_miou", "depth_rmse", "normals_mean_deg", "edges_odsf",
            "saliency_miou", "parts_miou");

    /** True for error metrics (RMSE, abs-rel, angles, losses). */
    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("rmse") || metric.endsWith("deg") || metric.endsWith("absrel") || metric.startsWith("loss");
    }

    /** The primary metrics of {@code metrics}, in {@link #PRIMARY} order. */
    public static Map<String, Double> primary(Map<String, Double> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : PRIMARY) {
            Double v = metrics.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /**
     * Δm in percent over the tasks whose primary metric is in both maps (other metrics are not
     * counted); NaN when there is none.
     */
    public static double of(Map<String, Double> model, Map<String, Double> singleTask) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, Double> e : primary(model).entrySet()) {
            Double base = singleTask.get(e.getKey());
            if (base == null || base == 0 || e.getValue().isNaN() || base.isNaN()) {
                continue;
            }
            double rel = (e.getValue() - base) / base;
            sum += lowerIsBetter(e.getKey()) ? -rel : rel;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n * 100;
    }
}
