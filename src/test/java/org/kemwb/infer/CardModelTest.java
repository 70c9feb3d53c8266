package org.kemwb.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kemwb.card.ModelCard;
import org.kemwb.io.ImageDecoder;
import org.kemwb.io.Npy;
import org.kemwb.io.Picture;

/**
 * The committed tiny joint ViT (interop/pytorch/tiny_joint_vit.py, exported by export_model.py;
 * fixtures from make_card_fixtures.sh): Java reproduces PyTorch's outputs to 1e-4 without Python,
 * and the photo pipeline matches PyTorch's F.interpolate reference.
 */
class CardModelTest {
    static final Path DIR = Path.of("src", "test", "resources", "org", "kemwb", "card");
    static final Path TINY = DIR.resolve("tiny");
    static CardModel model;

    @BeforeAll
    static void load() throws Exception {
        model = CardModel.load(TINY.resolve("model.pt"), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tol, what + ": largest difference " + worst);
    }

    @Test
    void reproducesPyTorchOutputsIncludingBothAttentions() throws Exception {
        Npy.Array input = Npy.read(TINY.resolve("input.npy"));
        CardModel.RawOutputs out = model.forward(input.data(), 64, 96);
        assertEquals(4, out.data().size());
        for (int i = 0; i < 4; i++) {
            Npy.Array want = Npy.read(TINY.resolve("expected_" + i + ".npy"));
            assertArrayEquals(want.shape(), out.shapes().get(i), "output " + i + " shape");
            assertClose(want.data(), out.data().get(i), 1e-4, "output " + i);
        }
    }

    @Test
    void photoPipelineMatchesPyTorchInterpolate() throws Exception {
        Picture photo = ImageDecoder.read(TINY.resolve("photo.png"));
        CardPrediction p = model.predict(photo);
        assertEquals(96, p.width());
        assertEquals(64, p.height());
        CardPrediction.TaskMap seg = p.task("semseg");
        assertEquals(40, seg.channels());
        int n = 96 * 64;
        float[] first4 = new float[4 * n];
        System.arraycopy(seg.values(), 0, first4, 0, first4.length);
        assertClose(Npy.read(TINY.resolve("photo_semseg_first4.npy")).data(), first4, 1e-4, "semseg logits at the photo size");
        assertClose(Npy.read(TINY.resolve("photo_depth.npy")).data(), p.task("depth").values(), 1e-4, "depth at the photo size");
        float[] classes = Npy.read(TINY.resolve("photo_semseg_classes.npy")).data();
        float[] margin = Npy.read(TINY.resolve("photo_semseg_margin.npy")).data();
        int compared = 0;
        for (int i = 0; i < n; i++) {
            if (margin[i] > 1e-3) { // near-ties may flip within float error
                assertEquals((int) classes[i], seg.classMap()[i], "class at pixel " + i);
                compared++;
            }
        }
        assertTrue(compared > n * 9 / 10, "compared " + compared + " of " + n + " pixels");
        assertEquals(2, p.attention().size());
        CardPrediction.AttentionMap enc = p.attention().get(0);
        assertEquals(2, enc.heads());
        assertEquals(29, enc.rows());
        double rowSum = 0;
        for (int c = 0; c < 29; c++) {
            rowSum += enc.weights()[7 * 29 + c];
        }
        assertEquals(1, rowSum, 1e-5, "heads averaged: a softmax row still sums to 1");
    }

    @Test
    void anyPhotoSizeComesBackAtThatSize() throws Exception {
        Picture wide = new Picture(150, 31, new float[3 * 150 * 31]);
        CardPrediction p = model.predict(wide);
        for (CardPrediction.TaskMap t : p.tasks()) {
            assertEquals(t.channels() * 150 * 31, t.values().length, t.spec().name());
        }
        assertEquals(150 * 31, p.task("semseg").classMap().length);
        // letterboxed: 150x31 into 96x64 keeps the aspect (96 x 20), centred vertically
        assertEquals(new PhotoFit(150, 31, 96, 64, 0, 22, 96, 20), p.fit());
    }

