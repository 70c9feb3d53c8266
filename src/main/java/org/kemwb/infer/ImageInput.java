package org.kemwb.infer;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads an image file into the planar [0,1] RGB the model takes, resized to the model size. */
public final class ImageInput {
    private ImageInput() {}

    public static BufferedImage read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("image " + file + ": is a directory");
        }
        if (!Files.exists(file)) {
            throw new IOException("image " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IOException("image " + file + ": cannot be read (permission denied)");
        }
        if (Files.size(file) == 0) {
            throw new IOException("image " + file + ": file is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("image " + file + ": not a PNG, JPEG or BMP image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                ImageReadParam param = reader.getDefaultReadParam();
                // very large images are subsampled while decoding so they never sit in memory whole
                int step = Math.max(1, (int) Math.ceil(Math.max(w, h) / (double) MAX_SIDE));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage img = reader.read(0, param);
                if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
                    throw new IOException("image " + file + ": decodes to no pixels");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("image " + file)) {
                throw e;
            }
            throw new IOException("image " + file + ": cannot be decoded (" + firstLine(e) + ")");
        } catch (RuntimeException e) {
            throw new IOException("image " + file + ": cannot be decoded (" + firstLine(e) + ")");
        }
    }

    /** Largest side kept when decoding; bigger images are subsampled (the model sees 64-512 px). */
    static final int MAX_SIDE = 2048;

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Planar RGB in [0,1] at the image's own size: (3, height, width), row-major, alpha dropped.
     */
    public static float[] planar(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * n];
        for (int p = 0; p < n; p++) {
            int rgb = argb[p];
            out[p] = ((rgb >> 16) & 0xff) / 255f;
            out[n + p] = ((rgb >> 8) & 0xff) / 255f;
            out[2 * n + p] = (rgb & 0xff) / 255f;
        }
        return out;
    }

    /** Planar RGB in [0,1], size x size (bilinear resize). */
    public static float[] toModelInput(BufferedImage img, int size) {
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, size, size, null);
        g.dispose();
        int n = size * size;
        float[] out = new float[3 * n];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = scaled.getRGB(x, y);
                int p = y * size + x;
                out[p] = ((rgb >> 16) & 0xff) / 255f;
                out[n + p] = ((rgb >> 8) & 0xff) / 255f;
                out[2 * n + p] = (rgb & 0xff) / 255f;
            }
        }
        return out;
    }

    /** Planar [0,1] RGB back to an image (for synthetic samples). */
    public static BufferedImage fromPlanar(float[] rgb, int size) {
        int n = size * size;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < n; p++) {
            img.setRGB(p % size, p / size, (OutputImages.to8(rgb[p]) << 16) | (OutputImages.to8(rgb[n + p]) << 8) | OutputImages.to8(rgb[2 * n + p]));
        }
        return img;
    }
}
