package org.kemwb.experiment;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation of one measurement over seeds. */
public record Stat(double mean, double std) {
    public static Stat of(List<Double> xs) {
        double m = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double v = xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / Math.max(1, xs.size() - 1);
        return new Stat(m, Math.sqrt(v));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }
}
