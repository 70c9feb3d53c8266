package org.kemwb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Picture;
import org.kemwb.infer.InputSize;
import org.kemwb.infer.ModelHandle;
import org.kemwb.infer.Prediction;
import org.kemwb.infer.PredictionExport;
import org.kemwb.model.Checkpoint;
import org.kemwb.model.InteractionKind;
import org.kemwb.model.LoadedModel;
import org.kemwb.model.ModelConfig;
import org.kemwb.model.Task;

/**
 * Field case image_96w_64h_hot_patch.png: 96 wide x 64 high, black, a white patch at x 80-95,
 * y 16-31. Run through a square 32 x 32 model whose depth output is the GELU of the pixel's
 * normalised brightness (its head weights set by hand, so the response follows the patch
 * wherever the pipeline puts it), every export must be 96 x 64 with the response at the patch:
 * a stretched, transposed or shifted output fails.
 */
class ImageSizeInferenceTest {
    static final Path IMAGE = Path.of("src/test/resources/field-cases/image_96w_64h_hot_patch.png");
    static final int X0 = 80;
    static final int X1 = 96;
    static final int Y0 = 16;
    static final int Y1 = 32;

    @TempDir
    Path dir;

    /** Square 32 x 32, patch 8: depth = gelu(sum_c (rgb_c - 0.45) / 0.25) of the pixel itself. */
    Path brightnessModel(InteractionKind kind) throws Exception {
        ModelConfig cfg = new ModelConfig(List.of(Task.SEMSEG, Task.DEPTH), kind, 32, 8, 16, 2, 1, 1, 2, 4, 2, 1.0, 6, 5, 7L,
                ModelConfig.STEM, 0, false).validated("test");
        Path file = dir.resolve(kind.id() + ".params");
        try (LoadedModel model = LoadedModel.create(cfg, Device.cpu(), 1, null)) {
            for (Pair<String, Parameter> p : model.net().getParameters()) {
                String name = p.getKey();
                if (!name.contains("head_depth")) {
                    continue;
                }
                var array = p.getValue().getArray();
                float[] v = new float[(int) array.size()];
                if (name.endsWith("refine_weight")) { // (8 hidden, 8 token-map + 3 image channels)
                    for (int c = 8; c < 11; c++) {
                        v[c] = 1;
                    }
                } else if (name.endsWith("out_weight")) { // (1, 8 hidden)
                    v[0] = 1;
                } else if (!name.endsWith("bias")) {
                    continue;
                }
                array.set(v);
            }
            Checkpoint.save(model, file, Map.of());
        }
        return file;
    }

    record Result(int code, String err) {}

    static Result run(String... args) {
        StringWriter err = new StringWriter();
        int code = KemwbCli.execute(new PrintWriter(err, true), args);
        return new Result(code, err.toString().trim());
    }

    /** Shape and data of a C-order .npy of dtype '<f4' or '|u1'. */
    record Npy(String descr, long[] shape, float[] data) {}

