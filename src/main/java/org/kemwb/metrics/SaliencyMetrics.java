package org.kemwb.metrics;

/**
 * Saliency over a whole set, from per-pixel probabilities: maxF = the largest F-beta
 * (beta^2 = 0.3) over thresholds 0.00..0.99 with TP/FP/FN pooled over the set, and mIoU of the
 * foreground/background split at threshold 0.5 (mean of the two classes' IoU). Labels 255 ignored.
 */
public final class SaliencyMetrics {
    static final int THRESHOLDS = 100;
    static final double BETA2 = 0.3;
    private final long[] tp = new long[THRESHOLDS];
    private final long[] fp = new long[THRESHOLDS];
    private final long[] fn = new long[THRESHOLDS];
    private final SegmentationMetrics half = new SegmentationMetrics(2);

    public void add(byte[] label, float[] probability) {
        int[] l = new int[label.length];
        int[] p = new int[label.length];
        for (int i = 0; i < label.length; i++) {
            int y = label[i] & 0xff;
            l[i] = y == 255 ? 255 : y;
            p[i] = probability[i] >= 0.5f ? 1 : 0;
            if (y == 255) {
                continue;
            }
            for (int t = 0; t < THRESHOLDS; t++) {
                boolean on = probability[i] > t / (double) THRESHOLDS;
                if (on && y == 1) {
                    tp[t]++;
                } else if (on) {
                    fp[t]++;
                } else if (y == 1) {
                    fn[t]++;
                }
            }
        }
        half.add(l, p);
    }

    public double maxF() {
        double best = 0;
        for (int t = 0; t < THRESHOLDS; t++) {
            double precision = tp[t] + fp[t] == 0 ? 0 : (double) tp[t] / (tp[t] + fp[t]);
            double recall = tp[t] + fn[t] == 0 ? 0 : (double) tp[t] / (tp[t] + fn[t]);
            double denom = BETA2 * precision + recall;
            if (denom > 0) {
                best = Math.max(best, (1 + BETA2) * precision * recall / denom);
            }
        }
        return best;
    }

    public double meanIou() {
        return half.meanIou();
    }
}
