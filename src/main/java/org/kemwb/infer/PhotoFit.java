package org.kemwb.infer;

import org.kemwb.io.Picture;

/**
 * Where a photo sits in a model input: scaled with its aspect kept into a
 * {@code contentWidth x contentHeight} box centred in {@code inputWidth x inputHeight}
 * (the rest is padding), and the way back: bilinear sampling (pixel centres, edges clamped,
 * like {@code F.interpolate(align_corners=False)}) of a map of any stride at each photo pixel.
 *
 * <p>Minimal version used by {@link CardModel} until the project's letterbox lands.
 */
public record PhotoFit(int photoWidth, int photoHeight, int inputWidth, int inputHeight, int x0, int y0, int contentWidth,
        int contentHeight) {

    /** Aspect-kept fit of a photo into a fixed input. */
    static PhotoFit fixed(int pw, int ph, int w, int h) {
        double s = Math.min(w / (double) pw, h / (double) ph);
        int cw = Math.clamp(Math.round(pw * s), 1, w);
        int ch = Math.clamp(Math.round(ph * s), 1, h);
        return new PhotoFit(pw, ph, w, h, (w - cw) / 2, (h - ch) / 2, cw, ch);
    }

    /** A photo scaled so its longer side is at most {@code maxSide}, padded up to a multiple of {@code p}. */
    static PhotoFit multipleOf(int pw, int ph, int p, int maxSide) {
        double s = Math.min(1, maxSide / (double) Math.max(pw, ph));
        int cw = Math.max(1, (int) Math.round(pw * s));
        int ch = Math.max(1, (int) Math.round(ph * s));
        int w = (cw + p - 1) / p * p;
        int h = (ch + p - 1) / p * p;
        return new PhotoFit(pw, ph, w, h, (w - cw) / 2, (h - ch) / 2, cw, ch);
    }

    /**
     * The photo in the input: planar RGB (3, inputHeight, inputWidth) in [0,1], the photo resized
     * (Pillow-style bilinear, {@link Picture#resize}) into the content box, the rest {@code pad}.
     *
     * @param pad RGB in [0,1] of the padding
     */
    float[] draw(Picture photo, float[] pad) {
        Picture content = photo.resize(contentWidth, contentHeight);
        int n = inputWidth * inputHeight;
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(out, c * n, (c + 1) * n, pad[c]);
            float[] src = content.rgb();
            int cn = contentWidth * contentHeight;
            for (int y = 0; y < contentHeight; y++) {
                System.arraycopy(src, c * cn + y * contentWidth, out, c * n + (y0 + y) * inputWidth + x0, contentWidth);
            }
        }
        return out;
    }

    /**
     * Resamples channel {@code c} of a planar map (C, h, w) covering the whole input to the photo
     * size: photo pixel centre -> input coordinate -> map coordinate, bilinear.
     *
     * @return photoHeight x photoWidth row-major
     */
    float[] toPhoto(float[] map, int c, int h, int w) {
        float[] out = new float[photoWidth * photoHeight];
        int base = c * h * w;
        double sx = contentWidth / (double) photoWidth * w / inputWidth;
        double sy = contentHeight / (double) photoHeight * h / inputHeight;
        double ox = x0 * (double) w / inputWidth;
        double oy = y0 * (double) h / inputHeight;
        int[] xi = new int[photoWidth];
        float[] xf = new float[photoWidth];
        for (int px = 0; px < photoWidth; px++) {
            double u = Math.clamp(ox + (px + 0.5) * sx - 0.5, 0, w - 1);
            xi[px] = Math.min((int) u, w - 2 < 0 ? 0 : w - 2);
            xf[px] = (float) (u - xi[px]);
        }
        for (int py = 0; py < photoHeight; py++) {
            double v = Math.clamp(oy + (py + 0.5) * sy - 0.5, 0, h - 1);
            int y = Math.min((int) v, h - 2 < 0 ? 0 : h - 2);
            float fy = (float) (v - y);
            int y1 = Math.min(y + 1, h - 1);
            for (int px = 0; px < photoWidth; px++) {
                int x = xi[px];
                int x1 = Math.min(x + 1, w - 1);
                float fx = xf[px];
                float top = map[base + y * w + x] * (1 - fx) + map[base + y * w + x1] * fx;
                float bottom = map[base + y1 * w + x] * (1 - fx) + map[base + y1 * w + x1] * fx;
                out[py * photoWidth + px] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }

    /** The cell of a gh x gw token grid (covering the whole input) under photo pixel (px, py): {row, column}. */
    public int[] cellAt(int px, int py, int gh, int gw) {
        double ix = x0 + (px + 0.5) * contentWidth / photoWidth;
        double iy = y0 + (py + 0.5) * contentHeight / photoHeight;
        return new int[] {Math.clamp((int) (iy * gh / inputHeight), 0, gh - 1), Math.clamp((int) (ix * gw / inputWidth), 0, gw - 1)};
    }
}
