package org.kemwb.train;

import java.util.SplittableRandom;
import org.kemwb.data.Sample;
import org.kemwb.io.Picture;

/**
 * Label-consistent augmentation as the public multi-task code bases do it (MTI-Net, ATRC, InvPT
 * {@code custom_transforms.py}: RandomScaling, RandomCrop, RandomHorizontalFlip, PadImage), as
 * one pixel mapping applied to every map of a sample:
 * <ol>
 * <li>scale the h x w sample by s to sh x sw = floor(h s) x floor(w s);</li>
 * <li>crop an outH x outW window at (top, left) of the scaled image (the whole scaled extent in
 * a dimension where it is smaller than the crop);</li>
 * <li>flip horizontally (the x component of every normal changes sign);</li>
 * <li>pad to outH x outW, the content centred (padding delta / 2 before, the rest after).</li>
 * </ol>
 * The image is resampled bilinearly with half-pixel centres (OpenCV's INTER_LINEAR, PyTorch's
 * {@code align_corners=False}, no antialiasing); every label map takes the nearest source pixel
 * under the same mapping, which is always one of the image's two bilinear neighbours, so labels
 * stay exact and aligned. Depth keeps its metres (the brief of this workbench; note that ATRC and
 * InvPT divide depth by s), normals are renormalised, invalid labels stay invalid. Padding: the
 * image gets the ImageNet mean {@link #PAD_RGB} (zero after the code bases' normalisation),
 * semseg, parts, edges and saliency 255 (ignored), depth and normals 0 (invalid).
 */
public final class Augment {
    private Augment() {}

    /** Image padding colour: the ImageNet mean the public code bases normalise with, RGB in [0, 1]. */
    static final float[] PAD_RGB = {0.485f, 0.456f, 0.406f};

    /**
     * Where one augmented sample comes from.
     *
     * @param scale the scale factor s (> 0)
     * @param top first row of the crop in the scaled image (0 when the scaled image is not taller than the crop)
     * @param left first column of the crop in the scaled image (0 when it is not wider than the crop)
     * @param flip whether the crop is mirrored left-right
     */
    public record Crop(double scale, int top, int left, boolean flip) {}

    /** Scaled extent of a side of n pixels: floor(n s), at least 1 (the 1e-9 absorbs rounding of an exact ratio). */
    static int scaled(int n, double scale) {
        return Math.max(1, (int) Math.floor(n * scale + 1e-9));
    }

    /**
     * A random crop for training: flip with probability 1/2, s uniform in [minScale, maxScale],
     * offsets uniform over the integer positions where the crop fits (drawn in that order from rnd).
     */
    public static Crop draw(int height, int width, int outH, int outW, double minScale, double maxScale, SplittableRandom rnd) {
        boolean flip = rnd.nextBoolean();
        double s = minScale + rnd.nextDouble() * (maxScale - minScale);
        int top = rnd.nextInt(Math.max(0, scaled(height, s) - outH) + 1);
        int left = rnd.nextInt(Math.max(0, scaled(width, s) - outW) + 1);
        return new Crop(s, top, left, flip);
    }

    /** A random training sample of outH x outW from s (see {@link #draw}). */
    public static Sample random(Sample s, int outH, int outW, double minScale, double maxScale, SplittableRandom rnd) {
        return apply(s, outH, outW, draw(s.height(), s.width(), outH, outW, minScale, maxScale, rnd));
    }

    /**
     * The whole sample fitted into outH x outW with its aspect kept (s = min(outH/h, outW/w)),
     * centred and padded (letterbox): how validation images of another size enter the model.
     * A shrunk image is resampled with {@link Picture#resize} (Pillow's antialiased bilinear, the
     * same half-pixel centres, so labels stay aligned) rather than plain bilinear, which would alias.
     */
    public static Sample fit(Sample s, int outH, int outW) {
        if (s.height() == outH && s.width() == outW) {
            return s;
        }
        double scale = Math.min((double) outH / s.height(), (double) outW / s.width());
        Sample out = apply(s, outH, outW, new Crop(scale, 0, 0, false));
        if (scale < 1) {
            int sh = scaled(s.height(), scale);
            int sw = scaled(s.width(), scale);
            float[] small = new Picture(s.width(), s.height(), s.rgb()).resize(sw, sh).rgb();
            int top = (outH - sh) / 2;
            int left = (outW - sw) / 2;
            for (int k = 0; k < 3; k++) {
                for (int y = 0; y < sh; y++) {
                    System.arraycopy(small, k * sh * sw + y * sw, out.rgb(), k * outH * outW + (top + y) * outW + left, sw);
                }
            }
        }
        return out;
    }

