package org.kemwb.util;

/**
 * Separable bilinear resampling of planar float maps, anti-aliased when shrinking: the
 * triangle (tent) filter of Pillow's {@code Image.resize(BILINEAR)} and of PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=True)}.
 *
 * <p>Pixel i of an axis covers [i, i+1); output pixel o of an axis resized from {@code in} to
 * {@code out} samples at input coordinate c = (o + 0.5) * in / out. With f = max(1, in / out),
 * input pixel i gets weight max(0, 1 - |i + 0.5 - c| / f), and the weights of o are normalised to
 * sum 1 (pixels outside the axis are dropped, which equals clamping at the border when
 * enlarging). Enlarging (f = 1) is plain bilinear interpolation between the two nearest pixel
 * centres; shrinking widens the tent to f input pixels so that every input pixel contributes
 * (no aliasing). Resizing to the same size is the identity.
 */
public final class Resample {
    private Resample() {}

    /**
     * The weights of one axis.
     *
     * @param first per output pixel, the first input pixel with a weight
     * @param weights per output pixel, the weights of input pixels first, first+1, ...; sum 1
     */
    public record Axis(int[] first, float[][] weights) {}

    /** Weights resizing an axis of {@code in} pixels to {@code out} pixels (both >= 1). */
    public static Axis axis(int in, int out) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("resample " + in + " -> " + out + ": sizes must be >= 1");
        }
        double scale = (double) in / out;
        double f = Math.max(1.0, scale);
        int[] first = new int[out];
        float[][] weights = new float[out][];
        for (int o = 0; o < out; o++) {
            double c = (o + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(c - f - 0.5));
            int hi = Math.min(in - 1, (int) Math.ceil(c + f - 0.5));
            double[] w = new double[hi - lo + 1];
            double sum = 0;
            for (int i = lo; i <= hi; i++) {
                double v = Math.max(0, 1 - Math.abs(i + 0.5 - c) / f);
                w[i - lo] = v;
                sum += v;
            }
            // trim leading zero weights so 'first' is the first pixel that counts
            int start = 0;
            while (start < w.length - 1 && w[start] == 0) {
                start++;
            }
            int end = w.length;
            while (end > start + 1 && w[end - 1] == 0) {
                end--;
            }
            first[o] = lo + start;
            weights[o] = new float[end - start];
            for (int i = start; i < end; i++) {
                weights[o][i - start] = (float) (w[i] / sum);
            }
        }
        return new Axis(first, weights);
    }

    /** The axis weights as a dense (out x in) row-major matrix: y = M x resizes a vector. */
    public static float[] matrix(int in, int out) {
        Axis a = axis(in, out);
        float[] m = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < a.weights()[o].length; j++) {
                m[o * in + a.first()[o] + j] = a.weights()[o][j];
            }
        }
        return m;
    }

    /**
     * Resizes planar maps.
     *
     * @param src (channels, h, w) row-major
     * @return (channels, outH, outW) row-major
     */
    public static float[] resize(float[] src, int channels, int h, int w, int outH, int outW) {
        if (src.length != (long) channels * h * w) {
            throw new IllegalArgumentException("resample: " + src.length + " values, expected " + channels + "x" + h + "x" + w);
        }
        if (h == outH && w == outW) {
            return src.clone();
        }
        Axis ax = axis(w, outW);
        Axis ay = axis(h, outH);
        float[] rows = new float[h * outW];
        float[] out = new float[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            int base = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int o = 0; o < outW; o++) {
                    float[] wt = ax.weights()[o];
                    int s = base + y * w + ax.first()[o];
                    float v = 0;
                    for (int j = 0; j < wt.length; j++) {
                        v += wt[j] * src[s + j];
                    }
                    rows[y * outW + o] = v;
                }
            }
            int outBase = c * outH * outW;
            for (int o = 0; o < outH; o++) {
                float[] wt = ay.weights()[o];
                int f = ay.first()[o];
                int d = outBase + o * outW;
                for (int j = 0; j < wt.length; j++) {
                    float k = wt[j];
                    int s = (f + j) * outW;
                    for (int x = 0; x < outW; x++) {
                        out[d + x] += k * rows[s + x];
                    }
                }
            }
        }
        return out;
    }
}
