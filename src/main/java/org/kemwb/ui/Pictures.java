package org.kemwb.ui;

import java.awt.image.BufferedImage;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
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
        WritableImage out = new WritableImage(pixels, pixels);
        PixelWriter w = out.getPixelWriter();
        float scale = max > 0 ? 1f / max : 0f;
        for (int y = 0; y < pixels; y++) {
            int gy = y * side / pixels;
            for (int x = 0; x < pixels; x++) {
                int gx = x * side / pixels;
                float v = Math.min(1f, row[gy * side + gx] * scale);
                int rgb = OutputImages.turbo(v);
                int alpha = (int) (90 + 165 * v);
                w.setArgb(x, y, (alpha << 24) | rgb);
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
