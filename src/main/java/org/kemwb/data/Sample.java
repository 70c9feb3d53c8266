package org.kemwb.data;

/**
 * One image with labels for every task, row-major, size x size. rgb and normals are planar
 * (channel, y, x). semseg and parts use 255 for "ignore"; depth is metres, 0 where invalid.
 */
public record Sample(int size, float[] rgb, int[] semseg, float[] depth, float[] normals, byte[] edges,
        byte[] saliency, int[] parts) {}
