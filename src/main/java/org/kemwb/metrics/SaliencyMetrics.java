package org.kemwb.metrics;

/**
 * Saliency over a set, from per-pixel probabilities p in [0, 1] and binary labels (1 salient,
 * 0 not, 255 no label: ignored). Under a {@link MetricConvention}:
 * <ul>
 * <li>{@code PUBLISHED} ({@code SaliencyMeter}/{@code eval_sal} of Multi-Task-Learning-PyTorch):
 * for each image and each of the 15 thresholds t = 0.20, 0.25, ..., 0.90 ({@code linspace(0.2,
 * 0.9, 15)}), the mask p > t (compared in float32) gives the foreground IoU (1 when mask and label are both empty),
 * precision TP/(TP+FP+1e-12) and recall TP/(TP+FN+1e-12). Each is averaged over images; mIoU =
 * the best threshold's mean IoU; maxF = max over t of 2·P̄·R̄/(P̄+R̄+1e-12) (β² = 1, from the mean
 * precision and mean recall). An image without a labelled pixel is skipped.</li>
 * <li>{@code INVPT}: mIoU as {@code PUBLISHED}; maxF pooled over the set with β² = 0.3 at
 * thresholds t = 0.05, 0.10, ..., 0.95 (19 steps) applied as sigmoid(p) >= t (see
 * {@link MetricConvention#INVPT}); an undefined F counts 0.</li>
 * <li>{@code POOLED}: maxF = the largest F (β² = 0.3) over t = 0.00, 0.01, ..., 0.99 (p > t) with
 * TP/FP/FN pooled over the set; mIoU = the mean of the foreground and background IoU of the mask
 * p >= 0.5, pooled over the set.</li>
 * </ul>
 */
public final class SaliencyMetrics {
    static final int POOLED_THRESHOLDS = 100;
    static final double POOLED_BETA2 = 0.3;
    /** Thresholds of the published convention: numpy's linspace(0.2, 0.9, 15). */
    static final double[] PUBLISHED_THRESHOLDS = linspace(0.2, 0.9, 15);
    /** Thresholds of InvPT's maxF: 0.05 * k for k = 1..19 (torch.arange(0.05, 1, 0.05)). */
    static final double[] INVPT_THRESHOLDS = invptThresholds();
    static final double INVPT_BETA2 = 0.3;
    private static final double EPS = 1e-12;

    private final MetricConvention convention;
    // pooled counts (POOLED maxF: t = k/100; INVPT maxF: its 19 thresholds)
    private final long[] tp;
    private final long[] fp;
    private final long[] fn;
    private final SegmentationMetrics half = new SegmentationMetrics(2);
    // per-image sums (PUBLISHED / INVPT mIoU and PUBLISHED maxF)
    private final double[] iouSum = new double[PUBLISHED_THRESHOLDS.length];
    private final double[] precisionSum = new double[PUBLISHED_THRESHOLDS.length];
    private final double[] recallSum = new double[PUBLISHED_THRESHOLDS.length];
    private int images;

    /** Pooled convention (as the workbench computed before conventions were named). */
    public SaliencyMetrics() {
        this(MetricConvention.POOLED);
    }

    public SaliencyMetrics(MetricConvention convention) {
        this.convention = convention;
        int n = convention == MetricConvention.INVPT ? INVPT_THRESHOLDS.length : POOLED_THRESHOLDS;
        tp = new long[n];
        fp = new long[n];
        fn = new long[n];
    }

