package org.kemwb.io;

/**
 * Separable resampling weights of a triangle filter (Pillow's BILINEAR): output sample {@code i}
 * has centre {@code (i + 0.5) * in / out} in input coordinates and support
 * {@code max(in / out, 1)}; weights are normalised to sum to 1.
 */
final class Resample {
    record Weights(int[] start, float[][] kernel) {}

    private Resample() {}

    static Weights weights(int in, int out) {
        double scale = (double) in / out;
        double support = Math.max(scale, 1.0);
        int[] start = new int[out];
        float[][] kernel = new float[out][];
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
            int hi = Math.min(in, (int) Math.floor(centre + support + 0.5));
            if (hi <= lo) {
                hi = Math.min(in, lo + 1);
                lo = hi - 1;
            }
            float[] k = new float[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double d = Math.abs((j + 0.5 - centre) / support);
                double v = d < 1 ? 1 - d : 0;
                k[j - lo] = (float) v;
                sum += v;
            }
            for (int j = 0; j < k.length; j++) {
                k[j] = sum > 0 ? (float) (k[j] / sum) : 1f / k.length;
            }
            start[i] = lo;
            kernel[i] = k;
        }
        return new Weights(start, kernel);
    }
}
