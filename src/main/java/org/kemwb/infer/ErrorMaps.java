package org.kemwb.infer;

import org.kemwb.data.Sample;
import org.kemwb.model.Task;

/**
 * Per-pixel error of a prediction against its ground truth, for the error panels of Inspect.
 * Every map is n = H x W long (the prediction's size, row-major); pixels without a label are NaN.
 * <ul>
 *   <li>depth: absolute error |d - d*| in metres where the label is positive;</li>
 *   <li>normals: angle between the predicted and the true normal in degrees (both normalised;
 *       the same angle as {@code NormalsMetrics}), where the label has non-zero length;</li>
 *   <li>semseg and parts: 1 where the predicted class (arg max) differs from the label, 0 where
 *       it agrees, NaN where the label is 255 (ignored);</li>
 *   <li>edges and saliency: 1 where the thresholded probability (p > 0.5, logit > 0) differs from
 *       the label, NaN where the label is 255.</li>
 * </ul>
 */
public final class ErrorMaps {
    private ErrorMaps() {}

    /** Unit of a task's error map, for legends ("m", "°" or "" for wrong-pixel maps). */
    public static String unit(Task task) {
        return switch (task) {
            case DEPTH -> "m";
            case NORMALS -> "°";
            default -> "";
        };
    }

    /** Whether the map marks wrong pixels (0/1) rather than a continuous error. */
    public static boolean binary(Task task) {
        return task != Task.DEPTH && task != Task.NORMALS;
    }

    /**
     * @param out the task's raw output (C, H, W) planar
     * @param channels C
     * @param gt labels at the prediction's size H x W
     * @return the error map, H*W long, NaN where unlabelled
     * @throws IllegalArgumentException when the label size differs from the output size
     */
    public static float[] of(Task task, float[] out, int channels, Sample gt) {
        int n = gt.pixels();
        if (out.length != channels * n) {
            throw new IllegalArgumentException("ground truth is " + gt.width() + "x" + gt.height() + " but the " + task.id()
                    + " output has " + out.length / Math.max(1, channels) + " pixels");
        }
        float[] err = new float[n];
        for (int p = 0; p < n; p++) {
            err[p] = switch (task) {
                case DEPTH -> gt.depth()[p] > 0 ? Math.abs(out[p] - gt.depth()[p]) : Float.NaN;
                case NORMALS -> angle(out, gt.normals(), n, p);
                case SEMSEG -> gt.semseg()[p] == 255 ? Float.NaN : OutputImages.argmax(out, channels, n, p) == gt.semseg()[p] ? 0 : 1;
                case PARTS -> gt.parts()[p] == 255 ? Float.NaN : OutputImages.argmax(out, channels, n, p) == gt.parts()[p] ? 0 : 1;
                case EDGES -> (gt.edges()[p] & 0xff) == Sample.IGNORE ? Float.NaN : (out[p] > 0) == (gt.edges()[p] != 0) ? 0 : 1;
                case SALIENCY -> (gt.saliency()[p] & 0xff) == Sample.IGNORE ? Float.NaN
                        : (out[p] > 0) == (gt.saliency()[p] != 0) ? 0 : 1;
            };
        }
        return err;
    }

    private static float angle(float[] pred, float[] truth, int n, int p) {
        double tx = truth[p];
        double ty = truth[n + p];
        double tz = truth[2 * n + p];
        double tl = Math.sqrt(tx * tx + ty * ty + tz * tz);
        double px = pred[p];
        double py = pred[n + p];
        double pz = pred[2 * n + p];
        double pl = Math.sqrt(px * px + py * py + pz * pz);
        if (tl < 1e-6) {
            return Float.NaN;
        }
        if (pl < 1e-12) {
            return 90f; // no direction predicted: orthogonal to every label, by convention
        }
        double cos = (px * tx + py * ty + pz * tz) / (pl * tl);
        return (float) Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    /** Largest finite value of a map (0 for an empty or all-NaN map). */
    public static float max(float[] map) {
        float m = 0;
        for (float v : map) {
            if (!Float.isNaN(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    /** Mean over the labelled (non-NaN) pixels, NaN when none is labelled. */
    public static double mean(float[] map) {
        double sum = 0;
        int count = 0;
        for (float v : map) {
            if (!Float.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** {@link #render(Task, float[], int, int, float)} of a square map, size x size. */
    public static java.awt.image.BufferedImage render(Task task, float[] err, int size, float max) {
        return render(task, err, size, size, max);
    }

    /**
     * Colour image of an error map, width x height (row-major, as {@link #of}): continuous errors
     * on the Turbo map over [0, max], wrong pixels red and right ones dark grey; unlabelled pixels black.
     */
    public static java.awt.image.BufferedImage render(Task task, float[] err, int width, int height, float max) {
        var img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        int size = width;
        for (int p = 0; p < width * height; p++) {
            float v = err[p];
            int rgb;
            if (Float.isNaN(v)) {
                rgb = 0;
            } else if (binary(task)) {
                rgb = v > 0 ? WRONG : RIGHT;
            } else {
                rgb = OutputImages.turbo(max > 0 ? v / max : 0);
            }
            img.setRGB(p % size, p / size, rgb);
        }
        return img;
    }

    /** Colour of a wrong pixel in wrong-pixel maps. */
    public static final int WRONG = 0xe6194b;
    /** Colour of a right pixel in wrong-pixel maps. */
    public static final int RIGHT = 0x404040;
}
