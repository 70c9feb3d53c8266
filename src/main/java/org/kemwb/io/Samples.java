package org.kemwb.io;

/**
 * The raw integer samples of a decoded label map, as displayed (EXIF orientation applied):
 * {@code bands} planes of {@code width x height} values, band-major ({@code b*w*h + y*w + x}).
 * No colour conversion: a palette PNG gives its palette indices (one band), a 16-bit PNG gives
 * 0..65535, an 8-bit grey PNG 0..255. {@code bitDepth} is the bits of band 0.
 */
public record Samples(int width, int height, int bands, int bitDepth, int[] values) {
    public Samples {
        if (values.length != (long) bands * width * height) {
            throw new IllegalArgumentException("samples " + width + "x" + height + "x" + bands + " given " + values.length + " values");
        }
    }

    /** Value of band {@code b} at column {@code x}, row {@code y}. */
    public int value(int b, int x, int y) {
        return values[b * width * height + y * width + x];
    }

    /** One band as a row-major {@code height x width} array (a copy). */
    public int[] band(int b) {
        int n = width * height;
        int[] out = new int[n];
        System.arraycopy(values, b * n, out, 0, n);
        return out;
    }
}
