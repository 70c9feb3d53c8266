package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemwb.card.CardException;
import org.kemwb.card.ModelCard;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Npy;

/**
 * A model whose token grid follows its input ({@code "multipleOf": 16} card, token groups given by
 * {@code "patch": 8}): the committed tiny any-size ViT (interop/pytorch/tiny_any_size_vit.py,
 * fixtures by make_any_size_fixtures.sh) has its attention read at whatever size the photo gives,
 * matching PyTorch to 1e-4 at sizes it was not traced at.
 */
class CardPatchGridTest {
    static final Path DIR = Path.of("src", "test", "resources", "org", "kemwb", "card", "anysize");
    static CardModel model;

    @BeforeAll
    static void load() throws Exception {
        model = CardModel.load(DIR.resolve("model.pt"), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void forwardAtAnInputSizeOtherThanTheTracedOneMatchesPyTorch() throws Exception {
        Npy.Array input = Npy.read(DIR.resolve("input_48x80.npy"));
        CardModel.RawOutputs out = model.forward(input.data(), 48, 80);
        assertEquals(3, out.data().size());
        assertArrayEquals(new long[] {1, 2, 61, 61}, out.shapes().get(2), "class token + 6 x 10 tokens of 8 px");
        for (int i = 0; i < 3; i++) {
            Npy.Array want = Npy.read(DIR.resolve("expected_48x80_" + i + ".npy"));
            assertArrayEquals(want.shape(), out.shapes().get(i), "output " + i + " shape");
            CardModelTest.assertClose(want.data(), out.data().get(i), 1e-4, "output " + i);
        }
    }

    @Test
    void aPhotoOfAnotherAspectGetsItsOwnGridAndPyTorchsAttention() throws Exception {
        // 70 x 50 photo: sides under maxSide 128, padded to 80 x 64 (multiples of 16): 8 x 10 tokens
        CardPrediction p = model.predict(ImageDecoder.read(DIR.resolve("photo_70x50.png")));
        assertEquals(new Letterbox(50, 70, 64, 80, 50, 70, 7, 5), p.letterbox());
        CardPrediction.AttentionMap a = p.attention().getFirst();
        ModelCard.TokenGroup grid = a.spec().rows().groups().getFirst();
        assertEquals(8, grid.height());
        assertEquals(10, grid.width());
        assertEquals(81, a.rows());
        assertEquals(2, a.heads());
        CardModelTest.assertClose(Npy.read(DIR.resolve("photo_70x50_encoder_mean.npy")).data(), a.weights(), 1e-4, "heads averaged");
        // per head: the two heads average to the stored mean and differ from each other
        float[] h0 = a.grid(40, 0, 0);
        float[] h1 = a.grid(40, 0, 1);
        float[] mean = a.grid(40, 0);
        assertEquals(80, mean.length);
        boolean differ = false;
        for (int i = 0; i < mean.length; i++) {
            assertEquals(mean[i], (h0[i] + h1[i]) / 2, 1e-6, "token " + i);
            differ |= Math.abs(h0[i] - h1[i]) > 1e-4;
        }
        assertEquals(true, differ, "two different heads");
        // the row token under a pixel counts in the 8 x 10 grid: pixel (35, 25) -> input (40, 32) -> cell (4, 5)
        assertEquals(1 + 4 * 10 + 5, p.rowAt(a, 0, 35, 25));
        float sum = a.prefixMass(41, -1);
        for (float v : a.grid(41, 0)) {
            sum += v;
        }
        assertEquals(1, sum, 1e-5, "class token + grid: a softmax row");
    }

    @Test
    void aFixedGridThatTheInputDoesNotGiveIsRefusedNamingBothLayouts(@TempDir Path tmp) throws Exception {
        // the same model with the grid written down for one size (as cards had to before "patch"): refused at another
        Files.copy(DIR.resolve("model.pt"), tmp.resolve("fixed.pt"));
        String card = Files.readString(DIR.resolve("model.card.json")).replace("\"patch\": 8", "\"grid\": [6, 10]");
        Files.writeString(tmp.resolve("fixed.card.json"), card);
        try (CardModel fixed = CardModel.load(tmp.resolve("fixed.pt"), Device.cpu())) {
            assertEquals(61, fixed.forward(Npy.read(DIR.resolve("input_48x80.npy")).data(), 48, 80).shapes().get(2)[3]);
            CardException e = assertThrows(CardException.class, () -> fixed.forward(new float[3 * 64 * 80], 64, 80));
            assertEquals(tmp.resolve("fixed.pt") + ": output 2 (encoder): shape (1, 2, 81, 81), the card needs (1, heads, 61, 61)"
                    + " (rows 1 prefix + 6x10, columns 1 prefix + 6x10)", e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /**
     * A fixed 64 x 97 input with 16 px patches: floor(97 / 16) = 6 tokens per row cover columns
     * 0..95 as a stride-16 patch convolution sees them (column 96 is seen by none and takes the
     * last token). Read as a grid stretched over all 97 columns instead, pixels 80..82 would go
     * to token 4 and the hot cell would start at 81.
     */
    @Test
    void aPatchGroupsCellsFollowTheStrideNotTheInputWidth() {
        ModelCard.TokenGroup g = new ModelCard.TokenGroup(null, 0, 0, 16).at(64, 97);
        assertEquals(4, g.height());
        assertEquals(6, g.width());
        CardPrediction p = new CardPrediction(null, 97, 64, java.util.List.of(), java.util.List.of(), Letterbox.fit(64, 97, 64, 97), 0);
        float[] grid = new float[24];
        grid[1 * 6 + 5] = 1; // row 1, column 5
        float[] heat = p.heatmapOnPhoto(grid, g);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 97; x++) {
                boolean hot = x >= 80 && y >= 16 && y < 32;
                assertEquals(hot ? 1f : 0f, heat[y * 97 + x], "pixel " + x + "," + y);
            }
        }
        assertArrayEquals(new int[] {1, 5}, p.cellAt(80, 16, g));
        assertArrayEquals(new int[] {3, 5}, p.cellAt(96, 63, g), "the unseen last column takes the nearest token");
        assertArrayEquals(new double[] {80, 16, 96, 32}, p.cellBox(g, 1, 5), 1e-9);
        // a fixed grid still covers the whole input: 6 cells of 97 / 6 px
        ModelCard.TokenGroup fixed = new ModelCard.TokenGroup(null, 4, 6);
        assertArrayEquals(new int[] {1, 4}, p.cellAt(80, 16, fixed));
        assertArrayEquals(new double[] {5 * 97 / 6.0, 16, 97, 32}, p.cellBox(fixed, 1, 5), 1e-9);
    }
}
