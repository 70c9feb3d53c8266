package org.kemwb.train;

import org.kemwb.data.Sample;

/** Label-consistent augmentation: every map of a sample is resampled with the same pixel mapping. */
public final class Augment {
    private Augment() {}

    /** Horizontal flip of image and all labels; the x component of normals changes sign. */
    public static Sample flip(Sample s, boolean doFlip) {
        if (!doFlip) {
            return s;
        }
        int size = s.size();
        int[] from = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                from[y * size + x] = y * size + (size - 1 - x);
            }
        }
        return remap(s, from, true);
    }

    /**
     * Random zoom: a window of side size/scale at relative offset (fx, fy) in [0,1] resampled to
     * the full size, nearest-neighbour for every map so labels stay exact. Depth and normals keep
     * their values (the convention of the public MTL code bases).
     */
    public static Sample scaleCrop(Sample s, double scale, double fx, double fy) {
        if (scale <= 1.0) {
            return s;
        }
        int size = s.size();
        double window = size / scale;
        double x0 = fx * (size - window);
        double y0 = fy * (size - window);
        int[] from = new int[size * size];
        for (int y = 0; y < size; y++) {
            int sy = Math.min(size - 1, (int) (y0 + (y + 0.5) * window / size));
            for (int x = 0; x < size; x++) {
                int sx = Math.min(size - 1, (int) (x0 + (x + 0.5) * window / size));
                from[y * size + x] = sy * size + sx;
            }
        }
        return remap(s, from, false);
    }

    /** Output pixel p takes every map's value at input pixel from[p]. */
    static Sample remap(Sample s, int[] from, boolean mirrorNormalsX) {
        int n = from.length;
        float[] rgb = new float[3 * n];
        float[] normals = new float[3 * n];
        int[] seg = new int[n];
        float[] depth = new float[n];
        byte[] edges = new byte[n];
        byte[] sal = new byte[n];
        int[] parts = new int[n];
        for (int p = 0; p < n; p++) {
            int q = from[p];
            for (int c = 0; c < 3; c++) {
                rgb[c * n + p] = s.rgb()[c * n + q];
                normals[c * n + p] = s.normals()[c * n + q];
            }
            if (mirrorNormalsX) {
                normals[p] = -normals[p];
            }
            seg[p] = s.semseg()[q];
            depth[p] = s.depth()[q];
            edges[p] = s.edges()[q];
            sal[p] = s.saliency()[q];
            parts[p] = s.parts()[q];
        }
        return new Sample(s.size(), rgb, seg, depth, normals, edges, sal, parts);
    }
}
