package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.kemwb.io.Npy;
import org.kemwb.cli.KemwbCli;
import org.kemwb.model.Task;
import org.kemwb.train.Augment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `data synth` writes the NYUD layout; the folder loader reads back exactly the rendered labels. */
class FolderDatasetTest {
    @TempDir
    Path dir;

    @Test
    void synthFolderRoundTripsThroughTheLoader() throws Exception {
        Path out = dir.resolve("synth");
        int code = KemwbCli.execute(new PrintWriter(new StringWriter()), "data", "synth", "--out", out.toString(), "--count", "10",
                "--size", "32", "--seed", "4");
        assertEquals(0, code);
        var tasks = EnumSet.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS, Task.EDGES, Task.SALIENCY, Task.PARTS);
        FolderDataset train = new FolderDataset(out, "train", tasks, 6, 5);
        FolderDataset val = new FolderDataset(out, "val", tasks, 6, 5);
        assertEquals(9, train.size());
        assertEquals(1, val.size());
        Sample rendered = new SyntheticScenes(4).render(0, 32);
        Sample loaded = train.load(0, 32);
        assertArrayEquals(rendered.semseg(), loaded.semseg());
        assertArrayEquals(rendered.parts(), loaded.parts());
        assertArrayEquals(rendered.depth(), loaded.depth());
        assertArrayEquals(rendered.normals(), loaded.normals());
        assertArrayEquals(rendered.edges(), loaded.edges());
        assertArrayEquals(rendered.saliency(), loaded.saliency());
        for (int i = 0; i < rendered.rgb().length; i++) {
            assertEquals(rendered.rgb()[i], loaded.rgb()[i], 0.5 / 255 + 1e-6, "PNG keeps 8 bits");
        }
        // tasks not asked for are "no label" in both loaders, never "no edge" / "background" (0)
        FolderDataset semsegOnly = new FolderDataset(out, "train", EnumSet.of(Task.SEMSEG), 6, 5);
        for (Sample s : List.of(semsegOnly.load(0, 32), semsegOnly.loadNative(0))) {
            for (int i = 0; i < s.edges().length; i++) {
                assertEquals(Sample.IGNORE, s.edges()[i] & 0xff, "edges of a dataset without edge labels");
                assertEquals(Sample.IGNORE, s.saliency()[i] & 0xff, "saliency of a dataset without saliency labels");
                assertEquals(Sample.IGNORE, s.parts()[i], "parts of a dataset without part labels");
            }
        }
        // resized for a bigger model: labels nearest-neighbour, still valid classes
        Sample big = train.load(1, 64);
        for (int v : big.semseg()) {
            assertTrue(v >= 0 && v < 6);
        }
    }

    @Test
    void missingAndBadLabelsNameTheFile() throws Exception {
        Path out = dir.resolve("synth");
        KemwbCli.execute(new PrintWriter(new StringWriter()), "data", "synth", "--out", out.toString(), "--count", "3", "--size", "16");
        var tasks = EnumSet.of(Task.SEMSEG, Task.DEPTH);
        Files.delete(out.resolve("depth").resolve("000000.npy"));
        IOException e = assertThrows(IOException.class, () -> new FolderDataset(out, "train", tasks, 6, 5).load(0, 16));
        assertTrue(e.getMessage().contains("depth/000000.npy") && e.getMessage().contains("missing"), e.getMessage());
        // semseg labels beyond the class count
        IOException e2 = assertThrows(IOException.class, () -> new FolderDataset(out, "train", EnumSet.of(Task.SEMSEG), 2, 5).load(1, 16));
        assertTrue(e2.getMessage().contains("segmentation/000001.png") && e2.getMessage().contains("out of range"), e2.getMessage());
        // mismatched size
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png",
                out.resolve("segmentation").resolve("000001.png").toFile());
        IOException e3 = assertThrows(IOException.class, () -> new FolderDataset(out, "train", EnumSet.of(Task.SEMSEG), 6, 5).load(1, 16));
        assertTrue(e3.getMessage().contains("differs from the image"), e3.getMessage());
        IOException e4 = assertThrows(IOException.class, () -> new FolderDataset(dir, "train", tasks, 6, 5));
        assertTrue(e4.getMessage().contains("no split list"));
        // an id of the split list without its image: the image is named as missing, not a label
        Files.delete(out.resolve("images").resolve("000002.png"));
        IOException e5 = assertThrows(IOException.class, () -> new FolderDataset(out, "train", EnumSet.of(Task.SEMSEG), 6, 5).load(2, 16));
        assertEquals("dataset: missing image " + out.resolve("images").resolve("000002.png") + " (also looked for .jpg, .jpeg)",
                e5.getMessage());
    }

    @Test
    void pascalContextLayoutIsRead() throws Exception {
        Path root = dir.resolve("PASCAL_MT");
        Sample s = new SyntheticScenes(6).render(0, 32);
        int n = 32 * 32;
        Files.createDirectories(root.resolve("ImageSets").resolve("Context"));
        Files.writeString(root.resolve("ImageSets").resolve("Context").resolve("train.txt"), "2008_000001\n");
        var img = new org.kemwb.io.Picture(32, 32, s.rgb()).toBufferedImage();
        Files.createDirectories(root.resolve("JPEGImages"));
        javax.imageio.ImageIO.write(img, "png", root.resolve("JPEGImages").resolve("2008_000001.png").toFile());
        var seg = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        var normals = new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < n; p++) {
            seg.getRaster().setSample(p % 32, p / 32, 0, s.semseg()[p]);
            int r = Math.round((s.normals()[p] + 1) / 2 * 255);
            int g = Math.round((s.normals()[n + p] + 1) / 2 * 255);
            int b = Math.round((s.normals()[2 * n + p] + 1) / 2 * 255);
            normals.setRGB(p % 32, p / 32, (r << 16) | (g << 8) | b);
        }
        Files.createDirectories(root.resolve("semseg").resolve("pascal-context"));
        javax.imageio.ImageIO.write(seg, "png", root.resolve("semseg").resolve("pascal-context").resolve("2008_000001.png").toFile());
        Files.createDirectories(root.resolve("normals_distill"));
        javax.imageio.ImageIO.write(normals, "png", root.resolve("normals_distill").resolve("2008_000001.png").toFile());
        Files.createDirectories(root.resolve("human_parts"));
        Files.writeString(root.resolve("human_parts").resolve("2008_000001.mat"), "MATLAB 5.0 MAT-file");

        FolderDataset ds = new FolderDataset(root, "train", EnumSet.of(Task.SEMSEG, Task.NORMALS), 6, 5);
        Sample loaded = ds.load(0, 32);
        assertArrayEquals(s.semseg(), loaded.semseg());
        for (int i = 0; i < 3 * n; i++) {
            assertEquals(s.normals()[i], loaded.normals()[i], 0.02, "normal component " + i);
        }
        IOException e = assertThrows(IOException.class,
                () -> new FolderDataset(root, "train", EnumSet.of(Task.PARTS), 6, 5).load(0, 32));
        assertTrue(e.getMessage().contains("2008_000001.mat") && e.getMessage().contains("partsClasses to 7"), e.getMessage());
        e = assertThrows(IOException.class, () -> new FolderDataset(root, "train", EnumSet.of(Task.PARTS), 6, 7).load(0, 32));
        assertTrue(e.getMessage().contains("2008_000001.mat") && e.getMessage().contains("MATLAB"), e.getMessage());
    }

    /** human_parts/ID.mat (PASCAL-Part) becomes the part labels; an image without one has none. */
    @Test
    void pascalHumanPartsAreReadFromMatFiles() throws Exception {
        Path root = dir.resolve("PASCAL_PARTS");
        Files.createDirectories(root.resolve("ImageSets").resolve("Context"));
        Files.writeString(root.resolve("ImageSets").resolve("Context").resolve("train.txt"), "2008_000001\n2008_000002\n");
        Files.createDirectories(root.resolve("JPEGImages"));
        for (String id : java.util.List.of("2008_000001", "2008_000002")) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(5, 7, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                    root.resolve("JPEGImages").resolve(id + ".png").toFile());
        }
        Files.createDirectories(root.resolve("human_parts"));
        Path fixtures = Path.of("src", "test", "resources", "matfile");
        Files.copy(fixtures.resolve("human_parts.mat"), root.resolve("human_parts").resolve("2008_000001.mat"));
        Npy.Array expected = Npy.read(fixtures.resolve("human_parts_expected.npy"));

        FolderDataset ds = new FolderDataset(root, "train", EnumSet.of(Task.PARTS), 6, 7);
        int size = 14;
        int[] parts = ds.load(0, size).parts();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                // nearest neighbour from the 5 x 7 annotation
                assertEquals((int) expected.data()[(y * 7 / size) * 5 + x * 5 / size], parts[y * size + x], "(" + x + ", " + y + ")");
            }
        }
        int[] none = ds.load(1, size).parts();
        assertTrue(java.util.Arrays.stream(none).allMatch(v -> v == 255), "no annotation: every pixel ignored");
    }
}
