package org.kemwb.infer;

import org.kemwb.model.Task;
import org.kemwb.util.Resample;

/**
 * How an image of imageHeight x imageWidth pixels sits inside a model input of modelHeight x
 * modelWidth pixels: resized to contentHeight x contentWidth (aspect kept up to rounding) and
 * padded, centred, with {@link #PAD} (letterbox). Nothing is ever stretched to the model's aspect.
 *
 * <p>Coordinates are continuous pixel coordinates: pixel (x, y) covers [x, x+1) x [y, y+1).
 * Image coordinate u maps to model coordinate {@code left + u * contentWidth / imageWidth} (same
 * for y with top/contentHeight); the inverse maps back. A token of a patch-p grid covers model
 * pixels [gx p, (gx+1) p) x [gy p, (gy+1) p); its cell index is gy * gw + gx (row-major, gw =
 * modelWidth / p columns, gh = modelHeight / p rows).
 *
 * <p>Resampling ({@link Resample}): bilinear, anti-aliased when shrinking, both for the image
 * going in and for outputs coming back. Outputs are cropped to the content, then resampled to the
 * image's own size, per task (see {@link #restore}).
 *
 * @param imageHeight rows of the original image, >= 1
 * @param imageWidth columns of the original image, >= 1
 * @param modelHeight rows of the model input, >= contentHeight
 * @param modelWidth columns of the model input, >= contentWidth
 * @param contentHeight rows the image occupies in the model input, >= 1
 * @param contentWidth columns the image occupies in the model input, >= 1
 * @param top padding rows above the content
 * @param left padding columns left of the content
 */
