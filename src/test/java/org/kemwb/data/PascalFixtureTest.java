package org.kemwb.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemwb.io.Npy;
import org.kemwb.model.Task;

/**
 * The committed PASCAL-Context folder (src/test/resources/pascal-tiny, written by its
 * make_fixture.py: JPEG photos of different sizes, grey and palette class PNGs, PASCAL-Part .mat
 * annotations with overlapping parts, a dog and a person without parts, two images without any,
 * RGB normals with unlabelled black pixels, 8-bit, 1-bit and 4-bit-palette saliency, edges as PNG
 * and as float .npy) reads pixel for pixel as the generator says, at each image's own size and at
 * the model size. The PyTorch trainer's reader is held to the same arrays
 * (interop/pytorch/test_train.py, PascalLayoutTest), so both read the folder identically.
 */
class PascalFixtureTest {
    static final Path ROOT = Path.of("src", "test", "resources", "pascal-tiny");
    static final int SIZE = 16;
    static final EnumSet<Task> TASKS = EnumSet.of(Task.SEMSEG, Task.PARTS, Task.NORMALS, Task.EDGES, Task.SALIENCY);

    static List<String> ids(String split) throws IOException {
        return Files.readAllLines(ROOT.resolve("ImageSets").resolve("Context").resolve(split + ".txt")).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Channel c of an expected (7, H, W) array: semseg, parts, nx, ny, nz, edges, saliency. */
    static float at(Npy.Array a, int c, int p) {
        int n = (int) (a.shape()[1] * a.shape()[2]);
        return a.data()[c * n + p];
    }

    @Test
    void labelsAreTheGeneratorsAtTheImageSizeAndAtTheModelSize() throws IOException {
        int noPerson = 0;
        for (String split : List.of("train", "val")) {
            List<String> ids = ids(split);
            FolderDataset ds = new FolderDataset(ROOT, split, TASKS, 6, PascalHumanParts.CLASSES);
            assertEquals(ids.size(), ds.size());
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                Npy.Array native_ = Npy.read(ROOT.resolve("expected").resolve(id + ".npy"));
                FolderDataset.Labels l = ds.labels(i);
                assertEquals(native_.shape()[1], l.height(), id);
                assertEquals(native_.shape()[2], l.width(), id);
                int n = l.width() * l.height();
                boolean person = at(native_, 1, 0) != -1;
                if (!person) {
                    assertNull(l.parts(), id + ": no human_parts/ID.mat, no parts label");
                    noPerson++;
                }
                for (int p = 0; p < n; p++) {
                    String where = id + " pixel " + p;
                    assertEquals((int) at(native_, 0, p), l.semseg()[p], where + " semseg");
                    if (person) {
                        assertEquals((int) at(native_, 1, p), l.parts()[p], where + " parts");
                    }
                    for (int c = 0; c < 3; c++) {
                        assertEquals(at(native_, 2 + c, p), l.normals()[c * n + p], 1e-6, where + " normal " + c);
                    }
                    assertEquals((int) at(native_, 5, p), l.edges()[p], where + " edges");
                    assertEquals((int) at(native_, 6, p), l.saliency()[p], where + " saliency");
                }
                Npy.Array small = Npy.read(ROOT.resolve("expected").resolve(id + "_" + SIZE + ".npy"));
                Sample s = ds.load(i, SIZE);
                int m = SIZE * SIZE;
                for (int p = 0; p < m; p++) {
                    String where = id + " model-size pixel " + p;
                    assertEquals((int) at(small, 0, p), s.semseg()[p], where + " semseg");
                    assertEquals((int) at(small, 1, p), s.parts()[p], where + " parts");
                    for (int c = 0; c < 3; c++) {
                        assertEquals(at(small, 2 + c, p), s.normals()[c * m + p], 1e-6, where + " normal " + c);
                    }
                    assertEquals((int) at(small, 5, p), s.edges()[p], where + " edges");
                    assertEquals((int) at(small, 6, p), s.saliency()[p], where + " saliency");
                }
            }
        }
        assertEquals(2, noPerson, "two images have no annotation");
        assertTrue(Files.exists(ROOT.resolve("human_parts").resolve("2008_000002.mat")));
    }
}
