package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images of every kind a user may drop: they decode, or fail with a message naming the file. */
class ImageInputTest {
    @TempDir
    Path dir;

    Path write(String name, BufferedImage img, String format) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, format, p.toFile());
        return p;
    }

    static void assertRefused(Path file, String problem) {
        IOException e = assertThrows(IOException.class, () -> ImageInput.read(file));
        assertTrue(e.getMessage().startsWith("image " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndProblemAndAreLeftUnchanged() throws Exception {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is text, not a picture");
        assertRefused(text, "not a PNG, JPEG or BMP image");
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertRefused(empty, "file is empty");
        assertRefused(dir.resolve("missing.png"), "no such file");
        assertRefused(Files.createDirectory(dir.resolve("folder.png")), "is a directory");
        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        byte[] png = Files.readAllBytes(write("ok.png", rgb, "png"));
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png, png.length / 2));
        assertRefused(truncated, "cannot be decoded");
        byte[] random = new byte[4096];
        new java.util.Random(1).nextBytes(random);
        Path noise = dir.resolve("random.jpg");
        Files.write(noise, random);
        IOException e = assertThrows(IOException.class, () -> ImageInput.read(noise));
        assertTrue(e.getMessage().startsWith("image " + noise));
        assertEquals(png.length / 2, Files.size(truncated), "inputs are never modified");
    }

    @Test
    void unusualButValidImagesDecodeToModelInput() throws Exception {
        BufferedImage gray16 = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(5, 5, 0, 65535);
        BufferedImage gray = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage alpha = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(1, 1, 0x80ff0000);
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 0xff00ff);
        for (var c : new Object[][] {{"g16.png", gray16, "png"}, {"g8.png", gray, "png"}, {"alpha.png", alpha, "png"},
                {"one.png", one, "png"}, {"one.bmp", one, "bmp"}, {"rgb.jpg", new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "jpg"}}) {
            Path p = write((String) c[0], (BufferedImage) c[1], (String) c[2]);
            float[] input = ImageInput.toModelInput(ImageInput.read(p), 32);
            assertEquals(3 * 32 * 32, input.length, p.toString());
            for (float v : input) {
                assertTrue(v >= 0 && v <= 1, p + " gives values in [0, 1]");
            }
        }
        float[] magenta = ImageInput.toModelInput(ImageInput.read(dir.resolve("one.png")), 8);
        assertEquals(1f, magenta[0], 1e-6);
        assertEquals(0f, magenta[64], 1e-6);
    }

    @Test
    void hugeImagesAreSubsampledWhileDecoding() throws Exception {
        BufferedImage big = new BufferedImage(12000, 9000, BufferedImage.TYPE_BYTE_GRAY);
        Path p = write("big.png", big, "png");
        BufferedImage read = ImageInput.read(p);
        assertTrue(read.getWidth() <= ImageInput.MAX_SIDE && read.getHeight() <= ImageInput.MAX_SIDE,
                read.getWidth() + "x" + read.getHeight());
        assertEquals(12000.0 / 9000, (double) read.getWidth() / read.getHeight(), 0.01, "aspect kept");
    }

    @Test
    void truncatedAndCmykJpegsAreHandled() throws Exception {
        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            rgb.setRGB(x, x % 48, 0xffffff);
        }
        byte[] jpg = Files.readAllBytes(write("ok.jpg", rgb, "jpg"));
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(jpg, 40));
        assertRefused(cut, "cannot be decoded");
        // a 4-channel (CMYK/YCCK) JPEG written from a raster
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        Path cmyk = dir.resolve("cmyk.jpg");
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (var out = ImageIO.createImageOutputStream(cmyk.toFile())) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(raster, null, null), null);
        }
        try {
            BufferedImage img = ImageInput.read(cmyk);
            assertEquals(3 * 16 * 16, ImageInput.toModelInput(img, 16).length, "decoded CMYK is usable");
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith("image " + cmyk + ": "), e.getMessage());
        }
    }
}