    static double[] linspace(double start, double stop, int num) {
        double[] t = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            t[i] = i * step + start;
        }
        t[num - 1] = stop;
        return t;
    }

    private static double[] invptThresholds() {
        double[] t = new double[19];
        for (int k = 1; k <= 19; k++) {
            t[k - 1] = 0.05 * k;
        }
        return t;
    }

    /**
     * Adds one image: {@code label} bytes 0/1/255 and {@code probability} per pixel, same length.
     *
     * @throws IllegalArgumentException arrays of different length
     */
    public void add(byte[] label, float[] probability) {
        if (label.length != probability.length) {
            throw new IllegalArgumentException("label has " + label.length + " pixels, prediction " + probability.length);
        }
        switch (convention) {
            case POOLED -> addPooled(label, probability);
            case PUBLISHED -> addPerImage(label, probability);
            case INVPT -> {
                addPerImage(label, probability);
                addInvpt(label, probability);
            }
        }
    }

    private void addPooled(byte[] label, float[] probability) {
        int[] l = new int[label.length];
        int[] p = new int[label.length];
        for (int i = 0; i < label.length; i++) {
            int y = label[i] & 0xff;
            l[i] = y == 255 ? 255 : y;
            p[i] = probability[i] >= 0.5f ? 1 : 0;
            if (y == 255) {
                continue;
            }
            for (int t = 0; t < POOLED_THRESHOLDS; t++) {
                count(t, probability[i] > t / (double) POOLED_THRESHOLDS, y == 1);
            }
        }
        half.add(l, p);
    }

    private void addInvpt(byte[] label, float[] probability) {
        for (int i = 0; i < label.length; i++) {
            int y = label[i] & 0xff;
            if (y == 255) {
                continue;
            }
            double s = 1 / (1 + Math.exp(-probability[i]));
            for (int t = 0; t < INVPT_THRESHOLDS.length; t++) {
                count(t, s >= INVPT_THRESHOLDS[t], y == 1);
            }
        }
    }

    private void count(int t, boolean on, boolean salient) {
        if (on && salient) {
            tp[t]++;
        } else if (on) {
            fp[t]++;
        } else if (salient) {
            fn[t]++;
        }
    }

    private void addPerImage(byte[] label, float[] probability) {
        boolean any = false;
        for (byte b : label) {
            if ((b & 0xff) != 255) {
                any = true;
                break;
            }
        }
        if (!any) {
            return;
        }
        for (int t = 0; t < PUBLISHED_THRESHOLDS.length; t++) {
            float threshold = (float) PUBLISHED_THRESHOLDS[t]; // compared in float32, as the torch meter does
            long a = 0;
            long falsePos = 0;
            long falseNeg = 0;
            for (int i = 0; i < label.length; i++) {
                int y = label[i] & 0xff;
                if (y == 255) {
                    continue;
                }
                boolean on = probability[i] > threshold;
                if (on && y == 1) {
                    a++;
                } else if (on) {
                    falsePos++;
                } else if (y == 1) {
                    falseNeg++;
                }
            }
            long union = a + falsePos + falseNeg;
            iouSum[t] += union == 0 ? 1 : (double) a / union;
            precisionSum[t] += a / (a + falsePos + EPS);
            recallSum[t] += a / (a + falseNeg + EPS);
        }
        images++;
    }

    /** Largest F-measure over the convention's thresholds, in [0, 1]; NaN when nothing was scored. */
    public double maxF() {
        return switch (convention) {
            case POOLED -> pooledMaxF(POOLED_BETA2, false);
            case INVPT -> pooledMaxF(INVPT_BETA2, true);
            case PUBLISHED -> {
                if (images == 0) {
                    yield Double.NaN;
                }
                double best = 0;
                for (int t = 0; t < PUBLISHED_THRESHOLDS.length; t++) {
                    double p = precisionSum[t] / images;
                    double r = recallSum[t] / images;
                    best = Math.max(best, 2 * p * r / (p + r + EPS));
                }
                yield best;
            }
        };
    }

    private double pooledMaxF(double beta2, boolean needCounts) {
        double best = 0;
        boolean any = false;
        for (int t = 0; t < tp.length; t++) {
            long labelled = tp[t] + fp[t] + fn[t];
            any |= labelled > 0;
            double precision = tp[t] + fp[t] == 0 ? 0 : (double) tp[t] / (tp[t] + fp[t]);
            double recall = tp[t] + fn[t] == 0 ? 0 : (double) tp[t] / (tp[t] + fn[t]);
            double denom = beta2 * precision + recall;
            if (denom > 0) {
                best = Math.max(best, (1 + beta2) * precision * recall / denom);
            }
        }
        return needCounts && !any ? Double.NaN : best;
    }

    /** Saliency mIoU in [0, 1] under the convention; NaN when nothing was scored. */
    public double meanIou() {
        if (convention == MetricConvention.POOLED) {
            return half.meanIou();
        }
        if (images == 0) {
            return Double.NaN;
        }
        double best = 0;
        for (double s : iouSum) {
            best = Math.max(best, s / images);
        }
        return best;
    }
}
