package org.kemwb.ui;

import java.awt.image.BufferedImage;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import org.kemwb.infer.OutputImages;
import org.kemwb.infer.Prediction;

/** Images for the views: task outputs and attention heatmaps (pure functions, any thread). */
public final class Pictures {
    private Pictures() {}

    public static Image output(Prediction p, int task) {
        BufferedImage img = OutputImages.render(p.tasks().get(task), p.outputs().get(task), p.channels(task), p.height(), p.width());
        return SwingFXUtils.toFXImage(img, null);
    }

    /** A task's output with depth drawn on the scale {@code depthLo}..{@code depthHi} metres (shared with its ground truth). */
    public static Image output(Prediction p, int task, float depthLo, float depthHi) {
        BufferedImage img = OutputImages.render(p.tasks().get(task), p.outputs().get(task), p.channels(task), p.height(), p.width(),
                depthLo, depthHi);
        return SwingFXUtils.toFXImage(img, null);
    }

    public static Image of(BufferedImage img) {
        return SwingFXUtils.toFXImage(img, null);
    }

    /**
     * Heatmap of a rows x cols grid of values (row-major), scaled to [0, max] and drawn with the
     * Turbo colour map at {@code width} x {@code height}; alpha grows with the value so the image
     * under it stays visible where little goes.
     */
    public static WritableImage heatmap(float[] values, int rows, int cols, float max, int width, int height) {
        int[] rowOf = new int[height];
        int[] colOf = new int[width];
        for (int y = 0; y < height; y++) {
            rowOf[y] = y * rows / height;
        }
        for (int x = 0; x < width; x++) {
            colOf[x] = x * cols / width;
        }
        return draw(values, cols, rowOf, colOf, max);
    }

    /**
     * Heatmap of an attention row (one value per token of the gh x gw grid the prediction ran at)
     * over the prediction's image, drawn at {@code width} x {@code height}: each drawn pixel shows
     * the token whose patch holds the image pixel under it ({@link Prediction#tokenAt}), so the
     * map lines up with the image whatever its size, aspect or letterbox padding.
     */
    public static WritableImage tokenHeatmap(float[] row, Prediction p, float max, int width, int height) {
        int[] rowOf = new int[height];
        int[] colOf = new int[width];
        int gw = p.gridWidth();
        for (int y = 0; y < height; y++) {
            rowOf[y] = p.tokenAt(0, Math.min(p.height() - 1, y * p.height() / height)) / gw;
        }
        for (int x = 0; x < width; x++) {
            colOf[x] = p.tokenAt(Math.min(p.width() - 1, x * p.width() / width), 0) % gw;
        }
        return draw(row, gw, rowOf, colOf, max);
    }

    private static WritableImage draw(float[] values, int cols, int[] rowOf, int[] colOf, float max) {
        // one colour per cell, then whole rows of pixels copied in bulk (hot path while the mouse moves)
        float scale = max > 0 ? 1f / max : 0f;
        int[] cellColour = new int[values.length];
        for (int i = 0; i < cellColour.length; i++) {
            float v = Math.min(1f, values[i] * scale);
            cellColour[i] = ((int) (90 + 165 * v) << 24) | OutputImages.turbo(v);
        }
        int width = colOf.length;
        int height = rowOf.length;
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            int base = y * width;
            if (y > 0 && rowOf[y - 1] == rowOf[y]) {
                System.arraycopy(argb, base - width, argb, base, width);
                continue;
            }
            for (int x = 0; x < width; x++) {
                argb[base + x] = cellColour[rowOf[y] * cols + colOf[x]];
            }
        }
        WritableImage out = new WritableImage(width, height);
        out.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), argb, 0, width);
        return out;
    }

    /** Horizontal colour bar of the Turbo map, left = min, right = max. */
    public static WritableImage horizontalBar(int width, int height) {
        WritableImage out = new WritableImage(width, height);
        PixelWriter w = out.getPixelWriter();
        for (int x = 0; x < width; x++) {
            int rgb = OutputImages.turbo((float) x / (width - 1));
            for (int y = 0; y < height; y++) {
                w.setArgb(x, y, 0xff000000 | rgb);
            }
        }
        return out;
    }

    /** Vertical colour bar of the Turbo map, top = max. */
    public static WritableImage colourBar(int width, int height) {
        WritableImage out = new WritableImage(width, height);
        PixelWriter w = out.getPixelWriter();
        for (int y = 0; y < height; y++) {
            int rgb = OutputImages.turbo(1f - (float) y / (height - 1));
            for (int x = 0; x < width; x++) {
                w.setArgb(x, y, 0xff000000 | rgb);
            }
        }
        return out;
    }
}
