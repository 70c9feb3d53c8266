package org.kemwb.runs;

import java.util.List;
import java.util.TreeMap;

/** Curve arithmetic for charts: smoothing and the mean and spread of runs that differ only by seed. */
public final class Curves {
    private Curves() {}

    /**
     * Debiased exponential moving average, as TensorBoard's scalar dashboard draws it:
     * {@code m_t = w·m_{t-1} + (1-w)·v_t} from {@code m_0 = 0}, divided by {@code 1 - w^t} (the
     * weight the zero start took), so early points are not pulled towards 0. Non-finite values
     * pass through unchanged and do not enter the average.
     *
     * @param weight smoothing in [0, 1): 0 returns the raw values
     * @throws IllegalArgumentException for a weight outside [0, 1)
     */
    public static double[] smooth(double[] values, double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing " + weight + ": must be in [0, 1)");
        }
        double[] out = new double[values.length];
        double last = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                out[i] = v;
                continue;
            }
            last = last * weight + (1 - weight) * v;
            n++;
            out[i] = weight == 0 ? v : last / (1 - Math.pow(weight, n));
        }
        return out;
    }

    /** The curve with its values smoothed (see {@link #smooth(double[], double)}). */
    public static Curve smooth(Curve c, double weight) {
        return new Curve(c.steps(), smooth(c.values(), weight));
    }

    /** Mean and sample standard deviation (n-1; 0 for one run) of several runs at each step all of them logged. */
    public record Band(double[] steps, double[] mean, double[] std, int runs) {}

    public static Band meanStd(List<Curve> curves) {
        if (curves.isEmpty()) {
            return new Band(new double[0], new double[0], new double[0], 0);
        }
        TreeMap<Double, double[]> at = new TreeMap<>(); // step -> sum, sum of squares, count
        for (Curve c : curves) {
            for (int i = 0; i < c.size(); i++) {
                if (Double.isFinite(c.values()[i])) {
                    double[] acc = at.computeIfAbsent(c.steps()[i], k -> new double[3]);
                    acc[0] += c.values()[i];
                    acc[2]++;
                }
            }
        }
        at.values().removeIf(acc -> acc[2] < curves.size());
        int n = at.size();
        double[] steps = new double[n];
        double[] mean = new double[n];
        double[] std = new double[n];
        int i = 0;
        for (var e : at.entrySet()) {
            steps[i] = e.getKey();
            mean[i] = e.getValue()[0] / curves.size();
            i++;
        }
        // second pass for the spread (numerically stable: deviations from the mean)
        for (Curve c : curves) {
            for (int k = 0; k < c.size(); k++) {
                int j = java.util.Arrays.binarySearch(steps, c.steps()[k]);
                if (j >= 0 && Double.isFinite(c.values()[k])) {
                    double d = c.values()[k] - mean[j];
                    std[j] += d * d;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            std[j] = curves.size() > 1 ? Math.sqrt(std[j] / (curves.size() - 1)) : 0;
        }
        return new Band(steps, mean, std, curves.size());
    }
}
