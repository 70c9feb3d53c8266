package org.kemwb.train;

import org.kemwb.data.Sample;

/** Label-consistent augmentation. */
public final class Augment {
    private Augment() {}

    /** Horizontal flip of image and all labels; the x component of normals changes sign. */
    public static Sample flip(Sample s, boolean doFlip) {
        if (!doFlip) {
            return s;
        }
        int size = s.size();
        int n = size * size;
        float[] rgb = new float[3 * n];
        float[] normals = new float[3 * n];
        int[] seg = new int[n];
        float[] depth = new float[n];
        byte[] edges = new byte[n];
        byte[] sal = new byte[n];
        int[] parts = new int[n];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int from = y * size + x;
                int to = y * size + (size - 1 - x);
                for (int c = 0; c < 3; c++) {
                    rgb[c * n + to] = s.rgb()[c * n + from];
                    normals[c * n + to] = c == 0 ? -s.normals()[from] : s.normals()[c * n + from];
                }
                seg[to] = s.semseg()[from];
                depth[to] = s.depth()[from];
                edges[to] = s.edges()[from];
                sal[to] = s.saliency()[from];
                parts[to] = s.parts()[from];
            }
        }
        return new Sample(size, rgb, seg, depth, normals, edges, sal, parts);
    }
}
