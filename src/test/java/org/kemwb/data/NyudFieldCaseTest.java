package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.io.Npy;
import org.kemwb.metrics.DepthMetrics;
import org.kemwb.metrics.NormalsMetrics;
import org.kemwb.model.Task;

/**
 * The field case nyud_tiny/ (one 4x2 NYUD-v2 sample in the layout of the public MTL code bases)
 * reads as those code bases read it: raw 0 -> 255, c -> c-1; zero depth and zero normals are
 * invalid; edge/*.npy is read like edge/*.png. Variants: depth as 16-bit millimetre PNG,
 * out-of-range raw labels, a model with the wrong class count.
 */
class NyudFieldCaseTest {
    static final Path NYUD = Path.of("src", "test", "resources", "field-cases", "nyud_tiny");
    static final Set<Task> TASKS = EnumSet.of(Task.SEMSEG, Task.DEPTH, Task.NORMALS, Task.EDGES);

    @TempDir
    Path dir;

    @Test
    void readsAsTheMultiTaskCodeBasesReadIt() throws Exception {
        FolderDataset d = new FolderDataset(NYUD, "train", TASKS, FolderDataset.NYUD_CLASSES, 7);
        assertEquals(1, d.size());
        FolderDataset.Labels l = d.labels(0);
        assertEquals(4, l.width());
        assertEquals(2, l.height());
        assertArrayEquals(new int[] {255, 0, 39, 20, 0, 0, 255, 39}, l.semseg());
        String[] names = ClassNames.of(Task.SEMSEG, FolderDataset.NYUD_CLASSES);
        assertEquals("wall", names[0]);
        assertEquals("clothes", names[20]);
        assertEquals("otherprop", names[39]);
        assertArrayEquals(new float[] {0, 1.5f, 2.25f, 3, 0, 9.75f, 4.5f, 1.25f}, l.depth());
        assertArrayEquals(new byte[8], l.edges(), "edge/0001.npy read (all zero: no edges)");
        // normals (H, W, 3) -> planar; pixel (0, 0) all zero = invalid, the rest (0, 0, 1)
        for (int p = 0; p < 8; p++) {
            assertEquals(0f, l.normals()[p]);
            assertEquals(0f, l.normals()[8 + p]);
            assertEquals(p == 0 ? 0f : 1f, l.normals()[16 + p], "normal z at " + p);
        }
        // invalid pixels are not counted: a prediction of 100 m / any direction there changes nothing
        float[] pred = l.depth().clone();
        pred[0] = 100;
        pred[4] = 100;
        DepthMetrics depth = new DepthMetrics();
        depth.add(l.depth(), pred);
        assertEquals(0.0, depth.rmse(), 1e-12);
        float[] normalsPred = l.normals().clone();
        normalsPred[0] = 1;
        NormalsMetrics normals = new NormalsMetrics();
        normals.add(l.normals(), normalsPred);
        assertEquals(0.0, normals.mean(), 1e-6);
        // and at a model size the labels are the same classes, nearest-neighbour
        Sample s = d.load(0, 4);
        assertArrayEquals(new int[] {255, 0, 39, 20, 255, 0, 39, 20, 0, 0, 255, 39, 0, 0, 255, 39}, s.semseg());
    }

