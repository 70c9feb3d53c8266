package org.kemwb.runs;

import java.util.Arrays;

/**
 * One metric over training steps: {@code steps} strictly increasing, {@code values[i]} at
 * {@code steps[i]} (same length).
 */
public record Curve(double[] steps, double[] values) {
    public Curve {
        if (steps.length != values.length) {
            throw new IllegalArgumentException("curve: " + steps.length + " steps but " + values.length + " values");
        }
    }

    public static final Curve EMPTY = new Curve(new double[0], new double[0]);

    public int size() {
        return steps.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Curve c && Arrays.equals(steps, c.steps) && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(steps) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Curve" + Arrays.toString(steps) + "=" + Arrays.toString(values);
    }
}
