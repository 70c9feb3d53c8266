package org.kemwb.data;

import org.kemwb.model.Task;

/**
 * One image with labels for every task, row-major, {@code height} rows of {@code width} pixels.
 * rgb and normals are planar (channel, y, x), rgb in [0, 1]. semseg and parts use 255 for
 * "ignore"; depth is metres, 0 where invalid; normals all-zero where invalid; edges and saliency
 * 0/1 with 255 = no label.
 */
public record Sample(int width, int height, float[] rgb, int[] semseg, float[] depth, float[] normals, byte[] edges,
        byte[] saliency, int[] parts) {
    /** The "no label" value of semseg, parts, edges and saliency. */
    public static final int IGNORE = 255;

    public Sample {
        int n = width * height;
        if (width < 1 || height < 1 || rgb.length != 3 * n || semseg.length != n || depth.length != n || normals.length != 3 * n
                || edges.length != n || saliency.length != n || parts.length != n) {
            throw new IllegalArgumentException("sample of " + width + "x" + height + ": a map has the wrong length");
        }
    }

    /** A square sample, size x size. */
    public Sample(int size, float[] rgb, int[] semseg, float[] depth, float[] normals, byte[] edges, byte[] saliency,
            int[] parts) {
        this(size, size, rgb, semseg, depth, normals, edges, saliency, parts);
    }

    /** Pixels per map, width * height. */
    public int pixels() {
        return width * height;
    }

    public boolean square() {
        return width == height;
    }

    /**
     * Side of a square sample.
     *
     * @throws IllegalStateException for a non-square sample (use {@link #width()} and {@link #height()})
     */
    public int size() {
        if (width != height) {
            throw new IllegalStateException("sample is " + width + "x" + height + ", not square");
        }
        return width;
    }

    /**
     * This image with only the labels of {@code keep}: every other task's label becomes "no
     * label" (255, or 0 for depth and normals), so its loss skips this image.
     */
    public Sample withLabelsOnly(java.util.Set<Task> keep) {
        int n = pixels();
        return new Sample(width, height, rgb,
                keep.contains(Task.SEMSEG) ? semseg : filled(n, IGNORE),
                keep.contains(Task.DEPTH) ? depth : new float[n],
                keep.contains(Task.NORMALS) ? normals : new float[3 * n],
                keep.contains(Task.EDGES) ? edges : ignoredBytes(n),
                keep.contains(Task.SALIENCY) ? saliency : ignoredBytes(n),
                keep.contains(Task.PARTS) ? parts : filled(n, IGNORE));
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static byte[] ignoredBytes(int n) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, (byte) IGNORE);
        return a;
    }
}
