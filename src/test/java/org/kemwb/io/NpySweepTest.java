package org.kemwb.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.util.Json;

/**
 * Every numeric .npy variant numpy writes reads as numpy reads it, and invalid files are refused
 * naming the file. Files and expected values (numpy's own {@code astype(float32)} in C order) are
 * written by {@code src/test/resources/npy-sweep/make_fixtures.py}.
 */
class NpySweepTest {
    static final Path DIR = Path.of("src", "test", "resources", "npy-sweep");

    @TempDir
    Path tmp;

    @Test
    void everyDtypeOrderByteOrderAndVersionReadsAsNumpyDoes() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(DIR.resolve("expected.json").toFile());
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : expected.get("valid").properties()) {
            Npy.Array a = Npy.read(DIR.resolve(e.getKey()));
            JsonNode want = e.getValue();
            long[] shape = new long[want.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = want.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, a.shape(), e.getKey() + " shape");
            assertEquals(want.get("dtype").asText(), a.dtype(), e.getKey() + " dtype");
            float[] values = new float[want.get("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) want.get("values").get(i).asDouble();
            }
            assertArrayEquals(values, a.data(), e.getKey() + " values in C order");
            checked++;
        }
        // (3 one-byte dtypes + 9 wider dtypes x 2 byte orders) x 2 memory orders = 42, plus v2, v3, 0-d, empty, 1-d, 2L
        assertEquals(48, checked);
    }

    @Test
    void invalidFilesAreRefusedNamingTheFileAndTheProblem() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(DIR.resolve("expected.json").toFile());
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : expected.get("invalid").properties()) {
            Path file = DIR.resolve(e.getKey());
            IOException ex = assertThrows(IOException.class, () -> Npy.read(file), e.getKey());
            assertTrue(ex.getMessage().startsWith(file + ": "), ex.getMessage());
            assertTrue(ex.getMessage().contains(e.getValue().asText()), ex.getMessage());
            assertEquals(-1, ex.getMessage().indexOf('\n'), "one line: " + ex.getMessage());
            checked++;
        }
        assertEquals(9, checked);
        for (Path p : new Path[] {tmp.resolve("missing.npy"), Files.createDirectory(tmp.resolve("folder.npy")),
            Files.createFile(tmp.resolve("empty.npy"))}) {
            IOException ex = assertThrows(IOException.class, () -> Npy.read(p));
            assertTrue(ex.getMessage().startsWith(p + ": "), ex.getMessage());
        }
    }

    @Test
    void aHeaderDeclaringHugeDataIsRefusedWithoutAllocatingIt() throws Exception {
        byte[] small = Npy.bytes(new float[] {1, 2}, new long[] {2});
        String header = new String(small, 10, small.length - 18, java.nio.charset.StandardCharsets.ISO_8859_1);
        String huge = header.replace("(2,)", "(100000, 100000)");
        huge = huge.substring(0, header.length());
        byte[] bytes = small.clone();
        System.arraycopy(huge.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, bytes, 10, huge.length());
        Path f = tmp.resolve("huge.npy");
        Files.write(f, bytes);
        IOException ex = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(ex.getMessage().startsWith(f + ": data is shorter than its shape [100000, 100000]"), ex.getMessage());
    }

    @Test
    void writtenFilesReadBack() throws Exception {
        float[] data = {0f, -1.5f, 3.25f, Float.MIN_VALUE, 7f, 1e30f};
        for (long[] shape : new long[][] {{6}, {2, 3}, {1, 2, 3}}) {
            Path f = tmp.resolve("w" + shape.length + ".npy");
            Npy.write(data, shape, f);
            Npy.Array a = Npy.read(f);
            assertArrayEquals(shape, a.shape());
            assertArrayEquals(data, a.data());
            assertEquals(0, (Files.size(f) - data.length * 4L) % 64, "header padded to a multiple of 64 bytes");
        }
    }
}
