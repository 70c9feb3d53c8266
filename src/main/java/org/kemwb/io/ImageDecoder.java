package org.kemwb.io;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * The one reader for photos and label maps (inference, datasets, GUI). Decoding is done by
 * ImageIO with the TwelveMonkeys plugins on the class path (PNG, BMP, GIF from the JDK; JPEG
 * including CMYK/YCCK with their ICC profiles, TIFF and WebP from TwelveMonkeys); the EXIF
 * orientation (JPEG APP1, PNG eXIf, TIFF, WebP) is read with metadata-extractor and applied the
 * way photo viewers do. Pixels are read from the raster, never through {@code getRGB} (which
 * would gamma-convert linear grey and premultiply nothing back): see {@link Picture} and
 * {@link Samples} for the value conventions.
 *
 * <p>Every refusal is an {@link IOException} whose message is one line,
 * {@code "image <file>: <what is wrong>"}. Images are never subsampled; one larger than
 * {@link #MAX_PIXELS} is refused from its header before any pixel is decoded. A JPEG that ends
 * early (ImageIO only warns and fills the rest with grey) is refused.
 */
public final class ImageDecoder {
    /** Largest image decoded, in pixels (100 MP: 1.2 GB as planar float RGB). */
    public static final long MAX_PIXELS = 100_000_000L;

    /** Width and height as displayed (after EXIF orientation). */
    public record Size(int width, int height) {}

    private record Decoded(BufferedImage image, int orientation) {}

    private ImageDecoder() {}

    /** The colour image as displayed: oriented, planar sRGB in [0,1], alpha dropped. */
    public static Picture read(Path file) throws IOException {
        Decoded d = decode(file);
        try {
            return toPicture(d.image(), d.orientation());
        } catch (RuntimeException e) {
            throw new IOException(prefix(file) + "cannot be converted to RGB (" + firstLine(e) + ")", e);
        }
    }

    /** The raw integer samples of a label map (palette index, grey level, 16-bit value), oriented. */
    public static Samples readSamples(Path file) throws IOException {
        Decoded d = decode(file);
        Raster r = d.image().getRaster();
        int type = r.getDataBuffer().getDataType();
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            throw new IOException(prefix(file) + "has floating-point samples; a label map must hold integers (use .npy for real values)");
        }
        int w = r.getWidth();
        int h = r.getHeight();
        int bands = r.getNumBands();
        int o = d.orientation();
        int ow = o >= 5 ? h : w;
        int oh = o >= 5 ? w : h;
        int[] out = new int[bands * w * h];
        int[] row = new int[w];
        for (int b = 0; b < bands; b++) {
            int base = b * w * h;
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, b, row);
                for (int x = 0; x < w; x++) {
                    out[base + target(o, x, y, w, h, ow)] = row[x];
                }
            }
        }
        ColorModel cm = d.image().getColorModel();
        int bits = cm instanceof IndexColorModel ? cm.getPixelSize() : r.getSampleModel().getSampleSize(0);
        return new Samples(ow, oh, bands, bits, out);
    }

    /** Size as displayed, from the header and the EXIF orientation only (no pixels decoded). */
    public static Size size(Path file) throws IOException {
        check(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = reader(in, file);
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                return orientation(file) >= 5 ? new Size(h, w) : new Size(w, h);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw wrap(file, e);
        }
    }

    /** An in-memory image (e.g. an edited copy) converted like a decoded file, without orientation. */
    public static Picture fromBufferedImage(BufferedImage img) {
        return toPicture(img, 1);
    }

    /**
     * The EXIF orientation 1..8 of a file (1 when it has none or its metadata cannot be read, as
     * viewers do): 1 as stored, 2 mirrored left-right, 3 rotated 180°, 4 mirrored top-bottom,
     * 5 transposed, 6 to be rotated 90° clockwise, 7 transversed, 8 to be rotated 90° anticlockwise.
     */
    public static int orientation(Path file) {
        try {
            Metadata m = ImageMetadataReader.readMetadata(file.toFile());
            for (Directory dir : m.getDirectoriesOfType(ExifIFD0Directory.class)) {
                if (dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                    int o = dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                    return o >= 1 && o <= 8 ? o : 1;
                }
            }
        } catch (Exception e) {
            // unreadable or absent metadata: the pixels are shown as stored, like every viewer does
        }
        return 1;
    }

    private static Decoded decode(Path file) throws IOException {
        org.kemwb.util.UiThreadGuard.check("image read");
        check(file);
        List<String> warnings = new ArrayList<>();
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = reader(in, file);
            try {
                reader.setInput(in, true, false);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if ((long) w * h > MAX_PIXELS) {
                    throw new IOException(prefix(file) + String.format(Locale.ROOT,
                            "%dx%d = %.0f MP is larger than the %d MP this workbench decodes", w, h, w * (double) h / 1e6, MAX_PIXELS / 1_000_000));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw != null && raw.getColorModel().isAlphaPremultiplied()) {
                    // TwelveMonkeys' TIFF reader copies associated (premultiplied) alpha samples into a
                    // non-premultiplied default destination; read the raw type and divide by alpha ourselves
                    param.setDestinationType(raw);
                }
                img = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw wrap(file, e);
        }
        for (String w : warnings) {
            String lower = w.toLowerCase(Locale.ROOT);
            if (lower.contains("premature end") || lower.contains("truncat") || lower.contains("unexpected end")) {
                throw new IOException(prefix(file) + "is truncated (" + w.trim() + ")");
            }
        }
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
            throw new IOException(prefix(file) + "decodes to no pixels");
        }
        return new Decoded(img, orientation(file));
    }

    private static void check(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(prefix(file) + "is a directory");
        }
        if (!Files.exists(file)) {
            throw new IOException(prefix(file) + "no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(prefix(file) + "cannot be read (permission denied)");
        }
        if (Files.size(file) == 0) {
            throw new IOException(prefix(file) + "file is empty");
        }
    }

    private static ImageReader reader(ImageInputStream in, Path file) throws IOException {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) {
            throw new IOException(prefix(file) + "not a PNG, JPEG, BMP, GIF, TIFF or WebP image");
        }
        return readers.next();
    }

    private static IOException wrap(Path file, Throwable e) {
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(prefix(file))) {
            return io;
        }
        if (e instanceof OutOfMemoryError) {
            return new IOException(prefix(file) + "does not fit in memory");
        }
        return new IOException(prefix(file) + "cannot be decoded (" + firstLine(e) + ")", e);
    }

    private static String prefix(Path file) {
        return "image " + file + ": ";
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Index in the displayed (oriented) image of stored pixel (x, y); stored size w x h, displayed width ow. */
    static int target(int orientation, int x, int y, int w, int h, int ow) {
        return switch (orientation) {
            case 2 -> y * ow + (w - 1 - x);
            case 3 -> (h - 1 - y) * ow + (w - 1 - x);
            case 4 -> (h - 1 - y) * ow + x;
            case 5 -> x * ow + y;
            case 6 -> x * ow + (h - 1 - y);
            case 7 -> (w - 1 - x) * ow + (h - 1 - y);
            case 8 -> (w - 1 - x) * ow + y;
            default -> y * ow + x;
        };
    }

    private static Picture toPicture(BufferedImage img, int o) {
        ColorModel cm = img.getColorModel();
        if (!(cm instanceof IndexColorModel)) {
            ColorSpace cs = cm.getColorSpace();
            boolean grey = cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
            if (!grey && !cs.isCS_sRGB()) {
                // CMYK, Lab or an RGB with its own ICC profile: convert to sRGB with the profile
                BufferedImage srgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
                new ColorConvertOp(null).filter(img, srgb);
                img = srgb;
                cm = img.getColorModel();
            }
        }
        Raster r = img.getRaster();
        int w = r.getWidth();
        int h = r.getHeight();
        int ow = o >= 5 ? h : w;
        int oh = o >= 5 ? w : h;
        int n = w * h;
        float[] out = new float[3 * n];
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            float[][] lut = new float[3][size];
            for (int i = 0; i < size; i++) {
                lut[0][i] = icm.getRed(i) / 255f;
                lut[1][i] = icm.getGreen(i) / 255f;
                lut[2][i] = icm.getBlue(i) / 255f;
            }
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int t = target(o, x, y, w, h, ow);
                    int i = Math.min(size - 1, Math.max(0, row[x]));
                    out[t] = lut[0][i];
                    out[n + t] = lut[1][i];
                    out[2 * n + t] = lut[2][i];
                }
            }
            return new Picture(ow, oh, out);
        }
        int colours = cm.getNumColorComponents();
        int bands = r.getNumBands();
        boolean alpha = cm.hasAlpha() && bands > colours;
        boolean premultiplied = alpha && cm.isAlphaPremultiplied();
        int type = r.getDataBuffer().getDataType();
        boolean real = type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
        float[] max = new float[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = real ? 1f : (float) ((1L << r.getSampleModel().getSampleSize(b)) - 1);
        }
        float[] row = new float[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                float a = alpha ? row[p + colours] / max[colours] : 1f;
                int t = target(o, x, y, w, h, ow);
                for (int c = 0; c < 3; c++) {
                    int band = colours == 1 ? 0 : c;
                    float v = row[p + band] / max[band];
                    if (premultiplied) {
                        v = a > 0 ? v / a : 0f;
                    }
                    out[c * n + t] = Math.max(0f, Math.min(1f, v));
                }
            }
        }
        return new Picture(ow, oh, out);
    }
}
