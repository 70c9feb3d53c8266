package org.kemwb.train;

import ai.djl.training.tracker.Tracker;

/** Linear warm-up, then polynomial decay lr * (1 - t/T)^power to 0 at the last step. */
public final class PolyLearningRate implements Tracker {
    private final float base;
    private final int warmup;
    private final int total;
    private final double power;

    public PolyLearningRate(float base, int warmup, int total, double power) {
        this.base = base;
        this.warmup = warmup;
        this.total = Math.max(1, total);
        this.power = power;
    }

    /** Learning rate of the optimizer update with 1-based index {@code update}. */
    @Override
    public float getNewValue(int update) {
        int step = Math.max(0, update - 1);
        if (step < warmup) {
            return base * (step + 1) / (warmup + 1);
        }
        double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, total - warmup));
        return (float) (base * Math.pow(1.0 - progress, power));
    }
}
