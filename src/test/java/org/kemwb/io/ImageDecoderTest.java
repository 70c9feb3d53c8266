package org.kemwb.io;

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
class ImageDecoderTest {
    @TempDir
    Path dir;

    Path write(String name, BufferedImage img, String format) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, format, p.toFile());
        return p;
    }

    static void assertRefused(Path file, String problem) {
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.read(file));
        assertTrue(e.getMessage().startsWith("image " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndProblemAndAreLeftUnchanged() throws Exception {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is text, not a picture");
        assertRefused(text, "not a PNG, JPEG, BMP, GIF, TIFF or WebP image");
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
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.read(noise));
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
            float[] input = ImageDecoder.read(p).resize(32, 32).rgb();
            assertEquals(3 * 32 * 32, input.length, p.toString());
            for (float v : input) {
                assertTrue(v >= 0 && v <= 1, p + " gives values in [0, 1]");
            }
        }
        float[] magenta = ImageDecoder.read(dir.resolve("one.png")).resize(8, 8).rgb();
        assertEquals(1f, magenta[0], 1e-6);
        assertEquals(0f, magenta[64], 1e-6);
    }

    @Test
    void bigImagesAreDecodedWholeAndHugeOnesRefusedFromTheHeader() throws Exception {
        BufferedImage big = new BufferedImage(3000, 2100, BufferedImage.TYPE_BYTE_GRAY);
        big.getRaster().setSample(2999, 2099, 0, 255);
        Path p = write("big.png", big, "png");
        Picture read = ImageDecoder.read(p);
        assertEquals(3000, read.width(), "no subsampling above 2048 px");
        assertEquals(2100, read.height());
        assertEquals(1f, read.value(0, 2999, 2099));
        assertEquals(new ImageDecoder.Size(3000, 2100), ImageDecoder.size(p));
        // a PNG whose header declares 12000 x 9000 (108 MP) and holds no pixels: refused before decoding
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeaderOnly(12000, 9000));
        assertRefused(huge, "12000x9000 = 108 MP is larger than the 100 MP");
    }

    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array();
        out.write(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        out.write(ihdr);
        var crc = new java.util.zip.CRC32();
        crc.update(ihdr);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
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
        // cut inside the entropy-coded scan: ImageIO only warns ("Premature end of JPEG file")
        BufferedImage noise = new BufferedImage(256, 192, BufferedImage.TYPE_INT_RGB);
        var random = new java.util.Random(3);
        for (int y = 0; y < 192; y++) {
            for (int x = 0; x < 256; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        byte[] big = Files.readAllBytes(write("noise.jpg", noise, "jpg"));
        Path half = dir.resolve("half.jpg");
        Files.write(half, Arrays.copyOf(big, big.length * 2 / 3));
        assertRefused(half, "is truncated");
        // a 4-channel (CMYK/YCCK) JPEG written from a raster
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        Path cmyk = dir.resolve("cmyk.jpg");
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (var out = ImageIO.createImageOutputStream(cmyk.toFile())) {
            writer.setOutput(out);
            writer.write(null, new javax.imageio.IIOImage(raster, null, null), null);
        }
        try {
            Picture img = ImageDecoder.read(cmyk);
            assertEquals(3 * 16 * 16, img.resize(16, 16).rgb().length, "decoded CMYK is usable");
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith("image " + cmyk + ": "), e.getMessage());
        }
    }
}
