package org.kemwb.metrics;

import java.util.Map;

/**
 * Multi-task gain over single-task baselines: Δm = (1/T) Σ_t (−1)^{l_t} (M_t − M_STL,t) / M_STL,t
 * × 100, with l_t = 1 for metrics where lower is better. Positive = better than single-task.
 */
public final class DeltaM {
    private DeltaM() {}

    public static boolean lowerIsBetter(String metric) {
        return metric.endsWith("rmse") || metric.endsWith("deg") || metric.endsWith("absrel") || metric.startsWith("loss");
    }

    /** Δm over the metrics present in both maps; NaN when none are. */
    public static double of(Map<String, Double> model, Map<String, Double> singleTask) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, Double> e : model.entrySet()) {
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