    @Test
    void bilinearResamplingIsExactOnLinearMaps() {
        // a 3-channel map at stride 4 of a 40x24 input holding f(u, v) = 2u - 3v + c at its cell centres;
        // bilinear sampling of a linear function is exact away from the clamped border
        PhotoFit fit = PhotoFit.fixed(20, 10, 40, 24); // content 40x20 at y0 = 2
        int h = 6;
        int w = 10;
        float[] map = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < h; v++) {
                for (int u = 0; u < w; u++) {
                    map[(c * h + v) * w + u] = 2 * u - 3 * v + c;
                }
            }
        }
        float[] out = fit.toPhoto(map, 2, h, w);
        for (int py = 0; py < 10; py++) {
            for (int px = 0; px < 20; px++) {
                double ix = 0 + (px + 0.5) * 40 / 20.0; // input x of the photo pixel centre
                double iy = 2 + (py + 0.5) * 20 / 10.0;
                double u = ix * w / 40 - 0.5;
                double v = iy * h / 24 - 0.5;
                if (u >= 0 && u <= w - 1 && v >= 0 && v <= h - 1) {
                    assertEquals(2 * u - 3 * v + 2, out[py * 20 + px], 1e-5, "pixel " + px + "," + py);
                }
            }
        }
    }

    @Test
    void normalisesWithTheCardsRangeMeanStdAndChannelOrder() {
        float[] rgb = {200 / 255f, 100 / 255f, 50 / 255f}; // one pixel, planar R, G, B in [0,1]
        ModelCard.Input bgr255 = new ModelCard.Input(1, 1, 0, 0, "BGR", 255, new double[] {103.9, 116.8, 123.7}, new double[] {1, 2, 4});
        assertArrayEquals(new float[] {(float) (50 - 103.9), (float) ((100 - 116.8) / 2), (float) ((200 - 123.7) / 4)},
                CardModel.normalise(rgb, bgr255), 1e-4f);
        ModelCard.Input rgb1 = new ModelCard.Input(1, 1, 0, 0, "RGB", 1, new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25});
        assertArrayEquals(new float[] {(float) ((200 / 255.0 - 0.5) / 0.25), (float) ((100 / 255.0 - 0.5) / 0.25), (float) ((50 / 255.0 - 0.5) / 0.25)},
                CardModel.normalise(rgb, rgb1), 1e-5f);
    }

    @Test
    void photoIsLetterboxedWithTheMeanColour() {
        PhotoFit fit = PhotoFit.fixed(4, 2, 4, 4); // content 4x2 at y0 = 1
        float[] px = new float[3 * 8];
        java.util.Arrays.fill(px, 0.25f);
        float[] in = fit.draw(new Picture(4, 2, px), new float[] {0.1f, 0.2f, 0.3f});
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    float want = y == 0 || y == 3 ? 0.1f * (c + 1) : 0.25f;
                    assertEquals(want, in[c * 16 + y * 4 + x], 1e-6, "c" + c + " " + x + "," + y);
                }
            }
        }
    }

    /**
     * Field case attn_row_cls_4reg_grid4x6.npy: one attention row of a ViT with a class token and
     * 4 register tokens before a 4-row x 6-column grid, 1.0 at grid index 11. Drawn, the prefix is
     * dropped and the peak lands at row 1, column 5 (top right), height and width not swapped.
     */
    @Test
    void fieldCaseAttentionRowPeaksAtRow1Column5() throws Exception {
        Npy.Array row = Npy.read(DIR.resolve("attn_row_cls_4reg_grid4x6.npy"));
        ModelCard.TokenLayout rows = new ModelCard.TokenLayout(0, List.of(new ModelCard.TokenGroup(null, 1, 1)));
        ModelCard.TokenLayout cols = new ModelCard.TokenLayout(5, List.of(new ModelCard.TokenGroup(null, 4, 6)));
        assertEquals(29, cols.tokens());
        var spec = new ModelCard.AttentionSpec("encoder", false, rows, cols, null);
        var a = new CardPrediction.AttentionMap(spec, 1, 1, 29, row.data());
        float[] grid = a.grid(0, 0);
        int peak = 0;
        for (int i = 1; i < grid.length; i++) {
            peak = grid[i] > grid[peak] ? i : peak;
        }
        assertEquals(1, peak / 6, "row of the peak");
        assertEquals(5, peak % 6, "column of the peak");
        // drawn over a 96x64 photo of a 64x96 (H x W) model: the hot cell is x 80..95, y 16..31
        CardPrediction p = new CardPrediction(model.card(), 96, 64, List.of(), List.of(a), PhotoFit.fixed(96, 64, 96, 64), 0);
        float[] heat = p.heatmapOnPhoto(grid, 4, 6);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                boolean hot = x >= 80 && y >= 16 && y < 32;
                assertEquals(hot ? 1f : 0f, heat[y * 96 + x], "pixel " + x + "," + y);
            }
        }
        // and the token under a photo pixel of the top-right cell is that cell's token
        var joint = new ModelCard.AttentionSpec("j", false, cols, cols, null);
        assertEquals(5 + 11, p.rowAt(new CardPrediction.AttentionMap(joint, 1, 29, 29, new float[29 * 29]), 0, 90, 20));
    }
}