    static Npy readNpy(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String header = new String(b, 10, len, StandardCharsets.US_ASCII);
        String descr = header.replaceAll(".*'descr': '([^']+)'.*\\s*", "$1").trim();
        String[] dims = header.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1").split(",");
        long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        int n = (int) java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        float[] data = new float[n];
        ByteBuffer buf = ByteBuffer.wrap(b, 10 + len, b.length - 10 - len).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data[i] = descr.equals("|u1") ? buf.get() & 0xff : buf.getFloat();
        }
        return new Npy(descr, shape, data);
    }

    /** Asserts the pixels above half the maximum are the patch, within {@code slack} pixels at each edge. */
    static void assertResponseIsThePatch(float[] depth, int slack, String what) {
        float max = 0;
        for (float v : depth) {
            max = Math.max(max, v);
        }
        assertTrue(max > 3, what + ": the patch gives a strong response (max " + max + ")");
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                boolean hot = depth[y * 96 + x] > max / 2;
                boolean surelyIn = x >= X0 + slack && x < X1 - slack && y >= Y0 + slack && y < Y1 - slack;
                boolean surelyOut = x < X0 - slack || x >= X1 + slack || y < Y0 - slack || y >= Y1 + slack;
                if (surelyIn) {
                    assertTrue(hot, what + ": pixel (" + x + ", " + y + ") inside the patch responds");
                }
                if (surelyOut) {
                    assertFalse(hot, what + ": pixel (" + x + ", " + y + ") outside the patch stays quiet");
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"model, 2", "image, 0", "48x80, 2", "64x64, 2"})
    void exportsAreAtTheImagesOwnSizeWithThePatchWhereItIs(String inputSize, int slack) throws Exception {
        Path model = brightnessModel(InteractionKind.KEM);
        Path other = Files.createDirectories(dir.resolve("other"));
        Path copy = Files.copy(IMAGE, other.resolve(IMAGE.getFileName()));
        Path out = dir.resolve("out");
        Result r = run("infer", "--checkpoint", model.toString(), "--input-size", inputSize, "--out", out.toString(),
                IMAGE.toString(), copy.toString());
        assertEquals(0, r.code(), r.err());
        for (String stem : List.of("image_96w_64h_hot_patch", "image_96w_64h_hot_patch-2")) {
            BufferedImage png = ImageIO.read(out.resolve(stem + "_depth.png").toFile());
            assertEquals(96, png.getWidth());
            assertEquals(64, png.getHeight());
            Npy depth = readNpy(out.resolve(stem + "_depth.npy"));
            assertEquals("<f4", depth.descr());
            assertEquals(List.of(1L, 64L, 96L), java.util.Arrays.stream(depth.shape()).boxed().toList());
            assertResponseIsThePatch(depth.data(), slack, inputSize + " " + stem);
            Npy classes = readNpy(out.resolve(stem + "_semseg.npy"));
            assertEquals("|u1", classes.descr(), "semseg exports the class map, not logits");
            assertEquals(List.of(64L, 96L), java.util.Arrays.stream(classes.shape()).boxed().toList());
            for (float c : classes.data()) {
                assertTrue(c >= 0 && c < 6);
            }
            BufferedImage seg = ImageIO.read(out.resolve(stem + "_semseg.png").toFile());
            assertEquals(96, seg.getWidth());
            assertEquals(64, seg.getHeight());
        }
        try (var files = Files.list(out)) {
            assertEquals(8, files.count(), "2 images x 2 tasks x (png, npy), nothing overwritten");
        }
    }

    @Test
    void predictionAddressesTheImagesPixelsAndItsTokenGrid() throws Exception {
        Picture img = ImageDecoder.read(IMAGE);
        try (ModelHandle model = ModelHandle.open(brightnessModel(InteractionKind.KEM), Device.cpu())) {
            Prediction own = model.predict(img.rgb(), 64, 96, InputSize.IMAGE, true);
            assertEquals(64, own.height());
            assertEquals(96, own.width());
            assertEquals(8, own.gridHeight());
            assertEquals(12, own.gridWidth());
            assertEquals((2 * 96) * (2 * 96), own.tokenAttention().length); // (K*L)^2, K = 2, L = 96
            assertEquals(2 * 12 + 10, own.tokenAt(85, 20), "the patch's pixel (85, 20) is in token row 2, column 10");
            double[] box = own.tokenBox(2 * 12 + 10);
            assertEquals(80, box[0], 1e-9);
            assertEquals(16, box[1], 1e-9);
            assertEquals(88, box[2], 1e-9);
            assertEquals(24, box[3], 1e-9);
            assertResponseIsThePatch(own.outputs().get(1), 0, "image size");
            // at the model's 32 x 32 the image is letterboxed: content 21 x 32 rows from row 5, a 4 x 4 grid
            Prediction fitted = model.predict(img.rgb(), 64, 96, InputSize.MODEL, true);
            assertEquals(4, fitted.gridWidth());
            assertEquals(5, fitted.letterbox().top());
            assertEquals(21, fitted.letterbox().contentHeight());
            assertEquals(64 * 96, fitted.outputs().get(1).length);
            assertEquals(3, fitted.tokenAt(95, 0), "top-right pixel: token row 0 (row 0 is partly padding), column 3");
            assertEquals(15, fitted.tokenAt(95, 63));
        }
    }

    @Test
    void sameNamedImagesGetNumberedStems() {
        assertEquals(List.of("photo", "photo-2", "photo-2-2", "photo-3", "scan"), PredictionExport.uniqueStems(
                List.of(Path.of("a/photo.png"), Path.of("b/photo.jpg"), Path.of("photo-2.png"), Path.of("c/photo.png"), Path.of("scan"))));
    }

    @Test
    void sizesAModelCannotRunAreRefusedInOneLineAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("out");
        Path ctal = brightnessModel(InteractionKind.CTAL);
        Result r = run("infer", "--checkpoint", ctal.toString(), "--input-size", "image", "--out", out.toString(), IMAGE.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("image_96w_64h_hot_patch.png") && r.err().contains("ctal has per-token convolution weights"), r.err());
        Result odd = run("infer", "--checkpoint", ctal.toString(), "--input-size", "48x81", "--out", out.toString(), IMAGE.toString());
        assertEquals(2, odd.code(), odd.err());
        assertTrue(odd.err().contains("multiples of the model's patch (8)"), odd.err());
        Result word = run("infer", "--checkpoint", ctal.toString(), "--input-size", "big", "--out", out.toString(), IMAGE.toString());
        assertEquals(2, word.code(), word.err());
        assertTrue(word.err().contains("input size 'big'"), word.err());
        assertFalse(Files.exists(out), "nothing written");
        // at its own size CTAL runs, letterboxed, and exports at the image's size
        assertEquals(0, run("infer", "--checkpoint", ctal.toString(), "--out", out.toString(), IMAGE.toString()).code());
        assertEquals(96, ImageIO.read(out.resolve("image_96w_64h_hot_patch_depth.png").toFile()).getWidth());
    }
}
