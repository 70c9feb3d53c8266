package org.kemwb.metrics;

/**
 * Depth errors pooled over every valid pixel of a set (label > 0 and finite; a label of 0 means
 * "no measurement"), in metres:
 * RMSE = sqrt(mean (d - g)²), log-RMSE = sqrt(mean (ln g - ln d)²), abs-rel = mean |d - g| / g.
 * Under {@code PUBLISHED}/{@code INVPT} a prediction d <= 0 is first clamped to 1e-9, as
 * {@code eval_depth} of Multi-Task-Learning-PyTorch does; under {@code POOLED} RMSE and abs-rel
 * use the raw prediction (log-RMSE, undefined for d <= 0, always uses the clamped one).
 */
public final class DepthMetrics {
    /** Smallest prediction scored (published convention). */
    public static final double MIN_PREDICTION = 1e-9;
    private final MetricConvention convention;
    private double squared;
    private double logSquared;
    private double absRel;
    private long count;

    /** Pooled-convention depth errors (one image's numbers in Inspect). */
    public DepthMetrics() {
        this(MetricConvention.POOLED);
    }

    public DepthMetrics(MetricConvention convention) {
        this.convention = convention;
    }

    /** Adds one image: label and prediction in metres, same length (any layout, paired by index). */
    public void add(float[] label, float[] prediction) {
        if (label.length != prediction.length) {
            throw new IllegalArgumentException("label has " + label.length + " pixels, prediction " + prediction.length);
        }
        for (int i = 0; i < label.length; i++) {
            double g = label[i];
            if (!(g > 0) || Double.isInfinite(g)) {
                continue;
            }
            double raw = prediction[i];
            double clamped = raw <= 0 ? MIN_PREDICTION : raw;
            double d = convention == MetricConvention.POOLED ? raw : clamped;
            double e = d - g;
            squared += e * e;
            absRel += Math.abs(e) / g;
            double le = Math.log(g) - Math.log(clamped);
            logSquared += le * le;
            count++;
        }
    }

    /** Valid pixels scored so far. */
    public long pixels() {
        return count;
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(squared / count);
    }

    public double logRmse() {
        return count == 0 ? Double.NaN : Math.sqrt(logSquared / count);
    }

    public double absRel() {
        return count == 0 ? Double.NaN : absRel / count;
    }
}
