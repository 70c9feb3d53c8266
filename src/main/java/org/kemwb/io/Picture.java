package org.kemwb.io;

import java.awt.image.BufferedImage;

/**
 * A decoded colour image as the model and the GUI see it: {@code width x height} pixels as
 * displayed (EXIF orientation applied), planar sRGB in [0,1] (channel-major: red plane, green
 * plane, blue plane; pixel {@code (x, y)} of channel {@code c} at {@code c*w*h + y*w + x}).
 * Alpha is dropped with the colour kept; no gamma or colour-space change is applied to grey or
 * sRGB samples (a grey value {@code k} of a {@code b}-bit file is {@code k / (2^b - 1)}).
 */
public final class Picture {
    private final int width;
    private final int height;
    private final float[] rgb;

    /**
     * @param rgb planar RGB in [0,1], length {@code 3 * width * height} (kept, not copied)
     * @throws IllegalArgumentException when the length does not match the size
     */
    public Picture(int width, int height, float[] rgb) {
        if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("picture " + width + "x" + height + " needs " + 3L * width * height
                    + " planar RGB values, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Planar RGB in [0,1], length {@code 3 * width * height}; the array itself (do not modify). */
    public float[] rgb() {
        return rgb;
    }

    /** Value of channel {@code c} (0 red, 1 green, 2 blue) at column {@code x}, row {@code y}. */
    public float value(int c, int x, int y) {
        return rgb[c * width * height + y * width + x];
    }

    /**
     * Resampled to {@code w x h} with {@link org.kemwb.util.Resample} (Pillow's
     * {@code resize(..., BILINEAR)}: a triangle filter whose support widens with the downscale
     * factor, so a photo shrunk many times does not alias; plain bilinear with half-pixel centres
     * when enlarged), clamped to [0,1]. The aspect is whatever the caller asks for: letterboxing
     * is the caller's job ({@code infer.Letterbox}).
     */
    public Picture resize(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("resize to " + w + "x" + h);
        }
        float[] out = org.kemwb.util.Resample.resize(rgb, 3, height, width, h, w);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return new Picture(w, h, out);
    }

    /** An 8-bit sRGB copy for display and PNG export (values rounded to the nearest of 0..255). */
    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int n = width * height;
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                row[x] = (to8(rgb[p]) << 16) | (to8(rgb[n + p]) << 8) | to8(rgb[2 * n + p]);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /** [0,1] to 0..255, rounded, clamped. */
    public static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
