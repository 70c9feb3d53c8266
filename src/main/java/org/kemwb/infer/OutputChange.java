package org.kemwb.infer;

import org.kemwb.model.Task;

/**
 * Per-pixel change of one task's output between two predictions (what-if probing): class maps
 * 1 where the arg-max class changed, depth |Δ| in metres, normals the angle in degrees,
 * edges/saliency |Δ probability|.
 */
public final class OutputChange {
    private OutputChange() {}

    public static float[] of(Prediction before, Prediction after, int task) {
        int n = before.height() * before.width();
        float[] a = before.outputs().get(task);
        float[] b = after.outputs().get(task);
        int c = before.channels(task);
        float[] out = new float[n];
        Task t = before.tasks().get(task);
        for (int p = 0; p < n; p++) {
            out[p] = switch (t) {
                case SEMSEG, PARTS -> OutputImages.argmax(a, c, n, p) == OutputImages.argmax(b, c, n, p) ? 0f : 1f;
                case DEPTH -> Math.abs(a[p] - b[p]);
                case NORMALS -> {
                    double dot = a[p] * b[p] + a[n + p] * b[n + p] + a[2 * n + p] * b[2 * n + p];
                    yield (float) Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot))));
                }
                case EDGES, SALIENCY -> (float) Math.abs(1 / (1 + Math.exp(-a[p])) - 1 / (1 + Math.exp(-b[p])));
            };
        }
        return out;
    }

    /** Mean of a change map (height x width) outside (or inside) a rectangle given in fractions of the image. */
    public static double mean(float[] change, int height, int width, double x0, double y0, double x1, double y1, boolean inside) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double fx = (x + 0.5) / width;
                double fy = (y + 0.5) / height;
                boolean in = fx >= x0 && fx <= x1 && fy >= y0 && fy <= y1;
                if (in == inside) {
                    sum += change[y * width + x];
                    count++;
                }
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
