package org.kemwb.ui;

import java.awt.image.BufferedImage;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
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

    /**
     * Nearest-neighbour copy of {@code src} at {@code width} x {@code height} pixels: output pixel
     * (x, y) shows the source pixel under its centre, ({@code floor((x + 0.5) * srcW / width)},
     * {@code floor((y + 0.5) * srcH / height)}), so every source pixel becomes a flat block (the
     * hover read-outs pick the pixel the same way). JavaFX ignores {@code ImageView.setSmooth(false)}
     * (JDK-8127343: the scene graph's setSmooth does nothing) and always filters a scaled image
     * linearly, which turns a class map or a confusion matrix into gradients; a picture drawn at its
     * display size is not scaled and stays sharp.
     *
     * @throws IllegalArgumentException when {@code width} or {@code height} is below 1
     */
    public static WritableImage nearest(Image src, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("nearest: size " + width + "x" + height + " must be at least 1x1");
        }
        int sw = (int) src.getWidth();
        int sh = (int) src.getHeight();
        int[] colOf = new int[width];
        for (int x = 0; x < width; x++) {
            colOf[x] = (int) Math.min(sw - 1, ((2L * x + 1) * sw) / (2L * width));
        }
        javafx.scene.image.PixelReader reader = src.getPixelReader();
        javafx.scene.image.WritablePixelFormat<java.nio.IntBuffer> format = PixelFormat.getIntArgbInstance();
        int[] sourceRow = new int[sw];
        int[] argb = new int[width * height];
        int lastRow = -1;
        for (int y = 0; y < height; y++) {
            int sy = (int) Math.min(sh - 1, ((2L * y + 1) * sh) / (2L * height));
            int base = y * width;
            if (sy == lastRow) {
                System.arraycopy(argb, base - width, argb, base, width);
                continue;
            }
            reader.getPixels(0, sy, sw, 1, format, sourceRow, 0, sw);
            for (int x = 0; x < width; x++) {
                argb[base + x] = sourceRow[colOf[x]];
            }
            lastRow = sy;
        }
        WritableImage out = new WritableImage(width, height);
        out.getPixelWriter().setPixels(0, 0, width, height, format, argb, 0, width);
        return out;
    }

    private static final String SOURCE = "kemwb.source-image";

    /** The image a view shows at the data's own size: the source of a {@link #sharp} view, else the view's image. */
    public static Image source(ImageView view) {
        return view.getProperties().get(SOURCE) instanceof Image src ? src : view.getImage();
    }

    /**
     * An image view that shows discrete data (class maps, label maps, wrong/right maps, a confusion
     * matrix) as sharp cells at {@code width} x {@code height} (layout pixels): its image is
     * {@link #nearest} of {@code src} at the displayed size times the window's render scale, drawn
     * again when the size changes. {@link ImageView#getImage()} is that display-size copy.
     */
    public static ImageView sharp(Image src, javafx.beans.value.ObservableDoubleValue width, javafx.beans.value.ObservableDoubleValue height) {
        ImageView view = new ImageView();
        view.getProperties().put(SOURCE, src);
        view.fitWidthProperty().bind(width);
        view.fitHeightProperty().bind(height);
        Runnable draw = () -> {
            double scale = view.getScene() == null || view.getScene().getWindow() == null ? 1
                    : Math.max(1, view.getScene().getWindow().getRenderScaleX());
            int w = (int) Math.round(width.get() * scale);
            int h = (int) Math.round(height.get() * scale);
            if (w < 1 || h < 1) {
                view.setImage(src);
            } else if (view.getImage() == null || (int) view.getImage().getWidth() != w || (int) view.getImage().getHeight() != h) {
                view.setImage(nearest(src, w, h));
            }
        };
        width.addListener((o, a, b) -> draw.run());
        height.addListener((o, a, b) -> draw.run());
        view.sceneProperty().addListener((o, a, b) -> draw.run());
        draw.run();
        return view;
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
