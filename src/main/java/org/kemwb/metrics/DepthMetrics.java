package org.kemwb.metrics;

/** Depth RMSE and abs-rel pooled over all valid pixels (label > 0) of a set. */
public final class DepthMetrics {
    private double squared;
    private double absRel;
    private long count;

    public void add(float[] label, float[] prediction) {
        for (int i = 0; i < label.length; i++) {
            if (label[i] > 0) {
                double e = prediction[i] - label[i];
                squared += e * e;
                absRel += Math.abs(e) / label[i];
                count++;
            }
        }
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(squared / count);
    }

    public double absRel() {
        return count == 0 ? Double.NaN : absRel / count;
    }
}
