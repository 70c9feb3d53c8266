package org.kemwb.metrics;

import java.util.Arrays;

/**
 * Angle error (degrees) between predicted and labelled normals, planar (3, n) arrays, pooled over
 * every valid pixel of a set (a label of zero length is "no label"). Both vectors are normalised
 * first. Mean, median, RMSE = sqrt(mean angle²) and the fraction within 11.25/22.5/30 degrees, as
 * {@code eval_normals} of Multi-Task-Learning-PyTorch computes them (the same under every
 * {@link MetricConvention}).
 */
public final class NormalsMetrics {
    private double[] angles = new double[1024];
    private int count;

    public void add(float[] label, float[] prediction) {
        int n = label.length / 3;
        for (int p = 0; p < n; p++) {
            double lx = label[p];
            double ly = label[n + p];
            double lz = label[2 * n + p];
            double ln = Math.sqrt(lx * lx + ly * ly + lz * lz);
            if (ln == 0) {
                continue;
            }
            double px = prediction[p];
            double py = prediction[n + p];
            double pz = prediction[2 * n + p];
            double pn = Math.max(1e-12, Math.sqrt(px * px + py * py + pz * pz));
            double cos = Math.max(-1, Math.min(1, (lx * px + ly * py + lz * pz) / (ln * pn)));
            if (count == angles.length) {
                angles = Arrays.copyOf(angles, count * 2);
            }
            angles[count++] = Math.toDegrees(Math.acos(cos));
        }
    }

    public double mean() {
        return count == 0 ? Double.NaN : Arrays.stream(angles, 0, count).average().orElse(Double.NaN);
    }

    /** Root mean square angle error in degrees; NaN when no pixel was scored. */
    public double rmse() {
        if (count == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += angles[i] * angles[i];
        }
        return Math.sqrt(sum / count);
    }

    public double median() {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(angles, count);
        Arrays.sort(sorted);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
    }

    /** Fraction of pixels with error below the threshold (11.25, 22.5, 30 by convention). */
    public double within(double degrees) {
        if (count == 0) {
            return Double.NaN;
        }
        long n = Arrays.stream(angles, 0, count).filter(a -> a < degrees).count();
        return (double) n / count;
    }
}
