package org.kemwb.data;

import org.kemwb.io.Npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Against files written by scipy.io.savemat (src/test/resources/matfile/make_fixtures.py). */
class MatFileTest {
    static final Path DIR = Path.of("src", "test", "resources", "matfile");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"types.mat", "types_compressed.mat"})
    void readsEveryTypeScipyWrites(String name) throws IOException {
        Map<String, MatFile.Value> v = MatFile.read(DIR.resolve(name));
        MatFile.Numeric d = (MatFile.Numeric) v.get("d");
        assertArrayEquals(new int[] {2, 3}, d.dims());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, d.data(), "column-major");
        assertEquals(6.0, d.at(1, 2));
        assertArrayEquals(new double[] {-3, 4}, ((MatFile.Numeric) v.get("i8")).data());
        assertArrayEquals(new double[] {65535}, ((MatFile.Numeric) v.get("u16")).data());
        assertArrayEquals(new double[] {-70000}, ((MatFile.Numeric) v.get("i32")).data());
        assertArrayEquals(new double[] {0.25}, ((MatFile.Numeric) v.get("f32")).data());
        MatFile.Numeric u8 = (MatFile.Numeric) v.get("u8");
        assertEquals(3, u8.rows());
        assertEquals(4, u8.cols());
        assertEquals(7.0, u8.at(1, 3), "row 1, col 3 of arange(12).reshape(3, 4)");
        assertArrayEquals(new double[] {1, 0}, ((MatFile.Numeric) v.get("flag")).data());
        assertEquals("hello", ((MatFile.Chars) v.get("text")).text());
        MatFile.Cell cells = (MatFile.Cell) v.get("cells");
        assertEquals("ab", ((MatFile.Chars) cells.elements().get(0)).text());
        assertArrayEquals(new double[] {1.5, -2.0}, ((MatFile.Numeric) cells.elements().get(1)).data());
        MatFile.Struct nested = (MatFile.Struct) v.get("nested");
        MatFile.Struct inner = (MatFile.Struct) nested.elements().getFirst().get("inner");
        assertArrayEquals(new double[] {7}, ((MatFile.Numeric) inner.elements().getFirst().get("x")).data());
        assertEquals("n", ((MatFile.Chars) nested.elements().getFirst().get("name")).text());
        assertEquals(0, ((MatFile.Numeric) v.get("empty")).data().length);
    }

    @Test
    void pascalPartAnnotationGivesTheLabelsOfThePublicCode() throws IOException {
        Npy.Array expected = Npy.read(DIR.resolve("human_parts_expected.npy"));
        int h = (int) expected.shape()[0];
        int w = (int) expected.shape()[1];
        int[] labels = PascalHumanParts.labels(DIR.resolve("human_parts.mat"), w, h);
        double[] want = new double[w * h];
        for (int i = 0; i < want.length; i++) {
            want[i] = expected.data()[i];
        }
        assertArrayEquals(want, Arrays.stream(labels).asDoubleStream().toArray());
        assertTrue(Arrays.stream(labels).anyMatch(l -> l == 6) && Arrays.stream(labels).noneMatch(l -> l > 6));
        IOException wrongSize = assertThrows(IOException.class, () -> PascalHumanParts.labels(DIR.resolve("human_parts.mat"), w + 1, h));
        assertTrue(wrongSize.getMessage().contains("human_parts.mat") && wrongSize.getMessage().contains("mask"),
                wrongSize.getMessage());
        IOException notParts = assertThrows(IOException.class, () -> PascalHumanParts.labels(DIR.resolve("types.mat"), w, h));
        assertTrue(notParts.getMessage().contains("no 'anno' struct"), notParts.getMessage());
    }

    @Test
    void brokenFilesAreRefusedWithTheFileName() throws IOException {
        byte[] good = Files.readAllBytes(DIR.resolve("types_compressed.mat"));
        Path text = Files.writeString(tmp.resolve("text.mat"), "not a mat file at all, just some words ".repeat(5));
        IOException e = assertThrows(IOException.class, () -> MatFile.read(text));
        assertTrue(e.getMessage().contains("text.mat") && e.getMessage().contains("not a MATLAB 5"), e.getMessage());
        Path cut = tmp.resolve("cut.mat");
        Files.write(cut, Arrays.copyOf(good, good.length / 2 + 3));
        e = assertThrows(IOException.class, () -> MatFile.read(cut));
        assertTrue(e.getMessage().contains("cut.mat"), e.getMessage());
        Path hdf = tmp.resolve("v73.mat");
        byte[] header = new byte[200];
        System.arraycopy("MATLAB 7.3 MAT-file".getBytes(), 0, header, 0, 19);
        Files.write(hdf, header);
        e = assertThrows(IOException.class, () -> MatFile.read(hdf));
        assertTrue(e.getMessage().contains("v7.3"), e.getMessage());
    }

    /** Mutated files only ever fail with an IOException naming the file. */
    @Test
    void fuzzedFilesFailCleanly() throws IOException {
        byte[][] seeds = {Files.readAllBytes(DIR.resolve("types.mat")), Files.readAllBytes(DIR.resolve("types_compressed.mat")),
            Files.readAllBytes(DIR.resolve("human_parts.mat"))};
        Random rnd = new Random(11);
        Path f = tmp.resolve("fuzz.mat");
        int failures = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] b = seeds[i % seeds.length].clone();
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits; k++) {
                b[128 + rnd.nextInt(b.length - 128)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                b = Arrays.copyOf(b, 128 + rnd.nextInt(b.length - 128));
            }
            Files.write(f, b);
            try {
                MatFile.read(f);
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("fuzz.mat"), expected.getMessage());
                failures++;
            }
        }
        assertTrue(failures > 100, "most mutations are caught: " + failures);
        assertInstanceOf(MatFile.Numeric.class, MatFile.read(DIR.resolve("types.mat")).get("d"));
    }
}
