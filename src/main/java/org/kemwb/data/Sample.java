package org.kemwb.data;

import org.kemwb.model.Task;

/**
 * One image with labels for every task, row-major, size x size. rgb and normals are planar
 * (channel, y, x). semseg and parts use 255 for "ignore"; depth is metres, 0 where invalid.
 */
public record Sample(int size, float[] rgb, int[] semseg, float[] depth, float[] normals, byte[] edges,
        byte[] saliency, int[] parts) {
    /** The "no label" value of semseg, parts, edges and saliency. */
    public static final int IGNORE = 255;

    /**
     * This image with only the labels of {@code keep}: every other task's label becomes "no
     * label" (255, or 0 for depth and normals), so its loss skips this image.
     */
    public Sample withLabelsOnly(java.util.Set<Task> keep) {
        int n = size * size;
        return new Sample(size, rgb,
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