public record Letterbox(int imageHeight, int imageWidth, int modelHeight, int modelWidth, int contentHeight,
        int contentWidth, int top, int left) {

    /** Value of padded input pixels: the model's pixel mean, so padding is 0 after normalisation. */
    public static final float PAD = 0.45f;

    public Letterbox {
        if (imageHeight < 1 || imageWidth < 1 || contentHeight < 1 || contentWidth < 1) {
            throw new IllegalArgumentException("letterbox: sizes must be >= 1");
        }
        if (top < 0 || left < 0 || top + contentHeight > modelHeight || left + contentWidth > modelWidth) {
            throw new IllegalArgumentException("letterbox: content " + contentHeight + "x" + contentWidth + " at (" + top + ", "
                    + left + ") does not fit in " + modelHeight + "x" + modelWidth);
        }
    }

    /**
     * Scales the image by min(modelHeight / h, modelWidth / w) (up or down) so that it fills the
     * model input along one axis, and centres it along the other.
     */
    public static Letterbox fit(int h, int w, int modelHeight, int modelWidth) {
        double scale = Math.min((double) modelHeight / h, (double) modelWidth / w);
        int ch = Math.max(1, Math.min(modelHeight, (int) Math.round(h * scale)));
        int cw = Math.max(1, Math.min(modelWidth, (int) Math.round(w * scale)));
        return new Letterbox(h, w, modelHeight, modelWidth, ch, cw, (modelHeight - ch) / 2, (modelWidth - cw) / 2);
    }

    /**
     * Keeps the image at its own size and pads it, centred, to the smallest multiple of
     * {@code multiple} in each direction (a patch-p model running at the image's own size).
     */
    public static Letterbox padTo(int h, int w, int multiple) {
        int mh = (h + multiple - 1) / multiple * multiple;
        int mw = (w + multiple - 1) / multiple * multiple;
        return new Letterbox(h, w, mh, mw, h, w, (mh - h) / 2, (mw - w) / 2);
    }

    /** True when the image is the model input as it is (same size, no padding): nothing to resample. */
    public boolean identity() {
        return imageHeight == modelHeight && imageWidth == modelWidth && contentHeight == modelHeight
                && contentWidth == modelWidth;
    }

    /** Horizontal scale, model pixels per image pixel. */
    public double scaleX() {
        return (double) contentWidth / imageWidth;
    }

    /** Vertical scale, model pixels per image pixel. */
    public double scaleY() {
        return (double) contentHeight / imageHeight;
    }

    public double toModelX(double imageX) {
        return left + imageX * scaleX();
    }

    public double toModelY(double imageY) {
        return top + imageY * scaleY();
    }

    public double toImageX(double modelX) {
        return (modelX - left) / scaleX();
    }

    public double toImageY(double modelY) {
        return (modelY - top) / scaleY();
    }

    /**
     * Row-major cell index (gy * gw + gx) of the patch-p token whose patch holds the centre of
     * image pixel (x, y).
     */
    public int tokenAt(int x, int y, int patch) {
        int gx = (int) Math.floor(toModelX(x + 0.5) / patch);
        int gy = (int) Math.floor(toModelY(y + 0.5) / patch);
        return gy * (modelWidth / patch) + gx;
    }

    /**
     * The image region a token covers: {x0, y0, x1, y1} in continuous image coordinates, clipped to
     * the image, or null for a token that lies wholly in the padding.
     */
    public double[] tokenBox(int cell, int patch) {
        int gw = modelWidth / patch;
        int gx = cell % gw;
        int gy = cell / gw;
        double x0 = Math.max(0, toImageX((double) gx * patch));
        double x1 = Math.min(imageWidth, toImageX((double) (gx + 1) * patch));
        double y0 = Math.max(0, toImageY((double) gy * patch));
        double y1 = Math.min(imageHeight, toImageY((double) (gy + 1) * patch));
        return x1 <= x0 || y1 <= y0 ? null : new double[] {x0, y0, x1, y1};
    }

    /**
     * The model input: the image resized to the content size and placed in a PAD-filled frame.
     *
     * @param image (channels, imageHeight, imageWidth) planar
     * @return (channels, modelHeight, modelWidth) planar
     */
    public float[] toModel(float[] image, int channels) {
        float[] content = Resample.resize(image, channels, imageHeight, imageWidth, contentHeight, contentWidth);
        float[] out = new float[channels * modelHeight * modelWidth];
        java.util.Arrays.fill(out, PAD);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < contentHeight; y++) {
                System.arraycopy(content, (c * contentHeight + y) * contentWidth, out,
                        (c * modelHeight + top + y) * modelWidth + left, contentWidth);
            }
        }
        return out;
    }

    /**
     * A model-size map cropped to the content and resampled to the image's own size.
     *
     * @param model (channels, modelHeight, modelWidth) planar
     * @return (channels, imageHeight, imageWidth) planar
     */
    public float[] toImage(float[] model, int channels) {
        if (model.length != channels * modelHeight * modelWidth) {
            throw new IllegalArgumentException("letterbox: " + model.length + " values, expected " + channels + "x"
                    + modelHeight + "x" + modelWidth);
        }
        float[] crop = new float[channels * contentHeight * contentWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < contentHeight; y++) {
                System.arraycopy(model, (c * modelHeight + top + y) * modelWidth + left, crop,
                        (c * contentHeight + y) * contentWidth, contentWidth);
            }
        }
        return Resample.resize(crop, channels, contentHeight, contentWidth, imageHeight, imageWidth);
    }

    /**
     * One task's raw output brought back to the image's pixels, in the same units as the model's
     * output, by {@link #toImage} applied the way each kind of map needs:
     * <ul>
     *   <li>depth: resampled as it is (metres);</li>
     *   <li>normals: resampled, then renormalised to unit length;</li>
     *   <li>edges, saliency (logits): resampled as probabilities sigmoid(z), returned as logits
     *       log(p / (1 - p)) with p clamped to [1e-7, 1 - 1e-7];</li>
     *   <li>semseg, parts (class logits): the logits resampled, so that the arg-max over channels
     *       ({@link #classMap}) is the class map of bilinearly resampled logits.</li>
     * </ul>
     * An {@link #identity} letterbox returns the output unchanged (a copy).
     *
     * @param model (channels, modelHeight, modelWidth)
     * @return (channels, imageHeight, imageWidth)
     */
    public float[] restore(Task task, float[] model, int channels) {
        if (identity()) {
            if (model.length != channels * modelHeight * modelWidth) {
                throw new IllegalArgumentException("letterbox: " + model.length + " values, expected " + channels + "x"
                        + modelHeight + "x" + modelWidth);
            }
            return model.clone();
        }
        switch (task) {
            case EDGES, SALIENCY -> {
                float[] p = new float[model.length];
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) (1 / (1 + Math.exp(-model[i])));
                }
                float[] r = toImage(p, channels);
                for (int i = 0; i < r.length; i++) {
                    double q = Math.max(1e-7, Math.min(1 - 1e-7, r[i]));
                    r[i] = (float) Math.log(q / (1 - q));
                }
                return r;
            }
            case NORMALS -> {
                float[] r = toImage(model, channels);
                int n = imageHeight * imageWidth;
                for (int i = 0; i < n; i++) {
                    double len = Math.sqrt(r[i] * r[i] + r[n + i] * r[n + i] + r[2 * n + i] * r[2 * n + i]);
                    if (len > 1e-12) {
                        for (int c = 0; c < 3; c++) {
                            r[c * n + i] = (float) (r[c * n + i] / len);
                        }
                    }
                }
                return r;
            }
            default -> {
                return toImage(model, channels);
            }
        }
    }

    /** Arg-max over channels of (channels, H, W) class logits: an H x W class map, row-major. */
    public static int[] classMap(float[] logits, int channels) {
        int n = logits.length / channels;
        int[] out = new int[n];
        for (int p = 0; p < n; p++) {
            int best = 0;
            for (int c = 1; c < channels; c++) {
                if (logits[c * n + p] > logits[best * n + p]) {
                    best = c;
                }
            }
            out[p] = best;
        }
        return out;
    }
}