    @Test
    void depthAsMillimetrePngAndEdgesAsPngAlsoRead() throws Exception {
        Path root = copy();
        Files.delete(root.resolve("depth").resolve("0001.npy"));
        var png = new java.awt.image.BufferedImage(4, 2, java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        int[] mm = {0, 1500, 2250, 3000, 0, 9750, 4500, 1250};
        for (int p = 0; p < 8; p++) {
            png.getRaster().setSample(p % 4, p / 4, 0, mm[p]);
        }
        javax.imageio.ImageIO.write(png, "png", root.resolve("depth").resolve("0001.png").toFile());
        Files.delete(root.resolve("edge").resolve("0001.npy"));
        var edge = new java.awt.image.BufferedImage(4, 2, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        edge.getRaster().setSample(3, 1, 0, 255);
        javax.imageio.ImageIO.write(edge, "png", root.resolve("edge").resolve("0001.png").toFile());
        FolderDataset.Labels l = new FolderDataset(root, "train", TASKS, 40, 7).labels(0);
        assertArrayEquals(new float[] {0, 1.5f, 2.25f, 3, 0, 9.75f, 4.5f, 1.25f}, l.depth());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, l.edges());
    }

    @Test
    void badInputIsRefusedNamingTheFile() throws Exception {
        IOException classes = assertThrows(IOException.class, () -> new FolderDataset(NYUD, "train", TASKS, 41, 7).labels(0));
        assertTrue(classes.getMessage().contains("NYUD-v2 has 40 classes; set model.semsegClasses to 40"), classes.getMessage());
        assertTrue(classes.getMessage().startsWith(NYUD.resolve("segmentation").resolve("0001.png").toString()), classes.getMessage());
        Path root = copy();
        var seg = new java.awt.image.BufferedImage(4, 2, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        seg.getRaster().setSample(2, 1, 0, 41);
        Path segFile = root.resolve("segmentation").resolve("0001.png");
        javax.imageio.ImageIO.write(seg, "png", segFile.toFile());
        IOException range = assertThrows(IOException.class, () -> new FolderDataset(root, "train", TASKS, 40, 7).labels(0));
        assertEquals(segFile + ": label 41 at (2, 1) is out of NYUD-v2's raw range 0..40", range.getMessage());
        Path depthFile = root.resolve("depth").resolve("0001.npy");
        Npy.write(new float[6], new long[] {2, 3}, depthFile);
        IOException shape = assertThrows(IOException.class,
                () -> new FolderDataset(root, "train", EnumSet.of(Task.DEPTH), 40, 7).labels(0));
        assertTrue(shape.getMessage().startsWith(depthFile + ": shape [2, 3] does not match the image"), shape.getMessage());
    }

    @Test
    void groundTruthForInspectKeepsEveryTaskWhoseLabelsAreFineAndSaysWhyAnotherIsLeftOut() throws Exception {
        Path root = copy();
        Path image = root.resolve("images").resolve("0001.jpg");
        // one bad label file: only its task is left out, in one line naming the file
        Path depthFile = root.resolve("depth").resolve("0001.npy");
        Npy.write(new float[63], new long[] {7, 9}, depthFile);
        FolderDataset.Truth t = FolderDataset.truthOf(image, TASKS, FolderDataset.NYUD_CLASSES, 7).orElseThrow();
        assertEquals(EnumSet.of(Task.SEMSEG, Task.NORMALS, Task.EDGES), t.labelled());
        assertEquals(java.util.List.of("depth ground truth not shown: " + depthFile
                + ": shape [7, 9] does not match the image (expected [2, 4])"), t.problems());
        assertArrayEquals(new int[] {255, 0, 39, 20, 0, 0, 255, 39}, t.sample().semseg(), "the field case's labels");
        assertEquals(1f, t.sample().normals()[16 + 1]);
        assertArrayEquals(new float[8], t.sample().depth(), "the bad task is 'no label' (0 m) everywhere");
        // a 6-class model on the 40-class dataset: depth, normals and edges still shown, semseg left out saying why
        Npy.write(new float[] {0, 1.5f, 2.25f, 3, 0, 9.75f, 4.5f, 1.25f}, new long[] {2, 4}, depthFile);
        FolderDataset.Truth six = FolderDataset.truthOf(image, TASKS, 6, 7).orElseThrow();
        assertEquals(EnumSet.of(Task.DEPTH, Task.NORMALS, Task.EDGES), six.labelled());
        assertEquals(1, six.problems().size(), six.problems().toString());
        String why = six.problems().get(0);
        assertTrue(why.startsWith("semseg ground truth not shown: the model predicts 6 classes") && why.endsWith("has 40"), why);
        assertArrayEquals(new float[] {0, 1.5f, 2.25f, 3, 0, 9.75f, 4.5f, 1.25f}, six.sample().depth());
        assertTrue(java.util.Arrays.stream(six.sample().semseg()).allMatch(v -> v == Sample.IGNORE), "no semseg label");
        // an image outside a dataset folder has no ground truth at all
        Path loose = dir.resolve("loose.jpg");
        Files.copy(image, loose);
        assertTrue(FolderDataset.truthOf(loose, TASKS, 40, 7).isEmpty());
    }

    @Test
    void anImageWiderThan2048PxKeepsItsFullSizeLabels() throws Exception {
        // the old reader subsampled images above 2048 px and then refused their full-size .npy labels
        Path root = dir.resolve("wide");
        int w = 2500;
        int h = 2;
        Files.createDirectories(root.resolve("gt_sets"));
        Files.writeString(root.resolve("gt_sets").resolve("train.txt"), "0001\n");
        Files.createDirectories(root.resolve("images"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                root.resolve("images").resolve("0001.png").toFile());
        float[] metres = new float[w * h];
        metres[w * h - 1] = 7.5f;
        Npy.write(metres, new long[] {h, w}, root.resolve("depth").resolve("0001.npy"));
        FolderDataset.Labels l = new FolderDataset(root, "train", EnumSet.of(Task.DEPTH), 40, 7).labels(0);
        assertEquals(w, l.width());
        assertEquals(7.5f, l.depth()[w * h - 1]);
        assertEquals(3 * 8 * 8, new FolderDataset(root, "train", EnumSet.of(Task.DEPTH), 40, 7).load(0, 8).rgb().length);
    }

    @Test
    void classColoursFollowThePascalVocColourMap() {
        // VOCdevkit labelcolormap: 1 aeroplane (128,0,0), 2 (0,128,0), 3 (128,128,0), 4 (0,0,128), 15 person (192,128,128)
        assertEquals(0x000000, ClassNames.vocColour(0));
        assertEquals(0x800000, ClassNames.vocColour(1));
        assertEquals(0x008000, ClassNames.vocColour(2));
        assertEquals(0x808000, ClassNames.vocColour(3));
        assertEquals(0x000080, ClassNames.vocColour(4));
        assertEquals(0xc08080, ClassNames.vocColour(15));
        assertEquals("person", ClassNames.of(Task.SEMSEG, 21)[15]);
        assertEquals("background", ClassNames.of(Task.SEMSEG, 60)[0]);
        assertEquals("wood", ClassNames.of(Task.SEMSEG, 59)[58]);
        assertEquals("lower leg", ClassNames.of(Task.PARTS, 7)[6]);
        assertEquals("class 12", ClassNames.of(Task.SEMSEG, 13)[12]);
    }

    private Path copy() throws IOException {
        return org.kemwb.TestFiles.copyTree(NYUD, dir.resolve("nyud"));
    }
}
