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
        BufferedImage img = OutputImages.render(p.tasks().get(task), p.outputs().get(task), p.channels(task), p.size());
        return SwingFXUtils.toFXImage(img, null);
    }

    public static Image of(BufferedImage img) {
        return SwingFXUtils.toFXImage(img, null);
    }

    /**
     * Heatmap of an attention row over a side x side token grid, scaled to [0, max] and drawn
     * with the Turbo colour map at {@code pixels} x {@code pixels}; alpha grows with the value
     * so the image under it stays visible where little attention goes.
     */
    public static WritableImage heatmap(float[] row, int side, float max, int pixels) {
        // one colour per token, then whole rows of pixels copied in bulk (hot path while the mouse moves)
        float scale = max > 0 ? 1f / max : 0f;
        int[] cellColour = new int[side * side];
        for (int i = 0; i < cellColour.length; i++) {
            float v = Math.min(1f, row[i] * scale);
            cellColour[i] = ((int) (90 + 165 * v) << 24) | OutputImages.turbo(v);
        }
        int[] argb = new int[pixels * pixels];
        for (int y = 0; y < pixels; y++) {
            int gy = y * side / pixels;
            int base = y * pixels;
            if (y > 0 && (y - 1) * side / pixels == gy) {
                System.arraycopy(argb, base - pixels, argb, base, pixels);
                continue;
            }
            for (int x = 0; x < pixels; x++) {
                argb[base + x] = cellColour[gy * side + x * side / pixels];
            }
        }
        WritableImage out = new WritableImage(pixels, pixels);
        out.getPixelWriter().setPixels(0, 0, pixels, pixels, PixelFormat.getIntArgbInstance(), argb, 0, pixels);
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
