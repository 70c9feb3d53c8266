package org.kemwb.infer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.kemwb.io.Npy;
import org.kemwb.model.Task;
import org.kemwb.util.AtomicFiles;

/** Turns task outputs (planar float arrays) into colour-mapped images and .npy files. */
public final class OutputImages {
    /** A fixed, distinguishable palette for class maps. */
    static final int[] PALETTE = {
        0x8c6d46, 0xc8c8b4, 0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0xbcf60c
    };

    private OutputImages() {}

    /** Colour image (width x height) of one task's raw output, planar (C, height, width). */
    public static BufferedImage render(Task task, float[] out, int channels, int height, int width) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        if (task == Task.DEPTH) {
            for (int p = 0; p < Math.min(out.length, height * width); p++) {
                lo = Math.min(lo, out[p]);
                hi = Math.max(hi, out[p]);
            }
        }
        return render(task, out, channels, height, width, lo, hi);
    }

    /**
     * {@link #render(Task, float[], int, int, int)} with depth drawn on a given scale: {@code depthLo}
     * metres is the Turbo map's start, {@code depthHi} its end (values outside are clamped), so an
     * output and its ground truth can share one colour scale. Other tasks ignore the range.
     */
    public static BufferedImage render(Task task, float[] out, int channels, int height, int width, float depthLo, float depthHi) {
        int n = height * width;
        if (out.length != channels * n) {
            throw new IllegalArgumentException(task.id() + " output has " + out.length + " values, expected " + channels + "x"
                    + height + "x" + width);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        float lo = depthLo;
        float hi = depthHi;
        for (int p = 0; p < n; p++) {
            int rgb = switch (task) {
                case SEMSEG, PARTS -> classColour(argmax(out, channels, n, p));
                case DEPTH -> turbo((out[p] - lo) / Math.max(1e-6f, hi - lo));
                case NORMALS -> (to8(out[p] * 0.5f + 0.5f) << 16) | (to8(out[n + p] * 0.5f + 0.5f) << 8) | to8(out[2 * n + p] * 0.5f + 0.5f);
                case EDGES, SALIENCY -> {
                    int g = to8((float) (1 / (1 + Math.exp(-out[p]))));
                    yield (g << 16) | (g << 8) | g;
                }
            };
            img.setRGB(p % width, p / width, rgb);
        }
        return img;
    }

    /**
     * Smallest and largest depth, metres, over a depth output (its first {@code height*width} values) and the
     * valid pixels (> 0) of its ground truth: the one colour scale both are drawn on.
     */
    public static float[] sharedDepthRange(float[] out, float[] truth, int n) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < n; p++) {
            lo = Math.min(lo, out[p]);
            hi = Math.max(hi, out[p]);
            if (truth[p] > 0) {
                lo = Math.min(lo, truth[p]);
                hi = Math.max(hi, truth[p]);
            }
        }
        return new float[] {lo, hi};
    }

    /**
     * Colour image of a ground-truth label map (planar like the outputs); depth uses the given
     * range so it can share the prediction's colour scale. Ignored pixels are black.
     */
    public static BufferedImage renderLabel(Task task, org.kemwb.data.Sample s, float depthLo, float depthHi) {
        int width = s.width();
        int n = s.pixels();
        BufferedImage img = new BufferedImage(width, s.height(), BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < n; p++) {
            int rgb = switch (task) {
                case SEMSEG -> s.semseg()[p] == 255 ? 0 : classColour(s.semseg()[p]);
                case PARTS -> s.parts()[p] == 255 ? 0 : classColour(s.parts()[p]);
                case DEPTH -> s.depth()[p] <= 0 ? 0 : turbo((s.depth()[p] - depthLo) / Math.max(1e-6f, depthHi - depthLo));
                case NORMALS -> (to8(s.normals()[p] * 0.5f + 0.5f) << 16) | (to8(s.normals()[n + p] * 0.5f + 0.5f) << 8)
                        | to8(s.normals()[2 * n + p] * 0.5f + 0.5f);
                case EDGES -> s.edges()[p] != 0 ? 0xffffff : 0;
                case SALIENCY -> s.saliency()[p] != 0 ? 0xffffff : 0;
            };
            img.setRGB(p % width, p / width, rgb);
        }
        return img;
    }

    /**
     * Colour of class c in every class map: the workbench palette for the first ten classes, then
     * the PASCAL VOC colour map entry c + 1, so 40 NYUD-v2 or 59 PASCAL-Context classes stay distinct.
     */
    public static int classColour(int c) {
        return c < PALETTE.length ? PALETTE[c] : org.kemwb.data.ClassNames.vocColour(c + 1);
    }

    public static int argmax(float[] out, int channels, int n, int p) {
        int best = 0;
        for (int c = 1; c < channels; c++) {
            if (out[c * n + p] > out[best * n + p]) {
                best = c;
            }
        }
        return best;
    }

    static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    /** Polynomial approximation of Google's Turbo colour map (perceptually ordered). */
    public static int turbo(float t) {
        double x = Math.max(0, Math.min(1, t));
        double r = 0.13572138 + x * (4.61539260 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
        double g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
        double b = 0.10667330 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
        return (to8((float) r) << 16) | (to8((float) g) << 8) | to8((float) b);
    }

    public static void writePng(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    /**
     * Writes a class map as a .npy file of shape (height, width): uint8 ({@code |u1}) for up to
     * 256 classes, else little-endian int32.
     */
    public static void writeClassNpy(int[] classes, int classCount, int height, int width, Path file) throws IOException {
        if (classCount <= 256) {
            Npy.writeU8(classes, new long[] {height, width}, file);
        } else {
            Npy.write(classes, new long[] {height, width}, file);
        }
    }

    /** Writes a little-endian float32 .npy file of the given shape, atomically ({@link Npy#write}). */
    public static void writeNpy(float[] data, long[] shape, Path file) throws IOException {
        Npy.write(data, shape, file);
    }

    /** Writes a little-endian int32 .npy file (class maps) of the given shape, atomically. */
    public static void writeNpy(int[] data, long[] shape, Path file) throws IOException {
        Npy.write(data, shape, file);
    }
}