    /** Horizontal flip of image and all labels; the x component of normals changes sign. */
    public static Sample flip(Sample s, boolean doFlip) {
        return doFlip ? apply(s, s.height(), s.width(), new Crop(1.0, 0, 0, true)) : s;
    }

    /**
     * Scale, crop, flip and pad (class doc) every map of {@code s} into outH x outW.
     *
     * @throws IllegalArgumentException for a non-positive scale or size, or a crop offset outside the scaled image
     */
    public static Sample apply(Sample s, int outH, int outW, Crop c) {
        if (!(c.scale() > 0) || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("augment: scale " + c.scale() + " and size " + outH + "x" + outW + " must be positive");
        }
        int h = s.height();
        int w = s.width();
        int sh = scaled(h, c.scale());
        int sw = scaled(w, c.scale());
        if (c.top() < 0 || c.left() < 0 || c.top() > Math.max(0, sh - outH) || c.left() > Math.max(0, sw - outW)) {
            throw new IllegalArgumentException("augment: crop at (" + c.top() + ", " + c.left() + ") is outside the " + sh + "x" + sw
                    + " scaled image");
        }
        Axis ys = new Axis(h, sh, outH, c.top(), false);
        Axis xs = new Axis(w, sw, outW, c.left(), c.flip());
        int n = outH * outW;
        int m = h * w;
        float[] rgb = new float[3 * n];
        float[] normals = new float[3 * n];
        int[] seg = new int[n];
        float[] depth = new float[n];
        byte[] edges = new byte[n];
        byte[] sal = new byte[n];
        int[] parts = new int[n];
        float[] src = s.rgb();
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int p = y * outW + x;
                if (ys.near[y] < 0 || xs.near[x] < 0) {
                    for (int k = 0; k < 3; k++) {
                        rgb[k * n + p] = PAD_RGB[k];
                    }
                    seg[p] = Sample.IGNORE;
                    parts[p] = Sample.IGNORE;
                    edges[p] = (byte) Sample.IGNORE;
                    sal[p] = (byte) Sample.IGNORE;
                    continue; // depth and normals stay 0 (invalid)
                }
                int r0 = ys.lo[y] * w;
                int r1 = ys.hi[y] * w;
                float wy = ys.weight[y];
                float wx = xs.weight[x];
                for (int k = 0; k < 3; k++) {
                    int o = k * m;
                    float top = src[o + r0 + xs.lo[x]] * (1 - wx) + src[o + r0 + xs.hi[x]] * wx;
                    float bottom = src[o + r1 + xs.lo[x]] * (1 - wx) + src[o + r1 + xs.hi[x]] * wx;
                    rgb[k * n + p] = top * (1 - wy) + bottom * wy;
                }
                int q = ys.near[y] * w + xs.near[x];
                seg[p] = s.semseg()[q];
                parts[p] = s.parts()[q];
                depth[p] = s.depth()[q];
                edges[p] = s.edges()[q];
                sal[p] = s.saliency()[q];
                double nx = s.normals()[q];
                double ny = s.normals()[m + q];
                double nz = s.normals()[2 * m + q];
                double len = Math.sqrt(nx * nx + ny * ny + nz * nz);
                if (len > 0 && Double.isFinite(len)) {
                    normals[p] = (float) ((c.flip() ? -nx : nx) / len);
                    normals[n + p] = (float) (ny / len);
                    normals[2 * n + p] = (float) (nz / len);
                }
            }
        }
        return new Sample(outW, outH, rgb, seg, depth, normals, edges, sal, parts);
    }

    /**
     * Source coordinates along one axis for every output position: nearest source pixel
     * ({@code near}, -1 in the padding) and the bilinear pair lo/hi with the weight of hi.
     */
    private static final class Axis {
        final int[] near;
        final int[] lo;
        final int[] hi;
        final float[] weight;

        Axis(int n, int scaledN, int out, int offset, boolean flip) {
            near = new int[out];
            lo = new int[out];
            hi = new int[out];
            weight = new float[out];
            int content = Math.min(scaledN, out);
            int pad = (out - content) / 2;
            double ratio = (double) n / scaledN;
            for (int i = 0; i < out; i++) {
                int ci = i - pad;
                if (ci < 0 || ci >= content) {
                    near[i] = -1;
                    continue;
                }
                int sc = (flip ? content - 1 - ci : ci) + offset; // position in the scaled image
                near[i] = Math.min(n - 1, (int) ((sc + 0.5) * ratio));
                double f = Math.max(0, (sc + 0.5) * ratio - 0.5);
                int l = Math.min(n - 1, (int) f);
                lo[i] = l;
                hi[i] = Math.min(n - 1, l + 1);
                weight[i] = hi[i] == l ? 0f : (float) (f - l);
            }
        }
    }
}
